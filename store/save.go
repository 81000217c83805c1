package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// SaveResult counts what one SaveStories call did.
type SaveResult struct {
	New       int
	Updated   int
	Unchanged int
	// Duplicates is how many of the New stories are another partner's
	// story already stored: they joined it (as its alternate, or as the
	// copy now published in its place) rather than adding an item.
	Duplicates int
	// Sections lists, sorted, the sections whose published content changed.
	Sections []string
}

// Changed reports whether anything was written.
func (r SaveResult) Changed() bool { return r.New+r.Updated > 0 }

// existingStory is what the store needs to know of a stored story to decide
// whether an incoming copy is new, changed or unchanged.
type existingStory struct {
	ID          int64
	Key         string
	ContentHash string
	Published   time.Time
	Updated     time.Time
	DuplicateOf int64
}

// savePlan sorts one fetch's stories into inserts, updates and unchanged.
type savePlan struct {
	inserts []*Story
	updates []storyUpdate
	// rekeys are stories the partner re-posted unchanged under a new
	// identity: only their key moves.
	rekeys    []storyUpdate
	unchanged int
}

type storyUpdate struct {
	old existingStory
	new *Story
}

// keyChunk bounds the number of bound parameters in one IN list, well under
// every dialect's limit.
const keyChunk = 500

// insertBatch is how many rows go into one multi-row INSERT statement.
const insertBatch = 50

// SaveStories stores one fetch of a source: new stories are inserted, stories
// whose ContentHash changed are updated in place (keeping their id, PublicID,
// Published and FirstSeen, with Updated moved forward), and unchanged stories
// cost no write at all. Each story's Sections place it in sections. All
// writes of one call happen in one transaction. Stories are identified by
// (sourceID, Key); a key repeated within stories counts once, first wins.
func (s *Store) SaveStories(ctx context.Context, sourceID string, stories []Story, now time.Time) (SaveResult, error) {
	now = now.UTC().Truncate(time.Second)
	batch := uniqueByKey(stories)
	for i, st := range batch {
		batch[i] = storableStory(st)
	}
	keys := make([]string, len(batch))
	for i, st := range batch {
		keys[i] = st.Key
	}
	db := s.writer.WithContext(ctx)

	// Read outside any transaction first: an unchanged feed, the common case,
	// then never takes the write lock.
	known, err := existingStories(db, sourceID, keys)
	if err != nil {
		return SaveResult{}, fmt.Errorf("store: save %s: %w", sourceID, err)
	}
	plan := makePlan(batch, known)
	if err := dropPruned(db, sourceID, &plan); err != nil {
		return SaveResult{}, fmt.Errorf("store: save %s: %w", sourceID, err)
	}
	if err := reposted(db, sourceID, &plan); err != nil {
		return SaveResult{}, fmt.Errorf("store: save %s: %w", sourceID, err)
	}
	if len(plan.inserts)+len(plan.updates)+len(plan.rekeys) == 0 {
		return SaveResult{Unchanged: plan.unchanged}, nil
	}

	var result SaveResult
	// A concurrent writer may store some of these stories between the read
	// above and the transaction below: the unique index turns its copy into
	// a skipped insert, never a duplicate.
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := lockWriters(tx); err != nil {
			return err
		}
		if err := checkFence(ctx, tx); err != nil {
			return err
		}
		changed := map[string]bool{}
		inserted, duplicates, err := s.insertStories(tx, sourceID, plan.inserts, now, changed)
		if err != nil {
			return err
		}
		if err := s.updateStories(tx, sourceID, plan.updates, now, changed); err != nil {
			return err
		}
		for _, u := range plan.rekeys {
			err := tx.Model(&storyRow{}).Where("id = ?", u.old.ID).
				Updates(map[string]any{"key": u.new.Key, "guid": u.new.GUID}).Error
			if err != nil {
				return fmt.Errorf("re-key story %d: %w", u.old.ID, err)
			}
		}
		result = SaveResult{New: inserted, Updated: len(plan.updates), Unchanged: plan.unchanged + len(plan.inserts) - inserted,
			Duplicates: duplicates}
		for id := range changed {
			result.Sections = append(result.Sections, id)
		}
		slices.Sort(result.Sections)
		if err := s.bumpSections(tx, result.Sections, now); err != nil {
			return err
		}
		if inserted > 0 && !isPostgres(tx) {
			return indexSearch(tx, cmp.Or(s.searchBatch, searchBatch))
		}
		return nil
	})
	if err != nil {
		return SaveResult{}, fmt.Errorf("store: save %s: %w", sourceID, err)
	}
	return result, nil
}

