package web

import (
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// abortLog logs requests whose client went away before the answer was
// complete: the first at once, then at most one line a minute with the
// count of those not logged, so a client aborting thousands of requests
// cannot flood the log.
type abortLog struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// abortLogEvery is the shortest gap between two lines of abortLog.
const abortLogEvery = time.Minute

func (a *abortLog) note(log *slog.Logger, r *http.Request) {
	now := time.Now()
	a.mu.Lock()
	if now.Sub(a.last) < abortLogEvery {
		a.suppressed++
		a.mu.Unlock()
		return
	}
	suppressed := a.suppressed
	a.last, a.suppressed = now, 0
	a.mu.Unlock()
	log.Info("client went away before the answer was complete", "path", r.URL.Path, "remote", r.RemoteAddr,
		"more_since_last_logged", suppressed)
}
