package dedupe

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"sort"
	"strings"

	"golang.org/x/net/idna"
)

// ErrUnsupportedURL is wrapped by every error CanonicalURL returns: the input
// is not an absolute http or https URL with a host, or cannot be parsed.
var ErrUnsupportedURL = errors.New("dedupe: not an absolute http(s) URL")

// trackingParams are query parameter names (compared case-insensitively)
// that only say how a reader arrived at a story, never which story it is.
// Names starting with one of trackingPrefixes are dropped as well.
var trackingParams = map[string]bool{
	// Ad and social click identifiers.
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true,
	"wbraid": true, "msclkid": true, "yclid": true, "twclid": true, "ttclid": true,
	"li_fat_id": true, "igshid": true, "igsh": true, "srsltid": true,
	// Analytics and mailing-list cookies carried in links.
	"_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true, "mc_cid": true,
	"mc_eid": true, "mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true,
	"vero_id": true, "rb_clickid": true, "s_cid": true, "s_kwcid": true,
	// Session identifiers.
	"jsessionid": true, "phpsessid": true,
	// Referrer and campaign markers used by news sites and aggregators.
	"ref": true, "ref_src": true, "ref_url": true, "referrer": true,
	"cmpid": true, "cmp": true, "ncid": true, "ocid": true, "icid": true,
	"sr_share": true, "spm": true, "share": true, "smid": true,
	"xtor": true, "at_medium": true, "at_campaign": true, "soc_src": true,
	"soc_trk": true, "ito": true, "guccounter": true, "guce_referrer": true,
	"guce_referrer_sig": true, "__twitter_impression": true,
	"ns_mchannel": true, "ns_source": true, "ns_campaign": true,
	"ns_linkname": true, "ns_fee": true, "pk_campaign": true, "pk_kwd": true,
	"pk_source": true, "pk_medium": true,
}

// trackingPrefixes are name prefixes of whole families of tracking
// parameters: Google Analytics (utm_source, utm_medium, utm_campaign,
// utm_term, utm_content, utm_id and any other suffix) and Matomo (mtm_*).
var trackingPrefixes = []string{"utm_", "mtm_"}

// isTrackingParam reports whether a decoded query parameter name is a
// tracking parameter.
func isTrackingParam(name string) bool {
	name = strings.ToLower(name)
	if trackingParams[name] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// isAMPParam reports whether a query parameter only asks for the AMP
// rendering of a page: amp, amp=1, amp=true, outputType=amp, output=amp.
func isAMPParam(name, value string) bool {
	name, value = strings.ToLower(name), strings.ToLower(value)
	switch name {
	case "amp", "_amp":
		return value == "" || value == "1" || value == "true" || value == "yes"
	case "outputtype", "output":
		return value == "amp"
	}
	return false
}

// mobileLabels are leading host labels that name a mobile or AMP edition of
// the same site; "www" is stripped the same way.
var mobileLabels = []string{"www.", "m.", "amp.", "mobile."}

// CanonicalURL returns the canonical form of an article link, so that the
// same story reached through different links compares equal as a string.
// It never touches the network (redirectors such as feedburner's /~r/ links
// are kept as they are). The rules, in order:
//
//   - Only absolute http and https URLs with a host are accepted; anything
//     else (relative, mailto:, ftp:, unparseable) is an error wrapping
//     ErrUnsupportedURL.
//   - The scheme becomes https: http and https copies are one story.
//   - Userinfo and the fragment are dropped.
//   - The host is lower-cased, a trailing dot dropped, internationalised
//     names are converted to punycode (xn--), the default port (80 for
//     http, 443 for https) is dropped, and one or more leading "www.",
//     "m.", "mobile." or "amp." labels are stripped as long as a dotted
//     name remains.
//   - The path's percent-encoding is normalised (unreserved characters
//     decoded, other escapes in upper-case hex, non-ASCII bytes escaped),
//     "//" runs are collapsed, "." and ".." segments resolved, a trailing
//     slash dropped (the root stays "/"), a ";jsessionid=…" path
//     parameter removed, and AMP markers removed: a leading "/amp/"
//     segment, a trailing "/amp" segment, and ".amp.html" → ".html".
//   - The query keeps every parameter that is neither a tracking parameter
//     nor an AMP marker (amp, amp=1, amp=true, outputType=amp), with the
//     same percent-encoding normalisation; parameters are sorted by name,
//     keeping the original order among repeats of one name. Parameters that
//     name the article (?id=, ?p=, ?k=, ?story=, …) therefore keep links
//     to different stories distinct.
//
// Tracking parameters dropped (case-insensitive): any name starting with
// utm_ or mtm_, and fbclid, gclid, gclsrc, dclid, gbraid, wbraid, msclkid,
// yclid, twclid, ttclid, li_fat_id, igshid, igsh, srsltid, _ga, _gl,
// _hsenc, _hsmi, mc_cid, mc_eid, mkt_tok, oly_anon_id, oly_enc_id, vero_id,
// rb_clickid, s_cid, s_kwcid, jsessionid, phpsessid, ref, ref_src, ref_url,
// referrer, cmpid, cmp, ncid, ocid, icid, sr_share, spm, share, smid,
// xtor, at_medium, at_campaign, soc_src, soc_trk, ito, guccounter,
// guce_referrer, guce_referrer_sig, __twitter_impression, ns_mchannel,
// ns_source, ns_campaign, ns_linkname, ns_fee, pk_campaign, pk_kwd,
// pk_source and pk_medium.
func CanonicalURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupportedURL, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("%w: %q", ErrUnsupportedURL, raw)
	}
	if u.Opaque != "" || u.Host == "" {
		return "", fmt.Errorf("%w: no host in %q", ErrUnsupportedURL, raw)
	}
	host, err := canonicalHost(u, scheme)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupportedURL, err)
	}

	var b strings.Builder
	b.Grow(len(raw))
	b.WriteString("https://")
	b.WriteString(host)
	b.WriteString(canonicalPath(u.EscapedPath()))
	if q := canonicalQuery(u.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String(), nil
}

