package store

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"wirefeed/dedupe"
)

// DuplicateWindow is the default of how far apart in first-seen time two
// partners' copies of a story may arrive and still be recognised as one
// story; see SetDuplicateWindow.
const DuplicateWindow = 72 * time.Hour

// clusterCandidate is a stored story a new one may be a copy of.
type clusterCandidate struct {
	ID           int64
	SourceID     string
	CanonicalURL string
	Signature    []byte
	PublicID     string
	FeedID       string
	DuplicateOf  int64
	FirstSeen    time.Time
	Published    time.Time
}

// feedID is the id the candidate's story is published under.
func (c clusterCandidate) feedID() string {
	if c.FeedID != "" {
		return c.FeedID
	}
	return c.PublicID
}

// match says what a new story is: a copy of the published story primary
// (which it may replace), or nothing known.
type match struct {
	primary clusterCandidate
	wins    bool // the new copy outranks the published one
}

// signStories computes each story's near-duplicate signature, storing its
// encoding in the story and returning the decoded ones for the lookup.
func signStories(stories []*Story) []dedupe.Signature {
	sigs := make([]dedupe.Signature, len(stories))
	for i, st := range stories {
		sigs[i] = dedupe.Sign(st.Title, leadText(st))
		if b, err := sigs[i].MarshalBinary(); err == nil {
			st.Signature = b
		}
	}
	return sigs
}

// leadText is what a story's near-duplicate signature reads besides its
// title: the start of its summary, else of its content.
func leadText(st *Story) string {
	lead := st.Summary
	if strings.TrimSpace(lead) == "" {
		lead = st.Content
	}
	if len(lead) > 4*dedupe.LeadRunes {
		lead = lead[:4*dedupe.LeadRunes]
	}
	return lead
}

// findCopies looks, for each new story of sourceID, for the same story
// already stored from another partner within DuplicateWindow: first by
// canonical link (an index lookup), then by near-duplicate signature (the
// in-memory band index of recent stories). Nothing scans the store.
func (s *Store) findCopies(tx *gorm.DB, sourceID string, stories []*Story, sigs []dedupe.Signature, now time.Time) (map[*Story]match, error) {
	since := now.Add(-s.duplicateWindow())
	var links []string
	// A link several of the batch's stories share (a section page) is not
	// any one story's identity.
	count := map[string]int{}
	for _, st := range stories {
		count[st.CanonicalURL]++
	}
	for _, st := range stories {
		if st.CanonicalURL != "" && count[st.CanonicalURL] == 1 {
			links = append(links, st.CanonicalURL)
		}
	}
	candidates := map[int64]clusterCandidate{}
	byLink := map[string][]int64{}
	if len(links) > 0 {
		var rows []clusterCandidate
		err := tx.Model(&storyRow{}).
			Select("id", "source_id", "canonical_url", "signature", "public_id", "feed_id", "duplicate_of", "first_seen", "published").
			Where("canonical_url IN ? AND source_id <> ? AND first_seen >= ?", links, sourceID, since).
			Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			candidates[r.ID] = r
			byLink[r.CanonicalURL] = append(byLink[r.CanonicalURL], r.ID)
		}
	}
	// Near duplicates come from the in-memory index of recent signatures,
	// brought up to date with whatever any writer stored since.
	if err := s.recent.sync(tx, now, s.duplicateWindow()); err != nil {
		return nil, err
	}
	similar := map[*Story]int64{}
	for i, st := range stories {
		if id := s.recent.similar(sourceID, sigs[i], since); id != 0 {
			similar[st] = id
		}
	}
	if len(similar) > 0 {
		var ids []int64
		for _, id := range similar {
			if _, ok := candidates[id]; !ok {
				ids = append(ids, id)
			}
		}
		var more []clusterCandidate
		if len(ids) > 0 {
			err := tx.Model(&storyRow{}).
				Select("id", "source_id", "canonical_url", "signature", "public_id", "feed_id", "duplicate_of", "first_seen", "published").
				Where("id IN ?", ids).Find(&more).Error
			if err != nil {
				return nil, err
			}
		}
		for _, r := range more {
			candidates[r.ID] = r
		}
	}
	if len(candidates) == 0 {
		return nil, nil
	}

	found := map[*Story]match{}
	for _, st := range stories {
		var hit *clusterCandidate
		for _, id := range byLink[st.CanonicalURL] {
			if c, ok := candidates[id]; ok && st.CanonicalURL != "" {
				hit = &c
				break
			}
		}
		if hit == nil {
			if c, ok := candidates[similar[st]]; ok {
				hit = &c
			}
		}
		if hit == nil {
			continue
		}
		primary := *hit
		if hit.DuplicateOf != 0 {
			p, err := loadCandidate(tx, hit.DuplicateOf)
			if err != nil {
				return nil, err
			}
			primary = p
		}
		found[st] = match{primary: primary}
	}
	return found, nil
}

func loadCandidate(tx *gorm.DB, id int64) (clusterCandidate, error) {
	var c clusterCandidate
	err := tx.Model(&storyRow{}).
		Select("id", "source_id", "canonical_url", "signature", "public_id", "feed_id", "duplicate_of", "first_seen", "published").
		Where("id = ?", id).Take(&c).Error
	return c, err
}

// decideWinners marks the matches in which the new copy is to be published
// instead of the published one, by dedupe's rule (dedupe.Winner): the
// stored copy was seen first, so it keeps ties.
func decideWinners(tx *gorm.DB, sourceID string, found map[*Story]match) error {
	ids := []string{sourceID}
	for _, m := range found {
		if !slices.Contains(ids, m.primary.SourceID) {
			ids = append(ids, m.primary.SourceID)
		}
	}
	var sources []sourceRow
	if err := tx.Select("id", "priority", "site", "feed_site", "url").Where("id IN ?", ids).Find(&sources).Error; err != nil {
		return err
	}
	byID := map[string]sourceRow{}
	for _, s := range sources {
		byID[s.ID] = s
	}
	copyOf := func(source, link string, published time.Time) dedupe.Copy {
		src := byID[source]
		return dedupe.Copy{Priority: src.Priority, Site: partnerSite(src), Link: link, Published: published}
	}
	for st, m := range found {
		stored := copyOf(m.primary.SourceID, m.primary.CanonicalURL, m.primary.Published)
		m.wins = dedupe.Winner([]dedupe.Copy{stored, copyOf(sourceID, st.CanonicalURL, st.Published)}) == 1
		found[st] = m
	}
	return nil
}

// SetDuplicateWindow sets how far apart two partners' copies of a story may
// arrive and still be one story (DuplicateWindow when not set or not
// positive). It is safe to call while the store is in use.
func (s *Store) SetDuplicateWindow(d time.Duration) {
	s.window.Store(int64(d))
}

func (s *Store) duplicateWindow() time.Duration {
	if d := time.Duration(s.window.Load()); d > 0 {
		return d
	}
	return DuplicateWindow
}

// partnerSite is the site a source's partner publishes on: the configured
// one, else the one its feed names, else its feed's own host.
func partnerSite(src sourceRow) string {
	if src.Site != "" {
		return src.Site
	}
	if src.FeedSite != "" {
		return src.FeedSite
	}
	u, err := url.Parse(src.URL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}
