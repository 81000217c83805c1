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
	// NotModified marks a success that found the document unchanged (a 304,
	// or a body identical to the last one): ItemsSeen is then left as it was.
	NotModified bool
	// ETag, LastModified and BodyHash describe the last good body, for
	// conditional requests. When URL is empty they are kept as they were
	// when empty; see URL.
	ETag         string
	LastModified string
	BodyHash     string
	// URL is the address the body was fetched from. When set on a success,
	// ETag, LastModified and BodyHash replace the stored ones as a set
	// (empty values clear them) and are taken to belong to URL.
	URL string
	// FinalURL is where the response came from after redirects; kept as it
	// was when empty.
	FinalURL string
	// Discovery, when not nil, replaces the stored autodiscovery result,
	// also on a failure; a zero Discovery clears it.
	Discovery *Discovery
	// NotBefore is the earliest next scheduled pull; zero clears it.
	NotBefore time.Time
	// Gone disables the source (the partner answered 410).
	Gone bool
	// Identity records how the fetch's stories were identified ("guid",
	// "link", "hash"); kept as it was when empty.
	Identity string
	// FeedSite is the partner's site as the fetched feed names it (see
	// Source.FeedSite); kept as it was when empty.
	FeedSite string
}

// Discovery is the outcome of feed autodiscovery: the feed at FeedURL was
// found on the HTML page at From.
type Discovery struct {
	From    string
	FeedURL string
}

// RecordFetch saves the outcome of a fetch attempt in the source's state: a
// success resets the failure count, a failure increments it and keeps the
// error text.
func (s *Store) RecordFetch(ctx context.Context, sourceID string, r FetchRecord) error {
	at := r.At.UTC().Truncate(time.Second)
	fields := map[string]any{"last_attempt": at, "last_status": r.Status, "not_before": notBefore(r.NotBefore)}
	if r.Gone {
		fields["disabled"] = true
	}
	if r.Identity != "" {
		fields["identity"] = r.Identity
	}
	if r.FeedSite != "" {
		fields["feed_site"] = r.FeedSite
	}
	if r.FinalURL != "" {
		fields["final_url"] = r.FinalURL
	}
	if r.Err != nil {
		fields["last_error"] = r.Err.Error()
		fields["failures"] = gorm.Expr("failures + 1")
	} else {
		fields["last_error"] = ""
		fields["failures"] = 0
		fields["last_success"] = at
		if !r.NotModified {
			fields["items_seen"] = r.ItemsSeen
		}
		validators := map[string]string{"etag": r.ETag, "last_modified": r.LastModified, "body_hash": r.BodyHash}
		if r.URL != "" {
			fields["fetched_url"] = r.URL
		}
		for col, v := range validators {
			if v != "" || r.URL != "" {
				fields[col] = v
			}
		}
	}
	if d := r.Discovery; d != nil {
		fields["discovered_url"], fields["discovered_from"] = d.FeedURL, d.From
	}
	for col, v := range fields {
		if text, ok := v.(string); ok {
			fields[col] = storable(text) // a hostile server's ETag or error text
		}
	}
	update := func(tx *gorm.DB) error {
		res := tx.Model(&sourceRow{}).Where("id = ?", sourceID).Updates(fields)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return nil
	}
	db := s.writer.WithContext(ctx)
	var err error
	if fenced(ctx) {
		err = db.Transaction(func(tx *gorm.DB) error {
			if err := checkFence(ctx, tx); err != nil {
				return err
			}
			return update(tx)
		})
	} else {
		err = update(db) // one statement: its own transaction
	}
	if err != nil {
		return fmt.Errorf("store: record fetch of %s: %w", sourceID, err)
	}
	return nil
}

// Apply updates src as RecordFetch(r) updates its row, for a caller that
// keeps the fetch state in memory between polls instead of reading it back.
func (src *Source) Apply(r FetchRecord) {
	at := r.At.UTC().Truncate(time.Second)
	src.LastAttempt, src.LastStatus, src.NotBefore = &at, r.Status, notBefore(r.NotBefore)
	if r.Gone {
		src.Disabled = true
	}
	if r.Identity != "" {
		src.Identity = r.Identity
	}
	if r.FeedSite != "" {
		src.FeedSite = r.FeedSite
	}
	if r.FinalURL != "" {
		src.FinalURL = r.FinalURL
	}
	if d := r.Discovery; d != nil {
		src.DiscoveredURL, src.DiscoveredFrom = d.FeedURL, d.From
	}
	if r.Err != nil {
		src.LastError = r.Err.Error()
		src.Failures++
		return
	}
	src.LastError, src.Failures, src.LastSuccess = "", 0, &at
	if !r.NotModified {
		src.ItemsSeen = r.ItemsSeen
	}
	if r.URL != "" {
		src.FetchedURL, src.ETag, src.LastModified, src.BodyHash = r.URL, r.ETag, r.LastModified, r.BodyHash
		return
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&src.ETag, r.ETag}, {&src.LastModified, r.LastModified}, {&src.BodyHash, r.BodyHash}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
}

// notBefore is t as stored: UTC to the second, nil when zero.
func notBefore(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Second)
	return &u
}
