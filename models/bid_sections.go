package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Co-authoring a bid's sections without losing anyone's work: every save
// names the version it was based on, and a save against a version that is
// no longer the latest is refused with both texts (EditConflict), never
// applied over the top. Every version is kept.

// BidSection is one section of a bid, at its latest version.
type BidSection struct {
	ID            int64
	BidID         int64
	Position      int
	Heading       string
	Body          string
	Version       int
	UpdatedBy     int64
	UpdatedByName string
	UpdatedAt     time.Time
	OpenComments  int // internal
}

// SectionVersion is one kept version of a section.
type SectionVersion struct {
	SectionID  int64
	Version    int
	Body       string
	AuthorID   int64
	AuthorName string
	CreatedAt  time.Time
}

// EditConflict is the refusal of a save made against an outdated version:
// it carries the latest version and the text that was not saved, so the
// author can merge the two. errors.Is(err, ErrConflict) holds.
type EditConflict struct {
	Current     BidSection // the latest version, with who saved it and when
	BaseVersion int        // the version the refused save was based on
	Yours       string     // the refused text
}

func (e *EditConflict) Error() string {
	return fmt.Sprintf("section %d: saved against version %d, but version %d is the latest", e.Current.ID, e.BaseVersion, e.Current.Version)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *EditConflict) Is(target error) bool { return target == ErrConflict }

// SectionTemplate is a section a new bid starts with.
type SectionTemplate struct {
	Heading, Body string
}

// BidSectionTemplate is the outline every bid starts from, with prompts
// the authors replace.
var BidSectionTemplate = []SectionTemplate{
	{"Background", "Describe the councils taking part, the services this supports and why you are buying together now.\n\n- What do you run today, and when do the current contracts end?\n- What problem are you solving for residents and staff?"},
	{"Scope", "Say what is in scope and what is not.\n\n- Services and users covered\n- Data to migrate\n- Integrations with other systems"},
	{"Essential requirements", "List what every response must meet. Number them so suppliers can answer each one.\n\n1. "},
	{"Desirable requirements", "List what you would like but could do without.\n\n1. "},
	{"Volumes", "Give the numbers a supplier needs to price: users, transactions, records, sites. Each council's own volumes are in its participant details."},
	{"Timeline", "| Stage | Date |\n|---|---|\n| Clarification questions close | |\n| Responses due | |\n| Evaluation | |\n| Award | |\n| Go-live | |"},
	{"Evaluation approach", "Explain how responses will be scored against the criteria and weights, who sits on the panel and how scores are moderated."},
	{"Commercial terms", "Set out the contract length, extension options, payment terms, the framework or procedure used, and how costs are shared between the councils."},
}

const sectionSelect = `SELECT s.id, s.bid_id, s.position, s.heading, s.body, s.version, coalesce(s.updated_by, 0),
	coalesce(u.name, ''), s.updated_at,
	(SELECT count(*) FROM bid_comments m WHERE m.section_id = s.id AND m.resolved_at IS NULL)
	FROM bid_sections s LEFT JOIN users u ON u.id = s.updated_by `

func scanSection(s interface{ Scan(...any) error }) (BidSection, error) {
	var b BidSection
	var at string
	err := s.Scan(&b.ID, &b.BidID, &b.Position, &b.Heading, &b.Body, &b.Version, &b.UpdatedBy, &b.UpdatedByName, &at, &b.OpenComments)
	if err == nil {
		b.UpdatedAt, _ = parseDBTime(at)
	}
	return b, err
}

