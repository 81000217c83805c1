package store

import "time"

// Source is a partner feed as the store knows it: its identity and
// description, copied from the config at start-up, plus the fetch state the
// aggregator keeps between polls.
type Source struct {
	ID          string `gorm:"primaryKey;size:64"`
	Name        string `gorm:"type:text;not null;default:''"`
	URL         string `gorm:"type:text;not null;default:''"`
	Attribution string `gorm:"type:text;not null;default:''"`
	// Priority decides which partner's copy of a story is published: lower
	// wins (1 is the highest).
	Priority int `gorm:"not null;default:100"`
	// Site is the host of the partner's own web site (e.g.
	// "nationthailand.com"); among equal priorities, the partner whose site
	// hosts a story's link publishes it.
	Site string `gorm:"type:text;not null;default:''"`

	// Fetch state.
	ETag         string `gorm:"column:etag;type:text;not null;default:''"`
	LastModified string `gorm:"type:text;not null;default:''"`
	BodyHash     string `gorm:"size:64;not null;default:''"`
	LastAttempt  *time.Time
	LastSuccess  *time.Time
	LastStatus   int    `gorm:"not null;default:0"`
	LastError    string `gorm:"type:text;not null;default:''"`
	Failures     int    `gorm:"not null;default:0"`
	ItemsSeen    int    `gorm:"not null;default:0"`
	// NotBefore is the earliest the source may be pulled again on schedule:
	// the partner's Retry-After or caching hints, or backoff after failures.
	NotBefore *time.Time
	// Disabled is set when the partner answered 410 Gone; the source is not
	// pulled on schedule until its URL changes in the config.
	Disabled bool `gorm:"not null;default:false"`
	// Identity is how the last fetch identified the partner's stories:
	// "guid", or "link" / "hash" when its GUIDs were not fit for it.
	Identity string `gorm:"size:16;not null;default:''"`
	// FetchedURL is the address whose response ETag, LastModified and
	// BodyHash describe; they are only sent to that address.
	FetchedURL string `gorm:"type:text;not null;default:''"`
	// FinalURL is where the last response came from, after redirects.
	FinalURL string `gorm:"type:text;not null;default:''"`
	// DiscoveredURL is the feed found by autodiscovery on the HTML page at
	// DiscoveredFrom; it is used while the source's URL is still that page.
	DiscoveredURL  string `gorm:"type:text;not null;default:''"`
	DiscoveredFrom string `gorm:"type:text;not null;default:''"`
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

// Story is one partner story, stored once per (source, key). Times are UTC,
// truncated to the second.
type Story struct {
	ID int64 `gorm:"primaryKey"`
	// SourceID and Key identify the story within its partner feed; the pair
	// is unique, enforced by the database.
	SourceID string `gorm:"size:64;not null;uniqueIndex:idx_story_identity,priority:1"`
	Key      string `gorm:"size:1024;not null;uniqueIndex:idx_story_identity,priority:2"`
	// PublicID is the id the story is published under in every section and
	// format. It is assigned once, when the story is first stored, and never
	// changes. The aggregator derives it from (SourceID, Key), so the
	// identity index already keeps it unique; it has no index of its own,
	// which would cost a random-order B-tree insert per story.
	PublicID string `gorm:"size:1024;not null"`

	GUID       string      `gorm:"type:text;not null;default:''"`
	Link       string      `gorm:"type:text;not null;default:''"`
	Title      string      `gorm:"type:text;not null;default:''"`
	Summary    string      `gorm:"type:text;not null;default:''"`
	Content    string      `gorm:"type:text;not null;default:''"`
	Authors    []Person    `gorm:"type:text;serializer:json"`
	Categories []string    `gorm:"type:text;serializer:json"`
	Enclosures []Enclosure `gorm:"type:text;serializer:json"`
	Image      string      `gorm:"type:text;not null;default:''"`
	Language   string      `gorm:"type:text;not null;default:''"`

	// Published is the partner's publication time (or the time first seen
	// when the partner gave none); Updated moves whenever the content changes.
	Published time.Time `gorm:"not null;index"`
	Updated   time.Time `gorm:"not null"`
	FirstSeen time.Time `gorm:"not null"`
	// ContentHash covers everything a reader sees except dates, so a
	// re-stamped item is not mistaken for an edit.
	ContentHash string `gorm:"size:64;not null"`

	// CanonicalURL is Link in canonical form (see dedupe.CanonicalURL): one
	// story reached through different links has one canonical URL.
	CanonicalURL string `gorm:"size:2048;not null;default:'';index"`
	// Signature is the story's near-duplicate signature (dedupe.Signature,
	// binary), set when the story is stored.
	Signature []byte
	// FeedID is the id the story is published under. The first copy of a
	// story takes its own PublicID; a copy from another partner that joins it
	// takes the same FeedID, so the published item keeps its id whichever
	// copy is shown.
	FeedID string `gorm:"size:1024;not null;default:'';index"`
	// DuplicateOf is 0 for the copy of a story that is published, and the ID
	// of that copy for the other partners' copies (its alternates).
	DuplicateOf int64 `gorm:"not null;default:0;index"`

	// Sections the story is routed to. Stored in StorySection, not here.
	Sections []string `gorm:"-"`
}

// StorySection places a story in a section. Published is copied from the
// story so a section's newest stories come straight off an index. The
// primary key leads with StoryID so re-routing a story finds its rows
// without another index.
type StorySection struct {
	StoryID   int64     `gorm:"primaryKey;autoIncrement:false"`
	SectionID string    `gorm:"primaryKey;size:64;index:idx_section_published,priority:1"`
	Published time.Time `gorm:"not null;index:idx_section_published,priority:2,sort:desc"`
}
