package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLeaseHasOneHolderAndPassesOnWhenItLapses(t *testing.T) {
	ctx := context.Background()
	s, where := openTemp(t)
	other := reopenTestDB(t, where)
	const ttl = 30 * time.Second
	acquire := func(st *Store, holder string, at time.Time) bool {
		t.Helper()
		ok, _, err := st.AcquireLease(ctx, "scheduler", holder, at, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !acquire(s, "a", t0) {
		t.Fatal("a free lease was not taken")
	}
	if acquire(other, "b", t0.Add(time.Second)) {
		t.Fatal("b took a lease a holds")
	}
	if !acquire(s, "a", t0.Add(20*time.Second)) {
		t.Fatal("a could not renew its own lease")
	}
	if acquire(other, "b", t0.Add(45*time.Second)) {
		t.Fatal("b took the lease before a's renewal lapsed")
	}
	// a stops renewing (it crashed): b takes over once the lease lapsed.
	if !acquire(other, "b", t0.Add(51*time.Second)) {
		t.Fatal("b could not take a lapsed lease")
	}
	if acquire(s, "a", t0.Add(52*time.Second)) {
		t.Fatal("a took back the lease b now holds")
	}
	// b exits cleanly: a may take it at once.
	if err := other.ReleaseLease(ctx, "scheduler", "b"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseLease(ctx, "scheduler", "nobody"); err != nil {
		t.Fatal(err)
	}
	if !acquire(s, "a", t0.Add(53*time.Second)) {
		t.Fatal("a could not take a released lease")
	}
}

// A daemon that lost its lease (paused past its end, then resumed) cannot
// write what it pulled: the writes it makes under the old epoch are
// refused, even once it holds the lease again under a new one.
func TestFencedWritesStopWhenTheLeaseMovesOn(t *testing.T) {
	ctx := context.Background()
	s, where := openTemp(t)
	other := reopenTestDB(t, where)
	const ttl = 10 * time.Second
	acquire := func(st *Store, holder string, at time.Time) int64 {
		t.Helper()
		ok, epoch, err := st.AcquireLease(ctx, "scheduler", holder, at, ttl)
		if err != nil || !ok {
			t.Fatalf("%s could not take the lease at %v: %v", holder, at, err)
		}
		return epoch
	}
	if err := s.SyncSources(ctx, []Source{{ID: "nation"}}); err != nil {
		t.Fatal(err)
	}
	epochA := acquire(s, "a", t0)
	if again := acquire(s, "a", t0.Add(5*time.Second)); again != epochA {
		t.Errorf("renewing moved the epoch from %d to %d", epochA, again)
	}
	now := t0.Add(6 * time.Second)
	fenceA := WithFence(ctx, Fence{Name: "scheduler", Holder: "a", Epoch: epochA, Now: func() time.Time { return now }})
	if _, err := s.SaveStories(fenceA, "nation", []Story{story("n1", 0, "nation")}, now); err != nil {
		t.Fatalf("write under a held lease: %v", err)
	}

	// a is paused past its lease; b takes over.
	now = t0.Add(30 * time.Second)
	epochB := acquire(other, "b", now)
	if epochB == epochA {
		t.Fatal("a change of holder kept the epoch")
	}
	_, err := s.SaveStories(fenceA, "nation", []Story{story("n2", 1, "nation")}, now)
	if !errors.Is(err, ErrFenced) {
		t.Fatalf("write after the lease moved on: %v, want ErrFenced", err)
	}
	if err := s.RecordFetch(fenceA, "nation", FetchRecord{At: now, Status: 200}); !errors.Is(err, ErrFenced) {
		t.Fatalf("fetch state after the lease moved on: %v, want ErrFenced", err)
	}
	if n, _ := s.CountStories(ctx); n != 1 {
		t.Errorf("%d stories stored, want 1: the fenced write went through", n)
	}
	// a gets the lease back later: its old epoch still fences.
	if err := other.ReleaseLease(ctx, "scheduler", "b"); err != nil {
		t.Fatal(err)
	}
	if epoch := acquire(s, "a", now); epoch == epochA {
		t.Fatal("a took the lease back under its old epoch")
	}
	if _, err := s.SaveStories(fenceA, "nation", []Story{story("n3", 2, "nation")}, now); !errors.Is(err, ErrFenced) {
		t.Fatalf("write under a stale epoch: %v, want ErrFenced", err)
	}
	if holder, until, err := s.LeaseHolder(ctx, "scheduler"); err != nil || holder != "a" || !until.Equal(now.Add(ttl)) {
		t.Errorf("lease holder = %q until %v (%v)", holder, until, err)
	}
}
