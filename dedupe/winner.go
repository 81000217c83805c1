package dedupe

import (
	"net/url"
	"strings"
	"time"
)

// DefaultPriority is the priority of a partner that has none (a Priority of
// zero or less).
const DefaultPriority = 100

// Copy is one partner's copy of a story, as the rule that picks the copy
// to publish sees it.
type Copy struct {
	// Priority is the partner's priority: lower wins (1 is the highest);
	// zero or less counts as DefaultPriority.
	Priority int
	// Site is the host of the partner's own web site (e.g.
	// "nationthailand.com"), or "".
	Site string
	// Link is the copy's link, best in canonical form (CanonicalURL).
	Link string
	// Published is when the partner says it published the copy; zero when
	// it does not say.
	Published time.Time
}

// Outranks reports whether copy a is to be published rather than copy b:
// a's partner has the higher priority (the lower number), or the two have
// the same priority and a's partner's own site hosts a's link while b's
// does not. Copies that neither outranks are equals; see Winner.
func Outranks(a, b Copy) bool {
	pa, pb := a.priority(), b.priority()
	if pa != pb {
		return pa < pb
	}
	return a.hostsOwn() && !b.hostsOwn()
}

// Winner returns the index of the copy to publish among copies, which are
// listed in the order they were first seen: the one no other copy
// outranks; among equals the earliest published (a copy without a date
// never wins on dates), then the first seen. It returns -1 when copies is
// empty.
func Winner(copies []Copy) int {
	best := -1
	for i, c := range copies {
		if best < 0 || Outranks(c, copies[best]) || !Outranks(copies[best], c) && publishedBefore(c, copies[best]) {
			best = i
		}
	}
	return best
}

// publishedBefore reports whether a is dated, and earlier than b or b is
// undated.
func publishedBefore(a, b Copy) bool {
	return !a.Published.IsZero() && (b.Published.IsZero() || a.Published.Before(b.Published))
}

func (c Copy) priority() int {
	if c.Priority <= 0 {
		return DefaultPriority
	}
	return c.Priority
}

// hostsOwn reports whether the copy's link lies on its partner's site.
func (c Copy) hostsOwn() bool { return HostedBy(c.Link, c.Site) }

// HostedBy reports whether link lies on site or one of its subdomains. A
// leading "www." of site is ignored, case does not matter, and an empty
// link or site hosts nothing.
func HostedBy(link, site string) bool {
	if link == "" || site == "" {
		return false
	}
	u, err := url.Parse(link)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	site = strings.ToLower(strings.TrimPrefix(site, "www."))
	return host == site || strings.HasSuffix(host, "."+site)
}
