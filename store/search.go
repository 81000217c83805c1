package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"wirefeed/internal/htmltext"
)

// Searching a section's stories (?q= and ?source= on the feeds) is answered
// from indexes over every stored story, never from a window of the newest:
//
//   - each story's search_text, its title's and summary's text in lower
//     case, is a row of story_texts, written in the same transaction as the
//     story (insert and edit) and gone with it (prune);
//   - SQLite indexes it in story_search, a contentless FTS5 table with the
//     trigram tokenizer and no positions (detail=none), kept in step by
//     triggers on story_texts: it tells which stories hold every trigram
//     of a search, and comparing their search texts with it keeps those
//     holding the text itself, so any substring of three or more
//     characters is found (Thai and Japanese, written without spaces, are
//     searched like any language). New texts wait in search_pending, fewer
//     than searchBatch, and are indexed together (see indexSearch);
//     searches compare them with the index's candidates;
//   - PostgreSQL indexes it with pg_trgm's GIN trigram index when the
//     extension can be had (see createTrigramIndexOn), which LIKE '%text%'
//     uses; without it the same query scans the search texts;
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

// Searching for a text, FilterStories takes the cheapest way that still
// answers exactly; every walk goes newest first and stops at the limit:
//
//  1. the section's newest ShortQueryWindow stories, compared: a text in
//     the news now is answered there (and one of fewer than three
//     characters is only looked for there);
//  2. the stories story_search offers, when they are fewer than
//     denseCandidates, compared;
//  3. else (a frequent word, not in the newest stories) the walk goes on
//     into older stories, in windows four times larger each, to
//     walkedStories: reading every candidate would cost far more than
//     walking until the limit is reached (a word in one story in five,
//     none of them among the newest 5,000, was offered 950,000 candidates
//     of a million stories: 1.8 s);
//  4. then, older than the windows walked, every candidate, compared.
//
// (Compared: the search text holds the text; see textSearch.matching.)
const (
	denseCandidates = 8000
	walkedStories   = 64 * ShortQueryWindow
)

// FilterStories returns the newest f.Limit stories of section sectionID
// ("" for every published story) that pass f, newest first.
func (s *Store) FilterStories(ctx context.Context, sectionID string, f Filter) ([]Story, error) {
	q := textSearch{s: s, ctx: ctx, section: sectionID, source: f.Source, limit: max(f.Limit, 1),
		text: strings.ToLower(strings.TrimSpace(f.Text))}
	if q.text == "" {
		rows, err := q.find()
		return storiesOf(rows), err
	}
	rows, since, err := q.walk(nil, ShortQueryWindow, time.Time{})
	if err != nil || len(rows) == q.limit || since.IsZero() || utf8.RuneCountInString(q.text) < 3 {
		return storiesOf(rows), err
	}
	if isPostgres(s.db) {
		rows, err = q.matching(q.limit, q.indexed)
		return storiesOf(rows), err
	}
	ids, more, err := q.candidates(denseCandidates)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	if !more {
		// The walk compared every story since then: the candidates older
		// than that follow its matches.
		older, err := q.matching(q.limit-len(rows), func(db *gorm.DB, l listing) *gorm.DB {
			return db.Where(l.published+" < ?", since).Where(l.id+" IN ?", ids)
		})
		return storiesOf(append(rows, older...)), err
	}
	walked := walkedStories
	if s.walked > 0 {
		walked = s.walked
	}
	for window := 4 * ShortQueryWindow; window <= walked; window *= 4 {
		rows, since, err = q.walk(rows, window, since)
		if err != nil || len(rows) == q.limit || since.IsZero() {
			return storiesOf(rows), err
		}
	}
	older, err := q.matching(q.limit-len(rows), func(db *gorm.DB, l listing) *gorm.DB {
		return q.indexed(db.Where(l.published+" < ?", since), l)
	})
	return storiesOf(append(rows, older...)), err
}

// textSearch is one FilterStories call with a text.
type textSearch struct {
	s       *Store
	ctx     context.Context
	section string // "": every published story
	source  string // "": any
	limit   int
	text    string // lower case
}

// find reads the newest q.limit stories of the section (and source), for
// a filter without a text.
func (q textSearch) find() ([]storyRow, error) {
	db := q.s.db.WithContext(q.ctx).Limit(q.limit)
	if q.section == "" {
		db = db.Where("stories.duplicate_of = 0").Order("stories.published DESC").Order("stories.id DESC")
	} else {
		db = db.Joins("JOIN story_sections ON story_sections.story_id = stories.id").
			Where("story_sections.section_id = ?", q.section).
			Order("story_sections.published DESC").Order("story_sections.story_id DESC")
	}
	if q.source != "" {
		db = db.Where("stories.source_id = ?", q.source)
	}
	var rows []storyRow
	if err := db.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: search section %q: %w", q.section, err)
	}
	return rows, nil
}

// listing names the columns a search walks: a section's placements, or
// every published story.
type listing struct{ id, published string }

