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
//
// A Scheduler lives as long as the process. Apply hands it each config and
// the Aggregator built for it: a source whose schedule is unchanged keeps its
// place in time, so editing the config never postpones a pull.
type Scheduler struct {
	cron *cron.Cron
	log  *slog.Logger
	// gate, when not nil, is asked before each scheduled run: while it
	// refuses (another daemon holds the scheduler lease, or this one's
	// lapsed) runs are skipped without losing the schedule's phase; when it
	// allows, the run's context is the one it returns (carrying the lease's
	// fence, so the run's writes are refused if the lease moves on).
	gate    Gate
	aligned bool
	// stopping is closed when Stop begins: jobs still waiting out their
	// jitter give up. ctx is cancelled when Stop runs out of patience with
	// fetches in flight.
	stopping chan struct{}
	stopOnce sync.Once
	ctx      context.Context
	cancel   context.CancelFunc

	// onNext, when set, is told each source's next run whenever it
	// changes (see OnNext).
	onNext func(sourceID string, next time.Time)

	mu      sync.Mutex // guards the fields below; held for memory only
	cfg     *config.Config
	agg     *Aggregator
	entries map[string]scheduled // by source id
	prune   scheduled
}

// scheduled is a job in the cron table and what it was scheduled by: the
// job is replaced only when that changes.
type scheduled struct {
	entry cron.EntryID
	key   string
}

// Gate decides whether the run of a job may go ahead, and under which
// context: the pull of source (or pruning, for ""), scheduled for due.
// done, called when the run ends, may be nil.
type Gate func(ctx context.Context, source string, due time.Time) (run context.Context, done func(), ok bool)

// SchedulerOptions tune a Scheduler; the zero value is ready to use.
type SchedulerOptions struct {
	// Gate, when not nil, is asked before each run (see Gate).
	Gate Gate
	// Aligned makes "@every" schedules fire on fixed multiples of their
	// period (see alignedEvery), rather than counting from when the scheduler
	// started: daemons sharing a database then agree on every source's due
	// times, and each due time is pulled once across them.
	Aligned bool
}

// NewScheduler returns a Scheduler with no jobs; Apply gives it its sources.
func NewScheduler(log *slog.Logger, opts SchedulerOptions) *Scheduler {
	logger := cronLogger{log}
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		// Jobs' schedules carry their own zone (config.ParseSchedule).
		cron:     cron.New(cron.WithLocation(time.UTC), cron.WithLogger(logger)),
		log:      log,
		gate:     opts.Gate,
		aligned:  opts.Aligned,
		stopping: make(chan struct{}),
		ctx:      ctx,
		cancel:   cancel,
		entries:  map[string]scheduled{},
	}
}

// Apply makes the schedule cfg's, pulling through agg from now on. Sources
// added or whose schedule, zone or jitter changed are (re)scheduled;
// removed or paused ones leave the table; the others keep their next run.
// cfg must be valid (config.Parse).
func (s *Scheduler) Apply(cfg *config.Config, agg *Aggregator) error {
	changed, err := s.apply(cfg, agg)
	for _, id := range changed {
		s.reportNext(id)
	}
	return err
}

// OnNext has fn told each source's next run (zero: none) when the source is
// scheduled anew and each time its run starts, so that other processes
// can show the scheduler's own answer (see Next). Call it before Start.
func (s *Scheduler) OnNext(fn func(sourceID string, next time.Time)) { s.onNext = fn }

// reportNext tells onNext a source's next run.
func (s *Scheduler) reportNext(id string) {
	if s.onNext != nil {
		s.onNext(id, s.Next(id))
	}
}

// apply is Apply under s.mu; it returns the sources (re)scheduled or
// removed.
func (s *Scheduler) apply(cfg *config.Config, agg *Aggregator) (changed []string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg, s.agg = cfg, agg
	jitter := time.Duration(cfg.Fetch.Jitter)
	keep := map[string]bool{}
	for _, src := range cfg.Sources {
		if src.Paused {
			continue
		}
		keep[src.ID] = true
		delay := sourceJitter(src.ID, jitter)
		key := fmt.Sprintf("%s|%s|%v", cfg.ScheduleOf(src), cfg.Location(), delay)
		if old, ok := s.entries[src.ID]; ok && old.key == key {
			continue
		}
		sched := s.schedule(cfg.ScheduleFor(src))
		if sched == nil {
			return changed, fmt.Errorf("aggregator: schedule %s: invalid schedule %q", src.ID, cfg.ScheduleOf(src))
		}
		if old, ok := s.entries[src.ID]; ok {
			s.cron.Remove(old.entry)
		}
		s.entries[src.ID] = scheduled{s.cron.Schedule(sched, s.wrap(s.job(src.ID, delay, sched))), key}
		changed = append(changed, src.ID)
	}
	for id, old := range s.entries {
		if !keep[id] {
			s.cron.Remove(old.entry)
			delete(s.entries, id)
			changed = append(changed, id)
		}
	}
	s.applyPrune(cfg)
	return changed, nil
}

