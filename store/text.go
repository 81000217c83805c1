package store

import (
	"strings"
	"unicode/utf8"
)

// storable makes s storable in every dialect, so a partner's bytes behave
// the same on SQLite and PostgreSQL: PostgreSQL refuses NUL characters and
// invalid UTF-8 in text, so NULs are dropped and invalid bytes become
// U+FFFD. Clean text, nearly all of it, is returned as it is.
func storable(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// maxIndexedURL bounds the canonical URLs kept for duplicate matching: an
// index entry must stay small in every dialect, and no real story link is
// this long.
const maxIndexedURL = 2048

// storableStory returns st, or a copy of it with its text made storable;
// the caller's story is never changed.
func storableStory(st *Story) *Story {
	clean := len(st.CanonicalURL) <= maxIndexedURL
	for _, f := range textFields(st) {
		if storable(*f) != *f {
			clean = false
			break
		}
	}
	if clean {
		return st
	}
	cp := *st
	for _, f := range textFields(&cp) {
		*f = storable(*f)
	}
	if len(cp.CanonicalURL) > maxIndexedURL {
		cp.CanonicalURL = "" // matched by text alone
	}
	return &cp
}

// textFields are the story's columns of plain text. (Authors, categories
// and enclosures are stored as JSON, which escapes what needs escaping.)
func textFields(st *Story) []*string {
	return []*string{&st.Key, &st.PublicID, &st.GUID, &st.Link, &st.Title, &st.Summary, &st.Content,
		&st.Image, &st.Language, &st.CanonicalURL, &st.ContentHash}
}
