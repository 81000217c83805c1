package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"wirefeed/internal/pgtest"
)

// emptyTestDB returns a new, empty database (a SQLite file, or a
// PostgreSQL schema of the test's own) opened without migrating it, and
// where it lives, for OpenSQLite/OpenPostgres.
func emptyTestDB(t *testing.T) (*gorm.DB, string) {
	t.Helper()
	where := filepath.Join(t.TempDir(), "test.db")
	open := openSQLiteDB
	if pgtest.Enabled() {
		where, open = pgtest.Schema(t), openPostgresDB
	}
	db, err := open(where)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeDB(db) })
	return db, where
}

func closeDB(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}

// openAt opens the store at where as the daemon does, returning its error.
func openAt(where string) (*Store, error) {
	if pgtest.Enabled() {
		return OpenPostgres(where)
	}
	return OpenSQLite(where)
}

// createV0 creates in db the schema the release before numbered migrations
// made, from the statements captured from it (testdata).
func createV0(t *testing.T, db *gorm.DB) {
	t.Helper()
	file := "testdata/schema-v0.sql"
	if isPostgres(db) {
		file = "testdata/schema-v0-postgres.sql"
	}
	dump, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range strings.Split(string(dump), ";\n") {
		// sqlite_sequence is SQLite's own, made by AUTOINCREMENT.
		if q = strings.TrimSpace(q); q == "" || strings.HasPrefix(q, "CREATE TABLE sqlite_sequence") {
			continue
		}
		if err := db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// describeSchema describes db's tables, columns and indexes (all but
// schema_migrations) in a form two databases can be compared by: on SQLite
// the CREATE statements it keeps, on PostgreSQL the catalog's columns
// (type, length, nullability, default) and index definitions.
func describeSchema(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var lines []string
	if !isPostgres(db) {
		var rows []struct{ Type, Name, SQL string }
		err := db.Raw("SELECT type, name, COALESCE(sql, '') AS sql FROM sqlite_master WHERE tbl_name <> 'schema_migrations' ORDER BY type, name").
			Scan(&rows).Error
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			lines = append(lines, r.Type+" "+r.Name+": "+r.SQL)
		}
		return strings.Join(lines, "\n")
	}
	var cols []struct {
		TableName, ColumnName, DataType, IsNullable, ColumnDefault string
		Length                                                     int
	}
	err := db.Raw(`SELECT table_name, column_name, data_type, COALESCE(character_maximum_length, 0) AS length,
		is_nullable, COALESCE(column_default, '') AS column_default
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
		ORDER BY table_name, ordinal_position`).Scan(&cols).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		lines = append(lines, fmt.Sprintf("column %s.%s %s(%d) nullable=%s default=%s",
			c.TableName, c.ColumnName, c.DataType, c.Length, c.IsNullable, c.ColumnDefault))
	}
	var idx []struct{ Indexname, Def string }
	err = db.Raw(`SELECT indexname, replace(indexdef, current_schema() || '.', '') AS def
		FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'
		ORDER BY indexname`).Scan(&idx).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range idx {
		lines = append(lines, "index "+i.Indexname+": "+i.Def)
	}
	return strings.Join(lines, "\n")
}

type versionRow struct {
	Version   int
	AppliedAt time.Time
}

