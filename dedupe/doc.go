// Package dedupe recognises the same news story arriving more than once:
// through different links (CanonicalURL) or as near-identical copies from
// different partners (Sign, Similar).
//
// # Links
//
// CanonicalURL maps the many links of one article (http or https, www. or
// m. or amp. hosts, AMP paths, tracking parameters, fragments, trailing
// slashes, percent-encoding variants) to one string, while keeping
// parameters that name the article (?id=, ?k=, ?p=, ?story=) so that
// different stories stay apart. Equal canonical links mean the same story.
//
// # Near duplicates
//
// Sign reduces a story's title and lead (the first LeadRunes characters of
// its summary or content) to a Signature after normalising the text:
// HTML stripped, NFKC, case folded, bylines, datelines and "Provided by"
// footers removed, British spellings and spelled-out small numbers mapped
// to one form. A Signature holds
//
//   - bottom-k MinHash sketches of the title's and the lead's features
//     (words other than function words, adjacent word pairs, numbers, and
//     character n-grams for Thai, Japanese and other scripts written
//     without spaces), and of the lead's capitalised words (names);
//   - the numbers of the title and of the lead, verbatim;
//   - NumBands LSH band keys (MinHash bands: four from the title, four
//     from the first words of the lead).
//
// Similar(a, b) holds when NumbersAgree(a, b) (the same scores, rates,
// counts and dates: stories that differ only in their numbers are
// different stories) and Score(a, b) reaches Threshold. Both thresholds
// are tuned on testdata/pairs.json, where Similar has 100 % precision.
//
// # Storing and looking up
//
// Keep, per story, the signature as a BLOB (Signature.MarshalBinary, a few
// hundred bytes) and one row per band key in a table such as
//
//	CREATE TABLE story_bands (
//	    band     INTEGER NOT NULL,  -- a key of Signature.Bands (< 1<<63)
//	    story_id INTEGER NOT NULL,
//	    seen_at  INTEGER NOT NULL,  -- when the story was first seen
//	    PRIMARY KEY (band, story_id)
//	);
//	CREATE INDEX story_bands_window ON story_bands (band, seen_at);
//
// To deduplicate an incoming story, select the distinct story_id of the
// rows whose band is one of its Bands() and whose seen_at lies inside the
// time window, load those candidates' signatures and keep the ones for
// which Similar holds. Each key also encodes its band number, so one column
// serves all bands, and the lookup is NumBands index probes whatever the
// size of the store. A signature whose encoding carries another
// SchemeVersion fails to unmarshal: sign that story again from its text
// (and replace its band rows).
package dedupe
