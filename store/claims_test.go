package store

import (
	"context"
	"testing"
	"time"
)

// One daemon per due time claims a source's pull; a claim that lapses
// unreleased is listed for takeover; releasing a claim never undoes a
// later hold of the same source.
func TestPullClaims(t *testing.T) {
	ctx := context.Background()
	s, where := openTemp(t)
	other := reopenTestDB(t, where)
	now := t0
	clock := func() time.Time { return now }
	a := PullClaims{Store: s, Holder: "a", TTL: 6 * time.Second, Renew: 2 * time.Second, Now: clock}
	b := PullClaims{Store: other, Holder: "b", TTL: 6 * time.Second, Renew: 2 * time.Second, Now: clock}
	due := t0.Truncate(time.Minute)

	won, epoch, err := a.ClaimDue(ctx, "nation", due)
	if err != nil || !won {
		t.Fatalf("first claim: %v %v", won, err)
	}
	if won, _, _ := b.ClaimDue(ctx, "nation", due); won {
		t.Fatal("two daemons claimed one due time")
	}
	// a never started the pull and released it: the due time stays taken.
	if err := a.Release(ctx, "nation", epoch); err != nil {
		t.Fatal(err)
	}
	if won, _, _ := b.ClaimDue(ctx, "nation", due); won {
		t.Fatal("a released claim was claimed again for the same due time")
	}
	// The next due time is b's, and lapses unreleased (b died).
	won, _, err = b.ClaimDue(ctx, "nation", due.Add(time.Minute))
	if err != nil || !won {
		t.Fatalf("next due time: %v %v", won, err)
	}
	now = now.Add(10 * time.Second)
	lapsed, err := a.LapsedClaims(ctx)
	if err != nil || len(lapsed) != 1 || lapsed[0].Source != "nation" {
		t.Fatalf("lapsed claims = %v (%v), want nation", lapsed, err)
	}
	// Taking over is for the claim as listed: b's other daemon's listing,
	// made before a took it, finds nothing to take.
	if won, err := a.TakeOver(ctx, lapsed[0]); err != nil || !won {
		t.Fatalf("take over: %v %v", won, err)
	}
	if won, _ := b.TakeOver(ctx, lapsed[0]); won {
		t.Fatal("a lapsed claim was taken over twice")
	}
	// a pulls it; a stale release of its old claim leaves it held.
	_, unlock, ok, err := a.TryLockSource(ctx, "nation")
	if err != nil || !ok {
		t.Fatalf("takeover: %v %v", ok, err)
	}
	if err := a.Release(ctx, "nation", epoch); err != nil {
		t.Fatal(err)
	}
	if holder, _, _ := s.LeaseHolder(ctx, claimPrefix+"nation"); holder != "a" {
		t.Errorf("a stale release undid the takeover: holder %q", holder)
	}
	unlock()
	if holder, _, _ := s.LeaseHolder(ctx, claimPrefix+"nation"); holder != "" {
		t.Errorf("after the pull the claim is still held by %q", holder)
	}
}

// The pulls a daemon starts by itself give up, when they end, the claims
// they did not use; one that did pull has released its claim already,
// and a later pull of the source (asked for by an editor) must keep its
// hold.
func TestReleasingAnUsedClaimLeavesALaterHold(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	a := PullClaims{Store: s, Holder: "a", TTL: 6 * time.Second, Renew: 2 * time.Second, Now: func() time.Time { return t0 }}
	due := t0.Truncate(time.Hour)
	won, epoch, err := a.ClaimDue(ctx, "live", due)
	if err != nil || !won {
		t.Fatalf("claim: %v %v", won, err)
	}
	_, unlock, ok, _ := a.TryLockSource(ctx, "live") // the claimed pull runs
	if !ok {
		t.Fatal("the claimed pull could not lock its source")
	}
	unlock()
	_, unlock, ok, _ = a.TryLockSource(ctx, "live") // an editor's pull now
	if !ok {
		t.Fatal("an editor's pull could not lock the source")
	}
	defer unlock()
	if err := a.Release(ctx, "live", epoch); err != nil {
		t.Fatal(err)
	}
	if holder, _, _ := s.LeaseHolder(ctx, claimPrefix+"live"); holder != "a" {
		t.Errorf("releasing the used claim undid the editor's pull: holder %q", holder)
	}
}

// A pull taken over reads the feed as it is now: a due time that passed
// while it ran is not claimed again once it ends.
func TestATakeOverStandsForTheDueTimesItCovers(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	now := t0
	a := PullClaims{Store: s, Holder: "a", TTL: 6 * time.Second, Renew: 2 * time.Second, Now: func() time.Time { return now }}
	if won, _, _ := a.ClaimDue(ctx, "nation", t0); !won {
		t.Fatal("claim")
	}
	now = t0.Add(7 * time.Second) // a died; its claim lapsed
	lapsed, _ := a.LapsedClaims(ctx)
	b := a
	b.Holder = "b"
	if won, err := b.TakeOver(ctx, lapsed[0]); err != nil || !won {
		t.Fatalf("take over: %v %v", won, err)
	}
	_, unlock, _, _ := b.TryLockSource(ctx, "nation")
	unlock() // the taken-over pull ends
	if won, _, _ := b.ClaimDue(ctx, "nation", t0.Add(5*time.Second)); won {
		t.Error("a due time before the takeover was claimed again after it")
	}
	if won, _, _ := b.ClaimDue(ctx, "nation", t0.Add(9*time.Second)); !won {
		t.Error("the next due time after the takeover could not be claimed")
	}
}
