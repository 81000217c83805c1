package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"wirefeed/dedupe"
)

func TestFindStory(t *testing.T) {
	ctx := context.Background()
	s := openPartners(t, 100)
	canonical := func(st Story) Story {
		st.CanonicalURL, _ = dedupe.CanonicalURL(st.Link)
		return st
	}
	other := story("other", 5, "politics")
	other.PublicID = "tag:news.example.com,2026:nation/0123abcd"
	mustSave(t, s, "nation", []Story{canonical(nationCopy), canonical(other)}, t0)
	mustSave(t, s, "jiji", []Story{canonical(jijiCopy)}, t0.Add(time.Hour)) // an alternate of Nation's
	all := map[string]Story{}
	for _, feedID := range []string{nationCopy.PublicID, other.PublicID} {
		copies, err := s.StoryCopies(ctx, feedID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range copies {
			all[c.SourceID+"/"+c.Key] = c
		}
	}
	nation, jiji, otherStored := all["nation/"+nationCopy.Key], all["jiji/"+jijiCopy.Key], all["nation/other"]
	if jiji.DuplicateOf != nation.ID {
		t.Fatalf("jiji's copy is not an alternate of nation's: %+v", jiji)
	}

	for ref, want := range map[string]int64{
		itoa(nation.ID):       nation.ID,
		itoa(jiji.ID):         jiji.ID, // an alternate by its own number
		" " + itoa(nation.ID): nation.ID,
		nationCopy.PublicID:   nation.ID, // the id in the feeds: the published copy
		other.PublicID:        otherStored.ID,
		jijiCopy.PublicID:     jiji.ID, // a copy's own id
		tradeLink:             nation.ID,
		jijiCopy.Link:         jiji.ID, // the link exactly as that copy has it
		"http://" + tradeLink[8:] + "?utm_medium=rss": nation.ID, // same canonical link: the published copy
		other.Link: otherStored.ID,
	} {
		got, err := s.FindStory(ctx, ref)
		if err != nil || got.ID != want {
			t.Errorf("FindStory(%q) = story %d, %v; want %d", ref, got.ID, err, want)
		}
	}
	for _, ref := range []string{"", "  ", "99999", "tag:news.example.com,2026:nation/nope", "tag:nope", "https://example.com/none", "mailto:x@example.com", "no such thing"} {
		if got, err := s.FindStory(ctx, ref); !errors.Is(err, ErrNotFound) {
			t.Errorf("FindStory(%q) = story %d, %v; want ErrNotFound", ref, got.ID, err)
		}
	}
}

func itoa(n int64) string {
	return fmt.Sprint(n)
}
