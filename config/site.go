package config

import "time"

// Site describes the reading site: the masthead every page carries and the
// zone every time a person reads is shown in.
type Site struct {
	// Title is the site's name, shown in the masthead and page titles
	// (default "wirefeed").
	Title string `yaml:"title"`
	// Tagline is the line under the masthead (optional).
	Tagline string `yaml:"tagline"`
	// Timezone is the IANA zone the site's pages, /status and
	// "wirefeed sources" show times in, such as "Asia/Tokyo" (default: the
	// scheduler's timezone). Feeds and machine-readable attributes stay in
	// UTC.
	Timezone string `yaml:"timezone"`

	// loc is Timezone parsed by Parse; see Config.SiteLocation.
	loc *time.Location
}

// defaultSiteTitle names a site whose config gives no site.title.
const defaultSiteTitle = "wirefeed"

// SiteLocation returns the zone times are shown to people in: site.timezone
// parsed; UTC if it is empty or unknown (Parse refuses unknown ones and
// defaults an empty one to the scheduler's zone).
func (c *Config) SiteLocation() *time.Location {
	if c.Site.loc != nil {
		return c.Site.loc
	}
	if c.Site.Timezone == "" {
		return time.UTC
	}
	if loc, err := time.LoadLocation(c.Site.Timezone); err == nil {
		return loc
	}
	return time.UTC
}
