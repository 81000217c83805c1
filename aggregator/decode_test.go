package aggregator

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"

	"wirefeed/config"
)

var update = flag.Bool("update", false, "rewrite the generated fixtures in testdata/charset")

// The known texts every charset fixture is encoded from.
var (
	japaneseTitles = []string{
		"日銀、政策金利を据え置き　円相場は小幅高",
		"東京株式市場、半導体株が上昇を主導「海外勢の買い」",
		"トヨタ、北米で新型ＥＶを２０２６年に投入へ",
	}
	thaiTitles = []string{
		"รัฐบาลไทยอนุมัติงบประมาณเพื่อฟื้นฟูเศรษฐกิจ",
		"กรุงเทพฯ เตรียมรับมือน้ำท่วมช่วงปลายปี",
	}
	westernTitles = []string{
		"Café crème in Zürich: a “naïve” façade — 5 €",
		"Ça coûte 5 £ à Genève, señor",
	}
	latin1Titles = []string{"Ça coûte 5 £ à Genève, señor", "Über die Brücke: Ölpreis fällt"}
	// Titles of the undeclared legacy-encoded feeds: Chinese (traditional
	// and simplified), Korean, Russian and Hebrew wire headlines.
	traditionalTitles = []string{"台北股市今日收高，電子股領漲", "颱風警報解除，交通恢復正常"}
	simplifiedTitles  = []string{"北京股市今日收高，科技股领涨", "台风警报解除，交通恢复正常"}
	koreanTitles      = []string{"서울 증시 상승 마감, 반도체주 강세", "태풍 경보 해제, 교통 정상화"}
	russianTitles     = []string{"Центробанк сохранил ключевую ставку", "Рынок акций вырос после заявления"}
	hebrewTitles      = []string{"הבורסה בתל אביב עלתה היום", "אזהרת הסערה בוטלה והתנועה חזרה"}
)

// charsetCase is a feed encoded in enc from titles and served with the
// given Content-Type and XML declaration.
type charsetCase struct {
	name        string
	enc         encoding.Encoding // nil: UTF-8
	titles      []string
	decl        string // encoding in the XML declaration; "" for none
	contentType string
	override    string // the source's charset setting
	bom         bool   // prefix a byte order mark (UTF-8 and UTF-16)
	json        bool   // a JSON Feed rather than RSS
}

var (
	utf16LE = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	utf16BE = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	utf32LE = utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)
	utf32BE = utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)
)

var charsetCases = []charsetCase{
	{name: "sjis-decl", enc: japanese.ShiftJIS, titles: japaneseTitles, decl: "Shift_JIS", contentType: "application/rss+xml"},
	{name: "sjis-header-only", enc: japanese.ShiftJIS, titles: japaneseTitles, contentType: "text/xml; charset=Shift_JIS"},
	{name: "sjis-header-wrong", enc: japanese.ShiftJIS, titles: japaneseTitles, decl: "Shift_JIS", contentType: "text/xml; charset=EUC-JP"},
	{name: "eucjp-decl", enc: japanese.EUCJP, titles: japaneseTitles, decl: "EUC-JP"},
	{name: "eucjp-decl-wrong", enc: japanese.EUCJP, titles: japaneseTitles, decl: "Shift_JIS", contentType: "application/xml; charset=euc-jp"},
	{name: "iso2022jp-decl", enc: japanese.ISO2022JP, titles: japaneseTitles, decl: "ISO-2022-JP"},
	{name: "iso2022jp-header-only", enc: japanese.ISO2022JP, titles: japaneseTitles, contentType: "application/rss+xml; charset=iso-2022-jp"},
	{name: "tis620-decl", enc: charmap.Windows874, titles: thaiTitles, decl: "TIS-620"},
	{name: "windows874-header", enc: charmap.Windows874, titles: thaiTitles, contentType: "text/xml; charset=windows-874"},
	{name: "tis620-decl-latin1-header", enc: charmap.Windows874, titles: thaiTitles, decl: "TIS-620", contentType: "text/xml; charset=ISO-8859-1"},
	{name: "tis620-override", enc: charmap.Windows874, titles: thaiTitles, decl: "ISO-8859-1", override: "tis-620"},
	{name: "sjis-json-header", enc: japanese.ShiftJIS, titles: japaneseTitles, contentType: "application/feed+json; charset=shift_jis", json: true},
	{name: "windows1252-decl", enc: charmap.Windows1252, titles: westernTitles, decl: "windows-1252"},
	{name: "latin1-header-only", enc: charmap.ISO8859_1, titles: latin1Titles, contentType: "text/xml; charset=iso-8859-1"},
	{name: "utf8-latin1-header", titles: thaiTitles, decl: "UTF-8", contentType: "text/xml; charset=ISO-8859-1"},
	{name: "utf8-decl-wrong", titles: japaneseTitles, decl: "Shift_JIS"},
	{name: "utf8-bom-header-wrong", titles: westernTitles, bom: true, contentType: "text/xml; charset=windows-1252"},
	{name: "utf16le-bom", enc: utf16LE, titles: japaneseTitles, decl: "UTF-16", bom: true},
	{name: "utf16be-bom", enc: utf16BE, titles: thaiTitles, decl: "UTF-16", bom: true},
	{name: "utf16le-nobom", enc: utf16LE, titles: thaiTitles, decl: "UTF-16"},
	{name: "utf16be-nobom", enc: utf16BE, titles: japaneseTitles, decl: "UTF-16BE", contentType: "text/xml; charset=utf-16be"},
	// Nothing declared anywhere: the encoding is detected.
	{name: "undeclared-eucjp", enc: japanese.EUCJP, titles: japaneseTitles},
	{name: "undeclared-sjis", enc: japanese.ShiftJIS, titles: japaneseTitles},
	{name: "undeclared-big5", enc: traditionalchinese.Big5, titles: traditionalTitles},
	{name: "undeclared-gb2312", enc: simplifiedchinese.GBK, titles: simplifiedTitles},
	{name: "undeclared-euckr", enc: korean.EUCKR, titles: koreanTitles},
	{name: "undeclared-koi8r", enc: charmap.KOI8R, titles: russianTitles},
	{name: "undeclared-tis620", enc: charmap.Windows874, titles: thaiTitles},
	{name: "undeclared-windows1255", enc: charmap.Windows1255, titles: hebrewTitles},
	{name: "undeclared-windows1252", enc: charmap.Windows1252, titles: westernTitles},
	{name: "utf32le-bom", enc: utf32LE, titles: japaneseTitles, bom: true},
	{name: "utf32be-bom", enc: utf32BE, titles: thaiTitles, bom: true},
	{name: "utf32le-nobom", enc: utf32LE, titles: thaiTitles},
	{name: "utf32be-nobom", enc: utf32BE, titles: japaneseTitles},
}