func (db *DB) bidSections(ctx context.Context, bidID int64, internal bool) ([]BidSection, error) {
	rows, err := db.R.QueryContext(ctx, sectionSelect+`WHERE s.bid_id = ? ORDER BY s.position, s.id`, bidID)
	if err != nil {
		return nil, fmt.Errorf("sections of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []BidSection
	for rows.Next() {
		s, err := scanSection(rows)
		if err != nil {
			return nil, err
		}
		if !internal {
			s.OpenComments, s.UpdatedBy, s.UpdatedByName = 0, 0, ""
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func loadSection(ctx context.Context, q queryer, bidID, sectionID int64) (BidSection, error) {
	s, err := scanSection(q.QueryRowContext(ctx, sectionSelect+`WHERE s.id = ? AND s.bid_id = ?`, sectionID, bidID))
	if err != nil {
		return s, notFound(err, fmt.Sprintf("section %d of bid %d", sectionID, bidID))
	}
	return s, nil
}

// BidSection is one section of bid bidID as viewer may see it.
func (db *DB) BidSection(ctx context.Context, viewer User, bidID, sectionID int64) (BidSection, error) {
	_, _, a, err := accessFor(ctx, db.R, viewer, bidID)
	if err != nil {
		return BidSection{}, err
	}
	s, err := loadSection(ctx, db.R, bidID, sectionID)
	if err == nil && !a.Internal {
		s.OpenComments, s.UpdatedBy, s.UpdatedByName = 0, 0, ""
	}
	return s, err
}

// SaveSection saves body as the next version of a section, if baseVersion
// (the version the author started from) is still the latest. Otherwise it
// saves nothing and returns an *EditConflict with both texts. A save
// that changes nothing adds no version. A real change clears every
// sign-off.
func (db *DB) SaveSection(ctx context.Context, actor User, bidID, sectionID int64, body string, baseVersion int) (BidSection, error) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if n := utf8.RuneCountInString(body); n > MaxSectionBody {
		return BidSection{}, &ValidationError{Fields: []FieldError{{"body", fmt.Sprintf("Section must be %d characters or fewer; it is %d", MaxSectionBody, n)}}}
	}
	if baseVersion < 1 {
		return BidSection{}, &ValidationError{Fields: []FieldError{{"base_version", "Say which version of the section you started from"}}}
	}
	var saved BidSection
	var conflict *EditConflict
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, _, err := editableBid(ctx, tx, actor, bidID); err != nil {
			return err
		}
		cur, err := loadSection(ctx, tx, bidID, sectionID)
		if err != nil {
			return err
		}
		if cur.Version != baseVersion {
			conflict = &EditConflict{Current: cur, BaseVersion: baseVersion, Yours: body}
			return nil
		}
		if cur.Body == body {
			saved = cur
			return nil
		}
		now := dbTime(db.now())
		next := cur.Version + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_section_versions (section_id, version, body, author_id, created_at)
			VALUES (?, ?, ?, ?, ?)`, sectionID, next, body, actor.ID, now); err != nil {
			return fmt.Errorf("save section %d: %w", sectionID, err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE bid_sections SET body = ?, version = ?, updated_by = ?, updated_at = ?
			WHERE id = ? AND version = ?`, body, next, actor.ID, now, sectionID, cur.Version)
		if err != nil {
			return fmt.Errorf("save section %d: %w", sectionID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("save section %d: %w", sectionID, ErrConflict)
		}
		if err := db.bidEdited(ctx, tx, actor, bidID, "section", fmt.Sprintf("edited “%s” (version %d)", cur.Heading, next), sectionID); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.section.save", "bid", fmt.Sprint(bidID),
			map[string]any{"section_id": sectionID, "version": next}); err != nil {
			return err
		}
		saved, err = loadSection(ctx, tx, bidID, sectionID)
		return err
	})
	if err != nil {
		return BidSection{}, err
	}
	if conflict != nil {
		return conflict.Current, conflict
	}
	return saved, nil
}

// AddSection adds a section at the end of a bid, with its first version.
func (db *DB) AddSection(ctx context.Context, actor User, bidID int64, heading string) (BidSection, error) {
	heading = strings.TrimSpace(heading)
	verr := &ValidationError{}
	switch n := utf8.RuneCountInString(heading); {
	case n == 0:
		verr.Add("heading", "Enter a heading for the section")
	case n > MaxSectionHeading:
		verr.Add("heading", fmt.Sprintf("Heading must be %d characters or fewer", MaxSectionHeading))
	}
	if err := verr.Err(); err != nil {
		return BidSection{}, err
	}
	var s BidSection
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, _, err := editableBid(ctx, tx, actor, bidID); err != nil {
			return err
		}
		var count, last int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(position), 0) FROM bid_sections WHERE bid_id = ?`, bidID).
			Scan(&count, &last); err != nil {
			return err
		}
		if count >= MaxBidSections {
			return &ValidationError{Fields: []FieldError{{"heading", fmt.Sprintf("A bid can have at most %d sections", MaxBidSections)}}}
		}
		id, err := insertSection(ctx, tx, bidID, last+1, heading, "", actor.ID, dbTime(db.now()))
		if err != nil {
			return err
		}
		if err := db.bidEdited(ctx, tx, actor, bidID, "section", fmt.Sprintf("added the section “%s”", heading), id); err != nil {
			return err
		}
		s, err = loadSection(ctx, tx, bidID, id)
		return err
	})
	return s, err
}

func insertSection(ctx context.Context, tx *sql.Tx, bidID int64, position int, heading, body string, authorID int64, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO bid_sections (bid_id, position, heading, body, version, updated_by, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id`, bidID, position, heading, body, authorID, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add section: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO bid_section_versions (section_id, version, body, author_id, created_at)
		VALUES (?, 1, ?, ?, ?)`, id, body, authorID, now)
	if err != nil {
		return 0, fmt.Errorf("add section: %w", err)
	}
	return id, nil
}

// MoveSection moves a section one place up (delta -1) or down (+1).
// Order is part of the text signed off, so a move clears sign-offs.
func (db *DB) MoveSection(ctx context.Context, actor User, bidID, sectionID int64, delta int) error {
	if delta != -1 && delta != 1 {
		return &ValidationError{Fields: []FieldError{{"direction", "Choose up or down"}}}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, _, err := editableBid(ctx, tx, actor, bidID); err != nil {
			return err
		}
		s, err := loadSection(ctx, tx, bidID, sectionID)
		if err != nil {
			return err
		}
		cmp, order := `<`, `DESC`
		if delta > 0 {
			cmp, order = `>`, `ASC`
		}
		var otherID int64
		var otherPos int
		err = tx.QueryRowContext(ctx, `SELECT id, position FROM bid_sections WHERE bid_id = ? AND position `+cmp+` ?
			ORDER BY position `+order+` LIMIT 1`, bidID, s.Position).Scan(&otherID, &otherPos)
		if isNoRows(err) {
			return nil // already first or last
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bid_sections SET position = CASE id WHEN ? THEN ? ELSE ? END
			WHERE id IN (?, ?)`, sectionID, otherPos, s.Position, sectionID, otherID); err != nil {
			return fmt.Errorf("move section: %w", err)
		}
		word := "up"
		if delta > 0 {
			word = "down"
		}
		return db.bidEdited(ctx, tx, actor, bidID, "section", fmt.Sprintf("moved “%s” %s", s.Heading, word), sectionID)
	})
}

