package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"wirefeed/aggregator"
	"wirefeed/internal/partnertest"
	"wirefeed/internal/pgtest"
	"wirefeed/store"
)

// A leader paused past its lease (SIGSTOP; here its clock jumps) pulls
// nothing when it runs again, even before it learns another daemon took
// over; and a pull it had begun stores nothing once the lease has moved.
func TestAPausedLeaderPullsNothingOnWaking(t *testing.T) {
	slow := newHeldPartner(t)
	path := partnertest.WriteConfig(t, slow.URL)
	// A paused source: pulled only when asked for, so the pulls the daemons
	// start by themselves leave it alone.
	partnertest.EditConfig(t, path, "sources:\n", "sources:\n  - {id: extra, url: \""+slow.URL+"/extra\", fallback: other, paused: true}\n")
	if pgtest.Enabled() { // CI runs it on PostgreSQL too, where the fence share-locks the lease row
		partnertest.EditConfig(t, path, "storage:\n", "storage:\n  postgres: \""+pgtest.Schema(t)+"\"\n")
	}
	// The pulls the daemons start by themselves are held too: room for one more.
	partnertest.EditConfig(t, path, "fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}", "fetch: {timeout: 5s, jitter: 0s, per_host: 8, allow_networks: [127.0.0.0/8]}")
	leader := startDaemon(t, path)
	standby := startDaemon(t, path)
	if !leader.Leading() || standby.Leading() {
		t.Fatal("want the first daemon leading")
	}
	// A pull starts under the lease and is held by the partner.
	ctx, _, ok := leader.gate(context.Background(), "", time.Time{})
	if !ok {
		t.Fatal("the leader's gate refuses a pull under a held lease")
	}
	src, _ := leader.Config().SourceByID("extra")
	report := make(chan aggregator.Report, 1)
	go func() { report <- leader.Aggregator().Fetch(ctx, src) }()
	slow.waitFor(t, "/extra")

	// The leader is paused past its lease; the standby takes over.
	pause := int64(LeaseTTL + time.Second)
	leader.skew.Store(pause)
	if _, _, ok := leader.gate(context.Background(), "", time.Time{}); ok {
		t.Error("a leader whose lease lapsed by its own clock still admits scheduled pulls")
	}
	standby.skew.Store(pause)
	if err := standby.lead(context.Background()); err != nil || !standby.Leading() {
		t.Fatalf("the standby did not take the lapsed lease: %v", err)
	}
	slow.free()
	rep := <-report
	if !errors.Is(rep.Err, store.ErrFenced) {
		t.Fatalf("the overtaken pull: %v, want it fenced", rep.Err)
	}
	if st, err := leader.store.Source(context.Background(), "extra"); err != nil || st.LastAttempt != nil || st.ItemsSeen != 0 {
		t.Errorf("the overtaken pull recorded its fetch: %+v (%v)", st, err)
	}
	if got, err := leader.store.FindStory(context.Background(), "https://www.nationthailand.com/news/politics/40012345"); err == nil && got.SourceID == "extra" {
		t.Error("the overtaken pull stored a story")
	}
	// Waking, the old leader renews and finds the lease taken.
	if err := leader.lead(context.Background()); err != nil || leader.Leading() {
		t.Errorf("the old leader still leads after waking: %v", err)
	}
}

// /readyz tells the truth: a standby says no daemon pulls once the lease
// has lapsed with nobody taking it, and a daemon whose pulls cannot be
// written says so.
func TestReadyTellsWhetherAnythingPulls(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	leader := startDaemon(t, path)
	standby := startDaemon(t, path)
	if ok, why := standby.Ready(context.Background()); !ok || !strings.Contains(why, "another daemon") {
		t.Fatalf("standby while the leader holds the lease: %v %q", ok, why)
	}
	// The leader stops renewing (hung); the standby's clock runs on past
	// the lease and its takeover window without a takeover.
	standby.skew.Store(int64(LeaseTTL + 2*LeaseRenew))
	if ok, why := standby.Ready(context.Background()); ok || !strings.Contains(why, "no daemon pulls") {
		t.Errorf("standby with a lapsed lease nobody took: %v %q", ok, why)
	}
	if got := partnertest.Status(t, standby.base+"/readyz"); got != 503 {
		t.Errorf("readyz with a lapsed lease: %d, want 503", got)
	}

	// The database refuses the leader's writes (a full disk).
	leader.observe(aggregator.Report{Source: "nation", Err: fmt.Errorf("aggregator: store nation: %w: disk I/O error", aggregator.ErrStore)})
	if ok, why := leader.Ready(context.Background()); ok || !strings.Contains(why, "refused a pull's writes") {
		t.Errorf("leader whose writes fail: %v %q", ok, why)
	}
	// A later pull written fine clears it.
	leader.observe(aggregator.Report{Source: "nation", New: 1})
	if ok, why := leader.Ready(context.Background()); !ok {
		t.Errorf("leader after a good write: %q", why)
	}
	// A lease that cannot be renewed.
	err := errors.New("database is locked")
	leader.leaseErr.Store(&err)
	if ok, why := leader.Ready(context.Background()); ok || !strings.Contains(why, "cannot be renewed") {
		t.Errorf("leader that cannot renew: %v %q", ok, why)
	}
}
