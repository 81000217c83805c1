package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Cursor is a position in a section's list of stories, which runs newest
// first by Published, then by ID. The stories after a cursor are those
// strictly older than it, so a list read page by page from cursors never
// shows a story twice nor skips one, however many newer stories arrive
// meanwhile. The zero Cursor is the top of the list.
type Cursor struct {
	Published time.Time
	ID        int64
}

// IsZero reports whether c is the top of the list.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// CursorOf is the position of st in its lists: a page that ends with st
// continues after CursorOf(st).
func CursorOf(st Story) Cursor { return Cursor{Published: st.Published.UTC(), ID: st.ID} }

// SectionPage returns up to limit published stories of sectionID ("" for
// every section) after cursor, newest first, only those of source when
// source is not "". It reads the same index SectionStories does.
func (s *Store) SectionPage(ctx context.Context, sectionID, source string, after Cursor, limit int) ([]Story, error) {
	now := time.Now()
	var pinned []storyRow
	if after.IsZero() && source == "" {
		var err error
		if pinned, err = s.pinnedStories(s.db.WithContext(ctx), sectionID, now); err != nil {
			return nil, err
		}
		if len(pinned) >= limit {
			return storiesOf(pinned[:limit]), nil
		}
	}
	var rows []storyRow
	q := s.db.WithContext(ctx).Limit(limit-len(pinned)).Where(notHidden).
		Where("stories.id NOT IN ("+activePins+")", sectionID, now.UTC())
	published, id := "stories.published", "stories.id"
	if sectionID == "" {
		q = q.Where("duplicate_of = 0")
	} else {
		published, id = "story_sections.published", "story_sections.story_id"
		q = q.Joins("JOIN story_sections ON story_sections.story_id = stories.id").
			Where("story_sections.section_id = ?", sectionID)
	}
	if source != "" {
		q = q.Where("stories.source_id = ?", source)
	}
	if !after.IsZero() {
		t := after.Published.UTC()
		q = q.Where("("+published+" < ? OR ("+published+" = ? AND "+id+" < ?))", t, t, after.ID)
	}
	if err := q.Order(published + " DESC").Order(id + " DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: page of section %q after %d: %w", sectionID, after.ID, err)
	}
	return storiesOf(append(pinned, rows...)), nil
}

// StoryRef is what a list of links to stories needs of each (a sitemap):
// no text beyond the title.
type StoryRef struct {
	ID        int64
	SourceID  string
	Title     string
	Language  string
	Published time.Time
	Updated   time.Time
	// Sections are the sections the story is placed in, sorted.
	Sections []string
}

// StoryRefs returns the newest limit published stories, newest first, with
// their sections.
func (s *Store) StoryRefs(ctx context.Context, limit int) ([]StoryRef, error) {
	var rows []struct {
		ID                        int64
		SourceID, Title, Language string
		Published, Updated        time.Time
	}
	err := s.db.WithContext(ctx).Model(&storyRow{}).
		Select("id", "source_id", "title", "language", "published", "updated").
		Where("duplicate_of = 0").Where(notHidden).Order("published DESC").Order("id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: newest stories: %w", err)
	}
	refs := make([]StoryRef, len(rows))
	for i, r := range rows {
		refs[i] = StoryRef{ID: r.ID, SourceID: r.SourceID, Title: r.Title, Language: r.Language, Published: r.Published, Updated: r.Updated}
	}
	if len(refs) == 0 {
		return refs, nil
	}
	ids := make([]int64, len(refs))
	at := make(map[int64]int, len(refs))
	for i, r := range refs {
		ids[i], at[r.ID] = r.ID, i
	}
	for chunk := range slices.Chunk(ids, keyChunk) {
		var places []storySectionRow
		err := s.db.WithContext(ctx).Where("story_id IN ?", chunk).Order("story_id").Order("section_id").Find(&places).Error
		if err != nil {
			return nil, fmt.Errorf("store: sections of the newest stories: %w", err)
		}
		for _, p := range places {
			i := at[p.StoryID]
			refs[i].Sections = append(refs[i].Sections, p.SectionID)
		}
	}
	for i := range refs {
		refs[i].Published, refs[i].Updated = refs[i].Published.UTC(), refs[i].Updated.UTC()
	}
	return refs, nil
}
