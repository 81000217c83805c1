package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wirefeed/route"
	"wirefeed/store"
)

// storySearch is the stories page's query and results.
type storySearch struct {
	Q, Source, Section, From, To string
	Results                      []store.StoryMatch
}

// storiesPage searches every stored story by title, partner, section and
// date.
func (c *Console) storiesPage(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	search := storySearch{Q: q.Get("q"), Source: q.Get("source"), Section: q.Get("section"), From: q.Get("from"), To: q.Get("to")}
	v := view{Title: "Stories", Errors: map[string]string{}, Data: &search}
	day := func(field string) time.Time {
		text := q.Get(field)
		if text == "" {
			return time.Time{}
		}
		t, err := time.Parse("2006-01-02", text)
		if err != nil {
			v.Errors[field] = fmt.Sprintf("want a date as 2026-12-01, got %q", text)
		}
		return t
	}
	from, to := day("from"), day("to")
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1) // the whole day
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		var err error
		search.Results, err = c.opts.Store.SearchStories(r.Context(), search.Q, search.Source, search.Section, from, to, 100)
		if err != nil {
			v.Error = err.Error()
		}
	}
	c.render(w, r, status, "stories", s, v)
}

// storyPage is one stored story for editors: its copies from every
// partner, why it is where it is (the `route --explain` steps), whether
// it is hidden, and the editorial actions.
type storyPage struct {
	Story   store.Story
	Copies  []store.Story
	Explain string
	Hidden  *store.HiddenStory
	// Pins are the story's pins in force; Sections the sections it may be
	// pinned to.
	Pins     []pinView
	Sections []sectionRow
}

// pinView is a pin as the story page shows it.
type pinView struct {
	Section string
	Until   time.Time
}

func (c *Console) storyPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.showStoryPage(w, r, s, http.StatusOK, view{})
}

func (c *Console) showStoryPage(w http.ResponseWriter, r *http.Request, s *session, status int, v view) {
	id := r.PathValue("id")
	st, err := c.opts.Store.FindAnyStory(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		c.render(w, r, http.StatusNotFound, "message", s, view{Title: "Story " + id, Message: "There is no stored story " + id + "."})
		return
	}
	if err != nil {
		c.render(w, r, http.StatusInternalServerError, "message", s, view{Title: "Story " + id, Message: err.Error()})
		return
	}
	page := storyPage{Story: st}
	feedID := st.FeedID
	if feedID == "" {
		feedID = st.PublicID
	}
	if page.Copies, err = c.opts.Store.AllStoryCopies(r.Context(), feedID); err == nil {
		var buf bytes.Buffer
		err = route.WriteReport(r.Context(), &buf, c.opts.Config(), store.WithHidden{Store: c.opts.Store}, st, true)
		page.Explain = buf.String()
	}
	if err == nil {
		var h store.HiddenStory
		var hidden bool
		if h, hidden, err = c.opts.Store.StoryHidden(r.Context(), st.ID); hidden {
			page.Hidden = &h
		}
	}
	if err == nil {
		page.Pins, page.Sections, err = c.pinsOf(r.Context(), st.ID)
	}
	if err != nil {
		v.Error = err.Error()
	}
	v.Title, v.Data = st.Title, page
	c.render(w, r, status, "story", s, v)
}

// hideStory is POST /admin/stories/{id}/hide of the API, with the note.
func (c *Console) hideStory(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	body, _ := json.Marshal(map[string]string{"note": strings.TrimSpace(r.PostFormValue("note"))})
	a := c.call(r, s, "POST", "/admin/stories/"+id+"/hide", body)
	if !a.ok() {
		msg, errs := a.refusal("note")
		c.showStoryPage(w, r, s, a.status, view{Error: msg, Errors: errs, Form: map[string]string{"note": r.PostFormValue("note")}})
		return
	}
	s.setFlash("Story " + id + " hidden from the site and every feed.")
	http.Redirect(w, r, "/admin/stories/"+id, http.StatusSeeOther)
}

// showStory is POST /admin/stories/{id}/show of the API.
func (c *Console) showStory(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		c.notFound(w, r, s)
		return
	}
	a := c.call(r, s, "POST", "/admin/stories/"+id+"/show", nil)
	if !a.ok() {
		msg, _ := a.refusal()
		c.showStoryPage(w, r, s, a.status, view{Error: msg})
		return
	}
	s.setFlash("Story " + id + " shown again.")
	http.Redirect(w, r, "/admin/stories/"+id, http.StatusSeeOther)
}