// matching reads the newest limit stories of the section (and source)
// whose search text holds q.text, among those narrow keeps. Their ids come
// first, from the placements (or the published stories' index) and the
// search texts alone, so a story that does not match costs no read of its
// row; then the rows of those found.
func (q textSearch) matching(limit int, narrow func(db *gorm.DB, l listing) *gorm.DB) ([]storyRow, error) {
	l := listing{id: "story_sections.story_id", published: "story_sections.published"}
	db := q.s.db.WithContext(q.ctx)
	if q.section == "" {
		l = listing{id: "stories.id", published: "stories.published"}
		db = db.Table("stories").Where("stories.duplicate_of = 0")
	} else {
		db = db.Table("story_sections").Where("story_sections.section_id = ?", q.section)
		if q.source != "" {
			db = db.Joins("JOIN stories ON stories.id = story_sections.story_id")
		}
	}
	if q.source != "" {
		db = db.Where("stories.source_id = ?", q.source)
	}
	db = db.Joins("JOIN story_texts ON story_texts.story_id = " + l.id).Select(l.id).
		Order(l.published + " DESC").Order(l.id + " DESC").Limit(limit)
	if isPostgres(q.s.db) {
		db = db.Where(`story_texts.search_text LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(q.text)+"%")
	} else {
		// Both sides are in lower case: instr compares bytes, several
		// times cheaper than LIKE's character-by-character matching.
		db = db.Where("instr(story_texts.search_text, ?) > 0", q.text)
	}
	var ids []int64
	if err := narrow(db, l).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("store: search section %q: %w", q.section, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []storyRow
	if err := q.s.db.WithContext(q.ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: search section %q: %w", q.section, err)
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(rows, func(a, b storyRow) int { return at[a.ID] - at[b.ID] })
	return rows, nil
}

// walk appends to found the matching stories among the section's window
// newest that were published before until (all of the window for the zero
// time), up to q.limit in all. It returns the publication time the window
// starts at, where a walk further back goes on: the zero time once the
// window holds every story of the section.
func (q textSearch) walk(found []storyRow, window int, until time.Time) ([]storyRow, time.Time, error) {
	since, err := q.s.nthNewest(q.ctx, q.section, window)
	if err != nil {
		return nil, time.Time{}, err
	}
	more, err := q.matching(q.limit-len(found), func(db *gorm.DB, l listing) *gorm.DB {
		db = db.Where(l.published+" >= ?", since)
		if !until.IsZero() {
			db = db.Where(l.published+" < ?", until)
		}
		return db
	})
	return append(found, more...), since, err
}

// candidates returns the ids of the stories story_search offers for
// q.text, up to most, and whether it offers more.
func (q textSearch) candidates(most int) (ids []int64, more bool, err error) {
	err = q.s.db.WithContext(q.ctx).Raw(offered+" LIMIT ?", trigramQuery(q.text), most+1).Scan(&ids).Error
	if err != nil {
		return nil, false, fmt.Errorf("store: search section %q: %w", q.section, err)
	}
	if len(ids) > most {
		return ids[:most], true, nil
	}
	return ids, false, nil
}

// indexed narrows a matching query to the stories the index offers.
func (q textSearch) indexed(db *gorm.DB, l listing) *gorm.DB {
	if isPostgres(q.s.db) {
		return db // pg_trgm's index answers the LIKE itself
	}
	// story_search finds the stories holding every trigram of the text;
	// the comparison keeps those holding the text itself.
	return db.Where(l.id+" IN ("+offered+")", trigramQuery(q.text))
}

// offered selects the ids of the stories that may hold a text (SQLite): the
// indexed ones holding every trigram of it (the FTS5 query, its one
// argument) and the ones not indexed yet.
const offered = "SELECT rowid FROM story_search WHERE story_search MATCH ? UNION ALL SELECT story_id FROM search_pending"

// searchBatch is how many stories' texts wait in search_pending before
// indexSearch indexes them (see batchedSearchSQL). A search compares every
// one waiting: this bounds that work too.
const searchBatch = 500

// indexWaitingSQL indexes the texts waiting in search_pending. Each text is
// read by its key from the waiting list: a join left to the planner read
// every text once ANALYZE had seen the list empty (40 ms a save at 1M
// stories).
const indexWaitingSQL = "INSERT INTO story_search(rowid, search_text) SELECT p.story_id, " +
	"(SELECT t.search_text FROM story_texts t WHERE t.story_id = p.story_id) FROM search_pending p"

// indexSearch indexes in story_search the texts waiting in search_pending
// when there are at least least of them (SQLite), in tx.
func indexSearch(tx *gorm.DB, least int) error {
	var waiting int64
	if err := tx.Raw("SELECT COUNT(*) FROM search_pending").Scan(&waiting).Error; err != nil {
		return fmt.Errorf("count texts waiting for the search index: %w", err)
	}
	if waiting == 0 || waiting < int64(least) {
		return nil
	}
	err := tx.Exec(indexWaitingSQL).Error
	if err != nil {
		return fmt.Errorf("index %d texts for search: %w", waiting, err)
	}
	if err := tx.Exec("DELETE FROM search_pending").Error; err != nil {
		return fmt.Errorf("index %d texts for search: %w", waiting, err)
	}
	return nil
}

// nthNewest returns the publication time of the section's n-th newest
// story (every section's for ""), read off the index; with fewer stories,
// the zero time.
func (s *Store) nthNewest(ctx context.Context, sectionID string, n int) (time.Time, error) {
	q := s.db.WithContext(ctx).Table("story_sections").Select("published").Where("section_id = ?", sectionID).
		Order("published DESC")
	if sectionID == "" {
		q = s.db.WithContext(ctx).Table("stories").Select("published").Where("duplicate_of = 0").
			Order("published DESC").Order("id DESC")
	}
	var times []time.Time
	if err := q.Offset(n-1).Limit(1).Pluck("published", &times).Error; err != nil {
		return time.Time{}, fmt.Errorf("store: search section %q: %w", sectionID, err)
	}
	if len(times) == 0 {
		return time.Time{}, nil
	}
	return times[0], nil
}

// maxQueryTrigrams bounds the trigrams a search looks up in story_search:
// a longer text is still compared in full, among the stories
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
	return tx.Exec("UPDATE story_texts SET search_text = ? WHERE story_id = ?", searchText(title, summary), id).Error
}