// SectionVersions lists every version of a section, newest first, for the
// councils' side of the bid.
func (db *DB) SectionVersions(ctx context.Context, viewer User, bidID, sectionID int64) ([]SectionVersion, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return nil, err
	}
	if _, err := loadSection(ctx, db.R, bidID, sectionID); err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT v.section_id, v.version, v.body, coalesce(v.author_id, 0), coalesce(u.name, ''), v.created_at
		FROM bid_section_versions v LEFT JOIN users u ON u.id = v.author_id
		WHERE v.section_id = ? ORDER BY v.version DESC`, sectionID)
	if err != nil {
		return nil, fmt.Errorf("versions of section %d: %w", sectionID, err)
	}
	defer rows.Close()
	var out []SectionVersion
	for rows.Next() {
		var v SectionVersion
		var at string
		if err := rows.Scan(&v.SectionID, &v.Version, &v.Body, &v.AuthorID, &v.AuthorName, &at); err != nil {
			return nil, err
		}
		v.CreatedAt, _ = parseDBTime(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// requireInternal is ErrNotFound unless viewer may see the councils' side
// of bid id (comments, versions, activity).
func (db *DB) requireInternal(ctx context.Context, viewer User, bidID int64) error {
	_, _, a, err := accessFor(ctx, db.R, viewer, bidID)
	if err != nil {
		return err
	}
	if !a.Internal {
		return bidNotFound(bidID)
	}
	return nil
}

// Comment is a remark on a section by someone on the councils' side.
type Comment struct {
	ID            int64
	SectionID     int64
	AuthorID      int64
	AuthorName    string
	AuthorGSS     string
	AuthorCouncil string
	Body          string
	CreatedAt     time.Time
	ResolvedBy    string
	ResolvedAt    time.Time
}

// Resolved reports whether the comment has been dealt with.
func (c Comment) Resolved() bool { return !c.ResolvedAt.IsZero() }

// SectionComments lists a section's comments, oldest first.
func (db *DB) SectionComments(ctx context.Context, viewer User, bidID, sectionID int64) ([]Comment, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return nil, err
	}
	if _, err := loadSection(ctx, db.R, bidID, sectionID); err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT m.id, m.section_id, m.author_id, a.name, coalesce(a.council_gss, ''),
		coalesce(c.name, ''), m.body, m.created_at, coalesce(r.name, ''), coalesce(m.resolved_at, '')
		FROM bid_comments m JOIN users a ON a.id = m.author_id LEFT JOIN councils c ON c.gss_code = a.council_gss
		LEFT JOIN users r ON r.id = m.resolved_by
		WHERE m.section_id = ? ORDER BY m.created_at, m.id`, sectionID)
	if err != nil {
		return nil, fmt.Errorf("comments on section %d: %w", sectionID, err)
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var at, resolved string
		if err := rows.Scan(&c.ID, &c.SectionID, &c.AuthorID, &c.AuthorName, &c.AuthorGSS, &c.AuthorCouncil,
			&c.Body, &at, &c.ResolvedBy, &resolved); err != nil {
			return nil, err
		}
		c.CreatedAt, _ = parseDBTime(at)
		c.ResolvedAt, _ = parseDBTime(resolved)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CommentSection is the section that comment commentID of bid bidID is
// on, for the councils' side of the bid only: ErrNotFound otherwise, as
// for a comment that does not exist.
func (db *DB) CommentSection(ctx context.Context, viewer User, bidID, commentID int64) (int64, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return 0, err
	}
	var sectionID int64
	err := db.R.QueryRowContext(ctx, `SELECT m.section_id FROM bid_comments m
		JOIN bid_sections s ON s.id = m.section_id WHERE m.id = ? AND s.bid_id = ?`, commentID, bidID).Scan(&sectionID)
	if err != nil {
		return 0, notFound(err, fmt.Sprintf("comment %d of bid %d", commentID, bidID))
	}
	return sectionID, nil
}

