package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/opml"
)

// runImport adds the feeds of an OPML list to the config file:
// "wirefeed import opml FILE" ("-" reads standard input).
func runImport(_ context.Context, e *env, args []string) error {
	if len(args) != 2 || args[0] != "opml" {
		return fmt.Errorf("usage: wirefeed import [-fallback SECTION] opml FILE")
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	var in io.Reader = os.Stdin
	if args[1] != "-" {
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	doc, err := config.ReadDocument(cfg.Path)
	if err != nil {
		return err
	}
	res, err := opml.Import(in, doc, cfg, e.fallback)
	if err != nil {
		return fmt.Errorf("%s: %w", args[1], err)
	}
	if len(res.Sources) == 0 {
		fmt.Fprintf(e.stdout, "nothing to add: all %d feeds are already configured\n", len(res.Skipped))
		return nil
	}
	if _, err := doc.Save(); err != nil {
		return fmt.Errorf("import refused, %s is unchanged:\n%w", cfg.Path, err)
	}
	fmt.Fprintf(e.stdout, "added %d sources to %s: %s\n", len(res.Sources), cfg.Path, strings.Join(res.Sources, ", "))
	if len(res.Sections) > 0 {
		fmt.Fprintf(e.stdout, "added %d sections: %s\n", len(res.Sections), strings.Join(res.Sections, ", "))
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintf(e.stdout, "skipped %d feeds already configured\n", len(res.Skipped))
	}
	if len(res.Unrouted) > 0 {
		fmt.Fprintf(e.stdout, "in no section (stored but not published until routed; see -fallback): %s\n", strings.Join(res.Unrouted, ", "))
	}
	fmt.Fprintln(e.stdout, "a running daemon picks the change up by itself")
	return nil
}

// runExport writes the config's sources and sections as an OPML list:
// "wirefeed export opml".
func runExport(_ context.Context, e *env, args []string) error {
	if len(args) != 1 || args[0] != "opml" {
		return fmt.Errorf("usage: wirefeed export opml")
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	return opml.Export(e.stdout, cfg, time.Now())
}
