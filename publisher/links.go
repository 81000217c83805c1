package publisher

import (
	"net/mail"
	"net/url"
	"strings"
)

// webURL returns raw as an absolute http or https URL: as it is when it
// already is one, resolved against base when it is relative (and base is not
// nil), and "" otherwise. Every URL a feed links to passes through it, so
// none can be relative (meaningless once republished) or use a scheme such
// as javascript: or data:.
func webURL(raw string, base *url.URL) string {
	raw = strings.Trim(xmlSafe(raw), htmlSpace)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		if base == nil {
			return ""
		}
		u = base.ResolveReference(u)
		raw = u.String()
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return raw
}

// storyBase parses a story's link for resolving the relative URLs in and
// around the story; nil when the link is not an absolute http(s) URL.
func storyBase(link string) *url.URL {
	if link == "" {
		return nil
	}
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	return u
}

// emailAddress returns s if it is a bare e-mail address (an RFC 5322
// addr-spec, as Atom's email element and RSS's author require), else "".
func emailAddress(s string) string {
	s = strings.TrimSpace(xmlSafe(s))
	if s == "" {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return ""
	}
	return s
}
