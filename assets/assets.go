// Package assets serves Jointly's CSS, JavaScript and images from the
// binary under content-hashed URLs, so browsers may cache them forever.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// The dist folder is built by `make assets` (Sass and GOV.UK Frontend from
// npm); js and images are written by hand.
//
//go:embed dist/*.css dist/*.js js images
var files embed.FS

// Prefix is where assets are served.
const Prefix = "/assets/"

type asset struct {
	body        []byte
	contentType string
	hashedName  string
}

// Assets maps each file to its content-hashed URL.
type Assets struct {
	byName   map[string]*asset // "dist/app.css"
	byHashed map[string]*asset // "dist/app.1a2b3c4d5e6f.css"
}

// New reads and hashes the embedded files.
func New() (*Assets, error) {
	a := &Assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(p)
		hashed := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		e := &asset{body: body, contentType: ct, hashedName: hashed}
		a.byName[p] = e
		a.byHashed[hashed] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, required := range []string{"dist/app.css", "dist/govuk-frontend.js", "js/app.js"} {
		if _, ok := a.byName[required]; !ok {
			return nil, fmt.Errorf("asset %s is missing: run make assets", required)
		}
	}
	return a, nil
}

// URL returns the content-hashed URL of a file, such as
// "/assets/dist/app.1a2b3c4d5e6f.css". An unknown name is a programming
// error, reported when templates are checked at start-up.
func (a *Assets) URL(name string) (string, error) {
	e, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return Prefix + e.hashedName, nil
}

// ServeHTTP serves a hashed asset with a year-long immutable cache. The
// path is relative to Prefix.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e, ok := a.byHashed[strings.TrimPrefix(r.URL.Path, Prefix)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", e.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(e.body)
}
