package store

import (
	"context"
	"fmt"
)

// ArchivePageSize is how many story ids one archive page spans. Archive
// pages are fixed ranges of story ids, so a page, once the ids after it
// are in use, never gains a story (RFC 5005 archives must not change).
const ArchivePageSize = 100

// ArchivePage returns the stories of sectionID ("" for all sections) whose
// ids fall in archive page n, newest first.
func (s *Store) ArchivePage(ctx context.Context, sectionID string, n int) ([]Story, error) {
	lo, hi := int64(n)*ArchivePageSize+1, int64(n+1)*ArchivePageSize
	var rows []storyRow
	// Both read the page's own hundred ids by key, never every story of
	// the section.
	q := s.db.WithContext(ctx).Where("stories.id BETWEEN ? AND ?", lo, hi).Where(notHidden).Order("stories.id DESC")
	if sectionID == "" {
		// The unary plus keeps the planner on the id range: on the
		// (duplicate_of, published, id) index it would read every
		// published story.
		q = q.Where("+duplicate_of = 0")
	} else {
		q = q.Where("EXISTS (SELECT 1 FROM story_sections WHERE story_sections.story_id = stories.id AND story_sections.section_id = ?)", sectionID)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: archive page %d of %q: %w", n, sectionID, err)
	}
	return storiesOf(rows), nil
}

// CurrentArchivePage is the archive page that new stories go to: pages
// before it are complete.
func (s *Store) CurrentArchivePage(ctx context.Context) (int, error) {
	var maxID int64
	if err := s.db.WithContext(ctx).Model(&storyRow{}).Select("COALESCE(MAX(id), 0)").Scan(&maxID).Error; err != nil {
		return 0, fmt.Errorf("store: newest story: %w", err)
	}
	if maxID == 0 {
		return 0, nil
	}
	return int((maxID - 1) / ArchivePageSize), nil
}
