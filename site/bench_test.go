package site_test

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkServe compares serving the site's pages with serving a
// section feed, over loopback HTTP from the cache: a full response
// (gzip, as browsers ask) and a revalidation answered 304.
//
//	go test -run '^$' -bench Serve -benchtime 2s ./site/
func BenchmarkServe(b *testing.B) {
	s := newTestSite(b)
	article := s.path(hrefOf(b, s.page(b, "/sections/nation"), "Bangkok opens floating night market on Chao Phraya riverbank"))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}}
	for _, tc := range []struct{ name, path string }{
		{"feed", "/feeds/nation.atom"},
		{"front", "/"},
		{"section", "/sections/nation"},
		{"article", article},
	} {
		for _, conditional := range []bool{false, true} {
			name := tc.name + "/200"
			if conditional {
				name = tc.name + "/304"
			}
			b.Run(name, func(b *testing.B) {
				res, _ := s.get(b, tc.path, "Accept-Encoding", "gzip")
				etag := res.Header.Get("Etag")
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					req, _ := http.NewRequest("GET", s.base+tc.path, nil)
					req.Header.Set("Accept-Encoding", "gzip")
					if conditional {
						req.Header.Set("If-None-Match", etag)
					}
					res, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}
