package dedupe

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tuning of the signature. Changing any of these changes signatures and
// band keys: bump SchemeVersion with them.
const (
	// SchemeVersion is written first in MarshalBinary's output; a stored
	// signature of another version fails to unmarshal and must be signed
	// again from the story's text.
	SchemeVersion = 1

	// titleK and leadK are the sizes of the bottom-k sketches.
	titleK = 48
	leadK  = 96
	namesK = 32

	// bandPrefix is how many leading lead tokens feed the lead bands, so
	// that a truncated summary and the full one still collide.
	bandPrefix = 24

	// titleBands × titleRows and leadBands × leadRows MinHash values make
	// the LSH bands.
	titleBands, titleRows = 4, 2
	leadBands, leadRows   = 4, 2

	// minLeadFeatures is the smallest lead that takes part in the score;
	// below it only titles are compared.
	minLeadFeatures = 6

	// minNames is the fewest capitalised words a lead needs for them to
	// take part in the score.
	minNames = 2

	// numberMargin is how many tokens before the end of the shorter lead
	// NumbersAgree stops comparing the leads' numbers: a copy cut shorter
	// may have lost a number there.
	numberMargin = 4
)

// Thresholds of Similar, tuned on testdata/pairs.json for 100 % precision.
const (
	// Threshold is the Score at or above which two signatures with
	// comparable leads are the same story.
	Threshold = 0.78
	// TitleThreshold is the title similarity at or above which two
	// signatures, one of which has no usable lead, are the same story.
	TitleThreshold = 0.9
)

// Signature is the compact, comparable summary of a story's title and lead
// that near-duplicate detection works on. Compute it with Sign; store it
// with MarshalBinary (a few hundred bytes) and index it by Bands. The zero
// Signature matches nothing.
type Signature struct {
	title, lead  sketch
	names        sketch   // capitalised words of the lead: places, people, firms
	leadTokens   int      // tokens in the normalised lead
	titleNumbers []string // sorted
	leadNumbers  []posNumber
	bands        []uint64
}

// sketch is a bottom-k sketch: the k smallest 32-bit hashes of a feature
// set, ascending, and the size of the whole set.
type sketch struct {
	h []uint32
	n int
}

// posNumber is a number of the lead and its token position.
type posNumber struct {
	v   string
	pos int
}

// Sign computes the signature of a story from its title and its lead: the
// summary or the start of the content, HTML allowed; only its first
// LeadRunes characters, after bylines and datelines are removed, count.
//
// Features are: words other than function words, adjacent word pairs
// (which keep word order: "Thailand beats Vietnam" differs from "Vietnam
// beats Thailand"), numbers, and character n-grams of Thai, Lao, Khmer,
// Myanmar (trigrams) and Chinese/Japanese (bigrams) text. Numbers are also
// kept verbatim for NumbersAgree.
func Sign(title, lead string) Signature {
	tt := tokenize(fold(cleanTitle(title)))
	cl := cleanLead(lead)
	lt := tokenize(fold(cl))

	tf := features(tt)
	lf := features(lt)
	s := Signature{
		title:      newSketch(tf, titleK),
		lead:       newSketch(lf, leadK),
		names:      newSketch(names(cl), namesK),
		leadTokens: len(lt),
	}
	for _, t := range tt {
		if t.kind == number {
			s.titleNumbers = append(s.titleNumbers, t.text)
		}
	}
	sort.Strings(s.titleNumbers)
	for i, t := range lt {
		if t.kind == number {
			s.leadNumbers = append(s.leadNumbers, posNumber{t.text, i})
		}
	}

	if len(tf) > 0 {
		s.bands = appendBands(s.bands, tf, 0, titleBands, titleRows)
	}
	if pf := features(lt[:min(len(lt), bandPrefix)]); len(pf) >= minLeadFeatures {
		s.bands = appendBands(s.bands, pf, titleBands, leadBands, leadRows)
	}
	return s
}

