package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// capturedStatement is one SQL statement the store ran, with its arguments.
type capturedStatement struct {
	sql  string
	vars []any
	op   string // what the test was doing
}

// statementRecorder collects the statements a store runs through GORM.
type statementRecorder struct {
	mu    sync.Mutex
	op    string
	stmts []capturedStatement
}

func (r *statementRecorder) record(db *gorm.DB) {
	q := db.Statement.SQL.String()
	if q == "" || db.Error != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmts = append(r.stmts, capturedStatement{sql: q, vars: append([]any(nil), db.Statement.Vars...), op: r.op})
}

// recordStatements makes s's GORM handle report every query, update and
// delete it runs to the returned recorder.
func recordStatements(t *testing.T, s *Store) *statementRecorder {
	t.Helper()
	r := &statementRecorder{}
	cb := s.db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("test:plans", r.record),
		cb.Row().After("gorm:row").Register("test:plans", r.record),
		cb.Update().After("gorm:update").Register("test:plans", r.record),
		cb.Delete().After("gorm:delete").Register("test:plans", r.record),
		cb.Raw().After("gorm:raw").Register("test:plans", r.record),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// scanVerdicts are the plan lines that read stories in proportion to the
// store's size rather than the answer's: SQLite's and PostgreSQL's.
var scanVerdicts = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`^SCAN (stories|story_sections)( AS \w+)?$`), "a full scan of the table"},
	// MIN(id) under a condition walks the table in id order until a row
	// matches: every older story.
	{regexp.MustCompile(`^SEARCH (stories|story_sections)( AS \w+)?$`), walkVerdict},
	{regexp.MustCompile(`^SEARCH stories( AS \w+)? USING (COVERING )?INDEX \w+ \(source_id=\?\)$`), "every story of a source"},
	{regexp.MustCompile(`USE TEMP B-TREE FOR (RIGHT PART OF )?ORDER BY`), sortVerdict},
	{regexp.MustCompile(`Seq Scan on (stories|story_sections)\b`), "a full scan of the table"},
}

// walkVerdict is the reason given for a search with no index.
const walkVerdict = "a walk of the table in key order"

// sortVerdict is the reason given for a sort step.
const sortVerdict = "sorting every matching row"

// unboundedSearch is a search by section (or by duplicate_of, the merged
// feeds') alone: right for a walk that stops at a LIMIT, a scan without one.
var unboundedSearch = regexp.MustCompile(`\((section_id|duplicate_of)=\?\)$|Index Cond: \((section_id|duplicate_of) = `)

// feedIDSearch is a lookup of a story's copies, few enough to sort.
var feedIDSearch = regexp.MustCompile(`\(feed_id=\?\)|Index Cond: \(\(?feed_id\)?`)

// explain returns the query plan of a statement, one line per step.
func explain(ctx context.Context, conn *sql.Conn, postgres bool, st capturedStatement) ([]string, error) {
	prefix := "EXPLAIN QUERY PLAN "
	if postgres {
		prefix = "EXPLAIN "
	}
	rows, err := conn.QueryContext(ctx, prefix+st.sql, st.vars...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		// SQLite: id, parent, notused, detail; PostgreSQL: one text column.
		lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
	}
	return lines, rows.Err()
}

