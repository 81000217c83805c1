package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The schema is versioned by numbered migrations. The table
// schema_migrations holds one row (version, applied_at) per migration
// applied; the database's version is the largest. Opening a store applies,
// in order and in one transaction, every migration newer than that (on
// PostgreSQL under migrateLock, so daemons starting together migrate one
// after the other; SQLite's immediate transaction takes its one write lock
// and gives the same). A database whose version is newer than this
// release knows is refused (ErrSchemaTooNew) rather than used.
//
// Migrations are written as explicit SQL per dialect, not as GORM
// AutoMigrate or Migrator calls: the DDL GORM renders from a struct
// depends on GORM's version and its dialect drivers, so a "frozen" row type
// could still yield another schema after a dependency upgrade. SQL text is
// frozen for real. Migration 1 is, byte for byte, the schema the releases
// before numbered migrations created with AutoMigrate (testdata/schema-v0*.sql
// are what that code created, and the tests compare).
//
// A database made by such a release has the tables but no
// schema_migrations. It is recognised by its stories table, checked to hold
// every table, column and index of migration 1, and stamped as version 1
// without any change; one that lacks some (made by a still older release)
// is refused with what is missing, rather than guessed at.
//
// To change the schema, append a migration with the next version. Never
// edit or renumber one that has shipped: databases out there have run it.
var migrations = []migration{
	{version: 1, name: "the schema of the releases before numbered migrations", up: execSQL(v1SQLite, v1Postgres)},
	{version: 2, name: "prune the alternates earlier releases' Prune left behind", up: pruneOrphans},
	{version: 3, name: "leases carry a fencing epoch", up: execSQL(
		[]string{"ALTER TABLE `leases` ADD COLUMN `epoch` integer NOT NULL DEFAULT 0"},
		[]string{`ALTER TABLE "leases" ADD COLUMN "epoch" bigint NOT NULL DEFAULT 0`})},
	{version: 4, name: "pull claims remember the scheduled time they are for", up: execSQL(
		[]string{"ALTER TABLE `leases` ADD COLUMN `due` datetime"},
		[]string{`ALTER TABLE "leases" ADD COLUMN "due" timestamptz`})},
	{version: 5, name: "the site's config, versioned, for daemons sharing a database", up: execSQL(
		[]string{"CREATE TABLE `site_configs` (`version` integer PRIMARY KEY, `document` text NOT NULL, `author` text NOT NULL DEFAULT '', `saved_at` datetime NOT NULL)"},
		[]string{`CREATE TABLE "site_configs" ("version" bigint PRIMARY KEY, "document" text NOT NULL, "author" text NOT NULL DEFAULT '', "saved_at" timestamptz NOT NULL)`})},
	{version: 6, name: "stories keep their photos' captions and alt text", up: execSQL(
		[]string{"ALTER TABLE `stories` ADD COLUMN `photos` text"},
		[]string{`ALTER TABLE "stories" ADD COLUMN "photos" text`})},
	{version: 7, name: "stories say when the partner gave no readable date", up: execSQL(
		[]string{"ALTER TABLE `stories` ADD COLUMN `undated` numeric NOT NULL DEFAULT false",
			// Few stories are undated: counting them per source reads only these.
			"CREATE INDEX `idx_stories_undated` ON `stories`(`source_id`) WHERE `undated`"},
		[]string{`ALTER TABLE "stories" ADD COLUMN "undated" boolean NOT NULL DEFAULT false`,
			`CREATE INDEX "idx_stories_undated" ON "stories"("source_id") WHERE "undated"`})},
	{version: 8, name: "sources keep their next scheduled run and the site their feed names", up: execSQL(
		[]string{"ALTER TABLE `sources` ADD COLUMN `next_run` datetime",
			"ALTER TABLE `sources` ADD COLUMN `feed_site` text NOT NULL DEFAULT \"\""},
		[]string{`ALTER TABLE "sources" ADD COLUMN "next_run" timestamptz`,
			`ALTER TABLE "sources" ADD COLUMN "feed_site" text NOT NULL DEFAULT ''`})},
	{version: 9, name: "sections remember when their published content last changed", up: execSQL(
		[]string{"ALTER TABLE `section_versions` ADD COLUMN `changed_at` datetime"},
		[]string{`ALTER TABLE "section_versions" ADD COLUMN "changed_at" timestamptz`})},
	{version: 10, name: "search text, its full-text index and the index of a partner's stories", up: addSearch},
	{version: 11, name: "re-posts and merged feeds are index walks, not scans of the stories", up: execSQL(
		[]string{
			// A partner's re-posted link is one probe, not a read of every
			// story the partner ever sent.
			"CREATE INDEX `idx_stories_source_canonical` ON `stories`(`source_id`,`canonical_url`)",
			// The headlines and all-stories feeds (duplicate_of = 0, newest
			// first) walk this index and stop at their limit.
			"CREATE INDEX `idx_stories_primary_published` ON `stories`(`duplicate_of`,`published` DESC,`id` DESC)",
			// A process's near-duplicate index starts at the window's first
			// story, found here, instead of reading every story's time.
			"CREATE INDEX `idx_stories_first_seen` ON `stories`(`first_seen`)"},
		[]string{
			`CREATE INDEX "idx_stories_source_canonical" ON "stories"("source_id","canonical_url")`,
			`CREATE INDEX "idx_stories_primary_published" ON "stories"("duplicate_of","published" DESC,"id" DESC)`,
			`CREATE INDEX "idx_stories_first_seen" ON "stories"("first_seen")`})},
	{version: 12, name: "the editors' console: its audit log and editor accounts", up: execSQL(
		[]string{"CREATE TABLE `audit_log` (`id` integer PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `actor` text NOT NULL, `action` text NOT NULL, `target` text NOT NULL DEFAULT '', `before` text NOT NULL DEFAULT '', `after` text NOT NULL DEFAULT '')",
			"CREATE INDEX `idx_audit_log_at` ON `audit_log`(`at`)",
			"CREATE TABLE `editors` (`name` text PRIMARY KEY, `password_hash` text NOT NULL, `created_at` datetime NOT NULL)"},
		[]string{`CREATE TABLE "audit_log" ("id" bigserial PRIMARY KEY, "at" timestamptz NOT NULL, "actor" text NOT NULL, "action" text NOT NULL, "target" text NOT NULL DEFAULT '', "before" text NOT NULL DEFAULT '', "after" text NOT NULL DEFAULT '')`,
			`CREATE INDEX "idx_audit_log_at" ON "audit_log"("at")`,
			`CREATE TABLE "editors" ("name" text PRIMARY KEY, "password_hash" text NOT NULL, "created_at" timestamptz NOT NULL)`})},
	{version: 13, name: "stories editors hid from the site and every feed", up: execSQL(
		[]string{"CREATE TABLE `story_hides` (`story_id` integer PRIMARY KEY, `hidden_at` datetime NOT NULL, `editor` text NOT NULL DEFAULT '', `note` text NOT NULL DEFAULT '')"},
		[]string{`CREATE TABLE "story_hides" ("story_id" bigint PRIMARY KEY, "hidden_at" timestamptz NOT NULL, "editor" text NOT NULL DEFAULT '', "note" text NOT NULL DEFAULT '')`})},
	{version: 14, name: "stories editors pinned to the top of a section until a time", up: execSQL(
		[]string{"CREATE TABLE `story_pins` (`story_id` integer NOT NULL, `section_id` text NOT NULL, `pinned_at` datetime NOT NULL, `until` datetime NOT NULL, `editor` text NOT NULL DEFAULT '', PRIMARY KEY (`story_id`, `section_id`))",
			// A section's pins, newest first, straight off an index.
			"CREATE INDEX `idx_story_pins_section` ON `story_pins`(`section_id`, `pinned_at` DESC, `story_id` DESC)"},
		[]string{`CREATE TABLE "story_pins" ("story_id" bigint NOT NULL, "section_id" text NOT NULL, "pinned_at" timestamptz NOT NULL, "until" timestamptz NOT NULL, "editor" text NOT NULL DEFAULT '', PRIMARY KEY ("story_id", "section_id"))`,
			`CREATE INDEX "idx_story_pins_section" ON "story_pins"("section_id", "pinned_at" DESC, "story_id" DESC)`})},
	{version: 15, name: "a lighter full-text index: contentless, rows only, about a fifth of the cost a story", up: lighterSearch},
	{version: 16, name: "drop the stories' indexes that longer ones already cover", up: execSQL(
		[]string{"DROP INDEX IF EXISTS `idx_stories_duplicate_of`", "DROP INDEX IF EXISTS `idx_stories_undated`"},
		[]string{`DROP INDEX IF EXISTS "idx_stories_duplicate_of"`, `DROP INDEX IF EXISTS "idx_stories_undated"`})},
	{version: 17, name: "search texts in a table of their own", up: separateTexts},
	{version: 18, name: "stories' texts indexed for search a few hundred at a time, not each in its own fetch", up: execSQL(batchedSearchSQL, nil)},
}

