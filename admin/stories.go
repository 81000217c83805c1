package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrNoSuchStory is what a Backend answers for a story it does not have.
var ErrNoSuchStory = errors.New("no such story")

// ErrHiddenAlready is what a Backend answers for hiding a hidden story.
var ErrHiddenAlready = errors.New("the story is hidden already")

// hideStory answers POST /admin/stories/{id}/hide with {"note": "why"}:
// the stored story (its number) leaves the site and every feed (Atom
// announces it with a tombstone), recorded with the note in the audit log.
func (s *Server) hideStory(w http.ResponseWriter, r *http.Request) {
	id, ok := storyID(w, r)
	if !ok {
		return
	}
	fields, ok := readFields(w, r)
	if !ok {
		return
	}
	note, _ := fields["note"].(string)
	if strings.TrimSpace(note) == "" {
		writeError(w, http.StatusUnprocessableEntity, "say why the story is hidden", []problem{{Key: "note", Message: "required: say why the story is hidden (a correction, a kill)"}})
		return
	}
	report, err := s.opts.Backend.HideStory(r.Context(), id, actor(r), note)
	s.storyAnswer(w, r, report, err, change{action: "hide story", id: strconv.FormatInt(id, 10)}, note)
}

// showStory answers POST /admin/stories/{id}/show: a hidden story comes
// back where it was.
func (s *Server) showStory(w http.ResponseWriter, r *http.Request) {
	id, ok := storyID(w, r)
	if !ok {
		return
	}
	report, err := s.opts.Backend.ShowStory(r.Context(), id)
	s.storyAnswer(w, r, report, err, change{action: "show story", id: strconv.FormatInt(id, 10)}, "")
}

// storyID reads the story's number from the path, or answers 404.
func storyID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusNotFound, fmt.Sprintf("story %q: want the story's number", r.PathValue("id")), nil)
		return 0, false
	}
	return id, true
}

// storyAnswer answers an editorial action on a story and records it.
func (s *Server) storyAnswer(w http.ResponseWriter, r *http.Request, report any, err error, what change, note string) {
	switch {
	case errors.Is(err, ErrNoSuchStory):
		writeError(w, http.StatusNotFound, err.Error(), nil)
		return
	case errors.Is(err, ErrHiddenAlready):
		writeError(w, http.StatusConflict, err.Error(), nil)
		return
	case err != nil:
		s.internal(w, err)
		return
	}
	after, _ := json.Marshal(report)
	before := ""
	if note != "" {
		b, _ := json.Marshal(map[string]string{"note": note})
		after = b
	}
	s.opts.Log.Info("admin: "+what.action, "story", what.id, "by", actor(r))
	s.audit(r, what, before, string(after))
	writeJSON(w, http.StatusOK, report)
}

// maxPin is the longest a story may be pinned.
const maxPin = 7 * 24 * time.Hour

// pinStory answers POST /admin/stories/{id}/pin with {"section": "headlines",
// "for": "6h"}: the story leads the section's feeds and pages for that
// long (at most a week). POST /admin/stories/{id}/unpin with
// {"section": …} ends it.
func (s *Server) pinStory(pin bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := storyID(w, r)
		if !ok {
			return
		}
		fields, ok := readFields(w, r)
		if !ok {
			return
		}
		section, _ := fields["section"].(string)
		if _, known := s.opts.Backend.Config().Section(section); !known {
			writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("unknown section %q", section),
				[]problem{{Key: "section", Message: fmt.Sprintf("unknown section %q", section)}})
			return
		}
		var d time.Duration
		if pin {
			text, _ := fields["for"].(string)
			var err error
			if d, err = time.ParseDuration(text); err != nil || d <= 0 || d > maxPin {
				msg := fmt.Sprintf("want a duration up to a week, such as 6h, got %q", text)
				writeError(w, http.StatusUnprocessableEntity, "for: "+msg, []problem{{Key: "for", Message: msg}})
				return
			}
		}
		action := "unpin story"
		if pin {
			action = "pin story"
		}
		report, err := s.opts.Backend.PinStory(r.Context(), id, section, d, actor(r))
		s.storyAnswer(w, r, report, err, change{action: action, id: strconv.FormatInt(id, 10)}, "")
	}
}
