package redact

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://news.example/feed.xml":                          "https://news.example/feed.xml",
		"https://user:secret@news.example/nation.xml":            "https://***@news.example/nation.xml",
		"https://user@news.example:8443/x":                       "https://***@news.example:8443/x",
		"http://u:p%40ss@h/x?apikey=abc&lang=th":                 "http://***@h/x?apikey=***&lang=th",
		"http://h/x?lang=th&API_KEY=abc":                         "http://h/x?lang=th&API_KEY=***",
		"http://h/x?api-key=abc;token=t;page=2":                  "http://h/x?api-key=***;token=***;page=2",
		"http://h/x?key=1&sig=2&signature=3&auth=4&secret=5":     "http://h/x?key=***&sig=***&signature=***&auth=***&secret=***",
		"http://h/x?password=1&access_token=2&X-Amz-Signature=3": "http://h/x?password=***&access_token=***&X-Amz-Signature=***",
		"http://h/x?client_secret=1&X-Amz-Credential=2":          "http://h/x?client_secret=***&X-Amz-Credential=***",
		"http://h/x?api%5Fkey=1":                                 "http://h/x?api%5Fkey=***",
		"http://h/x?monkey=1&keyword=2&category=key":             "http://h/x?monkey=1&keyword=2&category=key",
		"http://h/x#access_token=abc&state=1":                    "http://h/x#access_token=***&state=1",
		"http://h/path@with-at?token=":                           "http://h/path@with-at?token=***",
		"http://a:b@h/x?token=t#frag":                            "http://***@h/x?token=***#frag",
		// Not a URL that parses: redacted all the same.
		"http://us er:pa ss@h/x?apikey=%zz": "http://***@h/x?apikey=***",
		"":                                  "",
	} {
		if got := URL(raw); got != want {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestTextAndError(t *testing.T) {
	msg := `Get "https://user:hunter2@partner.example/feed?apikey=k3y": redirect from https://partner.example/feed?token=t0k to http://x.example/?sig=s1g, refused`
	want := `Get "https://***@partner.example/feed?apikey=***": redirect from https://partner.example/feed?token=*** to http://x.example/?sig=***, refused`
	if got := Text(msg); got != want {
		t.Errorf("Text:\n got %s\nwant %s", got, want)
	}
	base := errors.New(msg)
	err := Error(fmt.Errorf("fetch nation: %w", base))
	if err.Error() != "fetch nation: "+want || !errors.Is(err, base) {
		t.Errorf("Error: %v (is base: %v)", err, errors.Is(err, base))
	}
	if Error(nil) != nil || Error(io.EOF) != io.EOF {
		t.Error("Error must leave nil and errors without secrets alone")
	}
	// net/http's own error for a URL with credentials.
	_, herr := http.Get("ftp://user:hunter2@partner.example/?apikey=k3y")
	if herr == nil || strings.Contains(Error(herr).Error(), "hunter2") || strings.Contains(Error(herr).Error(), "k3y") {
		t.Errorf("net/http error: %v", Error(herr))
	}
}
