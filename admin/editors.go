package admin

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"wirefeed/config"
)

// AuditEntry is one change made through the admin API or the console:
// who made it, when, what, and the entry as the config file held it
// before and after (JSON; empty when there was none).
type AuditEntry struct {
	At     time.Time
	Actor  string // "admin API (ADDR)" or the editor's name
	Action string // e.g. "add source", "pause source", "import opml"
	Target string // the entry's id, when there is one
	Before string
	After  string
}

// actorKey is the context key of the editor a request acts for.
type actorKey struct{}

// WithActor returns ctx acting for the named editor: changes made with
// it are recorded in the audit log under that name.
func WithActor(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, actorKey{}, name)
}

// actor is who makes the change r asks for.
func actor(r *http.Request) string {
	if name, ok := r.Context().Value(actorKey{}).(string); ok && name != "" {
		return name
	}
	return "admin API (" + r.RemoteAddr + ")"
}

// ServeAuthorized serves an admin API request whose client the caller has
// already authenticated (the console, for a signed-in editor): the same
// handlers, validation and answers as a request with the bearer token.
func (s *Server) ServeAuthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

// CheckToken says whether token is the admin token, under the same
// per-address throttle as the API's bearer tokens: while the client of r
// is blocked, its token is not looked at and wait says for how long.
// A wrong token counts against the client and is logged.
func (s *Server) CheckToken(r *http.Request, token string) (ok bool, wait time.Duration) {
	addr := s.ClientAddr(r)
	if wait := s.throttle.wait(addr); wait > 0 {
		return false, wait
	}
	sum, want := sha256.Sum256([]byte(token)), s.tokenSum.Load()
	if want == nil || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
		s.throttle.failed(addr, r.URL.Path)
		return false, 0
	}
	s.throttle.succeeded(addr)
	return true, 0
}

// Throttled reports how long the client of r must wait before a
// sign-in of it is looked at (0: now).
func (s *Server) Throttled(r *http.Request) time.Duration {
	return s.throttle.wait(s.ClientAddr(r))
}

// Failed records a failed sign-in (a wrong password) of the client of r,
// counted and logged as a wrong token is.
func (s *Server) Failed(r *http.Request) { s.throttle.failed(s.ClientAddr(r), r.URL.Path) }

// Succeeded forgets the failures of the client of r.
func (s *Server) Succeeded(r *http.Request) { s.throttle.succeeded(s.ClientAddr(r)) }

// ClientAddr is the address r is counted under: its peer, or the client
// a trusted proxy names (admin.trusted_proxies); an IPv6 client by its /64.
func (s *Server) ClientAddr(r *http.Request) string {
	var trusted []netip.Prefix
	if p := s.proxies.Load(); p != nil {
		trusted = *p
	}
	return clientAddr(r, trusted)
}

// EntryTag is the entity tag of an entry as the file holds it (its JSON):
// GET answers it as ETag, and a PUT or PATCH sent with If-Match is
// refused (412) once the entry no longer has it, so an editor's change
// made on a stale copy is never silently lost.
func EntryTag(raw []byte) string {
	sum := sha256.Sum256(raw)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// entryJSON is the entry as doc holds it, or "" when there is none.
func entryJSON(doc *config.Document, list config.List, id string) string {
	if list == "" || id == "" {
		return ""
	}
	raw, err := doc.EntryJSON(list, id)
	if err != nil {
		return ""
	}
	return string(raw)
}

// change says what a config change is about, for the audit log.
type change struct {
	action string
	list   config.List // "" when the change is not about one entry
	id     string
}

// errStale refuses a change made on a copy of an entry that has changed
// since (If-Match no longer matches).
var errStale = errors.New("this entry was changed by someone else since you read it: reload it and make your change again")

// checkTag refuses, with errStale, an edit sent with If-Match when the
// entry no longer has that tag.
func checkTag(doc *config.Document, list config.List, id, ifMatch string) error {
	if ifMatch == "" || ifMatch == "*" {
		return nil
	}
	raw, err := doc.EntryJSON(list, id)
	if err != nil {
		return err
	}
	if EntryTag(raw) != strings.TrimPrefix(ifMatch, "W/") {
		return errStale
	}
	return nil
}

// audit records a change made for r.
func (s *Server) audit(r *http.Request, what change, before, after string) {
	if s.opts.Audit == nil {
		return
	}
	action := what.action
	if what.list != "" {
		action += " " + strings.TrimSuffix(string(what.list), "s")
	}
	s.opts.Audit(context.WithoutCancel(r.Context()), AuditEntry{At: s.opts.Now().UTC(), Actor: actor(r),
		Action: action, Target: what.id, Before: before, After: after})
}
