//go:build linux

package store

import (
	"path/filepath"
	"testing"
)

// Two processes on one database are two open lock files: each source can
// be held by one of them at a time, and a release frees it for the other.
func TestFileSourceLockKeepsOneHolderPerSource(t *testing.T) {
	db := filepath.Join(t.TempDir(), "wirefeed.db")
	first, err := OpenFileSourceLock(db)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := OpenFileSourceLock(db)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()

	_, unlock, ok, err := first.TryLockSource(t.Context(), "nation")
	if err != nil || !ok {
		t.Fatalf("first lock of nation: %v %v", ok, err)
	}
	if _, _, ok, err := second.TryLockSource(t.Context(), "nation"); err != nil || ok {
		t.Fatalf("nation locked twice: %v %v", ok, err)
	}
	_, other, ok, err := second.TryLockSource(t.Context(), "jiji")
	if err != nil || !ok {
		t.Fatalf("jiji refused while only nation is held: %v %v", ok, err)
	}
	other()
	unlock()
	_, again, ok, err := second.TryLockSource(t.Context(), "nation")
	if err != nil || !ok {
		t.Fatalf("nation still held after its release: %v %v", ok, err)
	}
	again()
	// A holder that goes away (a process that died) leaves nothing held.
	if _, _, ok, _ := first.TryLockSource(t.Context(), "jiji"); !ok {
		t.Fatal("jiji refused")
	}
	first.Close()
	if _, unlock, ok, _ := second.TryLockSource(t.Context(), "jiji"); !ok {
		t.Error("a closed holder's lock is still held")
	} else {
		unlock()
	}
}
