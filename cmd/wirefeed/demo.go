package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"wirefeed/config"
)

//go:embed demofeeds/*.xml
var demoFeeds embed.FS

// demoConfig is the demo's config: the shipped sections, and the two sample
// partners served from the in-process feed server at FEEDS.
const demoConfig = `server:
  listen: "LISTEN"
  base_url: "BASEURL"
storage:
  path: "DB"
schedule: "@every 1m"
fetch:
  jitter: 0s
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

// runDemo serves the built-in sample feeds on a loopback port, points a
// throw-away daemon at them and runs it until interrupted.
func runDemo(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	feeds, err := fs.Sub(demoFeeds, "demofeeds")
	if err != nil {
		return err
	}
	feedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo feed server: %w", err)
	}
	feedSrv := &http.Server{Handler: http.FileServerFS(feeds), ReadHeaderTimeout: 5 * time.Second}
	go feedSrv.Serve(feedLn)
	defer feedSrv.Close()

	dir, err := os.MkdirTemp("", "wirefeed-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	listen := e.listen
	if listen == "" {
		listen = "127.0.0.1:8080"
	}
	cfg, err := config.Parse([]byte(strings.NewReplacer(
		"LISTEN", listen,
		"BASEURL", "http://"+displayAddr(listen),
		"DB", filepath.Join(dir, "demo.db"),
		"FEEDS", "http://"+feedLn.Addr().String(),
	).Replace(demoConfig)), "demo config")
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	a, err := openApp(ctx, cfg, e.log)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.serve(ctx, nil, func(addr string) {
		fmt.Fprintf(e.stdout, "wirefeed demo: sample partner feeds at http://%s/\n", feedLn.Addr())
		fmt.Fprintf(e.stdout, "wirefeed demo: open %s/ (Ctrl-C to stop)\n", cfg.Server.BaseURL)
	})
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
