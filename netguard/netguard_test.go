package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

var (
	open   = Policy{}
	strict = Policy{DenyPrivate: true}
	// strictLAN allows the loopback and one private network back in, and
	// tries (in vain) to allow every IPv4 and IPv6 address.
	strictLAN = Policy{DenyPrivate: true, Allow: []netip.Prefix{
		netip.MustParsePrefix("127.0.0.0/8"),
		netip.MustParsePrefix("10.1.0.0/16"),
		netip.MustParsePrefix("fd12:3456::/32"),
	}}
	everything = Policy{DenyPrivate: true, Allow: []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/0"),
		netip.MustParsePrefix("::/0"),
	}}
	// keyed names the setting its Allow comes from.
	keyed = Policy{DenyPrivate: true, AllowKey: "fetch.allow_networks"}
)

func TestCheckAddr(t *testing.T) {
	const ok = ""
	tests := []struct {
		addr string
		// reasons under open, strict, strictLAN and everything; ok is
		// allowed.
		open, strict, lan, all string
	}{
		// Public.
		{"93.184.216.34", ok, ok, ok, ok},
		{"2606:2800:220:1:248:1893:25c8:1946", ok, ok, ok, ok},
		{"::ffff:93.184.216.34", ok, ok, ok, ok},
		{"64:ff9b::5db8:d822", ok, ok, ok, ok}, // NAT64 of 93.184.216.34
		{"2002:5db8:d822::1", ok, ok, ok, ok},  // 6to4 of 93.184.216.34

		// Always refused: link-local and metadata, in every form.
		{"169.254.169.254", "link-local/cloud metadata address", "link-local/cloud metadata address", "link-local/cloud metadata address", "link-local/cloud metadata address"},
		{"169.254.0.1", "link-local", "link-local", "link-local", "link-local"},
		{"169.254.170.2", "link-local", "link-local", "link-local", "link-local"},
		{"fe80::1", "link-local", "link-local", "link-local", "link-local"},
		{"fe80::1%eth0", "link-local", "link-local", "link-local", "link-local"},
		{"fd00:ec2::254", "metadata", "metadata", "metadata", "metadata"},
		{"fd20:ce::254", "metadata", "metadata", "metadata", "metadata"},
		{"100.100.100.200", "metadata", "metadata", "metadata", "metadata"},
		{"168.63.129.16", "metadata", "metadata", "metadata", "metadata"},
		{"::ffff:169.254.169.254", "the IPv4-mapped form of 169.254.169.254", "IPv4-mapped", "IPv4-mapped", "IPv4-mapped"},
		{"64:ff9b::a9fe:a9fe", "link-local/cloud metadata address: the NAT64 form of 169.254.169.254", "NAT64", "NAT64", "NAT64"},
		{"2002:a9fe:a9fe::", "the 6to4 form of 169.254.169.254", "6to4", "6to4", "6to4"},
		{"2001:0:4136:e378:8000:63bf:5601:5601", "the Teredo form of 169.254.169.254", "Teredo", "Teredo", "Teredo"},
		{"::a9fe:a9fe", "the IPv4-compatible form of 169.254.169.254", "IPv4-compatible", "IPv4-compatible", "IPv4-compatible"},

		// Refused only with DenyPrivate, unless allowed.
		{"127.0.0.1", ok, "loopback address", ok, ok},
		{"127.255.0.9", ok, "loopback address", ok, ok},
		{"::1", ok, "loopback address", "loopback address", ok},
		{"::ffff:127.0.0.1", ok, "loopback address: the IPv4-mapped form of 127.0.0.1", ok, ok},
		{"::127.0.0.1", ok, "loopback address: the IPv4-compatible form of 127.0.0.1", ok, ok},
		{"10.0.0.5", ok, "private address", "private address", ok},
		{"10.1.2.3", ok, "private address", ok, ok},
		{"64:ff9b::a01:203", ok, "private address: the NAT64 form of 10.1.2.3", ok, ok},
		{"64:ff9b::a00:5", ok, "NAT64 form of 10.0.0.5", "NAT64 form of 10.0.0.5", ok},
		{"2002:a00:5::1", ok, "private address: the 6to4 form of 10.0.0.5", "6to4", ok},
		{"2001:0:4136:e378:8000:63bf:f5ff:fffa", ok, "private address: the Teredo form of 10.0.0.5", "Teredo", ok},
		{"172.16.0.1", ok, "private address", "private address", ok},
		{"172.31.255.255", ok, "private address", "private address", ok},
		{"172.32.0.1", ok, ok, ok, ok},
		{"192.168.1.1", ok, "private address", "private address", ok},
		{"100.64.0.1", ok, "shared (CGNAT) address", "shared (CGNAT) address", ok},
		{"100.128.0.1", ok, ok, ok, ok},
		{"0.0.0.0", ok, "unspecified address", "unspecified address", ok},
		{"0.1.2.3", ok, "reserved address", "reserved address", ok},
		{"::", ok, "unspecified address", "unspecified address", ok},
		{"224.0.0.1", ok, "multicast address", "multicast address", ok},
		{"ff02::1", ok, "multicast address", "multicast address", ok},
		{"255.255.255.255", ok, "broadcast address", "broadcast address", ok},
		{"240.0.0.1", ok, "reserved address", "reserved address", ok},
		{"192.0.0.8", ok, "reserved address", "reserved address", ok},
		{"192.0.2.1", ok, "documentation address", "documentation address", ok},
		{"198.51.100.1", ok, "documentation address", "documentation address", ok},
		{"203.0.113.1", ok, "documentation address", "documentation address", ok},
		{"198.18.0.1", ok, "benchmarking address", "benchmarking address", ok},
		{"2001:db8::1", ok, "documentation address", "documentation address", ok},
		{"2001:2::1", ok, "benchmarking address", "benchmarking address", ok},
		{"fc00::1", ok, "private address", "private address", ok},
		{"fd12:3456::1", ok, "private address", ok, ok},
		{"fec0::1", ok, "private address", "private address", ok},
		{"64:ff9b:1::a00:5", ok, "private address", "private address", ok},
		{"100::1", ok, "reserved address", "reserved address", ok},
		{"4000::1", ok, "reserved address", "reserved address", ok},
	}
	for _, tc := range tests {
		ip := netip.MustParseAddr(tc.addr)
		for _, pc := range []struct {
			name   string
			policy Policy
			want   string
		}{{"open", open, tc.open}, {"strict", strict, tc.strict}, {"lan", strictLAN, tc.lan}, {"all", everything, tc.all}} {
			err := pc.policy.CheckAddr(ip)
			switch {
			case pc.want == ok && err != nil:
				t.Errorf("%s under %s: refused: %v", tc.addr, pc.name, err)
			case pc.want != ok && err == nil:
				t.Errorf("%s under %s: allowed, want refused (%s)", tc.addr, pc.name, pc.want)
			case pc.want != ok && (!strings.Contains(err.Error(), pc.want) || !errors.Is(err, ErrRefused)):
				t.Errorf("%s under %s: %v, want %q matching ErrRefused", tc.addr, pc.name, err, pc.want)
			}
		}
	}
}

func TestRefusedErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{open.CheckAddr(netip.MustParseAddr("169.254.169.254")), "169.254.169.254 is a link-local/cloud metadata address"},
		{strict.CheckAddr(netip.MustParseAddr("::")), ":: is an unspecified address"},
		{strict.Control("tcp4", "10.0.0.5:80", nil), "refused to connect to 10.0.0.5:80: 10.0.0.5 is a private address"},
		{strict.Control("tcp6", "[::1]:8080", nil), "refused to connect to [::1]:8080: ::1 is a loopback address"},
		{keyed.Control("tcp4", "127.0.0.1:80", nil), "refused to connect to 127.0.0.1:80: 127.0.0.1 is a loopback address; list it in fetch.allow_networks to allow it"},
		{keyed.CheckAddr(netip.MustParseAddr("10.0.0.5")), "10.0.0.5 is a private address; list it in fetch.allow_networks to allow it"},
		{keyed.CheckAddr(netip.MustParseAddr("::ffff:192.168.1.1")), "::ffff:192.168.1.1 is a private address: the IPv4-mapped form of 192.168.1.1; list it in fetch.allow_networks to allow it"},
		// Nothing can allow metadata addresses, so no advice is given.
		{keyed.CheckAddr(netip.MustParseAddr("169.254.169.254")), "169.254.169.254 is a link-local/cloud metadata address"},
		{keyed.CheckAddr(netip.MustParseAddr("64:ff9b::a9fe:a9fe")), "64:ff9b::a9fe:a9fe is a link-local/cloud metadata address: the NAT64 form of 169.254.169.254"},
		{open.Control("tcp", "nonsense", nil), "refused to connect to nonsense (address that cannot be checked)"},
		{open.CheckAddr(netip.Addr{}), "invalid address"},
	} {
		if tc.err == nil || tc.err.Error() != tc.want || !errors.Is(tc.err, ErrRefused) {
			t.Errorf("got %v, want %q", tc.err, tc.want)
		}
	}
	if err := strict.Control("tcp4", "93.184.216.34:443", nil); err != nil {
		t.Errorf("public address refused: %v", err)
	}
}

