//go:build linux

package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"wirefeed/internal/wiretext"
)

// scaleStories is how many stories BenchmarkScale's big store holds:
// $WIREFEED_SCALE_STORIES, else a million.
func scaleStories(b *testing.B) int {
	if v := os.Getenv("WIREFEED_SCALE_STORIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("WIREFEED_SCALE_STORIES=%q: want a whole number of at least 1000", v)
		}
		return n
	}
	return 1_000_000
}

// BenchmarkScale measures what must not grow with the store, on an empty
// store and on one pre-filled to a million stories (WIREFEED_SCALE_STORIES
// sets another size): ingesting a fetch of 50 new stories (ns/story; the
// target is at most 1.2x the empty store's), then reading a section feed,
// the merged feed (every partner's published stories, newest first) and
// the merged feed at ?limit=200 right after that change (the target is a
// feed rendered within 20 ms, of which this read is the part that could
// grow), searches of a section (?q=, target 50 ms), and the process's
// peak RSS (target 150 MiB). Run with
// -benchtime 20x; filling a million stories takes about a minute.
func BenchmarkScale(b *testing.B) {
	for _, size := range []int{0, scaleStories(b)} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			s, err := OpenSQLite(filepath.Join(b.TempDir(), "scale.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var sources []Source
			for i := range 100 {
				sources = append(sources, Source{ID: fmt.Sprintf("p%02d", i)})
			}
			if err := s.SyncSources(context.Background(), sources); err != nil {
				b.Fatal(err)
			}
			if size > 0 {
				fillStore(b, s, size)
			}
			ctx := context.Background()
			fetches := 0
			ingest := func() {
				batch := benchStories(2_000_000 + fetches)
				src := fmt.Sprintf("p%02d", fetches%100)
				fetches++
				if res, err := s.SaveStories(ctx, src, batch, t0.Add(time.Duration(fetches)*time.Minute)); err != nil || res.New != 50 {
					b.Fatal(res, err)
				}
			}
			b.Run("ingest", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					ingest()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*50), "ns/story")
			})
			for _, r := range []struct {
				name    string
				section string
				limit   int
			}{{"section", "politics", 50}, {"merged", "", 50}, {"merged-limit-200", "", 200}} {
				b.Run(r.name, func(b *testing.B) {
					for b.Loop() {
						b.StopTimer()
						ingest() // a change: the feed is read afresh
						b.StartTimer()
						sts, err := s.SectionStories(ctx, r.section, r.limit)
						if err != nil || len(sts) != r.limit {
							b.Fatal(len(sts), err)
						}
					}
					b.ReportMetric(peakRSSMiB(b), "peak-RSS-MiB")
				})
			}
			// ?q= on a section right after new stories came in (every SQLite
			// connection then reads the changed pages afresh): a phrase of
			// one stored story, the vocabulary's
			// most frequent word (in about a quarter of the stories), a word
			// of middling frequency, and a word in no story.
			var phrase string
			if size > 0 {
				var text string
				if err := s.db.Raw("SELECT search_text FROM story_texts WHERE story_id = ?", size/2).Scan(&text).Error; err != nil {
					b.Fatal(err)
				}
				_, summary, _ := strings.Cut(text, "\n")
				phrase = strings.Join(strings.Fields(summary)[4:7], " ")
			}
			for _, q := range []struct{ name, text string }{
				{"phrase", phrase}, {"frequent", wiretext.DeskWord(0)}, {"middling", wiretext.DeskWord(300)},
				{"absent", "qqqzzz"},
			} {
				if q.text == "" {
					continue
				}
				b.Run("search-"+q.name, func(b *testing.B) {
					for b.Loop() {
						b.StopTimer()
						ingest() // new stories: the search reads afresh
						b.StartTimer()
						if _, err := s.FilterStories(ctx, "politics", Filter{Text: q.text, Limit: 50}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// peakRSSMiB is the process's peak resident memory so far.
func peakRSSMiB(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KiB
}

// BenchmarkFillStore writes a store of scaleStories stories to the path in
// $WIREFEED_FILL (and nothing when it is unset), for measuring a whole
// wirefeed process against a big store:
//
//	WIREFEED_FILL=/tmp/big/wirefeed.db go test -run '^$' -bench FillStore -benchtime 1x ./store/
func BenchmarkFillStore(b *testing.B) {
	where := os.Getenv("WIREFEED_FILL")
	if where == "" {
		b.Skip("WIREFEED_FILL names no store to write")
	}
	for b.Loop() {
		s, err := OpenSQLite(where)
		if err != nil {
			b.Fatal(err)
		}
		fillStore(b, s, scaleStories(b))
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
