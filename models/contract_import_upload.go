package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// An import is checked (a dry run, shown as a preview) before it is
// confirmed, and the file must not be uploaded twice, so it is kept in
// between: under the data folder beside the database, in "imports", as
// runtime state like the outbox. Each upload is two files named by a
// random token: the bytes, and a small JSON record binding them to the
// user and council that uploaded them. An upload is read back only by
// the same user for the same council, within ImportUploadLifetime; older
// ones are removed whenever another is kept, and each is removed once
// imported.

// ImportUploadLifetime is how long an upload waits for its confirmation.
const ImportUploadLifetime = time.Hour

// ImportUpload is a file kept between an import's preview and its
// confirmation.
type ImportUpload struct {
	Token      string
	UserID     int64
	CouncilGSS string
	FileName   string
	Data       []byte
	CreatedAt  time.Time
}

type importUploadRecord struct {
	UserID     int64     `json:"user_id"`
	CouncilGSS string    `json:"council_gss"`
	FileName   string    `json:"file_name"`
	CreatedAt  time.Time `json:"created_at"`
	SHA256     string    `json:"sha256"`
}

var uploadToken = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (db *DB) importUploadDir() string { return filepath.Join(filepath.Dir(db.path), "imports") }

// KeepImportUpload keeps a file for actor's import into gss's register
// and returns the token that finds it again.
func (db *DB) KeepImportUpload(ctx context.Context, actor User, gss, fileName string, data []byte) (string, error) {
	if !CanEditRegister(actor, gss) {
		return "", fmt.Errorf("upload contracts for %s: %w", gss, ErrForbidden)
	}
	if _, err := db.CouncilByGSS(ctx, gss); err != nil {
		return "", err
	}
	dir := db.importUploadDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("import uploads folder: %w", err)
	}
	db.sweepImportUploads()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	sum := sha256.Sum256(data)
	rec, err := json.Marshal(importUploadRecord{
		UserID: actor.ID, CouncilGSS: gss, FileName: filepath.Base(strings.ReplaceAll(fileName, `\`, "/")),
		CreatedAt: db.now(), SHA256: hex.EncodeToString(sum[:]),
	})
	if err != nil {
		return "", err
	}
	// The data first: a record without its data is never found.
	if err := writeFileAtomic(filepath.Join(dir, token+".upload"), data); err != nil {
		return "", err
	}
	if err := writeFileAtomic(filepath.Join(dir, token+".json"), rec); err != nil {
		_ = os.Remove(filepath.Join(dir, token+".upload"))
		return "", err
	}
	return token, nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("keep upload: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("keep upload: %w", err)
	}
	return nil
}

// ImportUploadFor returns the file kept under token, if actor kept it for
// gss within the lifetime; ErrNotFound otherwise.
func (db *DB) ImportUploadFor(ctx context.Context, actor User, gss, token string) (ImportUpload, error) {
	notFound := fmt.Errorf("import upload: %w", ErrNotFound)
	if !uploadToken.MatchString(token) {
		return ImportUpload{}, notFound
	}
	base := filepath.Join(db.importUploadDir(), token)
	b, err := os.ReadFile(base + ".json") // #nosec G304 -- token matched uploadToken (hex) above: no path separators
	if errors.Is(err, os.ErrNotExist) {
		return ImportUpload{}, notFound
	}
	if err != nil {
		return ImportUpload{}, fmt.Errorf("import upload: %w", err)
	}
	var rec importUploadRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return ImportUpload{}, notFound
	}
	if rec.UserID != actor.ID || rec.CouncilGSS != gss {
		return ImportUpload{}, notFound
	}
	if db.now().Sub(rec.CreatedAt) > ImportUploadLifetime {
		db.DropImportUpload(token)
		return ImportUpload{}, notFound
	}
	data, err := os.ReadFile(base + ".upload") // #nosec G304 -- token matched uploadToken (hex) above: no path separators
	if err != nil {
		return ImportUpload{}, notFound
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != rec.SHA256 {
		return ImportUpload{}, notFound
	}
	return ImportUpload{Token: token, UserID: rec.UserID, CouncilGSS: rec.CouncilGSS, FileName: rec.FileName, Data: data, CreatedAt: rec.CreatedAt}, nil
}

// DropImportUpload removes a kept file.
func (db *DB) DropImportUpload(token string) {
	if !uploadToken.MatchString(token) {
		return
	}
	base := filepath.Join(db.importUploadDir(), token)
	_ = os.Remove(base + ".json")
	_ = os.Remove(base + ".upload")
}

// sweepImportUploads removes uploads past their lifetime, and any file
// left half-written.
func (db *DB) sweepImportUploads() {
	dir := db.importUploadDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	now := db.now()
	for _, e := range entries {
		name := e.Name()
		token, ext, _ := strings.Cut(name, ".")
		switch ext {
		case "json":
			var rec importUploadRecord
			b, err := os.ReadFile(filepath.Join(dir, name)) // #nosec G304 -- a file name listed from the uploads folder itself
			if err != nil || json.Unmarshal(b, &rec) != nil || now.Sub(rec.CreatedAt) > ImportUploadLifetime {
				db.DropImportUpload(token)
			}
		case "upload", "upload.tmp", "json.tmp":
			if _, err := os.Stat(filepath.Join(dir, token+".json")); errors.Is(err, os.ErrNotExist) {
				if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > ImportUploadLifetime {
					_ = os.Remove(filepath.Join(dir, name))
				}
			}
		}
	}
}
