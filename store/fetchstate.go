package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// FetchRecord is the outcome of one fetch attempt of a source.
type FetchRecord struct {
	// At is when the attempt started.
	At time.Time
	// Status is the HTTP status code, 0 when no response arrived.
	Status int
	// Err is what went wrong, nil on success.
	Err error
	// ItemsSeen is how many items the fetched document held.
	ItemsSeen int
	// ETag, LastModified and BodyHash describe the last good body, for
	// conditional requests; they are kept as they were when empty.
	ETag         string
	LastModified string
	BodyHash     string
}

// RecordFetch saves the outcome of a fetch attempt in the source's state: a
// success resets the failure count, a failure increments it and keeps the
// error text.
func (s *Store) RecordFetch(ctx context.Context, sourceID string, r FetchRecord) error {
	at := r.At.UTC().Truncate(time.Second)
	fields := map[string]any{"last_attempt": at, "last_status": r.Status}
	if r.Err != nil {
		fields["last_error"] = r.Err.Error()
		fields["failures"] = gorm.Expr("failures + 1")
	} else {
		fields["last_error"] = ""
		fields["failures"] = 0
		fields["last_success"] = at
		fields["items_seen"] = r.ItemsSeen
		for col, v := range map[string]string{"etag": r.ETag, "last_modified": r.LastModified, "body_hash": r.BodyHash} {
			if v != "" {
				fields[col] = v
			}
		}
	}
	res := s.db.WithContext(ctx).Model(&Source{}).Where("id = ?", sourceID).Updates(fields)
	if res.Error != nil {
		return fmt.Errorf("store: record fetch of %s: %w", sourceID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: record fetch of %s: %w", sourceID, ErrNotFound)
	}
	return nil
}
