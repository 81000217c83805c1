package aggregator

import (
	"bytes"
	"mime"
	"regexp"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// toUTF8 converts a fetched body to UTF-8 and names the encoding it was
// read in. gofeed never sees HTTP headers and cannot read ISO-2022-JP, so
// every body reaches it as UTF-8 with an XML declaration that says so.
//
// The encoding is settled like this:
//  1. a byte order mark (UTF-8, UTF-16LE/BE) is taken as given;
//  2. UTF-16 without a BOM is recognised by the NUL bytes of its ASCII
//     markup, and ISO-2022-JP by its escape sequences;
//  3. a body of valid UTF-8 is UTF-8, whatever is declared: legacy text is
//     practically never valid UTF-8 once it holds non-ASCII bytes;
//  4. otherwise the declared charsets, in order of trust (the per-source
//     override, the Content-Type header, the XML declaration, an HTML
//     meta tag, then UTF-8 itself), are each tried on the start of the
//     body, and the one that decodes with the fewest signs of a wrong guess
//     (see score) wins, ties going to the more trusted. So a server default
//     of ISO-8859-1 in the header loses to the TIS-620 the document
//     declares. With nothing declared, UTF-8 and windows-1252 are tried.
//
// Bytes that are invalid in the chosen encoding become U+FFFD. toUTF8 never
// fails.
func toUTF8(body []byte, contentType, override string) ([]byte, string, error) {
	out, name, err := decodeBody(body, contentType, override)
	if err != nil {
		return nil, "", err
	}
	return fixXMLDecl(out), name, nil
}

// decodeBody is toUTF8 before the XML declaration is fixed.
func decodeBody(body []byte, contentType, override string) ([]byte, string, error) {
	if name, order, bom := sniffUTF32(body); name != "" {
		policy := utf32.IgnoreBOM
		if bom {
			policy = utf32.ExpectBOM
		}
		return decodeWith(utf32.UTF32(order, policy), body), name, nil
	}
	switch {
	case bytes.HasPrefix(body, utf8BOM):
		return bytes.ToValidUTF8(body[len(utf8BOM):], replacement), "utf-8", nil
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), body), "utf-16le", nil
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), body), "utf-16be", nil
	}
	if name := sniffUTF16(body); name != "" {
		e, _ := htmlindex.Get(name)
		return decodeWith(e, body), name, nil
	}
	if isISO2022JP(body) {
		return decodeWith(japanese.ISO2022JP, body), "iso-2022-jp", nil
	}
	if utf8.Valid(body) {
		return body, "utf-8", nil
	}

	cands, declared := declaredCharsets(body, contentType, override)
	best, bestScore := candidate{name: "utf-8"}, -1
	for _, c := range cands {
		if s := score(c, body); bestScore < 0 || s < bestScore {
			best, bestScore = c, s
		}
	}
	// Nothing declared, or what is declared (often a server's default
	// charset=utf-8) makes no sense of the bytes: detect the encoding.
	if !declared || !readsWell(best, body) {
		c, err := detect(body)
		if err != nil {
			return nil, "", err
		}
		best = c
	}
	if best.enc == nil {
		return bytes.ToValidUTF8(body, replacement), best.name, nil
	}
	return decodeWith(best.enc, body), best.name, nil
}

var (
	utf8BOM     = []byte{0xEF, 0xBB, 0xBF}
	replacement = []byte("\uFFFD")
)

// decodeWith decodes b with e; x/text decoders replace invalid input with
// U+FFFD rather than fail.
func decodeWith(e encoding.Encoding, b []byte) []byte {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return bytes.ToValidUTF8(b, replacement)
	}
	return out
}

// isISO2022JP reports whether b is 7-bit text that switches to JIS X 0208
// with ESC $ B or ESC $ @, as ISO-2022-JP does.
func isISO2022JP(b []byte) bool {
	if !bytes.Contains(b, []byte("\x1b$B")) && !bytes.Contains(b, []byte("\x1b$@")) {
		return false
	}
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// sniffUTF32 recognises UTF-32, with a byte order mark or by the three
// NUL bytes beside each character of its ASCII markup ("<", "{").
func sniffUTF32(b []byte) (name string, order utf32.Endianness, bom bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return "utf-32be", utf32.BigEndian, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return "utf-32le", utf32.LittleEndian, true
	case len(b) >= 8 && b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0:
		return "utf-32le", utf32.LittleEndian, false
	case len(b) >= 8 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0 && b[4] == 0 && b[5] == 0 && b[6] == 0:
		return "utf-32be", utf32.BigEndian, false
	}
	return "", utf32.BigEndian, false
}

