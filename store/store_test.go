package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	s, path := openTestDB(t)
	if err := s.SyncSources(context.Background(), []Source{{ID: "nation", Name: "Nation"}, {ID: "jiji", Name: "Jiji Press"}}); err != nil {
		t.Fatal(err)
	}
	return s, path
}

func story(key string, minute int, sections ...string) Story {
	return Story{
		Key:         key,
		PublicID:    "tag:example.com,2026:" + key,
		Title:       "Title " + key,
		Link:        "https://example.com/" + key,
		Published:   t0.Add(time.Duration(minute) * time.Minute),
		ContentHash: "h-" + key,
		Categories:  []string{"Politics"},
		Authors:     []Person{{Name: "Somchai"}},
		Sections:    sections,
	}
}

func mustSave(t *testing.T, s *Store, source string, stories []Story, now time.Time) SaveResult {
	t.Helper()
	res, err := s.SaveStories(context.Background(), source, stories, now)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSaveStoriesNewUnchangedUpdated(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	batch := []Story{story("a", 1, "politics"), story("b", 2, "economy", "politics"), story("c", 3)}

	res := mustSave(t, s, "nation", batch, t0.Add(time.Hour))
	if res.New != 3 || res.Updated != 0 || res.Unchanged != 0 {
		t.Fatalf("first save = %+v, want 3 new", res)
	}
	if fmt.Sprint(res.Sections) != "[economy politics]" {
		t.Errorf("changed sections = %v", res.Sections)
	}

	res = mustSave(t, s, "nation", batch, t0.Add(2*time.Hour))
	if res.New != 0 || res.Updated != 0 || res.Unchanged != 3 || len(res.Sections) != 0 {
		t.Fatalf("second save = %+v, want 3 unchanged and no sections", res)
	}

	edited := story("b", 2, "economy")
	edited.Title, edited.ContentHash = "Edited title", "h-b2"
	editTime := t0.Add(3 * time.Hour)
	res = mustSave(t, s, "nation", []Story{edited}, editTime)
	if res.Updated != 1 || res.New != 0 {
		t.Fatalf("edit save = %+v, want 1 updated", res)
	}
	if fmt.Sprint(res.Sections) != "[economy politics]" {
		t.Errorf("edit should touch old and new sections, got %v", res.Sections)
	}

	if n, _ := s.CountStories(ctx); n != 3 {
		t.Fatalf("stored %d stories, want 3", n)
	}
	got, err := s.SectionStories(ctx, "economy", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Title != "Edited title" {
		t.Fatalf("economy = %+v", got)
	}
	b := got[0]
	if !b.Updated.Equal(editTime) || !b.Published.Equal(t0.Add(2*time.Minute)) || !b.FirstSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("edited story times: published %v updated %v first seen %v", b.Published, b.Updated, b.FirstSeen)
	}
	if b.PublicID != "tag:example.com,2026:b" || b.Authors[0].Name != "Somchai" || b.Categories[0] != "Politics" {
		t.Errorf("edited story lost fields: %+v", b)
	}
	politics, _ := s.SectionStories(ctx, "politics", 10)
	if len(politics) != 1 || politics[0].Key != "a" {
		t.Errorf("politics after re-route = %+v, want only a", politics)
	}
}

func TestSectionStoriesNewestFirstWithLimit(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	mustSave(t, s, "nation", []Story{story("a", 1, "x"), story("b", 3, "x"), story("c", 2, "x")}, t0)
	mustSave(t, s, "jiji", []Story{story("d", 4, "y")}, t0)

	got, err := s.SectionStories(ctx, "x", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Key != "b" || got[1].Key != "c" {
		t.Fatalf("section x = %v, want [b c]", keys(got))
	}
	all, _ := s.SectionStories(ctx, "", 10)
	if fmt.Sprint(keys(all)) != "[d b c a]" {
		t.Fatalf("all stories = %v, want [d b c a]", keys(all))
	}
	if all[0].SourceID != "jiji" {
		t.Errorf("source of d = %q", all[0].SourceID)
	}
}

func keys(stories []Story) []string {
	out := make([]string, len(stories))
	for i, st := range stories {
		out[i] = st.Key
	}
	return out
}

func TestSameKeyInTwoSourcesIsTwoStories(t *testing.T) {
	s, _ := openTemp(t)
	mustSave(t, s, "nation", []Story{story("a", 1)}, t0)
	b := story("a", 1)
	b.PublicID = "tag:example.com,2026:jiji-a"
	res := mustSave(t, s, "jiji", []Story{b}, t0)
	if res.New != 1 {
		t.Fatalf("jiji save = %+v, want 1 new", res)
	}
}

func TestRepeatedKeyInOneBatchCountsOnce(t *testing.T) {
	s, _ := openTemp(t)
	res := mustSave(t, s, "nation", []Story{story("a", 1), story("a", 2)}, t0)
	if res.New != 1 {
		t.Fatalf("save = %+v, want 1 new", res)
	}
}

func TestUniqueIndexRejectsDuplicateIdentity(t *testing.T) {
	s, _ := openTemp(t)
	mustSave(t, s, "nation", []Story{story("a", 1)}, t0)
	dup := story("a", 1)
	dup.SourceID, dup.PublicID = "nation", "tag:other"
	err := s.db.Exec("INSERT INTO stories (source_id, key, public_id, published, updated, first_seen, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
		dup.SourceID, dup.Key, dup.PublicID, dup.Published, dup.Published, t0, dup.ContentHash).Error
	if err == nil {
		t.Fatal("database accepted a second row for (nation, a)")
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	mustSave(t, s, "nation", []Story{story("a", 1, "politics")}, t0)
	if err := s.RecordFetch(ctx, "nation", FetchRecord{At: t0, Status: 200, ItemsSeen: 1, ETag: `"v1"`}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2 := reopenTestDB(t, path)
	got, err := s2.SectionStories(ctx, "politics", 10)
	if err != nil || len(got) != 1 || got[0].Title != "Title a" || !got[0].Published.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	if got[0].Published.Location() != time.UTC {
		t.Errorf("published read back in %v, want UTC", got[0].Published.Location())
	}
	src, err := s2.Source(ctx, "nation")
	if err != nil || src.ETag != `"v1"` || src.LastStatus != 200 || src.LastSuccess == nil {
		t.Fatalf("source state after reopen: %+v, %v", src, err)
	}
	res := mustSave(t, s2, "nation", []Story{story("a", 1, "politics")}, t0.Add(time.Hour))
	if res.Unchanged != 1 {
		t.Fatalf("refetch after reopen = %+v, want unchanged", res)
	}
}

func TestRecordFetchCountsFailures(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	for i := range 3 {
		if err := s.RecordFetch(ctx, "jiji", FetchRecord{At: t0.Add(time.Duration(i) * time.Minute), Status: 503, Err: errors.New("status 503")}); err != nil {
			t.Fatal(err)
		}
	}
	src, _ := s.Source(ctx, "jiji")
	if src.Failures != 3 || src.LastError != "status 503" || src.LastSuccess != nil {
		t.Fatalf("after 3 failures: %+v", src)
	}
	s.RecordFetch(ctx, "jiji", FetchRecord{At: t0.Add(time.Hour), Status: 200, ItemsSeen: 8})
	src, _ = s.Source(ctx, "jiji")
	if src.Failures != 0 || src.LastError != "" || src.ItemsSeen != 8 {
		t.Fatalf("after success: %+v", src)
	}
	if err := s.RecordFetch(ctx, "nope", FetchRecord{At: t0}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown source: err = %v, want ErrNotFound", err)
	}
}

// Two processes on one SQLite file are modelled by two Store handles, each
// with its own connection pool, saving overlapping batches at once.
func TestConcurrentWritersNeverDuplicate(t *testing.T) {
	ctx := context.Background()
	s1, path := openTemp(t)
	s2 := reopenTestDB(t, path)

	var batch []Story
	for i := range 40 {
		batch = append(batch, story(fmt.Sprintf("k%02d", i), i, "politics"))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		st := s1
		if i%2 == 1 {
			st = s2
		}
		wg.Go(func() {
			if _, err := st.SaveStories(ctx, "nation", batch, t0); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent save: %v", err)
	}
	if n, _ := s1.CountStories(ctx); n != 40 {
		t.Fatalf("stored %d stories, want 40", n)
	}
	got, _ := s1.SectionStories(ctx, "politics", 100)
	if len(got) != 40 {
		t.Fatalf("politics holds %d stories, want 40", len(got))
	}
}

// A partner's bytes are stored alike in every dialect: NUL characters and
// invalid UTF-8 (which PostgreSQL refuses), and links, GUIDs and validators
// of any length, never make a save or a fetch record fail.
func TestHostileTextIsStored(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	long := "https://example.com/" + strings.Repeat("a", 3000)
	st := story("nul\x00key", 1, "politics")
	st.Title = "Bad\x00 bytes \xff\xfe here"
	st.Summary = "lead\x00"
	st.GUID = strings.Repeat("g", 1500)
	st.Link, st.CanonicalURL, st.Image = long, long, long
	st.Language = strings.Repeat("en-", 30)
	st.Categories = []string{"Poli\x00tics\xff"}
	if res := mustSave(t, s, "nation", []Story{st}, t0); res.New != 1 {
		t.Fatalf("save = %+v", res)
	}
	if st.Title != "Bad\x00 bytes \xff\xfe here" {
		t.Error("the caller's story was changed")
	}
	got, err := s.SectionStories(ctx, "politics", 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("stored: %+v, %v", got, err)
	}
	if got[0].Title != "Bad bytes \uFFFD here" || got[0].Link != long || len(got[0].GUID) != 1500 {
		t.Errorf("read back title %q, link of %d bytes, GUID of %d", got[0].Title, len(got[0].Link), len(got[0].GUID))
	}
	// Saving the same story again finds it: the key is cleaned the same way.
	if res := mustSave(t, s, "nation", []Story{st}, t0.Add(time.Hour)); res.Unchanged != 1 {
		t.Errorf("second save = %+v, want unchanged", res)
	}
	err = s.RecordFetch(ctx, "nation", FetchRecord{At: t0, Status: 200, ETag: `"` + strings.Repeat("e", 1000) + "\x00\"",
		URL: long, FinalURL: long})
	if err != nil {
		t.Fatalf("record a fetch with a long ETag: %v", err)
	}
	if err := s.RecordFetch(ctx, "nation", FetchRecord{At: t0, Status: 500, Err: errors.New("boom \xff\x00 " + long)}); err != nil {
		t.Fatalf("record a failure with a long, broken error: %v", err)
	}
}

// Another process on the database learns which sections changed.
func TestSectionVersionsMoveWithPublishedChanges(t *testing.T) {
	ctx := context.Background()
	s, where := openTemp(t)
	other := reopenTestDB(t, where) // a second daemon on the same database
	before, err := other.SectionVersions(ctx)
	if err != nil || len(before) != 0 {
		t.Fatalf("versions of an empty store: %v, %v", before, err)
	}
	mustSave(t, s, "nation", []Story{story("a", 1, "politics"), story("b", 2, "sports")}, t0)
	after, _ := other.SectionVersions(ctx)
	if after["politics"] != 1 || after["sports"] != 1 || len(after) != 2 {
		t.Fatalf("after the first save: %v", after)
	}
	// An unchanged refetch moves nothing; an edit moves only its sections.
	mustSave(t, s, "nation", []Story{story("a", 1, "politics"), story("b", 2, "sports")}, t0.Add(time.Hour))
	edited := story("a", 1, "politics")
	edited.Title, edited.ContentHash = "Edited", "h-a2"
	mustSave(t, s, "nation", []Story{edited}, t0.Add(2*time.Hour))
	if got, _ := other.SectionVersions(ctx); got["politics"] != 2 || got["sports"] != 1 {
		t.Errorf("after an edit of a politics story: %v", got)
	}
}

func TestSyncSourcesAddsAndUpdates(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t) // adds nation and jiji, without priorities
	if src, err := s.Source(ctx, "nation"); err != nil || src.Priority != 100 || src.Name != "Nation" {
		t.Fatalf("new source = %+v, %v; want the default priority 100", src, err)
	}
	err := s.SyncSources(ctx, []Source{{ID: "nation", Name: "The Nation", URL: "https://n.example/feed", Priority: 5, Site: "nationthailand.com"}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := s.Source(ctx, "nation")
	if err != nil || src.Name != "The Nation" || src.Priority != 5 || src.Site != "nationthailand.com" || src.URL != "https://n.example/feed" {
		t.Fatalf("synced source = %+v, %v", src, err)
	}
	if all, err := s.Sources(ctx); err != nil || len(all) != 2 || all[0].ID != "jiji" {
		t.Fatalf("sources = %+v, %v", all, err)
	}
}

// A fetch's writes go through the store's one writer connection: eight
// fetches saved at once all land, and never open a second one.
func TestFetchesWriteThroughOneConnection(t *testing.T) {
	s, _ := openTemp(t)
	if s.writerPool == nil {
		t.Skip("PostgreSQL writes through its pool")
	}
	ctx := context.Background()
	var sources []Source
	for n := range 8 {
		sources = append(sources, Source{ID: fmt.Sprintf("p%d", n)})
	}
	if err := s.SyncSources(ctx, sources); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for n := range 8 {
		wg.Go(func() {
			source := fmt.Sprintf("p%d", n)
			var batch []Story
			for i := range 20 {
				batch = append(batch, story(fmt.Sprintf("%s-%d", source, i), i, "nation"))
			}
			if _, err := s.SaveStories(ctx, source, batch, t0); err != nil {
				errs <- err
				return
			}
			errs <- s.RecordFetch(ctx, source, FetchRecord{At: t0, Status: 200, ItemsSeen: 20})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.CountStories(ctx); n != 160 {
		t.Errorf("%d stories stored, want 160", n)
	}
	if st := s.writerPool.Stats(); st.MaxOpenConnections != 1 || st.OpenConnections > 1 {
		t.Errorf("writer pool: %+v, want one connection", st)
	}
}
