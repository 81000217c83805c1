package console

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// view is what a page shows: the chrome's parts and the page's own data.
type view struct {
	Title   string
	Message string            // a page that is only a message
	Notice  string            // the outcome of the last action
	Error   string            // why the form was refused, as the API says
	Errors  map[string]string // per field, as the API says
	Form    map[string]string // the form's values
	Back    string
	Stale   bool // the entry changed since the editor read it
	// Discovered is the feed a new source's URL leads to.
	Discovered *discovered
	Editor     string
	CSRF       string
	Site       string
	Data       any
}

// pages are the parsed templates, one set per page.
type pages struct{ byName map[string]*template.Template }

// fieldArgs are a form field's, for the "field" template.
type fieldArgs struct {
	V                       view
	Name, Label, Type, Hint string
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"args": func(v view, name, label, typ, hint string) fieldArgs {
			return fieldArgs{V: v, Name: name, Label: label, Type: typ, Hint: hint}
		},
		"when": func(t any) string {
			switch t := t.(type) {
			case time.Time:
				if t.IsZero() {
					return "–"
				}
				return t.UTC().Format("2006-01-02 15:04 UTC")
			case string:
				if parsed, err := time.Parse(time.RFC3339, t); err == nil {
					return parsed.UTC().Format("2006-01-02 15:04 UTC")
				}
				if t == "" {
					return "–"
				}
				return t
			}
			return "–"
		},
	}
}

func loadPages() *pages {
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range []string{"signin", "message", "sources", "source", "delete", "audit", "sections", "section", "reroute", "stories", "story", "desk"} {
		p.byName[name] = template.Must(template.New("layout.html").Funcs(templateFuncs()).
			ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// render writes page name with v, for the editor of s (nil: signed out).
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, s *session, v view) {
	if s != nil {
		v.Editor, v.CSRF = s.editor, s.csrf
		if v.Notice == "" {
			v.Notice = s.takeFlash()
		}
	}
	if c.opts.Config != nil {
		v.Site = c.opts.Config().Site.Title
	}
	var buf bytes.Buffer
	if err := c.pages.byName[name].Execute(&buf, v); err != nil {
		c.opts.Log.Error("console: render", "page", name, "err", err)
		http.Error(w, "the page could not be rendered: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
