package publisher

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
)

// The keys JSON Feed 1.1 defines for a feed, an item, an author and an
// attachment. Others must be extensions: a key starting with "_" whose
// value is an object.
var (
	jsonFeedKeys = keySet("version", "title", "home_page_url", "feed_url", "description",
		"user_comment", "next_url", "icon", "favicon", "author", "authors", "language",
		"expired", "hubs", "items")
	jsonItemKeys = keySet("id", "url", "external_url", "title", "content_html", "content_text",
		"summary", "image", "banner_image", "date_published", "date_modified", "author",
		"authors", "tags", "language", "attachments")
	jsonAuthorKeys     = keySet("name", "url", "avatar")
	jsonAttachmentKeys = keySet("url", "mime_type", "title", "size_in_bytes", "duration_in_seconds")
	// jsonExtensionKey is the pattern of the JSON Schema for extension keys.
	jsonExtensionKey = regexp.MustCompile(`^_[a-zA-Z]([^.]+)$`)
)

func keySet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// jsonFeedProblems checks doc against JSON Feed 1.1: the required version,
// title and items, the type of every known key, no unknown key that is not
// an extension, absolute URLs, RFC 3339 dates, and items with a non-empty
// id, unique within the feed, and content_html or content_text; authors
// with at least one field, attachments with url and mime_type.
func jsonFeedProblems(doc string) problems {
	var p problems
	var feed map[string]any
	d := json.NewDecoder(bytes.NewReader([]byte(doc)))
	d.UseNumber()
	if err := d.Decode(&feed); err != nil {
		p.addf("not a JSON object: %v", err)
		return p
	}
	jsonKeys(&p, "feed", feed, jsonFeedKeys)
	if v, _ := feed["version"].(string); v != jsonFeedVersion {
		p.addf("version %q, want %s", feed["version"], jsonFeedVersion)
	}
	if s, ok := feed["title"].(string); !ok || s == "" {
		p.addf("title %v, want a non-empty string", feed["title"])
	}
	for _, k := range []string{"home_page_url", "feed_url", "next_url", "icon", "favicon"} {
		jsonURL(&p, "feed", feed, k)
	}
	jsonString(&p, "feed", feed, "description")
	if lang, ok := feed["language"]; ok {
		s, _ := lang.(string)
		p.checkLang("feed language", s)
	}
	jsonAuthors(&p, "feed", feed)

	items, ok := feed["items"].([]any)
	if !ok {
		p.addf("items %T, want an array", feed["items"])
		return p
	}
	ids := map[string]int{}
	for i, v := range items {
		where := fmt.Sprintf("item %d", i)
		it, ok := v.(map[string]any)
		if !ok {
			p.addf("%s: %T, want an object", where, v)
			continue
		}
		jsonKeys(&p, where, it, jsonItemKeys)
		id, ok := it["id"].(string)
		if !ok || id == "" {
			p.addf("%s: id %v, want a non-empty string", where, it["id"])
		} else if j, dup := ids[id]; dup {
			p.addf("%s: id %q already used by item %d", where, id, j)
		}
		ids[id] = i
		_, html := it["content_html"].(string)
		_, text := it["content_text"].(string)
		if !html && !text {
			p.addf("%s: neither content_html nor content_text", where)
		}
		for _, k := range []string{"title", "summary", "content_html", "content_text"} {
			jsonString(&p, where, it, k)
		}
		for _, k := range []string{"url", "external_url", "image", "banner_image"} {
			jsonURL(&p, where, it, k)
		}
		for _, k := range []string{"date_published", "date_modified"} {
			if v, ok := it[k]; ok {
				s, _ := v.(string)
				p.checkRFC3339(where+" "+k, s)
			}
		}
		if lang, ok := it["language"]; ok {
			s, _ := lang.(string)
			p.checkLang(where+" language", s)
		}
		if tags, ok := it["tags"]; ok {
			list, ok := tags.([]any)
			for _, t := range list {
				if _, isString := t.(string); !isString {
					ok = false
				}
			}
			if !ok {
				p.addf("%s: tags %v, want an array of strings", where, tags)
			}
		}
		jsonAuthors(&p, where, it)
		if atts, ok := it["attachments"]; ok {
			list, ok := atts.([]any)
			if !ok {
				p.addf("%s: attachments %T, want an array", where, atts)
			}
			for j, a := range list {
				aw := fmt.Sprintf("%s attachment %d", where, j)
				att, ok := a.(map[string]any)
				if !ok {
					p.addf("%s: %T, want an object", aw, a)
					continue
				}
				jsonKeys(&p, aw, att, jsonAttachmentKeys)
				if _, ok := att["url"]; !ok {
					p.addf("%s: no url", aw)
				}
				jsonURL(&p, aw, att, "url")
				if s, ok := att["mime_type"].(string); !ok || !mediaTypeRE.MatchString(s) {
					p.addf("%s: mime_type %v", aw, att["mime_type"])
				}
				for _, k := range []string{"size_in_bytes", "duration_in_seconds"} {
					if v, ok := att[k]; ok {
						if _, isNum := v.(json.Number); !isNum {
							p.addf("%s: %s %v is not a number", aw, k, v)
						}
					}
				}
			}
		}
	}
	return p
}

// jsonKeys reports keys of obj that JSON Feed does not define and that are
// not extensions (which must be objects).
func jsonKeys(p *problems, where string, obj map[string]any, known map[string]bool) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case known[k]:
		case jsonExtensionKey.MatchString(k):
			if _, ok := obj[k].(map[string]any); !ok {
				p.addf("%s: extension %s is %T, want an object", where, k, obj[k])
			}
		default:
			p.addf("%s: unknown key %q", where, k)
		}
	}
}

// jsonString reports a key present with a value that is not a string.
func jsonString(p *problems, where string, obj map[string]any, key string) {
	if v, ok := obj[key]; ok {
		if _, isString := v.(string); !isString {
			p.addf("%s: %s is %T, want a string", where, key, v)
		}
	}
}

// jsonURL reports a key present with a value that is not an absolute URL.
func jsonURL(p *problems, where string, obj map[string]any, key string) {
	if v, ok := obj[key]; ok {
		s, _ := v.(string)
		p.checkWebURL(where+" "+key, s)
	}
}

// jsonAuthors checks the authors (and deprecated author) of a feed or item.
func jsonAuthors(p *problems, where string, obj map[string]any) {
	var list []any
	if v, ok := obj["authors"]; ok {
		l, ok := v.([]any)
		if !ok {
			p.addf("%s: authors %T, want an array", where, v)
		}
		list = l
	}
	if v, ok := obj["author"]; ok {
		list = append(list, v)
	}
	for j, a := range list {
		aw := fmt.Sprintf("%s author %d", where, j)
		author, ok := a.(map[string]any)
		if !ok {
			p.addf("%s: %T, want an object", aw, a)
			continue
		}
		jsonKeys(p, aw, author, jsonAuthorKeys)
		if len(author) == 0 {
			p.addf("%s: empty author", aw)
		}
		jsonString(p, aw, author, "name")
		if u, ok := author["url"].(string); ok {
			p.checkIRI(aw+" url", u) // may be mailto:
		}
		jsonURL(p, aw, author, "avatar")
	}
}
