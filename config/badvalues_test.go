package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Values issue 12 found accepted: each is refused with its file:line and a
// sentence saying what is wrong.
func TestBadSchedulesRefused(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"every zero", `schedule: "@every 0s"` + "\n" + minimal,
			`t.yaml:1: schedule: invalid schedule "@every 0s": "@every 0s" never waits: the interval must be longer than zero`},
		{"every negative", `schedule: "@every -5m"` + "\n" + minimal,
			`t.yaml:1: schedule: invalid schedule "@every -5m": "@every -5m" never waits`},
		{"every second", `schedule: "@every 1s"` + "\n" + minimal,
			`t.yaml:1: schedule: schedule "@every 1s" polls the partner every 1s, more often than fetch.min_interval (1m0s) allows`},
		{"zone prefix", `schedule: "CRON_TZ=Asia/Tokyo @every 0s"` + "\n" + minimal,
			`t.yaml:1: schedule: invalid schedule "CRON_TZ=Asia/Tokyo @every 0s": "@every 0s" never waits`},
		{"cron under a 5m minimum", "fetch:\n  min_interval: 5m\nschedule: \"*/2 * * * *\"\n" + minimal,
			`t.yaml:3: schedule: schedule "*/2 * * * *" polls the partner every 2m0s, more often than fetch.min_interval (5m0s) allows`},
		{"two minutes a minute apart", "fetch:\n  min_interval: 2m\nschedule: \"0,1 3 * * *\"\n" + minimal,
			`t.yaml:3: schedule: schedule "0,1 3 * * *" polls the partner every 1m0s`},
		{"source schedule", minimal + `    schedule: "@every 30s"` + "\n",
			`t.yaml:6: sources[0].schedule: schedule "@every 30s" polls the partner every 30s, more often than fetch.min_interval (1m0s) allows`},
		{"min interval zero", "fetch:\n  min_interval: 0s\n" + minimal,
			"t.yaml:2: fetch.min_interval: must be between 1s and 24h, got 0s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkErrors(t, c.src, c.want)
		})
	}
	// Every minute passes the default minimum of one minute, and a lower
	// minimum lets a partner who agrees be polled more often.
	mustParse(t, `schedule: "* * * * *"`+"\n"+minimal)
	mustParse(t, "fetch:\n  min_interval: 10s\nschedule: \"@every 15s\"\n"+minimal)
	checkErrors(t, "fetch:\n  min_interval: 2m\nschedule: \"* * * * *\"\n"+minimal,
		`t.yaml:3: schedule: schedule "* * * * *" polls the partner every 1m0s, more often than fetch.min_interval (2m0s) allows`)
	// 9:50 and 10:50 are an hour apart: fine under 30m.
	mustParse(t, "fetch:\n  min_interval: 30m\nschedule: \"50 9,10 * * *\"\n"+minimal)
	// 23:59 and 00:00 the next day are a minute apart.
	checkErrors(t, "fetch:\n  min_interval: 2m\nschedule: \"0,59 0,23 * * *\"\n"+minimal,
		`t.yaml:3: schedule: schedule "0,59 0,23 * * *" polls the partner every 1m0s`)
}

func TestBooleansAreTrueOrFalse(t *testing.T) {
	for _, v := range []string{`"yes"`, "yes", "on", "off", "no", `"true"`, "1", "True"} {
		checkErrors(t, minimal+"    paused: "+v+"\n",
			"t.yaml:6: sources[0].paused: want true or false (unquoted), got ")
	}
	if c := mustParse(t, minimal+"    paused: true\n"); !c.Sources[0].Paused {
		t.Error("paused: true not read")
	}
}

func TestExplicitZerosRefused(t *testing.T) {
	checkErrors(t, "fetch:\n  max_items: 0\n  max_body: 0\n  max_interval: 0s\nretention:\n  max_per_source: 0\n"+minimal,
		"t.yaml:2: fetch.max_items: must be at least 1, got 0",
		"t.yaml:3: fetch.max_body: must be at least 1024 bytes, got 0",
		"t.yaml:4: fetch.max_interval: must be at least 1m, got 0s",
		"t.yaml:6: retention.max_per_source: must be at least 1, got 0")
}

func TestCheckStorage(t *testing.T) {
	dir := t.TempDir()
	parse := func(path string) *Config {
		t.Helper()
		return mustParse(t, "storage:\n  path: "+path+"\n"+minimal)
	}
	if err := parse(filepath.Join(dir, "ok.db")).CheckStorage(); err != nil {
		t.Errorf("writable directory: %v", err)
	}
	missing := filepath.Join(dir, "missing", "wirefeed.db")
	err := parse(missing).CheckStorage()
	want := "t.yaml:2: storage.path: directory " + filepath.Dir(missing) + " does not exist: create it"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("missing directory: %v\nwant %s…", err, want)
	}
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, nil, 0o600)
	if err := parse(filepath.Join(file, "x.db")).CheckStorage(); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Errorf("file as directory: %v", err)
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o500)
		if err := parse(filepath.Join(ro, "x.db")).CheckStorage(); err == nil || !strings.Contains(err.Error(), "is not writable") {
			t.Errorf("read-only directory: %v", err)
		}
	}
	c := mustParse(t, "storage:\n  path: "+missing+"\n  postgres: postgres://db.example/wirefeed\n"+minimal)
	if err := c.CheckStorage(); err != nil {
		t.Errorf("PostgreSQL configured: %v", err)
	}
}
