package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// cookieName is the session cookie's name.
const cookieName = "wirefeed_console"

// Sessions end after idleLimit without a request, and maxAge after sign-in
// whatever happens.
const (
	idleLimit = 2 * time.Hour
	maxAge    = 12 * time.Hour
)

// session is one signed-in editor's.
type session struct {
	editor  string
	csrf    string
	started time.Time

	mu       sync.Mutex
	lastSeen time.Time
	flash    string // a notice for the next page shown
}

// validCSRF says whether token is the session's CSRF token.
func (s *session) validCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.csrf)) == 1
}

// setFlash leaves a notice for the next page.
func (s *session) setFlash(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flash = msg
}

// takeFlash returns the notice left for this page, once.
func (s *session) takeFlash() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.flash
	s.flash = ""
	return msg
}

// sessions are the signed-in editors', in memory, by the digest of their
// cookie's value (so the table holds nothing a cookie could be made of).
type sessions struct {
	now func() time.Time
	mu  sync.Mutex
	all map[[sha256.Size]byte]*session
}

func newSessions(now func() time.Time) *sessions {
	return &sessions{now: now, all: map[[sha256.Size]byte]*session{}}
}

// randomToken is 32 random bytes, base64url.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// start opens a session for editor and sets its cookie.
func (ss *sessions) start(w http.ResponseWriter, r *http.Request, editor string, secure bool) *session {
	id := randomToken()
	now := ss.now()
	s := &session{editor: editor, csrf: randomToken(), started: now, lastSeen: now}
	ss.mu.Lock()
	for key, old := range ss.all { // forget ended sessions as new ones come
		if old.ended(now) {
			delete(ss.all, key)
		}
	}
	ss.all[sha256.Sum256([]byte(id))] = s
	ss.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/admin/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(maxAge / time.Second)})
	return s
}

// ended says whether the session is over at now.
func (s *session) ended(now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return now.Sub(s.lastSeen) >= idleLimit || now.Sub(s.started) >= maxAge
}

// get returns the session of r's cookie, or nil when there is none or it
// has ended.
func (ss *sessions) get(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	key := sha256.Sum256([]byte(c.Value))
	now := ss.now()
	ss.mu.Lock()
	s := ss.all[key]
	ss.mu.Unlock()
	if s == nil || s.ended(now) {
		ss.end(key)
		return nil
	}
	s.mu.Lock()
	s.lastSeen = now
	s.mu.Unlock()
	return s
}

func (ss *sessions) end(key [sha256.Size]byte) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.all, key)
}

// stop ends the session of r's cookie and clears the cookie.
func (ss *sessions) stop(w http.ResponseWriter, r *http.Request, secure bool) {
	if c, err := r.Cookie(cookieName); err == nil {
		ss.end(sha256.Sum256([]byte(c.Value)))
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/admin/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
