package publisher

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/sync/singleflight"
)

// Filtered feed requests (?q=, ?source=, ?limit=) are rendered on demand,
// and anyone on the public port can ask for as many different ones as they
// like. So that they cannot take the daemon from everyone else:
//
//   - a rendering is kept for filteredTTL (at most filteredEntries of
//     them, each at most maxFilteredBody bytes), and dropped when its
//     section changes;
//   - identical requests arriving together share one rendering;
//   - at most maxFilteredRenders are rendered at once; up to
//     maxFilteredQueue more wait, each at most filteredQueueWait, and the
//     rest are answered at once with 503 and Retry-After.
const (
	filteredTTL        = 10 * time.Second
	filteredEntries    = 128
	maxFilteredBody    = 256 << 10
	maxFilteredRenders = 1
	maxFilteredQueue   = 64
	filteredQueueWait  = 2 * time.Second
	// retryAfterSeconds is the Retry-After of a busy answer.
	retryAfterSeconds = "2"
)

// errBusy is returned when a filtered rendering finds no room.
var errBusy = errors.New("publisher: too many filtered feed requests at once")

// filtered caches filtered renderings briefly and bounds the work of the
// uncached ones. It is safe for concurrent use.
type filtered struct {
	cache *expirable.LRU[string, *rendering]
	group singleflight.Group
	slots chan struct{} // one per rendering in progress
	queue atomic.Int64  // requests waiting for a slot
	gen   atomic.Uint64 // invalidations so far
}

func newFiltered() *filtered {
	return &filtered{
		cache: expirable.NewLRU[string, *rendering](filteredEntries, nil, filteredTTL),
		slots: make(chan struct{}, maxFilteredRenders),
	}
}

// get returns the rendering named key: cached, shared with an identical
// request in progress, or rendered once a slot is free. The rendering
// itself finishes even if ctx ends (others may share it).
func (f *filtered) get(ctx context.Context, key string, render func(context.Context) (*rendering, error)) (*rendering, error) {
	if res, ok := f.cache.Get(key); ok {
		return res, nil
	}
	ch := f.group.DoChan(key, func() (any, error) {
		gen := f.gen.Load()
		release, err := f.acquire()
		if err != nil {
			return nil, err
		}
		defer release()
		res, err := render(context.WithoutCancel(ctx))
		if err == nil && gen == f.gen.Load() && len(res.plain.body) <= maxFilteredBody {
			f.cache.Add(key, res)
		}
		return res, err
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*rendering), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// acquire takes a rendering slot, waiting in the bounded queue when none
// is free; errBusy when the queue is full or the wait too long.
func (f *filtered) acquire() (func(), error) {
	release := func() { <-f.slots }
	select {
	case f.slots <- struct{}{}:
		return release, nil
	default:
	}
	if f.queue.Add(1) > maxFilteredQueue {
		f.queue.Add(-1)
		return nil, errBusy
	}
	defer f.queue.Add(-1)
	t := time.NewTimer(filteredQueueWait)
	defer t.Stop()
	select {
	case f.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, errBusy
	}
}

// invalidate drops every cached filtered rendering: a section changed,
// and with it any filtered view of it (and of the all feeds).
func (f *filtered) invalidate() {
	f.gen.Add(1)
	f.cache.Purge()
}
