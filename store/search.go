package store

import (
	"context"
	"fmt"
	"strings"
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
//   - SQLite indexes it in story_search, an FTS5 table with the trigram
//     tokenizer (any substring of three or more characters is found, so
//     Thai and Japanese, written without spaces, are searched like any
//     language), kept in step by triggers on stories;
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
func (s *Store) FilterStories(ctx context.Context, sectionID string, f Filter) ([]Story, error) {
	q := s.db.WithContext(ctx).Limit(max(f.Limit, 1))
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
	if text := strings.ToLower(strings.TrimSpace(f.Text)); text != "" {
		q = s.matchText(q, sectionID, text)
	}
	var rows []storyRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: search section %q: %w", sectionID, err)
	}
	return storiesOf(rows), nil
}

// matchText narrows q to stories whose search_text contains text (lower
// case, not empty).
func (s *Store) matchText(q *gorm.DB, sectionID, text string) *gorm.DB {
	like := "%" + likeEscaper.Replace(text) + "%"
	if utf8.RuneCountInString(text) < 3 {
		window := s.db.Table("story_sections").Select("story_id").Where("section_id = ?", sectionID).
			Order("published DESC").Order("story_id DESC").Limit(ShortQueryWindow)
		if sectionID == "" {
			window = s.db.Table("stories").Select("id").Where("duplicate_of = 0").
				Order("published DESC").Order("id DESC").Limit(ShortQueryWindow)
		}
		return q.Where("stories.id IN (?)", window).Where(`stories.search_text LIKE ? ESCAPE '\'`, like)
	}
	if isPostgres(s.db) {
		return q.Where(`stories.search_text LIKE ? ESCAPE '\'`, like)
	}
	// One FTS5 phrase: the trigram tokenizer finds it as a substring.
	phrase := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
	return q.Where("stories.id IN (SELECT rowid FROM story_search WHERE story_search MATCH ?)", phrase)
}

// likeEscaper escapes LIKE's wildcards (with ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// setSearchText writes the search text of story id (after an edit).
func setSearchText(tx *gorm.DB, id int64, title, summary string) error {
	return tx.Exec("UPDATE stories SET search_text = ? WHERE id = ?", searchText(title, summary), id).Error
}
