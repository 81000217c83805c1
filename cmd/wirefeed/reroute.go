package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"wirefeed/daemon"
	"wirefeed/internal/htmltext"
	"wirefeed/store"
)

// runReroute places stored stories in the sections the current config
// routes them to: after an editor changed rules or category maps, stories
// already stored follow, not only new ones.
func runReroute(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st, err := daemon.OpenStore(cfg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	var since time.Time
	if e.since > 0 {
		since = time.Now().Add(-e.since)
	}
	res, err := daemon.Reroute(ctx, st, cfg, since, e.dryRun)
	if err != nil {
		return err
	}
	writeReroute(e.stdout, res, e.dryRun)
	return nil
}

// writeReroute says what a reroute moved, section by section.
func writeReroute(w io.Writer, res store.RerouteResult, dryRun bool) {
	verb := "moved"
	if dryRun {
		verb = "would move"
	}
	fmt.Fprintf(w, "%d stories routed again: %s %d\n", res.Examined, verb, res.Moved)
	sections := slices.Sorted(maps.Keys(res.Added))
	for id := range res.Removed {
		if _, ok := res.Added[id]; !ok {
			sections = append(sections, id)
		}
	}
	slices.Sort(sections)
	for _, id := range sections {
		var parts []string
		if n := res.Added[id]; n > 0 {
			parts = append(parts, fmt.Sprintf("+%d", n))
		}
		if n := res.Removed[id]; n > 0 {
			parts = append(parts, fmt.Sprintf("-%d", n))
		}
		fmt.Fprintf(w, "  %-12s %s\n", id, strings.Join(parts, " "))
	}
	if len(res.Stories) > 0 {
		fmt.Fprintln(w, "stories:")
	}
	for _, st := range res.Stories {
		var moves []string
		for _, sec := range st.Removed {
			moves = append(moves, "-"+sec)
		}
		for _, sec := range st.Added {
			moves = append(moves, "+"+sec)
		}
		fmt.Fprintf(w, "  %d %s (%s): %s\n", st.ID, oneLine(htmltext.TextOrHTML(st.Title)), st.SourceID, strings.Join(moves, " "))
	}
	if res.Moved > 0 && !dryRun {
		fmt.Fprintln(w, "running daemons re-render the changed sections within a second")
	}
}
