package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// SiteConfig is one version of the site's config document, as daemons
// sharing a database keep it: the YAML text (comments and all), who saved
// it and when.
type SiteConfig struct {
	Version  int64
	Document []byte
	Author   string
	SavedAt  time.Time
}

// configChannel is the notification channel on which a saved site config
// announces its version when its transaction commits.
const configChannel = "wirefeed_config"

// ErrConfigVersionTaken refuses a site config saved on top of a version
// that is no longer the latest: another change was saved meanwhile.
var ErrConfigVersionTaken = errors.New("another change to the site config was saved meanwhile")

// LatestSiteConfig returns the newest version of the site's config, or
// ErrNotFound when none was ever saved.
func (s *Store) LatestSiteConfig(ctx context.Context) (SiteConfig, error) {
	var row struct {
		Version  int64
		Document string
		Author   string
		SavedAt  time.Time
	}
	err := s.db.WithContext(ctx).Raw("SELECT version, document, author, saved_at FROM site_configs ORDER BY version DESC LIMIT 1").
		Scan(&row).Error
	if err != nil {
		return SiteConfig{}, fmt.Errorf("store: site config: %w", err)
	}
	if row.Version == 0 {
		return SiteConfig{}, fmt.Errorf("store: site config: %w", ErrNotFound)
	}
	return SiteConfig{Version: row.Version, Document: []byte(row.Document), Author: row.Author, SavedAt: row.SavedAt.UTC()}, nil
}

// SaveSiteConfig saves document as the version after base (0: the first)
// and returns it; ErrConfigVersionTaken when base is no longer the newest.
// Daemons listening (ListenConfig) hear of it when it commits.
func (s *Store) SaveSiteConfig(ctx context.Context, base int64, document []byte, author string, now time.Time) (int64, error) {
	version := base + 1
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var newest int64
		if err := tx.Raw("SELECT COALESCE(MAX(version), 0) FROM site_configs").Scan(&newest).Error; err != nil {
			return err
		}
		if newest != base {
			return ErrConfigVersionTaken
		}
		verb, tail := s.sql.insertIgnoring()
		res := tx.Exec(verb+"site_configs (version, document, author, saved_at) VALUES (?, ?, ?, ?)"+tail,
			version, storable(string(document)), storable(author), now.UTC().Truncate(time.Second))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrConfigVersionTaken // saved by another daemon between our read and insert
		}
		if isPostgres(tx) {
			return tx.Exec("SELECT pg_notify(?, ?)", configChannel, strconv.FormatInt(version, 10)).Error
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: save site config version %d: %w", version, err)
	}
	return version, nil
}

// SiteConfigVersion returns the newest site config's version, 0 when none
// was saved: a cheap look for a change.
func (s *Store) SiteConfigVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(version), 0) FROM site_configs").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("store: site config version: %w", err)
	}
	return v, nil
}
