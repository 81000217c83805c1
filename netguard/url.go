package netguard

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// Resolver looks up a host's addresses; *net.Resolver satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// URLError refuses a URL for what it says rather than for an address: a
// scheme other than http(s), no host, a localhost name. It matches
// ErrRefused.
type URLError struct {
	// URL is the refused URL, without its password; "" leaves it out of
	// Error, for a caller that names it itself.
	URL    string
	Reason string
}

func (e *URLError) Error() string {
	if e.URL == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s: %s", e.URL, e.Reason)
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *URLError) Is(target error) bool { return target == ErrRefused }

// CheckURL checks a URL before it is accepted as a feed: the scheme must be
// http or https; a host written as an IP address (in any form a resolver
// would take: "[::ffff:127.0.0.1]", "2130706433", "0x7f.1", "0177.0.0.1")
// must pass CheckAddr; a host name must resolve through r (nil: the
// system's resolver) and every address it resolves to must pass. With
// DenyPrivate, "localhost" and names under ".localhost" are refused
// without a lookup.
//
// The answer holds for the moment of the check only: a name may resolve
// elsewhere later. Dial through a net.Dialer whose Control is p.Control so
// that every connection is checked too.
//
// A refusal matches ErrRefused (a *RefusedError for an address, a
// *URLError otherwise); a URL that does not parse or a failed lookup is
// another error.
func (p Policy) CheckURL(ctx context.Context, rawURL string, r Resolver) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid URL %q: %w", rawURL, err)
	}
	host, err := p.checkTarget(u)
	if err != nil || host == "" {
		return err
	}
	if r == nil {
		r = net.DefaultResolver
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("checking %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("checking %s: the name has no addresses", host)
	}
	for _, a := range addrs {
		if err := p.CheckAddr(a); err != nil {
			refused := err.(*RefusedError)
			refused.Host = host
			return refused
		}
	}
	return nil
}

// CheckTarget is CheckURL without name resolution: it checks what the URL
// itself shows (scheme, localhost names, a host written as an address) and
// lets any other host name through, to be checked when it is dialed. It
// suits checks that must not wait for DNS, such as following a redirect.
func (p Policy) CheckTarget(u *url.URL) error {
	_, err := p.checkTarget(u)
	return err
}

// checkTarget does CheckTarget and returns the host name left to resolve,
// "" when the host was an address.
func (p Policy) checkTarget(u *url.URL) (string, error) {
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return "", &URLError{URL: u.Redacted(), Reason: fmt.Sprintf("scheme %q is not allowed, only http and https", u.Scheme)}
	}
	host, written := u.Hostname(), u.Hostname()
	if host == "" {
		return "", &URLError{URL: u.Redacted(), Reason: "no host"}
	}
	if ip, ok := literalAddr(host); ok {
		return "", p.CheckAddr(ip)
	}
	// The HTTP client maps a Unicode host name to ASCII before it dials
	// ("１２７.０.０.１" becomes "127.0.0.1"): check what it will use.
	if ascii, err := idna.Lookup.ToASCII(host); err == nil && ascii != host {
		host = ascii
		if ip, ok := literalAddr(host); ok {
			return "", p.CheckAddr(ip)
		}
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if p.DenyPrivate && (name == "localhost" || strings.HasSuffix(name, ".localhost")) && !p.allowsLoopback() {
		reason := fmt.Sprintf("%q is a name of this machine (localhost)", written)
		if p.AllowKey != "" {
			reason += fmt.Sprintf("; list 127.0.0.0/8 in %s to allow it", p.AllowKey)
		}
		return "", &URLError{URL: u.Redacted(), Reason: reason}
	}
	return host, nil
}

// allowsLoopback reports whether Allow covers a loopback address, so that
// names of this machine may be resolved and their addresses checked.
func (p Policy) allowsLoopback() bool {
	return p.allowed(netip.MustParseAddr("127.0.0.1")) || p.allowed(netip.IPv6Loopback())
}

// literalAddr parses a URL host written as an IP address: IPv6 (with or
// without a zone), or IPv4 in any form inet_aton(3) accepts, which many
// resolvers hand back as an address instead of looking the name up: one to
// four parts, each decimal, octal (leading 0) or hex (leading 0x), the
// last filling the bytes left ("127.1", "2130706433", "0x7f.0.0.1",
// "0177.0.0.01"). One trailing dot is ignored.
func literalAddr(host string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, true
	}
	host = strings.TrimSuffix(host, ".")
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var b [4]byte
	for i, part := range parts {
		n, ok := inetAtonPart(part)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 0xff {
				return netip.Addr{}, false
			}
			b[i] = byte(n)
			continue
		}
		// The last part fills the remaining bytes, big-endian.
		left := 4 - i
		if n >= 1<<(8*left) {
			return netip.Addr{}, false
		}
		for j := 3; j >= i; j-- {
			b[j] = byte(n)
			n >>= 8
		}
	}
	return netip.AddrFrom4(b), true
}

// inetAtonPart parses one part of an inet_aton address.
func inetAtonPart(s string) (uint64, bool) {
	base := 10
	switch {
	case s == "":
		return 0, false
	case len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, s = 16, s[2:]
		if s == "" {
			return 0, true // "0x" is 0 to inet_aton
		}
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, base, 32)
	return n, err == nil
}
