package main

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/robfig/cron/v3"

	"wirefeed/config"
	"wirefeed/store"
)

// sourceStatus is what an operator wants to know of one source.
type sourceStatus struct {
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
}

// sourceStatuses joins the config's sources with their fetch state. next
// tells when a source is next due; nil computes it from its schedule.
func sourceStatuses(ctx context.Context, cfg *config.Config, st *store.Store, next func(id string) time.Time, now time.Time) ([]sourceStatus, error) {
	rows, err := st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	state := map[string]store.Source{}
	for _, r := range rows {
		state[r.ID] = r
	}
	out := make([]sourceStatus, 0, len(cfg.Sources))
	for _, src := range cfg.Sources {
		s := state[src.ID]
		spec := cfg.ScheduleOf(src)
		row := sourceStatus{
			ID: src.ID, Name: src.Name, URL: src.URL, Schedule: spec,
			LastAttempt: utc(s.LastAttempt), LastSuccess: utc(s.LastSuccess),
			HTTPStatus: s.LastStatus, ItemsSeen: s.ItemsSeen, Failures: s.Failures, LastError: s.LastError,
		}
		if s.DiscoveredURL != "" && s.DiscoveredFrom == src.URL {
			row.FeedURL = s.DiscoveredURL
		}
		var due time.Time
		if next != nil {
			due = next(src.ID)
		}
		if due.IsZero() {
			if sched, err := cron.ParseStandard(spec); err == nil {
				due = sched.Next(now.In(cfg.Location()))
			}
		}
		if s.NotBefore != nil && s.NotBefore.After(due) {
			due = *s.NotBefore // resting: Retry-After, caching hints, backoff
		}
		row.Disabled, row.Paused = s.Disabled, src.Paused
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

// writeSourceTable prints statuses as an aligned text table.
func writeSourceTable(w io.Writer, rows []sourceStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tLAST ATTEMPT\tLAST SUCCESS\tHTTP\tITEMS\tFAILURES\tNEXT RUN\tLAST ERROR")
	for _, r := range rows {
		status := "-"
		if r.HTTPStatus != 0 {
			status = fmt.Sprint(r.HTTPStatus)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", r.ID, when(r.LastAttempt), when(r.LastSuccess),
			status, r.ItemsSeen, r.Failures, nextRun(r), oneLine(r.LastError))
	}
	return tw.Flush()
}

func nextRun(r sourceStatus) string {
	if r.Disabled {
		return "disabled(410)"
	}
	if r.Paused {
		return "paused"
	}
	return when(r.NextRun)
}

func when(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Format("2006-01-02 15:04:05Z")
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	if s == "" {
		return "-"
	}
	return s
}

func runSources(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st, err := openStore(cfg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := sourceStatuses(ctx, cfg, st, nil, time.Now())
	if err != nil {
		return err
	}
	return writeSourceTable(e.stdout, rows)
}

//go:embed templates/status.html
var statusFS embed.FS

var statusPage = template.Must(template.New("status.html").Funcs(template.FuncMap{"when": when}).
	ParseFS(statusFS, "templates/status.html"))

// serveStatus answers GET /status: JSON for clients that ask for it (Accept
// application/json, or ?format=json), else a small HTML page.
func (a *app) serveStatus(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	g := a.current()
	var next func(string) time.Time
	if g.sched != nil {
		next = g.sched.Next
	}
	rows, err := sourceStatuses(r.Context(), g.cfg, a.store, next, time.Now())
	if err != nil {
		a.log.Error("status", "err", err)
		http.Error(w, "status unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "json" || strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		role := "standby" // another daemon on the database pulls on schedule
		if a.isLeading() {
			role = "leading"
		}
		json.NewEncoder(w).Encode(map[string]any{"scheduler": role, "sources": rows})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := statusPage.Execute(w, rows); err != nil {
		a.log.Error("status page", "err", err)
	}
}