// features returns the 64-bit hashes of a token sequence's features,
// ascending, duplicates removed.
func features(ts []token) []uint64 {
	out := make([]uint64, 0, 2*len(ts))
	for i, t := range ts {
		if !t.stop {
			out = append(out, hashString(byte(t.kind), t.text, ""))
		}
		if i > 0 && t.kind != gram && ts[i-1].kind != gram && !(t.stop && ts[i-1].stop) {
			out = append(out, hashString('p', ts[i-1].text, t.text))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// names returns the hashes of the capitalised words of a cleaned lead that
// do not start a sentence, and of all-capitals words (acronyms): mostly the
// names of places, people, teams and firms. A story about another place or
// team differs here even when its wording is a template.
func names(text string) []uint64 {
	var out []uint64
	start := true // at the start of a sentence
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			if r == '.' || r == '!' || r == '?' || r == '\n' || r == '。' || r == ':' {
				start = true
			}
			i += size
			continue
		}
		j := i
		upper, lower := 0, 0
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				break
			}
			if unicode.IsUpper(r) {
				upper++
			} else if unicode.IsLower(r) {
				lower++
			}
			j += n
		}
		w := text[i:j]
		first, _ := utf8.DecodeRuneInString(w)
		acronym := upper >= 2 && lower == 0
		if acronym || unicode.IsUpper(first) && !start {
			out = append(out, hashString('E', spelling(strings.ToLower(w)), ""))
		}
		start = false
		i = j
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// FNV-1a's 64-bit parameters.
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// hashString hashes a tagged feature with FNV-1a and a final mix: the tag,
// a, and when b is not empty a zero byte and b.
func hashString(tag byte, a, b string) uint64 {
	h := uint64(fnvOffset64)
	h = (h ^ uint64(tag)) * fnvPrime64
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * fnvPrime64
	}
	if b != "" {
		h *= fnvPrime64 // the zero byte: h ^ 0 is h
		for i := 0; i < len(b); i++ {
			h = (h ^ uint64(b[i])) * fnvPrime64
		}
	}
	return mix64(h)
}

// mix64 is the splitmix64 finaliser: a fast bijective scramble.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// newSketch keeps the k smallest 32-bit hashes of the features.
func newSketch(fs []uint64, k int) sketch {
	h := make([]uint32, 0, len(fs))
	for _, f := range fs {
		h = append(h, uint32(f>>32))
	}
	slices.Sort(h)
	h = slices.Compact(h)
	s := sketch{n: len(h)}
	if len(h) > k {
		h = h[:k]
	}
	if len(h) > 0 {
		s.h = slices.Clip(h)
	}
	return s
}

// appendBands appends LSH band keys: nb bands of r MinHash values each over
// the features; band numbers start at first. A key's top bit is clear, so
// it fits a signed 64-bit integer column.
func appendBands(out []uint64, fs []uint64, first, nb, r int) []uint64 {
	for b := range nb {
		key := mix64(uint64(first+b+1) * 0x9e3779b97f4a7c15)
		for row := range r {
			seed := mix64(uint64((first+b)*16+row+1) ^ 0x5851f42d4c957f2d)
			m := uint64(math.MaxUint64)
			for _, f := range fs {
				if v := mix64(f ^ seed); v < m {
					m = v
				}
			}
			key = mix64(key ^ m)
		}
		out = append(out, key>>1)
	}
	return out
}

// Bands returns the signature's locality-sensitive band keys: stories that
// are near duplicates share at least one key with high probability, and
// unrelated stories almost never do. Store one row (key, story) per key in
// an indexed table and look candidates up by equality; then confirm each
// with Similar. The first keys come from the title, the rest from the start
// of the lead; each key also encodes its band number, so one column holds
// them all. Every key is below 1<<63, so it fits SQLite's INTEGER as
// int64(key). There are NumBands keys, fewer for a story without title
// words or with a very short lead, none for an empty one.
func (s Signature) Bands() []uint64 { return slices.Clone(s.bands) }

// NumBands is the most keys Bands returns.
const NumBands = titleBands + leadBands

// Empty reports whether the signature has no features at all (empty title
// and lead): such a story is no one's duplicate.
func (s Signature) Empty() bool { return s.title.n == 0 && s.lead.n == 0 }

