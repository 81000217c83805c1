package dedupe

import "testing"

func BenchmarkSign(b *testing.B) {
	ps := loadPairs(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := ps[i%len(ps)]
		Sign(p.TitleB, p.LeadB)
		i++
	}
}

func BenchmarkSimilar(b *testing.B) {
	ps := loadPairs(b)
	as := make([]Signature, len(ps))
	bs := make([]Signature, len(ps))
	for i, p := range ps {
		as[i], bs[i] = Sign(p.TitleA, p.LeadA), Sign(p.TitleB, p.LeadB)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Similar(as[i%len(as)], bs[i%len(bs)])
		i++
	}
}

func BenchmarkCanonicalURL(b *testing.B) {
	urls := []string{
		"https://WWW.NationThailand.com:443/news/politics/40058123/?utm_source=rss&utm_medium=feed&fbclid=IwAR0",
		"http://jen.jiji.com/jc/eng?k=2026112800087&g=eco&utm_source=twitter",
		"https://www.japantimes.co.jp/news/2026/11/28/japan/boj-rate-decision/amp/",
		"https://ข่าว.ไทย/เรื่อง?id=5",
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := CanonicalURL(urls[i%len(urls)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
