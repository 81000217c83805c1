package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"wirefeed/console"
	"wirefeed/daemon"
)

// runAdmin manages the console's editor accounts: "admin add-user NAME"
// reads the new editor's password from standard input (one line) and
// stores its bcrypt hash in the database.
func runAdmin(ctx context.Context, e *env, args []string) error {
	if len(args) != 2 || args[0] != "add-user" {
		return fmt.Errorf("usage: wirefeed admin add-user NAME (the password is read from standard input)")
	}
	name := strings.TrimSpace(args[1])
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return fmt.Errorf("editor name %q: one word, no spaces", args[1])
	}
	fmt.Fprintf(e.stderr, "password for %s (12 characters or more), then Enter: ", name)
	password, err := readLine(os.Stdin)
	fmt.Fprintln(e.stderr)
	if err != nil {
		return fmt.Errorf("read the password: %w", err)
	}
	hash, err := console.HashPassword(password)
	if err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	st, err := daemon.OpenStore(cfg, false) // the first editor may come before the first run
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddEditor(ctx, name, hash, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "editor %s added: sign in to the console at /admin/ with this name and password\n", name)
	return nil
}

// readLine reads one line, without its line ending.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
