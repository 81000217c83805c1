package console

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// exportOPML is GET /admin/opml of the API, as a download.
func (c *Console) exportOPML(w http.ResponseWriter, r *http.Request, s *session) {
	a := c.call(r, s, "GET", "/admin/opml", nil)
	for _, h := range []string{"Content-Type", "Content-Disposition"} {
		w.Header().Set(h, a.header.Get(h))
	}
	w.WriteHeader(a.status)
	w.Write(a.body)
}

// importOPML is POST /admin/opml of the API with the uploaded file.
func (c *Console) importOPML(w http.ResponseWriter, r *http.Request, s *session) {
	file, _, err := r.FormFile("opml")
	if err != nil {
		s.setFlash("Import: choose an OPML file first.")
		http.Redirect(w, r, "/admin/sources", http.StatusSeeOther)
		return
	}
	defer file.Close()
	body, err := io.ReadAll(io.LimitReader(file, 1<<20+1))
	if err != nil {
		s.setFlash("Import: " + err.Error())
		http.Redirect(w, r, "/admin/sources", http.StatusSeeOther)
		return
	}
	path := "/admin/opml"
	if fb := r.PostFormValue("fallback"); fb != "" {
		path += "?fallback=" + url.QueryEscape(fb)
	}
	a := c.call(r, s, "POST", path, body, "Content-Type", "text/x-opml")
	if !a.ok() {
		msg, _ := a.refusal()
		s.setFlash("Import refused: " + msg)
	} else {
		var res struct {
			Added   []string `json:"added_sources"`
			Skipped []string `json:"skipped"`
		}
		json.Unmarshal(a.body, &res)
		s.setFlash(fmt.Sprintf("Imported: %d sources added %v, %d already configured.", len(res.Added), res.Added, len(res.Skipped)))
	}
	http.Redirect(w, r, "/admin/sources", http.StatusSeeOther)
}
