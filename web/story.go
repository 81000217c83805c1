package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"wirefeed/publisher"
	"wirefeed/store"
)

// storyCopy is one partner's copy of a story, as /story shows it.
type storyCopy struct {
	Source      string    `json:"source"`
	Attribution string    `json:"attribution,omitempty"`
	Title       string    `json:"title"`
	Link        string    `json:"link"`
	Published   time.Time `json:"published"`
	Updated     time.Time `json:"updated"`
	FirstSeen   time.Time `json:"first_seen"`
}

// serveStory answers GET /story?id=ID (the id a feed item carries) with
// the copy published under that id and the other partners' copies kept as
// its alternates.
func (h *Handler) serveStory(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if id == "" {
		http.Error(w, "missing ?id= (the id of a published feed item)", http.StatusBadRequest)
		return
	}
	copies, err := h.store.StoryCopies(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "no story with id "+id, http.StatusNotFound)
		return
	}
	if err != nil {
		h.log.Error("story view", "err", err)
		http.Error(w, "story unavailable", http.StatusInternalServerError)
		return
	}
	cfg := h.daemon.Config()
	// Text and links as the feeds publish them: plain text, and only
	// absolute http(s) links.
	view := func(st store.Story) storyCopy {
		c := storyCopy{Source: st.SourceID, Title: publisher.PlainText(st.Title), Link: publisher.WebLink(st.Link),
			Published: st.Published, Updated: st.Updated, FirstSeen: st.FirstSeen}
		if src, ok := cfg.SourceByID(st.SourceID); ok {
			c.Attribution = publisher.PlainText(src.Attribution)
		}
		return c
	}
	body := struct {
		ID         string      `json:"id"`
		Published  storyCopy   `json:"published"`
		Alternates []storyCopy `json:"alternates"`
	}{ID: id, Published: view(copies[0]), Alternates: []storyCopy{}}
	for _, c := range copies[1:] {
		body.Alternates = append(body.Alternates, view(c))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(body)
}
