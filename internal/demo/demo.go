// Package demo is wirefeed's demonstration: two sample partner feeds (a
// Thai daily and a Japanese wire, written for the demo) served on a
// loopback port, and a config that pulls them into the shipped sections.
package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"time"

	"wirefeed/config"
)

//go:embed feeds/*.xml
var feedFiles embed.FS

// Marker is the first line of a config file the demo writes; the demo
// rewrites only files that start with it.
const Marker = "# wirefeed demo config: written by `wirefeed demo`, rewritten each time it starts."

// configText is the demo's config: the shipped sections, and the two
// sample partners served at FEEDS.
const configText = Marker + `
server:
  listen: "LISTEN"
  base_url: "BASEURL"
storage:
  path: "DB"
site:
  title: Asia Wire Journal
  tagline: News from Thailand and Japan, from our partner wires
  timezone: Asia/Bangkok
schedule: "@every 1m"
fetch:
  jitter: 0s
  allow_networks: [127.0.0.0/8]
sections:
  - {id: nation, title: Nation, description: "Stories from Thailand"}
  - {id: politics, title: Politics, description: "Politics from our partner wires"}
  - {id: economy, title: Economy, description: "Business and economy"}
  - {id: sports, title: Sports, description: "Sports results and news"}
  - {id: other, title: Other, description: "Everything else"}
  - {id: headlines, title: Headlines, description: "Newest stories of all sections", all: true}
sources:
  - id: nation
    name: Nation
    url: FEEDS/nation.xml
    site: nationthailand.com
    attribution: Provided by Nation
    sections: [nation]
    categories: {Politics: politics, Business: economy, Sports: sports}
  - id: jiji
    name: Jiji Press
    url: FEEDS/jiji.xml
    site: jen.jiji.com
    attribution: Provided by Jiji Press
    categories: {Politics: politics, Economy: economy, Sports: sports, Other: other}
    fallback: other
`

// Feeds serves the sample partner feeds on a loopback port until stop is
// called, and returns their base URL.
func Feeds() (baseURL string, stop func(), err error) {
	files, err := fs.Sub(feedFiles, "feeds")
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("demo feed server: %w", err)
	}
	srv := &http.Server{Handler: http.FileServerFS(files), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// Text is the demo's config file: the daemon listens on listen, keeps its
// database at dbPath and pulls the sample feeds under feedsURL.
func Text(listen, dbPath, feedsURL string) string {
	return strings.NewReplacer(
		"LISTEN", listen,
		"BASEURL", "http://"+DisplayAddr(listen),
		"DB", dbPath,
		"FEEDS", feedsURL,
	).Replace(configText)
}

// Config returns the demo's config (see Text), not tied to a file.
func Config(listen, dbPath, feedsURL string) (*config.Config, error) {
	cfg, err := config.Parse([]byte(Text(listen, dbPath, feedsURL)), "demo config")
	if err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	return cfg, nil
}

// DisplayAddr turns a listen address into one a browser can open.
func DisplayAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
