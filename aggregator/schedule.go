package aggregator

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"wirefeed/config"
)

// Scheduler pulls every source on its cron schedule. Each job recovers from
// panics and is skipped while its previous run is still going; each source is
// delayed by a fixed jitter of its own, so a hundred sources on one schedule
// do not fire in the same second.
type Scheduler struct {
	agg  *Aggregator
	cron *cron.Cron
	log  *slog.Logger
	// stopping is closed when Stop begins: jobs still waiting out their
	// jitter give up. ctx is cancelled when Stop runs out of patience with
	// fetches in flight.
	stopping chan struct{}
	stopOnce sync.Once
	ctx      context.Context
	cancel   context.CancelFunc
	entries  map[string]cron.EntryID
}

// NewScheduler registers a job per source of cfg. Schedules were validated
// by config, but are checked again here so that a Scheduler built from a
// hand-made Config fails clearly.
func NewScheduler(cfg *config.Config, agg *Aggregator, log *slog.Logger) (*Scheduler, error) {
	logger := cronLogger{log}
	c := cron.New(
		cron.WithLocation(cfg.Location()),
		cron.WithParser(cron.NewParser(cron.Minute|cron.Hour|cron.Dom|cron.Month|cron.Dow|cron.Descriptor)),
		cron.WithLogger(logger),
	)
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{agg: agg, cron: c, log: log, ctx: ctx, cancel: cancel, entries: map[string]cron.EntryID{}, stopping: make(chan struct{})}
	jitter := time.Duration(cfg.Fetch.Jitter)
	for _, src := range cfg.Sources {
		if src.Paused {
			continue
		}
		spec := cfg.ScheduleOf(src)
		id, err := c.AddJob(spec, s.wrap(s.job(src, sourceJitter(src.ID, jitter))))
		if err != nil {
			cancel()
			return nil, fmt.Errorf("aggregator: schedule %s: %q: %w", src.ID, spec, err)
		}
		s.entries[src.ID] = id
	}
	if spec := cfg.Retention.Schedule; spec != "" {
		prune := s.wrap(cron.FuncJob(func() {
			res, err := agg.Prune(s.ctx)
			if err != nil {
				log.Error("prune failed", "err", err)
				return
			}
			if res.Stories > 0 || res.Tombstones > 0 {
				log.Info("pruned", "stories", res.Stories, "tombstones", res.Tombstones)
			}
		}))
		if _, err := c.AddJob(spec, prune); err != nil {
			cancel()
			return nil, fmt.Errorf("aggregator: schedule pruning: %q: %w", spec, err)
		}
	}
	return s, nil
}

// wrap guards a job: a panic is logged instead of killing the daemon, and a
// run that finds the previous one still going is skipped.
func (s *Scheduler) wrap(job cron.Job) cron.Job {
	logger := cronLogger{s.log}
	return cron.NewChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)).Then(job)
}

// job is the scheduled work for one source.
func (s *Scheduler) job(src config.Source, delay time.Duration) cron.Job {
	return cron.FuncJob(func() {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-s.stopping:
				t.Stop()
				return
			}
		}
		s.agg.FetchDue(s.ctx, src).Log(s.log)
	})
}

// sourceJitter spreads sources over [0, max) by a hash of their id, so each
// source keeps the same offset from run to run.
func sourceJitter(id string, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return time.Duration(h.Sum64() % uint64(max))
}

// Start begins running jobs in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling new runs, drops runs still waiting out their
// jitter and waits for fetches in flight to finish. When ctx is done first,
// it cancels them (a store write already begun still completes) and waits
// for them to return. Pass an expired ctx to stop at once, as on SIGTERM.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stopping) })
	done := s.cron.Stop()
	defer s.cancel()
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
	}
	s.cancel()
	<-done.Done()
	return nil
}

// Next returns when a source is next due (before its jitter), or the zero
// time when the scheduler is not running or does not know the source.
func (s *Scheduler) Next(sourceID string) time.Time {
	id, ok := s.entries[sourceID]
	if !ok {
		return time.Time{}
	}
	return s.cron.Entry(id).Next
}

// cronLogger lets cron log through slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
