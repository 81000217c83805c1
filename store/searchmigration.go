package store

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// addSearch is migration 10: search_text on every story, filled for the
// stories already stored, the index of a partner's stories, and the
// full-text index (SQLite FTS5 with triggers; PostgreSQL pg_trgm when it
// can be had). See search.go.
func addSearch(tx *gorm.DB, dialect string) error {
	add := "ALTER TABLE `stories` ADD COLUMN `search_text` text NOT NULL DEFAULT ''"
	source := "CREATE INDEX `idx_stories_source_published` ON `stories`(`source_id`,`published`)"
	if dialect == "postgres" {
		add = `ALTER TABLE "stories" ADD COLUMN "search_text" text NOT NULL DEFAULT ''`
		source = `CREATE INDEX "idx_stories_source_published" ON "stories" ("source_id","published")`
	}
	for _, q := range []string{add, source} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	if err := fillSearchText(tx); err != nil {
		return err
	}
	if dialect == "postgres" {
		return createTrigramIndex(tx)
	}
	for _, q := range sqliteSearchSQL {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

// sqliteSearchSQL is migration 10's full-text index: the stories' search
// text in an FTS5 table with the trigram tokenizer, kept in step by
// triggers. Migration 15 replaces it (see lighterSearch); it stays as it was
// so that migrating an older database replays the same history.
var sqliteSearchSQL = []string{
	"CREATE VIRTUAL TABLE `story_search` USING fts5(`search_text`, content='stories', content_rowid='id', tokenize='trigram')",
	"INSERT INTO `story_search`(`story_search`) VALUES ('rebuild')",
	"CREATE TRIGGER `stories_search_insert` AFTER INSERT ON `stories` BEGIN " +
		"INSERT INTO `story_search`(rowid, `search_text`) VALUES (new.id, new.search_text); END",
	"CREATE TRIGGER `stories_search_delete` AFTER DELETE ON `stories` BEGIN " +
		"INSERT INTO `story_search`(`story_search`, rowid, `search_text`) VALUES ('delete', old.id, old.search_text); END",
	"CREATE TRIGGER `stories_search_update` AFTER UPDATE OF `search_text` ON `stories` BEGIN " +
		"INSERT INTO `story_search`(`story_search`, rowid, `search_text`) VALUES ('delete', old.id, old.search_text); " +
		"INSERT INTO `story_search`(rowid, `search_text`) VALUES (new.id, new.search_text); END",
}

// lighterSearch is migration 15. Migration 10's index cost more than all
// the rest of storing a story (about 380 µs a story against 75 µs for
// this one, measured on 20,000 stories of wire text): an external-content
// table keeps every trigram's positions and re-reads the stories to delete.
// story_search now keeps no copy of the text and no positions
// (no content table, detail=none): it answers which stories hold every trigram
// of a search, and the search's own LIKE on stories.search_text keeps those
// that hold the text itself (see FilterStories). contentless_delete lets the
// triggers take a story out by its id alone. On SQLite only: PostgreSQL's
// pg_trgm index is unchanged.
func lighterSearch(tx *gorm.DB, dialect string) error {
	if dialect == "postgres" {
		return nil
	}
	for _, q := range lighterSearchSQL {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

var lighterSearchSQL = []string{
	"DROP TRIGGER IF EXISTS `stories_search_insert`",
	"DROP TRIGGER IF EXISTS `stories_search_delete`",
	"DROP TRIGGER IF EXISTS `stories_search_update`",
	"DROP TABLE IF EXISTS `story_search`",
	"CREATE VIRTUAL TABLE `story_search` USING fts5(`search_text`, content='', contentless_delete=1, detail=none, tokenize='trigram')",
	// Merging segments 16 at a time rather than 4 rewrites the index less
	// often as it grows.
	"INSERT INTO `story_search`(`story_search`, rank) VALUES ('automerge', 16)",
	"INSERT INTO `story_search`(rowid, `search_text`) SELECT id, search_text FROM stories",
	"CREATE TRIGGER `stories_search_insert` AFTER INSERT ON `stories` BEGIN " +
		"INSERT INTO `story_search`(rowid, `search_text`) VALUES (new.id, new.search_text); END",
	"CREATE TRIGGER `stories_search_delete` AFTER DELETE ON `stories` BEGIN " +
		"DELETE FROM `story_search` WHERE rowid = old.id; END",
	"CREATE TRIGGER `stories_search_update` AFTER UPDATE OF `search_text` ON `stories` BEGIN " +
		"DELETE FROM `story_search` WHERE rowid = old.id; " +
		"INSERT INTO `story_search`(rowid, `search_text`) VALUES (new.id, new.search_text); END",
}

// fillSearchText computes search_text for the stories already stored, a
// batch at a time.
func fillSearchText(tx *gorm.DB) error {
	const batch = 500
	var after int64
	for {
		var rows []struct {
			ID             int64
			Title, Summary string
		}
		err := tx.Table("stories").Select("id", "title", "summary").Where("id > ?", after).
			Order("id").Limit(batch).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("read stories: %w", err)
		}
		for _, r := range rows {
			err := tx.Exec("UPDATE stories SET search_text = ? WHERE id = ?", searchText(r.Title, r.Summary), r.ID).Error
			if err != nil {
				return fmt.Errorf("story %d: %w", r.ID, err)
			}
			after = r.ID
		}
		if len(rows) < batch {
			return nil
		}
	}
}

// createTrigramIndex indexes search_text with pg_trgm when the extension is
// installed in the database, or can be (it is a trusted extension: a
// database owner may create it). It is created in the public schema, shared
// by every schema of the database. Where it cannot be had the migration
// goes on without the index: searches are then a scan of the stories.
func createTrigramIndex(tx *gorm.DB) error {
	return createTrigramIndexOn(tx, "idx_stories_search", "stories")
}

// createTrigramIndexOn is createTrigramIndex for the search_text column of
// table, under the index name given.
func createTrigramIndexOn(tx *gorm.DB, index, table string) error {
	var schema string
	err := tx.Raw("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").
		Scan(&schema).Error
	if err != nil {
		return err
	}
	if schema == "" {
		tx.SavePoint("pg_trgm")
		if err := tx.Exec("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").Error; err != nil {
			return tx.RollbackTo("pg_trgm").Error
		}
		schema = "public"
	}
	return tx.Exec(`CREATE INDEX ` + quoteIdent(index) + ` ON ` + quoteIdent(table) + ` USING gin ("search_text" ` + quoteIdent(schema) + `.gin_trgm_ops)`).Error
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// separateTexts is migration 17: the stories' search texts move to
// story_texts, a table of their own, and story_search follows them. A
// search reads the text of many stories it does not answer with; in the
// stories' rows the text came after the content, so matching a story with
// a long content read its overflow pages too. Dropping the column rewrites
// the stories table once (SQLite).
func separateTexts(tx *gorm.DB, dialect string) error {
	if dialect == "postgres" {
		for _, q := range []string{
			`CREATE TABLE "story_texts" ("story_id" bigint PRIMARY KEY, "search_text" text NOT NULL DEFAULT '')`,
			`INSERT INTO "story_texts" ("story_id", "search_text") SELECT "id", "search_text" FROM "stories"`,
			`ALTER TABLE "stories" DROP COLUMN "search_text"`, // and its trigram index
		} {
			if err := tx.Exec(q).Error; err != nil {
				return err
			}
		}
		return createTrigramIndexOn(tx, "idx_story_texts_search", "story_texts")
	}
	for _, q := range separateTextsSQL {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

var separateTextsSQL = []string{
	"CREATE TABLE `story_texts` (`story_id` integer PRIMARY KEY, `search_text` text NOT NULL DEFAULT '')",
	"DROP TRIGGER IF EXISTS `stories_search_insert`",
	"DROP TRIGGER IF EXISTS `stories_search_delete`",
	"DROP TRIGGER IF EXISTS `stories_search_update`",
	// story_search keeps its rows: they are the same stories' same texts.
	"INSERT INTO `story_texts` (`story_id`, `search_text`) SELECT `id`, `search_text` FROM `stories`",
	"ALTER TABLE `stories` DROP COLUMN `search_text`",
	"CREATE TRIGGER `story_texts_search_insert` AFTER INSERT ON `story_texts` BEGIN " +
		"INSERT INTO `story_search`(rowid, `search_text`) VALUES (new.story_id, new.search_text); END",
	"CREATE TRIGGER `story_texts_search_delete` AFTER DELETE ON `story_texts` BEGIN " +
		"DELETE FROM `story_search` WHERE rowid = old.story_id; END",
	"CREATE TRIGGER `story_texts_search_update` AFTER UPDATE OF `search_text` ON `story_texts` BEGIN " +
		"DELETE FROM `story_search` WHERE rowid = old.story_id; " +
		"INSERT INTO `story_search`(rowid, `search_text`) VALUES (new.story_id, new.search_text); END",
}

// batchedSearchSQL is migration 18 (SQLite; PostgreSQL's GIN index gathers
// its own pending entries). A story's search text is no longer indexed in
// story_search by the transaction that stores it but listed in
// search_pending, and indexSearch indexes the stories listed there
// together once there are searchBatch of them. The full-text index writes
// a new segment of itself, and merges, at each transaction's end: written
// 50 stories at a time (a fetch) it cost about twice what it costs written
// 500 at a time (the 50,000 texts of a feedfloor -store run indexed in
// batches of 50 and of 500: 3.7 and 1.9 CPU-s). Searches read the listed
// stories with the index's candidates (see offered); an edit of
// a listed story's text changes nothing in story_search, which it is not
// in yet.
var batchedSearchSQL = []string{
	"CREATE TABLE `search_pending` (`story_id` integer PRIMARY KEY)",
	"DROP TRIGGER `story_texts_search_insert`",
	"DROP TRIGGER `story_texts_search_delete`",
	"DROP TRIGGER `story_texts_search_update`",
	"CREATE TRIGGER `story_texts_search_insert` AFTER INSERT ON `story_texts` BEGIN " +
		"INSERT INTO `search_pending`(`story_id`) VALUES (new.story_id); END",
	"CREATE TRIGGER `story_texts_search_delete` AFTER DELETE ON `story_texts` BEGIN " +
		"DELETE FROM `story_search` WHERE rowid = old.story_id AND " +
		"NOT EXISTS (SELECT 1 FROM `search_pending` WHERE `story_id` = old.story_id); " +
		"DELETE FROM `search_pending` WHERE `story_id` = old.story_id; END",
	"CREATE TRIGGER `story_texts_search_update` AFTER UPDATE OF `search_text` ON `story_texts` " +
		"WHEN NOT EXISTS (SELECT 1 FROM `search_pending` WHERE `story_id` = old.story_id) BEGIN " +
		"DELETE FROM `story_search` WHERE rowid = old.story_id; " +
		"INSERT INTO `story_search`(rowid, `search_text`) VALUES (new.story_id, new.search_text); END",
}
