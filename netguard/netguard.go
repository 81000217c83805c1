// Package netguard decides which IP addresses outbound fetches may reach,
// so that a feed URL cannot make wirefeed read the cloud metadata service,
// the machine itself or the private network it sits in (server-side request
// forgery).
//
// A Policy is checked twice: CheckURL before a URL is accepted (literal
// addresses in every form resolvers accept, and every address its host name
// resolves to), and Control on every connection actually made, so that a
// name that resolves differently at connect time (DNS rebinding) or a
// redirect to another host is still caught.
package netguard

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"
)

// ErrRefused is matched (errors.Is) by every error that refuses an address
// or URL.
var ErrRefused = errors.New("netguard: refused")

// Policy decides which addresses fetches may connect to. The zero Policy
// refuses only link-local and cloud metadata addresses.
type Policy struct {
	// DenyPrivate also refuses loopback, private (RFC 1918, IPv6 ULA
	// fc00::/7), shared (CGNAT 100.64.0.0/10), unspecified, multicast,
	// broadcast, documentation, benchmarking and reserved addresses, the
	// IPv4-mapped, IPv4-compatible, NAT64, 6to4 and Teredo forms of all of
	// these, and the names "localhost" and "*.localhost".
	//
	// Link-local (169.254.0.0/16, fe80::/10) and cloud metadata addresses
	// (169.254.169.254, fd00:ec2::254, 100.100.100.200, ...) are refused
	// whatever DenyPrivate and Allow say.
	DenyPrivate bool
	// Allow lists networks allowed even when DenyPrivate refuses them.
	// It cannot open link-local or metadata addresses (see AlwaysRefused).
	// Names of this machine ("localhost") are let through to be resolved
	// and dialed when Allow covers a loopback address.
	Allow []netip.Prefix
	// AllowKey names the setting Allow comes from, such as
	// "fetch.allow_networks": a refusal Allow could lift tells the reader
	// to list the address there. Empty: refusals give no such advice.
	AllowKey string
}

// RefusedError says which address was refused and why. It matches
// ErrRefused.
type RefusedError struct {
	// Addr is the refused address.
	Addr netip.Addr
	// Reason says what kind of address it is, e.g. "private address" or
	// "link-local/cloud metadata address".
	Reason string
	// Host is the name that resolved to Addr, when a name was checked.
	Host string
	// Dial holds "ip:port" when the refusal came from Control, i.e. when a
	// connection was about to be made.
	Dial string
	// AllowKey names the setting that would allow Addr (Policy.AllowKey),
	// when listing it there would; "" when nothing can allow it.
	AllowKey string
}

func (e *RefusedError) Error() string {
	var msg string
	switch {
	case !e.Addr.IsValid() && e.Dial != "":
		return fmt.Sprintf("refused to connect to %s (%s)", e.Dial, e.Reason)
	case !e.Addr.IsValid():
		return e.Reason
	case e.Host != "":
		msg = fmt.Sprintf("%s resolves to %s, %s", e.Host, e.Addr, article(e.Reason))
	default:
		msg = fmt.Sprintf("%s is %s", e.Addr, article(e.Reason))
	}
	if e.Dial != "" {
		msg = fmt.Sprintf("refused to connect to %s: %s", e.Dial, msg)
	}
	if e.AllowKey != "" {
		msg += fmt.Sprintf("; list it in %s to allow it", e.AllowKey)
	}
	return msg
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// CheckAddr returns a *RefusedError if p refuses connections to ip, nil
// otherwise. A zone (fe80::1%eth0) is ignored.
func (p Policy) CheckAddr(ip netip.Addr) error {
	if !ip.IsValid() {
		return &RefusedError{Addr: ip, Reason: "invalid address"}
	}
	ip = ip.WithZone("")
	reason := p.reason(ip)
	if reason == "" {
		return nil
	}
	refused := &RefusedError{Addr: ip, Reason: reason}
	if !strings.HasPrefix(reason, metadataReason) {
		refused.AllowKey = p.AllowKey // Allow can lift every other refusal
	}
	return refused
}

// Control refuses a connection to an address p refuses. It has the
// signature of net.Dialer.Control, which is called with the address
// actually dialed ("ip:port", after name resolution) for every attempt, so
// neither a redirect nor a name that resolves differently at connect time
// slips past it.
func (p Policy) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{Reason: "address that cannot be checked", Dial: address}
	}
	if err := p.CheckAddr(ap.Addr()); err != nil {
		refused := err.(*RefusedError)
		refused.Dial = address
		return refused
	}
	return nil
}

// alwaysRefused are link-local and cloud metadata addresses, refused
// whatever the policy says: reading them is the point of most SSRF attacks.
var alwaysRefused = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"),     // link-local; AWS, GCP, Azure, OCI, DigitalOcean metadata (169.254.169.254), ECS (169.254.170.2)
	netip.MustParsePrefix("fe80::/10"),          // link-local
	netip.MustParsePrefix("fd00:ec2::254/128"),  // AWS metadata over IPv6
	netip.MustParsePrefix("fd20:ce::254/128"),   // GCP metadata over IPv6
	netip.MustParsePrefix("100.100.100.200/32"), // Alibaba Cloud metadata
	netip.MustParsePrefix("192.0.0.192/32"),     // Oracle Cloud Classic metadata
	netip.MustParsePrefix("168.63.129.16/32"),   // Azure WireServer (platform agent, DNS)
}

const metadataReason = "link-local/cloud metadata address"

func isAlwaysRefused(ip netip.Addr) bool {
	for _, r := range alwaysRefused {
		if r.Contains(ip) {
			return true
		}
	}
	return false
}

