package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"

	"wirefeed/internal/redact"
	"wirefeed/netguard"
)

// idPattern is what source ids must match: they appear in URLs and in the
// tag URIs stories are published under.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// sectionIDPattern is what section ids must match: they appear in URLs,
// percent-encoded when they hold more than ASCII, so a Thai or Japanese
// section is readable in its own script ("การเมือง", "政治"). Letters
// without case, lower-case letters, marks (Thai vowels and tones), digits,
// '-' and '_'; at most 64 characters.
var sectionIDPattern = regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{Nd}][\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,63}$`)

// ReservedSectionIDs are ids the site's URL space gives a meaning of its
// own: /feeds/all.rss carries every section, with ?source= a partner's
// stories.
var ReservedSectionIDs = []string{"all"}

// Limits of Section.Limit.
const (
	minLimit = 1
	maxLimit = 1000
)

// minMaxBody is the smallest fetch.max_body accepted: below it no real
// feed fits.
const minMaxBody = 1024

// validator collects the problems of a Config whose defaults are applied.
type validator struct {
	file  string
	lines map[string]int // key path -> line, as recorded by the decoder
	errs  ErrorList
}

// validate checks c and returns every problem found. lines gives the line of
// each key path that was in the file (see decoder); it may be empty.
// MinAdminToken is the length of the shortest admin token accepted.
const MinAdminToken = 16

func (c *Config) validate(file string, lines map[string]int) ErrorList {
	v := &validator{file: file, lines: lines}

	if c.Server.MaxConnections < 1 {
		v.errorf("server.max_connections", "must be at least 1, got %d", c.Server.MaxConnections)
	}
	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		v.errorf("server.listen", "invalid address %q: want host:port or :port", c.Server.Listen)
	}
	if msg := checkURL(c.Server.BaseURL); msg != "" {
		v.errorf("server.base_url", "%s", msg)
	}
	if c.Server.WebSubHub != "" {
		if msg := checkURL(c.Server.WebSubHub); msg != "" {
			v.errorf("server.websub_hub", "%s", msg)
		}
	}
	minPoll := time.Duration(c.Fetch.MinInterval)
	if c.Fetch.MinInterval < Duration(time.Second) || c.Fetch.MinInterval > Duration(24*time.Hour) {
		v.errorf("fetch.min_interval", "must be between 1s and 24h, got %s", c.Fetch.MinInterval)
		minPoll = 0
	}
	v.pollSchedule("schedule", c.Schedule, minPoll)
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		v.errorf("timezone", "unknown time zone %q: want an IANA name such as \"UTC\" or \"Asia/Bangkok\"", c.Timezone)
	}
	if c.Site.Timezone != c.Timezone {
		if _, err := time.LoadLocation(c.Site.Timezone); err != nil {
			v.errorf("site.timezone", "unknown time zone %q: want an IANA name such as \"UTC\" or \"Asia/Tokyo\"", c.Site.Timezone)
		}
	}
	if c.Fetch.Timeout <= 0 {
		v.errorf("fetch.timeout", "must be longer than 0, got %s: it bounds each pull of a source (leave it out for the default, %s)", c.Fetch.Timeout, defaultTimeout)
	}
	if c.Fetch.Jitter < 0 {
		v.errorf("fetch.jitter", "must not be negative, got %s", c.Fetch.Jitter)
	}
	if c.Fetch.PerHost < 1 {
		v.errorf("fetch.per_host", "must be at least 1, got %d", c.Fetch.PerHost)
	}
	if c.Fetch.MaxInterval < Duration(time.Minute) {
		v.errorf("fetch.max_interval", "must be at least 1m, got %s", c.Fetch.MaxInterval)
	}
	if c.Duplicates.Window < Duration(time.Minute) {
		v.errorf("duplicates.window", "must be at least 1m, got %s", c.Duplicates.Window)
	}
	if c.Retention.MaxAge < Duration(time.Hour) {
		v.errorf("retention.max_age", "must be at least 1h, got %s", c.Retention.MaxAge)
	}
	if c.Retention.MaxPerSource < 1 {
		v.errorf("retention.max_per_source", "must be at least 1, got %d", c.Retention.MaxPerSource)
	}
	if c.Retention.MaxPerSection < 1 {
		v.errorf("retention.max_per_section", "must be at least 1, got %d", c.Retention.MaxPerSection)
	}
	v.schedule("retention.schedule", c.Retention.Schedule)
	if c.Fetch.Workers < 1 {
		v.errorf("fetch.workers", "must be at least 1, got %d", c.Fetch.Workers)
	}
	if c.Fetch.MaxBody < minMaxBody {
		v.errorf("fetch.max_body", "must be at least %d bytes, got %d", minMaxBody, c.Fetch.MaxBody)
	}
	if c.Fetch.MaxItems < 1 {
		v.errorf("fetch.max_items", "must be at least 1, got %d", c.Fetch.MaxItems)
	}
	for i, n := range c.Fetch.AllowNetworks {
		key := fmt.Sprintf("fetch.allow_networks[%d]", i)
		switch {
		case !n.Prefix().IsValid():
			v.errorf(key, "empty: want a network such as \"10.0.0.0/8\" or an address")
		case netguard.AlwaysRefused(n.Prefix()):
			v.errorf(key, "%s is link-local or cloud metadata, which fetches may never reach", n)
		}
	}

	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		v.errorf("log.format", "unknown format %q: want \"text\" or \"json\"", c.Log.Format)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		v.errorf("log.level", "unknown level %q: want debug, info, warn or error", c.Log.Level)
	}

	if c.Storage.Postgres != "" {
		if msg := checkPostgresURL(c.Storage.Postgres); msg != "" {
			v.errorf("storage.postgres", "%s", msg)
		}
	}
	if c.Admin.Token != "" && len(c.Admin.Token) < MinAdminToken {
		v.errorf("admin.token", "too short to be a secret: want at least %d characters, got %d", MinAdminToken, len(c.Admin.Token))
	}
	if c.Admin.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Admin.Listen); err != nil {
			v.errorf("admin.listen", "invalid address %q: want host:port or :port", c.Admin.Listen)
		} else if c.Admin.Listen == c.Server.Listen {
			v.errorf("admin.listen", "is server.listen too; leave it out to serve the admin API there under /admin/")
		}
	}

	sections := v.sections(c.Sections, c.Sources)
	seen := map[string]int{} // source id -> line
	for i, src := range c.Sources {
		v.source(fmt.Sprintf("sources[%d]", i), src, sections, seen, minPoll)
	}
	return v.errs
}

// errorf records a problem with key, placed at the line of key or, if key
// was not in the file, of its nearest enclosing key.
func (v *validator) errorf(key, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Line: v.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// errorAt records a problem with key at a line known better than key's.
func (v *validator) errorAt(line int, key, format string, args ...any) {
	if line == 0 {
		line = v.line(key)
	}
	v.errs = append(v.errs, &Error{File: v.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// line returns the line of key or of its nearest recorded parent.
func (v *validator) line(key string) int { return lineOf(v.lines, key) }

// lineOf returns the line of key in lines, or of its nearest recorded
// parent; 0 if none is recorded.
func lineOf(lines map[string]int, key string) int {
	for {
		if line, ok := lines[key]; ok || key == "" {
			return line
		}
		key = key[:max(strings.LastIndexAny(key, ".["), 0)]
	}
}

// sections checks the sections, compiling their rules, and returns them by
// id.
func (v *validator) sections(list []Section, sources []Source) map[string]Section {
	if len(list) == 0 {
		v.errorf("sections", "at least one section is required")
	}
	byID := map[string]Section{}
	seen := map[string]int{} // id -> line
	for i, s := range list {
		key := fmt.Sprintf("sections[%d]", i)
		switch {
		case slices.Contains(ReservedSectionIDs, s.ID):
			v.errorf(key+".id", "%q is reserved: /feeds/%s.rss carries every section's stories; choose another id", s.ID, s.ID)
		case s.ID != "" && !idPattern.MatchString(s.ID) && sectionIDPattern.MatchString(s.ID):
			v.uniqueID(key+".id", s.ID, seen, sectionIDPattern) // readable in its own script
		default:
			v.uniqueID(key+".id", s.ID, seen, idPattern)
		}
		byID[s.ID] = s
		if s.Limit < minLimit || s.Limit > maxLimit {
			v.errorf(key+".limit", "must be between %d and %d, got %d", minLimit, maxLimit, s.Limit)
		}
		switch {
		case s.All && len(s.Include) > 0:
			v.errorf(key+".include", "section %q has \"all: true\" and takes every story already; include rules are for the other sections", s.ID)
		case s.All && len(s.Exclude) > 0:
			v.errorf(key+".exclude", "not supported on section %q: with \"all: true\" it lists every published story; add the exclude rule to the sections the story is routed to", s.ID)
		default:
			v.rules(key+".include", s.Include, sources)
			v.rules(key+".exclude", s.Exclude, sources)
		}
	}
	return byID
}

// source checks one source. seen holds the ids of the sources before it.
func (v *validator) source(key string, s Source, sections map[string]Section, seen map[string]int, minPoll time.Duration) {
	v.uniqueID(key+".id", s.ID, seen, idPattern)
	if s.URL == "" {
		v.errorf(key+".url", "required")
	} else if msg := checkURL(s.URL); msg != "" {
		v.errorf(key+".url", "%s", msg)
	}
	v.auth(key, s)
	if s.Schedule != "" {
		v.pollSchedule(key+".schedule", s.Schedule, minPoll)
	}
	for i, id := range s.Sections {
		v.target(fmt.Sprintf("%s.sections[%d]", key, i), id, sections)
	}

	// Categories in file order, so "first defined" is the earlier line.
	cats := make([]string, 0, len(s.Categories))
	for c := range s.Categories {
		cats = append(cats, c)
	}
	catKey := func(c string) string { return key + ".categories[" + strconv.Quote(c) + "]" }
	slices.SortFunc(cats, func(a, b string) int {
		if d := v.line(catKey(a)) - v.line(catKey(b)); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	first := map[string]string{} // normalized category -> category as written
	for _, c := range cats {
		ck := catKey(c)
		norm := normCategory(c)
		if norm == "" {
			v.errorf(ck, "empty category")
			continue
		}
		if prev, dup := first[norm]; dup {
			v.errorf(ck, "same category as %q (line %d): categories match regardless of case and surrounding space", prev, v.line(catKey(prev)))
			continue
		}
		first[norm] = c
		for _, id := range s.Categories[c] {
			v.target(ck, id, sections)
		}
	}

	if s.Fallback != "" {
		v.target(key+".fallback", s.Fallback, sections)
	}
	if s.Priority < 1 {
		v.errorf(key+".priority", "must be 1 or more (1 is the highest), got %d", s.Priority)
	}
	if s.Charset != "" {
		if e, err := htmlindex.Get(s.Charset); err != nil || e == encoding.Replacement {
			v.errorf(key+".charset", "unknown charset %q: want a label such as \"shift_jis\", \"euc-jp\" or \"windows-874\"", s.Charset)
		}
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil {
			v.errorf(key+".timezone", "unknown time zone %q: want an IANA name such as \"Asia/Tokyo\"", s.Timezone)
		}
	}
}

// uniqueID checks an id's form and that it is not in seen, then adds it.
func (v *validator) uniqueID(key, id string, seen map[string]int, pattern *regexp.Regexp) {
	switch {
	case id == "":
		v.errorf(key, "required")
	case !pattern.MatchString(id):
		v.errorf(key, "invalid id %q: want 1 to 64 of a-z, 0-9, '-' and '_', starting with a letter or digit", id)
	default:
		if first, dup := seen[id]; dup {
			v.errorf(key, "duplicate id %q (first defined at line %d)", id, first)
		} else {
			seen[id] = v.line(key)
		}
	}
}

// target checks that a source routes stories to section id.
func (v *validator) target(key, id string, sections map[string]Section) {
	s, ok := sections[id]
	switch {
	case !ok:
		v.errorf(key, "unknown section %q", id)
	case s.All:
		v.errorf(key, "section %q has \"all: true\" and takes every story already; do not route to it", id)
	}
}

// schedule checks a cron spec the way the scheduler will parse it.
func (v *validator) schedule(key, spec string) {
	v.pollSchedule(key, spec, 0)
}

// pollSchedule checks a cron spec as schedule does, and that it runs no
// more often than once every minPoll (fetch.min_interval; 0: unchecked).
func (v *validator) pollSchedule(key, spec string, minPoll time.Duration) {
	if _, _, err := everyInterval(spec); err != nil {
		v.errorf(key, "invalid schedule %q: %v", spec, err)
		return
	}
	sched, err := ParseSchedule(spec, time.UTC)
	if err != nil {
		v.errorf(key, "invalid schedule %q: %v", spec, err)
		return
	}
	if every := shortestInterval(sched); minPoll > 0 && every < minPoll {
		v.errorf(key, "schedule %q polls the partner every %s, more often than fetch.min_interval (%s) allows: poll less often, or lower fetch.min_interval if the partner agrees",
			spec, every, Duration(minPoll))
	}
}

// checkURL returns what is wrong with an absolute http(s) URL, or "". The
// URL is quoted with its credentials hidden.
func checkURL(raw string) string {
	u, err := url.Parse(raw)
	raw = redact.URL(raw)
	switch {
	case err != nil:
		return fmt.Sprintf("invalid URL %q: %v", raw, redact.Error(err.(*url.Error).Err))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("invalid URL %q: want an absolute http:// or https:// URL", raw)
	case u.Hostname() == "":
		return fmt.Sprintf("invalid URL %q: no host", raw)
	}
	return ""
}

// checkPostgresURL says what is wrong with a PostgreSQL URL, or "".
func checkPostgresURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "invalid URL: " + strings.TrimPrefix(err.Error(), "parse ")
	case u.Scheme != "postgres" && u.Scheme != "postgresql":
		return fmt.Sprintf("want a postgres:// URL such as \"postgres://wirefeed@db.internal:5432/wirefeed\", got scheme %q", u.Scheme)
	case u.Host == "":
		return "the URL names no server"
	}
	return ""
}
