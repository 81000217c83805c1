package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Pin is a story an editor pinned to the top of a section ("" for the
// sections showing every story) until a time.
type Pin struct {
	StoryID   int64
	SectionID string
	PinnedAt  time.Time
	Until     time.Time
	Editor    string
}

// activePins selects the ids of the stories pinned in a section now.
const activePins = "SELECT story_id FROM story_pins WHERE section_id = ? AND until > ?"

// PinStory pins story id to the top of sectionID ("" for the sections
// showing every story) until until, replacing an earlier pin of it
// there; the section is marked changed.
func (s *Store) PinStory(ctx context.Context, id int64, sectionID string, until time.Time, editor string, now time.Time) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWriters(tx); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&storyRow{}).Where("id = ? AND duplicate_of = 0", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if err := tx.Exec("DELETE FROM story_pins WHERE story_id = ? AND section_id = ?", id, sectionID).Error; err != nil {
			return err
		}
		if err := tx.Exec("INSERT INTO story_pins (story_id, section_id, pinned_at, until, editor) VALUES (?, ?, ?, ?, ?)",
			id, sectionID, now.UTC().Truncate(time.Second), until.UTC(), storable(editor)).Error; err != nil {
			return err
		}
		return s.bumpSections(tx, []string{sectionID}, now)
	})
	if err != nil {
		return fmt.Errorf("store: pin story %d in %q: %w", id, sectionID, err)
	}
	return nil
}

// UnpinStory removes a pin (ErrNotFound when there is none).
func (s *Store) UnpinStory(ctx context.Context, id int64, sectionID string, now time.Time) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWriters(tx); err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM story_pins WHERE story_id = ? AND section_id = ?", id, sectionID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return s.bumpSections(tx, []string{sectionID}, now)
	})
	if err != nil {
		return fmt.Errorf("store: unpin story %d from %q: %w", id, sectionID, err)
	}
	return nil
}

// StoryPins returns the pins of story id that have not expired at now.
func (s *Store) StoryPins(ctx context.Context, id int64, now time.Time) ([]Pin, error) {
	var pins []Pin
	err := s.db.WithContext(ctx).Raw("SELECT story_id, section_id, pinned_at, until, editor FROM story_pins WHERE story_id = ? AND until > ? ORDER BY section_id",
		id, now.UTC()).Scan(&pins).Error
	if err != nil {
		return nil, fmt.Errorf("store: pins of story %d: %w", id, err)
	}
	for i := range pins {
		pins[i].PinnedAt, pins[i].Until = pins[i].PinnedAt.UTC(), pins[i].Until.UTC()
	}
	return pins, nil
}

// maxPinned bounds the stories read as pinned to the top of one section:
// more than a feed shows would never be seen.
const maxPinned = 200

// pinnedStories returns the stories pinned in sectionID at now, the
// latest pinned first, hidden ones left out.
func (s *Store) pinnedStories(db *gorm.DB, sectionID string, now time.Time) ([]storyRow, error) {
	var rows []storyRow
	err := db.Joins("JOIN story_pins p ON p.story_id = stories.id AND p.section_id = ? AND p.until > ?", sectionID, now.UTC()).
		Where(notHidden).Order("p.pinned_at DESC").Order("p.story_id DESC").Limit(maxPinned).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: pinned stories of %q: %w", sectionID, err)
	}
	return rows, nil
}
