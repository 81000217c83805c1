package store

import (
	"context"
	"testing"
	"time"
)

// TestPinStory: a pinned story leads its section's stories and first
// page, once, until the pin is removed; the pin marks the section
// changed. A pin that has expired pins nothing.
func TestPinStory(t *testing.T) {
	s, _ := openTestDB(t)
	ctx := context.Background()
	t0 := time.Now().Add(-time.Hour)
	mustSave(t, s, "nation", []Story{story("old", 1, "politics"), story("mid", 2, "politics"), story("new", 3, "politics")}, t0)
	list, _ := s.SectionStories(ctx, "politics", 10)
	old := list[2]
	if err := s.PinStory(ctx, old.ID, "politics", time.Now().Add(time.Hour), "somchai", time.Now()); err != nil {
		t.Fatal(err)
	}
	if v1, _ := s.SectionChanged(ctx, "politics"); v1.IsZero() {
		t.Errorf("section not marked changed")
	}
	list, _ = s.SectionStories(ctx, "politics", 10)
	page, _ := s.SectionPage(ctx, "politics", "", Cursor{}, 2)
	if len(list) != 3 || list[0].ID != old.ID || list[2].ID == old.ID || len(page) != 2 || page[0].ID != old.ID {
		t.Fatalf("after pinning: stories %v, first page %v", ids(list), ids(page))
	}
	next, _ := s.SectionPage(ctx, "politics", "", CursorOf(page[1]), 2)
	if len(next) != 1 || next[0].ID == old.ID {
		t.Fatalf("second page %v repeats the pinned story %d", ids(next), old.ID)
	}
	if all, _ := s.SectionStories(ctx, "", 10); all[0].ID == old.ID {
		t.Error("a pin in politics leads every story")
	}
	if err := s.PinStory(ctx, old.ID, "politics", time.Now().Add(-time.Minute), "somchai", time.Now()); err != nil {
		t.Fatal(err)
	}
	if list, _ = s.SectionStories(ctx, "politics", 10); list[0].ID == old.ID {
		t.Error("an expired pin still leads")
	}
}

func ids(list []Story) []int64 {
	out := make([]int64, len(list))
	for i, st := range list {
		out[i] = st.ID
	}
	return out
}
