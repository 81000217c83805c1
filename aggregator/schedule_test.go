package aggregator

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"wirefeed/config"
)

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestSchedulerRunsEachSourceOnItsScheduleInTheConfiguredZone(t *testing.T) {
	h := newHarness(t)
	cfg, err := config.Parse([]byte(`
timezone: Asia/Tokyo
schedule: "@every 10m"
sections: [{id: other, title: Other}]
sources:
  - {id: a, url: "http://127.0.0.1:1/a", fallback: other}
  - {id: b, url: "http://127.0.0.1:1/b", fallback: other, schedule: "30 1 * * *"}
  - {id: c, url: "http://127.0.0.1:1/c", fallback: other, paused: true}
`), "sched.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := NewScheduler(quietLog(), SchedulerOptions{})
	if err := s.Apply(cfg, h.agg); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	s.Start()
	defer s.Stop(context.Background())
	if next := s.Next("a"); next.Sub(before) < 9*time.Minute || next.Sub(before) > 11*time.Minute {
		t.Errorf("source a next due %v, want about 10m from now", next.Sub(before))
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if next := s.Next("b").In(tokyo); next.Hour() != 1 || next.Minute() != 30 {
		t.Errorf("source b next due %v, want 01:30 Tokyo time", next)
	}
	if !s.Next("nosuch").IsZero() {
		t.Error("unknown source has a next run")
	}
	if !s.Next("c").IsZero() {
		t.Error("paused source is scheduled")
	}
}

func TestScheduledJobSurvivesPanicsAndNeverOverlaps(t *testing.T) {
	h := newHarness(t)
	s := newHarnessScheduler(t, h)
	defer s.Stop(context.Background())

	panicking := s.wrap(cron.FuncJob(func() { panic("partner sent nonsense") }))
	panicking.Run() // must not panic out of the scheduler

	var runs atomic.Int32
	entered, release := make(chan struct{}), make(chan struct{})
	slow := s.wrap(cron.FuncJob(func() {
		runs.Add(1)
		close(entered)
		<-release
	}))
	done := make(chan struct{})
	go func() { slow.Run(); close(done) }()
	<-entered
	// SkipIfStillRunning: a tick that arrives while the job runs is dropped.
	slow.Run()
	close(release)
	<-done
	if n := runs.Load(); n != 1 {
		t.Errorf("job ran %d times, want 1 (the overlapping run skipped)", n)
	}
}

func TestStopCutsJitterWaitShort(t *testing.T) {
	h := newHarness(t)
	s := newHarnessScheduler(t, h)
	job := s.job("nation", time.Hour, cron.Every(time.Hour))
	done := make(chan struct{})
	go func() { job.Run(); close(done) }()
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("job still waiting out its jitter after Stop")
	}
	if src, _ := h.store.Source(context.Background(), "nation"); src.LastAttempt != nil {
		t.Error("a job stopped during its jitter still fetched")
	}
}

func TestSourceJitterIsStableAndSpread(t *testing.T) {
	const window = 10 * time.Second
	if a, b := sourceJitter("nation", window), sourceJitter("nation", window); a != b {
		t.Fatalf("jitter of one source changes between calls: %v, then %v", a, b)
	}
	if sourceJitter("nation", 0) != 0 {
		t.Fatal("jitter 0 must disable the delay")
	}
	seen := map[time.Duration]bool{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		d := sourceJitter(id, window)
		if d < 0 || d >= window {
			t.Fatalf("jitter %v outside [0, %v)", d, window)
		}
		seen[d.Truncate(time.Second)] = true
	}
	if len(seen) < 4 {
		t.Errorf("8 sources fall into only %d distinct seconds", len(seen))
	}
}

// newHarnessScheduler returns a Scheduler for the harness's config, not
// started.
func newHarnessScheduler(t *testing.T, h *harness) *Scheduler {
	t.Helper()
	s := NewScheduler(quietLog(), SchedulerOptions{})
	if err := s.Apply(h.cfg, h.agg); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestApplyKeepsThePhaseOfUnchangedSchedules(t *testing.T) {
	h := newHarness(t)
	parse := func(bSchedule string, withC bool) *config.Config {
		text := `
schedule: "@every 30s"
fetch: {jitter: 0s, min_interval: 10s}
sections: [{id: other, title: Other}]
sources:
  - {id: a, url: "http://127.0.0.1:1/a", fallback: other}
  - {id: b, url: "http://127.0.0.1:1/b", fallback: other, schedule: "` + bSchedule + `"}
`
		if withC {
			text += `  - {id: c, url: "http://127.0.0.1:1/c", fallback: other, priority: 3}` + "\n"
		}
		cfg, err := config.Parse([]byte(text), "sched.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	s := NewScheduler(quietLog(), SchedulerOptions{})
	if err := s.Apply(parse("@every 20s", true), h.agg); err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(context.Background())
	a, b := s.Next("a"), s.Next("b")
	if a.IsZero() || b.IsZero() {
		t.Fatal("sources not scheduled")
	}
	entryA := s.entries["a"].entry
	// The edit changes b's schedule and removes c; a is untouched.
	if err := s.Apply(parse("@every 45s", false), h.agg); err != nil {
		t.Fatal(err)
	}
	// Its cron entry is the same one, so its runs keep their rhythm
	// however much later the edit comes.
	if got := s.Next("a"); !got.Equal(a) || s.entries["a"].entry != entryA {
		t.Errorf("unchanged source a was rescheduled: next run %v, was %v", got, a)
	}
	if got := s.Next("b"); got.Equal(b) || time.Until(got) < 40*time.Second {
		t.Errorf("source b keeps its old schedule: next run in %v", time.Until(got))
	}
	if !s.Next("c").IsZero() {
		t.Error("removed source c is still scheduled")
	}
}

// The scheduler tells of each source's next run as it schedules it, and
// of none when the source leaves the schedule, so that it can be recorded
// for other processes to show.
func TestSchedulerReportsNextRuns(t *testing.T) {
	h := newHarness(t)
	parse := func(text string) *config.Config {
		cfg, err := config.Parse([]byte(text), "sched.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	s := NewScheduler(quietLog(), SchedulerOptions{})
	var mu sync.Mutex
	got := map[string]time.Time{}
	s.OnNext(func(id string, next time.Time) {
		mu.Lock()
		defer mu.Unlock()
		got[id] = next
	})
	s.Start()
	defer s.Stop(context.Background())
	before := time.Now()
	if err := s.Apply(parse(`
sections: [{id: other, title: Other}]
sources:
  - {id: a, url: "http://127.0.0.1:1/a", fallback: other, schedule: "@every 1h"}
`), h.agg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	a := got["a"]
	mu.Unlock()
	if d := a.Sub(before); d < 59*time.Minute || d > 61*time.Minute || !a.Equal(s.Next("a")) {
		t.Errorf("reported next run of a %v (%v from now), scheduler says %v", a, d, s.Next("a"))
	}
	if err := s.Apply(parse(`
sections: [{id: other, title: Other}]
sources:
  - {id: b, url: "http://127.0.0.1:1/b", fallback: other}
`), h.agg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if next, ok := got["a"]; !ok || !next.IsZero() {
		t.Errorf("a left the schedule; reported %v, want the zero time", next)
	}
	if got["b"].IsZero() {
		t.Error("b's next run was not reported")
	}
}