// applyPrune schedules pruning on retention.schedule. s.mu must be held.
func (s *Scheduler) applyPrune(cfg *config.Config) {
	key := ""
	if cfg.Retention.Schedule != "" {
		key = cfg.Retention.Schedule + "|" + cfg.Location().String()
	}
	if key == s.prune.key {
		return
	}
	if s.prune.key != "" {
		s.cron.Remove(s.prune.entry)
	}
	s.prune = scheduled{}
	if sched := s.schedule(cfg.RetentionSchedule()); sched != nil {
		s.prune = scheduled{s.cron.Schedule(sched, s.wrap(cron.FuncJob(func() { s.runPrune(sched) }))), key}
	}
}

// schedule is sched as this Scheduler runs it: aligned on its period if
// the Scheduler aligns "@every" schedules.
func (s *Scheduler) schedule(sched cron.Schedule) cron.Schedule {
	if every, ok := sched.(cron.ConstantDelaySchedule); ok && s.aligned {
		return alignedEvery{period: every.Delay}
	}
	return sched
}

// Due returns the due time of src's run firing at now: its schedule's
// latest activation at or before now, as this Scheduler runs it.
func (s *Scheduler) Due(cfg *config.Config, src config.Source, now time.Time) time.Time {
	return PrevActivation(s.schedule(cfg.ScheduleFor(src)), now)
}

// current returns the config and Aggregator of the last Apply.
func (s *Scheduler) current() (*config.Config, *Aggregator) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg, s.agg
}

// runPrune is the retention job.
func (s *Scheduler) runPrune(sched cron.Schedule) {
	ctx, done, ok := s.admit("", PrevActivation(sched, time.Now()))
	if !ok {
		return
	}
	defer done()
	_, agg := s.current()
	res, err := agg.Prune(ctx)
	if err != nil {
		s.log.Error("prune failed", "err", err)
		return
	}
	if res.Stories > 0 || res.Tombstones > 0 {
		s.log.Info("pruned", "stories", res.Stories, "tombstones", res.Tombstones)
	}
}

// wrap guards a job: a panic is logged instead of killing the daemon, and a
// run that finds the previous one still going is skipped.
func (s *Scheduler) wrap(job cron.Job) cron.Job {
	logger := cronLogger{s.log}
	return cron.NewChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)).Then(job)
}

// job is the scheduled work for one source: it pulls the source as the
// config of the moment describes it.
func (s *Scheduler) job(id string, delay time.Duration, sched cron.Schedule) cron.Job {
	return cron.FuncJob(func() {
		due := PrevActivation(sched, time.Now()) // the time this run is for, before its jitter
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-s.stopping:
				t.Stop()
				return
			}
		}
		// Asked after the jitter: the lease may have moved meanwhile.
		ctx, done, ok := s.admit(id, due)
		if !ok {
			return
		}
		defer done()
		s.reportNext(id) // the daemon pulling it says when cron runs it next
		cfg, agg := s.current()
		src, ok := cfg.SourceByID(id)
		if !ok {
			return // removed while this run waited out its jitter
		}
		agg.FetchDue(ctx, src).Log(s.log)
	})
}

// admit asks the gate whether the run of source ("" for pruning) due at
// due may go ahead now.
func (s *Scheduler) admit(source string, due time.Time) (context.Context, func(), bool) {
	if s.gate == nil {
		return s.ctx, func() {}, true
	}
	ctx, done, ok := s.gate(s.ctx, source, due)
	if done == nil {
		done = func() {}
	}
	return ctx, done, ok
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
// time when the scheduler does not know the source or is not running.
func (s *Scheduler) Next(sourceID string) time.Time {
	s.mu.Lock()
	e, ok := s.entries[sourceID]
	s.mu.Unlock()
	if !ok {
		return time.Time{}
	}
	return s.cron.Entry(e.entry).Next
}

// cronLogger lets cron log through slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
