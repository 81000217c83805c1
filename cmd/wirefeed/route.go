package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"wirefeed/daemon"
	"wirefeed/route"
	"wirefeed/store"
)

// runRoute explains how the current config routes a stored story, and
// compares the result with the sections the story is stored in.
func runRoute(ctx context.Context, e *env, args []string) error {
	// "route STORY --explain" reads as well as "route --explain STORY".
	args = slices.DeleteFunc(args, func(a string) bool { return a == "--explain" || a == "-explain" })
	if len(args) != 1 {
		return fmt.Errorf("want one STORY (its id in a feed, its number in the store, or its link), got %d arguments", len(args))
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	// Opening would create an empty database; say what is wrong instead.
	st, err := daemon.OpenStore(cfg, true)
	if err != nil {
		return err
	}
	defer st.Close()

	// A story editors hid is explained too: they may ask why it was where it was.
	story, err := st.FindAnyStory(ctx, args[0])
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no story %q in %s: give the id a feed item carries (tag:…), the story's number in the store, or its link", args[0], cfg.Storage.Database())
	}
	if err != nil {
		return err
	}
	return route.WriteReport(ctx, e.stdout, cfg, store.WithHidden{Store: st}, story, e.explain)
}
