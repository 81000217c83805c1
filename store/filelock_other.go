//go:build !linux

package store

import "context"

// FileSourceLock would keep processes sharing a SQLite database from
// pulling one source at once; off Linux it does nothing, and only the pulls
// within one process are kept apart.
type FileSourceLock struct{}

// OpenFileSourceLock returns a lock that never refuses.
func OpenFileSourceLock(string) (*FileSourceLock, error) { return &FileSourceLock{}, nil }

// TryLockSource always succeeds.
func (*FileSourceLock) TryLockSource(ctx context.Context, _ string) (context.Context, func(), bool, error) {
	return ctx, func() {}, true, nil
}

// Close does nothing.
func (*FileSourceLock) Close() error { return nil }
