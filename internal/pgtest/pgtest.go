// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the database named by WIREFEED_TEST_POSTGRES, dropped when the
// test ends.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Env names the variable that points tests at PostgreSQL, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const Env = "WIREFEED_TEST_POSTGRES"

// Enabled reports whether tests should run on PostgreSQL.
func Enabled() bool { return os.Getenv(Env) != "" }

// Schema creates an empty schema for t in the database named by Env and
// returns a URL whose connections use it. It fails t when Env is unset or
// the database cannot be reached.
func Schema(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(Env)
	u, err := url.Parse(dsn)
	if dsn == "" || err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL, got %q", Env, dsn)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "wirefeed_test_" + hex.EncodeToString(b[:])
	if _, err := db.Exec(`CREATE SCHEMA "` + schema + `"`); err != nil {
		db.Close()
		t.Fatalf("%s: create schema: %v", Env, err)
	}
	t.Cleanup(func() {
		db.Exec(`DROP SCHEMA IF EXISTS "` + schema + `" CASCADE`)
		db.Close()
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
