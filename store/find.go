package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"wirefeed/dedupe"
)

// FindStory returns the stored story ref names, as an operator would name
// it: its numeric id in the store; the id it is published under in the
// feeds (FeedID, or for a story stored before copies were tracked its
// PublicID); a copy's own PublicID; or its link, compared in canonical
// form (so tracking parameters, http/https and "www." do not matter).
// Where several copies answer to ref (a link two partners carry), the one
// whose link is ref exactly is preferred, then the published copy, then
// the first stored. An unknown ref, or a story editors hid (HideStory),
// gives ErrNotFound.
func (s *Store) FindStory(ctx context.Context, ref string) (Story, error) {
	return s.findStory(ctx, ref, false)
}

// FindAnyStory is FindStory, hidden stories included (for editors).
func (s *Store) FindAnyStory(ctx context.Context, ref string) (Story, error) {
	return s.findStory(ctx, ref, true)
}

func (s *Store) findStory(ctx context.Context, ref string, withHidden bool) (Story, error) {
	ref = strings.TrimSpace(ref)
	db := s.db.WithContext(ctx)
	var found []storyRow
	take := func(q *gorm.DB) error {
		if !withHidden {
			q = q.Where(notHidden)
		}
		return q.Order("duplicate_of").Order("id").Limit(50).Find(&found).Error
	}
	var err error
	switch {
	case ref == "":
	case isDigits(ref):
		id, convErr := strconv.ParseInt(ref, 10, 64)
		if convErr == nil {
			err = take(db.Where("id = ?", id))
		}
	case strings.Contains(ref, "://") && !strings.HasPrefix(ref, "tag:"):
		canonical, cerr := dedupe.CanonicalURL(ref)
		if cerr != nil {
			break
		}
		if err = take(db.Where("canonical_url = ?", canonical)); err == nil {
			for i, st := range found {
				if st.Link == ref {
					found[0], found[i] = found[i], found[0]
					break
				}
			}
		}
	default:
		err = take(db.Where("feed_id = ?", ref))
		if err == nil && len(found) == 0 {
			// A copy's own id. Public ids name their source
			// ("tag:host,2026:SOURCE/…"), which keeps the look-up on the
			// identity index instead of scanning every story.
			if source, ok := publicIDSource(ref); ok {
				err = take(db.Where("source_id = ? AND public_id = ?", source, ref))
			}
		}
	}
	if err != nil {
		return Story{}, fmt.Errorf("store: find story %q: %w", ref, err)
	}
	if len(found) == 0 {
		return Story{}, fmt.Errorf("store: find story %q: %w", ref, ErrNotFound)
	}
	return found[0].story(), nil
}

// publicIDSource returns the source id a public id names.
func publicIDSource(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, "tag:")
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, ":") // past the authority and date
	source, _, slash := strings.Cut(rest, "/")
	return source, ok && slash && source != ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
