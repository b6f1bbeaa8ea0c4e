package mailer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// FileTransport writes each message as an RFC 5322 .eml file in Dir: where
// mail goes until an SMTP server is configured, and what the administrator
// and the tests can read.
type FileTransport struct{ Dir string }

func (f FileTransport) String() string { return "folder " + f.Dir }

// Deliver writes each message atomically (a temporary file, then a rename),
// so a reader never sees half an email. The file is named by the message's
// creation time and outbox row, so delivering it again (after a crash
// between the write and the mark) replaces it rather than adding a second.
func (f FileTransport) Deliver(ctx context.Context, batch []Envelope, done func(int, string, error)) error {
	if err := os.MkdirAll(f.Dir, 0o750); err != nil {
		return fmt.Errorf("outbox folder: %w", err)
	}
	for i, e := range batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := fmt.Sprintf("%s-%010d.eml", e.Created.UTC().Format("20060102T150405.000000Z"), e.ID)
		path := filepath.Join(f.Dir, name)
		err := writeAtomically(path, e)
		if err != nil {
			return err // a full disc, a missing folder: nothing else would go either
		}
		done(i, path, nil)
	}
	return nil
}

func writeAtomically(path string, e Envelope) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if _, err := e.Msg.WriteTo(tmp); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("outbox: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("outbox: %w", err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("outbox: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}
