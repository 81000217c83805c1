package site

import "html/template"

// The templates take these plain view structs, never store rows: every
// string in them is plain text that the template escapes, but for the
// fields typed template.HTML, which hold partner HTML already passed
// through the feeds' sanitiser.

// chrome is what every page carries around its content.
type chrome struct {
	Lang        string // of the page; stories carry their own
	Front       bool   // the front page, whose heading is the masthead
	Title       string // the <title>
	Description string // meta description
	SiteTitle   string
	Tagline     string
	Home        string // the front page's URL
	CSS         string // the stylesheet's URL (content-addressed)
	SizeCSS     string // the text-size stylesheet's URL
	Nav         []navLink
	Feeds       []feedLink // autodiscovery and the footer's subscribe links
	OPML        string
	Status      string
	Sitemap     string
	Sidebar     []sidebarSection // the newest headline of each section
	Strip       []photoCard      // the Photos block: the newest stories with a picture
	Year        int
}

// navLink is one section in the navigation bar.
type navLink struct {
	Title, URL string
	Current    bool
}

// feedLink is a feed to advertise: a section's or a partner's.
type feedLink struct {
	Title           string
	RSS, Atom, JSON string
}

// sidebarSection is a section with its newest headline.
type sidebarSection struct {
	Title, URL string
	Story      *storyLink
}

// storyLink is a headline linking to its article page.
type storyLink struct {
	Title, URL, Lang string
	Partner          string
	Time             timeView
}

// timeView is a time for a person (in the site's zone) and for machines
// (UTC, RFC 3339).
type timeView struct {
	Text, ISO string
}

// photoView is one picture.
type photoView struct {
	URL, Alt, Caption, Credit string
	Width, Height             int
}

// photoCard is a picture linking to its story.
type photoCard struct {
	Photo photoView
	Story storyLink
}

// storyCard is a story in a list: headline, partner, time, lead and
// thumbnail.
type storyCard struct {
	storyLink
	Lead  string
	Photo *photoView
}

// frontPage is / : every section with its newest stories.
type frontPage struct {
	chrome
	Sections []frontSection
}

// frontSection is one section of the front page: its lead story, with
// photo and lead, then headlines.
type frontSection struct {
	ID, Title, URL string
	Top            *storyCard
	More           []storyLink
}

// sectionPage is /sections/{id}: a page of the section's stories.
type sectionPage struct {
	chrome
	Crumbs      []crumb
	ID, Heading string
	SectionDesc string
	Action      string // the search form's action
	Query       string
	Source      string // the partner filter's id
	Partner     string // and its name
	Subscribe   feedLink
	Stories     []storyCard
	Newer       string // the first page, when this is not it
	Older       string // the next page, when there is one
	Empty       string // what to say when there are no stories
}

// crumb is one step of the breadcrumb; the last has no URL.
type crumb struct{ Title, URL string }

// articlePage is one story.
type articlePage struct {
	chrome
	Crumbs      []crumb
	URL         string // the page's own
	Original    string // the partner's copy, also rel=canonical
	Lang        string
	Headline    string
	Attribution string
	Partner     string
	Dateline    timeView
	Updated     *timeView
	Authors     []string
	Lead        string
	Body        template.HTML
	Photos      []photoView
	Copies      []copyView
	Sizes       []sizeLink
	OpenGraph   []metaProperty
	JSONLD      template.JS
}

// copyView is another partner's copy of the story.
type copyView struct {
	Partner, Title, URL, Lang string
}

// sizeLink is one step of the text-size control.
type sizeLink struct {
	Label, Class, URL string
}

// metaProperty is an Open Graph <meta property content>.
type metaProperty struct{ Property, Content string }

// errorPage says what went wrong, with the site around it.
type errorPage struct {
	chrome
	Heading, Message string
}
