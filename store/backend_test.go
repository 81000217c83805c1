package store

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// postgresEnv names the variable that runs the store's tests on PostgreSQL:
// a URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
// Each test then gets a schema of its own in that database, dropped when it
// ends. Unset, the tests use a temporary SQLite file.
const postgresEnv = "WIREFEED_TEST_POSTGRES"

// openTestDB opens an empty store and returns where it lives, for
// reopenTestDB.
func openTestDB(t testing.TB) (*Store, string) {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		path := filepath.Join(t.TempDir(), "test.db")
		s, err := OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, path
	}
	schemaDSN := freshSchema(t, dsn)
	s, err := OpenPostgres(schemaDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, schemaDSN
}

// reopenTestDB opens another handle on the database at where, as a second
// process would.
func reopenTestDB(t testing.TB, where string) *Store {
	t.Helper()
	open := OpenSQLite
	if os.Getenv(postgresEnv) != "" {
		open = OpenPostgres
	}
	s, err := open(where)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// freshSchema creates a schema for one test in the database at dsn and
// returns a DSN that uses it.
func freshSchema(t testing.TB, dsn string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	schema := "wirefeed_test_" + hex.EncodeToString(b[:])
	admin, err := gorm.Open(postgres.Open(dsn), gormConfig())
	if err != nil {
		t.Fatalf("%s: %v", postgresEnv, err)
	}
	sqlDB, _ := admin.DB()
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA IF EXISTS "` + schema + `" CASCADE`)
		sqlDB.Close()
	})
	if err := admin.Exec(`CREATE SCHEMA "` + schema + `"`).Error; err != nil {
		t.Fatalf("%s: create schema: %v", postgresEnv, err)
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		t.Fatalf("%s must be a postgres:// URL, got %q", postgresEnv, dsn)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
