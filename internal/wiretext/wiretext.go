// Package wiretext generates filler wire copy for benchmarks: words drawn
// from a vocabulary of 27,000 made-up words, so unrelated generated stories
// share words about as often as real ones and near-duplicate detection sees
// realistic text.
package wiretext

import (
	"math/rand/v2"
	"strings"
)

// syllables make up the words: three of them per word.
var syllables = strings.Fields("ba ko ri sa ta mi no ha ke ru yo chi po an en la mo su thi wa na ge de pu ni to ma se ka lu")

// Words returns n words of generated copy, the same for the same seed and
// different for every other.
func Words(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		for range 3 {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
	}
	return b.String()
}

// deskWords is the vocabulary Desk draws from: the same made-up words as
// Words, in a fixed order of frequency.
const deskWords = 27000

// Desk returns n words of generated copy as one news desk writes it: words
// drawn with Zipf's law (exponent 1.1) over the vocabulary, so that a few
// hundred words appear in most stories and unrelated stories share much of
// their wording, which crowds a near-duplicate index as real desks do.
func Desk(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))
	z := rand.NewZipf(r, 1.1, 2, deskWords-1)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		w := z.Uint64()
		for range 3 {
			b.WriteString(syllables[w%uint64(len(syllables))])
			w /= uint64(len(syllables))
		}
	}
	return b.String()
}
