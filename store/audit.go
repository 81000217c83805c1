package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// AuditRecord is one change editors made, as the audit log keeps it: who,
// when, what, and the entry changed as JSON before and after.
type AuditRecord struct {
	ID     int64
	At     time.Time
	Actor  string
	Action string
	Target string
	Before string
	After  string
}

// AddAudit appends a record to the audit log.
func (s *Store) AddAudit(ctx context.Context, r AuditRecord) error {
	err := s.db.WithContext(ctx).Exec("INSERT INTO audit_log (at, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)",
		r.At.UTC().Truncate(time.Second), storable(r.Actor), storable(r.Action), storable(r.Target),
		storable(r.Before), storable(r.After)).Error
	if err != nil {
		return fmt.Errorf("store: audit %s %s: %w", r.Action, r.Target, err)
	}
	return nil
}

// AuditLog returns the newest limit records of the audit log, newest
// first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditRecord, error) {
	var rows []AuditRecord
	err := s.db.WithContext(ctx).Raw("SELECT id, at, actor, action, target, before, after FROM audit_log ORDER BY id DESC LIMIT ?", limit).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: read audit log: %w", err)
	}
	for i := range rows {
		rows[i].At = rows[i].At.UTC()
	}
	return rows, nil
}

// ErrEditorExists refuses an editor account whose name is taken.
var ErrEditorExists = errors.New("an editor of that name exists")

// AddEditor creates an editor account with its password hash.
func (s *Store) AddEditor(ctx context.Context, name, passwordHash string, now time.Time) error {
	verb, tail := s.sql.insertIgnoring()
	res := s.db.WithContext(ctx).Exec(verb+"editors (name, password_hash, created_at) VALUES (?, ?, ?)"+tail,
		storable(name), passwordHash, now.UTC().Truncate(time.Second))
	if res.Error != nil {
		return fmt.Errorf("store: add editor %s: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: add editor %s: %w", name, ErrEditorExists)
	}
	return nil
}

// EditorPasswordHash returns the password hash of the named editor, or
// ErrNotFound.
func (s *Store) EditorPasswordHash(ctx context.Context, name string) (string, error) {
	var hashes []string
	err := s.db.WithContext(ctx).Raw("SELECT password_hash FROM editors WHERE name = ?", name).Scan(&hashes).Error
	if err != nil {
		return "", fmt.Errorf("store: editor %s: %w", name, err)
	}
	if len(hashes) == 0 {
		return "", fmt.Errorf("store: editor %s: %w", name, ErrNotFound)
	}
	return hashes[0], nil
}
