// Package config reads and validates wirefeed's YAML configuration. It owns
// the schema and every default; errors name the file, line and key.
package config

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"wirefeed/netguard"
)

// Config is the whole of config.yaml after defaults are applied. Get one
// from Load or Parse; a Config built in code gets neither defaults nor
// validation. A Config is not changed after Parse, so it may be shared
// between goroutines.
type Config struct {
	// Path is the file the config was loaded from ("" when built in code).
	Path string `yaml:"-"`

	// Server configures the HTTP publisher.
	Server Server `yaml:"server"`
	// Storage configures the database.
	Storage Storage `yaml:"storage"`
	// Fetch configures how partner feeds are pulled.
	Fetch Fetch `yaml:"fetch"`
	// Log configures the daemon's structured logs.
	Log Log `yaml:"log"`
	// Duplicates configures how one story arriving through several
	// partners is recognised.
	Duplicates Duplicates `yaml:"duplicates"`
	// Retention bounds how long stories are kept.
	Retention Retention `yaml:"retention"`
	// Admin configures the admin API.
	Admin Admin `yaml:"admin"`
	// Site describes the reading site: masthead and time zone.
	Site Site `yaml:"site"`
	// Schedule is the default poll schedule of every source, as parsed by
	// cron.ParseStandard: a 5-field cron expression or a descriptor such as
	// "@every 10m" or "@hourly" (default "@every 10m").
	Schedule string `yaml:"schedule"`
	// Timezone is the IANA zone the scheduler runs in (default "UTC").
	Timezone string `yaml:"timezone"`

	// Sections are the site's sections; at least one is required.
	Sections []Section `yaml:"sections"`
	// Sources are the partner feeds; the list may be empty.
	Sources []Source `yaml:"sources"`

	// loc is Timezone parsed by Parse; see Location.
	loc *time.Location
	// schedules holds every schedule spec of the config, parsed once.
	schedules map[string]cron.Schedule
	// lines is the line of every key path in the file, kept by Parse; see
	// Line.
	lines map[string]int
}

// Server configures the HTTP publisher.
type Server struct {
	// Listen is the TCP address to serve on (default ":8080").
	Listen string `yaml:"listen"`
	// BaseURL is the public absolute URL the feeds are reached at
	// (default "http://localhost:8080"); published links are built on it.
	BaseURL string `yaml:"base_url"`
	// WebSubHub is the URL of a WebSub hub (optional): feeds advertise it
	// and the hub is told whenever a section changes, so subscribers get
	// stories pushed instead of polling.
	WebSubHub string `yaml:"websub_hub"`
	// MaxConnections caps the connections served at once (default 1024);
	// more wait in the kernel's queue until one closes, so a flood of
	// connections costs bounded memory.
	MaxConnections int `yaml:"max_connections"`
}

// Admin configures the admin API, through which sources and sections are
// managed while the daemon runs. It is off unless a token is set.
type Admin struct {
	// Token is the secret an admin client sends as "Authorization: Bearer
	// TOKEN"; at least 16 characters. The environment variable
	// WIREFEED_ADMIN_TOKEN, when set, overrides it, so the secret need not be
	// written in the file. Empty: the admin API is off.
	Token string `yaml:"token"`
	// Listen is a separate address for the admin API, such as
	// "127.0.0.1:8081", so it can be kept off the public interface. Empty:
	// it is served under /admin/ on server.listen.
	Listen string `yaml:"listen"`
	// TrustedProxies lists the reverse proxies in front of the admin API
	// whose X-Forwarded-For header names the client. Wrong tokens are
	// throttled per client address: the connection's peer, unless it is
	// one of these. Empty: X-Forwarded-For is ignored.
	TrustedProxies []Network `yaml:"trusted_proxies"`
}

// Enabled reports whether the admin API is on.
func (a Admin) Enabled() bool { return a.Token != "" }

// Storage configures the database.
type Storage struct {
	// Path is the SQLite database file (default "wirefeed.db").
	Path string `yaml:"path"`
	// Postgres is the URL of a PostgreSQL database, such as
	// "postgres://wirefeed@db.internal:5432/wirefeed", used instead of the
	// SQLite file when set: several daemons may share it. The environment
	// variable WIREFEED_POSTGRES overrides it (keeping a password out of the
	// file).
	Postgres string `yaml:"postgres"`
}

// Database names the database in messages: the SQLite file, or the
// PostgreSQL server and database without credentials.
func (s Storage) Database() string {
	if s.Postgres == "" {
		return s.Path
	}
	if u, err := url.Parse(s.Postgres); err == nil && u.Host != "" {
		return "postgres://" + u.Host + u.Path
	}
	return "PostgreSQL"
}

