package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// RecordFetch and Source.Apply agree, step by step, on what a sequence of
// fetches leaves in a source's state.
func TestRecordFetchAndApplyAgree(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	mem, err := s.Source(ctx, "nation")
	if err != nil {
		t.Fatal(err)
	}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	steps := []struct {
		name  string
		r     FetchRecord
		check func(Source) bool
	}{
		{"body stored", FetchRecord{At: at(0), Status: 200, ItemsSeen: 6, URL: "https://a/feed", FinalURL: "https://a/feed", ETag: `"v1"`, LastModified: "Sat, 28 Nov 2026 09:00:00 GMT", BodyHash: "h1"},
			func(s Source) bool {
				return s.FetchedURL == "https://a/feed" && s.ETag == `"v1"` && s.BodyHash == "h1" && s.ItemsSeen == 6 && s.LastStatus == 200
			}},
		{"304 keeps the body's state", FetchRecord{At: at(1), Status: 304, NotModified: true, ETag: `"v1"`},
			func(s Source) bool {
				return s.ETag == `"v1"` && s.BodyHash == "h1" && s.LastModified != "" && s.ItemsSeen == 6 && s.LastStatus == 304
			}},
		{"failure counts and keeps validators", FetchRecord{At: at(2), Status: 503, Err: errors.New("status 503"), Discovery: &Discovery{}},
			func(s Source) bool { return s.Failures == 1 && s.LastError == "status 503" && s.ETag == `"v1"` }},
		{"discovered feed replaces validators as a set", FetchRecord{At: at(3), Status: 200, ItemsSeen: 3, URL: "https://a/rss", BodyHash: "h2", FinalURL: "https://cdn.a/rss",
			Discovery: &Discovery{From: "https://a/", FeedURL: "https://a/rss"}},
			func(s Source) bool {
				return s.FetchedURL == "https://a/rss" && s.ETag == "" && s.LastModified == "" && s.BodyHash == "h2" &&
					s.DiscoveredURL == "https://a/rss" && s.DiscoveredFrom == "https://a/" && s.FinalURL == "https://cdn.a/rss" && s.Failures == 0
			}},
		{"discovery forgotten", FetchRecord{At: at(4), Status: 404, Err: errors.New("status 404"), Discovery: &Discovery{}},
			func(s Source) bool { return s.DiscoveredURL == "" && s.DiscoveredFrom == "" && s.BodyHash == "h2" }},
	}
	for _, step := range steps {
		if err := s.RecordFetch(ctx, "nation", step.r); err != nil {
			t.Fatal(err)
		}
		mem.Apply(step.r)
		db, err := s.Source(ctx, "nation")
		if err != nil {
			t.Fatal(err)
		}
		if !step.check(db) {
			t.Errorf("%s: stored state %+v", step.name, db)
		}
		for _, p := range []**time.Time{&db.LastAttempt, &db.LastSuccess, &mem.LastAttempt, &mem.LastSuccess} {
			if *p != nil {
				u := (*p).UTC()
				*p = &u
			}
		}
		if !reflect.DeepEqual(db, mem) {
			t.Errorf("%s: Apply disagrees with RecordFetch:\n db %+v\nmem %+v", step.name, db, mem)
		}
	}
}
