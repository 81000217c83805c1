package store

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchStories returns 50 new stories of realistic size (about 1.5 KB of
// HTML content each) for fetch number n.
func benchStories(n int) []Story {
	body := "<p>" + strings.Repeat("Officials from both governments met on Friday to discuss tariffs. ", 20) + "</p>"
	out := make([]Story, 50)
	for i := range out {
		id := strconv.Itoa(n) + "-" + strconv.Itoa(i)
		out[i] = Story{
			Key: "g:wire-" + id, PublicID: "tag:news.example.com,2026:wire/" + id,
			GUID: "wire-" + id, Link: "https://wire.example/news/" + id,
			Title: "Wire story " + id + ": ministers meet over trade", Summary: body[:300], Content: body,
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