// Duplicates configures cross-partner duplicate detection.
type Duplicates struct {
	// Window is how far apart two partners' copies of a story may arrive
	// and still be published as one story (default 72h).
	Window Duration `yaml:"window"`
}

// Retention bounds the store: stories older than MaxAge, and each source's
// stories beyond its newest MaxPerSource, are pruned on Schedule, except
// those still inside a published section window.
type Retention struct {
	// MaxAge is how long a story is kept after it was first seen
	// (default 720h, 30 days).
	MaxAge Duration `yaml:"max_age"`
	// MaxPerSource is how many stories of one source are kept
	// (default 10000).
	MaxPerSource int `yaml:"max_per_source"`
	// MaxPerSection is how many stories one section keeps: a story beyond
	// the newest MaxPerSection of every section it is in is pruned
	// (default 5000).
	MaxPerSection int `yaml:"max_per_section"`
	// Schedule is when pruning runs (default "@hourly").
	Schedule string `yaml:"schedule"`
}

// Log configures the daemon's structured logs (on standard error).
type Log struct {
	// Format is "text" (key=value lines, the default) or "json".
	Format string `yaml:"format"`
	// Level is the least severe level written: "debug", "info" (the
	// default), "warn" or "error".
	Level string `yaml:"level"`
}

// Fetch configures how partner feeds are pulled.
type Fetch struct {
	// Timeout bounds one whole pull of one source: the request, reading
	// the body, parsing and normalising it (default 30s; 0 is refused).
	Timeout Duration `yaml:"timeout"`
	// Jitter is the largest random delay added before a scheduled fetch so
	// sources on one schedule do not all fire in the same second
	// (default 10s when absent; an explicit 0 disables it).
	Jitter Duration `yaml:"jitter"`
	// Workers bounds how many sources are fetched at once (default 8).
	Workers int `yaml:"workers"`
	// MaxBody bounds one fetched document, in bytes counted after
	// decompression (default 10485760, i.e. 10 MiB).
	MaxBody int64 `yaml:"max_body"`
	// MaxItems bounds how many items of one document are stored
	// (default 1000).
	MaxItems int `yaml:"max_items"`
	// MinInterval is the shortest time allowed between two scheduled polls
	// of one source: a schedule that fires more often ("@every 10s",
	// "* * * * *" under a 5m minimum) is refused (default 1m).
	MinInterval Duration `yaml:"min_interval"`
	// PerHost bounds how many sources on one partner host are fetched at
	// once (default 2).
	PerHost int `yaml:"per_host"`
	// MaxInterval caps how long a source may rest beyond its schedule: the
	// partner's Retry-After, Cache-Control, Expires or <ttl>, and backoff
	// after failures (default 6h). A failing source is retried at least
	// this often, for ever.
	MaxInterval Duration `yaml:"max_interval"`
	// AllowNetworks lists the loopback, private and reserved networks
	// fetches may reach, which the address guard refuses otherwise: CIDR
	// prefixes ("10.20.0.0/16") or single addresses. Link-local and cloud
	// metadata addresses stay refused whatever this says.
	AllowNetworks []Network `yaml:"allow_networks"`
}

// Guard is the address policy every fetch connection must pass, in every
// command: loopback, private and reserved addresses are refused unless
// AllowNetworks lists them, link-local and cloud metadata addresses always;
// a refusal names fetch.allow_networks.
func (f Fetch) Guard() netguard.Policy {
	return netguard.Policy{DenyPrivate: true, Allow: f.AllowPrefixes(), AllowKey: "fetch.allow_networks"}
}

// Network is an IP network written as a CIDR prefix ("10.0.0.0/8") or a
// single address ("192.0.2.7", a /32).
type Network netip.Prefix

// Prefix returns n as a netip.Prefix.
func (n Network) Prefix() netip.Prefix { return netip.Prefix(n) }

// String formats n like netip.Prefix does.
func (n Network) String() string { return netip.Prefix(n).String() }

// AllowPrefixes returns AllowNetworks as prefixes, for netguard.Policy.
func (f Fetch) AllowPrefixes() []netip.Prefix {
	out := make([]netip.Prefix, len(f.AllowNetworks))
	for i, n := range f.AllowNetworks {
		out[i] = n.Prefix()
	}
	return out
}

// Section is one of the site's sections, published as its own feeds.
type Section struct {
	// ID names the section in URLs and in routing: 1-64 characters of
	// a-z, 0-9, '-' and '_', starting with a letter or digit.
	ID string `yaml:"id"`
	// Title is the feed title.
	Title string `yaml:"title"`
	// Description is the feed description.
	Description string `yaml:"description"`
	// Limit is how many newest stories the section's feeds carry: 1 to 1000
	// (default 50; 0 is refused).
	Limit int `yaml:"limit"`
	// All makes the section carry the newest stories of every section
	// (e.g. "headlines"); nothing is routed to it explicitly, and it takes
	// no Include or Exclude rules.
	All bool `yaml:"all"`
	// Include places in the section every story that one of these rules
	// matches, whichever source it comes from (unless the rule names
	// sources). See Rule.
	Include []Rule `yaml:"include"`
	// Exclude takes out of the section every story that one of these rules
	// matches, however it was placed there: exclude always wins.
	Exclude []Rule `yaml:"exclude"`
}

