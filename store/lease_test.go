package store

import (
	"context"
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
		ok, err := st.AcquireLease(ctx, "scheduler", holder, at, ttl)
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
