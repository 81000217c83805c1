// Package store keeps wirefeed's sources and stories in a SQL database through
// GORM: SQLite (OpenSQLite) or PostgreSQL (OpenPostgres). It is the only
// package that talks to the database (and the only one that imports GORM):
// callers see plain values (Story, Source), never GORM rows. Its queries are
// dialect-neutral so the same code serves both, but for the schema, which
// numbered migrations create per dialect (migrations.go), and the verb that
// skips rows already stored (statements.go).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"wirefeed/dedupe"
)

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	db *gorm.DB
	// writer is the connection a fetch's reads and writes of the store go
	// through (Source, SaveStories, RecordFetch, SetFeedSite): on SQLite a
	// pool of its own, of one connection, whose page cache then stays
	// valid from one fetch to the next. A connection drops its cache when
	// another one has written, and the pure-Go SQLite maps and unmaps every
	// page it caches: with a fetch's writes spread over two connections, a
	// cold fetch of 50,000 stories spent about a fifth more CPU (round by
	// round, 0.81x with it). It shares db's configuration and callbacks.
	// On PostgreSQL, db.
	writer *gorm.DB
	// writerPool is writer's own pool, closed with the store (SQLite).
	writerPool *sql.DB
	sql        statementSQL
	// recent indexes the signatures of the stories first seen inside
	// DuplicateWindow, for near-duplicate lookups.
	recent recentIndex
	// searchBatch is how many texts wait to be indexed for search
	// (0: searchBatch; tests index sooner).
	searchBatch int
	// walked is how many of a section's newest stories a search walks
	// before it reads every candidate the index offers (0: walkedStories).
	walked int
	// window is the duplicate window in nanoseconds (0: DuplicateWindow).
	window atomic.Int64
	// dsn names the PostgreSQL database, for the connection that listens
	// for other daemons' changes; "" on SQLite.
	dsn string
}

// OpenSQLite opens (creating if needed) the SQLite database at path in WAL
// mode, so readers are never blocked by the writer, and migrates its schema.
func OpenSQLite(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty SQLite path")
	}
	db, err := openSQLiteDB(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s, err := newStore(db)
	if err != nil {
		if sqlDB, dbErr := db.DB(); dbErr == nil {
			sqlDB.Close()
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := s.openWriter(path); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

// openWriter opens the one-connection pool the writes of fetches go
// through (see Store.writer).
func (s *Store) openWriter(path string) error {
	wdb, err := openSQLiteDB(path)
	if err != nil {
		return err
	}
	pool, err := wdb.DB()
	if err != nil {
		return err
	}
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	s.writerPool = pool
	// A session of db (its configuration and callbacks) with a statement
	// and a configuration of its own (a context makes Session copy the
	// statement), both on the writer's pool.
	s.writer = s.db.Session(&gorm.Session{NewDB: true, Context: context.Background()})
	s.writer.Config.ConnPool = pool
	s.writer.Statement.ConnPool = pool
	return nil
}

// openSQLiteDB opens the SQLite database at path as OpenSQLite uses it,
// without touching its schema.
func openSQLiteDB(path string) (*gorm.DB, error) {
	q := url.Values{}
	// Applies only when the file is created. Stories are a few KiB each:
	// larger pages mean fewer page splits and fewer WAL writes per fetch.
	q.Add("_pragma", "page_size(4096)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	// NORMAL is durable in WAL mode except against power loss of the last
	// transactions; it never corrupts the database.
	q.Add("_pragma", "synchronous(NORMAL)")
	// Statement journals in memory: with files they cost a map and unmap of
	// 64 KiB per statement in the pure-Go allocator.
	q.Add("_pragma", "temp_store(MEMORY)")
	// Every transaction takes the write lock up front, so two writers queue
	// on the busy timeout instead of failing on a lock upgrade. (Do not add
	// _time_format here: the driver then ignores _txlock.)
	q.Set("_txlock", "immediate")
	return gorm.Open(sqlite.Open(path+"?"+q.Encode()), gormConfig())
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Second) },
	}
}

// Connection pool bounds. Without them every concurrent request opened a
// connection of its own (1,000 concurrent searches opened 1,001 SQLite
// connections, each with its own page cache, and kept them): requests now
// queue for one instead. SQLite has one writer at a time and readers that
// share the file's cache; PostgreSQL's connections are the server's to
// spare, shared among the daemons on one database.
const (
	maxSQLiteConns   = 8
	maxPostgresConns = 16
	// maxPostgresIdle bounds the connections a quiet daemon keeps open on
	// the server.
	maxPostgresIdle = 4
	// connIdleTime is how long an unused connection stays open.
	connIdleTime = 5 * time.Minute
)

// newStore wraps an open GORM database, bounds its connection pool and
// migrates its schema (see migrations.go).
func newStore(db *gorm.DB) (*Store, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	conns, idle := maxSQLiteConns, maxSQLiteConns
	if isPostgres(db) {
		conns, idle = maxPostgresConns, maxPostgresIdle
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(idle)
	sqlDB.SetConnMaxIdleTime(connIdleTime)
	if err := migrate(db); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return &Store{db: db, writer: db, sql: statementSQL{dialect: db.Dialector.Name()}}, nil
}

// Close releases the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	if s.writerPool != nil {
		if err := s.writerPool.Close(); err != nil {
			sqlDB.Close()
			return fmt.Errorf("store: close: %w", err)
		}
	}
	return sqlDB.Close()
}

