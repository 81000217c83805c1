// Package redact hides credentials in URLs before they are shown: in
// published feeds, pages, exports, the admin API's reports, logs and error
// messages. A partner's feed URL may carry a user name and password
// ("https://user:secret@host/feed") or a key in its query
// ("?apikey=..."); wherever such a URL is shown, URL turns it into
// "https://***@host/feed?apikey=***". The URL used to fetch is never
// changed: redaction is for display only.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces each hidden value.
const Mask = "***"

// URL returns raw with its user info and the values of its query (and
// fragment) parameters whose names commonly carry secrets (see
// SecretParam) replaced by Mask. The rest is kept byte for byte; raw need
// not parse as a URL.
func URL(raw string) string {
	rest, suffix := raw, ""
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest, suffix = rest[:i], rest[i:]
	}
	if i := strings.Index(rest, "://"); i >= 0 {
		authority := rest[i+3:]
		if end := strings.IndexByte(authority, '/'); end >= 0 {
			authority = authority[:end]
		}
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			rest = rest[:i+3] + Mask + rest[i+3+at:]
		}
	}
	if suffix == "" {
		return rest
	}
	query, fragment, hasFragment := strings.Cut(suffix, "#")
	out := rest + maskParams(query)
	if hasFragment {
		out += "#" + maskParams(fragment)
	}
	return out
}

// maskParams masks the secret values of "?a=1&apikey=2" (or of a fragment
// written the same way); parameters may be separated by & or ;.
func maskParams(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for s != "" {
		end := strings.IndexAny(s, "&;")
		if end < 0 {
			end = len(s)
		}
		param := s[:end]
		if name, _, ok := strings.Cut(param, "="); ok && SecretParam(unescape(strings.TrimLeft(name, "?"))) {
			param = name + "=" + Mask
		}
		b.WriteString(param)
		if end < len(s) {
			b.WriteByte(s[end])
			end++
		}
		s = s[end:]
	}
	return b.String()
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// secretNames are parameter names, lower-cased without "-", "_" and ".",
// that carry a secret; secretSuffixes end such names ("access_token",
// "X-Amz-Signature", "client_secret").
var (
	secretNames = map[string]bool{
		"key": true, "sig": true, "auth": true, "authorization": true, "hmac": true,
		"pass": true, "passwd": true, "pwd": true, "jwt": true, "session": true,
	}
	secretSuffixes = []string{
		"apikey", "accesskey", "secretkey", "privatekey", "subscriptionkey", "licensekey",
		"token", "secret", "password", "signature", "credential", "credentials", "sessionid",
	}
)

// SecretParam reports whether a URL parameter of this name commonly
// carries a secret: key, apikey, api_key, token, access_token, secret,
// password, sig, signature, auth and the like, in any case and with any
// "-", "_" or "." inside.
func SecretParam(name string) bool {
	n := strings.NewReplacer("-", "", "_", "", ".", "").Replace(strings.ToLower(name))
	if secretNames[n] {
		return true
	}
	for _, s := range secretSuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// urlInText finds URLs in free text: a scheme, "://" and everything up to
// white space, a quote or an angle bracket.
var urlInText = regexp.MustCompile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>`]+")

// Text returns s with every URL in it passed through URL, for messages
// that may quote one (errors of net/http and net/url do).
func Text(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInText.ReplaceAllStringFunc(s, func(u string) string {
		// Punctuation after a URL in a sentence is the sentence's.
		trimmed := strings.TrimRight(u, ".,;:!?)]}")
		return URL(trimmed) + u[len(trimmed):]
	})
}

// Error returns err with its message passed through Text; errors.Is and
// errors.As still see err. nil stays nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if masked := Text(msg); masked != msg {
		return &redactedError{err: err, msg: masked}
	}
	return err
}

type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
