package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"wirefeed/admin"
)

// answer is what the admin API answered a call.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// apiError is the admin API's refusal, field by field.
type apiError struct {
	Error    string `json:"error"`
	Problems []struct {
		Key     string `json:"key"`
		Message string `json:"message"`
	} `json:"problems"`
}

// call serves an admin API request for the editor of s, as r's client:
// the API's own handlers decide, validate and answer.
func (c *Console) call(r *http.Request, s *session, method, path string, body []byte, header ...string) answer {
	req, err := http.NewRequestWithContext(admin.WithActor(r.Context(), s.editor), method, path, bytes.NewReader(body))
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: []byte(`{"error":` + quote(err.Error()) + `}`)}
	}
	req.RemoteAddr = r.RemoteAddr
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	c.opts.API.ServeAuthorized(rec, req)
	return answer{status: rec.status, header: rec.header, body: rec.body.Bytes()}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// ok says whether the API did what was asked.
func (a answer) ok() bool { return a.status >= 200 && a.status < 300 }

// refusal returns the API's message and its problems by form field: the
// first part of a key after the entry's own place ("sources[2].url" →
// "url"); problems no field shows are added to the message.
func (a answer) refusal(fields ...string) (string, map[string]string) {
	var e apiError
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error == "" {
		return fmt.Sprintf("the admin API answered %d", a.status), nil
	}
	byField := map[string]string{}
	var rest []string
	for _, p := range e.Problems {
		f := fieldOf(p.Key)
		if slices.Contains(fields, f) {
			if byField[f] != "" {
				byField[f] += "; "
			}
			byField[f] += p.Message
			continue
		}
		rest = append(rest, p.Key+": "+p.Message)
	}
	msg := e.Error
	if len(rest) > 0 {
		msg += " (" + strings.Join(rest, "; ") + ")"
	}
	return msg, byField
}

var entryPrefix = regexp.MustCompile(`^(sources|sections)\[\d+\]\.`)

// fieldOf is the form field a problem's key is about.
func fieldOf(key string) string {
	key = entryPrefix.ReplaceAllString(key, "")
	if i := strings.IndexAny(key, ".["); i >= 0 {
		key = key[:i]
	}
	return key
}

// recorder keeps an in-process API answer.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

var _ io.Writer = (*recorder)(nil)
