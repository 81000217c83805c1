package web

import (
	"context"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/internal/redact"
	"wirefeed/publisher"
	"wirefeed/store"
)

// SourceStatus is what an operator wants to know of one source. Its URLs
// and error are shown with credentials hidden (see package redact).
type SourceStatus struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	URL         string     `json:"url"`
	FeedURL     string     `json:"feed_url,omitempty"` // where the feed was found, when not URL
	Schedule    string     `json:"schedule"`
	LastAttempt *time.Time `json:"last_attempt"`
	LastSuccess *time.Time `json:"last_success"`
	HTTPStatus  int        `json:"http_status"`
	ItemsSeen   int        `json:"items_seen"`
	Failures    int        `json:"consecutive_failures"`
	Disabled    bool       `json:"disabled"` // the partner answered 410 Gone
	Paused      bool       `json:"paused"`   // an editor paused it
	NextRun     *time.Time `json:"next_run"`
	LastError   string     `json:"last_error,omitempty"`
	// Undated counts the source's stored stories that came with no
	// readable date and are dated by when they were first seen.
	Undated int `json:"undated_stories"`
}

// SourceStatuses joins the config's sources with their fetch state. next
// tells when the scheduler next pulls a source (zero when it does not
// know); nil, or a zero answer, takes the next run the daemon pulling on
// schedule recorded in the database, else computes it from the source's
// schedule.
func SourceStatuses(ctx context.Context, cfg *config.Config, st *store.Store, next func(id string) time.Time, now time.Time) ([]SourceStatus, error) {
	rows, err := st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	state := map[string]store.Source{}
	for _, r := range rows {
		state[r.ID] = r
	}
	undated, err := st.UndatedCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SourceStatus, 0, len(cfg.Sources))
	for _, src := range cfg.Sources {
		s := state[src.ID]
		row := SourceStatus{
			ID: src.ID, Name: publisher.PlainText(src.Name), URL: redact.URL(src.URL), Schedule: cfg.ScheduleOf(src),
			LastAttempt: utc(s.LastAttempt), LastSuccess: utc(s.LastSuccess),
			HTTPStatus: s.LastStatus, ItemsSeen: s.ItemsSeen, Failures: s.Failures, LastError: redact.Text(s.LastError),
			Disabled: s.Disabled, Paused: src.Paused, Undated: undated[src.ID],
		}
		if row.Name == "" {
			row.Name = src.ID // it was all markup
		}
		if s.DiscoveredURL != "" && s.DiscoveredFrom == src.URL {
			row.FeedURL = redact.URL(s.DiscoveredURL)
		}
		var due time.Time
		if next != nil {
			due = next(src.ID)
		}
		if due.IsZero() && s.NextRun != nil && !s.NextRun.Before(now.Add(-time.Minute)) {
			due = *s.NextRun // as the scheduler, in whichever process, set it
		}
		if sched := cfg.ScheduleFor(src); due.IsZero() && sched != nil {
			due = sched.Next(now)
		}
		if s.NotBefore != nil && s.NotBefore.After(due) {
			due = *s.NotBefore // resting: Retry-After, caching hints, backoff
		}
		if !due.IsZero() && !s.Disabled && !src.Paused {
			due = due.UTC()
			row.NextRun = &due
		}
		out = append(out, row)
	}
	return out, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// When formats a time for a person in the zone loc (the site's), with
// the zone's abbreviation; "never" for none.
func When(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "never"
	}
	return t.In(loc).Format("2006-01-02 15:04:05 MST")
}

//go:embed templates/status.html
var statusFS embed.FS

// statusPage is the HTML /status. Its "when" writes a time for people in
// the site's zone with the UTC instant in a <time> element; the function
// is replaced per request (on a clone) by one that knows the zone.
var statusPage = template.Must(template.New("status.html").
	Funcs(template.FuncMap{"when": func(*time.Time) template.HTML { return "" }}).
	ParseFS(statusFS, "templates/status.html"))

// statusTime is t as the status page shows it.
func statusTime(t *time.Time, loc *time.Location) template.HTML {
	if t == nil {
		return "never"
	}
	return template.HTML(`<time datetime="` + t.UTC().Format(time.RFC3339) + `">` +
		template.HTMLEscapeString(When(t, loc)) + `</time>`)
}

// serveStatus answers GET /status: JSON for clients that ask for it (Accept
// application/json, or ?format=json), else a small HTML page.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rows, err := SourceStatuses(r.Context(), h.daemon.Config(), h.store, h.daemon.NextRun, time.Now())
	if err != nil {
		h.log.Error("status", "err", err)
		http.Error(w, "status unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "json" || strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		role := "standby" // another daemon on the database pulls on schedule
		if h.daemon.Leading() {
			role = "leading"
		}
		json.NewEncoder(w).Encode(map[string]any{"scheduler": role, "sources": rows})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	page, err := statusPage.Clone()
	if err != nil {
		h.log.Error("status page", "err", err)
		return
	}
	loc := h.daemon.Config().SiteLocation()
	page.Funcs(template.FuncMap{"when": func(t *time.Time) template.HTML { return statusTime(t, loc) }})
	if err := page.Execute(w, rows); err != nil {
		h.log.Error("status page", "err", err)
	}
}
