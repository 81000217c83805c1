package store

import "time"

// Source is a partner feed as the store knows it: its identity and
// description, copied from the config at start-up, plus the fetch state the
// aggregator keeps between polls. It is a plain value: what the database
// holds is sourceRow (rows.go), converted at the store's boundary.
type Source struct {
	ID          string
	Name        string
	URL         string
	Attribution string
	// Priority decides which partner's copy of a story is published: lower
	// wins (1 is the highest; see dedupe.Winner). A source added with 0 is
	// stored with dedupe.DefaultPriority.
	Priority int
	// Site is the host of the partner's own web site (e.g.
	// "nationthailand.com"); among equal priorities, the partner whose site
	// hosts a story's link publishes it.
	Site string

	// Fetch state.
	ETag         string
	LastModified string
	BodyHash     string
	LastAttempt  *time.Time
	LastSuccess  *time.Time
	LastStatus   int
	LastError    string
	Failures     int
	ItemsSeen    int
	// NotBefore is the earliest the source may be pulled again on schedule:
	// the partner's Retry-After or caching hints, or backoff after failures.
	NotBefore *time.Time
	// Disabled is set when the partner answered 410 Gone; the source is not
	// pulled on schedule until its URL changes in the config.
	Disabled bool
	// Identity is how the last fetch identified the partner's stories:
	// "guid", or "link" / "hash" when its GUIDs were not fit for it.
	Identity string
	// FetchedURL is the address whose response ETag, LastModified and
	// BodyHash describe; they are only sent to that address.
	FetchedURL string
	// FinalURL is where the last response came from, after redirects.
	FinalURL string
	// DiscoveredURL is the feed found by autodiscovery on the HTML page at
	// DiscoveredFrom; it is used while the source's URL is still that page.
	DiscoveredURL  string
	DiscoveredFrom string
	// NextRun is when the daemon holding the scheduler lease next pulls the
	// source on schedule, as it last scheduled it; nil when unknown.
	NextRun *time.Time
	// FeedSite is the host of the partner's web site as its feed names it
	// (the channel's <link>, Atom's rel="alternate" link), without "www.";
	// it stands in for Site when the config sets none.
	FeedSite string
}

// Person is an author or contributor of a story.
type Person struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Enclosure is a media file attached to a story.
type Enclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`
	Length int64  `json:"length,omitempty"`
}

// Photo is a picture that goes with a story, as the partner described it:
// a Media RSS media:content or media:thumbnail, an enclosure, or an image
// in the story's HTML. Caption is the partner's text about the picture
// (media:description, media:title, a figcaption); Alt is what stands in for
// it when it cannot be seen (the img alt, else the caption).
type Photo struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
	Alt     string `json:"alt,omitempty"`
	Credit  string `json:"credit,omitempty"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
	// Thumbnail is set for media:thumbnail, a small picture meant for lists.
	Thumbnail bool `json:"thumbnail,omitempty"`
}

// Story is one partner story, stored once per (source, key). Times are UTC,
// truncated to the second. It is a plain value: what the database holds is
// storyRow (rows.go), converted at the store's boundary.
type Story struct {
	ID int64
	// SourceID and Key identify the story within its partner feed; the pair
	// is unique, enforced by the database.
	SourceID string
	Key      string
	// PublicID is the id the story is published under in every section and
	// format. It is assigned once, when the story is first stored, and never
	// changes. The aggregator derives it from (SourceID, Key), so the
	// identity index already keeps it unique; it has no index of its own,
	// which would cost a random-order B-tree insert per story.
	PublicID string

	GUID       string
	Link       string
	Title      string
	Summary    string
	Content    string
	Authors    []Person
	Categories []string
	Enclosures []Enclosure
	Image      string
	Language   string
	// Photos are the story's pictures with their captions, in the order the
	// partner gave them (see Photo); stored since schema version 3.
	Photos []Photo

	// Published is the partner's publication time (or the time first seen
	// when the partner gave none); Updated moves whenever the content changes.
	Published time.Time
	Updated   time.Time
	FirstSeen time.Time
	// Undated is set when the partner gave no readable date: Published is
	// then the time the story was first seen.
	Undated bool
	// ContentHash covers everything a reader sees except dates, so a
	// re-stamped item is not mistaken for an edit.
	ContentHash string

	// CanonicalURL is Link in canonical form (see dedupe.CanonicalURL): one
	// story reached through different links has one canonical URL.
	CanonicalURL string
	// Signature is the story's near-duplicate signature (dedupe.Signature,
	// binary), set when the story is stored.
	Signature []byte
	// FeedID is the id the story is published under. The first copy of a
	// story takes its own PublicID; a copy from another partner that joins it
	// takes the same FeedID, so the published item keeps its id whichever
	// copy is shown.
	FeedID string
	// DuplicateOf is 0 for the copy of a story that is published, and the ID
	// of that copy for the other partners' copies (its alternates).
	DuplicateOf int64

	// Sections the story is routed to: an input of SaveStories (stored as
	// story_sections rows, see StorySections); not filled in on reads.
	Sections []string
}
