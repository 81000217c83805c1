package aggregator

import "wirefeed/store"

// How one fetch's stories are identified within their source.
const (
	identityGUID = "guid" // the partner's GUIDs (link, then title+date, where one has none)
	identityLink = "link" // links, as the GUIDs are not fit to identify stories
	identityHash = "hash" // link and title, as neither GUIDs nor links are
)

// unreliableShare is the share of one fetch's items with a blank or repeated
// GUID (or, in link mode, link) beyond which those are not trusted as
// identities.
const unreliableShare = 0.05

// settleIdentities decides from what a partner sends how its stories are
// identified, and re-keys them accordingly: a partner whose GUIDs are blank
// or repeated in more than a few percent of a fetch is identified by link,
// and one whose links are as bad by link and title. Under that threshold,
// an item repeating another's GUID with a different link is a story of its
// own. (A partner whose GUIDs change on every fetch is caught in the store:
// the same canonical link under a new GUID is the known story.)
func settleIdentities(n *normalizer, stories []store.Story) string {
	if len(stories) == 0 {
		return identityGUID
	}
	if unreliable(stories, func(st *store.Story) string { return st.GUID }) {
		mode := identityLink
		if unreliable(stories, func(st *store.Story) string { return st.Link }) {
			mode = identityHash
		}
		for i := range stories {
			st := &stories[i]
			if mode == identityLink && st.Link != "" {
				n.rekey(st, "l:"+st.Link)
			} else {
				n.rekey(st, "h:"+n.sum(st.Link, st.Title))
			}
		}
		return mode
	}
	firstLink := map[string]string{}
	for i := range stories {
		st := &stories[i]
		if st.GUID == "" {
			continue
		}
		link, seen := firstLink[st.GUID]
		switch {
		case !seen:
			firstLink[st.GUID] = st.Link
		case link != st.Link:
			n.rekey(st, "g:"+st.GUID+"#"+n.sum(st.Link)[:16])
		}
	}
	return identityGUID
}

// unreliable reports whether more than unreliableShare of stories have a
// blank or repeated id.
func unreliable(stories []store.Story, id func(*store.Story) string) bool {
	seen := make(map[string]bool, len(stories))
	bad := 0
	for i := range stories {
		v := id(&stories[i])
		if v == "" || seen[v] {
			bad++
		}
		seen[v] = true
	}
	return float64(bad) > unreliableShare*float64(len(stories))
}

// rekey gives st the identity key k (hashed when too long) and the public
// id derived from it.
func (n *normalizer) rekey(st *store.Story, k string) {
	if len(k) > maxKeyLen {
		k = k[:2] + "sha256:" + n.sum(k[2:])
	}
	st.Key, st.PublicID = k, n.publicID(k)
}