// similarity estimates the Jaccard similarity and the containment of the
// smaller set in the larger from two bottom-k sketches. Below the smaller
// of the two sketches' largest kept hashes both sketches list every member
// of their sets, so counting there samples both sets alike; it is exact
// when neither set was cut to k.
func similarity(a, b sketch) (jaccard, containment float64) {
	tau := uint32(math.MaxUint32)
	if a.n > len(a.h) && len(a.h) > 0 {
		tau = a.h[len(a.h)-1]
	}
	if b.n > len(b.h) && len(b.h) > 0 {
		tau = min(tau, b.h[len(b.h)-1])
	}
	ah, bh := below(a.h, tau), below(b.h, tau)
	na, nb, both := len(ah), len(bh), 0
	for i, j := 0, 0; i < na && j < nb; {
		switch {
		case ah[i] < bh[j]:
			i++
		case ah[i] > bh[j]:
			j++
		default:
			both++
			i++
			j++
		}
	}
	union := na + nb - both
	if union == 0 || min(na, nb) == 0 {
		return 0, 0
	}
	return float64(both) / float64(union), float64(both) / float64(min(na, nb))
}

// below returns the prefix of the ascending hs that is at most tau.
func below(hs []uint32, tau uint32) []uint32 {
	i, _ := slices.BinarySearch(hs, tau)
	if i < len(hs) && hs[i] == tau {
		i++
	}
	return hs[:i]
}

// TitleScore is the estimated Jaccard similarity of the two titles'
// features, in [0, 1].
func TitleScore(a, b Signature) float64 {
	j, _ := similarity(a.title, b.title)
	return j
}

// Score rates how alike two stories read, in [0, 1], from three parts:
// the titles' Jaccard similarity; the leads' similarity, the mean of their
// Jaccard similarity and the containment of the smaller lead in the larger
// (so a summary cut short still scores high against the full one); and the
// same mean over the leads' capitalised words (places, people, teams,
// firms), which tells template stories about different subjects apart. The
// weights are 0.3, 0.4 and 0.3, or 0.4 and 0.6 when either lead has fewer
// than two capitalised words (Thai and Japanese text has none). When either
// lead has fewer than a handful of features, Score is the title similarity
// alone. Score ignores numbers; see NumbersAgree.
func Score(a, b Signature) float64 {
	return score(a, b, TitleScore(a, b))
}

// score is Score given the titles' similarity tj.
func score(a, b Signature, tj float64) float64 {
	if !comparableLeads(a, b) {
		return tj
	}
	lj, lc := similarity(a.lead, b.lead)
	ls := (lj + lc) / 2
	if a.names.n < minNames || b.names.n < minNames {
		return 0.4*tj + 0.6*ls
	}
	nj, nc := similarity(a.names, b.names)
	return 0.3*tj + 0.4*ls + 0.3*(nj+nc)/2
}

// maxScore is the most Score can reach given the titles' similarity tj,
// whatever the leads: both weightings with perfect leads and names, and a
// hair over against rounding. Similar rejects a pair below Threshold here
// without comparing the leads.
func maxScore(tj float64) float64 {
	return max(0.3*tj+0.7, 0.4*tj+0.6) + 1e-9
}

func comparableLeads(a, b Signature) bool {
	return a.lead.n >= minLeadFeatures && b.lead.n >= minLeadFeatures
}

// NumbersAgree reports whether two stories state the same numbers: the
// titles' numbers must be equal as multisets, and so must the leads',
// except that when the leads differ, only numbers before the last few
// tokens of the shorter lead are compared (a copy cut short loses what
// followed). Different scores, rates, counts or dates therefore make
// different stories, however alike the words.
func NumbersAgree(a, b Signature) bool {
	if !slices.Equal(a.titleNumbers, b.titleNumbers) {
		return false
	}
	if equalValues(a.leadNumbers, b.leadNumbers, math.MaxInt) {
		return true
	}
	return equalValues(a.leadNumbers, b.leadNumbers, min(a.leadTokens, b.leadTokens)-numberMargin)
}

// equalValues compares the multisets of numbers before position limit.
func equalValues(a, b []posNumber, limit int) bool {
	va, vb := valuesBefore(a, limit), valuesBefore(b, limit)
	return slices.Equal(va, vb)
}

func valuesBefore(ns []posNumber, limit int) []string {
	var out []string
	for _, n := range ns {
		if n.pos < limit {
			out = append(out, n.v)
		}
	}
	sort.Strings(out)
	return out
}

