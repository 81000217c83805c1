package publisher

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// problems collects what a validator finds wrong with a document.
type problems []string

func (p *problems) addf(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

// rfc3339 matches a date-time as RFC 3339 §5.6 writes it, with the upper
// case T and Z that RFC 4287 §3.3 requires.
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// checkRFC3339 reports a date that is not an RFC 3339 date-time.
func (p *problems) checkRFC3339(where, s string) {
	if !rfc3339.MatchString(s) {
		p.addf("%s: date %q is not RFC 3339", where, s)
		return
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		p.addf("%s: date %q: %v", where, s, err)
	}
}

// checkIRI reports a value that is not an absolute IRI (RFC 3987): it must
// parse, have a scheme and hold no white space or control character.
func (p *problems) checkIRI(where, s string) {
	if strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7F }) >= 0 {
		p.addf("%s: IRI %q holds white space or control characters", where, s)
		return
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		p.addf("%s: %q is not an absolute IRI", where, s)
	}
}

// checkWebURL reports a value that is not an absolute http(s) URL.
func (p *problems) checkWebURL(where, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.ContainsAny(s, " \t\r\n") {
		p.addf("%s: %q is not an absolute http(s) URL", where, s)
	}
}

// langTag is the language tag pattern of atom.rnc (and of xml:lang values
// generally); it rejects "".
var langTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// checkLang reports a language that is not a language tag.
func (p *problems) checkLang(where, s string) {
	if !langTag.MatchString(s) {
		p.addf("%s: language %q is not a language tag", where, s)
	}
}

// addrSpec is a simple e-mail address, as Atom's email and RSS's author
// hold.
var addrSpec = regexp.MustCompile(`^[^\s@<>()",;:]+@[^\s@<>()",;:]+$`)

// mediaTypeRE is a MIME media type, parameters allowed.
var mediaTypeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;.*)?$`)

// schemaDir holds the reference schemas (atom.rng, feed.json): the
// project's shared/schemas, which lies beside the repository's root both
// here and in CI; WIREFEED_SCHEMAS overrides it.
func schemaDir() string {
	if d := os.Getenv("WIREFEED_SCHEMAS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "schemas")
}

// xmllintPath returns the xmllint binary, skipping the test when it is
// absent.
func xmllintPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian: apt-get install libxml2-utils)")
	}
	return path
}

// relaxNGAtom validates doc against the RELAX NG schema of RFC 4287 with
// xmllint. The caller skips when xmllint is absent. The schema comes with
// the project's shared/ directory, not with the repository: a clone
// elsewhere skips this check, like a machine without xmllint, while CI
// (.ci/run sets WIREFEED_SCHEMAS) fails when the schema is missing.
func relaxNGAtom(t *testing.T, xmllint, doc string) {
	t.Helper()
	rng := filepath.Join(schemaDir(), "atom.rng")
	if _, err := os.Stat(rng); err != nil {
		if os.Getenv("WIREFEED_SCHEMAS") == "" {
			t.Skipf("RFC 4287 schema not beside the repository (%v); set WIREFEED_SCHEMAS to the directory holding atom.rng to run this check", err)
		}
		t.Fatalf("RFC 4287 schema: %v", err)
	}
	cmd := exec.Command(xmllint, "--noout", "--relaxng", rng, "-")
	cmd.Stdin = strings.NewReader(doc)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("xmllint --relaxng atom.rng: %v\n%s\n%s", err, out, doc)
	}
}

// validAtom fails the test unless doc is a valid Atom feed.
func validAtom(t *testing.T, doc string) {
	t.Helper()
	for _, p := range atomProblems(doc) {
		t.Errorf("Atom: %s", p)
	}
}

// validRSS fails the test unless doc is a valid RSS 2.0 feed.
func validRSS(t *testing.T, doc string) {
	t.Helper()
	for _, p := range rssProblems(doc) {
		t.Errorf("RSS: %s", p)
	}
}

// validJSONFeed fails the test unless doc is a valid JSON Feed 1.1.
func validJSONFeed(t *testing.T, doc string) {
	t.Helper()
	for _, p := range jsonFeedProblems(doc) {
		t.Errorf("JSON Feed: %s", p)
	}
}

// validFeed validates doc as the format ext names.
func validFeed(t *testing.T, ext, doc string) {
	t.Helper()
	switch ext {
	case "atom":
		validAtom(t, doc)
	case "rss":
		validRSS(t, doc)
	case "json":
		validJSONFeed(t, doc)
	default:
		t.Fatalf("no validator for %q", ext)
	}
}
