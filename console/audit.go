package console

import (
	"net/http"
)

// auditPage shows the newest changes of the audit log.
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, s *session) {
	log, err := c.opts.Store.AuditLog(r.Context(), 200)
	if err != nil {
		c.render(w, r, http.StatusInternalServerError, "message", s, view{Title: "Audit log", Message: err.Error()})
		return
	}
	c.render(w, r, http.StatusOK, "audit", s, view{Title: "Audit log", Data: log})
}