// migration is one numbered change of the schema (or of the data it
// holds), applied inside the migrating transaction.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB, dialect string) error
}

// ErrSchemaTooNew is returned when the database was migrated by a newer
// release than this one: its schema may not be what this code expects.
var ErrSchemaTooNew = errors.New("database schema is newer than this release of wirefeed")

// pruneOrphans finishes what Prune did before it took alternates with
// their published copy: an alternate whose published copy was pruned is
// shown nowhere, and a partner's new copy of its story failed to save
// while it was inside the duplicate window. It is pruned as Prune now
// would have, leaving a tombstone.
func pruneOrphans(tx *gorm.DB, dialect string) error {
	const orphans = "SELECT id FROM stories WHERE duplicate_of <> 0 AND duplicate_of NOT IN (SELECT id FROM stories)"
	verb, tail := (&statementSQL{dialect: dialect}).insertIgnoring()
	err := tx.Exec(verb+"tombstones (source_id, key, pruned_at) SELECT source_id, key, ? FROM stories WHERE id IN ("+orphans+")"+tail,
		time.Now().UTC().Truncate(time.Second)).Error
	if err != nil {
		return err
	}
	if err := tx.Exec("DELETE FROM story_sections WHERE story_id IN (" + orphans + ")").Error; err != nil {
		return err
	}
	return tx.Exec("DELETE FROM stories WHERE id IN (" + orphans + ")").Error
}

