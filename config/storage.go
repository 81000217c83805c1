package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckStorage checks that the SQLite database of storage.path can be
// opened and written: its directory exists, is a directory, and a file can
// be created in it (SQLite writes its -wal and -shm files beside the
// database). It checks nothing when storage.postgres is set. The error
// names the config file and line of storage.path.
//
// It is not part of Parse: the environment may still switch the store to
// PostgreSQL after the file is read (WIREFEED_POSTGRES).
func (c *Config) CheckStorage() error {
	if c.Storage.Postgres != "" {
		return nil
	}
	dir := filepath.Dir(c.Storage.Path)
	msg := ""
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = fmt.Sprintf("directory %s does not exist: create it, or point storage.path at a file in an existing directory", dir)
	case err != nil:
		msg = fmt.Sprintf("directory %s cannot be read: %v", dir, errors.Unwrap(err))
	case !info.IsDir():
		msg = fmt.Sprintf("%s is not a directory", dir)
	default:
		f, err := os.CreateTemp(dir, ".wirefeed-check-*")
		if err != nil {
			msg = fmt.Sprintf("directory %s is not writable by this user (the database and its -wal and -shm files are written there): %v", dir, errors.Unwrap(err))
			break
		}
		f.Close()
		os.Remove(f.Name())
	}
	if msg == "" {
		return nil
	}
	return ErrorList{&Error{File: c.Path, Line: lineOf(c.lines, "storage.path"), Key: "storage.path", Msg: msg}}
}