// Source is one partner feed.
type Source struct {
	// ID names the source in URLs and in the store; same rules as Section.ID.
	ID string `yaml:"id"`
	// Name is the partner's display name (default ID).
	Name string `yaml:"name"`
	// URL is the absolute http(s) address of the partner's RSS, Atom or
	// JSON feed. Credentials belong in Auth; a user name or a key still
	// written in the URL works, and is hidden wherever the URL is shown.
	URL string `yaml:"url"`
	// Auth gives the credentials the partner asks for, each read from an
	// environment variable; see Auth.
	Auth Auth `yaml:"auth"`
	// Schedule overrides the default schedule for this source; see
	// EffectiveSchedule.
	Schedule string `yaml:"schedule"`
	// Attribution credits the partner on every story, e.g. "Provided by Nation"
	// (default "Provided by " + Name).
	Attribution string `yaml:"attribution"`
	// Sections receive every story of this source. A section with
	// "all: true" may not be named here (nor in Categories or Fallback).
	Sections []string `yaml:"sections"`
	// Categories maps the partner's own item categories (matched without
	// regard to case or surrounding space) to section ids. A value may be one
	// id or a list.
	Categories map[string]StringList `yaml:"categories"`
	// Fallback is the section for stories that neither Sections nor
	// Categories place anywhere.
	Fallback string `yaml:"fallback"`
	// Priority decides whose copy is published when several partners carry
	// the same story: 1 is the highest, lower numbers win (default 100).
	Priority int `yaml:"priority"`
	// Site is the partner's own web site host, such as "nationthailand.com".
	// When not set, the site the feed itself names is used (its channel
	// <link>, Atom's rel="alternate" link), else the feed URL's host without
	// "www.". Among partners of equal priority, the one whose site hosts a
	// story's link publishes it.
	Site string `yaml:"site"`
	// Charset overrides the character encoding the partner declares, for
	// partners that declare the wrong one: a WHATWG label such as
	// "shift_jis", "euc-jp", "iso-2022-jp" or "windows-874". It is still
	// checked against the bytes (a body of valid UTF-8 is taken as UTF-8).
	Charset string `yaml:"charset"`
	// Timezone is the IANA zone of item dates written without one, such as
	// "2026/11/28 09:30" (default "UTC").
	Timezone string `yaml:"timezone"`
	// Paused stops scheduled fetches of the source; its stories stay
	// published, and a fetch asked for by name still runs.
	Paused bool `yaml:"paused"`

	// loc is Timezone parsed by Parse; see Location.
	loc *time.Location
	// routes is Categories keyed by normalized category, built by Parse so
	// that CategorySections does not scan Categories; nil in a Source built
	// in code.
	routes map[string]categoryRoute
	// keyPath is where the source is in the file ("sources[1]"), set by
	// Parse.
	keyPath string
}

// categoryRoute is one entry of Source.Categories.
type categoryRoute struct {
	written  string // the category as written in the config
	sections []string
}

// StringList is a YAML value written either as one string or as a list.
type StringList []string

// Duration is a time.Duration written in YAML as "30s", "5m", "1h30m".
type Duration time.Duration

// Error is one problem in a config file.
type Error struct {
	// File is the file name given to Load or Parse.
	File string
	// Line is the 1-based line of the offending key or value; 0 if unknown.
	Line int
	// Key is the path of the offending key, e.g. "sources[1].url" or
	// `sources[0].categories["Politics"]`; "" for the file as a whole.
	Key string
	// Msg says what is wrong.
	Msg string
}

// Error formats e as "FILE:LINE: KEY: MSG", leaving out what is unknown.
func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		if where == "" {
			where = "line " + strconv.Itoa(e.Line)
		} else {
			where += ":" + strconv.Itoa(e.Line)
		}
	}
	parts := make([]string, 0, 3)
	if where != "" {
		parts = append(parts, where)
	}
	if e.Key != "" {
		parts = append(parts, e.Key)
	}
	return strings.Join(append(parts, e.Msg), ": ")
}

// ErrorList is every problem found in one config file, ordered by line.
// Load and Parse return it (as error) when a config is refused; use
// errors.As to get at the individual errors.
type ErrorList []*Error

// Error returns one line per problem.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the individual errors, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