// latestVersion is the version a database has once migrated.
func latestVersion() int { return migrations[len(migrations)-1].version }

// execSQL is a migration that runs statements, one list per dialect.
func execSQL(sqlite, postgres []string) func(tx *gorm.DB, dialect string) error {
	return func(tx *gorm.DB, dialect string) error {
		stmts := sqlite
		if dialect == "postgres" {
			stmts = postgres
		}
		for _, q := range stmts {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		return nil
	}
}

// migrate brings db's schema up to latestVersion, in one transaction.
func migrate(db *gorm.DB) error {
	return migrateTo(db, latestVersion())
}

// migrateTo applies the migrations up to version target (tests stop early
// to look at an older schema).
func migrateTo(db *gorm.DB, target int) error {
	return db.Transaction(func(tx *gorm.DB) error {
		dialect := tx.Dialector.Name()
		if dialect == "postgres" {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", int64(migrateLock)).Error; err != nil {
				return fmt.Errorf("take the migration lock: %w", err)
			}
		}
		current, err := schemaVersion(tx, dialect)
		if err != nil {
			return err
		}
		if current > latestVersion() {
			return fmt.Errorf("%w: the database is at version %d, this release knows versions up to %d; run a newer wirefeed",
				ErrSchemaTooNew, current, latestVersion())
		}
		for _, m := range migrations {
			if m.version <= current || m.version > target {
				continue
			}
			if err := m.up(tx, dialect); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
			if err := stampVersion(tx, m.version); err != nil {
				return err
			}
		}
		return nil
	})
}

