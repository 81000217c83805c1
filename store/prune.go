package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Window is a published section window: the newest Limit stories of
// Section ("" for all sections).
type Window struct {
	Section string
	Limit   int
}

// Retention says what Prune keeps.
type Retention struct {
	// MaxAge: stories first seen longer ago are pruned.
	MaxAge time.Duration
	// MaxPerSource: a source's stories beyond its newest MaxPerSource (by
	// published time) are pruned.
	MaxPerSource int
	// MaxPerSection: a story beyond the newest MaxPerSection of every
	// section it is placed in is pruned.
	MaxPerSection int
	// Windows are the published section windows; their stories are never
	// pruned, whatever their age.
	Windows []Window
}

// tombstoneFactor: tombstones are kept this many times MaxAge, long past
// the point where partners still carry a story.
const tombstoneFactor = 4

// PruneResult counts what Prune removed.
type PruneResult struct {
	Stories    int
	Tombstones int
}

// Prune removes stories r no longer keeps, with the other partners' copies
// of them (their alternates), leaving a tombstone of each identity, in one
// transaction; then drops tombstones older than tombstoneFactor × MaxAge.
func (s *Store) Prune(ctx context.Context, now time.Time, r Retention) (PruneResult, error) {
	var res PruneResult
	db := s.db.WithContext(ctx)
	protected := map[int64]bool{}
	for _, w := range r.Windows {
		stories, err := s.SectionStories(ctx, w.Section, w.Limit)
		if err != nil {
			return res, fmt.Errorf("store: prune: %w", err)
		}
		for _, st := range stories {
			protected[st.ID] = true
			if st.DuplicateOf == 0 {
				continue
			}
			protected[st.DuplicateOf] = true
		}
	}
	var doomed []int64
	if r.MaxAge > 0 {
		var old []int64
		err := db.Model(&storyRow{}).Where("first_seen < ?", now.Add(-r.MaxAge).UTC()).Pluck("id", &old).Error
		if err != nil {
			return res, fmt.Errorf("store: prune: %w", err)
		}
		doomed = append(doomed, old...)
	}
	if r.MaxPerSource > 0 {
		var sources []string
		if err := db.Model(&sourceRow{}).Pluck("id", &sources).Error; err != nil {
			return res, fmt.Errorf("store: prune: %w", err)
		}
		for _, src := range sources {
			var extra []int64
			err := db.Model(&storyRow{}).Where("source_id = ?", src).
				Order("published DESC").Order("id DESC").Offset(r.MaxPerSource).Limit(1<<30).
				Pluck("id", &extra).Error
			if err != nil {
				return res, fmt.Errorf("store: prune %s: %w", src, err)
			}
			doomed = append(doomed, extra...)
		}
	}
	if r.MaxPerSection > 0 {
		over, err := s.overSectionCaps(db, r.MaxPerSection)
		if err != nil {
			return res, fmt.Errorf("store: prune: %w", err)
		}
		doomed = append(doomed, over...)
	}
	doomed = slices.DeleteFunc(slices.Compact(sortedIDs(doomed)), func(id int64) bool { return protected[id] })

	var pruned []int64
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := lockWriters(tx); err != nil {
			return err
		}
		for chunk := range slices.Chunk(doomed, keyChunk) {
			// An alternate whose published copy goes is published no more
			// either: alternates go with it, tombstoned like it, so that no
			// story is left pointing at one that is gone. They are read
			// here, inside the transaction, so one that joined meanwhile
			// goes too.
			var gone []storyRow
			err := tx.Select("id", "source_id", "key").Where("id IN ? OR duplicate_of IN ?", chunk, chunk).
				Find(&gone).Error
			if err != nil {
				return err
			}
			if err := s.bury(tx, gone, now); err != nil {
				return err
			}
			ids := make([]int64, len(gone))
			for i, st := range gone {
				ids[i] = st.ID
			}
			for part := range slices.Chunk(ids, keyChunk) {
				if err := tx.Where("story_id IN ?", part).Delete(&storySectionRow{}).Error; err != nil {
					return err
				}
				if err := tx.Exec("DELETE FROM story_texts WHERE story_id IN ?", part).Error; err != nil {
					return err
				}
				del := tx.Where("id IN ?", part).Delete(&storyRow{})
				if del.Error != nil {
					return del.Error
				}
				res.Stories += int(del.RowsAffected)
			}
			pruned = append(pruned, ids...)
		}
		if r.MaxAge > 0 {
			del := tx.Where("pruned_at < ?", now.Add(-tombstoneFactor*r.MaxAge).UTC()).Delete(&tombstoneRow{})
			if del.Error != nil {
				return del.Error
			}
			res.Tombstones = int(del.RowsAffected)
		}
		return nil
	})
	if err != nil {
		return PruneResult{}, fmt.Errorf("store: prune: %w", err)
	}
	for _, id := range pruned {
		s.recent.forget(id)
	}
	return res, nil
}

func sortedIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return ids
}

// tombstoned returns which of keys of sourceID were pruned.
func tombstoned(db *gorm.DB, sourceID string, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(keys, keyChunk) {
		var found []string
		err := db.Model(&tombstoneRow{}).Where("source_id = ? AND key IN ?", sourceID, chunk).Pluck("key", &found).Error
		if err != nil {
			return nil, fmt.Errorf("look up tombstones: %w", err)
		}
		for _, k := range found {
			out[k] = true
		}
	}
	return out, nil
}

// bury leaves a tombstone of each story's identity, dated now.
func (s *Store) bury(tx *gorm.DB, gone []storyRow, now time.Time) error {
	at := now.UTC().Truncate(time.Second)
	for batch := range slices.Chunk(gone, insertBatch) {
		args := make([]any, 0, 3*len(batch))
		for _, st := range batch {
			args = append(args, st.SourceID, st.Key, at)
		}
		if err := s.insertAll(tx, s.sql.addTombstones, 3, args); err != nil {
			return fmt.Errorf("leave tombstones: %w", err)
		}
	}
	return nil
}

// overSectionCaps returns the stories that lie beyond the newest limit of
// every section they are placed in.
func (s *Store) overSectionCaps(db *gorm.DB, limit int) ([]int64, error) {
	var sections []string
	if err := db.Model(&storySectionRow{}).Distinct("section_id").Pluck("section_id", &sections).Error; err != nil {
		return nil, err
	}
	beyond := map[int64]int{} // story -> sections it is beyond the cap of
	for _, sec := range sections {
		var ids []int64
		err := db.Model(&storySectionRow{}).Where("section_id = ?", sec).
			Order("published DESC").Order("story_id DESC").Offset(limit).Limit(1<<30).
			Pluck("story_id", &ids).Error
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			beyond[id]++
		}
	}
	var out []int64
	ids := slices.Collect(maps.Keys(beyond))
	for chunk := range slices.Chunk(ids, keyChunk) {
		var rows []struct {
			StoryID int64
			N       int
		}
		err := db.Model(&storySectionRow{}).Select("story_id, COUNT(*) AS n").
			Where("story_id IN ?", chunk).Group("story_id").Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if beyond[r.StoryID] == r.N {
				out = append(out, r.StoryID)
			}
		}
	}
	return out, nil
}
