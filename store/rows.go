package store

import "time"

// The row types below are how GORM reads and writes the store's tables;
// they never leave the package. Their tags only map fields to columns (and
// encode list columns as JSON): the schema itself is the numbered
// migrations' SQL (migrations.go), so nothing here changes a table.
//
// storyRow and sourceRow have exactly the fields of Story and Source, in
// the same order, so each converts to the other with a plain Go conversion
// (tags do not count): a field added to one and not the other stops the
// build instead of being silently dropped.

// sourceRow is a row of the sources table.
type sourceRow struct {
	ID             string `gorm:"primaryKey"`
	Name           string
	URL            string
	Attribution    string
	Priority       int
	Site           string
	ETag           string `gorm:"column:etag"`
	LastModified   string
	BodyHash       string
	LastAttempt    *time.Time
	LastSuccess    *time.Time
	LastStatus     int
	LastError      string
	Failures       int
	ItemsSeen      int
	NotBefore      *time.Time
	Disabled       bool
	Identity       string
	FetchedURL     string
	FinalURL       string
	DiscoveredURL  string
	DiscoveredFrom string
	NextRun        *time.Time
	FeedSite       string
}

func (sourceRow) TableName() string { return "sources" }

// storyRow is a row of the stories table. Sections is not a column (a
// story's sections are story_sections rows); it is here only so that
// storyRow and Story convert to each other.
type storyRow struct {
	ID           int64 `gorm:"primaryKey"`
	SourceID     string
	Key          string
	PublicID     string
	GUID         string
	Link         string
	Title        string
	Summary      string
	Content      string
	Authors      []Person    `gorm:"serializer:json"`
	Categories   []string    `gorm:"serializer:json"`
	Enclosures   []Enclosure `gorm:"serializer:json"`
	Image        string
	Language     string
	Photos       []Photo `gorm:"serializer:json"`
	Published    time.Time
	Updated      time.Time
	FirstSeen    time.Time
	Undated      bool
	ContentHash  string
	CanonicalURL string
	Signature    []byte
	FeedID       string
	DuplicateOf  int64
	Sections     []string `gorm:"-"`
}

func (storyRow) TableName() string { return "stories" }

// storySectionRow places a story in a section (story_sections). Published
// is copied from the story so a section's newest stories come straight off
// an index. The primary key leads with StoryID so re-routing a story finds
// its rows without another index.
type storySectionRow struct {
	StoryID   int64  `gorm:"primaryKey"`
	SectionID string `gorm:"primaryKey"`
	Published time.Time
}

func (storySectionRow) TableName() string { return "story_sections" }

// tombstoneRow remembers the identity of a pruned story (tombstones), so
// that a partner still carrying it does not bring it back as new.
type tombstoneRow struct {
	SourceID string `gorm:"primaryKey"`
	Key      string `gorm:"primaryKey"`
	PrunedAt time.Time
}

func (tombstoneRow) TableName() string { return "tombstones" }

// sectionVersionRow counts the changes to one section's published stories
// (section_versions); see SectionVersions.
type sectionVersionRow struct {
	SectionID string `gorm:"primaryKey"`
	Version   int64
	ChangedAt *time.Time
}

func (sectionVersionRow) TableName() string { return "section_versions" }

// leaseRow is a named role a daemon holds until Until (leases); see
// AcquireLease.
type leaseRow struct {
	Name   string `gorm:"primaryKey"`
	Holder string
	Until  time.Time
	Epoch  int64
	Due    *time.Time
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
