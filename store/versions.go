package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// bumpSections moves the versions of the given sections on, inside tx,
// and records now as the time their content changed (see SectionChanged).
// Every save that changes a section bumps its version in the same
// transaction, so another process on the same database (a second daemon on
// one SQLite file, or another node on PostgreSQL) learns from
// SectionVersions which of its rendered feeds are stale.
func (s *Store) bumpSections(tx *gorm.DB, sections []string, now time.Time) error {
	if len(sections) == 0 {
		return nil
	}
	args := make([]any, 0, len(sections))
	for _, id := range sections {
		args = append(args, id)
	}
	if err := s.insertAll(tx, s.sql.addSections, 1, args); err != nil {
		return fmt.Errorf("record section changes: %w", err)
	}
	err := tx.Model(&sectionVersionRow{}).Where("section_id IN ?", sections).
		Update("version", gorm.Expr("version + 1")).Error
	if err != nil {
		return fmt.Errorf("record section changes: %w", err)
	}
	if err := markChanged(tx, sections, now); err != nil {
		return err
	}
	if isPostgres(tx) {
		// Delivered to the daemons listening when the transaction commits.
		if err := tx.Exec("SELECT pg_notify(?, ?)", changesChannel, strings.Join(sections, ",")).Error; err != nil {
			return fmt.Errorf("announce section changes: %w", err)
		}
	}
	return nil
}

// markChanged sets the change time of sections to now, to the second, or
// to one second after their last change when that is not earlier: a
// section's change time never goes back (a clock stepping back, another
// daemon's clock behind) and every change gets a time of its own, so a
// client that sends only If-Modified-Since never misses one.
func markChanged(tx *gorm.DB, sections []string, now time.Time) error {
	var rows []sectionVersionRow
	if err := tx.Select("section_id", "changed_at").Where("section_id IN ?", sections).Find(&rows).Error; err != nil {
		return fmt.Errorf("record section change times: %w", err)
	}
	now = now.UTC().Truncate(time.Second)
	for _, r := range rows {
		at := now
		if r.ChangedAt != nil && !at.After(*r.ChangedAt) {
			at = r.ChangedAt.UTC().Add(time.Second)
		}
		err := tx.Model(&sectionVersionRow{}).Where("section_id = ?", r.SectionID).Update("changed_at", at).Error
		if err != nil {
			return fmt.Errorf("record section change times: %w", err)
		}
	}
	return nil
}

// SectionChanged returns when the published content of a section last
// changed ("" for any section: the latest of them), zero when the store
// never recorded a change.
func (s *Store) SectionChanged(ctx context.Context, sectionID string) (time.Time, error) {
	var rows []sectionVersionRow
	q := s.db.WithContext(ctx).Select("section_id", "changed_at")
	if sectionID != "" {
		q = q.Where("section_id = ?", sectionID)
	}
	if err := q.Find(&rows).Error; err != nil {
		return time.Time{}, fmt.Errorf("store: section change time: %w", err)
	}
	var latest time.Time
	for _, r := range rows {
		if r.ChangedAt != nil && r.ChangedAt.After(latest) {
			latest = r.ChangedAt.UTC()
		}
	}
	return latest, nil
}

// SectionVersions returns every section's change count, by section id; a
// section never changed is absent.
func (s *Store) SectionVersions(ctx context.Context) (map[string]int64, error) {
	var rows []sectionVersionRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: section versions: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.SectionID] = r.Version
	}
	return out, nil
}

// TouchSections records that the given sections' content changed without
// a write of stories (a pin that ran out): every daemon on the database
// renders them afresh.
func (s *Store) TouchSections(ctx context.Context, sections []string, now time.Time) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.bumpSections(tx, sections, now)
	})
	if err != nil {
		return fmt.Errorf("store: touch sections: %w", err)
	}
	return nil
}
