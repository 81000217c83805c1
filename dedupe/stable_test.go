package dedupe

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// fixtureSignaturesDigest is the SHA-256 of every fixture story's encoded
// signature, in order, under SchemeVersion 1.
const fixtureSignaturesDigest = "ce9c71383ba85851b0d9989a20b36b3ab8cdf5585527b6e8fd484443b6c8af11"

// TestSignaturesStable pins the signatures of the fixture stories: stored
// signatures and band keys are compared with new ones, so a change of
// Sign's output must come with a new SchemeVersion (and a new digest).
func TestSignaturesStable(t *testing.T) {
	h := sha256.New()
	for _, p := range signPairs(t) {
		for _, s := range []Signature{p.a, p.b} {
			b, err := s.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			h.Write(b)
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != fixtureSignaturesDigest {
		t.Errorf("fixture signatures digest %s, want %s (scheme version %d): Sign's output changed", got, fixtureSignaturesDigest, SchemeVersion)
	}
}