// TestIngestAndRenderQueriesUseIndexes runs the store's ingest path (new,
// unchanged, edited and re-posted stories, another partner's copies by
// link and by text, fetch bookkeeping) and its render path (section and
// merged feeds, pages, archives, a story's copies), then asks the database
// for the plan of every statement they ran. None may scan the stories, read
// every story of a source, or sort every matching row: each must cost what
// its answer holds, whatever the store's size. On PostgreSQL sequential
// scans are switched off for the EXPLAIN, since on a small test table
// they are the planner's right choice, and only scans are looked for: a
// statement no index serves still shows one.
func TestIngestAndRenderQueriesUseIndexes(t *testing.T) {
	s, where := openTemp(t)
	ctx := context.Background()
	rec := recordStatements(t, s)
	step := func(op string, f func() error) {
		t.Helper()
		rec.mu.Lock()
		rec.op = op
		rec.mu.Unlock()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	lead := "The cabinet on Tuesday approved a top-up to the digital wallets of registered farmers, Government Spokesman Jirayu Charoensuk said, to be spent at shops in their home districts."
	batch := func(prefix string, n int) []Story {
		var out []Story
		for i := range n {
			st := story(fmt.Sprintf("%s-%d", prefix, i), i, "politics")
			st.Link = fmt.Sprintf("https://example.com/%d", i)
			st.CanonicalURL = st.Link
			st.Title = fmt.Sprintf("Cabinet approves wallet top-up number %d for farmers", i)
			st.Summary = lead
			out = append(out, st)
		}
		return out
	}
	nation := batch("n", 20)
	step("save new stories", func() error { _, err := s.SaveStories(ctx, "nation", nation, t0); return err })
	step("save unchanged stories", func() error { _, err := s.SaveStories(ctx, "nation", nation, t0); return err })
	nation[0].ContentHash, nation[0].Title = "edited", nation[0].Title+" (updated)"
	step("save an edited story", func() error { _, err := s.SaveStories(ctx, "nation", nation[:5], t0.Add(time.Minute)); return err })
	reposted := nation[1]
	reposted.Key, reposted.GUID = "new-guid", "new-guid"
	step("save a re-posted story", func() error {
		_, err := s.SaveStories(ctx, "nation", []Story{reposted}, t0.Add(2*time.Minute))
		return err
	})
	copies := batch("j", 20)
	for i := range copies {
		if i%2 == 1 { // half found by link, half by text
			copies[i].Link = fmt.Sprintf("https://jiji.example/%d", i)
			copies[i].CanonicalURL = copies[i].Link
		}
	}
	step("save another partner's copies", func() error {
		res, err := s.SaveStories(ctx, "jiji", copies, t0.Add(3*time.Minute))
		if err == nil && res.Duplicates == 0 {
			err = fmt.Errorf("no copy found: %+v", res)
		}
		return err
	})
	// Another process: its near-duplicate index starts from the database.
	other := reopenTestDB(t, where)
	otherRec := recordStatements(t, other)
	otherRec.op = "another process's first save"
	if _, err := other.SaveStories(ctx, "jiji", batch("j2", 5), t0.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	step("record a fetch", func() error {
		return s.RecordFetch(ctx, "nation", FetchRecord{At: t0, Status: 200, ItemsSeen: 20})
	})
	step("render a section", func() error { _, err := s.SectionStories(ctx, "politics", 50); return err })
	step("render the merged feed", func() error { _, err := s.SectionStories(ctx, "", 50); return err })
	step("read a section page", func() error {
		_, err := s.SectionPage(ctx, "politics", "", Cursor{Published: t0.Add(10 * time.Minute), ID: 10}, 20)
		return err
	})
	step("read a merged page", func() error {
		_, err := s.SectionPage(ctx, "", "", Cursor{Published: t0.Add(10 * time.Minute), ID: 10}, 20)
		return err
	})
	step("render archives", func() error {
		if _, err := s.CurrentArchivePage(ctx); err != nil {
			return err
		}
		if _, err := s.ArchivePage(ctx, "politics", 0); err != nil {
			return err
		}
		_, err := s.ArchivePage(ctx, "", 0)
		return err
	})
	step("read a story's copies", func() error {
		sts, err := s.SectionStories(ctx, "politics", 1)
		if err == nil {
			_, err = s.StoryCopies(ctx, sts[0].FeedID)
		}
		return err
	})

	rec.mu.Lock()
	stmts := rec.stmts
	rec.mu.Unlock()
	otherRec.mu.Lock()
	stmts = append(stmts, otherRec.stmts...)
	otherRec.mu.Unlock()
	if len(stmts) < 20 {
		t.Fatalf("only %d statements recorded", len(stmts))
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	postgres := isPostgres(s.db)
	if postgres {
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "RESET enable_seqscan")
	}
	explained := 0
	for _, st := range stmts {
		verb := strings.ToUpper(strings.Fields(st.sql)[0])
		if verb != "SELECT" && verb != "UPDATE" && verb != "DELETE" || !strings.Contains(st.sql, "stor") {
			continue
		}
		plan, err := explain(ctx, conn, postgres, st)
		if err != nil {
			t.Fatalf("%s: explain %s: %v", st.op, st.sql, err)
		}
		explained++
		for _, line := range plan {
			line = strings.TrimSpace(line)
			if postgres && !strings.Contains(line, "Seq Scan") {
				// On a table this small PostgreSQL's costs favour
				// sorting a few rows over any index order; only its
				// scans (with sequential scans switched off) tell.
				continue
			}
			if !strings.Contains(st.sql, "LIMIT") && unboundedSearch.MatchString(line) {
				t.Errorf("%s: %s\n  plan step %q reads a whole section with no limit:\n  %s", st.op, st.sql, line, strings.Join(plan, "\n  "))
			}
			for _, v := range scanVerdicts {
				// A story's copies (one per partner at most) may be sorted.
				if v.why == walkVerdict && !strings.Contains(st.sql, "WHERE") {
					continue // MAX(id) of the whole table: one probe
				}
				if v.re.MatchString(line) && !(v.why == sortVerdict && feedIDSearch.MatchString(strings.Join(plan, "\n"))) {
					t.Errorf("%s: %s\n  plan step %q is %s:\n  %s", st.op, st.sql, line, v.why, strings.Join(plan, "\n  "))
				}
			}
		}
	}
	t.Logf("%d statements on the stories explained", explained)
}