func versionRows(t *testing.T, db *gorm.DB) []versionRow {
	t.Helper()
	var rows []versionRow
	if err := db.Raw("SELECT version, applied_at FROM schema_migrations ORDER BY version").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestMigrationOneIsThePreviousSchema checks that migration 1 on an empty
// database creates exactly what the release before numbered migrations
// created: an existing database and a new one have one schema.
func TestMigrationOneIsThePreviousSchema(t *testing.T) {
	fresh, _ := emptyTestDB(t)
	if err := migrateTo(fresh, 1); err != nil {
		t.Fatal(err)
	}
	old, _ := emptyTestDB(t)
	createV0(t, old)
	got, want := describeSchema(t, fresh), describeSchema(t, old)
	if got != want {
		t.Fatalf("migration 1 differs from the previous release's schema:\n--- migration 1\n%s\n--- previous release\n%s", got, want)
	}
	if !strings.Contains(got, "idx_story_identity") || strings.Count(got, "\n") < 15 {
		t.Fatalf("schema description looks empty:\n%s", got)
	}
	if isPostgres(fresh) {
		return
	}
	// On SQLite the statements themselves are kept: byte for byte the file.
	var stmts []string
	if err := fresh.Raw("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name <> 'schema_migrations' ORDER BY rowid").Scan(&stmts).Error; err != nil {
		t.Fatal(err)
	}
	dump, err := os.ReadFile("testdata/schema-v0.sql")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(stmts, ";\n") + ";\n"; got != string(dump) {
		t.Fatalf("sqlite_master after migration 1:\n%s\nwant testdata/schema-v0.sql:\n%s", got, dump)
	}
}

func TestOpenEmptyDatabaseMigratesToLatest(t *testing.T) {
	s, where := openTestDB(t)
	v, err := s.SchemaVersion()
	if err != nil || v != latestVersion() {
		t.Fatalf("schema version = %d, %v; want %d", v, err, latestVersion())
	}
	missing, err := missingFromV1(s.db, s.db.Dialector.Name())
	// Migration 16 drops these: longer indexes begin with their columns.
	missing = slices.DeleteFunc(missing, func(m string) bool {
		return m == "index idx_stories_duplicate_of"
	})
	if err != nil || len(missing) > 0 {
		t.Fatalf("missing after migrating: %v, %v", missing, err)
	}
	rows := versionRows(t, s.db)
	if len(rows) != len(migrations) {
		t.Fatalf("schema_migrations = %+v, want one row per migration", rows)
	}
	for i, r := range rows {
		if r.Version != migrations[i].version || r.AppliedAt.IsZero() {
			t.Fatalf("schema_migrations = %+v", rows)
		}
	}
	// Opening again changes nothing.
	s.Close()
	s2 := reopenTestDB(t, where)
	if again := versionRows(t, s2.db); fmt.Sprint(again) != fmt.Sprint(rows) {
		t.Fatalf("reopening changed schema_migrations: %+v, was %+v", again, rows)
	}
}

// TestOpenPreviousReleaseDatabase opens a database as the release before
// numbered migrations left it, with stories in it: it is stamped as
// version 1 without a change, migrated on from there to the very schema a
// new database gets, and everything is kept.
func TestOpenPreviousReleaseDatabase(t *testing.T) {
	ctx := context.Background()
	db, where := emptyTestDB(t)
	createV0(t, db)
	exec := func(q string, args ...any) {
		t.Helper()
		if err := db.Exec(q, args...).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("INSERT INTO sources (id, name, priority, site, etag, last_success) VALUES (?, ?, ?, ?, ?, ?)",
		"nation", "Nation", 1, "nationthailand.com", `"v7"`, t0)
	for i := 1; i <= 3; i++ {
		key := fmt.Sprintf("old%d", i)
		exec(`INSERT INTO stories (source_id, key, public_id, title, link, authors, categories, published, updated, first_seen,
			content_hash, canonical_url, feed_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			"nation", key, "tag:x,2026:nation/"+key, "Old story "+key, "https://nationthailand.com/"+key,
			`[{"name":"Somchai"}]`, `["Politics"]`, t0.Add(time.Duration(i)*time.Minute), t0.Add(time.Duration(i)*time.Minute), t0,
			"h-"+key, "https://nationthailand.com/"+key, "tag:x,2026:nation/"+key)
		exec("INSERT INTO story_sections (story_id, section_id, published) VALUES (?, ?, ?)", i, "politics", t0.Add(time.Duration(i)*time.Minute))
	}
	exec("INSERT INTO section_versions (section_id, version) VALUES (?, ?)", "politics", 3)
	exec("INSERT INTO tombstones (source_id, key, pruned_at) VALUES (?, ?, ?)", "nation", "gone", t0)
	fresh, _ := emptyTestDB(t)
	if err := migrate(fresh); err != nil {
		t.Fatal(err)
	}
	want := describeSchema(t, fresh)
	closeDB(db)

	s := reopenTestDB(t, where)
	if v, err := s.SchemaVersion(); err != nil || v != latestVersion() {
		t.Fatalf("schema version = %d, %v; want %d", v, err, latestVersion())
	}
	rows := versionRows(t, s.db)
	if len(rows) == 0 || rows[0].Version != 1 {
		t.Fatalf("schema_migrations = %+v, want version 1 stamped", rows)
	}
	if after := describeSchema(t, s.db); after != want {
		t.Fatalf("the adopted database's schema is not a new one's:\n--- adopted\n%s\n--- new\n%s", after, want)
	}

	got, err := s.SectionStories(ctx, "politics", 10)
	if err != nil || len(got) != 3 {
		t.Fatalf("politics = %+v, %v; want the 3 old stories", got, err)
	}
	if st := got[0]; st.Key != "old3" || st.Title != "Old story old3" || len(st.Authors) != 1 || st.Authors[0].Name != "Somchai" ||
		fmt.Sprint(st.Categories) != "[Politics]" || !st.Published.Equal(t0.Add(3*time.Minute)) {
		t.Fatalf("newest old story = %+v", st)
	}
	if src, err := s.Source(ctx, "nation"); err != nil || src.Priority != 1 || src.ETag != `"v7"` || src.LastSuccess == nil || !src.LastSuccess.Equal(t0) {
		t.Fatalf("source = %+v, %v", src, err)
	}
	if v, err := s.SectionVersions(ctx); err != nil || v["politics"] != 3 {
		t.Fatalf("section versions = %v, %v", v, err)
	}
	// The old data works with the new code: a tombstone still holds, an
	// old story is recognised, and new stories take the next ids.
	old := story("old1", 1, "politics")
	old.PublicID, old.ContentHash = "tag:x,2026:nation/old1", "h-old1"
	res := mustSave(t, s, "nation", []Story{story("gone", 5, "politics"), old, story("new", 9, "politics")}, t0.Add(time.Hour))
	if res.New != 1 || res.Unchanged != 2 {
		t.Fatalf("save into the old database = %+v, want 1 new, 2 unchanged", res)
	}
	if got := published(t, s, "politics"); len(got) != 4 || got[0].Key != "new" || got[0].ID != 4 {
		t.Fatalf("politics after the save = %+v", got)
	}
	if v, _ := s.SectionVersions(ctx); v["politics"] != 4 {
		t.Fatalf("politics version = %d, want 4", v["politics"])
	}

	// Opening again changes nothing.
	s.Close()
	s2 := reopenTestDB(t, where)
	if again := versionRows(t, s2.db); fmt.Sprint(again) != fmt.Sprint(rows) {
		t.Fatalf("reopening changed schema_migrations: %+v, was %+v", again, rows)
	}
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	s, where := openTestDB(t)
	newer := latestVersion() + 1
	if err := s.db.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", newer, t0).Error; err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := openAt(where)
	if err == nil {
		s2.Close()
		t.Fatal("opened a database migrated by a newer release")
	}
	if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), fmt.Sprint("version ", newer)) {
		t.Fatalf("error = %v; want ErrSchemaTooNew naming version %d", err, newer)
	}
}

// TestOpenRefusesAnIncompleteOldSchema: a database with wirefeed's tables
// but not all of the previous release's schema is refused, naming what is
// missing, and left as it was (the check runs in the migration's
// transaction).
func TestOpenRefusesAnIncompleteOldSchema(t *testing.T) {
	db, where := emptyTestDB(t)
	createV0(t, db)
	if err := db.Exec("DROP INDEX idx_stories_feed_id").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("DROP TABLE leases").Error; err != nil {
		t.Fatal(err)
	}
	s, err := openAt(where)
	if err == nil {
		s.Close()
		t.Fatal("opened a database missing part of the schema")
	}
	if !strings.Contains(err.Error(), "index idx_stories_feed_id") || !strings.Contains(err.Error(), "table leases") {
		t.Fatalf("error = %v; want it to name what is missing", err)
	}
	if ok, err := hasTable(db, db.Dialector.Name(), "schema_migrations"); err != nil || ok {
		t.Fatalf("schema_migrations left behind (%v, %v): the refusal was not rolled back", ok, err)
	}
}

// TestConcurrentOpensMigrateOnce opens one empty database from several
// goroutines at once, as daemons starting together would.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	db, where := emptyTestDB(t)
	if !isPostgres(db) {
		// Create the file (and its WAL mode) first: SQLite's connection
		// set-up itself is not what is under test.
		if err := db.Exec("SELECT 1").Error; err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := openAt(where)
			if err == nil {
				s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if rows := versionRows(t, db); len(rows) != len(migrations) {
		t.Fatalf("schema_migrations = %+v, want one row per migration", rows)
	}
}

// TestMigrationTwoPrunesOrphans opens a previous-release database holding
// an alternate whose published copy that release's Prune had removed: it
// is pruned (and tombstoned), the other stories kept.
func TestMigrationTwoPrunesOrphans(t *testing.T) {
	ctx := context.Background()
	db, where := emptyTestDB(t)
	createV0(t, db)
	add := func(id int64, source, key string, duplicateOf int64) {
		t.Helper()
		err := db.Exec(`INSERT INTO stories (id, source_id, key, public_id, published, updated, first_seen, content_hash, feed_id, duplicate_of)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, source, key, "tag:x,2026:"+source+"/"+key, t0, t0, t0, "h", "feed-"+key, duplicateOf).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	add(1, "nation", "kept", 0)
	add(2, "jiji", "kept-alt", 1)
	add(3, "jiji", "orphan", 99) // story 99 was pruned
	if err := db.Exec("INSERT INTO story_sections (story_id, section_id, published) VALUES (1, 'politics', ?)", t0).Error; err != nil {
		t.Fatal(err)
	}
	closeDB(db)

	s := reopenTestDB(t, where)
	if ids := orphans(t, s); len(ids) != 0 {
		t.Fatalf("orphans %v left after migrating", ids)
	}
	if n, _ := s.CountStories(ctx); n != 2 {
		t.Fatalf("%d stories after migrating, want 2", n)
	}
	if copies, err := s.StoryCopies(ctx, "feed-kept"); err != nil || len(copies) != 1 {
		t.Fatalf("copies = %+v, %v", copies, err)
	}
	if got := published(t, s, "politics"); len(got) != 1 || got[0].ID != 1 {
		t.Fatalf("politics = %+v", got)
	}
	// The pruned orphan does not come back.
	orphan := story("orphan", 0)
	if r := mustSave(t, s, "jiji", []Story{orphan}, t0.Add(time.Hour)); r.New != 0 || r.Unchanged != 1 {
		t.Fatalf("orphan re-sent = %+v", r)
	}
}
