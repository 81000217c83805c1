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