// fakeResolver answers from a map; other names are not found.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	if network != "ip" {
		return nil, errors.New("unexpected network " + network)
	}
	list, ok := f[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, s := range list {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	dns := fakeResolver{
		"news.example":     {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
		"mixed.example":    {"93.184.216.34", "10.0.0.5"},
		"mapped.example":   {"::ffff:93.184.216.34"},
		"metadata.example": {"169.254.169.254"},
		"local.example":    {"127.0.0.1"},
		"empty.example":    {},
		"xn--n3h.example":  {"10.0.0.5"},
		"localhost":        {"127.0.0.1"},
		"localhost.":       {"127.0.0.1"},
		"feeds.localhost":  {"::1"},
	}
	const ok = ""
	tests := []struct {
		url          string
		open, strict string // error wanted (substring); ok when allowed
		refusal      bool   // the error matches ErrRefused
	}{
		{"https://news.example/feed.xml", ok, ok, false},
		{"HTTP://news.example:8080/feed", ok, ok, false},
		{"http://mapped.example/", ok, ok, false},
		{"http://mixed.example/", ok, "mixed.example resolves to 10.0.0.5, a private address", true},
		{"http://metadata.example/latest", "metadata.example resolves to 169.254.169.254, a link-local/cloud metadata address", "link-local", true},
		{"http://local.example/", ok, "local.example resolves to 127.0.0.1, a loopback address", true},
		{"http://☃.example/", ok, "resolves to 10.0.0.5", true},
		{"http://localhost:8080/", ok, `"localhost" is a name of this machine`, true},
		{"http://LOCALHOST./", ok, `"LOCALHOST." is a name of this machine`, true},
		{"http://feeds.localhost/", ok, "localhost", true},
		{"http://nowhere.example/", "checking nowhere.example: lookup nowhere.example: no such host", "no such host", false},
		{"http://empty.example/", "the name has no addresses", "no addresses", false},

		// Literal addresses, in the odd forms resolvers accept.
		{"http://93.184.216.34/", ok, ok, false},
		{"http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local/cloud metadata address", "link-local", true},
		{"http://[fd00:ec2::254]/", "metadata", "metadata", true},
		{"http://[fe80::1%25eth0]/", "fe80::1 is a link-local", "link-local", true},
		{"http://127.0.0.1:8080/", ok, "127.0.0.1 is a loopback address", true},
		{"http://2130706433/", ok, "127.0.0.1 is a loopback address", true},
		{"http://0x7f.1/", ok, "127.0.0.1 is a loopback", true},
		{"http://0x7F000001/", ok, "127.0.0.1 is a loopback", true},
		{"http://0177.0.0.01/", ok, "127.0.0.1 is a loopback", true},
		{"http://127.1/", ok, "127.0.0.1 is a loopback", true},
		{"http://127.0.0.1./", ok, "127.0.0.1 is a loopback", true},
		{"http://１２７.０.０.１/", ok, "127.0.0.1 is a loopback", true},
		{"http://0/", ok, "0.0.0.0 is an unspecified address", true},
		{"http://2852039166/", "169.254.169.254 is a link-local", "link-local", true},
		{"http://0xa9.0xfe.0xa9.0xfe/", "169.254.169.254 is a link-local", "link-local", true},
		{"http://0251.0376.0251.0376/", "169.254.169.254 is a link-local", "link-local", true},
		{"http://169.16689662/", "169.254.169.254 is a link-local", "link-local", true},
		{"http://[::ffff:127.0.0.1]/", ok, "::ffff:127.0.0.1 is a loopback address: the IPv4-mapped form of 127.0.0.1", true},
		{"http://[::ffff:a9fe:a9fe]/", "the IPv4-mapped form of 169.254.169.254", "link-local", true},
		{"http://[::1]:9000/", ok, "::1 is a loopback", true},
		{"http://10.0.0.5/", ok, "10.0.0.5 is a private address", true},

		// Not http(s), or no host.
		{"file:///etc/passwd", `scheme "file" is not allowed`, "scheme", true},
		{"gopher://news.example/", `scheme "gopher" is not allowed`, "scheme", true},
		{"ftp://93.184.216.34/", "scheme", "scheme", true},
		{"/feed.xml", `scheme "" is not allowed`, "scheme", true},
		{"http:///feed.xml", "no host", "no host", true},
		{"http://exa mple.com/", "invalid URL", "invalid URL", false},
	}
	for _, tc := range tests {
		for _, pc := range []struct {
			name   string
			policy Policy
			want   string
		}{{"open", open, tc.open}, {"strict", strict, tc.strict}} {
			err := pc.policy.CheckURL(context.Background(), tc.url, dns)
			switch {
			case pc.want == ok && err != nil:
				t.Errorf("%s under %s: %v", tc.url, pc.name, err)
			case pc.want != ok && err == nil:
				t.Errorf("%s under %s: allowed, want %q", tc.url, pc.name, pc.want)
			case pc.want != ok && !strings.Contains(err.Error(), pc.want):
				t.Errorf("%s under %s: %v, want %q", tc.url, pc.name, err, pc.want)
			case pc.want != ok && errors.Is(err, ErrRefused) != tc.refusal:
				t.Errorf("%s under %s: errors.Is(%v, ErrRefused) = %v", tc.url, pc.name, err, !tc.refusal)
			}
		}
	}
}

// TestLocalhostFollowsTheLoopbackAllowance lets names of this machine
// through only when Allow covers a loopback address; then what they
// resolve to is checked like any other name's addresses.
func TestLocalhostFollowsTheLoopbackAllowance(t *testing.T) {
	dns := fakeResolver{"localhost": {"127.0.0.1"}, "feeds.localhost": {"::1"}}
	err := keyed.CheckURL(context.Background(), "http://localhost:8080/feed", dns)
	want := `"localhost" is a name of this machine (localhost); list 127.0.0.0/8 in fetch.allow_networks to allow it`
	if err == nil || !strings.HasSuffix(err.Error(), want) || !errors.Is(err, ErrRefused) {
		t.Errorf("localhost, loopback not allowed: %v\nwant ...%s", err, want)
	}
	if err := strictLAN.CheckURL(context.Background(), "http://localhost:8080/feed", dns); err != nil {
		t.Errorf("localhost with 127.0.0.0/8 allowed: %v", err)
	}
	// ::1 is not in strictLAN's Allow: the name passes, its address not.
	err = strictLAN.CheckURL(context.Background(), "http://feeds.localhost/", dns)
	if err == nil || !strings.Contains(err.Error(), "feeds.localhost resolves to ::1, a loopback address") {
		t.Errorf("feeds.localhost resolving to a loopback address not allowed: %v", err)
	}
}

func TestCheckTargetDoesNotResolve(t *testing.T) {
	for raw, want := range map[string]string{
		"http://news.example/":       "",
		"https://anything.invalid/":  "",
		"http://169.254.169.254/":    "link-local",
		"http://0xa9fea9fe/":         "link-local",
		"http://10.0.0.5/":           "private address",
		"http://localhost/":          "localhost",
		"javascript:alert(1)":        "scheme",
		"http://[::ffff:10.0.0.5]/x": "private",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		err = strict.CheckTarget(u)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckTarget(%s) = %v, want %q", raw, err, want)
		}
	}
}

func TestLiteralAddr(t *testing.T) {
	for host, want := range map[string]string{
		"127.0.0.1":      "127.0.0.1",
		"2130706433":     "127.0.0.1",
		"017700000001":   "127.0.0.1",
		"0x7f.0.0.1":     "127.0.0.1",
		"127.0.1":        "127.0.0.1",
		"10.65535":       "10.0.255.255",
		"1.2.3.4.":       "1.2.3.4",
		"0":              "0.0.0.0",
		"::ffff:1.2.3.4": "::ffff:1.2.3.4",
		// Names, or too large to be an address.
		"news.example": "",
		"1.2.3.4.5":    "",
		"256.0.0.1":    "",
		"1.2.65536":    "",
		"4294967296":   "",
		"08.0.0.1":     "",
		"0xg":          "",
		"1..2":         "",
		"-1":           "",
		"+1":           "",
		"123.example":  "",
	} {
		ip, ok := literalAddr(host)
		if got := ""; ok {
			got = ip.String()
			if got != want {
				t.Errorf("literalAddr(%q) = %s, want %q", host, got, want)
			}
		} else if want != "" {
			t.Errorf("literalAddr(%q) is not an address, want %s", host, want)
		}
	}
}

func TestParseNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.0/8":          "10.0.0.0/8",
		"192.0.2.7":           "192.0.2.7/32",
		" fd12:3456::/32 ":    "fd12:3456::/32",
		"::1":                 "::1/128",
		"::ffff:10.0.0.0/104": "10.0.0.0/8",
		"::ffff:10.1.2.3":     "10.1.2.3/32",
		"10.0.0.5/8":          `bits set beyond the /8 prefix; did you mean "10.0.0.0/8"?`,
		"10.0.0.0/33":         "invalid network",
		"fe80::1%eth0":        "invalid network",
		"example.com":         "invalid network",
		"":                    "invalid network",
	} {
		p, err := ParseNetwork(in)
		got := p.String()
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, want) {
			t.Errorf("ParseNetwork(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestAlwaysRefused(t *testing.T) {
	for s, want := range map[string]bool{
		"169.254.0.0/16":         true,
		"169.254.169.254/32":     true,
		"::ffff:169.254.0.0/112": true,
		"fe80::/64":              true,
		"fd00:ec2::254/128":      true,
		"100.100.100.200/32":     true,
		"169.0.0.0/8":            false,
		"100.64.0.0/10":          false,
		"fd00::/8":               false,
		"0.0.0.0/0":              false,
	} {
		if got := AlwaysRefused(netip.MustParsePrefix(s)); got != want {
			t.Errorf("AlwaysRefused(%s) = %v", s, got)
		}
	}
}

// TestControlRefusesBeforeConnecting dials a listener on the loopback
// through a dialer whose Control is the policy's: refused, nothing
// accepted; allowed once the loopback is in Allow.
func TestControlRefusesBeforeConnecting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// Connections are accepted in the order they were made: had the
	// refused dial connected, it would come first.
	accepted := make(chan string, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c.RemoteAddr().String()
			c.Close()
		}
	}()

	d := net.Dialer{Control: strict.Control}
	_, err = d.DialContext(context.Background(), "tcp", ln.Addr().String())
	var refused *RefusedError
	if !errors.As(err, &refused) || !errors.Is(err, ErrRefused) || refused.Dial != ln.Addr().String() ||
		!strings.Contains(err.Error(), "refused to connect to "+ln.Addr().String()+": 127.0.0.1 is a loopback address") {
		t.Fatalf("dial with DenyPrivate: %v", err)
	}

	d.Control = strictLAN.Control
	c, err := d.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial with the loopback allowed: %v", err)
	}
	defer c.Close()
	if first := <-accepted; first != c.LocalAddr().String() {
		t.Errorf("the listener first accepted %s, not the allowed dial from %s: the refused dial connected", first, c.LocalAddr())
	}
}