// dropPruned takes out of the plan the new stories that were stored once
// and pruned since: a partner still carrying them must not bring them back.
func dropPruned(db *gorm.DB, sourceID string, plan *savePlan) error {
	if len(plan.inserts) == 0 {
		return nil
	}
	keys := make([]string, len(plan.inserts))
	for i, st := range plan.inserts {
		keys[i] = st.Key
	}
	pruned, err := tombstoned(db, sourceID, keys)
	if err != nil || len(pruned) == 0 {
		return err
	}
	plan.inserts = slices.DeleteFunc(plan.inserts, func(st *Story) bool { return pruned[st.Key] })
	plan.unchanged += len(pruned)
	return nil
}

// repostedStory is a stored story found by its canonical link.
type repostedStory struct {
	ID           int64
	Key          string
	ContentHash  string
	Published    time.Time
	Updated      time.Time
	DuplicateOf  int64
	CanonicalURL string
}

// reposted finds, among the stories planned as new, those the same partner
// already sent under another identity (a new GUID) with the same canonical
// link: an edit or a re-post of a known story, not a new one. Such a story
// keeps its row, id and published time; its key moves to the new identity
// so the next fetch finds it directly.
func reposted(db *gorm.DB, sourceID string, plan *savePlan) error {
	// A link shared by several of the batch's stories (a section page) is
	// not any one story's identity.
	count := map[string]int{}
	for _, st := range plan.inserts {
		count[st.CanonicalURL]++
	}
	byLink := map[string]*Story{}
	var links []string
	for _, st := range plan.inserts {
		if st.CanonicalURL != "" && count[st.CanonicalURL] == 1 {
			byLink[st.CanonicalURL] = st
			links = append(links, st.CanonicalURL)
		}
	}
	if len(links) == 0 {
		return nil
	}
	var rows []repostedStory
	for chunk := range slices.Chunk(links, keyChunk) {
		var part []repostedStory
		err := db.Model(&storyRow{}).
			Select("id", "key", "content_hash", "published", "updated", "duplicate_of", "canonical_url").
			Where("source_id = ? AND canonical_url IN ?", sourceID, chunk).Find(&part).Error
		if err != nil {
			return fmt.Errorf("look up re-posted stories: %w", err)
		}
		rows = append(rows, part...)
	}
	stored := map[string]int{}
	for _, r := range rows {
		stored[r.CanonicalURL]++
	}
	moved := map[*Story]bool{}
	for _, r := range rows {
		st := byLink[r.CanonicalURL]
		if st == nil || moved[st] || stored[r.CanonicalURL] > 1 {
			continue
		}
		moved[st] = true
		old := existingStory{ID: r.ID, Key: r.Key, ContentHash: r.ContentHash, Published: r.Published, Updated: r.Updated, DuplicateOf: r.DuplicateOf}
		u := storyUpdate{old: old, new: st}
		if r.ContentHash == st.ContentHash {
			plan.rekeys = append(plan.rekeys, u)
			plan.unchanged++
		} else {
			plan.updates = append(plan.updates, u)
		}
	}
	if len(moved) > 0 {
		plan.inserts = slices.DeleteFunc(plan.inserts, func(st *Story) bool { return moved[st] })
	}
	return nil
}