// canonicalHost lower-cases, punycodes and strips the default port and
// mobile labels of u's host.
func canonicalHost(u *url.URL, scheme string) (string, error) {
	name, port := u.Hostname(), u.Port()
	if name == "" {
		return "", fmt.Errorf("empty host")
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if ip := net.ParseIP(name); ip != nil {
		name = ip.String()
		if strings.Contains(name, ":") {
			name = "[" + name + "]"
		}
	} else {
		name = strings.TrimSuffix(name, ".")
		ascii, err := idna.Lookup.ToASCII(name)
		switch {
		case err == nil:
			name = ascii
		case isASCII(name):
			// Names idna's strict rules reject (an underscore, say) are
			// still valid hosts; lower-casing is all they need.
			name = strings.ToLower(name)
		default:
			return "", fmt.Errorf("host %q: %v", name, err)
		}
		if name == "" || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
			return "", fmt.Errorf("empty label in host %q", u.Hostname())
		}
		for stripped := true; stripped; {
			stripped = false
			for _, l := range mobileLabels {
				if rest, ok := strings.CutPrefix(name, l); ok && strings.Contains(rest, ".") {
					name, stripped = rest, true
				}
			}
		}
	}
	if port != "" {
		name += ":" + port
	}
	return name, nil
}

// canonicalPath normalises an escaped path; see CanonicalURL.
func canonicalPath(p string) string {
	// A servlet session id in the path: /story.html;jsessionid=A1B2.
	if i := strings.Index(strings.ToLower(p), ";jsessionid="); i >= 0 {
		end := strings.IndexByte(p[i+1:], '/')
		if end < 0 {
			p = p[:i]
		} else {
			p = p[:i] + p[i+1+end:]
		}
	}
	p = normalizeEscapes(p, false)
	if p == "" {
		return "/"
	}
	// path.Clean collapses "//", resolves "." and ".." and drops a trailing
	// slash; escaped slashes (%2F) are not separators and stay put.
	p = path.Clean("/" + p)
	if rest, ok := strings.CutPrefix(p, "/amp/"); ok {
		p = "/" + rest
	}
	if p == "/amp" {
		return "/"
	}
	p = strings.TrimSuffix(p, "/amp")
	if strings.HasSuffix(p, ".amp.html") {
		p = strings.TrimSuffix(p, ".amp.html") + ".html"
	}
	if p == "" {
		p = "/"
	}
	return p
}

// queryParam is one name=value pair of a raw query, still escaped.
type queryParam struct {
	name, value string
	hasValue    bool
}

// canonicalQuery drops tracking and AMP parameters from a raw query and
// sorts the rest stably by name.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var kept []queryParam
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		name, value, hasValue := strings.Cut(part, "=")
		name = normalizeEscapes(name, true)
		value = normalizeEscapes(value, true)
		dn, err := url.QueryUnescape(name)
		if err != nil {
			dn = name
		}
		dv, err := url.QueryUnescape(value)
		if err != nil {
			dv = value
		}
		if dn == "" || isTrackingParam(dn) || isAMPParam(dn, dv) {
			continue
		}
		kept = append(kept, queryParam{name, value, hasValue})
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].name < kept[j].name })
	var b strings.Builder
	for i, p := range kept {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		if p.hasValue {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	return b.String()
}

// normalizeEscapes rewrites percent-encoding into one form: escapes of
// unreserved characters (letters, digits, "-", ".", "_", "~") are decoded,
// other escapes get upper-case hex, and bytes that may not appear raw
// (non-ASCII, controls, space and a few delimiters) are escaped. A "%" that
// does not start a valid escape is itself escaped. In a query, "+" is left
// as it is.
func normalizeEscapes(s string, query bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[v>>4])
				b.WriteByte(hex[v&15])
			}
			i += 2
		case c >= 0x80 || c <= 0x20 || c == 0x7f || c == '%' || c == '"' || c == '<' ||
			c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' ||
			c == '}' || c == '#' || (!query && c == '?'):
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
