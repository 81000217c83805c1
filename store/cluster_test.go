package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

const tradeLink = "https://nationthailand.com/business/economy/40012399"

func openPartners(t *testing.T, jijiPriority int) *Store {
	t.Helper()
	s, _ := openTemp(t)
	err := s.SyncSources(context.Background(), []Source{
		{ID: "nation", Name: "Nation", Priority: 100, Site: "nationthailand.com"},
		{ID: "jiji", Name: "Jiji Press", Priority: jijiPriority, Site: "jen.jiji.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tradeStory(source, key, title, lead, link string) Story {
	return Story{
		Key: key, PublicID: "tag:news.example.com,2026:" + source + "/" + key,
		Title: title, Summary: lead, Link: link, CanonicalURL: link,
		Published: t0, ContentHash: "h-" + source + key, Sections: []string{"economy"},
	}
}

var (
	nationCopy = tradeStory("nation", "g:40012399",
		"Thailand and Japan sign pact to cut tariffs on auto parts",
		"Thailand and Japan on Saturday signed an agreement to cut tariffs on auto parts and farm goods, the commerce ministry said, in a deal officials expect to lift two-way trade.",
		tradeLink)
	jijiCopy = tradeStory("jiji", "g:jiji-2026112800123",
		"Japan, Thailand sign pact to cut tariffs on auto parts",
		"BANGKOK (Jiji Press) -- Thailand and Japan on Saturday signed an agreement to cut tariffs on auto parts and farm goods, the commerce ministry said, in a deal officials expect to lift two-way trade. Provided by Nation",
		"https://www.nationthailand.com/business/economy/40012399?utm_source=jiji")
)

func published(t *testing.T, s *Store, section string) []Story {
	t.Helper()
	got, err := s.SectionStories(context.Background(), section, 100)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestLaterCopyFromAnotherPartnerBecomesAnAlternate(t *testing.T) {
	s := openPartners(t, 100)
	if res := mustSave(t, s, "nation", []Story{nationCopy}, t0); res.Duplicates != 0 {
		t.Fatalf("first copy counted as a duplicate: %+v", res)
	}
	jiji := jijiCopy
	jiji.CanonicalURL = tradeLink // as the aggregator canonicalises it
	res := mustSave(t, s, "jiji", []Story{jiji}, t0.Add(time.Hour))
	// The published copy's sections are changed, not their stories: its
	// article page lists the other partners' copies.
	if res.New != 1 || res.Duplicates != 1 || fmt.Sprint(res.Sections) != "[economy]" {
		t.Fatalf("jiji save = %+v: an alternate changes the sections of the copy it joins", res)
	}
	all := published(t, s, "")
	if len(all) != 1 || all[0].SourceID != "nation" {
		t.Fatalf("published = %+v, want only Nation's copy", all)
	}
	if n, _ := s.CountStories(context.Background()); n != 2 {
		t.Fatalf("stored %d, want both copies kept", n)
	}
	if got := published(t, s, "economy"); len(got) != 1 || got[0].FeedID != nationCopy.PublicID {
		t.Fatalf("economy = %+v", got)
	}
}

func TestOwnSitePartnerReplacesEarlierCopyKeepingItsID(t *testing.T) {
	s := openPartners(t, 100)
	jiji := jijiCopy
	jiji.CanonicalURL = tradeLink
	mustSave(t, s, "jiji", []Story{jiji}, t0)
	first := published(t, s, "economy")[0]

	res := mustSave(t, s, "nation", []Story{nationCopy}, t0.Add(time.Hour))
	if res.New != 1 || res.Duplicates != 1 || len(res.Sections) != 1 {
		t.Fatalf("nation save = %+v", res)
	}
	got := published(t, s, "economy")
	if len(got) != 1 || got[0].SourceID != "nation" {
		t.Fatalf("economy = %+v, want Nation's copy: its site hosts the story", got)
	}
	if got[0].FeedID != first.FeedID || first.FeedID != jiji.PublicID {
		t.Errorf("published id moved from %q to %q: the first copy's id must stay", first.FeedID, got[0].FeedID)
	}
	if all := published(t, s, ""); len(all) != 1 {
		t.Errorf("%d stories published across sections, want 1", len(all))
	}
}

func TestHigherPriorityPartnerWins(t *testing.T) {
	s := openPartners(t, 1) // Jiji outranks Nation despite the link
	mustSave(t, s, "nation", []Story{nationCopy}, t0)
	jiji := jijiCopy
	jiji.CanonicalURL = tradeLink
	mustSave(t, s, "jiji", []Story{jiji}, t0.Add(time.Hour))
	got := published(t, s, "economy")
	if len(got) != 1 || got[0].SourceID != "jiji" || got[0].FeedID != nationCopy.PublicID {
		t.Fatalf("economy = %+v, want Jiji's copy under Nation's id", got)
	}
}

func TestNearDuplicateTextWithOtherLinkIsOneStory(t *testing.T) {
	s := openPartners(t, 100)
	mustSave(t, s, "nation", []Story{nationCopy}, t0)
	jiji := jijiCopy
	jiji.Link = "https://jen.jiji.com/jc/eng?g=eco&k=2026112800123"
	jiji.CanonicalURL = jiji.Link
	mustSave(t, s, "jiji", []Story{jiji}, t0.Add(2*time.Hour))
	if all := published(t, s, ""); len(all) != 1 {
		t.Fatalf("%d published, want the two copies as one story", len(all))
	}
}

func TestCopiesOutsideTheWindowOrFromOneSourceStaySeparate(t *testing.T) {
	s := openPartners(t, 100)
	mustSave(t, s, "nation", []Story{nationCopy}, t0)
	jiji := jijiCopy
	jiji.CanonicalURL = tradeLink
	mustSave(t, s, "jiji", []Story{jiji}, t0.Add(DuplicateWindow+time.Hour))
	if all := published(t, s, ""); len(all) != 2 {
		t.Fatalf("%d published, want 2: the copies arrived %v apart", len(all), DuplicateWindow+time.Hour)
	}

	// One partner's two items are two stories, however alike.
	s = openPartners(t, 100)
	mustSave(t, s, "nation", []Story{nationCopy}, t0)
	again := nationCopy
	again.Key, again.PublicID, again.Link, again.CanonicalURL = "g:other", "tag:x,2026:nation/other", "https://nationthailand.com/a/2", "https://nationthailand.com/a/2"
	mustSave(t, s, "nation", []Story{again}, t0.Add(time.Hour))
	if all := published(t, s, ""); len(all) != 2 {
		t.Fatalf("%d published, want Nation's two items as two stories", len(all))
	}
}

func TestRepostUnderNewGUIDUpdatesTheKnownStory(t *testing.T) {
	ctx := context.Background()
	s := openPartners(t, 100)
	mustSave(t, s, "nation", []Story{nationCopy}, t0)
	first := published(t, s, "economy")[0]

	// The partner edits the story and re-posts it under a new GUID, with
	// the link dressed in tracking parameters (canonically the same).
	edited := nationCopy
	edited.Key, edited.GUID = "g:40012399-v2", "40012399-v2"
	edited.PublicID = "tag:news.example.com,2026:nation/g:40012399-v2"
	edited.Title, edited.ContentHash = "Thailand and Japan sign pact to cut tariffs on auto parts, farm goods", "h-edited"
	res := mustSave(t, s, "nation", []Story{edited}, t0.Add(time.Hour))
	if res.New != 0 || res.Updated != 1 {
		t.Fatalf("re-post = %+v, want 1 updated, 0 new", res)
	}
	got := published(t, s, "economy")
	if len(got) != 1 || got[0].ID != first.ID || got[0].FeedID != first.FeedID || got[0].Title != edited.Title {
		t.Fatalf("economy = %+v", got)
	}
	if !got[0].Updated.After(first.Updated) {
		t.Errorf("updated %v not after %v", got[0].Updated, first.Updated)
	}
	// The next fetch finds it under its new identity.
	if res := mustSave(t, s, "nation", []Story{edited}, t0.Add(2*time.Hour)); res.Unchanged != 1 {
		t.Fatalf("refetch = %+v, want unchanged", res)
	}
	// An unchanged re-post under yet another GUID only moves the key.
	again := edited
	again.Key = "g:40012399-v3"
	if res := mustSave(t, s, "nation", []Story{again}, t0.Add(3*time.Hour)); res.Unchanged != 1 || res.New != 0 {
		t.Fatalf("unchanged re-post = %+v", res)
	}
	if n, _ := s.CountStories(ctx); n != 1 {
		t.Fatalf("stored %d stories, want 1", n)
	}
}

func TestSharedLinkIsNoIdentity(t *testing.T) {
	ctx := context.Background()
	s := openPartners(t, 100)
	section := func(key, title string) Story {
		st := tradeStory("nation", key, title, "Lead of "+title, "https://nationthailand.com/business")
		st.ContentHash = "h-" + key
		return st
	}
	mustSave(t, s, "nation", []Story{section("a", "Baht firms against dollar")}, t0)
	res := mustSave(t, s, "nation", []Story{section("b", "Rice exports hit record"), section("c", "Port strike ends")}, t0.Add(time.Hour))
	if res.New != 2 {
		t.Fatalf("save = %+v: stories sharing a section link must stay apart", res)
	}
	if n, _ := s.CountStories(ctx); n != 3 {
		t.Fatalf("stored %d, want 3", n)
	}
}

func TestDuplicateWindowIsConfigurable(t *testing.T) {
	s := openPartners(t, 100)
	s.SetDuplicateWindow(time.Hour)
	mustSave(t, s, "nation", []Story{nationCopy}, t0)
	jiji := jijiCopy
	jiji.CanonicalURL = tradeLink
	mustSave(t, s, "jiji", []Story{jiji}, t0.Add(2*time.Hour))
	if all := published(t, s, ""); len(all) != 2 {
		t.Fatalf("%d published, want 2: the copies arrived outside a 1h window", len(all))
	}
}
