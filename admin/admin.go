// Package admin serves wirefeed's admin API: JSON over HTTP through which
// editors list, add, change, pause and delete partner sources and sections,
// and pull a source now, while the daemon runs.
//
// Every change is written to the config file (config.Document keeps its
// comments), validated exactly as the file is at start-up, and applied by
// a reload; config.yaml stays the one description of the site, whether an
// editor changes it by hand or through the API.
package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wirefeed/config"
	"wirefeed/opml"
)

// Backend is the running daemon, as the admin API sees it.
type Backend interface {
	// Reload makes the daemon run on the config file as it now is.
	Reload(ctx context.Context) error
	// Fetch pulls one source now, paused or not, and reports what happened
	// as a JSON-encodable value.
	Fetch(ctx context.Context, id string) (any, error)
	// SourceStates returns each configured source's fetch state by id, as
	// JSON-encodable values.
	SourceStates(ctx context.Context) (map[string]any, error)
	// Config is the config the daemon runs on.
	Config() *config.Config
	// Reroute places the stored stories first seen within since (0: all)
	// in the sections the current config routes them to (with dryRun,
	// only says what would move), as a JSON-encodable report.
	Reroute(ctx context.Context, since time.Duration, dryRun bool) (any, error)
	// PreviewReroute says, as Reroute with dryRun, where every stored
	// story would go under cfg, a config not saved.
	PreviewReroute(ctx context.Context, cfg *config.Config) (any, error)
	// HideStory hides a stored story from the site and every feed, for
	// editor with note (ErrNoSuchStory, ErrHiddenAlready); ShowStory
	// undoes it.
	HideStory(ctx context.Context, id int64, editor, note string) (any, error)
	ShowStory(ctx context.Context, id int64) (any, error)
	// PreviewSource fetches a feed URL, or a page announcing a feed, as a
	// new source's first pull would, saving nothing: the feed as a
	// JSON-encodable value, its title and the categories its items use.
	PreviewSource(ctx context.Context, rawURL string) (feed any, title string, categories []string, err error)
	// PinStory pins a stored story to the top of a section for d (0:
	// unpins it), for editor (ErrNoSuchStory).
	PinStory(ctx context.Context, id int64, section string, d time.Duration, editor string) (any, error)
}

// Options configure a Server.
type Options struct {
	// Token is the bearer token clients must send; SetToken changes it.
	// While it is empty every request is refused.
	Token string
	// ConfigPath is the config file changes are written to, unless Config
	// is set.
	ConfigPath string
	// Config is where the config document lives when it is not the file
	// at ConfigPath (the database, for several daemons).
	Config ConfigStore
	// Backend is the daemon the API manages.
	Backend Backend
	// CheckURL refuses a feed URL the daemon must not be pointed at
	// (loopback, private, metadata addresses: see netguard); nil allows all.
	CheckURL func(ctx context.Context, rawURL string) error
	// Log receives one line per change.
	Log *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Audit, when set, records every change saved (see AuditEntry).
	Audit func(ctx context.Context, e AuditEntry)
}

// Server is the admin API's http.Handler. It serves paths under /admin/.
type Server struct {
	opts     Options
	tokenSum atomic.Pointer[[sha256.Size]byte] // nil: no token, nobody gets in
	proxies  atomic.Pointer[[]netip.Prefix]    // trusted proxies (admin.trusted_proxies)
	throttle *throttle
	mux      *http.ServeMux
	// mu makes changes one at a time: read, edit, save, reload. It is the
	// queue of config writes, held across their file and reload work and
	// taken by nothing else, so one Server must serve the whole process.
	mu sync.Mutex
}

// maxBody bounds a request body.
const maxBody = 1 << 20

