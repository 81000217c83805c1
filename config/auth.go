package config

import (
	"fmt"
	"net/textproto"
	"net/url"
	"os"
	"regexp"
	"strings"

	"golang.org/x/net/http/httpguts"

	"wirefeed/internal/redact"
)

// Auth is how wirefeed proves itself to a partner that asks for
// credentials. Each secret is read from an environment variable named
// here, so it is written neither in the file nor anywhere wirefeed shows
// a source; the fetcher alone reads it, and sends it only to the host of
// the source's URL. Any of the three may be combined.
//
//	auth:
//	  basic: {user: wirefeed, password_env: NATION_PASSWORD}
//	  header: {name: X-Api-Key, value_env: NATION_KEY}
//	  query: {name: apikey, value_env: NATION_KEY}
type Auth struct {
	// Basic is HTTP basic authentication.
	Basic BasicAuth `yaml:"basic"`
	// Header is a request header carrying a key, such as X-Api-Key.
	Header HeaderAuth `yaml:"header"`
	// Query is a query parameter carrying a key, such as apikey.
	Query QueryAuth `yaml:"query"`
}

// BasicAuth is HTTP basic authentication.
type BasicAuth struct {
	// User is the user name (not a secret).
	User string `yaml:"user"`
	// PasswordEnv names the environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`
}

// HeaderAuth is a request header whose value is a secret.
type HeaderAuth struct {
	// Name is the header's name, such as "X-Api-Key".
	Name string `yaml:"name"`
	// ValueEnv names the environment variable holding its value.
	ValueEnv string `yaml:"value_env"`
}

// QueryAuth is a query parameter whose value is a secret. It is added to
// every request to the source's host (replacing one of the same name in
// the URL) and taken out of every URL wirefeed records.
type QueryAuth struct {
	// Name is the parameter's name, such as "apikey".
	Name string `yaml:"name"`
	// ValueEnv names the environment variable holding its value.
	ValueEnv string `yaml:"value_env"`
}

// IsZero reports whether no credential is configured.
func (a Auth) IsZero() bool { return a == Auth{} }

// Credentials are a source's secrets, read from the environment when a
// fetch needs them.
type Credentials struct {
	User, Password      string // basic authentication, when User is set
	Header, HeaderValue string // a header, when Header is set
	Param, ParamValue   string // a query parameter, when Param is set
}

// String names what the credentials are, hiding the secrets, so that
// printing them (%v, %+v, a log line) shows none.
func (c Credentials) String() string {
	var parts []string
	if c.User != "" {
		parts = append(parts, "basic "+c.User+":"+redact.Mask)
	}
	if c.Header != "" {
		parts = append(parts, "header "+c.Header+": "+redact.Mask)
	}
	if c.Param != "" {
		parts = append(parts, "query "+c.Param+"="+redact.Mask)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Credentials reads the source's secrets through lookup (os.LookupEnv in
// production). An unset or empty variable is an error naming it and the
// key that names it.
func (s Source) Credentials(lookup func(string) (string, bool)) (Credentials, error) {
	var c Credentials
	read := func(key, name string) (string, error) {
		v, ok := lookup(name)
		if !ok || v == "" {
			return "", fmt.Errorf("environment variable %s (%s.auth.%s) is not set", name, s.keyPath, key)
		}
		return v, nil
	}
	var err error
	if a := s.Auth.Basic; a != (BasicAuth{}) {
		c.User = a.User
		if c.Password, err = read("basic.password_env", a.PasswordEnv); err != nil {
			return Credentials{}, err
		}
	}
	if a := s.Auth.Header; a != (HeaderAuth{}) {
		c.Header = a.Name
		if c.HeaderValue, err = read("header.value_env", a.ValueEnv); err != nil {
			return Credentials{}, err
		}
	}
	if a := s.Auth.Query; a != (QueryAuth{}) {
		c.Param = a.Name
		if c.ParamValue, err = read("query.value_env", a.ValueEnv); err != nil {
			return Credentials{}, err
		}
	}
	return c, nil
}

// envName is what an environment variable's name may look like.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// reservedHeaders are headers wirefeed sets itself or that belong to the
// connection: auth.header may not name them.
var reservedHeaders = map[string]bool{
	"Host": true, "Content-Length": true, "Transfer-Encoding": true, "Connection": true,
	"Keep-Alive": true, "Te": true, "Trailer": true, "Upgrade": true, "Proxy-Authorization": true,
	"Proxy-Connection": true, "Accept-Encoding": true, "If-None-Match": true, "If-Modified-Since": true,
}

// auth checks a source's auth settings; key is the source's key path.
func (v *validator) auth(key string, s Source) {
	a := s.Auth
	if _, set := v.lines[key+".auth"]; set && a.IsZero() {
		v.errorf(key+".auth", "empty: give basic, header or query credentials, or leave auth out")
		return
	}
	if b := a.Basic; b != (BasicAuth{}) {
		if b.User == "" {
			v.errorf(key+".auth.basic.user", "required")
		}
		if u, err := url.Parse(s.URL); err == nil && u.User != nil {
			v.errorf(key+".url", "holds a user name as well as auth.basic: remove it from the url")
		}
		v.env(key+".auth.basic.password_env", b.PasswordEnv, nil)
	}
	if h := a.Header; h != (HeaderAuth{}) {
		name := h.Name
		switch canonical := textproto.CanonicalMIMEHeaderKey(name); {
		case name == "":
			v.errorf(key+".auth.header.name", "required")
		case !httpguts.ValidHeaderFieldName(name):
			v.errorf(key+".auth.header.name", "invalid header name %q", name)
		case reservedHeaders[canonical]:
			v.errorf(key+".auth.header.name", "%s is set by wirefeed itself or by the connection; choose the header the partner asks for", canonical)
		case canonical == "Authorization" && a.Basic != (BasicAuth{}):
			v.errorf(key+".auth.header.name", "Authorization is what auth.basic sends; give one of them")
		}
		v.env(key+".auth.header.value_env", h.ValueEnv, func(value string) string {
			if !httpguts.ValidHeaderFieldValue(value) {
				return "holds characters an HTTP header cannot carry (a line break or a control character)"
			}
			return ""
		})
	}
	if q := a.Query; q != (QueryAuth{}) {
		if strings.TrimSpace(q.Name) == "" {
			v.errorf(key+".auth.query.name", "required")
		}
		v.env(key+".auth.query.value_env", q.ValueEnv, nil)
	}
}

// env checks that key names an environment variable that is set; check,
// when not nil, says what is wrong with its value ("" when nothing). The
// value itself is never put in a message.
func (v *validator) env(key, name string, check func(string) string) {
	switch value, ok := os.LookupEnv(name); {
	case name == "":
		v.errorf(key, "required: the name of the environment variable holding the secret")
	case !envName.MatchString(name):
		v.errorf(key, "invalid environment variable name %q: want letters, digits and _", name)
	case !ok || value == "":
		v.errorf(key, "environment variable %s is not set", name)
	case check != nil:
		if msg := check(value); msg != "" {
			v.errorf(key, "environment variable %s %s", name, msg)
		}
	}
}
