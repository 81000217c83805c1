package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestSectionPagesNeverRepeatNorSkip reads a section page by page from
// cursors while new stories arrive between the pages: every story stored
// before the first page is shown exactly once, in order.
func TestSectionPagesNeverRepeatNorSkip(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var batch []Story
	for i := range 25 {
		// Two stories a minute: equal times are ordered by id.
		batch = append(batch, story(fmt.Sprintf("s%02d", i), i/2, "nation"))
	}
	mustSave(t, s, "nation", batch, t0.Add(time.Hour))
	var seen []string
	after := Cursor{}
	for page := 0; ; page++ {
		got, err := s.SectionPage(ctx, "nation", "", after, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range got {
			seen = append(seen, st.Key)
		}
		if len(got) < 10 {
			break
		}
		after = CursorOf(got[len(got)-1])
		// Newer stories arrive between two pages.
		mustSave(t, s, "nation", []Story{story(fmt.Sprintf("new%d", page), 100+page, "nation")}, t0.Add(2*time.Hour))
	}
	if len(seen) != 25 {
		t.Fatalf("paged through %d stories, want the 25 there were: %v", len(seen), seen)
	}
	for i, key := range seen {
		if want := fmt.Sprintf("s%02d", 24-i); key != want {
			t.Fatalf("story %d = %s, want %s (newest first, each once): %v", i, key, want, seen)
		}
	}
}

func TestSectionPageFiltersBySourceAndCoversAll(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	mustSave(t, s, "nation", []Story{story("n1", 1, "nation"), story("n2", 3, "economy")}, t0.Add(time.Hour))
	mustSave(t, s, "jiji", []Story{story("j1", 2, "economy")}, t0.Add(time.Hour))
	keys := func(section, source string) string {
		t.Helper()
		got, err := s.SectionPage(ctx, section, source, Cursor{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, st := range got {
			ks = append(ks, st.Key)
		}
		return fmt.Sprint(ks)
	}
	if got := keys("economy", ""); got != "[n2 j1]" {
		t.Errorf("economy = %s", got)
	}
	if got := keys("economy", "jiji"); got != "[j1]" {
		t.Errorf("economy from jiji = %s", got)
	}
	if got := keys("", "nation"); got != "[n2 n1]" {
		t.Errorf("every section from nation = %s", got)
	}
	refs, err := s.StoryRefs(ctx, 2)
	if err != nil || len(refs) != 2 || refs[0].Title != "Title n2" || fmt.Sprint(refs[0].Sections) != "[economy]" || refs[1].SourceID != "jiji" {
		t.Errorf("StoryRefs = %+v, %v", refs, err)
	}
}

func TestPhotosRoundTrip(t *testing.T) {
	s, _ := openTemp(t)
	st := story("p", 1, "nation")
	st.Photos = []Photo{{URL: "https://example.com/a.jpg", Caption: "ตลาดน้ำยามเช้า", Alt: "Boats", Width: 640, Height: 480}}
	mustSave(t, s, "nation", []Story{st}, t0)
	got := published(t, s, "nation")
	if len(got) != 1 || len(got[0].Photos) != 1 || got[0].Photos[0] != st.Photos[0] {
		t.Fatalf("photos read back = %+v", got)
	}
	// An edit of the caption is stored.
	st.Photos[0].Caption = "Morning market"
	st.ContentHash = "h-p2"
	mustSave(t, s, "nation", []Story{st}, t0.Add(time.Hour))
	if got := published(t, s, "nation"); got[0].Photos[0].Caption != "Morning market" {
		t.Fatalf("edited caption = %q", got[0].Photos[0].Caption)
	}
}
