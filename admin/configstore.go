package admin

import (
	"context"

	"wirefeed/config"
)

// ConfigStore is where the site's config document lives. Save validates
// the document as the daemon would load it and refuses, with
// config.ErrChangedMeanwhile, one read before another change was saved.
type ConfigStore interface {
	Read(ctx context.Context) (*config.Document, error)
	Save(ctx context.Context, doc *config.Document, author string) error
}

// FileConfig is the config file at path as a ConfigStore.
type FileConfig string

// Read reads the file for editing.
func (f FileConfig) Read(context.Context) (*config.Document, error) {
	return config.ReadDocument(string(f))
}

// Save writes the document back to the file (see config.Document.Save).
func (f FileConfig) Save(_ context.Context, doc *config.Document, _ string) error {
	_, err := doc.Save()
	return err
}
