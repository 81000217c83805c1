package store

import (
	"wirefeed/internal/wiretext"

	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// benchStories returns 50 new stories of realistic size (about 1.5 KB of
// HTML content each) for fetch number n, each with its own text.
func benchStories(n int) []Story { return benchStoriesFrom(n, wiretext.Words) }

// deskStories is benchStories written as one desk writes: wording shared
// across unrelated stories (wiretext.Desk).
func deskStories(n int) []Story { return benchStoriesFrom(n, wiretext.Desk) }

func benchStoriesFrom(n int, words func(seed uint64, n int) string) []Story {
	out := make([]Story, 50)
	for i := range out {
		id := strconv.Itoa(n) + "-" + strconv.Itoa(i)
		seed := uint64(n*50 + i)
		body := "<p>" + words(seed, 220) + ".</p>"
		out[i] = Story{
			Key: "g:wire-" + id, PublicID: "tag:news.example.com,2026:wire/" + id,
			GUID: "wire-" + id, Link: "https://wire.example/news/" + id,
			Title: words(seed+1<<32, 9), Summary: body[:300], Content: body,
			Authors: []Person{{Name: "Staff reporter"}}, Categories: []string{"Politics"},
			Published:   t0.Add(time.Duration(n*50+i) * time.Minute),
			ContentHash: "hash-" + id, Sections: []string{"politics", "nation"},
		}
	}
	return out
}

// BenchmarkSaveStories stores one fetch of 50 new stories per iteration into
// a growing database.
func BenchmarkSaveStories(b *testing.B) {
	s, err := OpenSQLite(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for n := 0; b.Loop(); n++ {
		b.StopTimer()
		batch := benchStories(n)
		b.StartTimer()
		if res, err := s.SaveStories(ctx, "wire", batch, t0); err != nil || res.New != 50 {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkSaveStoriesUnchanged re-saves the same 50 stories: the common
// case of a poll that finds nothing new.
func BenchmarkSaveStoriesUnchanged(b *testing.B) {
	s, err := OpenSQLite(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	batch := benchStories(0)
	if _, err := s.SaveStories(ctx, "wire", batch, t0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if res, err := s.SaveStories(ctx, "wire", batch, t0); err != nil || res.Unchanged != 50 {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkDedupe stores one fetch of 50 new stories from a second partner
// into a store already holding 10k or 100k stories from the first, all
// inside the duplicate window (the worst case for the near-duplicate
// index). The cost per fetch must not grow with the store: every lookup is
// an index probe or an in-memory band lookup, never a scan.
func BenchmarkDedupe(b *testing.B) {
	for _, c := range []struct {
		name    string
		stored  int
		stories func(int) []Story
	}{
		{"10k", 10_000, benchStories},
		{"100k", 100_000, benchStories},
		// A desk's stories share their vocabulary: the band index offers
		// many look-alike candidates, none a copy.
		{"desk-20k", 20_000, deskStories},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, err := OpenSQLite(filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			for n := 0; n*50 < c.stored; n += 10 {
				var batch []Story
				for k := range 10 {
					batch = append(batch, c.stories(n+k)...)
				}
				if _, err := s.SaveStories(ctx, "wire", batch, t0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; b.Loop(); n++ {
				batch := c.stories(1_000_000 + n)
				if res, err := s.SaveStories(ctx, "other", batch, t0.Add(time.Hour)); err != nil || res.New != 50 {
					b.Fatal(res, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*50), "ns/item")
		})
	}
}
