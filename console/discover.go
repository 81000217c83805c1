package console

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"
)

// discovered is what the add-a-source page shows of a feed before
// anything is saved.
type discovered struct {
	Feed struct {
		FeedURL    string `json:"feed_url"`
		Discovered bool   `json:"discovered"`
		Title      string `json:"title"`
		Items      []struct {
			Title      string    `json:"title"`
			Link       string    `json:"link"`
			Published  time.Time `json:"published"`
			Categories []string  `json:"categories"`
		} `json:"items"`
		Categories []string `json:"categories"`
	} `json:"feed"`
	Proposed struct {
		ID          string            `json:"id"`
		Name        string            `json:"name"`
		Attribution string            `json:"attribution"`
		Categories  map[string]string `json:"categories"`
	} `json:"proposed"`
	Unmapped []string
}

// discoverSource is the add-a-source form's "Look at the feed": POST
// /admin/sources/preview of the API, then the form again, filled in with
// what it proposes, the feed's title and newest items shown; nothing is
// saved until the editor adds the source.
func (c *Console) discoverSource(w http.ResponseWriter, r *http.Request, s *session) {
	v := view{Title: "Add a source", Form: formValuesOf(r)}
	body, _ := json.Marshal(map[string]string{"url": strings.TrimSpace(r.PostFormValue("url"))})
	a := c.call(r, s, "POST", "/admin/sources/preview", body)
	var d discovered
	if !a.ok() || json.Unmarshal(a.body, &d) != nil {
		v.Error, v.Errors = a.refusal(sourceFields...)
		c.render(w, r, a.status, "source", s, v)
		return
	}
	f := v.Form
	f["url"] = d.Feed.FeedURL
	fill := func(key, value string) {
		if strings.TrimSpace(f[key]) == "" {
			f[key] = value
		}
	}
	fill("id", d.Proposed.ID)
	fill("name", d.Proposed.Name)
	fill("attribution", d.Proposed.Attribution)
	var lines []string
	for cat, sec := range d.Proposed.Categories {
		lines = append(lines, cat+" = "+sec)
	}
	sort.Strings(lines)
	fill("categories", strings.Join(lines, "\n"))
	for _, cat := range d.Feed.Categories {
		if _, ok := d.Proposed.Categories[cat]; !ok {
			d.Unmapped = append(d.Unmapped, cat)
		}
	}
	v.Data, v.Notice = nil, "Found the feed “"+d.Feed.Title+"”. Check the proposal below, then add the source."
	v.Discovered = &d
	c.render(w, r, http.StatusOK, "source", s, v)
}
