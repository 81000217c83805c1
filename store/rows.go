package store

import "time"

// The row types below are how GORM reads and writes the store's tables;
// they never leave the package.
//
// storyRow and sourceRow have exactly the fields of Story and Source, in
// the same order, so each converts to the other with a plain Go conversion
// (tags do not count): a field added to one and not the other stops the
// build instead of being silently dropped.

// sourceRow is a row of the sources table.
type sourceRow struct {
	ID             string `gorm:"primaryKey;size:64"`
	Name           string `gorm:"type:text;not null;default:''"`
	URL            string `gorm:"type:text;not null;default:''"`
	Attribution    string `gorm:"type:text;not null;default:''"`
	Priority       int    `gorm:"not null;default:100"`
	Site           string `gorm:"type:text;not null;default:''"`
	ETag           string `gorm:"column:etag;type:text;not null;default:''"`
	LastModified   string `gorm:"type:text;not null;default:''"`
	BodyHash       string `gorm:"size:64;not null;default:''"`
	LastAttempt    *time.Time
	LastSuccess    *time.Time
	LastStatus     int    `gorm:"not null;default:0"`
	LastError      string `gorm:"type:text;not null;default:''"`
	Failures       int    `gorm:"not null;default:0"`
	ItemsSeen      int    `gorm:"not null;default:0"`
	NotBefore      *time.Time
	Disabled       bool   `gorm:"not null;default:false"`
	Identity       string `gorm:"size:16;not null;default:''"`
	FetchedURL     string `gorm:"type:text;not null;default:''"`
	FinalURL       string `gorm:"type:text;not null;default:''"`
	DiscoveredURL  string `gorm:"type:text;not null;default:''"`
	DiscoveredFrom string `gorm:"type:text;not null;default:''"`
}

func (sourceRow) TableName() string { return "sources" }

// storyRow is a row of the stories table. Sections is not a column (a
// story's sections are story_sections rows); it is here only so that
// storyRow and Story convert to each other.
type storyRow struct {
	ID           int64       `gorm:"primaryKey"`
	SourceID     string      `gorm:"size:64;not null;uniqueIndex:idx_story_identity,priority:1"`
	Key          string      `gorm:"size:1024;not null;uniqueIndex:idx_story_identity,priority:2"`
	PublicID     string      `gorm:"size:1024;not null"`
	GUID         string      `gorm:"type:text;not null;default:''"`
	Link         string      `gorm:"type:text;not null;default:''"`
	Title        string      `gorm:"type:text;not null;default:''"`
	Summary      string      `gorm:"type:text;not null;default:''"`
	Content      string      `gorm:"type:text;not null;default:''"`
	Authors      []Person    `gorm:"type:text;serializer:json"`
	Categories   []string    `gorm:"type:text;serializer:json"`
	Enclosures   []Enclosure `gorm:"type:text;serializer:json"`
	Image        string      `gorm:"type:text;not null;default:''"`
	Language     string      `gorm:"type:text;not null;default:''"`
	Published    time.Time   `gorm:"not null;index"`
	Updated      time.Time   `gorm:"not null"`
	FirstSeen    time.Time   `gorm:"not null"`
	ContentHash  string      `gorm:"size:64;not null"`
	CanonicalURL string      `gorm:"size:2048;not null;default:'';index"`
	Signature    []byte
	FeedID       string   `gorm:"size:1024;not null;default:'';index"`
	DuplicateOf  int64    `gorm:"not null;default:0;index"`
	Sections     []string `gorm:"-"`
}

func (storyRow) TableName() string { return "stories" }

// storySectionRow places a story in a section (story_sections). Published
// is copied from the story so a section's newest stories come straight off
// an index. The primary key leads with StoryID so re-routing a story finds
// its rows without another index.
type storySectionRow struct {
	StoryID   int64     `gorm:"primaryKey;autoIncrement:false"`
	SectionID string    `gorm:"primaryKey;size:64;index:idx_section_published,priority:1"`
	Published time.Time `gorm:"not null;index:idx_section_published,priority:2,sort:desc"`
}

func (storySectionRow) TableName() string { return "story_sections" }

// tombstoneRow remembers the identity of a pruned story (tombstones), so
// that a partner still carrying it does not bring it back as new.
type tombstoneRow struct {
	SourceID string    `gorm:"primaryKey;size:64"`
	Key      string    `gorm:"primaryKey;size:1024"`
	PrunedAt time.Time `gorm:"not null;index"`
}

func (tombstoneRow) TableName() string { return "tombstones" }

// sectionVersionRow counts the changes to one section's published stories
// (section_versions); see SectionVersions.
type sectionVersionRow struct {
	SectionID string `gorm:"primaryKey;size:64"`
	Version   int64  `gorm:"not null;default:0"`
}

func (sectionVersionRow) TableName() string { return "section_versions" }

// leaseRow is a named role a daemon holds until Until (leases); see
// AcquireLease.
type leaseRow struct {
	Name   string    `gorm:"primaryKey;size:64"`
	Holder string    `gorm:"type:text;not null;default:''"`
	Until  time.Time `gorm:"not null"`
}

func (leaseRow) TableName() string { return "leases" }

func (r sourceRow) source() Source { return Source(r) }

func (r storyRow) story() Story { return Story(r) }

func storiesOf(rows []storyRow) []Story {
	out := make([]Story, len(rows))
	for i, r := range rows {
		out[i] = Story(r)
	}
	return out
}
