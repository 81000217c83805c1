package store

import (
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"

	"wirefeed/dedupe"
)

// recentIndex holds the near-duplicate signatures of the stories first seen
// inside DuplicateWindow, keyed by their LSH bands, so the copies of a story
// arriving from other partners are found without touching the database. It
// follows the database by story id: each sync loads the stories stored
// since (by this process or any other writer) and drops the ones that left
// the window, holding at most maxRecent: its size and its start-up depend
// on neither the store nor the window.
type recentIndex struct {
	// capacity is how many stories it holds at most; 0 is maxRecent.
	capacity int

	mu      sync.Mutex
	loaded  bool
	highest int64 // largest story id loaded
	stories map[int64]recentStory
	// A band almost always holds one story: it sits in first, and only
	// the rare others in more, which keeps the index small (8 bands a
	// story, every story of the window).
	first map[uint64]int64
	more  map[uint64][]int64
	order []int64 // ids in first-seen order, for eviction
}

// maxPerBand bounds the stories compared per band of an incoming story.
const maxPerBand = 64

// maxRecent bounds the stories the index holds, about a kilobyte each
// (1,081 bytes a story of wire text, measured): on a desk taking in more
// than this many stories within the window, only the newest maxRecent are
// matched by their text (copies of older ones are still found by their
// canonical link, in the database).
const maxRecent = 32_000

// recentStory keeps a story's signature decoded (about a kilobyte, its
// hashes about the size of their encoding): a crowded band offers dozens
// of candidates per incoming story, and decoding each of them again cost
// more than comparing it.
type recentStory struct {
	sourceID  string
	sig       dedupe.Signature
	bands     []uint64
	firstSeen time.Time
}

// syncChunk is how many rows sync reads a query: loading a full index
// holds one chunk's encoded signatures at a time, not all of them.
const syncChunk = 2000

// sync loads stories stored since the last sync and evicts old ones. It
// reads the database without holding the index's lock.
func (r *recentIndex) sync(tx *gorm.DB, now time.Time, window time.Duration) error {
	since := now.Add(-window)
	// Read at most the capacity's newest stories, by the primary key: a
	// start, or another writer's burst, reads a bounded number of rows,
	// whatever the size of the store or of the window.
	var newest int64
	if err := tx.Model(&storyRow{}).Select("COALESCE(MAX(id), 0)").Scan(&newest).Error; err != nil {
		return err
	}
	r.mu.Lock()
	if !r.loaded {
		r.stories, r.first, r.more = map[int64]recentStory{}, map[uint64]int64{}, map[uint64][]int64{}
	}
	after, loaded := max(r.highest, newest-int64(r.limit())), r.loaded
	r.mu.Unlock()
	for after < newest {
		q := tx.Model(&storyRow{}).Select("id", "source_id", "signature", "first_seen").
			Where("id > ? AND id <= ?", after, newest)
		if !loaded {
			q = q.Where("first_seen >= ?", since)
		}
		var rows []recentRow
		if err := q.Order("id").Limit(syncChunk).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		r.add(rows)
		if len(rows) < syncChunk {
			break
		}
		after = rows[len(rows)-1].ID
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.loaded = true
	r.highest = max(r.highest, newest) // every story up to newest is seen
	r.evict(since)
	return nil
}

// recentRow is what sync reads of a story.
type recentRow struct {
	ID        int64
	SourceID  string
	Signature []byte
	FirstSeen time.Time
}

// add indexes the stories of rows not held yet (another sync may have
// read some of them meanwhile).
func (r *recentIndex) add(rows []recentRow) {
	decoded := make([]recentStory, len(rows))
	for i, row := range rows {
		var sig dedupe.Signature
		if sig.UnmarshalBinary(row.Signature) != nil {
			continue // unsigned, or another scheme version: left out below
		}
		decoded[i] = recentStory{sourceID: row.SourceID, sig: sig, bands: sig.Bands(), firstSeen: row.FirstSeen}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, row := range rows {
		rs := decoded[i]
		if _, held := r.stories[row.ID]; held || rs.bands == nil {
			continue
		}
		r.stories[row.ID] = rs
		r.order = append(r.order, row.ID)
		for _, b := range rs.bands {
			if _, taken := r.first[b]; taken {
				r.more[b] = append(r.more[b], row.ID)
			} else {
				r.first[b] = row.ID
			}
		}
	}
}

// limit is the most stories the index holds.
func (r *recentIndex) limit() int {
	if r.capacity > 0 {
		return r.capacity
	}
	return maxRecent
}

// evict drops stories first seen before since, and the oldest beyond its
// limit. Stories are appended in id order, which is first-seen order
// but for clock skew between writers, so eviction may keep a few stories a
// little longer; lookups check the time.
func (r *recentIndex) evict(since time.Time) {
	n := 0
	for n < len(r.order) {
		rs, ok := r.stories[r.order[n]]
		if ok && !rs.firstSeen.Before(since) && len(r.stories) <= r.limit() {
			break
		}
		if ok {
			r.remove(r.order[n], rs)
		}
		n++
	}
	r.order = r.order[n:]
}

func (r *recentIndex) remove(id int64, rs recentStory) {
	delete(r.stories, id)
	for _, b := range rs.bands {
		more := r.more[b]
		if r.first[b] == id {
			if len(more) == 0 {
				delete(r.first, b)
				continue
			}
			r.first[b], more = more[0], more[1:]
		} else if i := slices.Index(more, id); i >= 0 {
			more = slices.Delete(more, i, i+1)
		}
		if len(more) == 0 {
			delete(r.more, b)
		} else {
			r.more[b] = more
		}
	}
}

// band returns the stories holding band b, oldest first.
func (r *recentIndex) band(b uint64) []int64 {
	id, ok := r.first[b]
	if !ok {
		return nil
	}
	return append([]int64{id}, r.more[b]...)
}

// forget drops a story whose signature changed; the next sync does not
// bring it back, so an edited story is matched by its canonical link only
// until it leaves the window.
func (r *recentIndex) forget(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rs, ok := r.stories[id]; ok {
		r.remove(id, rs)
	}
}

// similar returns the id of a story from another source than sourceID,
// first seen since since, whose signature is similar to mine; 0 if none.
func (r *recentIndex) similar(sourceID string, mine dedupe.Signature, since time.Time) int64 {
	bands := mine.Bands()
	r.mu.Lock()
	defer r.mu.Unlock()
	tried := map[int64]bool{}
	for _, b := range bands {
		ids := r.band(b)
		// Boilerplate (a daily market close) can fill a band with
		// look-alikes; the newest maxPerBand are the likely copies.
		for k := len(ids) - 1; k >= max(0, len(ids)-maxPerBand); k-- {
			id := ids[k]
			if tried[id] {
				continue
			}
			tried[id] = true
			rs := r.stories[id]
			if rs.sourceID == sourceID || rs.firstSeen.Before(since) {
				continue
			}
			if dedupe.Similar(mine, rs.sig) {
				return id
			}
		}
	}
	return 0
}
