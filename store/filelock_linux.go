package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"

	"golang.org/x/sys/unix"
)

// FileSourceLock keeps processes sharing a SQLite database (the daemon, a
// `wirefeed fetch` beside it) from pulling one source at once. Each source
// is one byte of a lock file beside the database, locked with an
// open-file-description lock: no database write per pull, and the kernel
// releases the locks of a process that dies.
type FileSourceLock struct {
	file *os.File
}

// OpenFileSourceLock opens (creating if needed) the lock file of the SQLite
// database at dbPath.
func OpenFileSourceLock(dbPath string) (*FileSourceLock, error) {
	f, err := os.OpenFile(dbPath+"-pulls.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: pull lock: %w", err)
	}
	return &FileSourceLock{file: f}, nil
}

// TryLockSource takes the source's lock if no other process holds it and
// reports whether it did; unlock releases it. Within one process the caller
// keeps a source to one pull (aggregator.Pulls): the lock is the process's.
func (l *FileSourceLock) TryLockSource(ctx context.Context, id string) (pull context.Context, unlock func(), ok bool, err error) {
	h := fnv.New64a()
	h.Write([]byte(id))
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: int64(h.Sum64() >> 2), Len: 1}
	switch err := unix.FcntlFlock(l.file.Fd(), unix.F_OFD_SETLK, &lk); err {
	case nil:
	case unix.EAGAIN, unix.EACCES:
		return ctx, nil, false, nil
	default:
		return ctx, nil, false, fmt.Errorf("store: pull lock %s: %w", id, err)
	}
	return ctx, func() {
		lk.Type = unix.F_UNLCK
		unix.FcntlFlock(l.file.Fd(), unix.F_OFD_SETLK, &lk)
	}, true, nil
}

// Close releases every lock and the file.
func (l *FileSourceLock) Close() error { return l.file.Close() }
