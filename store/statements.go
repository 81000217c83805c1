package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// statementSQL builds every INSERT the store runs, and remembers them by
// row count: one style for all of them, chosen for the ingest path, the one
// place where per-row cost matters (multi-row VALUES lists on PostgreSQL;
// SQLite runs most of them a row at a time, see insertAll). They are
// written in the SQL that SQLite and PostgreSQL share, but for the verb that
// skips rows already stored: SQLite's INSERT OR IGNORE never needs a
// statement journal (the statement cannot abort), which makes it much cheaper
// than ON CONFLICT DO NOTHING there. Every insert skips rows that conflict
// with a primary key or unique index; callers that must know count the rows
// inserted (RowsAffected, or RETURNING).
type statementSQL struct {
	dialect string
	mu      sync.Mutex
	cache   map[string]string
}

// insertIgnoring returns the start and end of an INSERT that skips rows
// conflicting with a unique constraint.
func (q *statementSQL) insertIgnoring() (verb, tail string) {
	if q.dialect == "sqlite" {
		return "INSERT OR IGNORE INTO ", ""
	}
	return "INSERT INTO ", " ON CONFLICT DO NOTHING"
}

var insertStoryColumns = []string{
	"source_id", "key", "public_id", "guid", "link", "title", "summary", "content",
	"authors", "categories", "enclosures", "image", "language", "photos",
	"published", "updated", "first_seen", "content_hash",
	"canonical_url", "signature", "feed_id", "duplicate_of", "undated",
}

// insertStories is an INSERT of rows stories that skips identities already
// stored and returns the id and key of each row it did insert.
func (q *statementSQL) insertStories(rows int) string {
	return q.get("stories", rows, func() string {
		verb, tail := q.insertIgnoring()
		return verb + "stories (" + strings.Join(insertStoryColumns, ", ") + ") VALUES " +
			valueLists(rows, len(insertStoryColumns)) + tail + " RETURNING id, key"
	})
}

// insertStory is insertStories of one row without RETURNING, for SQLite,
// which tells the row's id (LastInsertId) and whether it was inserted
// (RowsAffected) through the statement's result.
func (q *statementSQL) insertStory() string {
	return q.get("story", 1, func() string {
		verb, tail := q.insertIgnoring()
		return verb + "stories (" + strings.Join(insertStoryColumns, ", ") + ") VALUES " +
			valueLists(1, len(insertStoryColumns)) + tail
	})
}

// addStoryTexts is an INSERT of rows stories' search texts (story_id,
// search_text), for stories just inserted.
func (q *statementSQL) addStoryTexts(rows int) string {
	return q.get("texts", rows, func() string {
		return "INSERT INTO story_texts (story_id, search_text) VALUES " + valueLists(rows, 2)
	})
}

// placeStories is an INSERT of rows section placements that skips ones
// already there.
func (q *statementSQL) placeStories(rows int) string {
	return q.get("sections", rows, func() string {
		verb, tail := q.insertIgnoring()
		return verb + "story_sections (section_id, story_id, published) VALUES " + valueLists(rows, 3) + tail
	})
}

// addSections is an INSERT of rows section versions that skips sections
// already there.
func (q *statementSQL) addSections(rows int) string {
	return q.get("versions", rows, func() string {
		verb, tail := q.insertIgnoring()
		return verb + "section_versions (section_id) VALUES " + valueLists(rows, 1) + tail
	})
}

var insertSourceColumns = []string{"id", "name", "url", "attribution", "priority", "site"}

// addSource is an INSERT of one source's identity (its fetch state takes
// the columns' defaults) that skips a source already there.
func (q *statementSQL) addSource() string {
	return q.get("sources", 1, func() string {
		verb, tail := q.insertIgnoring()
		return verb + "sources (" + strings.Join(insertSourceColumns, ", ") + ") VALUES " +
			valueLists(1, len(insertSourceColumns)) + tail
	})
}

// addTombstones is an INSERT of rows tombstones (source_id, key,
// pruned_at) that skips identities already buried.
func (q *statementSQL) addTombstones(rows int) string {
	return q.get("tombstones", rows, func() string {
		verb, tail := q.insertIgnoring()
		return verb + "tombstones (source_id, key, pruned_at) VALUES " + valueLists(rows, 3) + tail
	})
}

// addLease is an INSERT of one free lease (name, holder, until) that skips
// a lease already there.
func (q *statementSQL) addLease() string {
	return q.get("leases", 1, func() string {
		verb, tail := q.insertIgnoring()
		return verb + "leases (name, holder, until) VALUES " + valueLists(1, 3) + tail
	})
}

// insertAll runs the INSERT build makes for a number of rows over args,
// rows of cols values each. PostgreSQL is sent one statement of every row,
// one round trip; SQLite, which has no round trips to save, runs a
// statement of one row once for each (see execEach).
func (s *Store) insertAll(tx *gorm.DB, build func(rows int) string, cols int, args []any) error {
	if s.sql.dialect != "sqlite" {
		return tx.Exec(build(len(args)/cols), args...).Error
	}
	return execEach(tx, build(1), cols, args, nil)
}

// execEach prepares query, a statement of cols values, once in tx and runs
// it for each row of args, telling each (if not nil) the row's index and
// result. On SQLite this is much cheaper than one statement of every row:
// parsing and planning a statement of 50 rows of 23 values cost more than
// running it, and its program's memory is mapped and unmapped each time by
// the pure-Go allocator (BenchmarkSaveStories, 3 interleaved runs:
// 16.1–18.1 ms a fetch of 50 stories with one statement of 50 rows,
// 12.5–13.9 ms this way). The
// statement goes to the driver as written: "?" placeholders only.
func execEach(tx *gorm.DB, query string, cols int, args []any, each func(row int, res sql.Result) error) error {
	ctx := tx.Statement.Context
	stmt, err := tx.Statement.ConnPool.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for row := range len(args) / cols {
		res, err := stmt.ExecContext(ctx, args[row*cols:(row+1)*cols]...)
		if err != nil {
			return fmt.Errorf("row %d: %w", row+1, err)
		}
		if each != nil {
			if err := each(row, res); err != nil {
				return fmt.Errorf("row %d: %w", row+1, err)
			}
		}
	}
	return nil
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
