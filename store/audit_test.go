package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAuditLogAndEditors(t *testing.T) {
	s, _ := openTestDB(t)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i, action := range []string{"pause source", "resume source"} {
		if err := s.AddAudit(ctx, AuditRecord{At: t0.Add(time.Duration(i) * time.Minute), Actor: "somchai",
			Action: action, Target: "nation", Before: `{"id":"nation"}`, After: `{"id":"nation","paused":true}`}); err != nil {
			t.Fatal(err)
		}
	}
	log, err := s.AuditLog(ctx, 10)
	if err != nil || len(log) != 2 {
		t.Fatalf("audit log = %+v, %v", log, err)
	}
	if log[0].Action != "resume source" || log[1].Actor != "somchai" || !log[1].At.Equal(t0) || log[1].After == "" {
		t.Fatalf("audit log, newest first: %+v", log)
	}
	if err := s.AddEditor(ctx, "somchai", "hash1", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.AddEditor(ctx, "somchai", "hash2", t0); !errors.Is(err, ErrEditorExists) {
		t.Fatalf("second editor of one name: %v", err)
	}
	if h, err := s.EditorPasswordHash(ctx, "somchai"); err != nil || h != "hash1" {
		t.Fatalf("hash = %q, %v", h, err)
	}
	if _, err := s.EditorPasswordHash(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown editor: %v", err)
	}
}
