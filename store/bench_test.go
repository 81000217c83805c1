package store

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchWords is the vocabulary of generated wire copy.
var benchWords = strings.Fields(`government minister officials talks trade tariffs parts farm goods
exports imports bank rates inflation yen baht dollar market shares index police court
election party coalition opposition vote budget tax province flood rain storm typhoon
hospital patients vaccine school students teachers airport airline tourists visa
railway project contract company profit loss quarter factory workers wages union strike
football league coach match season final goal team players stadium record medal
temple festival culture museum heritage river bridge road traffic accident fire
Bangkok Tokyo Osaka Chiang Mai Phuket Hokkaido Kyushu Ayutthaya Khon Kaen Nagoya
Monday Tuesday Wednesday Thursday Friday Saturday Sunday said announced agreed rejected
approved plans expects warned raised cut extended opened closed launched signed`)

// benchText returns words of generated copy, different for every seed.
func benchText(seed uint64, words int) string {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]string, words)
	for i := range out {
		out[i] = benchWords[r.IntN(len(benchWords))]
	}
	return strings.Join(out, " ")
}

// benchStories returns 50 new stories of realistic size (about 1.5 KB of
// HTML content each) for fetch number n, each with its own text.
func benchStories(n int) []Story {
	out := make([]Story, 50)
	for i := range out {
		id := strconv.Itoa(n) + "-" + strconv.Itoa(i)
		seed := uint64(n*50 + i)
		body := "<p>" + benchText(seed, 220) + ".</p>"
		out[i] = Story{
			Key: "g:wire-" + id, PublicID: "tag:news.example.com,2026:wire/" + id,
			GUID: "wire-" + id, Link: "https://wire.example/news/" + id,
			Title: benchText(seed+1<<32, 9), Summary: body[:300], Content: body,
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
