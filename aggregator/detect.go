package aggregator

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/saintfish/chardet"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// A body that is not UTF-8 and declares no encoding anywhere is detected:
// each encoding partners still use is tried on it, and the text each
// decoding yields is scored by what real text in its script looks like
// (readable); ICU's detector (saintfish/chardet), which weighs character
// frequencies, settles near ties such as Korean EUC-KR against Chinese GBK,
// whose byte ranges coincide. When no decoding reads as real text the
// fetch is refused: a partner's garbled bytes are never published.

// ErrUnknownEncoding is returned for a body that is not UTF-8, declares no
// encoding, and reads as real text in none of the encodings tried.
var ErrUnknownEncoding = errors.New("the feed's encoding cannot be told")

// legacyEncodings are the encodings tried on an undeclared body, by WHATWG
// name; ties between equally readable decodings go to the earlier one
// unless the detector prefers another.
var legacyEncodings = []string{
	"utf-8", "windows-1252", "shift_jis", "euc-jp", "gbk", "big5", "euc-kr",
	"koi8-r", "windows-1251", "windows-874", "windows-1255", "iso-8859-2",
}

// chardetNames maps the detector's charset names to WHATWG names.
var chardetNames = map[string]string{
	"Shift_JIS": "shift_jis", "EUC-JP": "euc-jp", "GB-18030": "gbk", "Big5": "big5",
	"EUC-KR": "euc-kr", "KOI8-R": "koi8-r", "windows-1251": "windows-1251",
	"ISO-8859-5": "windows-1251", "ISO-8859-8": "windows-1255", "ISO-8859-8-I": "windows-1255",
	"windows-1255": "windows-1255", "ISO-8859-1": "windows-1252", "windows-1252": "windows-1252",
	"ISO-8859-2": "iso-8859-2", "windows-1250": "iso-8859-2",
}

// minReadable is the share of a decoding's non-ASCII characters that must
// read as real text for it to be published.
const minReadable = 0.95

// detect picks the encoding of an undeclared body that is not UTF-8.
func detect(body []byte) (candidate, error) {
	window := body[:min(len(body), scoreWindow)]
	confidence := map[string]int{}
	if results, err := chardet.NewHtmlDetector().DetectAll(window); err == nil {
		for _, r := range results {
			if name := chardetNames[r.Charset]; name != "" && confidence[name] < r.Confidence {
				confidence[name] = r.Confidence
			}
		}
	}
	type scored struct {
		c              candidate
		good, nonASCII int
	}
	ratio := func(s scored) float64 {
		if s.nonASCII == 0 {
			return 0
		}
		return float64(s.good) / float64(s.nonASCII)
	}
	var all []scored
	best := -1
	for _, name := range legacyEncodings {
		var enc encoding.Encoding
		text := window // UTF-8: invalid bytes count against it
		if name != "utf-8" {
			var err error
			if enc, err = htmlindex.Get(name); err != nil {
				continue
			}
			if text, err = enc.NewDecoder().Bytes(window); err != nil {
				continue
			}
		}
		good, nonASCII := readable(text)
		all = append(all, scored{candidate{name: name, enc: enc}, good, nonASCII})
		if best < 0 || ratio(all[len(all)-1]) > ratio(all[best]) {
			best = len(all) - 1
		}
	}
	if best < 0 || all[best].nonASCII == 0 {
		return candidate{}, fmt.Errorf("%w: no encoding decodes it", ErrUnknownEncoding)
	}
	// Among decodings nearly as readable as the best, the detector's
	// favourite wins.
	pick := all[best]
	for _, s := range all {
		if ratio(s) >= ratio(all[best])-0.03 && confidence[s.c.name] > confidence[pick.c.name] {
			pick = s
		}
	}
	if ratio(pick) < minReadable {
		return candidate{}, fmt.Errorf("%w: it reads best as %s, but only %d of its %d non-ASCII characters make sense; set the source's charset",
			ErrUnknownEncoding, pick.c.name, max(pick.good, 0), pick.nonASCII)
	}
	return pick.c, nil
}

