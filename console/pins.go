package console

import (
	"context"
	"encoding/json"
	"net/http"
)

// pinsOf returns the pins of story id in force, by section id, and the
// sections it may be pinned to. A pin the store keeps under "" is in the
// sections showing every story.
func (c *Console) pinsOf(ctx context.Context, id int64) ([]pinView, []sectionRow, error) {
	cfg := c.opts.Config()
	pins, err := c.opts.Store.StoryPins(ctx, id, c.opts.Now())
	if err != nil {
		return nil, nil, err
	}
	var out []pinView
	for _, p := range pins {
		for _, sec := range cfg.Sections {
			if sec.ID == p.SectionID || (p.SectionID == "" && sec.All) {
				out = append(out, pinView{Section: sec.ID, Until: p.Until})
			}
		}
	}
	sections := make([]sectionRow, len(cfg.Sections))
	for i, sec := range cfg.Sections {
		sections[i] = sectionRow{ID: sec.ID, Title: sec.Title}
	}
	return out, sections, nil
}

// pinStory is POST /admin/stories/{id}/pin (or unpin) of the API.
func (c *Console) pinStory(pin bool) func(http.ResponseWriter, *http.Request, *session) {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		id := r.PathValue("id")
		fields := map[string]string{"section": r.PostFormValue("section")}
		action := "unpin"
		if pin {
			fields["for"], action = r.PostFormValue("for"), "pin"
		}
		body, _ := json.Marshal(fields)
		a := c.call(r, s, "POST", "/admin/stories/"+id+"/"+action, body)
		if !a.ok() {
			msg, errs := a.refusal("section", "for")
			c.showStoryPage(w, r, s, a.status, view{Error: msg, Errors: errs})
			return
		}
		if pin {
			s.setFlash("Story " + id + " pinned to the top of " + fields["section"] + " for " + fields["for"] + ".")
		} else {
			s.setFlash("Story " + id + " unpinned from " + fields["section"] + ".")
		}
		http.Redirect(w, r, "/admin/stories/"+id, http.StatusSeeOther)
	}
}