func uniqueByKey(stories []Story) []*Story {
	seen := make(map[string]bool, len(stories))
	out := make([]*Story, 0, len(stories))
	for i := range stories {
		if seen[stories[i].Key] {
			continue
		}
		seen[stories[i].Key] = true
		out = append(out, &stories[i])
	}
	return out
}

func existingStories(db *gorm.DB, sourceID string, keys []string) (map[string]existingStory, error) {
	known := make(map[string]existingStory, len(keys))
	for chunk := range slices.Chunk(keys, keyChunk) {
		var rows []existingStory
		err := db.Model(&storyRow{}).
			Select("id", "key", "content_hash", "published", "updated", "duplicate_of").
			Where("source_id = ? AND key IN ?", sourceID, chunk).
			Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("look up stored stories: %w", err)
		}
		for _, r := range rows {
			known[r.Key] = r
		}
	}
	return known, nil
}

func makePlan(batch []*Story, known map[string]existingStory) savePlan {
	var p savePlan
	for _, st := range batch {
		old, ok := known[st.Key]
		switch {
		case !ok:
			p.inserts = append(p.inserts, st)
		case old.ContentHash != st.ContentHash:
			p.updates = append(p.updates, storyUpdate{old: old, new: st})
		default:
			p.unchanged++
		}
	}
	return p
}

// insertStories adds new stories. A story another partner already brought
// in (same canonical link, or a near-duplicate text, inside
// DuplicateWindow) joins that story: it takes its FeedID, and is either
// kept as an alternate or, when its partner outranks the published one's,
// published in its place. Only published copies are placed in sections.
// Rows go in with one multi-row statement per insertBatch stories: SQLite's
// per-statement cost (parse, journal) is paid per batch, not per row. A
// story that a concurrent writer stored first is left to that writer.
func (s *Store) insertStories(tx *gorm.DB, sourceID string, incoming []*Story, now time.Time, changed map[string]bool) (inserted, duplicates int, err error) {
	if len(incoming) == 0 {
		return 0, 0, nil
	}
	stories := make([]*Story, len(incoming))
	for i, st := range incoming {
		row := *st // the caller's stories are not written to
		stories[i] = &row
	}
	sigs := signStories(stories)
	found, err := s.findCopies(tx, sourceID, stories, sigs, now)
	if err != nil {
		return 0, 0, fmt.Errorf("find copies: %w", err)
	}
	if len(found) > 0 {
		if err := decideWinners(tx, sourceID, found); err != nil {
			return 0, 0, fmt.Errorf("rank copies: %w", err)
		}
	}
	for _, st := range stories {
		st.FeedID, st.DuplicateOf = st.PublicID, 0
		if m, ok := found[st]; ok {
			st.FeedID = m.primary.feedID()
			if !m.wins {
				st.DuplicateOf = m.primary.ID
			}
		}
	}

	var placements []storySectionRow
	ids := make(map[string]int64, len(stories))
	for batch := range slices.Chunk(stories, insertBatch) {
		args := make([]any, 0, len(batch)*len(insertStoryColumns))
		for _, st := range batch {
			st.Published = utcSecond(st.Published, now)
			st.Updated = utcSecond(st.Updated, st.Published)
			if st.Updated.Before(st.Published) {
				st.Updated = st.Published
			}
			authors, err := jsonColumn(st.Authors)
			if err != nil {
				return 0, 0, err
			}
			categories, err := jsonColumn(st.Categories)
			if err != nil {
				return 0, 0, err
			}
			enclosures, err := jsonColumn(st.Enclosures)
			if err != nil {
				return 0, 0, err
			}
			photos, err := jsonColumn(st.Photos)
			if err != nil {
				return 0, 0, err
			}
			args = append(args, sourceID, st.Key, st.PublicID, st.GUID, st.Link, st.Title,
				st.Summary, st.Content, authors, categories, enclosures, st.Image, st.Language, photos,
				st.Published, st.Updated, now, st.ContentHash,
				st.CanonicalURL, st.Signature, st.FeedID, st.DuplicateOf, st.Undated)
		}
		rows, err := s.insertRows(tx, batch, args)
		if err != nil {
			return 0, 0, fmt.Errorf("insert stories: %w", err)
		}
		if err := s.addStoryTexts(tx, batch, rows); err != nil {
			return 0, 0, err
		}
		for _, r := range rows {
			ids[r.Key] = r.ID
		}
	}
	for _, st := range stories {
		id, ok := ids[st.Key]
		if !ok {
			continue // stored meanwhile by another writer
		}
		inserted++
		m, copied := found[st]
		if copied {
			duplicates++
		}
		if copied && m.wins {
			if err := s.demote(tx, m.primary.ID, id, changed); err != nil {
				return 0, 0, err
			}
		}
		if st.DuplicateOf != 0 {
			// An alternate: the published copy's page lists it.
			if err := s.touch(tx, st.DuplicateOf, changed); err != nil {
				return 0, 0, err
			}
			continue
		}
		for _, sec := range st.Sections {
			placements = append(placements, storySectionRow{SectionID: sec, StoryID: id, Published: st.Published})
			changed[sec] = true
		}
	}
	return inserted, duplicates, s.placeStories(tx, placements)
}

