package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// notHidden keeps the stories editors hid, and their other partners'
// copies, out of a query on stories.
const notHidden = "NOT EXISTS (SELECT 1 FROM story_hides h WHERE h.story_id = stories.id OR h.story_id = stories.duplicate_of)"

// HiddenStory is a story editors hid from the site and every feed (a
// correction or a kill): its published id, when, by whom and why.
type HiddenStory struct {
	StoryID  int64
	FeedID   string
	Title    string
	HiddenAt time.Time
	Editor   string
	Note     string
}

// ErrAlreadyHidden refuses hiding a story hidden already.
var ErrAlreadyHidden = errors.New("the story is hidden already")

// HideStory hides the published story id (another partner's copy hides
// the story it belongs to): it leaves every section page, feed, archive
// page, sitemap and look-up (FindStory), and its sections are marked
// changed so every daemon renders them again. Its placements are kept, so
// showing it again (ShowStory) puts it back where it was.
func (s *Store) HideStory(ctx context.Context, id int64, editor, note string, now time.Time) (HiddenStory, error) {
	var out HiddenStory
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWriters(tx); err != nil {
			return err
		}
		var row storyRow
		if err := tx.Where("id = ?", id).Limit(1).Find(&row).Error; err != nil {
			return err
		}
		if row.ID == 0 {
			return ErrNotFound
		}
		if row.DuplicateOf != 0 {
			id = row.DuplicateOf
		}
		verb, tail := s.sql.insertIgnoring()
		res := tx.Exec(verb+"story_hides (story_id, hidden_at, editor, note) VALUES (?, ?, ?, ?)"+tail,
			id, now.UTC().Truncate(time.Second), storable(editor), storable(note))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrAlreadyHidden
		}
		changed := map[string]bool{}
		if err := s.touch(tx, id, changed); err != nil {
			return err
		}
		out = HiddenStory{StoryID: id, FeedID: row.FeedID, Title: row.Title, HiddenAt: now.UTC().Truncate(time.Second), Editor: editor, Note: note}
		return s.bumpSections(tx, slices.Sorted(maps.Keys(changed)), now)
	})
	if err != nil {
		return HiddenStory{}, fmt.Errorf("store: hide story %d: %w", id, err)
	}
	return out, nil
}

// ShowStory undoes HideStory.
func (s *Store) ShowStory(ctx context.Context, id int64, now time.Time) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWriters(tx); err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM story_hides WHERE story_id = ?", id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		changed := map[string]bool{}
		if err := s.touch(tx, id, changed); err != nil {
			return err
		}
		return s.bumpSections(tx, slices.Sorted(maps.Keys(changed)), now)
	})
	if err != nil {
		return fmt.Errorf("store: show story %d: %w", id, err)
	}
	return nil
}

// HiddenStories returns the newest limit stories hidden from sectionID
// ("" for any section), newest hidden first: what a feed's tombstones
// (RFC 6721) announce.
func (s *Store) HiddenStories(ctx context.Context, sectionID string, limit int) ([]HiddenStory, error) {
	q := "SELECT h.story_id, s.feed_id, s.public_id, s.title, h.hidden_at, h.editor, h.note FROM story_hides h JOIN stories s ON s.id = h.story_id"
	args := []any{}
	if sectionID != "" {
		q += " WHERE EXISTS (SELECT 1 FROM story_sections ss WHERE ss.story_id = h.story_id AND ss.section_id = ?)"
		args = append(args, sectionID)
	}
	q += " ORDER BY h.hidden_at DESC, h.story_id DESC LIMIT ?"
	var rows []struct {
		StoryID                               int64
		FeedID, PublicID, Title, Editor, Note string
		HiddenAt                              time.Time
	}
	if err := s.db.WithContext(ctx).Raw(q, append(args, limit)...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: hidden stories of %q: %w", sectionID, err)
	}
	out := make([]HiddenStory, len(rows))
	for i, r := range rows {
		feedID := r.FeedID
		if feedID == "" {
			feedID = r.PublicID
		}
		out[i] = HiddenStory{StoryID: r.StoryID, FeedID: feedID, Title: r.Title, HiddenAt: r.HiddenAt.UTC(), Editor: r.Editor, Note: r.Note}
	}
	return out, nil
}

// StoryHidden says whether story id is hidden, and how.
func (s *Store) StoryHidden(ctx context.Context, id int64) (HiddenStory, bool, error) {
	var rows []struct {
		HiddenAt     time.Time
		Editor, Note string
	}
	err := s.db.WithContext(ctx).Raw("SELECT hidden_at, editor, note FROM story_hides WHERE story_id = ?", id).Scan(&rows).Error
	if err != nil {
		return HiddenStory{}, false, fmt.Errorf("store: is story %d hidden: %w", id, err)
	}
	if len(rows) == 0 {
		return HiddenStory{}, false, nil
	}
	return HiddenStory{StoryID: id, HiddenAt: rows[0].HiddenAt.UTC(), Editor: rows[0].Editor, Note: rows[0].Note}, true, nil
}

// StoryMatch is a stored story as an editor's search lists it.
type StoryMatch struct {
	Story
	Sections []string
	Hidden   bool
}

// SearchStories returns up to limit published stories, newest first,
// whose title contains text (any case; "" for any), of source and in
// section when those are not "", published on or after from and before
// to when those are not zero. Hidden stories are included, marked.
func (s *Store) SearchStories(ctx context.Context, text, source, section string, from, to time.Time, limit int) ([]StoryMatch, error) {
	q := s.db.WithContext(ctx).Where("duplicate_of = 0").Order("published DESC").Order("id DESC").Limit(limit)
	if text = strings.TrimSpace(text); text != "" {
		q = q.Where("LOWER(title) LIKE ?", "%"+strings.ToLower(strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(text))+"%")
	}
	if source != "" {
		q = q.Where("source_id = ?", source)
	}
	if section != "" {
		q = q.Where("EXISTS (SELECT 1 FROM story_sections ss WHERE ss.story_id = stories.id AND ss.section_id = ?)", section)
	}
	if !from.IsZero() {
		q = q.Where("published >= ?", from.UTC())
	}
	if !to.IsZero() {
		q = q.Where("published < ?", to.UTC())
	}
	var rows []storyRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: search stories: %w", err)
	}
	out := make([]StoryMatch, len(rows))
	for i, r := range rows {
		out[i].Story = r.story()
		secs, err := s.StorySections(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		_, hidden, err := s.StoryHidden(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		out[i].Sections, out[i].Hidden = secs, hidden
	}
	return out, nil
}

// AllStoryCopies is StoryCopies, hidden stories included (for editors).
func (s *Store) AllStoryCopies(ctx context.Context, feedID string) ([]Story, error) {
	var rows []storyRow
	err := s.db.WithContext(ctx).Where("feed_id = ?", feedID).Order("duplicate_of").Order("first_seen").Order("id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: copies of %q: %w", feedID, err)
	}
	return storiesOf(rows), nil
}

// WithHidden reads stories as editors see them: FindStory and StoryCopies
// include the stories editors hid (for `wirefeed route` and the console's
// routing report).
type WithHidden struct{ *Store }

// FindStory is Store.FindAnyStory.
func (w WithHidden) FindStory(ctx context.Context, ref string) (Story, error) {
	return w.FindAnyStory(ctx, ref)
}

// StoryCopies is Store.AllStoryCopies.
func (w WithHidden) StoryCopies(ctx context.Context, feedID string) ([]Story, error) {
	return w.AllStoryCopies(ctx, feedID)
}