// source is the case's document in UTF-8.
func (c charsetCase) source() string {
	var b strings.Builder
	if c.json {
		b.WriteString(`{"version": "https://jsonfeed.org/version/1.1", "title": "` + c.titles[0] + `", "items": [`)
		for i, title := range c.titles {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "\n  {\"id\": \"%d\", \"title\": %q, \"content_text\": %q}", i, title, title)
		}
		b.WriteString("\n]}\n")
		return b.String()
	}
	if c.decl != "" {
		fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"%s\"?>\n", c.decl)
	} else {
		b.WriteString("<?xml version=\"1.0\"?>\n")
	}
	b.WriteString("<rss version=\"2.0\"><channel><title>" + c.titles[0] + "</title><link>https://partner.example/</link>\n")
	for i, title := range c.titles {
		fmt.Fprintf(&b, "<item><title>%s</title><guid>%s-%d</guid><description>%s</description></item>\n", title, c.name, i, title)
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// encoded is the case's document as the partner serves it.
func (c charsetCase) encoded(t *testing.T) []byte {
	t.Helper()
	doc := []byte(c.source())
	if c.enc != nil {
		var err error
		if doc, err = c.enc.NewEncoder().Bytes(doc); err != nil {
			t.Fatalf("%s: encode: %v", c.name, err)
		}
	}
	if c.bom {
		bom := map[encoding.Encoding][]byte{nil: utf8BOM, utf16LE: {0xFF, 0xFE}, utf16BE: {0xFE, 0xFF},
			utf32LE: {0xFF, 0xFE, 0, 0}, utf32BE: {0, 0, 0xFE, 0xFF}}[c.enc]
		doc = append(bom, doc...)
	}
	return doc
}

// fixture returns the case's encoded document, checking it against its
// file in testdata/charset (rewritten with -update).
func (c charsetCase) fixture(t *testing.T) []byte {
	t.Helper()
	doc := c.encoded(t)
	ext := ".xml"
	if c.json {
		ext = ".json"
	}
	path := filepath.Join("testdata", "charset", c.name+ext)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if file, err := os.ReadFile(path); err != nil || !bytes.Equal(file, doc) {
		t.Errorf("%s is missing or stale (%v): run go test ./aggregator -run TestCharsets -update", path, err)
	}
	return doc
}

func TestCharsets(t *testing.T) {
	for _, c := range charsetCases {
		t.Run(c.name, func(t *testing.T) {
			doc := c.fixture(t)
			h := newHarness(t)
			h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", c.contentType)
				w.Write(doc)
			})
			src := config.Source{ID: "misc", URL: h.feeds.URL + "/misc", Fallback: "other", Charset: c.override}
			rep := h.agg.Fetch(context.Background(), src)
			if rep.Err != nil || rep.New != len(c.titles) {
				t.Fatalf("report %+v", rep)
			}
			stored := h.section(t, "other")
			got := titles(stored)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.titles))
			if !slices.Equal(got, want) {
				t.Errorf("stored titles\n%q\nwant\n%q", got, want)
			}
			for _, st := range stored {
				if text := st.Summary + st.Content; !slices.Contains(c.titles, text) {
					t.Errorf("stored text %q is none of the originals", text)
				}
			}
		})
	}
}

