package admin

import (
	"errors"
	"net/http"

	"wirefeed/config"
)

// previewSection answers POST /admin/sections/{id}/preview: the body is a
// change as PATCH takes it, applied to a copy of the config and never
// saved; the answer is the reroute report (as POST /admin/reroute?dry_run=true)
// the stored stories would get under the changed config. A change PATCH
// would refuse is refused alike.
func (s *Server) previewSection(w http.ResponseWriter, r *http.Request) {
	fields, ok := readFields(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if v, ok := fields["id"]; ok && v != id {
		writeError(w, http.StatusUnprocessableEntity, "an id cannot change: add a new entry and delete this one",
			[]problem{{Key: "id", Message: "cannot change"}})
		return
	}
	doc, err := s.opts.Config.Read(r.Context())
	if err != nil {
		s.internal(w, err)
		return
	}
	if err := doc.Patch(config.Sections, id, fields); err != nil {
		status := http.StatusUnprocessableEntity
		if errors.Is(err, config.ErrNoSuchEntry) {
			status = http.StatusNotFound
		}
		writeError(w, status, err.Error(), nil)
		return
	}
	cfg, _, err := doc.Check()
	if err != nil {
		var list config.ErrorList
		if errors.As(err, &list) {
			problems := make([]problem, len(list))
			for i, e := range list {
				problems[i] = problem{Key: e.Key, Message: e.Msg}
			}
			writeError(w, http.StatusUnprocessableEntity, "change refused; the config is unchanged", problems)
			return
		}
		writeError(w, http.StatusUnprocessableEntity, err.Error(), nil)
		return
	}
	report, err := s.opts.Backend.PreviewReroute(r.Context(), cfg)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, report)
}