// SyncSources records each source's identity (name, URL, attribution),
// creating rows for new sources and leaving fetch state untouched.
func (s *Store) SyncSources(ctx context.Context, sources []Source) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWriters(tx); err != nil {
			return fmt.Errorf("store: sync sources: %w", err)
		}
		for _, src := range sources {
			res := tx.Model(&sourceRow{}).Where("id = ?", src.ID).Updates(map[string]any{
				"name": src.Name, "url": src.URL, "attribution": src.Attribution,
				"priority": src.Priority, "site": src.Site,
				// A source disabled by 410 Gone comes back when an editor
				// points it at another URL (SET reads the old url).
				"disabled": gorm.Expr("CASE WHEN url = ? THEN disabled ELSE ? END", src.URL, false),
			})
			if res.Error != nil {
				return fmt.Errorf("store: sync source %s: %w", src.ID, res.Error)
			}
			if res.RowsAffected > 0 {
				continue
			}
			priority := src.Priority
			if priority == 0 {
				priority = dedupe.DefaultPriority // as the column's default did
			}
			err := tx.Exec(s.sql.addSource(), src.ID, src.Name, src.URL, src.Attribution, priority, src.Site).Error
			if err != nil {
				return fmt.Errorf("store: add source %s: %w", src.ID, err)
			}
		}
		return nil
	})
}

// Sources returns every known source, ordered by id.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	var rows []sourceRow
	if err := s.db.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list sources: %w", err)
	}
	out := make([]Source, len(rows))
	for i, r := range rows {
		out[i] = r.source()
	}
	return out, nil
}

// Source returns one source by id.
func (s *Store) Source(ctx context.Context, id string) (Source, error) {
	var row sourceRow
	err := s.writer.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Source{}, fmt.Errorf("store: source %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Source{}, fmt.Errorf("store: source %q: %w", id, err)
	}
	return row.source(), nil
}

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// SectionStories returns the newest limit stories routed to sectionID,
// newest first, after the stories editors pinned there (PinStory). An
// empty sectionID means every story.
func (s *Store) SectionStories(ctx context.Context, sectionID string, limit int) ([]Story, error) {
	now := time.Now()
	pinned, err := s.pinnedStories(s.db.WithContext(ctx), sectionID, now)
	if err != nil {
		return nil, err
	}
	if len(pinned) >= limit {
		return storiesOf(pinned[:limit]), nil
	}
	var rows []storyRow
	q := s.db.WithContext(ctx).Limit(limit-len(pinned)).Where(notHidden).
		Where("stories.id NOT IN ("+activePins+")", sectionID, now.UTC())
	if sectionID == "" {
		q = q.Where("duplicate_of = 0").Order("published DESC").Order("id DESC")
	} else {
		q = q.Joins("JOIN story_sections ON story_sections.story_id = stories.id").
			Where("story_sections.section_id = ?", sectionID).
			Order("story_sections.published DESC").Order("story_sections.story_id DESC")
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: stories of section %q: %w", sectionID, err)
	}
	return storiesOf(append(pinned, rows...)), nil
}

// StorySections returns the ids of the sections a story is routed to.
func (s *Store) StorySections(ctx context.Context, storyID int64) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&storySectionRow{}).Where("story_id = ?", storyID).
		Order("section_id").Pluck("section_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: sections of story %d: %w", storyID, err)
	}
	return ids, nil
}

// CountStories returns how many stories are stored.
func (s *Store) CountStories(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&storyRow{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count stories: %w", err)
	}
	return n, nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// IntegrityCheck asks the database to verify itself (SQLite's
// integrity_check; other dialects keep their own guarantees) and returns an
// error describing any damage.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.db.Dialector.Name() != "sqlite" {
		return nil
	}
	var rows []string
	if err := s.db.WithContext(ctx).Raw("PRAGMA integrity_check").Scan(&rows).Error; err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if len(rows) != 1 || rows[0] != "ok" {
		return fmt.Errorf("store: integrity check failed: %s", strings.Join(rows, "; "))
	}
	return nil
}

// StoryCopies returns every stored copy of the story published under
// feedID, the published one first, then its alternates by first seen.
func (s *Store) StoryCopies(ctx context.Context, feedID string) ([]Story, error) {
	var rows []storyRow
	err := s.db.WithContext(ctx).Where("feed_id = ?", feedID).Where(notHidden).
		Order("duplicate_of").Order("first_seen").Order("id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: copies of %q: %w", feedID, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("store: copies of %q: %w", feedID, ErrNotFound)
	}
	return storiesOf(rows), nil
}
