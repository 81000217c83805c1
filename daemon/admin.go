package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"wirefeed/admin"
	"wirefeed/aggregator"
	"wirefeed/config"
	"wirefeed/route"
	"wirefeed/store"
	"wirefeed/web"
)

// adminBackend is the running daemon as the admin API drives it.
type adminBackend struct{ d *Daemon }

// Reload applies the config file the admin API has just written.
func (b adminBackend) Reload(ctx context.Context) error {
	return b.d.Reload(context.WithoutCancel(ctx))
}

// Config is the config the daemon runs on.
func (b adminBackend) Config() *config.Config { return b.d.current().cfg }

// Fetch pulls one source now, whatever its rest or pause.
func (b adminBackend) Fetch(ctx context.Context, id string) (any, error) {
	g := b.d.current()
	src, _ := g.cfg.SourceByID(id)
	// The pull finishes even if the client gives up waiting. One already in
	// progress here (the scheduler's, or the one a reload starts for a new
	// source) is waited for, then the source is pulled again; one in
	// progress in another process is reported as skipped.
	rep := g.agg.Fetch(context.WithoutCancel(ctx), src)
	for rep.Skipped && g.agg.Pulling(id) {
		if err := g.agg.WaitIdle(ctx, id); err != nil {
			return fetchReport(rep), err
		}
		rep = g.agg.Fetch(context.WithoutCancel(ctx), src)
	}
	rep.Log(b.d.log)
	out := fetchReport(rep)
	if rep.Skipped {
		return out, fmt.Errorf("source %s is being pulled by another wirefeed process; try again when it is done", id)
	}
	if rep.Err != nil {
		return out, rep.Err
	}
	return out, nil
}

// Reroute places stored stories where the running config routes them; the
// changed sections are re-rendered here at once (other daemons on the
// database within a second).
func (b adminBackend) Reroute(ctx context.Context, since time.Duration, dryRun bool) (any, error) {
	g := b.d.current()
	var from time.Time
	if since > 0 {
		from = time.Now().Add(-since)
	}
	res, err := Reroute(ctx, b.d.store, g.cfg, from, dryRun)
	if err != nil {
		return nil, err
	}
	if !dryRun {
		var changed []string
		for id := range res.Added {
			changed = append(changed, id)
		}
		for id := range res.Removed {
			changed = append(changed, id)
		}
		g.pub.Invalidate(changed...)
	}
	return rerouteReport(res, dryRun), nil
}

// PreviewReroute says where the stored stories would go under cfg.
func (b adminBackend) PreviewReroute(ctx context.Context, cfg *config.Config) (any, error) {
	res, err := Reroute(ctx, b.d.store, cfg, time.Time{}, true)
	if err != nil {
		return nil, err
	}
	return rerouteReport(res, true), nil
}

// rerouteReport is a reroute's result as the admin API answers it.
func rerouteReport(res store.RerouteResult, dryRun bool) map[string]any {
	stories := make([]map[string]any, 0, len(res.Stories))
	for _, st := range res.Stories {
		stories = append(stories, map[string]any{"id": st.ID, "source": st.SourceID, "title": st.Title,
			"added": st.Added, "removed": st.Removed})
	}
	return map[string]any{"examined": res.Examined, "moved": res.Moved, "dry_run": dryRun,
		"added": res.Added, "removed": res.Removed, "stories": stories}
}

// SourceStates is each source's fetch state, as /status shows it.
func (b adminBackend) SourceStates(ctx context.Context) (map[string]any, error) {
	g := b.d.current()
	rows, err := web.SourceStatuses(ctx, g.cfg, b.d.store, b.d.NextRun, time.Now())
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(rows))
	for _, row := range rows {
		out[row.ID] = row
	}
	return out, nil
}

// fetchReportJSON is a fetch report as the admin API answers it.
type fetchReportJSON struct {
	Source      string    `json:"source"`
	Items       int       `json:"items"`
	New         int       `json:"new"`
	Updated     int       `json:"updated"`
	Unchanged   int       `json:"unchanged"`
	Duplicates  int       `json:"duplicates"`
	NotModified bool      `json:"not_modified"`
	Skipped     bool      `json:"skipped,omitempty"`
	Discovered  string    `json:"discovered,omitempty"`
	Moved       string    `json:"moved,omitempty"`
	Identity    string    `json:"identity,omitempty"`
	Disabled    bool      `json:"disabled,omitempty"`
	NextRun     time.Time `json:"not_before,omitzero"`
	TookMS      int64     `json:"took_ms"`
	Error       string    `json:"error,omitempty"`
}

func fetchReport(rep aggregator.Report) fetchReportJSON {
	out := fetchReportJSON{
		Source: rep.Source, Items: rep.Items, New: rep.New, Updated: rep.Updated, Unchanged: rep.Unchanged,
		Duplicates: rep.Duplicates, NotModified: rep.NotModified, Skipped: rep.Skipped, Discovered: rep.Discovered, Moved: rep.Moved,
		Identity: rep.Identity, Disabled: rep.Disabled, NextRun: rep.NotBefore, TookMS: rep.Took.Milliseconds(),
	}
	if rep.Err != nil {
		out.Error = rep.Err.Error()
	}
	return out
}