// Similar reports whether two signatures are the same story: their numbers
// agree, and either both leads are usable and Score reaches Threshold, or
// one lead is missing and the titles reach TitleThreshold.
//
// The cheapest tests come first, so that the many look-alike candidates a
// crowded band index offers are turned away early: the titles' numbers,
// then the titles' similarity (too low for any lead to lift Score to
// Threshold), and only then the leads' numbers and the full Score. The
// order changes the cost, never the answer.
func Similar(a, b Signature) bool {
	if a.Empty() || b.Empty() || !slices.Equal(a.titleNumbers, b.titleNumbers) {
		return false
	}
	tj := TitleScore(a, b)
	comparable := comparableLeads(a, b)
	if comparable && maxScore(tj) < Threshold || !comparable && tj < TitleThreshold {
		return false
	}
	if !NumbersAgree(a, b) {
		return false
	}
	return !comparable || score(a, b, tj) >= Threshold
}

// errSignature is returned for a malformed or other-version encoding.
var errSignature = errors.New("dedupe: bad or outdated signature encoding")

// MarshalBinary encodes the signature for storage (a BLOB column). The
// encoding starts with SchemeVersion.
func (s Signature) MarshalBinary() ([]byte, error) {
	b := []byte{SchemeVersion}
	b = appendSketch(b, s.title)
	b = appendSketch(b, s.lead)
	b = appendSketch(b, s.names)
	b = binary.AppendUvarint(b, uint64(s.leadTokens))
	b = binary.AppendUvarint(b, uint64(len(s.titleNumbers)))
	for _, n := range s.titleNumbers {
		b = appendString(b, n)
	}
	b = binary.AppendUvarint(b, uint64(len(s.leadNumbers)))
	for _, n := range s.leadNumbers {
		b = appendString(b, n.v)
		b = binary.AppendUvarint(b, uint64(n.pos))
	}
	b = binary.AppendUvarint(b, uint64(len(s.bands)))
	for _, k := range s.bands {
		b = binary.LittleEndian.AppendUint64(b, k)
	}
	return b, nil
}

func appendSketch(b []byte, s sketch) []byte {
	b = binary.AppendUvarint(b, uint64(s.n))
	b = binary.AppendUvarint(b, uint64(len(s.h)))
	for _, h := range s.h {
		b = binary.LittleEndian.AppendUint32(b, h)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// UnmarshalBinary decodes MarshalBinary's output. It fails for data written
// under another SchemeVersion: sign the story again then.
func (s *Signature) UnmarshalBinary(data []byte) error {
	d := decoder{b: data}
	if d.byte() != SchemeVersion {
		return errSignature
	}
	var t Signature
	t.title = d.sketch()
	t.lead = d.sketch()
	t.names = d.sketch()
	t.leadTokens = d.int()
	if n := d.count(1); n > 0 {
		t.titleNumbers = make([]string, n)
		for i := range t.titleNumbers {
			t.titleNumbers[i] = d.string()
		}
	}
	if n := d.count(2); n > 0 {
		t.leadNumbers = make([]posNumber, n)
		for i := range t.leadNumbers {
			t.leadNumbers[i].v = d.string()
			t.leadNumbers[i].pos = d.int()
		}
	}
	if n := d.count(8); n > 0 {
		t.bands = make([]uint64, n)
		for i := range t.bands {
			t.bands[i] = d.uint64()
		}
	}
	if d.err || len(d.b) != 0 {
		return errSignature
	}
	*s = t
	return nil
}

// decoder reads MarshalBinary's fields, remembering the first error.
type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.err = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) int() int {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > math.MaxInt32 {
		d.err = true
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

// count reads a length whose elements take at least size bytes each.
func (d *decoder) count(size int) int {
	n := d.int()
	if n*size > len(d.b) {
		d.err = true
		d.b = nil
		return 0
	}
	return n
}

func (d *decoder) string() string {
	n := d.count(1)
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.err = true
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) sketch() sketch {
	s := sketch{n: d.int()}
	if n := d.count(4); n > 0 {
		s.h = make([]uint32, n)
		for i := range s.h {
			s.h[i] = binary.LittleEndian.Uint32(d.b)
			d.b = d.b[4:]
		}
	}
	return s
}
