// Package browsertest drives Debian's chromium, headless, for the tests
// of server-rendered pages (the reading site, the editors' console), and
// finds the Nu Html Checker that validates them. Without the tools a
// developer's run skips those tests, saying why; in CI (CI=true) they
// fail, since .ci/run installs them.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Browser is one chromium process a test package shares; each test opens
// a tab in it. The zero value is ready; it starts on the first NewTab.
type Browser struct {
	once sync.Once
	ctx  context.Context
	err  error
}

// ChromiumPath is Debian's chromium, or $WIREFEED_CHROMIUM.
func ChromiumPath() (string, error) {
	if p := os.Getenv("WIREFEED_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found (apt-get install chromium fonts-noto-cjk fonts-thai-tlwg, or set WIREFEED_CHROMIUM)")
}

// NeedTool fails the test in CI, where the tool must be installed, and
// skips it elsewhere.
func NeedTool(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and a tool the test needs is missing: %v", err)
	}
	t.Skipf("skipped: %v", err)
}

// NewTab opens a tab of the browser, closed when the test ends, and
// records what its pages log as errors.
func (b *Browser) NewTab(t *testing.T) (context.Context, *Errors) {
	t.Helper()
	b.once.Do(b.start)
	if b.err != nil {
		NeedTool(t, b.err)
	}
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	errs := &Errors{}
	chromedp.ListenTarget(ctx, errs.listen)
	if err := chromedp.Run(ctx, log.Enable(), runtime.Enable()); err != nil {
		t.Fatal(err)
	}
	return ctx, errs
}

// start starts the process; it ends with the test binary.
func (b *Browser) start() {
	path, err := ChromiumPath()
	if err != nil {
		b.err = err
		return
	}
	dir, err := os.MkdirTemp("", "wirefeed-chromium-")
	if err != nil {
		b.err = err
		return
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(dir),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		// Without these Chromium dials out, and on a closed network its
		// connections are refused.
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Run(bctx); err != nil { // starts the process
		cancelBrowser()
		cancelAlloc()
		b.err = fmt.Errorf("start %s: %w", path, err)
		return
	}
	b.ctx = bctx
}

// Errors collects what pages report as errors: exceptions,
// console.error, and the browser's own log entries of level error (a
// refused Content-Security-Policy, a failed load).
type Errors struct {
	mu   sync.Mutex
	list []string
}

func (c *Errors) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.APITypeError {
			msg = "console.error"
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.LevelError {
			msg = ev.Entry.Text + " " + ev.Entry.URL
		}
	}
	if msg != "" {
		c.mu.Lock()
		c.list = append(c.list, msg)
		c.mu.Unlock()
	}
}

// Check fails the test for every error the pages reported, except those
// containing one of expected (e.g. the status of a form refused on
// purpose).
func (c *Errors) Check(t *testing.T, expected ...string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
next:
	for _, e := range c.list {
		for _, x := range expected {
			if strings.Contains(e, x) {
				continue next
			}
		}
		t.Errorf("the browser reported an error: %s", e)
	}
}

// Run runs actions in the tab with a time limit.
func Run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// VNUJar finds the Nu Html Checker: $WIREFEED_VNU_JAR, else where .ci/run
// installs the npm package vnu-jar.
func VNUJar() (string, error) {
	if p := os.Getenv("WIREFEED_VNU_JAR"); p != "" {
		return p, nil
	}
	home, _ := os.UserHomeDir()
	p := filepath.Join(home, ".cache", "wirefeed-vnu", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("vnu.jar not found at %s (npm install --prefix ~/.cache/wirefeed-vnu vnu-jar, or set WIREFEED_VNU_JAR)", p)
	}
	if _, err := exec.LookPath("java"); err != nil {
		return "", errors.New("java not found: the Nu Html Checker runs on Java")
	}
	return p, nil
}
