package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"time"
)

// sourceRow is a source as the sources table shows it.
type sourceRow struct {
	ID, Name, URL, State, LastError string
	FeedURL                         string // where the feed is read, when not URL
	LastSuccess, NextRun            string
	Items, Priority, Failures       int
	Paused                          bool
}

// sourceState is the fetch state the admin API answers with a source.
type sourceState struct {
	LastSuccess *time.Time `json:"last_success"`
	NextRun     *time.Time `json:"next_run"`
	ItemsSeen   int        `json:"items_seen"`
	Failures    int        `json:"consecutive_failures"`
	Disabled    bool       `json:"disabled"`
	Paused      bool       `json:"paused"`
	FeedURL     string     `json:"feed_url"`
	LastError   string     `json:"last_error"`
}

// apiSource is a source as the admin API answers it.
type apiSource struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	URL      string       `json:"url"`
	Priority int          `json:"priority"`
	State    *sourceState `json:"state"`
}

// stateOf names a source's state: failing, gone (410), paused, moved (its
// feed found elsewhere), ok, or new (never pulled).
func stateOf(st *sourceState) string {
	switch {
	case st == nil:
		return "new"
	case st.Disabled:
		return "gone"
	case st.Paused:
		return "paused"
	case st.Failures > 0:
		return "failing"
	case st.LastSuccess == nil:
		return "new"
	case st.FeedURL != "":
		return "moved"
	}
	return "ok"
}

func (c *Console) sourcesPage(w http.ResponseWriter, r *http.Request, s *session) {
	rows, msg := c.sourceRows(r, s)
	if msg != "" {
		c.render(w, r, http.StatusBadGateway, "message", s, view{Title: "Sources", Message: msg})
		return
	}
	c.render(w, r, http.StatusOK, "sources", s, view{Title: "Sources", Data: rows})
}

// sourceRows are the sources with their state, as the admin API answers
// them, failing and gone first; msg says why not.
func (c *Console) sourceRows(r *http.Request, s *session) (rows []sourceRow, msg string) {
	a := c.call(r, s, "GET", "/admin/sources", nil)
	var list struct {
		Sources []apiSource `json:"sources"`
	}
	if err := json.Unmarshal(a.body, &list); err != nil || !a.ok() {
		msg, _ := a.refusal()
		return nil, msg
	}
	rows = make([]sourceRow, 0, len(list.Sources))
	for _, src := range list.Sources {
		row := sourceRow{ID: src.ID, Name: src.Name, URL: src.URL, Priority: src.Priority, State: stateOf(src.State)}
		if row.Name == "" {
			row.Name = src.ID
		}
		if row.Priority == 0 {
			row.Priority = 100
		}
		if st := src.State; st != nil {
			row.Items, row.Failures, row.LastError, row.Paused = st.ItemsSeen, st.Failures, st.LastError, st.Paused
			row.FeedURL = st.FeedURL
			row.LastSuccess, row.NextRun = stamp(st.LastSuccess), stamp(st.NextRun)
		}
		rows = append(rows, row)
	}
	// What needs an editor first: failing and gone, then the rest.
	rank := map[string]int{"failing": 0, "gone": 1, "moved": 2, "paused": 3, "new": 4, "ok": 5}
	sort.SliceStable(rows, func(i, j int) bool { return rank[rows[i].State] < rank[rows[j].State] })
	return rows, ""
}

func stamp(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// sourceAction serves the buttons pause, resume and pull now: the API's
// POST /admin/sources/{id}/ACTION, its outcome shown on the next page.
func (c *Console) sourceAction(action string) func(http.ResponseWriter, *http.Request, *session) {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		id := r.PathValue("id")
		a := c.call(r, s, "POST", "/admin/sources/"+url.PathEscape(id)+"/"+action, nil)
		switch {
		case action == "fetch":
			s.setFlash(fetchNotice(id, a))
		case a.ok():
			s.setFlash(fmt.Sprintf("Source %s %sd.", id, action))
		default:
			msg, _ := a.refusal()
			s.setFlash(fmt.Sprintf("Could not %s %s: %s", action, id, msg))
		}
		http.Redirect(w, r, safeBack(r.PostFormValue("back")), http.StatusSeeOther)
	}
}

// fetchNotice says what pulling a source now did.
func fetchNotice(id string, a answer) string {
	var rep struct {
		New, Updated, Unchanged, Duplicates int
		NotModified                         bool   `json:"not_modified"`
		Error                               string `json:"error"`
		Report                              *struct {
			Error string `json:"error"`
		} `json:"report"`
	}
	json.Unmarshal(a.body, &rep)
	switch {
	case rep.Error != "":
		return fmt.Sprintf("Pulled %s: failed: %s", id, rep.Error)
	case rep.NotModified:
		return fmt.Sprintf("Pulled %s: not modified since the last pull.", id)
	case !a.ok():
		msg, _ := a.refusal()
		return fmt.Sprintf("Could not pull %s: %s", id, msg)
	}
	return fmt.Sprintf("Pulled %s: %d new, %d updated, %d unchanged, %d duplicates.", id, rep.New, rep.Updated, rep.Unchanged, rep.Duplicates)
}
