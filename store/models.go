package store

import "time"

// Source is a partner feed as the store knows it: its identity and
// description, copied from the config at start-up, plus the fetch state the
// aggregator keeps between polls.
type Source struct {
	ID          string `gorm:"primaryKey;size:64"`
	Name        string `gorm:"size:255;not null;default:''"`
	URL         string `gorm:"size:2048;not null;default:''"`
	Attribution string `gorm:"size:255;not null;default:''"`

	// Fetch state.
	ETag         string `gorm:"column:etag;size:512;not null;default:''"`
	LastModified string `gorm:"size:128;not null;default:''"`
	BodyHash     string `gorm:"size:64;not null;default:''"`
	LastAttempt  *time.Time
	LastSuccess  *time.Time
	LastStatus   int    `gorm:"not null;default:0"`
	LastError    string `gorm:"size:2048;not null;default:''"`
	Failures     int    `gorm:"not null;default:0"`
	ItemsSeen    int    `gorm:"not null;default:0"`
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

	GUID       string      `gorm:"size:1024;not null;default:''"`
	Link       string      `gorm:"size:2048;not null;default:''"`
	Title      string      `gorm:"type:text;not null;default:''"`
	Summary    string      `gorm:"type:text;not null;default:''"`
	Content    string      `gorm:"type:text;not null;default:''"`
	Authors    []Person    `gorm:"type:text;serializer:json"`
	Categories []string    `gorm:"type:text;serializer:json"`
	Enclosures []Enclosure `gorm:"type:text;serializer:json"`
	Image      string      `gorm:"size:2048;not null;default:''"`
	Language   string      `gorm:"size:35;not null;default:''"`

	// Published is the partner's publication time (or the time first seen
	// when the partner gave none); Updated moves whenever the content changes.
	Published time.Time `gorm:"not null;index"`
	Updated   time.Time `gorm:"not null"`
	FirstSeen time.Time `gorm:"not null"`
	// ContentHash covers everything a reader sees except dates, so a
	// re-stamped item is not mistaken for an edit.
	ContentHash string `gorm:"size:64;not null"`

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