// readable scores decoded text: nonASCII counts its characters beyond
// ASCII, good those that look like real text in some script (common
// Chinese, Japanese and Korean characters, kana, Thai, Hebrew, Cyrillic and
// Latin letters in natural case, typographic punctuation) less those that
// look like a wrong decoding (undecodable bytes, control and private-use
// characters, rare ideographs, letters of mixed case or run together from
// symbols).
func readable(text []byte) (good, nonASCII int) {
	var prev rune
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		text = text[size:]
		if r < utf8.RuneSelf {
			prev = r
			continue
		}
		nonASCII++
		if plausible(r, prev) {
			good++
		} else {
			good--
		}
		prev = r
	}
	return good, nonASCII
}

// plausible reports whether r, after prev, looks like real text.
func plausible(r, prev rune) bool {
	midWordCapital := unicode.IsUpper(r) && unicode.IsLower(prev)
	switch {
	case r == utf8.RuneError || r < 0xA0 || r >= 0xE000 && r <= 0xF8FF:
		return false
	case r >= 0xA0 && r <= 0xFF: // Latin-1: an accented letter in a word, or a symbol on its own
		return prev < 0x80 && !midWordCapital && r != 0xD7 && r != 0xF7
	case r >= 0x100 && r <= 0x17F: // Latin Extended-A (Central European)
		return !midWordCapital
	case r >= 0x2010 && r <= 0x2027, r == 0x20AC, r == 0x2122: // – — ‘ ’ “ ” • … € ™
		return !(prev >= 0xA0 && prev <= 0xFF)
	case r >= 0x0400 && r <= 0x045F: // Cyrillic
		return !midWordCapital && !(prev >= 0x80 && prev <= 0xFF)
	case r >= 0x05B0 && r <= 0x05EA: // Hebrew letters and points
		return true
	case r >= 0x0E01 && r <= 0x0E5B: // Thai
		return true
	case r >= 0x3000 && r <= 0x303F, r >= 0x3041 && r <= 0x30FF, r >= 0xFF01 && r <= 0xFF5E: // CJK punctuation, kana, full width
		return true
	case r >= 0xAC00 && r <= 0xD7A3:
		return commonHangul(r)
	case r >= 0x4E00 && r <= 0x9FFF:
		return commonHan(r)
	}
	return false
}

// commonHangul reports whether r is one of the 2,350 syllables of KS X 1001
// (EUC-KR rows 0xB0-0xC8), which hold practically all Korean text.
func commonHangul(r rune) bool {
	b, err := korean.EUCKR.NewEncoder().String(string(r))
	return err == nil && len(b) == 2 && b[0] >= 0xB0 && b[0] <= 0xC8 && b[1] >= 0xA1
}

// commonHan reports whether r is among the frequently used ideographs of
// Big5 (level 1), GB 2312 (level 1) or JIS X 0208 (level 1), which hold
// practically all Chinese and Japanese text.
func commonHan(r rune) bool {
	s := string(r)
	if b, err := traditionalchinese.Big5.NewEncoder().String(s); err == nil && len(b) == 2 {
		if code := int(b[0])<<8 | int(b[1]); code >= 0xA440 && code <= 0xC67E {
			return true
		}
	}
	if b, err := simplifiedchinese.GBK.NewEncoder().String(s); err == nil && len(b) == 2 {
		if b[0] >= 0xB0 && b[0] <= 0xD7 && b[1] >= 0xA1 {
			return true
		}
	}
	if b, err := japanese.EUCJP.NewEncoder().String(s); err == nil && len(b) == 2 {
		if code := int(b[0])<<8 | int(b[1]); code >= 0xB0A1 && code <= 0xCFD3 {
			return true
		}
	}
	return false
}

// readsWell reports whether body decoded as c, a declared encoding, is
// free of the marks of a wrong declaration: undecodable bytes and control
// characters, at most one in forty characters beyond ASCII. (Which script
// the text is in is not judged: a declaration is trusted for that.)
func readsWell(c candidate, body []byte) bool {
	text := body[:min(len(body), scoreWindow)]
	if c.enc != nil {
		var err error
		if text, err = c.enc.NewDecoder().Bytes(text); err != nil {
			return false
		}
	}
	bad, nonASCII := 0, 0
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		text = text[size:]
		if r >= utf8.RuneSelf {
			nonASCII++
			if r == utf8.RuneError || r < 0xA0 {
				bad++
			}
		}
	}
	return bad*40 <= nonASCII
}