// commentRefusal is why viewer, whose access to bid h is a, may not
// comment on its sections or resolve comments, or nil when they may: an
// officer of an accepted participant may, while the bid is neither
// cancelled nor awarded. Comments are not edits: they continue after
// publishing, among the councils, and never clear a sign-off.
func commentRefusal(h bidHead, a BidAccess, viewer User) error {
	if !a.Internal || viewer.Role != RoleOfficer || a.Invited {
		return fmt.Errorf("comment on bid %d: %w", h.ID, ErrForbidden)
	}
	if h.Status == BidCancelled || h.Status == BidAwarded {
		return errNotEditable(h, a)
	}
	return nil
}

// commenter checks, inside tx, that actor may comment on bid bidID.
func commenter(ctx context.Context, tx *sql.Tx, actor User, bidID int64) error {
	h, _, a, err := accessFor(ctx, tx, actor, bidID)
	if err != nil {
		return err
	}
	return commentRefusal(h, a, actor)
}

// MayComment reports whether viewer may comment on bid b's sections and
// resolve comments: AddComment's own rule (commentRefusal), for pages
// that offer the form.
func (b Bid) MayComment(viewer User) bool {
	return commentRefusal(b.head(), b.Access, viewer) == nil
}

// AddComment adds a comment to a section.
func (db *DB) AddComment(ctx context.Context, actor User, bidID, sectionID int64, body string) (Comment, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	verr := &ValidationError{}
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		verr.Add("comment", "Enter a comment")
	case n > MaxBidComment:
		verr.Add("comment", fmt.Sprintf("Comment must be %d characters or fewer", MaxBidComment))
	}
	if err := verr.Err(); err != nil {
		return Comment{}, err
	}
	var id int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := commenter(ctx, tx, actor, bidID); err != nil {
			return err
		}
		s, err := loadSection(ctx, tx, bidID, sectionID)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO bid_comments (section_id, author_id, body, created_at)
			VALUES (?, ?, ?, ?) RETURNING id`, sectionID, actor.ID, body, dbTime(db.now())).Scan(&id); err != nil {
			return fmt.Errorf("add comment: %w", err)
		}
		return db.bidActivity(ctx, tx, actor, bidID, "comment", fmt.Sprintf("commented on “%s”", s.Heading), sectionID)
	})
	if err != nil {
		return Comment{}, err
	}
	cs, err := db.SectionComments(ctx, actor, bidID, sectionID)
	for _, c := range cs {
		if c.ID == id {
			return c, nil
		}
	}
	return Comment{}, err
}

// ResolveComment marks a comment as dealt with. Resolving twice is harmless.
func (db *DB) ResolveComment(ctx context.Context, actor User, bidID, commentID int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := commenter(ctx, tx, actor, bidID); err != nil {
			return err
		}
		var sectionID int64
		var heading string
		var resolved sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT m.section_id, s.heading, m.resolved_at FROM bid_comments m
			JOIN bid_sections s ON s.id = m.section_id WHERE m.id = ? AND s.bid_id = ?`, commentID, bidID).
			Scan(&sectionID, &heading, &resolved)
		if err != nil {
			return notFound(err, fmt.Sprintf("comment %d", commentID))
		}
		if resolved.Valid {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bid_comments SET resolved_by = ?, resolved_at = ? WHERE id = ?`,
			actor.ID, dbTime(db.now()), commentID); err != nil {
			return fmt.Errorf("resolve comment: %w", err)
		}
		return db.bidActivity(ctx, tx, actor, bidID, "comment", fmt.Sprintf("resolved a comment on “%s”", heading), sectionID)
	})
}