// AlwaysRefused reports whether every address of prefix is link-local or
// cloud metadata: such addresses are refused whatever the Policy says, so
// listing prefix in Allow would have no effect.
func AlwaysRefused(prefix netip.Prefix) bool {
	prefix = unmapPrefix(prefix.Masked())
	for _, r := range alwaysRefused {
		if prefix.Bits() >= r.Bits() && r.Contains(prefix.Addr()) {
			return true
		}
	}
	return false
}

// special are the ranges DenyPrivate refuses, with the reason given. The
// first match wins, so narrower ranges come first. IPv6 outside 2000::/3
// is refused as reserved after these (see privateReason).
var special = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/32"), "unspecified address"},
	{netip.MustParsePrefix("0.0.0.0/8"), "reserved address"}, // "this network"
	{netip.MustParsePrefix("10.0.0.0/8"), "private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT) address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved address"}, // IETF protocol assignments
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation address"},
	{netip.MustParsePrefix("192.88.99.0/24"), "reserved address"}, // 6to4 relay anycast
	{netip.MustParsePrefix("192.168.0.0/16"), "private address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast address"},
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved address"},

	{netip.MustParsePrefix("::/128"), "unspecified address"},
	{netip.MustParsePrefix("::1/128"), "loopback address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "private address"}, // local-use NAT64
	{netip.MustParsePrefix("100::/64"), "reserved address"},      // discard-only
	{netip.MustParsePrefix("2001:2::/48"), "benchmarking address"},
	{netip.MustParsePrefix("2001:10::/28"), "reserved address"}, // ORCHID
	{netip.MustParsePrefix("2001:20::/28"), "reserved address"}, // ORCHIDv2
	{netip.MustParsePrefix("2001:db8::/32"), "documentation address"},
	{netip.MustParsePrefix("3fff::/20"), "documentation address"},
	{netip.MustParsePrefix("5f00::/16"), "reserved address"}, // SRv6 SIDs
	{netip.MustParsePrefix("fc00::/7"), "private address"},   // unique local
	{netip.MustParsePrefix("fec0::/10"), "private address"},  // site-local, deprecated
	{netip.MustParsePrefix("ff00::/8"), "multicast address"},
}

var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// reason returns why p refuses ip (no zone), or "".
func (p Policy) reason(ip netip.Addr) string {
	if ip.Is4In6() {
		return within(p.reason(ip.Unmap()), "IPv4-mapped", ip.Unmap())
	}
	if isAlwaysRefused(ip) {
		return metadataReason
	}
	v4, form, embedded := embeddedIPv4(ip)
	if embedded && isAlwaysRefused(v4) {
		return within(metadataReason, form, v4)
	}
	if p.allowed(ip) {
		return ""
	}
	if embedded {
		// The IPv6 address reaches v4 through a translator or tunnel: it
		// is as good as v4 is.
		return within(p.reason(v4), form, v4)
	}
	if p.DenyPrivate {
		return privateReason(ip)
	}
	return ""
}

// within says that the refused address is another form of v4.
func within(reason, form string, v4 netip.Addr) string {
	if reason == "" {
		return ""
	}
	return fmt.Sprintf("%s: the %s form of %s", reason, form, v4)
}

func (p Policy) allowed(ip netip.Addr) bool {
	for _, n := range p.Allow {
		if unmapPrefix(n).Contains(ip) {
			return true
		}
	}
	return false
}

// privateReason is why DenyPrivate refuses ip, or "".
func privateReason(ip netip.Addr) string {
	for _, s := range special {
		if s.prefix.Contains(ip) {
			return s.reason
		}
	}
	if ip.Is6() && !globalUnicast6.Contains(ip) {
		return "reserved address"
	}
	return ""
}

var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour  = netip.MustParsePrefix("2002::/16")
	teredo     = netip.MustParsePrefix("2001::/32")
	compatible = netip.MustParsePrefix("::/96")
)

// embeddedIPv4 returns the IPv4 address an IPv6 address reaches through
// NAT64, 6to4, Teredo or the deprecated IPv4-compatible form, and the
// form's name. (IPv4-mapped addresses are unmapped before this.)
func embeddedIPv4(ip netip.Addr) (netip.Addr, string, bool) {
	if !ip.Is6() {
		return netip.Addr{}, "", false
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), "NAT64", true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), "6to4", true
	case teredo.Contains(ip):
		// The client's address, stored inverted in the last 32 bits.
		return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]}), "Teredo", true
	case compatible.Contains(ip) && ip != netip.IPv6Unspecified() && ip != netip.IPv6Loopback():
		return netip.AddrFrom4([4]byte(b[12:16])), "IPv4-compatible", true
	}
	return netip.Addr{}, "", false
}

// unmapPrefix turns ::ffff:10.0.0.0/104 into 10.0.0.0/8.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p
}

// ParseNetwork parses a network written as a CIDR prefix ("10.0.0.0/8",
// "fd12:3456::/48") or a single address ("192.0.2.7", "::1"). A prefix
// with bits set beyond its length ("10.0.0.5/8") is refused, as likely a
// typing mistake; IPv4-mapped forms are turned into IPv4.
func ParseNetwork(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		ip, err := netip.ParseAddr(s)
		if err != nil || ip.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("invalid network %q: want a CIDR prefix such as \"10.0.0.0/8\" or a single address", s)
		}
		return netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid network %q: want a CIDR prefix such as \"10.0.0.0/8\" or a single address", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("invalid network %q: address has bits set beyond the /%d prefix; did you mean %q?", s, p.Bits(), p.Masked().String())
	}
	return unmapPrefix(p), nil
}
