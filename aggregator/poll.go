package aggregator

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff bounds: a failing source is retried after backoffBase, doubling
// with each consecutive failure up to the configured cap, for ever.
const backoffBase = time.Minute

// pollPolicy decides how long a source must rest after a pull, beyond its
// cron schedule: the partner's own caching hints after a success, its
// Retry-After on 429 and 503, exponential backoff after other failures.
type pollPolicy struct {
	// maxDelay caps every rest, so a hostile or mistaken hint never
	// silences a source for long.
	maxDelay time.Duration
	// jitter returns a random fraction in [0, 1).
	jitter func() float64
}

func newPollPolicy(maxDelay time.Duration) pollPolicy {
	return pollPolicy{maxDelay: maxDelay, jitter: rand.Float64}
}

// afterSuccess returns how long to rest after a good response: the longest
// of the feed's <ttl> (minutes), Cache-Control max-age and Expires, capped.
// The schedule still decides when the pull happens; this only delays it.
func (p pollPolicy) afterSuccess(now time.Time, h http.Header, ttlMinutes int) time.Duration {
	rest := time.Duration(ttlMinutes) * time.Minute
	if age, ok := maxAge(h.Get("Cache-Control")); ok {
		rest = max(rest, age)
	}
	if exp, err := http.ParseTime(h.Get("Expires")); err == nil && h.Get("Cache-Control") == "" {
		rest = max(rest, exp.Sub(now))
	}
	return min(max(rest, 0), p.maxDelay)
}

// afterFailure returns how long to rest after the failures-th failure in a
// row: Retry-After when the server sent one (429, 503), else exponential
// backoff with jitter (between half and all of the step), capped.
func (p pollPolicy) afterFailure(now time.Time, status int, h http.Header, failures int) time.Duration {
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if d, ok := retryAfter(now, h.Get("Retry-After")); ok {
			return min(d, p.maxDelay)
		}
	}
	step := backoffBase
	for i := 1; i < failures && step < p.maxDelay; i++ {
		step *= 2
	}
	step = min(step, p.maxDelay)
	return step/2 + time.Duration(p.jitter()*float64(step/2))
}

// maxAge reads max-age (or s-maxage) from a Cache-Control value; no-cache
// and no-store mean no rest.
func maxAge(cc string) (time.Duration, bool) {
	if cc == "" {
		return 0, false
	}
	var age time.Duration
	found := false
	for _, part := range strings.Split(cc, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch strings.ToLower(name) {
		case "no-cache", "no-store":
			return 0, true
		case "max-age", "s-maxage":
			if n, err := strconv.Atoi(strings.Trim(value, `"`)); err == nil && n >= 0 {
				age, found = max(age, time.Duration(n)*time.Second), true
			}
		}
	}
	return age, found
}

// retryAfter reads a Retry-After value: seconds or an HTTP date.
func retryAfter(now time.Time, v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