// addStoryTexts writes the search texts of the stories of batch that were
// inserted as rows (the others were stored meanwhile by another writer).
func (s *Store) addStoryTexts(tx *gorm.DB, batch []*Story, rows []insertedRow) error {
	if len(rows) == 0 {
		return nil
	}
	byKey := make(map[string]*Story, len(batch))
	for _, st := range batch {
		byKey[st.Key] = st
	}
	args := make([]any, 0, 2*len(rows))
	for _, r := range rows {
		st := byKey[r.Key]
		args = append(args, r.ID, searchText(st.Title, st.Summary))
	}
	// One statement of every row, on SQLite too: the full-text index
	// writes what it gathered at the end of each statement (its savepoint),
	// so a statement a row would write a segment of the index a story.
	if err := tx.Exec(s.sql.addStoryTexts(len(rows)), args...).Error; err != nil {
		return fmt.Errorf("insert stories' search texts: %w", err)
	}
	return nil
}

// insertedRow is the id and key of a story insertRows stored.
type insertedRow struct {
	ID  int64
	Key string
}

// insertRows inserts batch, whose column values are args in
// insertStoryColumns' order, skipping identities already stored, and
// returns the rows it did insert.
func (s *Store) insertRows(tx *gorm.DB, batch []*Story, args []any) ([]insertedRow, error) {
	var rows []insertedRow
	if s.sql.dialect != "sqlite" {
		err := tx.Raw(s.sql.insertStories(len(batch)), args...).Scan(&rows).Error
		return rows, err
	}
	err := execEach(tx, s.sql.insertStory(), len(insertStoryColumns), args, func(i int, res sql.Result) error {
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // n == 0: stored meanwhile by another writer
		}
		id, err := res.LastInsertId()
		rows = append(rows, insertedRow{id, batch[i].Key})
		return err
	})
	return rows, err
}

// demote makes the published story old and its alternates alternates of
// winner, and takes old out of its sections.
func (s *Store) demote(tx *gorm.DB, old, winner int64, changed map[string]bool) error {
	err := tx.Model(&storyRow{}).Where("id = ? OR duplicate_of = ?", old, old).
		Update("duplicate_of", winner).Error
	if err != nil {
		return fmt.Errorf("demote story %d: %w", old, err)
	}
	return s.unplace(tx, old, changed)
}

