package config

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// The defaults; applyDefaults is the only place they are applied.
const (
	defaultListen   = ":8080"
	defaultDBPath   = "wirefeed.db"
	defaultSchedule = "@every 10m"
	defaultTimezone = "UTC"
	defaultTimeout  = Duration(30 * time.Second)
	defaultJitter   = Duration(10 * time.Second)
	defaultWorkers  = 8
	defaultMaxBody  = 10 << 20
	defaultMaxItems = 1000
)

// DefaultMinInterval is fetch.min_interval when the config gives none: no
// schedule may poll a partner more often than once a minute.
const DefaultMinInterval = Duration(time.Minute)

// applyDefaults fills in every value the file leaves out. isSet reports
// whether a key path was given in the file: a value written there is never
// replaced, so "timeout: 0s" or "limit: 0" reaches validation and is
// refused there instead of silently becoming the default, and "jitter: 0s"
// means no jitter. Strings are defaulted when empty either way.
func (c *Config) applyDefaults(isSet func(key string) bool) {
	def := func(key string, set func()) {
		if !isSet(key) {
			set()
		}
	}
	setDefault(&c.Server.Listen, defaultListen)
	setDefault(&c.Server.BaseURL, ListenURL(c.Server.Listen))
	def("server.max_connections", func() { setDefault(&c.Server.MaxConnections, DefaultMaxConnections) })
	setDefault(&c.Storage.Path, defaultDBPath)
	setDefault(&c.Schedule, defaultSchedule)
	setDefault(&c.Timezone, defaultTimezone)
	setDefault(&c.Site.Title, defaultSiteTitle)
	setDefault(&c.Site.Timezone, c.Timezone)
	def("fetch.timeout", func() { setDefault(&c.Fetch.Timeout, defaultTimeout) })
	def("fetch.jitter", func() { setDefault(&c.Fetch.Jitter, defaultJitter) })
	def("fetch.workers", func() { setDefault(&c.Fetch.Workers, defaultWorkers) })
	def("fetch.per_host", func() { setDefault(&c.Fetch.PerHost, 2) })
	def("fetch.min_interval", func() { setDefault(&c.Fetch.MinInterval, DefaultMinInterval) })
	def("duplicates.window", func() { setDefault(&c.Duplicates.Window, Duration(72*time.Hour)) })
	def("retention.max_age", func() { setDefault(&c.Retention.MaxAge, Duration(30*24*time.Hour)) })
	def("retention.max_per_source", func() { setDefault(&c.Retention.MaxPerSource, 10000) })
	def("retention.max_per_section", func() { setDefault(&c.Retention.MaxPerSection, 5000) })
	setDefault(&c.Retention.Schedule, "@hourly")
	def("fetch.max_interval", func() { setDefault(&c.Fetch.MaxInterval, Duration(6*time.Hour)) })
	def("fetch.max_body", func() { setDefault(&c.Fetch.MaxBody, defaultMaxBody) })
	def("fetch.max_items", func() { setDefault(&c.Fetch.MaxItems, defaultMaxItems) })
	setDefault(&c.Log.Format, "text")
	setDefault(&c.Log.Level, "info")
	for i := range c.Sections {
		def(fmt.Sprintf("sections[%d].limit", i), func() { setDefault(&c.Sections[i].Limit, DefaultSectionLimit) })
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		setDefault(&s.Name, s.ID)
		def(fmt.Sprintf("sources[%d].priority", i), func() { setDefault(&s.Priority, DefaultPriority) })
		if s.Name != "" {
			setDefault(&s.Attribution, "Provided by "+s.Name)
		}
	}
}

// DefaultMaxConnections is server.max_connections when the config gives
// none.
const DefaultMaxConnections = 1024

