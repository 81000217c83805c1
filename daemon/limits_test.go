package daemon

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"wirefeed/internal/partnertest"
)

// get1 sends one keep-alive request on conn and reads its status line.
func get1(conn net.Conn) (string, error) {
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: wirefeed\r\n\r\n")); err != nil {
		return "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return resp.Status, nil
}

// The server serves at most server.max_connections connections at once:
// one more waits, unanswered, until one of them closes.
func TestConnectionsAreCapped(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, "  base_url:", "  max_connections: 2\n  base_url:")
	d := openTestDaemon(t, path, Options{})
	base := runDaemon(t, d, RunOptions{})
	addr := strings.TrimPrefix(base, "http://")
	var open []net.Conn
	for range 2 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if status, err := get1(conn); err != nil || status != "200 OK" {
			t.Fatalf("connection within the cap: %q %v", status, err)
		}
		open = append(open, conn)
	}
	third, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	// Unanswered while two connections are open (a read deadline, not a
	// sleep: the server may take as long as it likes to prove it waits).
	third.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if status, err := get1(third); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a connection past the cap was served: %q %v", status, err)
	}
	third.Close()
	open[0].Close()
	fourth, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer fourth.Close()
	fourth.SetDeadline(time.Now().Add(20 * time.Second))
	if status, err := get1(fourth); err != nil || status != "200 OK" {
		t.Fatalf("a connection after one closed: %q %v", status, err)
	}
}

// syncBuffer is a log destination safe for concurrent writes that tells
// of each write on wrote.
type syncBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case b.wrote <- struct{}{}:
	default:
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The pulls a daemon starts with are logged each as it ends, not all
// together once the slowest partner answered.
func TestStartUpPullsAreLoggedAsTheyEnd(t *testing.T) {
	slow := newHeldPartner(t)
	fast := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, fast.URL)
	partnertest.EditConfig(t, path, fast.URL+"/jiji", slow.URL+"/jiji")
	logs := &syncBuffer{wrote: make(chan struct{}, 1)}
	d := openTestDaemon(t, path, Options{Log: slog.New(slog.NewTextHandler(logs, nil))})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, RunOptions{}) }()
	defer func() { stop(); <-done }()
	slow.waitFor(t, "/jiji")
	// Jiji's partner is still holding its answer; nation's pull has its line.
	deadline := time.After(20 * time.Second)
	for !strings.Contains(logs.String(), "msg=fetched source=nation") {
		select {
		case <-deadline:
			t.Fatalf("nation's pull not logged while jiji's is held:\n%s", logs.String())
		case <-logs.wrote:
		}
	}
	if strings.Contains(logs.String(), "source=jiji") {
		t.Errorf("jiji logged before its partner answered:\n%s", logs.String())
	}
}
