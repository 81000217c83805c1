package publisher

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// recorded is a response as wirefeed sends it, for the bare handler to
// replay.
type recorded struct {
	status int
	header http.Header
	body   []byte
}

// record fetches path from h with the given headers.
func record(b *testing.B, h http.Handler, path string, header ...string) recorded {
	res := get(b, h, "GET", path, header...)
	return recorded{res.StatusCode, res.Header, []byte(body(b, res))}
}

// BenchmarkServe measures requests per second for a cached 50-item feed
// over loopback HTTP with a keep-alive client: plain, gzip, and a 304 for a
// conditional request. Each path is measured twice, side by side: "bare" is
// a net/http handler writing the same headers and bytes from memory (all it
// does is pick the response by a header), "wirefeed" is the publisher's
// handler (routing, cache lookup, content negotiation and conditional
// logic). The parent benchmark logs wirefeed's rate relative to bare's.
func BenchmarkServe(b *testing.B) {
	cfg := testConfig()
	p := New(cfg, staticReader(benchStories(50)))
	wf := p.Handler()
	const path = "/feeds/economy.rss"
	plain := record(b, wf, path)
	gz := record(b, wf, path, "Accept-Encoding", "gzip")
	notModified := record(b, wf, path, "If-None-Match", plain.header.Get("ETag"))
	if plain.status != 200 || gz.header.Get("Content-Encoding") != "gzip" || notModified.status != 304 {
		b.Fatalf("statuses %d %d %d, gzip %q", plain.status, gz.status, notModified.status, gz.header.Get("Content-Encoding"))
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &plain
		switch {
		case r.Header.Get("If-None-Match") != "":
			rec = &notModified
		case strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"):
			rec = &gz
		}
		h := w.Header()
		for k, v := range rec.header {
			h[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body)
	})

	servers := map[string]*httptest.Server{"bare": httptest.NewServer(bare), "wirefeed": httptest.NewServer(wf)}
	for _, s := range servers {
		defer s.Close()
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()

	rates := map[string]float64{}
	for _, tc := range []struct {
		name   string
		header []string
		want   recorded
	}{
		{"plain", nil, plain},
		{"gzip", []string{"Accept-Encoding", "gzip"}, gz},
		{"304", []string{"If-None-Match", plain.header.Get("ETag")}, notModified},
	} {
		for _, server := range []string{"bare", "wirefeed"} {
			b.Run(server+"/"+tc.name, func(b *testing.B) {
				req, err := http.NewRequest("GET", servers[server].URL+path, nil)
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i+1 < len(tc.header); i += 2 {
					req.Header.Set(tc.header[i], tc.header[i+1])
				}
				b.SetBytes(int64(len(tc.want.body)))
				b.ReportAllocs()
				for b.Loop() {
					res, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					n, _ := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != tc.want.status || n != int64(len(tc.want.body)) {
						b.Fatalf("status %d, %d bytes; want %d, %d", res.StatusCode, n, tc.want.status, len(tc.want.body))
					}
				}
				rate := float64(b.N) / b.Elapsed().Seconds()
				b.ReportMetric(rate, "req/s")
				rates[server+"/"+tc.name] = rate
			})
		}
		if bareRate := rates["bare/"+tc.name]; bareRate > 0 {
			b.Logf("%s: wirefeed %.0f req/s = %.2f x bare %.0f req/s", tc.name, rates["wirefeed/"+tc.name], rates["wirefeed/"+tc.name]/bareRate, bareRate)
		}
		// The same comparison with the two servers taking turns request by
		// request (each going first every other time), so that both see
		// the same machine load; rates are from the median latencies, so
		// that a stall of the machine does not count against either. The
		// x-bare ratio is what the target (at least 0.9) is about.
		b.Run("paired/"+tc.name, func(b *testing.B) {
			var reqs [2]*http.Request
			for i, server := range []string{"bare", "wirefeed"} {
				req, err := http.NewRequest("GET", servers[server].URL+path, nil)
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i+1 < len(tc.header); i += 2 {
					req.Header.Set(tc.header[i], tc.header[i+1])
				}
				reqs[i] = req
			}
			var spent [2][]time.Duration
			turn := 0
			for b.Loop() {
				turn ^= 1
				for k := range 2 {
					i := k ^ turn
					start := time.Now()
					res, err := client.Do(reqs[i])
					if err != nil {
						b.Fatal(err)
					}
					n, _ := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					spent[i] = append(spent[i], time.Since(start))
					if res.StatusCode != tc.want.status || n != int64(len(tc.want.body)) {
						b.Fatalf("status %d, %d bytes; want %d, %d", res.StatusCode, n, tc.want.status, len(tc.want.body))
					}
				}
			}
			bareRate := 1 / median(spent[0]).Seconds()
			wfRate := 1 / median(spent[1]).Seconds()
			b.ReportMetric(bareRate, "bare-req/s")
			b.ReportMetric(wfRate, "wirefeed-req/s")
			b.ReportMetric(wfRate/bareRate, "x-bare")
		})
	}
}

// median returns the median of ds, sorting them.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}