// setDefault sets *v to def if *v is the zero value.
func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// prepare precomputes what the helpers use, once c is valid. lines is the
// line of each key path, as the decoder recorded them. (Section rules are
// compiled by validation, which checks them.)
func (c *Config) prepare(lines map[string]int) {
	c.loc = c.Location()
	c.Site.loc = c.SiteLocation()
	c.lines = lines
	c.parseSchedules()
	for i := range c.Sources {
		c.Sources[i].keyPath = fmt.Sprintf("sources[%d]", i)
		c.Sources[i].routes = c.Sources[i].buildRoutes()
		if c.Sources[i].Timezone != "" {
			c.Sources[i].loc = c.Sources[i].Location()
		}
	}
}

// Location returns the zone of the source's dates written without one:
// Timezone parsed, or UTC if Timezone is empty or unknown (Parse refuses
// unknown ones).
func (s Source) Location() *time.Location {
	if s.loc != nil {
		return s.loc
	}
	if s.Timezone == "" {
		return time.UTC
	}
	if loc, err := time.LoadLocation(s.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// Location returns the scheduler's time zone, Timezone parsed; UTC if
// Timezone is empty or unknown (Parse refuses unknown ones).
func (c *Config) Location() *time.Location {
	if c.loc != nil {
		return c.loc
	}
	if loc, err := time.LoadLocation(c.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// Section returns the section with the given id.
func (c *Config) Section(id string) (Section, bool) {
	for _, s := range c.Sections {
		if s.ID == id {
			return s, true
		}
	}
	return Section{}, false
}

// SourceByID returns the source with the given id.
func (c *Config) SourceByID(id string) (Source, bool) {
	for _, s := range c.Sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// ScheduleOf returns the cron spec src is polled on: its own Schedule, or
// else the config's default Schedule.
func (c *Config) ScheduleOf(src Source) string {
	return src.EffectiveSchedule(c.Schedule)
}

// EffectiveSchedule returns s.Schedule, or def if s has none.
func (s Source) EffectiveSchedule(def string) string {
	if s.Schedule != "" {
		return s.Schedule
	}
	return def
}

// IsSet reports whether the config file gives a key path such as
// "server.base_url"; false for a Config built in code.
func (c *Config) IsSet(keyPath string) bool {
	_, ok := c.lines[keyPath]
	return ok
}

// ListenURL is the URL a browser on this machine reaches a server
// listening on listen at: "http://localhost:8080" for ":8080", the host
// kept when one is given. It is the default of server.base_url.
func ListenURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Line returns the line in the config file of a key path such as
// "sources[1].fallback" or "sections[2].include[0]", or of its nearest
// parent in the file; 0 if unknown (a Config built in code).
func (c *Config) Line(keyPath string) int { return lineOf(c.lines, keyPath) }

// KeyPath returns where the source is in the config, such as "sources[1]";
// "" for a Source not from Parse.
func (s Source) KeyPath() string { return s.keyPath }

// CategorySections returns the sections a story of this source goes to for
// one of its own categories as the partner wrote it, matched against
// Categories regardless of case and surrounding space, and the category as
// written in Categories. It returns ("", nil) for a category Categories
// does not list.
//
// On a Source from Parse it uses a lookup table built by Parse (so
// Categories must not be changed afterwards); on one built in code it
// scans Categories. The slice is shared: do not change it.
func (s Source) CategorySections(category string) (written string, sections []string) {
	norm := normCategory(category)
	if s.routes != nil {
		r := s.routes[norm]
		return r.written, r.sections
	}
	for c, ids := range s.Categories {
		if normCategory(c) == norm {
			return c, ids
		}
	}
	return "", nil
}

// buildRoutes returns Categories keyed by normalized category.
func (s Source) buildRoutes() map[string]categoryRoute {
	if len(s.Categories) == 0 {
		return nil
	}
	routes := make(map[string]categoryRoute, len(s.Categories))
	for c, ids := range s.Categories {
		routes[normCategory(c)] = categoryRoute{written: c, sections: ids}
	}
	return routes
}

// normCategory is how categories are compared: trimmed and lower-cased.
func normCategory(c string) string {
	return strings.ToLower(strings.TrimSpace(c))
}

// DefaultPriority is the priority of a source that sets none.
const DefaultPriority = 100

// DefaultSectionLimit is the number of stories a section's feeds carry when
// its limit is not set.
const DefaultSectionLimit = 50
