package site

import (
	"net/http"
	"strings"

	"wirefeed/publisher"
)

// The text-size control works without JavaScript and without making
// pages differ per reader: a plain link sets a cookie and comes back, and
// every page links sizeCSSPath, a few bytes of CSS chosen by that cookie.
// The pages themselves stay one cached rendering for everyone.

// sizeCookie names the reader's choice; it holds a size's name, nothing
// else, and is never sent to a third party.
const sizeCookie = "textsize"

// sizeCSSPath serves the stylesheet of the reader's text size.
const sizeCSSPath = "/textsize.css"

// textSize is one step of the control: the article text's size, and the
// stylesheet that applies it and marks the step chosen.
type textSize struct {
	name string
	css  []byte
}

var textSizes = []textSize{
	{"small", sizeSheet("small", "1rem")},
	{"medium", sizeSheet("medium", "1.125rem")},
	{"large", sizeSheet("large", "1.375rem")},
}

// defaultSize is the size of a reader who chose none.
const defaultSize = 1

func sizeSheet(name, size string) []byte {
	return []byte(":root{--article-size:" + size + "}\n.ts-" + name +
		"{font-weight:700;text-decoration:none;border-bottom:2px solid currentColor}\n")
}

// chosenSize is the reader's text size from the request's cookie.
func chosenSize(r *http.Request) textSize {
	if c, err := r.Cookie(sizeCookie); err == nil {
		for _, s := range textSizes {
			if s.name == c.Value {
				return s
			}
		}
	}
	return textSizes[defaultSize]
}

// serveTextSizeCSS serves the stylesheet of the reader's text size. It
// varies with the cookie, so it is private and revalidated on every page
// (its ETag differs per size: a changed choice is a 200, else a 304).
func serveTextSizeCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Vary", "Cookie")
	publisher.ServePageOnce(w, r, publisher.Page{
		Body: chosenSize(r).css, ContentType: "text/css; charset=utf-8", CacheControl: "private, no-cache",
	})
}

// serveTextSizeChoice answers /textsize?size=large&back=/path: it keeps
// the choice in a cookie for a year and sends the reader back to the page
// the link was on (a path of this site only: never an open redirect).
func serveTextSizeChoice(w http.ResponseWriter, r *http.Request) {
	size := r.URL.Query().Get("size")
	known := false
	for _, s := range textSizes {
		known = known || s.name == size
	}
	if !known {
		http.Error(w, "size: want small, medium or large", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sizeCookie, Value: size, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, localPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// localPath is back when it is a path on this site, else "/".
func localPath(back string) string {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n\t") {
		return "/"
	}
	return back
}