// schemaVersion returns the database's version, creating schema_migrations
// when it is missing: 0 for an empty database, 1 for one made before
// numbered migrations (stamped as such once its schema is checked).
func schemaVersion(tx *gorm.DB, dialect string) (int, error) {
	exists, err := hasTable(tx, dialect, "schema_migrations")
	if err != nil {
		return 0, err
	}
	if exists {
		var v int
		if err := tx.Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v).Error; err != nil {
			return 0, fmt.Errorf("read the schema version: %w", err)
		}
		return v, nil
	}
	legacy, err := hasTable(tx, dialect, "stories")
	if err != nil {
		return 0, err
	}
	appliedAt := "datetime"
	if dialect == "postgres" {
		appliedAt = "timestamptz"
	}
	err = tx.Exec("CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at " + appliedAt + " NOT NULL)").Error
	if err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	if !legacy {
		return 0, nil
	}
	if missing, err := missingFromV1(tx, dialect); err != nil {
		return 0, err
	} else if len(missing) > 0 {
		return 0, fmt.Errorf("the database has wirefeed's tables but not the whole schema of the last release before numbered migrations (missing %s): open it once with that release, which brings it up to date, then with this one",
			strings.Join(missing, ", "))
	}
	if err := stampVersion(tx, 1); err != nil {
		return 0, err
	}
	return 1, nil
}

func stampVersion(tx *gorm.DB, version int) error {
	err := tx.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
		version, time.Now().UTC().Truncate(time.Second)).Error
	if err != nil {
		return fmt.Errorf("record schema version %d: %w", version, err)
	}
	return nil
}

