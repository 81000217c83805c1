// Package dedupe recognises the same news story arriving more than once:
// through different links (CanonicalURL) or as near-identical copies from
// different partners (Sign, Similar); and it says which partner's copy is
// published (Winner).
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
// hundred bytes). To deduplicate an incoming story, find the stories first
// seen inside the time window that share at least one of its Bands(), and
// keep the ones for which Similar holds. Each key also encodes its band
// number, so one map (or one indexed column) serves all bands, and the
// lookup costs NumBands probes whatever the size of the store.
//
// wirefeed's store keeps no band rows: it stores the signature in the
// stories table and holds the band keys of the stories inside the window in
// memory, loaded from those signatures and kept up to date by story id
// (see store/recent.go). A signature whose encoding carries another
// SchemeVersion fails to unmarshal: the store leaves such a story out of
// the band index, and it is matched by its canonical link only.
//
// # Which copy is published
//
// When several partners carry one story, Winner (and Outranks) say whose
// copy to publish: the partner with the higher priority, then, among
// equals, the partner whose own site hosts the link, then the copy seen
// first.
package dedupe