// checkFeedURL is the check a feed URL given through the admin API must
// pass before it is written to the config: its host resolves only to
// addresses the running config's fetch guard allows. Fetches check again
// at every connection.
func (d *Daemon) checkFeedURL(ctx context.Context, rawURL string) error {
	policy := d.current().cfg.Fetch.Guard()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return policy.CheckURL(ctx, rawURL, nil)
}

// Reroute places the stored stories first seen since from (zero: every
// one) in the sections cfg routes them to, as the aggregator routes a story
// it has just pulled; with dryRun it only says what would move.
func Reroute(ctx context.Context, st *store.Store, cfg *config.Config, from time.Time, dryRun bool) (store.RerouteResult, error) {
	router := route.New(cfg)
	sections := func(s *store.Story) []string {
		return router.Sections(route.Story{Source: s.SourceID, Title: s.Title,
			Summary: s.Summary, Content: s.Content, Categories: s.Categories})
	}
	return st.Reroute(ctx, from, sections, dryRun)
}

// audit records a change made through the admin API or the console in
// the database's audit log; a failure to record is logged.
func (d *Daemon) audit(ctx context.Context, e admin.AuditEntry) {
	err := d.store.AddAudit(ctx, store.AuditRecord{At: e.At, Actor: e.Actor, Action: e.Action, Target: e.Target,
		Before: e.Before, After: e.After})
	if err != nil {
		d.log.Error("audit log", "action", e.Action, "target", e.Target, "err", err)
	}
}

// HideStory hides a stored story from the site and every feed; its
// sections are rendered again here at once (other daemons follow the
// database's section versions).
func (b adminBackend) HideStory(ctx context.Context, id int64, editor, note string) (any, error) {
	h, err := b.d.store.HideStory(ctx, id, editor, note, time.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("story %d: %w", id, admin.ErrNoSuchStory)
	case errors.Is(err, store.ErrAlreadyHidden):
		return nil, fmt.Errorf("story %d: %w", id, admin.ErrHiddenAlready)
	case err != nil:
		return nil, err
	}
	if err := b.invalidateStory(ctx, h.StoryID); err != nil {
		return nil, err
	}
	return map[string]any{"id": h.StoryID, "feed_id": h.FeedID, "title": h.Title, "hidden": true,
		"hidden_at": h.HiddenAt, "editor": h.Editor, "note": h.Note}, nil
}

// ShowStory undoes HideStory.
func (b adminBackend) ShowStory(ctx context.Context, id int64) (any, error) {
	err := b.d.store.ShowStory(ctx, id, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("story %d is not hidden: %w", id, admin.ErrNoSuchStory)
	}
	if err != nil {
		return nil, err
	}
	if err := b.invalidateStory(ctx, id); err != nil {
		return nil, err
	}
	return map[string]any{"id": id, "hidden": false}, nil
}

// invalidateStory renders the sections of story id again.
func (b adminBackend) invalidateStory(ctx context.Context, id int64) error {
	sections, err := b.d.store.StorySections(ctx, id)
	if err != nil {
		return err
	}
	b.d.current().pub.Invalidate(sections...)
	return nil
}

// PreviewSource fetches a would-be source's feed without storing it.
func (b adminBackend) PreviewSource(ctx context.Context, rawURL string) (any, string, []string, error) {
	p, err := b.d.current().agg.Preview(ctx, rawURL)
	if err != nil {
		return nil, "", nil, err
	}
	return p, p.Title, p.Categories, nil
}

// PinStory pins a story to the top of a section for d (0: unpins it). A
// section showing every story is pinned under "", as the store reads it;
// this daemon renders the section again when the pin ends.
func (b adminBackend) PinStory(ctx context.Context, id int64, section string, d time.Duration, editor string) (any, error) {
	g := b.d.current()
	key := section
	if sec, ok := g.cfg.Section(section); ok && sec.All {
		key = ""
	}
	now := time.Now()
	var err error
	if d > 0 {
		err = b.d.store.PinStory(ctx, id, key, now.Add(d), editor, now)
	} else {
		err = b.d.store.UnpinStory(ctx, id, key, now)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("story %d: %w", id, admin.ErrNoSuchStory)
	}
	if err != nil {
		return nil, err
	}
	g.pub.Invalidate(section)
	if d > 0 {
		// When the pin runs out, every daemon on the database re-renders
		// the section (its change is announced), not this one only.
		time.AfterFunc(d+time.Second, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := b.d.store.TouchSections(ctx, []string{key}, time.Now()); err != nil {
				b.d.log.Warn("a pin ran out but its section could not be marked changed", "section", section, "err", err)
			}
			b.d.current().pub.Invalidate(section)
		})
		return map[string]any{"id": id, "section": section, "pinned_until": now.Add(d).UTC()}, nil
	}
	return map[string]any{"id": id, "section": section, "pinned": false}, nil
}
