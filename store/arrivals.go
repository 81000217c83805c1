package store

import (
	"context"
	"fmt"
	"time"
)

// Arrivals returns, by source, when each story first seen at or after
// since arrived (its FirstSeen), oldest first: the desk's chart of new
// stories per hour.
func (s *Store) Arrivals(ctx context.Context, since time.Time) (map[string][]time.Time, error) {
	var rows []struct {
		SourceID  string
		FirstSeen time.Time
	}
	err := s.db.WithContext(ctx).Model(&storyRow{}).Select("source_id, first_seen").
		Where("first_seen >= ?", since.UTC()).Order("first_seen").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: arrivals since %s: %w", since, err)
	}
	out := map[string][]time.Time{}
	for _, r := range rows {
		out[r.SourceID] = append(out[r.SourceID], r.FirstSeen.UTC())
	}
	return out, nil
}

// LastArrivals returns when the newest n stories of source were first
// seen, newest first: its rhythm.
func (s *Store) LastArrivals(ctx context.Context, source string, n int) ([]time.Time, error) {
	var times []time.Time
	err := s.db.WithContext(ctx).Model(&storyRow{}).Where("source_id = ?", source).
		Order("first_seen DESC").Limit(n).Pluck("first_seen", &times).Error
	if err != nil {
		return nil, fmt.Errorf("store: last arrivals of %s: %w", source, err)
	}
	for i := range times {
		times[i] = times[i].UTC()
	}
	return times, nil
}
