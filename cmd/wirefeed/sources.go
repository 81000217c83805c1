package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"wirefeed/daemon"
	"wirefeed/web"
)

// runSources prints each source's fetch state.
func runSources(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st, err := daemon.OpenStore(cfg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := web.SourceStatuses(ctx, cfg, st, nil, time.Now())
	if err != nil {
		return err
	}
	return writeSourceTable(e.stdout, rows, cfg.SiteLocation())
}

// writeSourceTable prints statuses as an aligned text table.
// Times are shown in loc, the site's zone.
func writeSourceTable(w io.Writer, rows []web.SourceStatus, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tLAST ATTEMPT\tLAST SUCCESS\tHTTP\tITEMS\tUNDATED\tFAILURES\tNEXT RUN\tLAST ERROR")
	for _, r := range rows {
		status := "-"
		if r.HTTPStatus != 0 {
			status = fmt.Sprint(r.HTTPStatus)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", r.ID, web.When(r.LastAttempt, loc), web.When(r.LastSuccess, loc),
			status, r.ItemsSeen, r.Undated, r.Failures, nextRun(r, loc), oneLine(r.LastError))
	}
	return tw.Flush()
}

func nextRun(r web.SourceStatus, loc *time.Location) string {
	if r.Disabled {
		return "disabled(410)"
	}
	if r.Paused {
		return "paused"
	}
	return web.When(r.NextRun, loc)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	if s == "" {
		return "-"
	}
	return s
}
