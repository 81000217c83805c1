package site_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"wirefeed/internal/browsertest"
)

// The browser tests drive headless chromium through browsertest, one
// process for the package.
var browser browsertest.Browser

func needTool(t testing.TB, err error) { t.Helper(); browsertest.NeedTool(t, err) }

type consoleErrors = browsertest.Errors

func newTab(t *testing.T) (context.Context, *consoleErrors) { t.Helper(); return browser.NewTab(t) }

// run runs actions in the tab with a time limit.
func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	browsertest.Run(t, ctx, actions...)
}

// boxesIn returns the characters of the first node matching sel that
// the browser draws as the missing-glyph box: each character is drawn
// alone on a canvas in the node's font, and compared pixel for pixel with
// a character no font has (private use U+E000), whose box is the same for
// every missing character.
func boxesIn(t *testing.T, ctx context.Context, sel string) (chars int, boxes string) {
	t.Helper()
	var got struct {
		Chars int
		Boxes string
	}
	run(t, ctx, chromedp.Evaluate(`(() => {
		const el = document.querySelector(`+strconv.Quote(sel)+`);
		const c = document.createElement('canvas');
		c.width = 120; c.height = 120;
		const g = c.getContext('2d', {willReadFrequently: true});
		const draw = ch => {
			g.clearRect(0, 0, 120, 120);
			g.font = getComputedStyle(el).font; g.textBaseline = 'top'; g.fillStyle = '#000';
			g.fillText(ch, 10, 10);
			return g.getImageData(0, 0, 120, 120).data;
		};
		const box = draw('\uE000');
		const same = d => d.every((v, i) => v === box[i]);
		const chars = [...new Set([...el.textContent].filter(ch => ch.trim() !== ''))];
		return {Chars: chars.length, Boxes: chars.filter(ch => same(draw(ch))).join('')};
	})()`, &got))
	return got.Chars, got.Boxes
}

// renderedWithGlyphs fails unless every character of the first node
// matching sel is drawn with a real glyph.
func renderedWithGlyphs(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	chars, boxes := boxesIn(t, ctx, sel)
	if chars == 0 || boxes != "" {
		t.Errorf("%s: of %d characters, %q are drawn as missing-glyph boxes", sel, chars, boxes)
	}
}

