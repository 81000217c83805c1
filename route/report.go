package route

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/store"
)

// Stories is what WriteReport reads of the store (a *store.Store).
type Stories interface {
	StoryCopies(ctx context.Context, feedID string) ([]store.Story, error)
	StorySections(ctx context.Context, storyID int64) ([]string, error)
	FindStory(ctx context.Context, ref string) (store.Story, error)
}

// WriteReport writes what `wirefeed route` shows of a stored story: its
// identity, each routing step under cfg with the config line behind it
// (when explain is set), the sections it is stored in, and why they differ
// when they do.
func WriteReport(ctx context.Context, w io.Writer, cfg *config.Config, st Stories, story store.Story, explain bool) error {
	return report{cfg: cfg, store: st, w: w}.write(ctx, story, explain)
}

// report writes what `wirefeed route` shows of one story.
type report struct {
	cfg   *config.Config
	store Stories
	w     io.Writer
}

func (r report) write(ctx context.Context, st store.Story, explain bool) error {
	copies, err := r.copies(ctx, st)
	if err != nil {
		return err
	}
	stored, err := r.store.StorySections(ctx, st.ID)
	if err != nil {
		return err
	}
	w := r.w
	fmt.Fprintf(w, "story %d: %s\n", st.ID, st.Title)
	feedID := cmp.Or(st.FeedID, st.PublicID)
	fmt.Fprintf(w, "  feed id:    %s\n", feedID)
	fmt.Fprintf(w, "  source:     %s\n", r.sourceName(st.SourceID))
	fmt.Fprintf(w, "  categories: %s\n", orNone(quoteAll(st.Categories)))
	fmt.Fprintf(w, "  link:       %s\n", orNone(st.Link))
	fmt.Fprintf(w, "  published:  %s (first seen %s, updated %s)\n", stamp(st.Published), stamp(st.FirstSeen), stamp(st.Updated))
	if len(copies) > 1 {
		parts := make([]string, len(copies))
		for i, c := range copies {
			role := "alternate"
			if c.DuplicateOf == 0 {
				role = "published"
			}
			parts[i] = fmt.Sprintf("story %d from %s (%s)", c.ID, c.SourceID, role)
		}
		fmt.Fprintf(w, "  copies:     %s\n", strings.Join(parts, ", "))
	}

	exp := New(r.cfg).Explain(Story{Source: st.SourceID, Title: st.Title,
		Summary: st.Summary, Content: st.Content, Categories: st.Categories})
	if explain {
		fmt.Fprintf(w, "\nrouting under %s:\n", r.cfg.Path)
		for i, s := range exp.Steps {
			fmt.Fprintf(w, "  %d. %s\n", i+1, s)
		}
	}
	fmt.Fprintf(w, "\nsections now: %s\n", r.sectionList(exp.Sections))

	if st.DuplicateOf != 0 {
		return r.writeAlternate(ctx, st, copies)
	}
	fmt.Fprintf(w, "stored in:    %s\n", r.sectionList(stored))
	if sameSet(stored, exp.Sections) {
		return nil
	}
	var lines []string
	if added := missing(exp.Sections, stored); len(added) > 0 {
		lines = append(lines, "under the current config the story would also go to "+strings.Join(added, ", "))
	}
	if gone := missing(stored, exp.Sections); len(gone) > 0 {
		lines = append(lines, "under the current config it would no longer be in "+strings.Join(gone, ", "))
	}
	fmt.Fprintf(w, "differs:      %s.\n", strings.Join(lines, "; "))
	fmt.Fprintf(w, "              Sections are decided when a story is stored, or when its partner edits it,\n"+
		"              under the config of that time: the config has changed since. It moves\n"+
		"              when its partner next edits it, or now with `wirefeed reroute`.\n")
	return nil
}

// writeAlternate explains that an alternate copy is in no section.
func (r report) writeAlternate(ctx context.Context, st store.Story, copies []store.Story) error {
	var primary *store.Story
	for i := range copies {
		if copies[i].ID == st.DuplicateOf {
			primary = &copies[i]
		}
	}
	if primary == nil {
		p, err := r.store.FindStory(ctx, strconv.FormatInt(st.DuplicateOf, 10))
		if err != nil {
			return err
		}
		primary = &p
	}
	sections, err := r.store.StorySections(ctx, primary.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.w, "stored in:    no section: this copy is an alternate of story %d, %s's copy of the same story,\n"+
		"              which is published in its place (under the same feed id) and is in %s.\n"+
		"              Only the published copy is placed in sections; the sections above apply\n"+
		"              if this copy is ever published instead.\n",
		primary.ID, primary.SourceID, r.sectionList(sections))
	return nil
}

// copies returns every stored copy of st's story, published first.
func (r report) copies(ctx context.Context, st store.Story) ([]store.Story, error) {
	copies, err := r.store.StoryCopies(ctx, cmp.Or(st.FeedID, st.PublicID))
	if errors.Is(err, store.ErrNotFound) {
		return []store.Story{st}, nil
	}
	return copies, err
}

func (r report) sourceName(id string) string {
	if src, ok := r.cfg.SourceByID(id); ok {
		if src.Name != id {
			return id + " (" + src.Name + ")"
		}
		return id
	}
	return id + " (no longer in the config)"
}

// sectionList names sections, marking those the config no longer has.
func (r report) sectionList(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id
		if _, ok := r.cfg.Section(id); !ok {
			parts[i] += " (no longer in the config)"
		}
	}
	return strings.Join(parts, ", ")
}

// missing returns the ids of a that b lacks.
func missing(a, b []string) []string {
	var out []string
	for _, id := range a {
		if !slices.Contains(b, id) {
			out = append(out, id)
		}
	}
	return out
}

func sameSet(a, b []string) bool { return len(missing(a, b)) == 0 && len(missing(b, a)) == 0 }

func quoteAll(list []string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = strconv.Quote(s)
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}
