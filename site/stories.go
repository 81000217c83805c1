package site

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"wirefeed/config"
	"wirefeed/publisher"
	"wirefeed/store"
)

// leadRunes is how much of a story's lead a list shows.
const leadRunes = 240

// when is t for a person, in the site's zone, and for machines, in UTC.
func (s *Site) when(t time.Time) timeView {
	if t.IsZero() {
		return timeView{}
	}
	return timeView{Text: t.In(s.loc).Format("2 Jan 2006 15:04 MST"), ISO: t.UTC().Format(time.RFC3339)}
}

// articlePath is the path of a story's page under a section it is in:
// /sections/nation/123-thai-police-secure-pledge. The number finds the
// story; the words are for people, and a story whose title changed
// answers its old words with a redirect to the new ones.
func articlePath(sectionID string, st *store.Story, title string) string {
	return "/sections/" + sectionID + "/" + strconv.FormatInt(st.ID, 10) + "-" + url.PathEscape(slug(title))
}

// maxSlugRunes bounds the words of an article's URL.
const maxSlugRunes = 60

// slug is a title as URL words: letters (any script, lower-cased), digits
// and combining marks, runs of anything else made one "-", cut at a word
// boundary near maxSlugRunes.
func slug(title string) string {
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) {
			if dash && b.Len() > 0 {
				if n >= maxSlugRunes {
					break
				}
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			n++
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "story"
	}
	return b.String()
}

// langOf is a story's language as a tag for lang attributes: the
// partner's when it is a well-formed tag, else guessed from the script of
// its title (Thai, Japanese, Korean, Chinese), else "".
func langOf(st *store.Story) string {
	script := scriptLang(st.Title)
	tag := strings.TrimSpace(st.Language)
	if !validTag(tag) {
		return script
	}
	primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
	switch primary {
	case "th", "ja", "zh", "ko":
		// A wire declaring one language for a feed that mixes: a title
		// without that language's script is not in it.
		if script != primary {
			return script
		}
	}
	return tag
}

// scriptLang guesses a language from the script of text: Thai, Japanese
// (kana), Korean, Chinese (Han without kana), else "".
func scriptLang(text string) string {
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Thai, r):
			return "th"
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			return "ja"
		case unicode.Is(unicode.Hangul, r):
			return "ko"
		}
	}
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			return "zh"
		}
	}
	return ""
}

// validTag reports whether s has the shape of a BCP 47 language tag.
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for i, sub := range strings.Split(s, "-") {
		if len(sub) < 1 || len(sub) > 8 || (i == 0 && len(sub) > 3 && len(sub) < 5) {
			return false
		}
		for _, c := range []byte(sub) {
			letter := 'a' <= c|0x20 && c|0x20 <= 'z'
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// source is the config's source of that id, named by its id when the
// config no longer has it.
func (s *Site) source(id string) config.Source {
	if src, ok := s.cfg.SourceByID(id); ok {
		return src
	}
	return config.Source{ID: id, Name: id, Attribution: "Provided by " + id}
}

// link is a story's headline linking to its page under sectionID.
func (s *Site) link(sectionID string, st *store.Story) storyLink {
	title := s.pub.Clean(st).Title
	return storyLink{
		Title:   title,
		URL:     s.base + articlePath(sectionID, st, title),
		Lang:    langOf(st),
		Partner: publisher.PlainText(s.source(st.SourceID).Name),
		Time:    s.when(st.Published),
	}
}

// card is a story in a list: its link, the start of its lead and its
// picture.
func (s *Site) card(sectionID string, st *store.Story) storyCard {
	c := storyCard{storyLink: s.link(sectionID, st)}
	text := s.pub.Clean(st)
	lead := text.Summary
	if lead == "" {
		lead = text.Content
	}
	c.Lead = cut(publisher.PlainText(lead), leadRunes)
	if p, ok := s.thumbnail(st); ok {
		c.Photo = &p
	}
	return c
}

// cut shortens text to about n runes at a word boundary, with an ellipsis.
func cut(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	end := n
	for end > n*3/4 && !unicode.IsSpace(r[end]) {
		end--
	}
	if end <= n*3/4 {
		end = n // no space nearby: Thai, Japanese
	}
	return strings.TrimSpace(string(r[:end])) + "…"
}
