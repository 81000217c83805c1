package store

import (
	"context"
	"fmt"
	"time"
)

// UndatedCounts returns, per source id, how many stored stories carry no
// date of their partner's (Story.Undated); sources with none are absent.
func (s *Store) UndatedCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		SourceID string
		N        int
	}
	err := s.db.WithContext(ctx).Model(&storyRow{}).Select("source_id, count(*) AS n").
		Where("undated = ?", true).Group("source_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: count undated stories: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.SourceID] = r.N
	}
	return out, nil
}

// SetNextRun records when the scheduler next pulls a source (zero: it does
// not, e.g. the source was removed), so that other processes (`wirefeed
// sources`, other daemons' /status) show the scheduler's own answer. An
// unknown source is ignored.
func (s *Store) SetNextRun(ctx context.Context, sourceID string, next time.Time) error {
	var v *time.Time
	if !next.IsZero() {
		t := next.UTC().Truncate(time.Second)
		v = &t
	}
	err := s.db.WithContext(ctx).Model(&sourceRow{}).Where("id = ?", sourceID).Update("next_run", v).Error
	if err != nil {
		return fmt.Errorf("store: record next run of %s: %w", sourceID, err)
	}
	return nil
}

// SetFeedSite records the site a source's feed names as its partner's (see
// Source.FeedSite). An unknown source is ignored.
func (s *Store) SetFeedSite(ctx context.Context, sourceID, site string) error {
	err := s.writer.WithContext(ctx).Model(&sourceRow{}).Where("id = ?", sourceID).Update("feed_site", storable(site)).Error
	if err != nil {
		return fmt.Errorf("store: record feed site of %s: %w", sourceID, err)
	}
	return nil
}