// unplace removes a story from its sections, noting them as changed.
func (s *Store) unplace(tx *gorm.DB, storyID int64, changed map[string]bool) error {
	var sections []string
	if err := tx.Model(&storySectionRow{}).Where("story_id = ?", storyID).Pluck("section_id", &sections).Error; err != nil {
		return fmt.Errorf("sections of story %d: %w", storyID, err)
	}
	if err := tx.Where("story_id = ?", storyID).Delete(&storySectionRow{}).Error; err != nil {
		return fmt.Errorf("sections of story %d: %w", storyID, err)
	}
	for _, sec := range sections {
		changed[sec] = true
	}
	return nil
}

// touch notes the sections of a published story as changed: what is shown
// of it changed although it stays where it is (another partner's copy
// joined it, or was edited).
func (s *Store) touch(tx *gorm.DB, storyID int64, changed map[string]bool) error {
	var sections []string
	if err := tx.Model(&storySectionRow{}).Where("story_id = ?", storyID).Pluck("section_id", &sections).Error; err != nil {
		return fmt.Errorf("sections of story %d: %w", storyID, err)
	}
	for _, sec := range sections {
		changed[sec] = true
	}
	return nil
}

// placeStories adds section placements, ignoring ones already there.
func (s *Store) placeStories(tx *gorm.DB, placements []storySectionRow) error {
	for batch := range slices.Chunk(placements, insertBatch) {
		args := make([]any, 0, 3*len(batch))
		for _, p := range batch {
			args = append(args, p.SectionID, p.StoryID, p.Published)
		}
		if err := s.insertAll(tx, s.sql.placeStories, 3, args); err != nil {
			return fmt.Errorf("place stories in sections: %w", err)
		}
	}
	return nil
}

// jsonColumn encodes a list column the way GORM's json serializer does, so
// rows written here read back through the model: NULL when empty.
func jsonColumn[T any](list []T) (any, error) {
	if len(list) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("encode column: %w", err)
	}
	return string(b), nil
}

func (s *Store) updateStories(tx *gorm.DB, sourceID string, updates []storyUpdate, now time.Time, changed map[string]bool) error {
	for _, u := range updates {
		row := *u.new
		// The edit is dated by the partner's own updated time when it moved
		// forward, else by when it was seen; it never goes backwards.
		row.Updated = utcSecond(row.Updated, time.Time{})
		if !row.Updated.After(u.old.Updated) {
			row.Updated = now
		}
		if row.Updated.Before(u.old.Updated) {
			row.Updated = u.old.Updated
		}
		signStories([]*Story{&row})
		set := storyRow(row)
		err := tx.Model(&storyRow{ID: u.old.ID}).
			Select("key", "guid", "link", "title", "summary", "content", "authors", "categories",
				"enclosures", "image", "language", "photos", "updated", "content_hash", "canonical_url", "signature").
			Updates(&set).Error
		if err == nil {
			err = setSearchText(tx, u.old.ID, row.Title, row.Summary)
		}
		if err != nil {
			return fmt.Errorf("update story %d: %w", u.old.ID, err)
		}
		s.recent.forget(u.old.ID) // re-read with its new signature
		if err := s.unplace(tx, u.old.ID, changed); err != nil {
			return fmt.Errorf("update story %d: %w", u.old.ID, err)
		}
		if u.old.DuplicateOf != 0 {
			// An alternate: its published copy keeps the sections, and its
			// page lists the edited copy.
			if err := s.touch(tx, u.old.DuplicateOf, changed); err != nil {
				return err
			}
			continue
		}
		placements := make([]storySectionRow, 0, len(row.Sections))
		for _, sec := range row.Sections {
			placements = append(placements, storySectionRow{SectionID: sec, StoryID: u.old.ID, Published: u.old.Published})
			changed[sec] = true
		}
		if err := s.placeStories(tx, placements); err != nil {
			return err
		}
	}
	return nil
}

// utcSecond returns t in UTC truncated to the second, or fallback when t is
// zero.
func utcSecond(t, fallback time.Time) time.Time {
	if t.IsZero() {
		t = fallback
	}
	return t.UTC().Truncate(time.Second)
}
