package daemon

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wirefeed/internal/partnertest"
	"wirefeed/internal/pgtest"
)

// testDaemon is a wirefeed serving in the test, on the config at path.
type testDaemon struct {
	*Daemon
	base string
	skew atomic.Int64 // added to the clock leases are taken by
	stop func()
}

func startDaemon(t *testing.T, path string) *testDaemon {
	t.Helper()
	d := &testDaemon{}
	d.Daemon = openTestDaemon(t, path, Options{Now: func() time.Time { return time.Now().Add(time.Duration(d.skew.Load())) }})
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, RunOptions{Ready: func(s string) { addr <- s }}) }()
	select {
	case s := <-addr:
		d.base = "http://" + s
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	stopped := false
	d.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}
	t.Cleanup(d.stop)
	return d
}

func (d *testDaemon) isLeading() bool { return d.Leading() }

func readyText(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %d %s", resp.StatusCode, body)
	}
	return string(body)
}

// Daemons sharing a database all serve, but one pulls partners on schedule;
// when it exits, or stops renewing its lease, another takes over.
func TestOneDaemonPullsOnSchedule(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	if pgtest.Enabled() {
		partnertest.EditConfig(t, path, "storage:\n", "storage:\n  postgres: \""+pgtest.Schema(t)+"\"\n")
	}
	ctx := context.Background()
	first := startDaemon(t, path)
	second := startDaemon(t, path)
	if !first.isLeading() || second.isLeading() {
		t.Fatalf("leading: first %v, second %v; want the first only", first.isLeading(), second.isLeading())
	}
	if got := readyText(t, second.base); !strings.Contains(got, "another daemon") {
		t.Errorf("readyz of the standby: %q", got)
	}
	if got := readyText(t, first.base); !strings.Contains(got, "pulling partners") {
		t.Errorf("readyz of the leader: %q", got)
	}
	if m := string(partnertest.Get(t, second.base+"/metrics", "text/plain")); !strings.Contains(m, "wirefeed_scheduler_leader 0\n") {
		t.Error("the standby's metrics do not say it stands by")
	}
	if st := string(partnertest.Get(t, first.base+"/status?format=json", "application/json")); !strings.Contains(st, `"scheduler":"leading"`) {
		t.Errorf("the leader's status: %s", st)
	}

	// The leader exits cleanly: it gives up the lease, the other takes it at
	// its next renewal (called here rather than waited for).
	first.stop()
	if err := second.lead(ctx); err != nil {
		t.Fatal(err)
	}
	if !second.isLeading() || second.NextRun("nation").IsZero() {
		t.Fatal("the standby did not take over the schedule")
	}

	// A third daemon starts while the second leads, then the second stops
	// renewing (as if hung): once the lease lapses the third takes over, and
	// the second, coming back, stands by.
	third := startDaemon(t, path)
	if third.isLeading() {
		t.Fatal("two daemons lead")
	}
	third.skew.Store(int64(LeaseTTL + time.Second))
	if err := third.lead(ctx); err != nil {
		t.Fatal(err)
	}
	if !third.isLeading() {
		t.Fatal("the lapsed lease was not taken over")
	}
	if err := second.lead(ctx); err != nil {
		t.Fatal(err)
	}
	if second.isLeading() {
		t.Fatal("the daemon that lost its lease still pulls on schedule")
	}
}
