package aggregator

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"wirefeed/store"
)

// storedByTitle pulls source id (serving file) and returns its stories,
// published and not, by title.
func storedByTitle(t *testing.T, h *harness, id, file string) map[string]store.Story {
	t.Helper()
	h.feeds.serve("/"+id, file)
	if rep := h.fetch(t, id); rep.Err != nil {
		t.Fatalf("fetch %s: %v", file, rep.Err)
	}
	out := map[string]store.Story{}
	for _, st := range h.section(t, "other") {
		out[st.Title] = st
	}
	return out
}

func TestPartnerDatesAuthorsAndText(t *testing.T) {
	h := newHarness(t)
	got := storedByTitle(t, h, "misc", "fidelity.rss")
	for _, tc := range []struct {
		title     string
		published time.Time
		updated   time.Time
		undated   bool
		authors   []store.Person
	}{
		{"Porto reabre após a greve", time.Date(2018, 9, 24, 13, 0, 0, 0, time.UTC), time.Time{}, false,
			[]store.Person{{Name: "Ana Souza"}, {Name: "Bruno Lima"}}},
		{"Live: the cup final as it happened", time.Date(2018, 9, 23, 21, 0, 0, 0, time.UTC), time.Date(2018, 9, 24, 0, 30, 0, 0, time.UTC), false,
			[]store.Person{{Name: "Nick Ames (now), Jacob Steinberg (earlier)"}}},
		{"Tide tables revised", time.Date(2018, 9, 22, 8, 15, 0, 0, time.UTC), time.Time{}, false,
			[]store.Person{{Name: "Carla Dias", Email: "editor@folhadolitoral.example"}}},
		{"Ferry timetable for the holiday", time.Date(2018, 9, 24, 11, 0, 0, 0, time.UTC), time.Time{}, false, nil},
		{"Notice to readers", testNow, time.Time{}, true, nil},
	} {
		st, ok := got[tc.title]
		if !ok {
			t.Errorf("%q not stored; have %v", tc.title, got)
			continue
		}
		if !st.Published.Equal(tc.published) || st.Undated != tc.undated {
			t.Errorf("%q: published %v (undated %v), want %v (undated %v)", tc.title, st.Published, st.Undated, tc.published, tc.undated)
		}
		if !tc.updated.IsZero() && !st.Updated.Equal(tc.updated) {
			t.Errorf("%q: updated %v, want %v", tc.title, st.Updated, tc.updated)
		}
		if !reflect.DeepEqual(st.Authors, tc.authors) {
			t.Errorf("%q: authors %+v, want %+v", tc.title, st.Authors, tc.authors)
		}
	}
	if ferry := got["Ferry timetable for the holiday"]; ferry.Link != "https://www.folhadolitoral.example/2018/09/ferry" {
		t.Errorf("ferry link %q: want its permalink guid", ferry.Link)
	}
	porto := got["Porto reabre após a greve"]
	if want := "The port’s “long” strike – over…"; porto.Summary != want {
		t.Errorf("summary %q, want %q", porto.Summary, want)
	}
	if want := []string{"Economia"}; !reflect.DeepEqual(porto.Categories, want) {
		t.Errorf("categories %q, want %q", porto.Categories, want)
	}
	counts, err := h.store.UndatedCounts(context.Background())
	if err != nil || counts["misc"] != 1 {
		t.Errorf("undated counts %v, %v; want misc: 1", counts, err)
	}
}

// An undated story keeps the time it was first seen when its partner edits
// it: its date never becomes the time of the edit.
func TestUndatedStoryKeepsFirstSeenAcrossEdits(t *testing.T) {
	h := newHarness(t)
	storedByTitle(t, h, "misc", "fidelity.rss")
	later := testNow.Add(3 * time.Hour)
	h.agg.now = func() time.Time { return later }
	h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) {
		data, _ := os.ReadFile(filepath.Join("testdata", "fidelity.rss"))
		w.Write(bytes.Replace(data, []byte("No date, no author."), []byte("No date, no author; edited."), 1))
	})
	if rep := h.fetch(t, "misc"); rep.Err != nil || rep.Updated != 1 {
		t.Fatalf("edit: %+v", rep)
	}
	for _, st := range h.section(t, "other") {
		if st.Title == "Notice to readers" && (!st.Published.Equal(testNow) || !st.Undated || !st.Updated.Equal(later)) {
			t.Errorf("edited undated story: published %v updated %v undated %v; want published %v, updated %v", st.Published, st.Updated, st.Undated, testNow, later)
		}
	}
}

func TestMediaDescriptionIsTheText(t *testing.T) {
	h := newHarness(t)
	got := storedByTitle(t, h, "misc", "video.atom")
	st := got["Storm over the bay, in four minutes"]
	want := "Winds of 120 km/h hit the coast on Thursday.<br>\nFilmed from the lighthouse &amp; the pier."
	if st.Summary != want {
		t.Errorf("summary %q, want %q", st.Summary, want)
	}
	if len(st.Authors) != 1 || st.Authors[0].Name != "Harbour TV" {
		t.Errorf("authors %+v", st.Authors)
	}
}

func TestC1CharactersAreWindows1252(t *testing.T) {
	h := newHarness(t)
	got := storedByTitle(t, h, "misc", "c1.json")
	if len(got) != 1 {
		t.Fatalf("stored %v", got)
	}
	for title, st := range got {
		if want := "Minister’s “final” offer – rejected"; title != want {
			t.Errorf("title %q, want %q", title, want)
		}
		if !strings.Contains(st.Content, "It’s over…") {
			t.Errorf("content %q", st.Content)
		}
		if want := []string{"Politics"}; !reflect.DeepEqual(st.Categories, want) {
			t.Errorf("categories %q, want %q", st.Categories, want)
		}
	}
}

// With no site configured, the partner whose own feed names the site a
// shared story lives on publishes it, though a reprinting partner's copy
// was fetched first.
func TestOriginalPublisherWinsBySiteItsFeedNames(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/jiji", "jiji.rss")
	h.feeds.serve("/nation", "nation.rss")
	if rep := h.fetch(t, "jiji"); rep.Err != nil {
		t.Fatal(rep.Err)
	}
	if rep := h.fetch(t, "nation"); rep.Err != nil || rep.Duplicates != 1 {
		t.Fatalf("nation: %+v", rep)
	}
	src, err := h.store.Source(context.Background(), "nation")
	if err != nil || src.FeedSite != "nationthailand.com" {
		t.Fatalf("nation's feed site %q, %v", src.FeedSite, err)
	}
	for _, st := range h.section(t, "economy") {
		if strings.Contains(st.Link, "40012399") && st.SourceID != "nation" {
			t.Errorf("trade pact story published from %s, want nation (its feed names nationthailand.com)", st.SourceID)
		}
	}
}