// evalBool evaluates js, awaiting it if it is a promise.
func evalBool(t *testing.T, ctx context.Context, js string) bool {
	t.Helper()
	var ok bool
	run(t, ctx, chromedp.Evaluate(js, &ok, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	return ok
}

func evalString(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	var s string
	run(t, ctx, chromedp.Evaluate(js, &s))
	return s
}

func TestBrowserReading(t *testing.T) {
	s := newTestSite(t)
	ctx, errs := newTab(t)
	article := hrefOf(t, s.page(t, "/sections/nation"), "Bangkok opens floating night market on Chao Phraya riverbank")
	thai := hrefOf(t, s.page(t, "/sections/nation"), "เชียงใหม่เตรียมรับนักท่องเที่ยวช่วงเทศกาลลอยกระทง")
	japanese := hrefOf(t, s.page(t, "/sections/economy"), "日銀、金利を据え置き\u3000物価見通しを上方修正")

	t.Run("front page shows each section's newest headline", func(t *testing.T) {
		run(t, ctx, chromedp.Navigate(s.base+"/"))
		for _, sec := range s.daemon.Config().Sections {
			query := sec.ID
			if sec.All {
				query = ""
			}
			newest, err := s.daemon.Store().SectionStories(context.Background(), query, 1)
			if err != nil {
				t.Fatalf("%s: %v", sec.ID, err)
			}
			if len(newest) == 0 {
				if !evalBool(t, ctx, `document.querySelector('#sec-`+sec.ID+`').closest('section').textContent.includes('No stories yet.')`) {
					t.Errorf("%s has no story and does not say so", sec.ID)
				}
				continue
			}
			shown := evalString(t, ctx, `document.querySelector('#sec-`+sec.ID+`').closest('section').querySelector('h3').textContent`)
			if strings.Join(strings.Fields(shown), " ") != strings.Join(strings.Fields(newest[0].Title), " ") {
				t.Errorf("%s leads with %q, want its newest story %q", sec.ID, shown, newest[0].Title)
			}
		}
	})

	t.Run("article page", func(t *testing.T) {
		run(t, ctx, chromedp.Navigate(article), chromedp.WaitReady(".photo img", chromedp.ByQuery))
		crumbs := evalString(t, ctx, `[...document.querySelectorAll('.crumbs li')].map(li => li.textContent.trim()).join(' > ')`)
		if crumbs != "Home > Nation > Article" {
			t.Errorf("breadcrumb %q", crumbs)
		}
		if got := evalString(t, ctx, `document.querySelector('.attribution').textContent`); got != "Provided by Test Nation." {
			t.Errorf("attribution %q", got)
		}
		if !evalBool(t, ctx, `document.querySelector('.article-text').textContent.includes('waste would be collected by boat twice a night')`) {
			t.Error("the full text is not shown")
		}
		if !evalBool(t, ctx, `(async () => { const img = document.querySelector('.photo img'); await img.decode(); return img.naturalWidth === 600 && img.alt !== ''; })()`) {
			t.Error("the photo did not load, or has no alt text")
		}
	})

	t.Run("text size persists across pages", func(t *testing.T) {
		size := func() string {
			return evalString(t, ctx, `getComputedStyle(document.querySelector('.article-text .body p')).fontSize`)
		}
		run(t, ctx, chromedp.Navigate(article))
		if got := size(); got != "18px" {
			t.Fatalf("article text %s before a choice, want 18px", got)
		}
		run(t, ctx, chromedp.Click("a.ts-large", chromedp.ByQuery), chromedp.WaitReady(".article-text", chromedp.ByQuery))
		if got := size(); got != "22px" {
			t.Errorf("after choosing large: %s, want 22px", got)
		}
		run(t, ctx, chromedp.Navigate(thai))
		if got := size(); got != "22px" {
			t.Errorf("on the next article: %s, want the large 22px kept", got)
		}
		run(t, ctx, chromedp.Click("a.ts-small", chromedp.ByQuery), chromedp.WaitReady(".article-text", chromedp.ByQuery))
		if got := size(); got != "16px" {
			t.Errorf("after choosing small: %s, want 16px", got)
		}
		run(t, ctx, chromedp.Click("a.ts-medium", chromedp.ByQuery), chromedp.WaitReady(".article-text", chromedp.ByQuery))
	})

	t.Run("Thai and Japanese render with glyphs", func(t *testing.T) {
		run(t, ctx, chromedp.Navigate(thai))
		renderedWithGlyphs(t, ctx, "article h1")
		run(t, ctx, chromedp.Navigate(japanese))
		renderedWithGlyphs(t, ctx, "article h1")
		// The check itself: characters no font has are caught.
		run(t, ctx, chromedp.Evaluate(`document.querySelector('article h1').insertAdjacentHTML('afterend', '<p id="boxes">a\uE001\uE002</p>')`, nil))
		if chars, boxes := boxesIn(t, ctx, "#boxes"); chars != 3 || boxes != "\uE001\uE002" {
			t.Errorf("the check finds %q of %d characters drawn as boxes, want the two private-use ones", boxes, chars)
		}
	})

	t.Run("phone width has no horizontal scroll", func(t *testing.T) {
		run(t, ctx, emulation.SetDeviceMetricsOverride(375, 812, 2, true))
		defer run(t, ctx, emulation.ClearDeviceMetricsOverride())
		for _, u := range []string{s.base + "/", s.base + "/sections/nation", article, thai, japanese} {
			run(t, ctx, chromedp.Navigate(u))
			var w struct{ Scroll, Inner float64 }
			run(t, ctx, chromedp.Evaluate(`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`, &w))
			if w.Inner != 375 || w.Scroll > w.Inner {
				t.Errorf("%s at 375px: content %vpx wide in a %vpx window", u, w.Scroll, w.Inner)
			}
		}
	})

	if dir := os.Getenv("WIREFEED_SCREENSHOTS"); dir != "" {
		screenshots(t, ctx, dir, map[string]string{"front": s.base + "/", "section": s.base + "/sections/nation", "article": article})
	}
	errs.Check(t)
}

// screenshots saves each page at desktop and phone widths as
// dir/NAME-desktop.png and dir/NAME-phone.png.
func screenshots(t *testing.T, ctx context.Context, dir string, pages map[string]string) {
	for name, u := range pages {
		for _, size := range []struct {
			name          string
			width, height int64
			mobile        bool
		}{{"desktop", 1280, 1000, false}, {"phone", 375, 900, true}} {
			var png []byte
			run(t, ctx, emulation.SetDeviceMetricsOverride(size.width, size.height, 1, size.mobile),
				chromedp.Navigate(u), chromedp.CaptureScreenshot(&png))
			if err := os.WriteFile(filepath.Join(dir, name+"-"+size.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(t, ctx, emulation.ClearDeviceMetricsOverride())
}
