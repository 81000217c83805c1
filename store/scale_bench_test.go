//go:build linux

package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
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

// fillStore writes n stories from 100 partners into s in a few statements
// of SQL, far faster than saving them fetch by fetch: each with a title,
// a summary and a short content, in one of four sections, every tenth an
// alternate copy of the story before it. They were first seen long before
// the duplicate window, as a store's old stories are, so the
// near-duplicate index does not hold them.
func fillStore(b *testing.B, s *Store, n int) {
	b.Helper()
	// Minutes before the benchmark's own stories, spread over n minutes.
	first := t0.Add(-time.Duration(n+1000) * time.Minute).Format("2006-01-02 15:04:05")
	stmts := []string{
		`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ` + strconv.Itoa(n) + `)
		INSERT INTO stories (source_id, key, public_id, guid, link, title, summary, content, authors, categories,
			published, updated, first_seen, content_hash, canonical_url, feed_id, duplicate_of)
		SELECT printf('p%02d', i % 100), 'g:' || i, 'tag:news.example.com,2026:p/' || i, 'g' || i,
			'https://p' || (i % 100) || '.example/news/' || i, 'Stored story number ' || i || ' of the big store',
			'<p>Summary of stored story ' || i || ', long enough to read like a wire lead with its dateline and a clause or two.</p>',
			'<p>Content of stored story ' || i || '.</p>', '[{"name":"Staff"}]', '["Politics"]',
			strftime('%Y-%m-%d %H:%M:%S+00:00', '` + first + `', '+' || i || ' minutes'),
			strftime('%Y-%m-%d %H:%M:%S+00:00', '` + first + `', '+' || i || ' minutes'),
			strftime('%Y-%m-%d %H:%M:%S+00:00', '` + first + `', '+' || i || ' minutes'),
			'h' || i, 'https://p' || (i % 100) || '.example/news/' || i,
			'tag:news.example.com,2026:p/' || (CASE WHEN i % 10 = 0 THEN i - 1 ELSE i END),
			CASE WHEN i % 10 = 0 THEN i - 1 ELSE 0 END
		FROM seq`,
		`INSERT INTO story_sections (story_id, section_id, published)
		SELECT id, CASE id % 4 WHEN 0 THEN 'politics' WHEN 1 THEN 'economy' WHEN 2 THEN 'sports' ELSE 'nation' END, published
		FROM stories WHERE duplicate_of = 0`,
		`ANALYZE`,
	}
	for _, q := range stmts {
		if err := s.db.Exec(q).Error; err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScale measures what must not grow with the store, on an empty
// store and on one pre-filled to a million stories (WIREFEED_SCALE_STORIES
// sets another size): ingesting a fetch of 50 new stories (ns/story; the
// target is at most 1.2x the empty store's), then reading a section feed,
// the merged feed (every partner's published stories, newest first) and
// the merged feed at ?limit=200 right after that change (the target is a
// feed rendered within 20 ms, of which this read is the part that could
// grow), and the process's peak RSS (target 150 MiB). Run with
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