// New returns the admin API for opts.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Config == nil {
		opts.Config = FileConfig(opts.ConfigPath)
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), throttle: newThrottle(opts.Now, opts.Log)}
	s.SetToken(opts.Token)
	s.mux.HandleFunc("GET /admin/{$}", s.index)
	for _, list := range []config.List{config.Sources, config.Sections} {
		base := "/admin/" + string(list)
		s.mux.HandleFunc("GET "+base, s.listEntries(list))
		s.mux.HandleFunc("POST "+base, s.addEntry(list))
		s.mux.HandleFunc("GET "+base+"/{id}", s.getEntry(list))
		s.mux.HandleFunc("PUT "+base+"/{id}", s.changeEntry(list, (*config.Document).Replace))
		s.mux.HandleFunc("PATCH "+base+"/{id}", s.changeEntry(list, (*config.Document).Patch))
		s.mux.HandleFunc("DELETE "+base+"/{id}", s.deleteEntry(list))
	}
	s.mux.HandleFunc("POST /admin/sources/{id}/pause", s.setPaused(true))
	s.mux.HandleFunc("POST /admin/sources/{id}/resume", s.setPaused(false))
	s.mux.HandleFunc("POST /admin/sources/{id}/fetch", s.fetch)
	s.mux.HandleFunc("POST /admin/reroute", s.reroute)
	s.mux.HandleFunc("POST /admin/sections/{id}/preview", s.previewSection)
	s.mux.HandleFunc("POST /admin/sources/preview", s.previewSource)
	s.mux.HandleFunc("POST /admin/stories/{id}/hide", s.hideStory)
	s.mux.HandleFunc("POST /admin/stories/{id}/show", s.showStory)
	s.mux.HandleFunc("POST /admin/stories/{id}/pin", s.pinStory(true))
	s.mux.HandleFunc("POST /admin/stories/{id}/unpin", s.pinStory(false))
	s.mux.HandleFunc("GET /admin/opml", s.exportOPML)
	s.mux.HandleFunc("POST /admin/opml", s.importOPML)
	s.mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such admin endpoint: "+r.Method+" "+r.URL.Path, nil)
	})
	return s
}

// SetToken makes token the one clients must send from now on ("" lets
// nobody in).
func (s *Server) SetToken(token string) {
	if token == "" {
		s.tokenSum.Store(nil)
		return
	}
	sum := sha256.Sum256([]byte(token))
	s.tokenSum.Store(&sum)
}

// Configure applies the admin settings of a config, loaded or reloaded:
// the token and the proxies trusted to name the client.
func (s *Server) Configure(a config.Admin) {
	s.SetToken(a.Token)
	proxies := make([]netip.Prefix, len(a.TrustedProxies))
	for i, n := range a.TrustedProxies {
		proxies[i] = n.Prefix()
	}
	s.proxies.Store(&proxies)
}

// ServeHTTP checks the bearer token, then serves the request. A client
// that sent too many wrong tokens is refused for a while without its token
// being looked at (see throttle).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	var trusted []netip.Prefix
	if p := s.proxies.Load(); p != nil {
		trusted = *p
	}
	addr := clientAddr(r, trusted)
	if wait := s.throttle.wait(addr); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("too many wrong tokens from this address: try again in %d s", secs), nil)
		return
	}
	token, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wirefeed admin"`)
		writeError(w, http.StatusUnauthorized, "missing bearer token: send Authorization: Bearer TOKEN (admin.token)", nil)
		return
	}
	// Comparing digests in constant time reveals neither the token nor
	// its length through timing.
	sum, want := sha256.Sum256([]byte(token)), s.tokenSum.Load()
	if want == nil || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wirefeed admin", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "wrong bearer token", nil)
		s.throttle.failed(addr, r.URL.Path)
		return
	}
	s.throttle.succeeded(addr)
	s.mux.ServeHTTP(w, r)
}

// bearer extracts the token of an "Authorization: Bearer TOKEN" header.
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"endpoints": []string{
			"GET /admin/sources", "POST /admin/sources",
			"GET|PUT|PATCH|DELETE /admin/sources/{id}",
			"POST /admin/sources/{id}/pause", "POST /admin/sources/{id}/resume", "POST /admin/sources/{id}/fetch",
			"GET /admin/sections", "POST /admin/sections", "GET|PUT|PATCH|DELETE /admin/sections/{id}",
			"GET /admin/opml", "POST /admin/opml", "POST /admin/reroute[?since=72h][&dry_run=true]",
			"POST /admin/sections/{id}/preview", "POST /admin/sources/preview", "POST /admin/stories/{id}/hide", "POST /admin/stories/{id}/show",
			"POST /admin/stories/{id}/pin", "POST /admin/stories/{id}/unpin",
		},
		"config": s.opts.ConfigPath,
	})
}

