package aggregator

import (
	"context"
	"log/slog"
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
	s, err := NewScheduler(cfg, h.agg, quietLog())
	if err != nil {
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
	s, err := NewScheduler(h.cfg, h.agg, quietLog())
	if err != nil {
		t.Fatal(err)
	}
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
	s, err := NewScheduler(h.cfg, h.agg, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	src, _ := h.cfg.SourceByID("nation")
	job := s.job(src, time.Hour)
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
	if sourceJitter("nation", window) != sourceJitter("nation", window) {
		t.Fatal("jitter of one source changes between calls")
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