// SchemaVersion returns the version of the database's schema (see
// migrations.go); an open store's is always the latest this release knows.
func (s *Store) SchemaVersion() (int, error) {
	var v int
	if err := s.db.Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

func hasTable(tx *gorm.DB, dialect, table string) (bool, error) {
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if dialect == "postgres" {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
	}
	var n int
	if err := tx.Raw(q, table).Scan(&n).Error; err != nil {
		return false, fmt.Errorf("look for table %s: %w", table, err)
	}
	return n > 0, nil
}

// v1Columns and v1Indexes are what migration 1 creates (besides primary
// keys), by table: what a database made before numbered migrations must
// hold to be stamped as version 1.
var (
	v1Columns = map[string][]string{
		"sources": {"id", "name", "url", "attribution", "priority", "site", "etag", "last_modified", "body_hash",
			"last_attempt", "last_success", "last_status", "last_error", "failures", "items_seen", "not_before",
			"disabled", "identity", "fetched_url", "final_url", "discovered_url", "discovered_from"},
		"stories": {"id", "source_id", "key", "public_id", "guid", "link", "title", "summary", "content",
			"authors", "categories", "enclosures", "image", "language", "published", "updated", "first_seen",
			"content_hash", "canonical_url", "signature", "feed_id", "duplicate_of"},
		"story_sections":   {"story_id", "section_id", "published"},
		"tombstones":       {"source_id", "key", "pruned_at"},
		"section_versions": {"section_id", "version"},
		"leases":           {"name", "holder", "until"},
	}
	v1Indexes = map[string][]string{
		"stories": {"idx_stories_duplicate_of", "idx_stories_feed_id", "idx_stories_canonical_url",
			"idx_stories_published", "idx_story_identity"},
		"story_sections": {"idx_section_published"},
		"tombstones":     {"idx_tombstones_pruned_at"},
	}
)

// missingFromV1 lists the tables, columns and indexes of migration 1 that
// the database lacks, sorted.
func missingFromV1(tx *gorm.DB, dialect string) ([]string, error) {
	columnsQ := "SELECT name FROM pragma_table_info(?)"
	indexesQ := "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
	if dialect == "postgres" {
		columnsQ = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
		indexesQ = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?"
	}
	var missing []string
	for table, want := range v1Columns {
		var have []string
		if err := tx.Raw(columnsQ, table).Scan(&have).Error; err != nil {
			return nil, fmt.Errorf("read the columns of %s: %w", table, err)
		}
		if len(have) == 0 {
			missing = append(missing, "table "+table)
			continue
		}
		for _, col := range want {
			if !slices.Contains(have, col) {
				missing = append(missing, table+"."+col)
			}
		}
		var indexes []string
		if err := tx.Raw(indexesQ, table).Scan(&indexes).Error; err != nil {
			return nil, fmt.Errorf("read the indexes of %s: %w", table, err)
		}
		for _, idx := range v1Indexes[table] {
			if !slices.Contains(indexes, idx) {
				missing = append(missing, "index "+idx)
			}
		}
	}
	slices.Sort(missing)
	return missing, nil
}

// Migration 1, per dialect: the statements GORM's AutoMigrate ran on an
// empty database in the releases before numbered migrations, verbatim (see
// testdata/schema-v0.sql and schema-v0-postgres.sql).
var (
	v1SQLite = []string{
		"CREATE TABLE `sources` (`id` text,`name` text NOT NULL DEFAULT \"\",`url` text NOT NULL DEFAULT \"\",`attribution` text NOT NULL DEFAULT \"\",`priority` integer NOT NULL DEFAULT 100,`site` text NOT NULL DEFAULT \"\",`etag` text NOT NULL DEFAULT \"\",`last_modified` text NOT NULL DEFAULT \"\",`body_hash` text NOT NULL DEFAULT \"\",`last_attempt` datetime,`last_success` datetime,`last_status` integer NOT NULL DEFAULT 0,`last_error` text NOT NULL DEFAULT \"\",`failures` integer NOT NULL DEFAULT 0,`items_seen` integer NOT NULL DEFAULT 0,`not_before` datetime,`disabled` numeric NOT NULL DEFAULT false,`identity` text NOT NULL DEFAULT \"\",`fetched_url` text NOT NULL DEFAULT \"\",`final_url` text NOT NULL DEFAULT \"\",`discovered_url` text NOT NULL DEFAULT \"\",`discovered_from` text NOT NULL DEFAULT \"\",PRIMARY KEY (`id`))",
		"CREATE TABLE `stories` (`id` integer PRIMARY KEY AUTOINCREMENT,`source_id` text NOT NULL,`key` text NOT NULL,`public_id` text NOT NULL,`guid` text NOT NULL DEFAULT \"\",`link` text NOT NULL DEFAULT \"\",`title` text NOT NULL DEFAULT \"\",`summary` text NOT NULL DEFAULT \"\",`content` text NOT NULL DEFAULT \"\",`authors` text,`categories` text,`enclosures` text,`image` text NOT NULL DEFAULT \"\",`language` text NOT NULL DEFAULT \"\",`published` datetime NOT NULL,`updated` datetime NOT NULL,`first_seen` datetime NOT NULL,`content_hash` text NOT NULL,`canonical_url` text NOT NULL DEFAULT \"\",`signature` blob,`feed_id` text NOT NULL DEFAULT \"\",`duplicate_of` integer NOT NULL DEFAULT 0)",
		"CREATE INDEX `idx_stories_duplicate_of` ON `stories`(`duplicate_of`)",
		"CREATE INDEX `idx_stories_feed_id` ON `stories`(`feed_id`)",
		"CREATE INDEX `idx_stories_canonical_url` ON `stories`(`canonical_url`)",
		"CREATE INDEX `idx_stories_published` ON `stories`(`published`)",
		"CREATE UNIQUE INDEX `idx_story_identity` ON `stories`(`source_id`,`key`)",
		"CREATE TABLE `story_sections` (`story_id` integer,`section_id` text,`published` datetime NOT NULL,PRIMARY KEY (`story_id`,`section_id`))",
		"CREATE INDEX `idx_section_published` ON `story_sections`(`section_id`,`published` desc)",
		"CREATE TABLE `tombstones` (`source_id` text,`key` text,`pruned_at` datetime NOT NULL,PRIMARY KEY (`source_id`,`key`))",
		"CREATE INDEX `idx_tombstones_pruned_at` ON `tombstones`(`pruned_at`)",
		"CREATE TABLE `section_versions` (`section_id` text,`version` integer NOT NULL DEFAULT 0,PRIMARY KEY (`section_id`))",
		"CREATE TABLE `leases` (`name` text,`holder` text NOT NULL DEFAULT \"\",`until` datetime NOT NULL,PRIMARY KEY (`name`))",
	}
	v1Postgres = []string{
		`CREATE TABLE "sources" ("id" varchar(64),"name" text NOT NULL DEFAULT '',"url" text NOT NULL DEFAULT '',"attribution" text NOT NULL DEFAULT '',"priority" bigint NOT NULL DEFAULT 100,"site" text NOT NULL DEFAULT '',"etag" text NOT NULL DEFAULT '',"last_modified" text NOT NULL DEFAULT '',"body_hash" varchar(64) NOT NULL DEFAULT '',"last_attempt" timestamptz,"last_success" timestamptz,"last_status" bigint NOT NULL DEFAULT 0,"last_error" text NOT NULL DEFAULT '',"failures" bigint NOT NULL DEFAULT 0,"items_seen" bigint NOT NULL DEFAULT 0,"not_before" timestamptz,"disabled" boolean NOT NULL DEFAULT false,"identity" varchar(16) NOT NULL DEFAULT '',"fetched_url" text NOT NULL DEFAULT '',"final_url" text NOT NULL DEFAULT '',"discovered_url" text NOT NULL DEFAULT '',"discovered_from" text NOT NULL DEFAULT '',PRIMARY KEY ("id"))`,
		`CREATE TABLE "stories" ("id" bigserial,"source_id" varchar(64) NOT NULL,"key" varchar(1024) NOT NULL,"public_id" varchar(1024) NOT NULL,"guid" text NOT NULL DEFAULT '',"link" text NOT NULL DEFAULT '',"title" text NOT NULL DEFAULT '',"summary" text NOT NULL DEFAULT '',"content" text NOT NULL DEFAULT '',"authors" text,"categories" text,"enclosures" text,"image" text NOT NULL DEFAULT '',"language" text NOT NULL DEFAULT '',"published" timestamptz NOT NULL,"updated" timestamptz NOT NULL,"first_seen" timestamptz NOT NULL,"content_hash" varchar(64) NOT NULL,"canonical_url" varchar(2048) NOT NULL DEFAULT '',"signature" bytea,"feed_id" varchar(1024) NOT NULL DEFAULT '',"duplicate_of" bigint NOT NULL DEFAULT 0,PRIMARY KEY ("id"))`,
		`CREATE INDEX IF NOT EXISTS "idx_stories_duplicate_of" ON "stories" ("duplicate_of")`,
		`CREATE INDEX IF NOT EXISTS "idx_stories_feed_id" ON "stories" ("feed_id")`,
		`CREATE INDEX IF NOT EXISTS "idx_stories_canonical_url" ON "stories" ("canonical_url")`,
		`CREATE INDEX IF NOT EXISTS "idx_stories_published" ON "stories" ("published")`,
		`CREATE UNIQUE INDEX IF NOT EXISTS "idx_story_identity" ON "stories" ("source_id","key")`,
		`CREATE TABLE "story_sections" ("story_id" bigint,"section_id" varchar(64),"published" timestamptz NOT NULL,PRIMARY KEY ("story_id","section_id"))`,
		`CREATE INDEX IF NOT EXISTS "idx_section_published" ON "story_sections" ("section_id","published" desc)`,
		`CREATE TABLE "tombstones" ("source_id" varchar(64),"key" varchar(1024),"pruned_at" timestamptz NOT NULL,PRIMARY KEY ("source_id","key"))`,
		`CREATE INDEX IF NOT EXISTS "idx_tombstones_pruned_at" ON "tombstones" ("pruned_at")`,
		`CREATE TABLE "section_versions" ("section_id" varchar(64),"version" bigint NOT NULL DEFAULT 0,PRIMARY KEY ("section_id"))`,
		`CREATE TABLE "leases" ("name" varchar(64),"holder" text NOT NULL DEFAULT '',"until" timestamptz NOT NULL,PRIMARY KEY ("name"))`,
	}
)
