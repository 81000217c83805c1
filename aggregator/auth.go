package aggregator

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"wirefeed/config"
	"wirefeed/internal/redact"
)

// credentials are the secrets of the source being pulled (config.Auth,
// read from the environment) and where they may be sent: to the host of
// the source's URL only, and never over plain http when that URL is
// https. A redirect or a discovered feed elsewhere gets none.
type credentials struct {
	config.Credentials
	host  string // the source URL's host name, lower case
	https bool
}

// sourceCredentials reads src's credentials through lookup; nil when src
// has none.
func sourceCredentials(src config.Source, lookup func(string) (string, bool)) (*credentials, error) {
	if src.Auth.IsZero() {
		return nil, nil
	}
	c, err := src.Credentials(lookup)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(src.URL)
	if err != nil {
		return nil, err
	}
	return &credentials{Credentials: c, host: strings.ToLower(u.Hostname()), https: u.Scheme == "https"}, nil
}

// appliesTo reports whether the credentials may be sent with a request to
// u.
func (c *credentials) appliesTo(u *url.URL) bool {
	return c != nil && strings.ToLower(u.Hostname()) == c.host && (u.Scheme == "https" || !c.https)
}

// apply adds the credentials to req, a request of our own.
func (c *credentials) apply(req *http.Request) {
	if c.User != "" {
		req.SetBasicAuth(c.User, c.Password)
	}
	if c.Header != "" {
		req.Header.Set(c.Header, c.HeaderValue)
	}
	if c.Param != "" {
		u := *req.URL
		u.RawQuery = withoutParam(u.RawQuery, c.Param)
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += url.QueryEscape(c.Param) + "=" + url.QueryEscape(c.ParamValue)
		req.URL = &u
	}
}

// scrub takes the query parameter the credentials add out of a URL that
// is recorded (a final URL, a new address, a discovered feed): it is
// added again on the way out.
func (c *credentials) scrub(raw string) string {
	if c == nil || c.Param == "" || !strings.Contains(raw, "?") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.RawQuery = withoutParam(u.RawQuery, c.Param)
	if u.RawQuery == "" {
		u.ForceQuery = false
	}
	return u.String()
}

// hide returns err with its message free of the source's secrets and of
// URL credentials (see redact.Text); errors.Is and errors.As still see
// err.
func (c *credentials) hide(err error) error {
	if err == nil {
		return nil
	}
	if c != nil {
		msg := err.Error()
		masked := msg
		for _, s := range []string{c.Password, c.HeaderValue, c.ParamValue} {
			if s != "" {
				masked = strings.ReplaceAll(masked, s, redact.Mask)
				masked = strings.ReplaceAll(masked, url.QueryEscape(s), redact.Mask)
			}
		}
		if masked != msg {
			err = &maskedError{err: err, msg: masked}
		}
	}
	return redact.Error(err)
}

// maskedError is an error whose message had secrets taken out.
type maskedError struct {
	err error
	msg string
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// withoutParam removes every name=... of a raw query, keeping the rest as
// written.
func withoutParam(rawQuery, name string) string {
	if rawQuery == "" {
		return ""
	}
	parts := strings.Split(rawQuery, "&")
	kept := parts[:0]
	for _, p := range parts {
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil && k == name {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}

// credentialsKey carries a request's *credentials in its context, so that
// every request of one fetch, redirects included, sees them.
type credentialsKey struct{}

// withCredentials returns ctx carrying c.
func withCredentials(ctx context.Context, c *credentials) context.Context {
	if c == nil {
		return ctx
	}
	return context.WithValue(ctx, credentialsKey{}, c)
}

// authTransport adds the credentials in a request's context to each
// request that may carry them, after the client has decided where the
// request goes (so each redirect hop is judged by its own host).
type authTransport struct{ next http.RoundTripper }

func (t authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c, _ := req.Context().Value(credentialsKey{}).(*credentials)
	if !c.appliesTo(req.URL) {
		return t.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	c.apply(out)
	resp, err := t.next.RoundTrip(out)
	if resp != nil {
		resp.Request = req // the request as the client knows it: no secret in its URL
	}
	return resp, err
}
