// Package templates holds Jointly's html/template files and renders them.
// Each page is its own template set (the base layout and partials, cloned,
// plus the page), all parsed and checked at start-up.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
)

//go:embed layouts/*.html partials/*.html pages/*.html
var files embed.FS

// Renderer renders named pages.
type Renderer struct {
	pages map[string]*template.Template
}

// New parses every page with the layout, the partials and funcs.
func New(funcs template.FuncMap) (*Renderer, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(files, "layouts/*.html", "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages, err := fs.Glob(files, "pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}}
	for _, p := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(files, p); err != nil {
			return nil, fmt.Errorf("parse %s: %w", p, err)
		}
		name := strings.TrimSuffix(path.Base(p), ".html")
		if t.Lookup("content") == nil || t.Lookup("title") == nil {
			return nil, fmt.Errorf("%s must define \"title\" and \"content\"", p)
		}
		r.pages[name] = t
	}
	return r, nil
}

// Has reports whether a page exists.
func (r *Renderer) Has(page string) bool {
	_, ok := r.pages[page]
	return ok
}

// Render writes a page. It renders into a buffer first, so a template error
// never sends half a page.
func (r *Renderer) Render(w io.Writer, page string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	_, err := buf.WriteTo(w)
	return err
}
