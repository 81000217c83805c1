// Package benchfeed generates the wire feeds the ingest benchmarks pull:
// RSS 2.0 documents of Items stories each, every story with the fields a
// wire sends (title, link, guid, pubDate, dc:creator, one of four
// categories, a description and about 1.5 KB of content:encoded HTML), so a
// feed is about 75 KB. The copy comes from wiretext, so stories share words
// as real ones do. BenchmarkIngest in package aggregator and the feedfarm
// command serve the same bytes for the same feed.
package benchfeed

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"wirefeed/internal/wiretext"
)

// Items is the number of stories in every feed of generation 0.
const Items = 50

// NewPerGeneration is how many stories a feed gains in a later generation.
const NewPerGeneration = 5

// Categories are the partner categories stories carry, in turn.
var Categories = []string{"Politics", "Economy", "Sports", "Other"}

// base is the date of feed 0's first story; story i of feed n is dated
// n*Items+i minutes later.
var base = time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("", 9*3600))

// Write writes feed number n as of generation gen to w. Generation 0 holds
// Items stories; a later generation gen puts NewPerGeneration stories of
// its own, newer than the rest, above those Items. The same n and gen give
// the same bytes, and every story of every feed and generation has a guid
// and text of its own.
func Write(w *bytes.Buffer, n, gen int) {
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Bench wire</title><link>https://wire.example/</link><description>Generated</description><language>en</language>
`)
	if gen > 0 {
		for i := range NewPerGeneration {
			id := strconv.Itoa(n) + "-g" + strconv.Itoa(gen) + "-" + strconv.Itoa(i)
			// Far above every generation-0 seed (n*Items+i), and below
			// 2^61 so the three bits writeItem shifts in keep it apart.
			seed := 1<<50 | uint64(gen)<<32 | uint64(n)*NewPerGeneration + uint64(i)
			// After every story of generation 0 of feed n, one minute
			// apart, newest first as wires list them.
			date := base.Add(time.Duration(n*Items+Items+gen*NewPerGeneration+NewPerGeneration-1-i) * time.Minute)
			writeItem(w, id, seed, date, i)
		}
	}
	for i := range Items {
		id := strconv.Itoa(n) + "-" + strconv.Itoa(i)
		seed := uint64(n)*Items + uint64(i)
		writeItem(w, id, seed, base.Add(time.Duration(n*Items+i)*time.Minute), i)
	}
	w.WriteString("</channel></rss>\n")
}

// writeItem writes one story: guid wire-ID, text drawn from seed.
func writeItem(w *bytes.Buffer, id string, seed uint64, date time.Time, i int) {
	text := func(part uint64, words int) string { return wiretext.Words(seed<<3|part, words) }
	fmt.Fprintf(w, `<item><title>%s</title>
<link>https://wire.example/news/%s</link><guid isPermaLink="false">wire-%s</guid>
<pubDate>%s</pubDate><dc:creator>Staff reporter %d</dc:creator><category>%s</category>
<description><![CDATA[<p>%s.</p>]]></description>
<content:encoded><![CDATA[<p>%s.</p>
<p>%s.</p>
<p>%s.</p>
<p>%s.</p>]]></content:encoded>
</item>
`, text(0, 9), id, id, date.Format(time.RFC1123Z), i%7, Categories[i%4],
		text(1, 36), text(1, 30), text(2, 40), text(3, 40), text(4, 30))
}
