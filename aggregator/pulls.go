package aggregator

import (
	"context"
	"sync"

	"wirefeed/store"
)

// SourceLock keeps a source from being pulled by two processes at once: a
// daemon and a `wirefeed fetch`, or two daemons sharing a database.
type SourceLock interface {
	// TryLockSource takes the source's lock if no other process holds it,
	// and reports whether it did; unlock gives it back. The pull runs under
	// the returned context (ctx, or one the lock cancels when it is lost
	// and whose writes it fences).
	TryLockSource(ctx context.Context, id string) (pull context.Context, unlock func(), ok bool, err error)
}

// Pulls is what a process knows of the pulls it runs: which sources are
// being pulled (a source is never pulled twice at once), the per-host
// slots, and each source's last recorded fetch state (so a pull need not
// read it back from the store; another process pulling the same source only
// makes it stale, which costs a full fetch). It outlives reloads: a daemon
// hands the same Pulls to every Aggregator it builds.
type Pulls struct {
	lock SourceLock // nil: this process only

	mu      sync.Mutex               // guards the maps; never held across I/O
	running map[string]chan struct{} // closed when the source's pull ends
	// hosts holds, per partner host, a semaphore of Fetch.PerHost slots, so
	// fifty sources on one host are never all pulled at once.
	hosts  map[string]chan struct{}
	states map[string]store.Source
}

// NewPulls returns an empty Pulls. lock, when not nil, also keeps other
// processes from pulling a source this one pulls.
func NewPulls(lock SourceLock) *Pulls {
	return &Pulls{
		lock:    lock,
		running: map[string]chan struct{}{},
		hosts:   map[string]chan struct{}{},
		states:  map[string]store.Source{},
	}
}

// claim marks the source as being pulled, unless it already is here or in
// another process (ok false). The pull runs under the returned context;
// done ends the claim.
func (p *Pulls) claim(ctx context.Context, id string) (pull context.Context, done func(), ok bool, err error) {
	p.mu.Lock()
	if _, busy := p.running[id]; busy {
		p.mu.Unlock()
		return ctx, nil, false, nil
	}
	finished := make(chan struct{})
	p.running[id] = finished
	p.mu.Unlock()
	release := func() {
		p.mu.Lock()
		delete(p.running, id)
		p.mu.Unlock()
		close(finished)
	}
	if p.lock == nil {
		return ctx, release, true, nil
	}
	pull, unlock, ok, err := p.lock.TryLockSource(ctx, id)
	if err != nil || !ok {
		release()
		return ctx, nil, false, err
	}
	return pull, func() { unlock(); release() }, true, nil
}

// waitIdle returns once no pull of the source is in progress here, or when
// ctx is done.
func (p *Pulls) waitIdle(ctx context.Context, id string) error {
	p.mu.Lock()
	done, busy := p.running[id]
	p.mu.Unlock()
	if !busy {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Pulls) pulling(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, busy := p.running[id]
	return busy
}

// hostSlots returns the semaphore of host's slots, made with size slots if
// it is new.
func (p *Pulls) hostSlots(host string, size int) chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	slots, ok := p.hosts[host]
	if !ok {
		slots = make(chan struct{}, size)
		p.hosts[host] = slots
	}
	return slots
}

func (p *Pulls) state(id string) (store.Source, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, ok := p.states[id]
	return st, ok
}

func (p *Pulls) setState(st store.Source) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.states[st.ID] = st
}

func (p *Pulls) forgetState(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.states, id)
}