// sniffUTF16 recognises UTF-16 without a BOM: a feed starts with ASCII
// markup ("<?xml", "<rss", "{"), whose every other byte is then NUL.
func sniffUTF16(b []byte) string {
	n := min(len(b), 64) &^ 1
	if n < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	switch pairs := n / 2; {
	case even == pairs && odd == 0:
		return "utf-16be"
	case odd == pairs && even == 0:
		return "utf-16le"
	}
	return ""
}

// candidate is a declared charset.
type candidate struct {
	name string // canonical WHATWG name; "utf-8" with a nil enc is UTF-8
	enc  encoding.Encoding
}

// declaredCharsets returns the charsets the source, the header and the
// document declare, most trusted first, then UTF-8 (and windows-1252 when
// nothing was declared). Unknown labels, UTF-16 (whose bytes sniffUTF16
// did not see) and the WHATWG "replacement" encoding are left out.
func declaredCharsets(body []byte, contentType, override string) (cands []candidate, declared bool) {
	var header string
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		header = params["charset"]
	}
	head := body[:min(len(body), 1024)]
	prolog := xmlDeclEncoding(head)
	var meta string
	if bytes.Contains(bytes.ToLower(head), []byte("<meta")) {
		_, meta, _ = charset.DetermineEncoding(head, "")
	}
	var out []candidate
	add := func(label string) {
		name := labelName(label)
		if name == "" || name == "replacement" || name == "x-user-defined" || name == "utf-16le" || name == "utf-16be" {
			return
		}
		for _, c := range out {
			if c.name == name {
				return
			}
		}
		c := candidate{name: name}
		if name != "utf-8" {
			c.enc, _ = htmlindex.Get(name)
		}
		out = append(out, c)
	}
	for _, l := range []string{override, header, prolog, meta} {
		add(l)
	}
	declared = len(out) > 0
	add("utf-8")
	return out, declared
}

// labelName is the canonical WHATWG name of a charset label, or "".
func labelName(label string) string {
	if label == "" {
		return ""
	}
	e, err := htmlindex.Get(label)
	if err != nil {
		return ""
	}
	name, _ := htmlindex.Name(e)
	return name
}

// scoreWindow is how much of the body a candidate charset is tried on.
const scoreWindow = 64 << 10

// score counts the signs that c is the wrong charset for body: undecodable
// bytes, C1 control characters (legacy text never holds them, but CJK read
// as windows-1252 does) and adjacent Latin-1 letters or symbols, which is
// what Thai, Japanese and UTF-8 look like when read as a Western charset.
func score(c candidate, body []byte) int {
	b := body[:min(len(body), scoreWindow)]
	if c.enc != nil {
		b, _ = c.enc.NewDecoder().Bytes(b)
	}
	bad := 0
	prevLatin1 := false
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		latin1 := r >= 0xA0 && r <= 0xFF
		switch {
		case r == utf8.RuneError || (r >= 0x80 && r < 0xA0):
			bad++
		case latin1 && prevLatin1:
			bad++
		}
		prevLatin1 = latin1
	}
	return bad
}

// xmlDecl matches an XML declaration and captures its encoding value.
var xmlDecl = regexp.MustCompile(`^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']`)

// xmlDeclEncoding returns the encoding an XML declaration at the start of b
// names, or "".
func xmlDeclEncoding(b []byte) string {
	if m := xmlDecl.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

// fixXMLDecl makes the XML declaration of a UTF-8 document say UTF-8, so
// that the XML parser does not decode it a second time.
func fixXMLDecl(b []byte) []byte {
	m := xmlDecl.FindSubmatchIndex(b[:min(len(b), 1024)])
	if m == nil || bytes.EqualFold(b[m[2]:m[3]], []byte("utf-8")) {
		return b
	}
	out := make([]byte, 0, len(b)+5)
	out = append(out, b[:m[2]]...)
	out = append(out, "UTF-8"...)
	return append(out, b[m[3]:]...)
}
