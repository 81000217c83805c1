package publisher

import (
	"reflect"
	"testing"

	"github.com/gorilla/feeds"
)

// The feed documents are wirefeed's own types, handed to gorilla/feeds
// through its documented XmlFeed interface.
var (
	_ feeds.XmlFeed = (*rssChannel)(nil)
	_ feeds.XmlFeed = (*atomFeed)(nil)
)

// No wirefeed document type may embed another struct: an embedded
// gorilla/feeds struct brings along whatever fields a new release adds, and
// which of two same-named fields is written is then decided by embedding
// depth, not by wirefeed. gorilla's own types, used as explicit fields, are
// pinned by the golden files instead.
func TestDocumentTypesEmbedNothing(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() != reflect.TypeFor[feed]().PkgPath() {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.Anonymous {
				t.Errorf("%s embeds %s; name the fields it writes instead", path, f.Type)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeFor[rssDocument](), "rssDocument")
	walk(reflect.TypeFor[atomFeed](), "atomFeed")
	walk(reflect.TypeFor[jsonFeed](), "jsonFeed")
	if len(seen) < 10 {
		t.Errorf("walked only %d types", len(seen))
	}
}

func TestXMLLines(t *testing.T) {
	const want = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss></rss>\n"
	for _, in := range []string{
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss></rss>",   // what feeds.WriteXML writes
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss></rss>", // should it keep the newline
	} {
		got, err := xmlLines([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("xmlLines(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := xmlLines([]byte("<rss></rss>")); err == nil {
		t.Error("xmlLines accepted a document without the XML declaration")
	}
}