// listEntries answers GET /admin/sources and /admin/sections: each entry as
// the config file holds it; sources with their fetch state.
func (s *Server) listEntries(list config.List) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		doc, err := s.opts.Config.Read(r.Context())
		if err != nil {
			s.internal(w, err)
			return
		}
		out, err := s.views(r.Context(), doc, list, doc.IDs(list)...)
		if err != nil {
			s.internal(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{string(list): out})
	}
}

func (s *Server) getEntry(list config.List) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		doc, err := s.opts.Config.Read(r.Context())
		if err != nil {
			s.internal(w, err)
			return
		}
		s.writeEntry(w, r, http.StatusOK, doc, list, r.PathValue("id"))
	}
}

// writeEntry answers with one entry of doc and, for a source, its state.
func (s *Server) writeEntry(w http.ResponseWriter, r *http.Request, status int, doc *config.Document, list config.List, id string) {
	views, err := s.views(r.Context(), doc, list, id)
	if errors.Is(err, config.ErrNoSuchEntry) {
		writeError(w, http.StatusNotFound, err.Error(), nil)
		return
	}
	if err != nil {
		s.internal(w, err)
		return
	}
	w.Header().Set("ETag", EntryTag(views[0].raw))
	writeJSON(w, status, views[0])
}

// views returns the entries of list with the given ids as doc holds them,
// sources with their fetch state.
func (s *Server) views(ctx context.Context, doc *config.Document, list config.List, ids ...string) ([]entryView, error) {
	var states map[string]any
	if list == config.Sources {
		var err error
		if states, err = s.opts.Backend.SourceStates(ctx); err != nil {
			return nil, err
		}
	}
	out := make([]entryView, 0, len(ids))
	for _, id := range ids {
		raw, err := doc.EntryJSON(list, id)
		if err != nil {
			return nil, err
		}
		out = append(out, entryView{raw: raw, state: states[id]})
	}
	return out, nil
}

// entryView is an entry as the config file holds it, its keys in the
// file's order, followed by its "state" when it has one.
type entryView struct {
	raw   []byte // a JSON object
	state any
}

// MarshalJSON writes the entry with "state" added as its last key.
func (e entryView) MarshalJSON() ([]byte, error) {
	if e.state == nil {
		return e.raw, nil
	}
	state, err := json.Marshal(e.state)
	if err != nil {
		return nil, err
	}
	out := bytes.TrimSuffix(bytes.TrimSpace(e.raw), []byte("}"))
	if len(bytes.TrimSpace(out)) > 1 {
		out = append(out, ',')
	}
	out = append(out, `"state":`...)
	out = append(out, state...)
	return append(out, '}'), nil
}

func (s *Server) addEntry(list config.List) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fields, ok := readFields(w, r)
		if !ok || !s.checkURL(w, r, list, fields) {
			return
		}
		id, _ := fields["id"].(string)
		if id == "" {
			writeError(w, http.StatusUnprocessableEntity, `"id" is required`, []problem{{Key: "id", Message: "required"}})
			return
		}
		doc, ok := s.change(w, r, change{"add", list, id}, func(doc *config.Document) error { return doc.Add(list, fields) })
		if ok {
			w.Header().Set("Location", "/admin/"+string(list)+"/"+id)
			s.writeEntry(w, r, http.StatusCreated, doc, list, id)
		}
	}
}

func (s *Server) changeEntry(list config.List, edit func(*config.Document, config.List, string, config.Fields) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fields, ok := readFields(w, r)
		if !ok || !s.checkURL(w, r, list, fields) {
			return
		}
		id := r.PathValue("id")
		if v, ok := fields["id"]; ok && v != id {
			// Stored stories and subscribers' URLs hang on the id.
			writeError(w, http.StatusUnprocessableEntity, "an id cannot change: add a new entry and delete this one",
				[]problem{{Key: "id", Message: "cannot change"}})
			return
		}
		doc, ok := s.change(w, r, change{strings.ToLower(r.Method), list, id}, func(doc *config.Document) error {
			if err := checkTag(doc, list, id, r.Header.Get("If-Match")); err != nil {
				return err
			}
			return edit(doc, list, id, fields)
		})
		if ok {
			s.writeEntry(w, r, http.StatusOK, doc, list, id)
		}
	}
}

