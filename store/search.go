package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"wirefeed/internal/htmltext"
)

// Searching a section's stories (?q= and ?source= on the feeds) is answered
// from indexes over every stored story, never from a window of the newest:
//
//   - each story carries search_text, its title's and summary's text in
//     lower case, written with the story in the same statement (insert and
//     edit) and gone with it (prune);
//   - SQLite indexes it in story_search, a contentless FTS5 table with the
//     trigram tokenizer and no positions (detail=none), kept in step by
//     triggers on stories: it tells which stories hold every trigram of a
//     search, and LIKE on search_text keeps those holding the text itself,
//     so any substring of three or more characters is found (Thai and
//     Japanese, written without spaces, are searched like any language);
//   - PostgreSQL indexes it with pg_trgm's GIN trigram index when the
//     extension can be had (see createTrigramIndex), which LIKE '%text%'
//     uses; without it the same query scans the stories;
//   - stories(source_id, published) finds a partner's stories.
//
// A query of one or two characters has no trigram to look up: it is matched
// among the newest ShortQueryWindow stories of the section only (short
// Japanese words such as 日銀 are common; scanning every story for them on
// the public port is not bounded work).

// ShortQueryWindow is how many of a section's newest stories a search text
// of fewer than three characters is matched against.
const ShortQueryWindow = 1000

// Filter narrows a section's stories (see FilterStories).
type Filter struct {
	// Source keeps the stories of this source only ("": any).
	Source string
	// Text keeps stories whose title or summary text contains it,
	// regardless of case ("": any).
	Text string
	// Limit is how many stories to return, newest first.
	Limit int
}

// searchText is what search looks in for a story: the text of its title and
// summary, in lower case. Queries are lower-cased the same way, so case does
// not matter in either dialect.
func searchText(title, summary string) string {
	return strings.ToLower(htmltext.TextOrHTML(title) + "\n" + htmltext.Text(summary))
}

// FilterStories returns the newest f.Limit stories of section sectionID
// ("" for every published story) that pass f, newest first.
//
// A search text is looked for among the section's newest ShortQueryWindow
// stories first: a frequent one (a word in a story in twenty) is answered
// there, at a bounded cost, where the index would offer most of the store
// as candidates. Only when those hold fewer than f.Limit matches is
// every story searched through the index.
func (s *Store) FilterStories(ctx context.Context, sectionID string, f Filter) ([]Story, error) {
	limit := max(f.Limit, 1)
	text := strings.ToLower(strings.TrimSpace(f.Text))
	find := func(narrow func(q *gorm.DB) *gorm.DB) ([]storyRow, error) {
		q := s.db.WithContext(ctx).Limit(limit)
		if sectionID == "" {
			q = q.Where("stories.duplicate_of = 0").Order("stories.published DESC").Order("stories.id DESC")
		} else {
			q = q.Joins("JOIN story_sections ON story_sections.story_id = stories.id").
				Where("story_sections.section_id = ?", sectionID).
				Order("story_sections.published DESC").Order("story_sections.story_id DESC")
		}
		if f.Source != "" {
			q = q.Where("stories.source_id = ?", f.Source)
		}
		var rows []storyRow
		if err := narrow(q).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("store: search section %q: %w", sectionID, err)
		}
		return rows, nil
	}
	if text == "" {
		rows, err := find(func(q *gorm.DB) *gorm.DB { return q })
		return storiesOf(rows), err
	}
	like := "%" + likeEscaper.Replace(text) + "%"
	since, err := s.newestWindow(ctx, sectionID)
	if err != nil {
		return nil, err
	}
	rows, err := find(func(q *gorm.DB) *gorm.DB {
		if sectionID == "" {
			q = q.Where("stories.published >= ?", since)
		} else {
			q = q.Where("story_sections.published >= ?", since)
		}
		return q.Where(`stories.search_text LIKE ? ESCAPE '\'`, like)
	})
	if err != nil || len(rows) == limit || utf8.RuneCountInString(text) < 3 {
		return storiesOf(rows), err
	}
	rows, err = find(func(q *gorm.DB) *gorm.DB {
		q = q.Where(`stories.search_text LIKE ? ESCAPE '\'`, like)
		if isPostgres(s.db) {
			return q // pg_trgm's index answers the LIKE itself
		}
		// story_search finds the stories holding every trigram of the
		// text; the LIKE keeps those holding the text itself.
		return q.Where("stories.id IN (SELECT rowid FROM story_search WHERE story_search MATCH ?)", trigramQuery(text))
	})
	return storiesOf(rows), err
}

// newestWindow returns the publication time of the section's
// ShortQueryWindow-th newest story (every section's for ""), read off the
// index: the stories published since are the window searched first. With
// fewer stories, the zero time.
func (s *Store) newestWindow(ctx context.Context, sectionID string) (time.Time, error) {
	q := s.db.WithContext(ctx).Table("story_sections").Select("published").Where("section_id = ?", sectionID).
		Order("published DESC")
	if sectionID == "" {
		q = s.db.WithContext(ctx).Table("stories").Select("published").Where("duplicate_of = 0").
			Order("published DESC").Order("id DESC")
	}
	var times []time.Time
	if err := q.Offset(ShortQueryWindow-1).Limit(1).Pluck("published", &times).Error; err != nil {
		return time.Time{}, fmt.Errorf("store: search section %q: %w", sectionID, err)
	}
	if len(times) == 0 {
		return time.Time{}, nil
	}
	return times[0], nil
}

// maxQueryTrigrams bounds the trigrams a search looks up in story_search:
// a longer text is still matched in full by the LIKE, among the stories
// holding the trigrams looked up.
const maxQueryTrigrams = 32

// trigramQuery is the FTS5 query for the stories holding every distinct
// trigram of text (three characters or more), each a quoted string: the
// trigram tokenizer reads a three-character string as one token, and the
// index keeps no positions to match a longer phrase with.
func trigramQuery(text string) string {
	rs := []rune(text)
	seen := map[string]bool{}
	var terms []string
	for i := 0; i+3 <= len(rs) && len(terms) < maxQueryTrigrams; i++ {
		t := string(rs[i : i+3])
		if seen[t] {
			continue
		}
		seen[t] = true
		terms = append(terms, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
	}
	return strings.Join(terms, " AND ")
}

// likeEscaper escapes LIKE's wildcards (with ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// setSearchText writes the search text of story id (after an edit).
func setSearchText(tx *gorm.DB, id int64, title, summary string) error {
	return tx.Exec("UPDATE stories SET search_text = ? WHERE id = ?", searchText(title, summary), id).Error
}
