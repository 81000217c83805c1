package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// bumpSections moves the versions of the given sections on, inside tx.
// Every save that changes a section bumps its version in the same
// transaction, so another process on the same database (a second daemon on
// one SQLite file, or another node on PostgreSQL) learns from
// SectionVersions which of its rendered feeds are stale.
func (s *Store) bumpSections(tx *gorm.DB, sections []string) error {
	if len(sections) == 0 {
		return nil
	}
	args := make([]any, 0, len(sections))
	for _, id := range sections {
		args = append(args, id)
	}
	if err := tx.Exec(s.sql.addSections(len(sections)), args...).Error; err != nil {
		return fmt.Errorf("record section changes: %w", err)
	}
	err := tx.Model(&sectionVersionRow{}).Where("section_id IN ?", sections).
		Update("version", gorm.Expr("version + 1")).Error
	if err != nil {
		return fmt.Errorf("record section changes: %w", err)
	}
	if isPostgres(tx) {
		// Delivered to the daemons listening when the transaction commits.
		if err := tx.Exec("SELECT pg_notify(?, ?)", changesChannel, strings.Join(sections, ",")).Error; err != nil {
			return fmt.Errorf("announce section changes: %w", err)
		}
	}
	return nil
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
