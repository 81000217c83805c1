package config

import (
	"net/netip"
	"slices"
	"testing"
	"time"
)

func TestFetchLimitsAndSourceDecoding(t *testing.T) {
	c := mustParse(t, "fetch:\n  max_body: 2048\n  max_items: 20\n"+minimal+
		"    charset: Shift_JIS\n    timezone: Asia/Tokyo\n")
	if c.Fetch.MaxBody != 2048 || c.Fetch.MaxItems != 20 {
		t.Errorf("fetch = %+v", c.Fetch)
	}
	src := c.Sources[0]
	if src.Charset != "Shift_JIS" || src.Location().String() != "Asia/Tokyo" {
		t.Errorf("source charset %q, location %v", src.Charset, src.Location())
	}
	d := mustParse(t, minimal)
	if d.Fetch.MaxBody != 10<<20 || d.Fetch.MaxItems != 1000 || d.Sources[0].Location() != time.UTC {
		t.Errorf("defaults: fetch %+v, location %v", d.Fetch, d.Sources[0].Location())
	}
	if (Source{}).Location() != time.UTC || (Source{Timezone: "Asia/Bangkok"}).Location().String() != "Asia/Bangkok" {
		t.Error("Location of a Source built in code")
	}

	checkErrors(t, "fetch:\n  max_body: 100\n  max_items: -1\n"+minimal,
		"t.yaml:2: fetch.max_body: must be at least 1024 bytes, got 100",
		"t.yaml:3: fetch.max_items: must be at least 1, got -1")
	checkErrors(t, minimal+"    charset: klingon\n    timezone: Asia/Atlantis\n",
		`t.yaml:6: sources[0].charset: unknown charset "klingon"`,
		`t.yaml:7: sources[0].timezone: unknown time zone "Asia/Atlantis"`)
	checkErrors(t, minimal+"    charset: iso-2022-kr\n",
		`t.yaml:6: sources[0].charset: unknown charset "iso-2022-kr"`)
}

func TestAllowNetworks(t *testing.T) {
	c := mustParse(t, "fetch:\n  allow_networks:\n    - 10.20.0.0/16\n    - 192.168.1.7\n    - fd12:3456::/32\n    - \"::ffff:172.16.0.0/108\"\n"+minimal)
	want := []netip.Prefix{
		netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("192.168.1.7/32"),
		netip.MustParsePrefix("fd12:3456::/32"), netip.MustParsePrefix("172.16.0.0/12"),
	}
	if got := c.Fetch.AllowPrefixes(); !slices.Equal(got, want) {
		t.Errorf("AllowPrefixes = %v, want %v", got, want)
	}
	if got := mustParse(t, minimal).Fetch.AllowPrefixes(); len(got) != 0 {
		t.Errorf("default allow_networks = %v, want none", got)
	}
	if c := mustParse(t, "fetch: {allow_networks: [127.0.0.1]}\n"+minimal); c.Fetch.AllowNetworks[0].String() != "127.0.0.1/32" {
		t.Errorf("flow list: %v", c.Fetch.AllowNetworks)
	}

	checkErrors(t, "fetch:\n  allow_networks:\n    - 10.0.0.0/8\n    - 10.0.0.5/8\n    - intranet.example\n    - 10.0.0.0/40\n    - {cidr: 10.0.0.0/8}\n    - 169.254.0.0/16\n    - fd00:ec2::254\n    -\n"+minimal,
		// A null entry has no line of its own: the list's is given.
		`t.yaml:3: fetch.allow_networks[7]: empty: want a network`,
		`t.yaml:4: fetch.allow_networks[1]: invalid network "10.0.0.5/8": address has bits set beyond the /8 prefix; did you mean "10.0.0.0/8"?`,
		`t.yaml:5: fetch.allow_networks[2]: invalid network "intranet.example": want a CIDR prefix such as "10.0.0.0/8" or a single address`,
		`t.yaml:6: fetch.allow_networks[3]: invalid network "10.0.0.0/40"`,
		`t.yaml:7: fetch.allow_networks[4]: want a network such as "10.0.0.0/8" or an address, got a mapping`,
		`t.yaml:8: fetch.allow_networks[5]: 169.254.0.0/16 is link-local or cloud metadata, which fetches may never reach`,
		`t.yaml:9: fetch.allow_networks[6]: fd00:ec2::254/128 is link-local or cloud metadata`)
	checkErrors(t, "fetch:\n  allow_networks: 10.0.0.0/8\n"+minimal,
		`t.yaml:2: fetch.allow_networks: want a list, got "10.0.0.0/8"`)
}

func TestAdminTrustedProxies(t *testing.T) {
	c := mustParse(t, "admin: {trusted_proxies: [10.0.0.0/8, 192.0.2.1]}\n"+minimal)
	if got := c.Admin.TrustedProxies; len(got) != 2 || got[0].String() != "10.0.0.0/8" || got[1].String() != "192.0.2.1/32" {
		t.Errorf("admin.trusted_proxies = %v", got)
	}
	checkErrors(t, "admin: {trusted_proxies: [proxy.internal]}\n"+minimal,
		`t.yaml:1: admin.trusted_proxies[0]: invalid network "proxy.internal"`)
}