func TestToUTF8(t *testing.T) {
	sjis := func(s string) string {
		b, err := japanese.ShiftJIS.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	eucjp := func(s string) string {
		b, _ := japanese.EUCJP.NewEncoder().String(s)
		return b
	}
	for _, tc := range []struct {
		name, body, contentType, override string
		want, charset                     string
	}{
		{"ascii", "<rss/>", "", "", "<rss/>", "utf-8"},
		{"valid utf-8 beats header", "<p>日本</p>", "text/html; charset=shift_jis", "", "<p>日本</p>", "utf-8"},
		{"html meta", "<html><head><meta charset=\"euc-jp\"></head><body>" + eucjp("日本語") + "</body></html>", "", "",
			"<html><head><meta charset=\"euc-jp\"></head><body>日本語</body></html>", "euc-jp"},
		{"html meta http-equiv", "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"></head>" + sjis("日本語"), "", "",
			"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"></head>日本語", "shift_jis"},
		{"override", sjis("日本語"), "text/plain; charset=euc-jp", "shift_jis", "日本語", "shift_jis"},
		{"declaration rewritten", "<?xml version='1.0' encoding='EUC-JP'?><a>" + eucjp("日本") + "</a>", "", "",
			"<?xml version='1.0' encoding='UTF-8'?><a>日本</a>", "euc-jp"},
		{"utf-8 declaration kept", `<?xml version="1.0" encoding="utf-8"?><a/>`, "", "", `<?xml version="1.0" encoding="utf-8"?><a/>`, "utf-8"},
		{"mostly utf-8 with a stray byte", "<a>" + strings.Repeat("日本語のニュース。", 10) + " caf\xe9</a>", "", "",
			"<a>" + strings.Repeat("日本語のニュース。", 10) + " caf\uFFFD</a>", "utf-8"},
		{"undeclared latin-1", "<a>caf\xe9 cr\xe8me</a>", "", "", "<a>café crème</a>", "windows-1252"},
		{"unknown labels ignored", "<a>caf\xe9</a>", "text/xml; charset=klingon", "", "<a>café</a>", "windows-1252"},
		{"escape sequence in utf-8 text", "<a>日本 \x1b$B</a>", "", "", "<a>日本 \x1b$B</a>", "utf-8"},
		{"utf-16 label on 8-bit bytes", "<a>caf\xe9</a>", "text/xml; charset=utf-16", "", "<a>café</a>", "windows-1252"},
	} {
		got, charset, err := toUTF8([]byte(tc.body), tc.contentType, tc.override)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if string(got) != tc.want || charset != tc.charset {
			t.Errorf("%s: got %q as %s, want %q as %s", tc.name, got, charset, tc.want, tc.charset)
		}
	}
}

func TestUndeclaredEncodingIsDetected(t *testing.T) {
	want := map[string]string{
		"undeclared-eucjp": "euc-jp", "undeclared-sjis": "shift_jis", "undeclared-big5": "big5",
		"undeclared-gb2312": "gbk", "undeclared-euckr": "euc-kr", "undeclared-koi8r": "koi8-r",
		"undeclared-tis620": "windows-874", "undeclared-windows1255": "windows-1255",
		"undeclared-windows1252": "windows-1252", "utf32le-bom": "utf-32le", "utf32be-nobom": "utf-32be",
	}
	for _, c := range charsetCases {
		name, ok := want[c.name]
		if !ok {
			continue
		}
		_, got, err := toUTF8(c.encoded(t), "", "")
		if err != nil || got != name {
			t.Errorf("%s: read as %q (%v), want %s", c.name, got, err, name)
		}
	}
}

// Bytes that read as real text in no encoding are refused with an error
// that says so, rather than published as garbage.
func TestUndeclaredGarbageIsRefused(t *testing.T) {
	var noise []byte
	for i := range 600 {
		noise = append(noise, byte(0x80+(i*37)%128))
		if i%7 == 0 {
			noise = append(noise, ' ')
		}
	}
	doc := append([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>`), noise...)
	doc = append(doc, "</title><guid>1</guid></item></channel></rss>"...)
	h := newHarness(t)
	h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) { w.Write(doc) })
	rep := h.fetch(t, "misc")
	if rep.Err == nil || !strings.Contains(rep.Err.Error(), "encoding cannot be told") || !strings.Contains(rep.Err.Error(), "set the source's charset") {
		t.Fatalf("report %+v: want the fetch refused, naming the encoding problem", rep)
	}
	if got := h.section(t, "other"); len(got) != 0 {
		t.Errorf("stored %q from an unreadable feed", titles(got))
	}
}
