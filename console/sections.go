package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// sectionFields are the section form's fields, each a key of the
// section in config.yaml; include and exclude hold one rule a line,
// written as in config.yaml: {title: [sumo, yokozuna], source: jiji}.
var sectionFields = []string{"title", "description", "limit", "include", "exclude"}

// sectionRow is a section as the sections list shows it.
type sectionRow struct {
	ID, Title string
	Rules     int
}

func (c *Console) sectionsPage(w http.ResponseWriter, r *http.Request, s *session) {
	a := c.call(r, s, "GET", "/admin/sections", nil)
	var list struct {
		Sections []map[string]any `json:"sections"`
	}
	if err := json.Unmarshal(a.body, &list); err != nil || !a.ok() {
		msg, _ := a.refusal()
		c.render(w, r, http.StatusBadGateway, "message", s, view{Title: "Sections", Message: msg})
		return
	}
	var rows []sectionRow
	for _, sec := range list.Sections {
		row := sectionRow{ID: fmt.Sprint(sec["id"]), Title: fmt.Sprint(sec["title"])}
		for _, k := range []string{"include", "exclude"} {
			if rules, ok := sec[k].([]any); ok {
				row.Rules += len(rules)
			}
		}
		rows = append(rows, row)
	}
	c.render(w, r, http.StatusOK, "sections", s, view{Title: "Sections", Data: rows})
}

// sectionView is the section page's own data.
type sectionView struct {
	ID           string
	Examined     int
	Enter, Leave []movedStory
	Previewed    bool
}

// movedStory is a story a preview or a reroute moves.
type movedStory struct {
	ID      int64    `json:"id"`
	Source  string   `json:"source"`
	Title   string   `json:"title"`
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

// rerouteAnswer is the admin API's reroute report.
type rerouteAnswer struct {
	Examined int            `json:"examined"`
	Moved    int            `json:"moved"`
	DryRun   bool           `json:"dry_run"`
	Added    map[string]int `json:"added"`
	Removed  map[string]int `json:"removed"`
	Stories  []movedStory   `json:"stories"`
}

func (c *Console) sectionPage(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := c.call(r, s, "GET", "/admin/sections/"+url.PathEscape(id), nil)
	var entry map[string]any
	if err := json.Unmarshal(a.body, &entry); err != nil || !a.ok() {
		msg, _ := a.refusal()
		c.render(w, r, a.status, "message", s, view{Title: "Section " + id, Message: msg})
		return
	}
	form := map[string]string{"tag": a.header.Get("ETag")}
	for _, f := range sectionFields {
		switch v := entry[f].(type) {
		case string:
			form[f] = v
		case float64:
			form[f] = strconv.FormatFloat(v, 'f', -1, 64)
		case []any:
			var lines []string
			for _, rule := range v {
				b, _ := json.Marshal(rule)
				lines = append(lines, string(b))
			}
			form[f] = strings.Join(lines, "\n")
		}
	}
	c.render(w, r, http.StatusOK, "section", s, view{Title: "Section " + id, Form: form, Data: sectionView{ID: id}})
}

// sectionForm turns the form into the section's config keys (an empty
// field removes its key).
func sectionForm(r *http.Request) (map[string]any, map[string]string) {
	out, errs := map[string]any{}, map[string]string{}
	for _, f := range sectionFields {
		v := strings.TrimSpace(r.PostFormValue(f))
		switch {
		case v == "":
			out[f] = nil
		case f == "limit":
			n, err := strconv.Atoi(v)
			if err != nil {
				errs[f] = fmt.Sprintf("want a whole number, got %q", v)
				continue
			}
			out[f] = n
		case f == "include" || f == "exclude":
			var rules []any
			for i, line := range strings.Split(v, "\n") {
				if strings.TrimSpace(line) == "" {
					continue
				}
				var rule map[string]any
				if err := yaml.Unmarshal([]byte(line), &rule); err != nil || rule == nil {
					errs[f] = fmt.Sprintf("line %d: write a rule as {title: [word, other words], source: id}", i+1)
					break
				}
				rules = append(rules, rule)
			}
			out[f] = rules
		default:
			out[f] = v
		}
	}
	return out, errs
}

// saveSection previews the form's change (do=preview: POST
// /admin/sections/{id}/preview, nothing saved) or saves it (PATCH
// /admin/sections/{id} with If-Match).
func (c *Console) saveSection(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	form := map[string]string{"tag": r.PostFormValue("tag")}
	for _, f := range sectionFields {
		form[f] = r.PostFormValue(f)
	}
	sv := sectionView{ID: id}
	v := view{Title: "Section " + id, Form: form, Data: &sv}
	fields, errs := sectionForm(r)
	if len(errs) > 0 {
		v.Error, v.Errors = "the form has errors: see each field", errs
		c.render(w, r, http.StatusUnprocessableEntity, "section", s, v)
		return
	}
	body, _ := json.Marshal(fields)
	if r.PostFormValue("do") == "preview" {
		a := c.call(r, s, "POST", "/admin/sections/"+url.PathEscape(id)+"/preview", body)
		var rep rerouteAnswer
		if !a.ok() || json.Unmarshal(a.body, &rep) != nil {
			v.Error, v.Errors = a.refusal(sectionFields...)
			c.render(w, r, a.status, "section", s, v)
			return
		}
		sv.Previewed, sv.Examined = true, rep.Examined
		for _, st := range rep.Stories {
			if slices.Contains(st.Added, id) {
				sv.Enter = append(sv.Enter, st)
			}
			if slices.Contains(st.Removed, id) {
				sv.Leave = append(sv.Leave, st)
			}
		}
		c.render(w, r, http.StatusOK, "section", s, v)
		return
	}
	a := c.call(r, s, "PATCH", "/admin/sections/"+url.PathEscape(id), body, "If-Match", r.PostFormValue("tag"))
	if !a.ok() {
		v.Error, v.Errors = a.refusal(sectionFields...)
		v.Stale = a.status == http.StatusPreconditionFailed
		c.render(w, r, a.status, "section", s, v)
		return
	}
	s.setFlash(fmt.Sprintf("Section %s saved. Stories already stored keep their sections until rerouted.", id))
	http.Redirect(w, r, "/admin/sections/"+url.PathEscape(id), http.StatusSeeOther)
}

// reroute is POST /admin/reroute of the API: stored stories are placed
// where the config now routes them; the page lists what moved.
func (c *Console) reroute(w http.ResponseWriter, r *http.Request, s *session) {
	a := c.call(r, s, "POST", "/admin/reroute", nil)
	var rep rerouteAnswer
	if !a.ok() || json.Unmarshal(a.body, &rep) != nil {
		msg, _ := a.refusal()
		c.render(w, r, a.status, "message", s, view{Title: "Reroute", Message: msg})
		return
	}
	c.render(w, r, http.StatusOK, "reroute", s, view{Title: "Reroute", Data: rep})
}
