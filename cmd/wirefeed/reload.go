package main

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// configPollInterval is how often the config file is checked for changes.
// Polling the file's contents, unlike watching its inode, survives editors
// and deploy tools that replace the file rather than rewrite it.
const configPollInterval = 2 * time.Second

// watchReloads returns a channel that receives a value on SIGHUP and when
// the file at path changes, until ctx is done or stop is called.
func watchReloads(ctx context.Context, path string, log *slog.Logger) (reloads <-chan struct{}, stop func()) {
	ch := make(chan struct{}, 1)
	request := func() {
		select {
		case ch <- struct{}{}:
		default: // one pending reload covers any number of changes
		}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	w := newFileWatch(path)
	ticker := time.NewTicker(configPollInterval)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				log.Info("SIGHUP: reloading config", "path", path)
				request()
			case <-ticker.C:
				if w.changed() {
					log.Info("config file changed: reloading", "path", path)
					request()
				}
			}
		}
	}()
	return ch, func() { signal.Stop(hup); cancel() }
}

// fileWatch notices when a file's contents change.
type fileWatch struct {
	path    string
	modTime time.Time
	size    int64
	sum     [sha256.Size]byte
}

func newFileWatch(path string) *fileWatch {
	w := &fileWatch{path: path}
	w.changed()
	return w
}

// changed reports whether the file differs from when last looked at. A file
// that cannot be read counts as unchanged: the running config stays.
func (w *fileWatch) changed() bool {
	info, err := os.Stat(w.path)
	if err != nil || (info.ModTime().Equal(w.modTime) && info.Size() == w.size) {
		return false
	}
	data, err := os.ReadFile(w.path)
	if err != nil {
		return false
	}
	w.modTime, w.size = info.ModTime(), info.Size()
	sum := sha256.Sum256(data)
	if sum == w.sum {
		return false
	}
	w.sum = sum
	return true
}