func (s *Server) deleteEntry(list config.List) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if _, ok := s.change(w, r, change{"delete", list, id}, func(doc *config.Document) error {
			if err := checkTag(doc, list, id, r.Header.Get("If-Match")); err != nil {
				return err
			}
			return doc.Delete(list, id)
		}); ok {
			w.WriteHeader(http.StatusNoContent)
		}
	}
}

func (s *Server) setPaused(paused bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		value := any(true)
		if !paused {
			value = nil // not paused is the default: leave the key out
		}
		action := "pause"
		if !paused {
			action = "resume"
		}
		doc, ok := s.change(w, r, change{action, config.Sources, id}, func(doc *config.Document) error {
			return doc.Patch(config.Sources, id, config.Fields{"paused": value})
		})
		if ok {
			s.writeEntry(w, r, http.StatusOK, doc, config.Sources, id)
		}
	}
}

// checkURL refuses a source whose url points where the daemon must not
// fetch; on refusal it has answered.
func (s *Server) checkURL(w http.ResponseWriter, r *http.Request, list config.List, fields config.Fields) bool {
	u, ok := fields["url"].(string)
	if list != config.Sources || !ok || s.opts.CheckURL == nil {
		return true
	}
	if err := s.opts.CheckURL(r.Context(), u); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "url refused: "+err.Error(), []problem{{Key: "url", Message: err.Error()}})
		return false
	}
	return true
}

// refusal is an edit refused with reasons.
type refusal struct {
	msg      string
	problems []problem
}

func (e *refusal) Error() string { return e.msg }

// change applies edit to the config file and reloads the daemon: the
// edited config is validated as a whole, written atomically and applied.
// It returns the saved document, or false after answering with why not.
func (s *Server) change(w http.ResponseWriter, r *http.Request, what change, edit func(*config.Document) error) (*config.Document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// An editor saving the file by hand between our read and our write
	// makes Save refuse; the edit is then made again on the new file.
	for attempt := 0; ; attempt++ {
		doc, ok, retry := s.tryChange(w, r, what, edit, attempt < 2)
		if !retry {
			return doc, ok
		}
	}
}

// tryChange is one attempt of change; retry reports that the file changed
// meanwhile and nothing was answered yet (only when mayRetry).
func (s *Server) tryChange(w http.ResponseWriter, r *http.Request, what change, edit func(*config.Document) error, mayRetry bool) (doc *config.Document, ok, retry bool) {
	doc, err := s.opts.Config.Read(r.Context())
	if err != nil {
		s.internal(w, err)
		return nil, false, false
	}
	before := entryJSON(doc, what.list, what.id)
	var refused *refusal
	switch err := edit(doc); {
	case errors.Is(err, errStale):
		writeError(w, http.StatusPreconditionFailed, err.Error(), nil)
		return nil, false, false
	case errors.Is(err, config.ErrNoSuchEntry):
		writeError(w, http.StatusNotFound, err.Error(), nil)
		return nil, false, false
	case errors.Is(err, config.ErrDuplicateEntry):
		writeError(w, http.StatusConflict, err.Error(), nil)
		return nil, false, false
	case errors.As(err, &refused):
		writeError(w, http.StatusUnprocessableEntity, refused.msg, refused.problems)
		return nil, false, false
	case err != nil:
		writeError(w, http.StatusUnprocessableEntity, err.Error(), nil)
		return nil, false, false
	}
	if err := s.opts.Config.Save(r.Context(), doc, actor(r)); err != nil {
		if errors.Is(err, config.ErrChangedMeanwhile) {
			if mayRetry {
				return nil, false, true
			}
			writeError(w, http.StatusConflict, "the config file keeps changing under this edit; try again", nil)
			return nil, false, false
		}
		var list config.ErrorList
		if errors.As(err, &list) {
			problems := make([]problem, len(list))
			for i, e := range list {
				problems[i] = problem{Key: e.Key, Message: e.Msg}
			}
			writeError(w, http.StatusUnprocessableEntity, "change refused; the config is unchanged", problems)
			return nil, false, false
		}
		s.internal(w, err)
		return nil, false, false
	}
	s.opts.Log.Info("admin: config changed", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr, "by", actor(r))
	s.audit(r, what, before, entryJSON(doc, what.list, what.id))
	if err := s.opts.Backend.Reload(r.Context()); err != nil {
		s.internal(w, fmt.Errorf("config saved but not applied: %w", err))
		return nil, false, false
	}
	return doc, true, false
}

