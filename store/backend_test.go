package store

import (
	"path/filepath"
	"testing"

	"wirefeed/internal/pgtest"
)

// openTestDB opens an empty store and returns where it lives, for
// reopenTestDB: a temporary SQLite file, or, when pgtest.Env names a
// PostgreSQL database, a schema of the test's own in it.
func openTestDB(t testing.TB) (*Store, string) {
	t.Helper()
	if !pgtest.Enabled() {
		path := filepath.Join(t.TempDir(), "test.db")
		return reopenTestDB(t, path), path
	}
	dsn := pgtest.Schema(t)
	return reopenTestDB(t, dsn), dsn
}

// reopenTestDB opens another handle on the database at where, as a second
// process would.
func reopenTestDB(t testing.TB, where string) *Store {
	t.Helper()
	open := OpenSQLite
	if pgtest.Enabled() {
		open = OpenPostgres
	}
	s, err := open(where)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
