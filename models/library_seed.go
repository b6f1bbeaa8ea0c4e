package models

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// SeedLibrary loads the starter library shipped in data/library: each
// library/*.md file (front matter, then Markdown) becomes a published item
// of the CIO council, and library/glossary.csv fills the glossary. Items
// already loaded (by slug) and terms already present are left alone, so
// seeding again changes nothing.
func (db *DB) SeedLibrary(ctx context.Context, lib fs.FS) error {
	files, err := fs.Glob(lib, "library/*.md")
	if err != nil {
		return err
	}
	for _, f := range files {
		b, err := fs.ReadFile(lib, f)
		if err != nil {
			return err
		}
		slug, reviewMonths, in, err := parseStarterItem(string(b))
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if slug == "" {
			slug = strings.TrimSuffix(path.Base(f), ".md")
		}
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM library_items WHERE slug = ?`, slug).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		in.ReviewDate = DateOf(db.now()).AddMonths(reviewMonths)
		id, err := db.createLibraryItem(ctx, System, in, 0, slug)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		now := dbTime(db.now())
		if _, err := db.W.ExecContext(ctx, `UPDATE library_items SET status = 'published', published_version = version,
			published_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
	}
	return db.seedGlossary(ctx, lib)
}

func (db *DB) seedGlossary(ctx context.Context, lib fs.FS) error {
	f, err := lib.Open("library/glossary.csv")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil || len(header) < 2 || header[0] != "term" || header[1] != "definition" {
		return fmt.Errorf("library/glossary.csv: the first line must be term,definition")
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("library/glossary.csv: %w", err)
		}
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM glossary_terms WHERE term = ? COLLATE NOCASE`, rec[0]).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := db.SaveGlossaryTerm(ctx, System, 0, rec[0], rec[1]); err != nil {
			return fmt.Errorf("library/glossary.csv: %q: %w", rec[0], err)
		}
	}
}

// parseStarterItem reads a starter file: a front matter block between
// lines of "---" holding "key: value" lines, then the Markdown body.
func parseStarterItem(text string) (slug string, reviewMonths int, in LibraryInput, err error) {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != "---" {
		return "", 0, in, errors.New("no front matter: the file must start with ---")
	}
	reviewMonths = DefaultReviewMonths
	closed := false
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "---" {
			closed = true
			break
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if i := strings.Index(value, " #"); i >= 0 {
			value = value[:i]
		}
		value = strings.TrimSpace(value)
		switch strings.TrimSpace(key) {
		case "slug":
			slug = value
		case "kind":
			in.Kind = value
		case "title":
			in.Title = value
		case "summary":
			in.Summary = value
		case "audience":
			in.Audience = value
		case "tags":
			in.Tags = ParseTags(value)
		case "categories":
			for _, c := range strings.Split(value, ",") {
				if c = strings.TrimSpace(c); c != "" {
					in.Categories = append(in.Categories, c)
				}
			}
		case "review_months":
			if reviewMonths, err = strconv.Atoi(value); err != nil {
				return "", 0, in, fmt.Errorf("review_months %q is not a number", value)
			}
		}
	}
	if !closed {
		return "", 0, in, errors.New("front matter is not closed with ---")
	}
	var body strings.Builder
	for sc.Scan() {
		body.WriteString(sc.Text())
		body.WriteByte('\n')
	}
	in.Body = strings.TrimSpace(body.String()) + "\n"
	return slug, reviewMonths, in, sc.Err()
}
