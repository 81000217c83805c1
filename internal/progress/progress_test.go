package progress

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"wirefeed/aggregator"
)

func TestTerminalDisplayDrawsStatusBelowResultsAndClearsIt(t *testing.T) {
	var out bytes.Buffer
	d := New(&out, true, 80, 3)
	took := func() string { s := out.String(); out.Reset(); return s }

	d.redraw()
	if got := took(); got != "\r\x1b[K[0/3] 0 new, 0 failed" {
		t.Errorf("first status line: %q", got)
	}
	d.started("nation")
	d.started("jiji")
	d.redraw()
	if got := took(); got != "\r\x1b[K[0/3] 0 new, 0 failed · 2 running: nation, jiji" {
		t.Errorf("status with two running: %q", got)
	}
	d.redraw()
	if got := took(); got != "" {
		t.Errorf("redrawn with nothing changed: %q", got)
	}

	// A result clears the status line and is written in its place; the
	// status comes back below it at the next redraw.
	d.finished(aggregator.Report{Source: "nation", New: 6, Items: 6, Took: 12 * time.Millisecond})
	if got := took(); got != "\r\x1b[Knation       6 new, 0 updated, 0 unchanged (6 items, 12ms)\n" {
		t.Errorf("result line: %q", got)
	}
	d.finished(aggregator.Report{Source: "kyodo", Err: errors.New("status 503")})
	if got := took(); got != "kyodo        error: status 503\n" {
		t.Errorf("second result, with no status line between: %q", got)
	}
	d.redraw()
	if got := took(); got != "\r\x1b[K[2/3] 6 new, 1 failed · 1 running: jiji" {
		t.Errorf("status after two results: %q", got)
	}
	d.clear()
	if got := took(); got != "\r\x1b[K" {
		t.Errorf("clearing: %q", got)
	}
	d.clear()
	if got := took(); got != "" {
		t.Errorf("cleared twice: %q", got)
	}
}

func TestTerminalStatusLineFitsTheWidth(t *testing.T) {
	var out bytes.Buffer
	d := New(&out, true, 40, 9)
	for _, id := range []string{"nation", "jiji", "kyodo", "bangkokpost", "yonhap"} {
		d.started(id)
	}
	d.redraw()
	line := strings.TrimPrefix(out.String(), "\r\x1b[K")
	if n := utf8.RuneCountInString(line); n != 39 || !strings.HasPrefix(line, "[0/9] 0 new, 0 failed · 5 running: na") || !strings.HasSuffix(line, "…") {
		t.Errorf("status on 40 columns = %q (%d columns), want 39 columns ending in …", line, n)
	}
}

func TestDisplayStartAndStop(t *testing.T) {
	var out bytes.Buffer
	d := New(&out, true, 80, 1)
	stop := d.Start()
	d.finished(aggregator.Report{Source: "nation", NotModified: true})
	d.redraw() // as the ticker may have done already
	stop()     // returns once the ticker's goroutine is gone
	got := out.String()
	if !strings.HasPrefix(got, "\r\x1b[K[0/1] 0 new, 0 failed\r\x1b[Knation       not modified (0s)\n\r\x1b[K[1/1] 0 new, 0 failed") ||
		!strings.HasSuffix(got, "[1/1] 0 new, 0 failed\r\x1b[K") {
		t.Errorf("terminal output: %q", got)
	}

	var plain bytes.Buffer
	p := New(&plain, false, 0, 1)
	stop = p.Start()
	p.started("nation")
	p.redraw()
	p.finished(aggregator.Report{Source: "nation", NotModified: true})
	stop()
	if got := plain.String(); got != "nation       not modified (0s)\n" {
		t.Errorf("plain output: %q", got)
	}
}

func TestOnlyTerminalsGetTheStatusLine(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, out := range map[string]any{"buffer": &bytes.Buffer{}, "file": f, "pipe": w} {
		if _, ok := TerminalWidth(out.(interface{ Write([]byte) (int, error) })); ok {
			t.Errorf("%s taken for a terminal", name)
		}
	}
}

func TestSourceAskedTwiceStaysRunning(t *testing.T) {
	var out bytes.Buffer
	d := New(&out, true, 80, 2)
	d.started("nation")
	d.finished(aggregator.Report{Source: "nation", Skipped: true})
	out.Reset()
	d.redraw()
	if got := out.String(); got != "\r\x1b[K[1/2] 0 new, 0 failed · 1 running: nation" {
		t.Errorf("status: %q", got)
	}
}
