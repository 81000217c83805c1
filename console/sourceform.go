package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// sourceFields are the form's fields, each a key of the source in
// config.yaml; categories are written one "Partner category = section"
// a line, sections comma-separated.
var sourceFields = []string{"id", "name", "url", "sections", "categories", "fallback", "priority", "attribution"}

// formFields turns the form into the source's config keys; with
// forPatch, an empty field removes its key (null) and categories the form
// no longer lists are removed.
func formFields(r *http.Request, old map[string]any, forPatch bool) (map[string]any, map[string]string) {
	out, errs := map[string]any{}, map[string]string{}
	for _, f := range sourceFields {
		v := strings.TrimSpace(r.PostFormValue(f))
		if f == "id" && forPatch {
			continue
		}
		if v == "" {
			if forPatch && old[f] != nil {
				out[f] = nil
			}
			continue
		}
		switch f {
		case "sections":
			var list []any
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					list = append(list, s)
				}
			}
			out[f] = list
		case "priority":
			n, err := strconv.Atoi(v)
			if err != nil {
				errs[f] = fmt.Sprintf("want a whole number, got %q", v)
				continue
			}
			out[f] = n
		case "categories":
			cats := map[string]any{}
			if oldCats, ok := old[f].(map[string]any); ok && forPatch {
				for k := range oldCats {
					cats[k] = nil
				}
			}
			for _, line := range strings.Split(v, "\n") {
				cat, section, ok := strings.Cut(line, "=")
				if strings.TrimSpace(line) == "" {
					continue
				}
				if !ok {
					errs[f] = fmt.Sprintf("write each line as Category = section, got %q", strings.TrimSpace(line))
					continue
				}
				cats[strings.TrimSpace(cat)] = strings.TrimSpace(section)
			}
			out[f] = cats
		default:
			out[f] = v
		}
	}
	return out, errs
}

// formValues shows a source's config keys in the form.
func formValues(entry map[string]any) map[string]string {
	out := map[string]string{}
	for _, f := range sourceFields {
		switch v := entry[f].(type) {
		case string:
			out[f] = v
		case float64:
			out[f] = strconv.FormatFloat(v, 'f', -1, 64)
		case []any:
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = fmt.Sprint(x)
			}
			out[f] = strings.Join(parts, ", ")
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var lines []string
			for _, k := range keys {
				lines = append(lines, k+" = "+fmt.Sprint(v[k]))
			}
			out[f] = strings.Join(lines, "\n")
		}
	}
	return out
}

// formValuesOf is what the editor typed, to show it again.
func formValuesOf(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, f := range sourceFields {
		out[f] = r.PostFormValue(f)
	}
	out["tag"] = r.PostFormValue("tag")
	return out
}

func (c *Console) newSourcePage(w http.ResponseWriter, r *http.Request, s *session) {
	c.render(w, r, http.StatusOK, "source", s, view{Title: "Add a source", Form: map[string]string{"url": r.FormValue("url")}})
}

// addSource is POST /admin/sources of the API with the form's keys.
func (c *Console) addSource(w http.ResponseWriter, r *http.Request, s *session) {
	if r.PostFormValue("do") == "discover" {
		c.discoverSource(w, r, s)
		return
	}
	fields, errs := formFields(r, nil, false)
	v := view{Title: "Add a source", Form: formValuesOf(r), Errors: errs}
	if len(errs) > 0 {
		v.Error = "the form has errors: see each field"
		c.render(w, r, http.StatusUnprocessableEntity, "source", s, v)
		return
	}
	body, _ := json.Marshal(fields)
	a := c.call(r, s, "POST", "/admin/sources", body)
	if !a.ok() {
		v.Error, v.Errors = a.refusal(sourceFields...)
		c.render(w, r, a.status, "source", s, v)
		return
	}
	id, _ := fields["id"].(string)
	s.setFlash(fmt.Sprintf("Source %s added; it is being pulled now.", id))
	http.Redirect(w, r, "/admin/sources", http.StatusSeeOther)
}

// readSource is a source as config.yaml holds it, and its entity tag.
func (c *Console) readSource(r *http.Request, s *session, id string) (map[string]any, string, answer) {
	a := c.call(r, s, "GET", "/admin/sources/"+url.PathEscape(id), nil)
	var entry map[string]any
	if a.ok() {
		json.Unmarshal(a.body, &entry)
	}
	return entry, a.header.Get("ETag"), a
}

func (c *Console) editSourcePage(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	entry, tag, a := c.readSource(r, s, id)
	if !a.ok() {
		msg, _ := a.refusal()
		c.render(w, r, a.status, "message", s, view{Title: "Source " + id, Message: msg})
		return
	}
	form := formValues(entry)
	form["tag"] = tag
	c.render(w, r, http.StatusOK, "source", s, view{Title: "Source " + id, Form: form, Data: id})
}

// editSource is PATCH /admin/sources/{id} of the API, sent with If-Match:
// the tag of the copy the editor edited, so that a change someone made
// meanwhile is never overwritten unseen.
func (c *Console) editSource(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	v := view{Title: "Source " + id, Form: formValuesOf(r), Data: id}
	v.Form["id"] = id
	old, _, a := c.readSource(r, s, id)
	if !a.ok() {
		v.Error, _ = a.refusal()
		c.render(w, r, a.status, "source", s, v)
		return
	}
	fields, errs := formFields(r, old, true)
	if len(errs) > 0 {
		v.Error, v.Errors = "the form has errors: see each field", errs
		c.render(w, r, http.StatusUnprocessableEntity, "source", s, v)
		return
	}
	body, _ := json.Marshal(fields)
	a = c.call(r, s, "PATCH", "/admin/sources/"+url.PathEscape(id), body, "If-Match", r.PostFormValue("tag"))
	if !a.ok() {
		v.Error, v.Errors = a.refusal(sourceFields...)
		v.Stale = a.status == http.StatusPreconditionFailed
		c.render(w, r, a.status, "source", s, v)
		return
	}
	s.setFlash(fmt.Sprintf("Source %s saved.", id))
	http.Redirect(w, r, "/admin/sources", http.StatusSeeOther)
}

func (c *Console) deleteSourcePage(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	_, tag, a := c.readSource(r, s, id)
	if !a.ok() {
		msg, _ := a.refusal()
		c.render(w, r, a.status, "message", s, view{Title: "Delete " + id, Message: msg})
		return
	}
	c.render(w, r, http.StatusOK, "delete", s, view{Title: "Delete source " + id, Data: id, Form: map[string]string{"tag": tag}})
}

// deleteSource is DELETE /admin/sources/{id} of the API, after the
// confirmation page.
func (c *Console) deleteSource(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	a := c.call(r, s, "DELETE", "/admin/sources/"+url.PathEscape(id), nil, "If-Match", r.PostFormValue("tag"))
	if !a.ok() {
		msg, _ := a.refusal()
		c.render(w, r, a.status, "delete", s, view{Title: "Delete source " + id, Data: id, Error: msg,
			Form: map[string]string{"tag": r.PostFormValue("tag")}})
		return
	}
	s.setFlash(fmt.Sprintf("Source %s deleted; its stored stories stay until pruned.", id))
	http.Redirect(w, r, "/admin/sources", http.StatusSeeOther)
}
