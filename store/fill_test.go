package store

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"wirefeed/internal/wiretext"
)

// scaleVocabulary is how many of wiretext.Desk's words the big store's
// summaries are written with.
const scaleVocabulary = 5000

// scaleSummaryWords is how many words each big-store summary has.
const scaleSummaryWords = 16

// scaleWord is the SQL for word k of story i's summary: a word of the
// vocabulary drawn with a skew to the frequent ones (the rank is the
// square of a uniform draw, so the most frequent word is in about one
// summary in four, as a desk's "government" is).
func scaleWord(k int) string {
	h := fmt.Sprintf("((i * 2654435761 + %d) %% 1000003 %% %d)", k*7919, scaleVocabulary)
	return fmt.Sprintf("(SELECT w FROM scale_vocabulary WHERE n = %s * %s / %d)", h, h, scaleVocabulary)
}

// scaleSummary is the SQL for story i's summary text.
func scaleSummary() string {
	words := make([]string, scaleSummaryWords)
	for k := range words {
		words[k] = scaleWord(k)
	}
	return strings.Join(words, " || ' ' || ")
}

// fillStore writes n stories from 100 partners into s in a few statements
// of SQL, far faster than saving them fetch by fetch: each with a title,
// a summary of words drawn from wiretext.Desk's vocabulary (its text
// searchable, as a saved story's is) and a short content, in one of four
// sections, every tenth an alternate copy of the story before it. They were first seen long before
// the duplicate window, as a store's old stories are, so the
// near-duplicate index does not hold them. The stories go in fillChunk at
// a time, as a store's stories arrive over time (one statement of a
// million held the full-text index's pending terms for all of them, and
// 1.3 GB).
func fillStore(b testing.TB, s *Store, n int) {
	b.Helper()
	// Minutes before the benchmark's own stories, spread over n minutes.
	first := t0.Add(-time.Duration(n+1000) * time.Minute).Format("2006-01-02 15:04:05")
	if err := s.db.Exec("CREATE TABLE scale_vocabulary (n INTEGER PRIMARY KEY, w TEXT NOT NULL)").Error; err != nil {
		b.Fatal(err)
	}
	for rank := range uint64(scaleVocabulary) {
		if err := s.db.Exec("INSERT INTO scale_vocabulary VALUES (?, ?)", rank, wiretext.DeskWord(rank)).Error; err != nil {
			b.Fatal(err)
		}
	}
	for lo := 1; lo <= n; lo += fillChunk {
		var before int64
		if err := s.db.Raw("SELECT COALESCE(MAX(id), 0) FROM stories").Scan(&before).Error; err != nil {
			b.Fatal(err)
		}
		if err := s.db.Exec(fillSQL(first, lo, min(lo+fillChunk-1, n))).Error; err != nil {
			b.Fatal(err)
		}
		// Their search texts (the summary's text: between <p> and </p>).
		err := s.db.Exec(`INSERT INTO story_texts (story_id, search_text)
			SELECT id, lower(title) || char(10) || substr(summary, 4, length(summary) - 7) FROM stories WHERE id > ?`, before).Error
		if err != nil {
			b.Fatal(err)
		}
		if err := indexSearch(s.db, 0); err != nil {
			b.Fatal(err)
		}
	}
	stmts := []string{
		`INSERT INTO story_sections (story_id, section_id, published)
		SELECT id, CASE id % 4 WHEN 0 THEN 'politics' WHEN 1 THEN 'economy' WHEN 2 THEN 'sports' ELSE 'nation' END, published
		FROM stories WHERE duplicate_of = 0`,
		// The full-text index merged as a store built over months has it,
		// not left as the fill's few big segments, which the next writes
		// would merge at once.
		"INSERT INTO story_search(story_search) VALUES ('optimize')",
		`ANALYZE`,
	}
	for _, q := range stmts {
		if err := s.db.Exec(q).Error; err != nil {
			b.Fatal(err)
		}
	}
}

// fillChunk is how many stories fillStore writes a statement.
const fillChunk = 20000

// fillSQL writes stories lo to hi (numbered from 1, the first published
// at first plus a minute).
func fillSQL(first string, lo, hi int) string {
	return `WITH RECURSIVE seq(i) AS (SELECT ` + strconv.Itoa(lo) + ` UNION ALL SELECT i + 1 FROM seq WHERE i < ` + strconv.Itoa(hi) + `),
		texts(i, summary) AS (SELECT i, ` + scaleSummary() + ` FROM seq)
		INSERT INTO stories (source_id, key, public_id, guid, link, title, summary, content, authors, categories,
			published, updated, first_seen, content_hash, canonical_url, feed_id, duplicate_of)
		SELECT printf('p%02d', i % 100), 'g:' || i, 'tag:news.example.com,2026:p/' || i, 'g' || i,
			'https://p' || (i % 100) || '.example/news/' || i, 'Stored story number ' || i || ' of the big store',
			'<p>' || summary || '.</p>',
			'<p>Content of stored story ' || i || '.</p>', '[{"name":"Staff"}]', '["Politics"]',
			strftime('%Y-%m-%d %H:%M:%S+00:00', '` + first + `', '+' || i || ' minutes'),
			strftime('%Y-%m-%d %H:%M:%S+00:00', '` + first + `', '+' || i || ' minutes'),
			strftime('%Y-%m-%d %H:%M:%S+00:00', '` + first + `', '+' || i || ' minutes'),
			'h' || i, 'https://p' || (i % 100) || '.example/news/' || i,
			'tag:news.example.com,2026:p/' || (CASE WHEN i % 10 = 0 THEN i - 1 ELSE i END),
			CASE WHEN i % 10 = 0 THEN i - 1 ELSE 0 END
		FROM texts`
}
