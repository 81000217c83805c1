// Package progress shows a `wirefeed fetch` as it goes: each source's result
// as it finishes and, on a terminal, a status line below them.
package progress

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"wirefeed/aggregator"
)

// redrawEvery is the shortest time between two drawings of the status
// line.
const redrawEvery = 100 * time.Millisecond

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// Display shows a `wirefeed fetch` as it goes. Each source's result
// lines are written as soon as the source finishes. On a terminal a status
// line stays below them,
//
//	[12/40] 57 new, 2 failed · 3 running: nation, jiji, kyodo
//
// redrawn in place when it changed, at most every redrawEvery, and cleared
// at the end. Elsewhere (a file, a pipe) only the result lines are
// written: no carriage returns, no escape codes. No colour is used, so
// NO_COLOR has nothing to turn off.
type Display struct {
	w        io.Writer
	terminal bool
	width    int // columns; the status line is cut to fit

	mu       sync.Mutex
	total    int
	done     int
	running  []string // in the order they started
	newItems int
	failed   int
	dirty    bool // the status changed since it was last drawn
	shown    bool // a status line is on the screen
}

// New returns a display of total sources on w. terminal says
// whether w is a terminal width columns wide.
func New(w io.Writer, terminal bool, width, total int) *Display {
	return &Display{w: w, terminal: terminal, width: width, total: total, dirty: terminal}
}

// TerminalWidth reports whether w is a terminal that understands cursor
// movement, and its width in columns.
func TerminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("TERM") == "dumb" {
		return 0, false
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		width = 80
	}
	return width, true
}

// Progress returns the callbacks that feed the display.
func (d *Display) Progress() aggregator.Progress {
	return aggregator.Progress{Started: d.started, Finished: d.finished}
}

// started notes that a source's pull began.
func (d *Display) started(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.running = append(d.running, id)
	d.dirty = true
}

// finished writes a source's result lines, above the status line on a
// terminal (which is redrawn at the next tick).
func (d *Display) finished(rep aggregator.Report) {
	var buf bytes.Buffer
	writeReport(&buf, rep)
	d.mu.Lock()
	defer d.mu.Unlock()
	// A source asked for twice is pulled once; the other report says
	// Skipped and must not take it off the running list.
	if i := indexOf(d.running, rep.Source); i >= 0 && !rep.Skipped {
		d.running = append(d.running[:i], d.running[i+1:]...)
	}
	d.done++
	d.newItems += rep.New
	if rep.Err != nil {
		d.failed++
	}
	if d.shown {
		d.w.Write([]byte(clearLine))
		d.shown = false
	}
	d.w.Write(buf.Bytes())
	d.dirty = d.terminal
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// redraw draws the status line if it changed since it was last drawn.
func (d *Display) redraw() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.terminal || !d.dirty {
		return
	}
	d.w.Write([]byte(clearLine + d.status()))
	d.shown, d.dirty = true, false
}

// status is the status line, cut to the terminal's width (less one
// column, so that it never wraps).
func (d *Display) status() string {
	line := fmt.Sprintf("[%d/%d] %d new, %d failed", d.done, d.total, d.newItems, d.failed)
	if len(d.running) > 0 {
		line += fmt.Sprintf(" · %d running: %s", len(d.running), strings.Join(d.running, ", "))
	}
	if limit := d.width - 1; limit > 0 && utf8.RuneCountInString(line) > limit {
		runes := []rune(line)
		line = string(runes[:max(limit-1, 0)]) + "…"
	}
	return line
}

// Start begins redrawing the status line on a terminal, on a ticker, and
// returns the function that stops it and clears the line. Elsewhere there
// is nothing to start.
func (d *Display) Start() (stop func()) {
	if !d.terminal {
		return func() {}
	}
	d.redraw()
	ticker := time.NewTicker(redrawEvery)
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for {
			select {
			case <-ticker.C:
				d.redraw()
			case <-quit:
				return
			}
		}
	}()
	return func() {
		ticker.Stop()
		close(quit)
		<-exited
		d.clear()
	}
}

// clear erases the status line, if one is on the screen.
func (d *Display) clear() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.shown {
		d.w.Write([]byte(clearLine))
		d.shown = false
	}
}

// writeReport writes the lines that tell what one source's pull did.
func writeReport(w io.Writer, rep aggregator.Report) {
	if rep.Err != nil {
		fmt.Fprintf(w, "%-12s error: %v\n", rep.Source, rep.Err)
		return
	}
	took := rep.Took.Round(time.Millisecond)
	switch {
	case rep.Skipped:
		fmt.Fprintf(w, "%-12s skipped: already being pulled\n", rep.Source)
	case rep.Paused:
		fmt.Fprintf(w, "%-12s paused (name it to pull it anyway)\n", rep.Source)
	case rep.NotModified:
		fmt.Fprintf(w, "%-12s not modified (%s)\n", rep.Source, took)
	default:
		dup := ""
		if rep.Duplicates > 0 {
			dup = fmt.Sprintf(", %d of the new already carried by another partner", rep.Duplicates)
		}
		fmt.Fprintf(w, "%-12s %d new, %d updated, %d unchanged (%d items%s, %s)\n",
			rep.Source, rep.New, rep.Updated, rep.Unchanged, rep.Items, dup, took)
	}
	if rep.Discovered != "" {
		fmt.Fprintf(w, "%-12s found its feed at %s\n", "", rep.Discovered)
	}
	if rep.Moved != "" {
		fmt.Fprintf(w, "%-12s moved permanently to %s (update the config)\n", "", rep.Moved)
	}
}
