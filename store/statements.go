package store

import (
	"strconv"
	"strings"
	"sync"
)

// statementSQL builds the multi-row statements of the ingest path, the one
// place where per-row cost matters, and remembers them by row count. They are
// written in the SQL that SQLite and PostgreSQL share.
type statementSQL struct {
	mu    sync.Mutex
	cache map[string]string
}

var insertStoryColumns = []string{
	"source_id", "key", "public_id", "guid", "link", "title", "summary", "content",
	"authors", "categories", "enclosures", "image", "language",
	"published", "updated", "first_seen", "content_hash",
}

// insertStories is an INSERT of rows stories that skips identities already
// stored and returns the id and key of each row it did insert.
func (q *statementSQL) insertStories(rows int) string {
	return q.get("stories", rows, func() string {
		return "INSERT OR IGNORE INTO stories (" + strings.Join(insertStoryColumns, ", ") + ") VALUES " +
			valueLists(rows, len(insertStoryColumns)) +
			" RETURNING id, key"
	})
}

// placeStories is an INSERT of rows section placements that skips ones
// already there.
func (q *statementSQL) placeStories(rows int) string {
	return q.get("sections", rows, func() string {
		return "INSERT OR IGNORE INTO story_sections (section_id, story_id, published) VALUES " +
			valueLists(rows, 3)
	})
}

func (q *statementSQL) get(kind string, rows int, build func() string) string {
	key := kind + "/" + strconv.Itoa(rows)
	q.mu.Lock()
	defer q.mu.Unlock()
	if sql, ok := q.cache[key]; ok {
		return sql
	}
	if q.cache == nil {
		q.cache = map[string]string{}
	}
	sql := build()
	q.cache[key] = sql
	return sql
}

// valueLists writes rows parenthesised lists of cols placeholders; GORM
// rewrites "?" into each dialect's own bind variables.
func valueLists(rows, cols int) string {
	one := "(" + strings.Repeat("?, ", cols-1) + "?)"
	return strings.Repeat(one+", ", rows-1) + one
}
