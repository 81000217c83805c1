package console

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wirefeed/store"
)

// tokenEditor is the name changes made after signing in with the admin
// token are recorded under.
const tokenEditor = "admin token"

// secure says whether the session cookie must be Secure: the request came
// over https, or the site's base URL is https (behind a TLS proxy).
func (c *Console) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return c.opts.Config != nil && strings.HasPrefix(c.opts.Config().Server.BaseURL, "https://")
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	if c.sessions.get(r) != nil {
		http.Redirect(w, r, "/admin/", http.StatusSeeOther)
		return
	}
	c.render(w, r, http.StatusOK, "signin", nil, view{Title: "Sign in", Back: safeBack(r.FormValue("back"))})
}

// signIn checks an editor's name and password, or the admin token when
// no name is given. Failures count against the client's address under the
// admin API's throttle and are logged.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	name, password := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("password")
	v := view{Title: "Sign in", Back: safeBack(r.PostFormValue("back")), Form: map[string]string{"name": name}}
	if wait := c.opts.API.Throttled(r); wait > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int((wait+time.Second-1)/time.Second)))
		v.Errors = map[string]string{"password": fmt.Sprintf("too many failed sign-ins from this address: try again in %d s", int((wait+time.Second-1)/time.Second))}
		c.render(w, r, http.StatusTooManyRequests, "signin", nil, v)
		return
	}
	editor, err := c.check(r, name, password)
	if err != nil {
		c.opts.Log.Warn("console: failed sign-in", "name", name, "remote", r.RemoteAddr, "err", err)
		v.Errors = map[string]string{"password": "wrong name or password"}
		if password == "" {
			v.Errors["password"] = "required"
		}
		c.render(w, r, http.StatusUnauthorized, "signin", nil, v)
		return
	}
	c.sessions.start(w, r, editor, c.secure(r))
	c.opts.Log.Info("console: signed in", "editor", editor, "remote", r.RemoteAddr)
	http.Redirect(w, r, v.Back, http.StatusSeeOther)
}

// errWrongPassword is a sign-in refused.
var errWrongPassword = errors.New("wrong name or password")

// check returns who signs in with name and password: the admin token
// without a name, else an editor account.
func (c *Console) check(r *http.Request, name, password string) (string, error) {
	if name == "" {
		if ok, _ := c.opts.API.CheckToken(r, password); !ok {
			return "", errWrongPassword
		}
		return tokenEditor, nil
	}
	hash, err := c.opts.Store.EditorPasswordHash(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		// Compare anyway, so that timing does not say which names exist.
		bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		c.opts.API.Failed(r)
		return "", errWrongPassword
	}
	if err != nil {
		return "", fmt.Errorf("console: sign in %s: %w", name, err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		c.opts.API.Failed(r)
		return "", errWrongPassword
	}
	c.opts.API.Succeeded(r)
	return name, nil
}

// dummyHash is a bcrypt hash of nothing anyone types, compared when the
// name is unknown.
const dummyHash = "$2a$12$leWsOHcHGEII39OhL8ZzVOsqmYyxc35mqGH5.aJxddbRkDuncrn4y"

// HashPassword returns the bcrypt hash an editor account keeps of its
// password (wirefeed admin add-user); at least 12 characters.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < 12 {
		return "", errors.New("a password needs at least 12 characters")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), 12)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(hash), nil
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, s *session) {
	c.sessions.stop(w, r, c.secure(r))
	c.opts.Log.Info("console: signed out", "editor", s.editor)
	http.Redirect(w, r, "/admin/sign-in", http.StatusSeeOther)
}

// safeBack is where to go after signing in: a console path, never
// another site.
func safeBack(back string) string {
	if !strings.HasPrefix(back, "/admin/") || strings.HasPrefix(back, "//") || strings.Contains(back, "\\") {
		return "/admin/"
	}
	return back
}
