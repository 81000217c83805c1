package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// RerouteResult says what Reroute changed, or would change.
type RerouteResult struct {
	// Examined is how many published stories were routed again.
	Examined int
	// Moved is how many of them now belong in other sections.
	Moved int
	// Added and Removed count, by section, the stories placed in it and
	// taken out of it.
	Added, Removed map[string]int
	// Stories are the stories that moved, in id order.
	Stories []MovedStory
}

// MovedStory is one story a reroute moved (or would move).
type MovedStory struct {
	ID       int64
	SourceID string
	Title    string
	// Added and Removed are the sections it was placed in and taken out
	// of.
	Added, Removed []string
}

// rerouteChunk is how many stories Reroute reads and places per
// transaction.
const rerouteChunk = 500

// Reroute routes every published story (alternates follow their published
// copy) first seen at or after since (zero: every story) again: sections
// returns where it belongs now, and where that differs from where it is,
// its placements are replaced. With dryRun nothing is written. Stories are
// read and placed in one transaction per chunk, so a fetch editing a story
// meanwhile is never undone.
func (s *Store) Reroute(ctx context.Context, since time.Time, sections func(*Story) []string, dryRun bool) (RerouteResult, error) {
	res := RerouteResult{Added: map[string]int{}, Removed: map[string]int{}}
	var after int64
	for {
		var last int64
		var n int
		var err error
		if dryRun {
			// Reading only: no transaction, which would take SQLite's write lock.
			last, n, err = s.rerouteChunk(s.db.WithContext(ctx), after, since, sections, true, &res)
		} else {
			err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				if err := lockWriters(tx); err != nil {
					return err
				}
				var err error
				last, n, err = s.rerouteChunk(tx, after, since, sections, false, &res)
				return err
			})
		}
		if err != nil {
			return res, fmt.Errorf("store: reroute: %w", err)
		}
		if n < rerouteChunk {
			return res, nil
		}
		after = last
	}
}

// rerouteChunk reroutes the next stories after id after and returns the
// last id it read and how many it read.
func (s *Store) rerouteChunk(tx *gorm.DB, after int64, since time.Time, sections func(*Story) []string, dryRun bool, res *RerouteResult) (int64, int, error) {
	q := tx.Model(&storyRow{}).
		Select("id", "source_id", "title", "summary", "content", "categories", "published").
		Where("id > ? AND duplicate_of = 0", after)
	if !since.IsZero() {
		q = q.Where("first_seen >= ?", since.UTC())
	}
	var rows []storyRow
	if err := q.Order("id").Limit(rerouteChunk).Find(&rows).Error; err != nil {
		return 0, 0, err
	}
	stories := storiesOf(rows)
	if len(stories) == 0 {
		return after, 0, nil
	}
	ids := make([]int64, len(stories))
	for i, st := range stories {
		ids[i] = st.ID
	}
	var placed []storySectionRow
	if err := tx.Select("story_id", "section_id").Where("story_id IN ?", ids).Find(&placed).Error; err != nil {
		return 0, 0, err
	}
	current := map[int64][]string{}
	for _, p := range placed {
		current[p.StoryID] = append(current[p.StoryID], p.SectionID)
	}

	var add []storySectionRow
	var touched []string
	for i := range stories {
		st := &stories[i]
		want, have := sections(st), current[st.ID]
		res.Examined++
		moved := MovedStory{ID: st.ID, SourceID: st.SourceID, Title: st.Title}
		for _, sec := range want {
			if !slices.Contains(have, sec) {
				add = append(add, storySectionRow{SectionID: sec, StoryID: st.ID, Published: st.Published})
				res.Added[sec]++
				touched, moved.Added = append(touched, sec), append(moved.Added, sec)
			}
		}
		for _, sec := range have {
			if slices.Contains(want, sec) {
				continue
			}
			res.Removed[sec]++
			touched, moved.Removed = append(touched, sec), append(moved.Removed, sec)
			if !dryRun {
				if err := tx.Where("story_id = ? AND section_id = ?", st.ID, sec).Delete(&storySectionRow{}).Error; err != nil {
					return 0, 0, fmt.Errorf("take story %d out of %s: %w", st.ID, sec, err)
				}
			}
		}
		if len(moved.Added)+len(moved.Removed) > 0 {
			res.Moved++
			res.Stories = append(res.Stories, moved)
		}
	}
	if !dryRun && len(touched) > 0 {
		if err := s.placeStories(tx, add); err != nil {
			return 0, 0, err
		}
		slices.Sort(touched)
		if err := s.bumpSections(tx, slices.Compact(touched), time.Now()); err != nil {
			return 0, 0, err
		}
	}
	return stories[len(stories)-1].ID, len(stories), nil
}
