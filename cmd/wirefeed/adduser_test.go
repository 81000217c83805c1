package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"wirefeed/config"
	"wirefeed/daemon"
	"wirefeed/internal/partnertest"
)

// withStdin runs f with standard input reading text.
func withStdin(t *testing.T, text string, f func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	old := os.Stdin
	os.Stdin = file
	defer func() { os.Stdin = old }()
	f()
}

// TestAdminAddUser: the editor's password is stored only as its bcrypt
// hash; a short password and a taken name are refused.
func TestAdminAddUser(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	withStdin(t, "short\n", func() {
		if code, _, errOut := wirefeed(t, "admin", "-config", path, "add-user", "somchai"); code == 0 || !strings.Contains(errOut, "at least 12 characters") {
			t.Fatalf("short password: %d %s", code, errOut)
		}
	})
	withStdin(t, "correct horse battery\n", func() {
		if code, out, errOut := wirefeed(t, "admin", "-config", path, "add-user", "somchai"); code != 0 || !strings.Contains(out, "editor somchai added") {
			t.Fatalf("add-user: %d %s%s", code, out, errOut)
		}
	})
	withStdin(t, "another long password\n", func() {
		if code, _, errOut := wirefeed(t, "admin", "-config", path, "add-user", "somchai"); code == 0 || !strings.Contains(errOut, "exists") {
			t.Fatalf("second somchai: %d %s", code, errOut)
		}
	})
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := daemon.OpenStore(cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hash, err := st.EditorPasswordHash(context.Background(), "somchai")
	if err != nil || strings.Contains(hash, "horse") || bcrypt.CompareHashAndPassword([]byte(hash), []byte("correct horse battery")) != nil {
		t.Fatalf("stored hash %q, %v", hash, err)
	}
}