// fetch answers POST /admin/sources/{id}/fetch: the source is pulled now
// and the answer says what happened.
func (s *Server) fetch(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.opts.Backend.Config().SourceByID(id); !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("source %q: %v", id, config.ErrNoSuchEntry), nil)
		return
	}
	report, err := s.opts.Backend.Fetch(r.Context(), id)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]any{"error": err.Error(), "report": report})
		return
	}
	writeJSON(w, http.StatusOK, report)
}

// reroute answers POST /admin/reroute: stored stories are placed where the
// current config routes them (?since=DURATION limits it to stories first
// seen that recently, ?dry_run=true only says what would move).
func (s *Server) reroute(w http.ResponseWriter, r *http.Request) {
	var since time.Duration
	if v := r.URL.Query().Get("since"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("since: want a positive duration such as 72h, got %q", v), nil)
			return
		}
		since = d
	}
	dryRun := r.URL.Query().Get("dry_run") == "true"
	s.mu.Lock() // not while the config changes
	defer s.mu.Unlock()
	report, err := s.opts.Backend.Reroute(r.Context(), since, dryRun)
	if err != nil {
		s.internal(w, err)
		return
	}
	if !dryRun {
		s.opts.Log.Info("admin: stories rerouted", "remote", r.RemoteAddr)
		summary, _ := json.Marshal(report)
		s.audit(r, change{action: "reroute stories"}, "", string(summary))
	}
	writeJSON(w, http.StatusOK, report)
}

func (s *Server) exportOPML(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := opml.Export(&buf, s.opts.Backend.Config(), s.opts.Now()); err != nil {
		s.internal(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="wirefeed-sources.opml"`)
	w.Write(buf.Bytes())
}

// importOPML answers POST /admin/opml: the feeds of the list in the body
// are added (?fallback=SECTION routes those the list puts in no section).
// Every new feed URL is checked as one added singly would be; one refused
// URL refuses the whole import.
func (s *Server) importOPML(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "body too large: at most 1 MiB", nil)
		return
	}
	var res opml.Result
	_, ok := s.change(w, r, change{action: "import opml"}, func(doc *config.Document) error {
		res, err = opml.Import(bytes.NewReader(body), doc, s.opts.Backend.Config(), r.URL.Query().Get("fallback"))
		if err != nil || s.opts.CheckURL == nil {
			return err
		}
		var problems []problem
		for _, id := range res.Sources {
			entry, _ := doc.Entry(config.Sources, id)
			u, _ := entry["url"].(string)
			if err := s.opts.CheckURL(r.Context(), u); err != nil {
				problems = append(problems, problem{Key: "sources." + id + ".url", Message: err.Error()})
			}
		}
		if len(problems) > 0 {
			return &refusal{msg: "import refused: feed URLs the daemon may not fetch; nothing was added", problems: problems}
		}
		return nil
	})
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"added_sources": nonNil(res.Sources), "added_sections": nonNil(res.Sections),
		"skipped": nonNil(res.Skipped), "unrouted": nonNil(res.Unrouted),
	})
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// readFields decodes a JSON object body; on failure it has answered.
func readFields(w http.ResponseWriter, r *http.Request) (config.Fields, bool) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.UseNumber()
	var fields config.Fields
	if err := dec.Decode(&fields); err != nil || fields == nil {
		msg := "body must be a JSON object of config keys"
		if err != nil {
			msg += ": " + err.Error()
		}
		writeError(w, http.StatusBadRequest, msg, nil)
		return nil, false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "body must hold one JSON object", nil)
		return nil, false
	}
	return fields, true
}

// problem is one reason a change was refused.
type problem struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, msg string, problems []problem) {
	body := map[string]any{"error": msg}
	if len(problems) > 0 {
		body["problems"] = problems
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (s *Server) internal(w http.ResponseWriter, err error) {
	s.opts.Log.Error("admin", "err", err)
	writeError(w, http.StatusInternalServerError, err.Error(), nil)
}
