package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The library: playbooks, councillor briefings, templates and case
// studies. An item is written in Markdown by a council's officers (or the
// CIO council's administrators), goes draft → in review → published with
// the approval of a second person, and keeps every version. Readers see
// the last approved version, so an author's later edit never hides a
// published item. A council can adopt an item as it stands, or adapt it
// into a draft of its own (lineage is shown both ways).

// Library kinds.
const (
	KindPlaybook  = "playbook"
	KindBriefing  = "briefing"
	KindTemplate  = "template"
	KindCaseStudy = "case_study"
)

// LibraryKinds lists the kinds in the order pages offer them.
var LibraryKinds = []string{KindPlaybook, KindBriefing, KindTemplate, KindCaseStudy}

// KindLabel is a kind in words.
func KindLabel(k string) string {
	switch k {
	case KindPlaybook:
		return "Playbook"
	case KindBriefing:
		return "Councillor briefing"
	case KindTemplate:
		return "Template"
	case KindCaseStudy:
		return "Case study"
	}
	return k
}

// Audiences.
const (
	AudienceOfficers    = "officers"
	AudienceCouncillors = "councillors"
	AudienceSuppliers   = "suppliers"
	AudienceEveryone    = "everyone"
)

// Audiences lists the audiences in the order pages offer them.
var Audiences = []string{AudienceOfficers, AudienceCouncillors, AudienceSuppliers, AudienceEveryone}

// Library statuses: the state of an item's latest version.
const (
	LibraryDraft     = "draft"
	LibraryInReview  = "in_review"
	LibraryPublished = "published"
)

// Limits.
const (
	MaxLibraryTitle   = 200
	MaxLibrarySummary = 1000
	MaxLibraryBody    = 200000
	MaxLibraryTags    = 20
	// DefaultReviewMonths is how long a published item stands before it
	// is due for review, unless its authors choose a date.
	DefaultReviewMonths = 12
)

// LibraryItem is an item as one viewer may see it: Body, Title and
// Summary are the version that viewer reads (the published one for
// readers, the latest for those who may edit).
type LibraryItem struct {
	ID               int64
	Slug             string
	Kind             string
	Title            string
	Summary          string
	Body             string
	Audience         string
	CouncilGSS       string // "" for the CIO council's own items
	CouncilName      string
	Status           string
	Version          int // the version shown
	LatestVersion    int
	PublishedVersion int // 0 until first approved
	ReviewDate       Date
	AdaptedFrom      int64
	AdaptedFromTitle string
	Tags             []string
	Categories       []string
	UpdatedAt        time.Time
	UpdatedByName    string
	SubmittedByID    int64
	SubmittedByName  string
	ApprovedByName   string
	PublishedAt      time.Time
	Access           LibraryAccess
}

// Published reports whether readers can see the item.
func (it LibraryItem) Published() bool { return it.PublishedVersion > 0 }

// DueForReview reports whether the item's review date has passed on today.
func (it LibraryItem) DueForReview(today Date) bool {
	return it.Published() && !it.ReviewDate.IsZero() && it.ReviewDate.Before(today)
}

// ReadingMinutes is how long the item takes to read at 200 words a
// minute, at least one.
func (it LibraryItem) ReadingMinutes() int {
	return max(1, (len(strings.Fields(it.Body))+199)/200)
}

// LibraryAccess is what one viewer may do with one item.
type LibraryAccess struct {
	Read    bool // may know it exists and read it
	Edit    bool // an author: may change it, submit it, see every version
	Approve bool // may approve it now: in review, and not its submitter
	Adopt   bool // an officer of a council may adopt or adapt it
}

// libraryAccess is the one place the library's visibility rule lives:
// a published item is for its audience (officers and administrators read
// everything published); a draft is for its authors (the officers of its
// council, or administrators for the CIO council's items); an item in
// review is open to every officer and administrator, who review it.
func libraryAccess(viewer User, councilGSS, audience, status string, published bool, submittedBy int64) LibraryAccess {
	var a LibraryAccess
	author := (councilGSS != "" && viewer.Role == RoleOfficer && viewer.CouncilGSS == councilGSS) ||
		(councilGSS == "" && viewer.Role == RoleAdmin)
	reviewer := viewer.Role == RoleOfficer || viewer.Role == RoleAdmin
	if published {
		a.Read = audienceIncludes(audience, viewer.Role)
	}
	if author {
		a.Read, a.Edit = true, true
	}
	if status == LibraryInReview && reviewer {
		a.Read = true
		a.Approve = viewer.ID != submittedBy
	}
	a.Adopt = published && viewer.Role == RoleOfficer && viewer.CouncilGSS != "" && a.Read
	return a
}

func audienceIncludes(audience string, r Role) bool {
	switch r {
	case RoleAdmin, RoleOfficer:
		return true
	case RoleCouncillor:
		return audience == AudienceCouncillors || audience == AudienceEveryone
	case RoleSupplier:
		return audience == AudienceSuppliers || audience == AudienceEveryone
	}
	return audience == AudienceEveryone
}

// libraryVisibleSQL is libraryAccess's Read rule as a condition on
// library_items i, with libraryVisibleArgs' parameters. Lists and search
// use it, so they never show an item its page would refuse.
const libraryVisibleSQL = `((i.published_version IS NOT NULL AND (? = 1 OR i.audience = 'everyone' OR i.audience = ?))
	OR (i.council_gss IS NOT NULL AND i.council_gss = ?) OR (i.council_gss IS NULL AND ? = 1)
	OR (i.status = 'in_review' AND ? = 1))`

func libraryVisibleArgs(viewer User) []any {
	staff := viewer.Role == RoleOfficer || viewer.Role == RoleAdmin
	own := ""
	if viewer.Role == RoleOfficer {
		own = viewer.CouncilGSS
	}
	aud := "-"
	switch viewer.Role {
	case RoleCouncillor:
		aud = AudienceCouncillors
	case RoleSupplier:
		aud = AudienceSuppliers
	}
	return []any{staff, aud, own, viewer.Role == RoleAdmin, staff}
}

// LibraryInput is what an author writes.
type LibraryInput struct {
	Kind       string
	Title      string
	Summary    string
	Body       string
	Audience   string
	Tags       []string
	Categories []string
	ReviewDate Date // zero: DefaultReviewMonths after publishing
	Note       string
}

// Validate checks an item's fields.
func (in *LibraryInput) Validate() *ValidationError {
	in.Title, in.Summary = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary)
	in.Body = strings.ReplaceAll(in.Body, "\r\n", "\n")
	verr := &ValidationError{}
	if !slices.Contains(LibraryKinds, in.Kind) {
		verr.Add("kind", "Choose what kind of item this is")
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		verr.Add("title", "Enter a title")
	case n > MaxLibraryTitle:
		verr.Add("title", fmt.Sprintf("Title must be %d characters or fewer", MaxLibraryTitle))
	}
	if utf8.RuneCountInString(in.Summary) > MaxLibrarySummary {
		verr.Add("summary", fmt.Sprintf("Summary must be %d characters or fewer", MaxLibrarySummary))
	}
	if strings.TrimSpace(in.Body) == "" {
		verr.Add("body", "Enter the text")
	} else if utf8.RuneCountInString(in.Body) > MaxLibraryBody {
		verr.Add("body", fmt.Sprintf("Text must be %d characters or fewer", MaxLibraryBody))
	}
	if !slices.Contains(Audiences, in.Audience) {
		verr.Add("audience", "Choose who the item is for")
	}
	var tags []string
	for _, t := range in.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	in.Tags = tags
	if len(tags) > MaxLibraryTags {
		verr.Add("tags", fmt.Sprintf("Use at most %d tags", MaxLibraryTags))
	}
	return verr
}

// ParseTags splits "a, b, c" into tags.
func ParseTags(s string) []string { return strings.Split(s, ",") }

const libraryItemSelect = `SELECT i.id, coalesce(i.slug, ''), i.kind, i.audience, coalesce(i.council_gss, ''), coalesce(c.name, ''),
	i.status, i.version, coalesce(i.published_version, 0), coalesce(i.review_date, ''), coalesce(i.adapted_from, 0),
	coalesce(a.title, ''), i.updated_at, coalesce(u.name, ''), coalesce(i.submitted_by, 0), coalesce(sb.name, ''),
	coalesce(ab.name, ''), coalesce(i.published_at, '')
	FROM library_items i LEFT JOIN councils c ON c.gss_code = i.council_gss
	LEFT JOIN library_items a ON a.id = i.adapted_from
	LEFT JOIN users u ON u.id = i.updated_by LEFT JOIN users sb ON sb.id = i.submitted_by
	LEFT JOIN users ab ON ab.id = i.approved_by `

func scanLibraryItem(s interface{ Scan(...any) error }) (LibraryItem, error) {
	var it LibraryItem
	var review, updated, published string
	err := s.Scan(&it.ID, &it.Slug, &it.Kind, &it.Audience, &it.CouncilGSS, &it.CouncilName, &it.Status,
		&it.LatestVersion, &it.PublishedVersion, &review, &it.AdaptedFrom, &it.AdaptedFromTitle, &updated,
		&it.UpdatedByName, &it.SubmittedByID, &it.SubmittedByName, &it.ApprovedByName, &published)
	if err != nil {
		return it, err
	}
	it.ReviewDate, _ = ParseISODate(review)
	it.UpdatedAt, _ = parseDBTime(updated)
	it.PublishedAt, _ = parseDBTime(published)
	return it, nil
}

// LibraryItemByID is item id as viewer may see it: the version they read,
// its tags and categories. ErrNotFound when they may not see it.
func (db *DB) LibraryItemByID(ctx context.Context, viewer User, id int64) (LibraryItem, error) {
	return db.libraryItem(ctx, db.R, viewer, id)
}

func (db *DB) libraryItem(ctx context.Context, q queryer, viewer User, id int64) (LibraryItem, error) {
	it, err := scanLibraryItem(q.QueryRowContext(ctx, libraryItemSelect+`WHERE i.id = ?`, id))
	if err != nil {
		return it, notFound(err, fmt.Sprintf("library item %d", id))
	}
	it.Access = libraryAccess(viewer, it.CouncilGSS, it.Audience, it.Status, it.Published(), it.SubmittedByID)
	if !it.Access.Read {
		return LibraryItem{}, notFound(sql.ErrNoRows, fmt.Sprintf("library item %d", id))
	}
	// Authors and reviewers read the latest version; everyone else the
	// published one.
	it.Version = it.PublishedVersion
	if it.Access.Edit || it.Access.Approve || it.Status == LibraryInReview && (viewer.Role == RoleOfficer || viewer.Role == RoleAdmin) || !it.Published() {
		it.Version = it.LatestVersion
	}
	// The version shown brings its own kind, audience, tags and
	// categories: an author sees what they changed, a reader what was approved.
	var tags, categories string
	if err := q.QueryRowContext(ctx, `SELECT title, summary, body, kind, audience, tags, categories FROM library_versions
		WHERE item_id = ? AND version = ?`, id, it.Version).
		Scan(&it.Title, &it.Summary, &it.Body, &it.Kind, &it.Audience, &tags, &categories); err != nil {
		return it, fmt.Errorf("library item %d version %d: %w", id, it.Version, err)
	}
	it.Tags, it.Categories = splitList(tags), splitList(categories)
	slices.Sort(it.Tags)
	slices.Sort(it.Categories)
	return it, nil
}

// libraryAuthor checks that actor may write: an officer (for their
// council) or an administrator (for the CIO council).
func libraryAuthor(actor User) (council any, err error) {
	switch {
	case actor.Role == RoleOfficer && actor.CouncilGSS != "":
		return actor.CouncilGSS, nil
	case actor.Role == RoleAdmin:
		return nil, nil
	}
	return nil, fmt.Errorf("write a library item: %w", ErrForbidden)
}

// CreateLibraryItem starts a draft written by actor's council (or the CIO
// council, for an administrator).
func (db *DB) CreateLibraryItem(ctx context.Context, actor User, in LibraryInput) (int64, error) {
	return db.createLibraryItem(ctx, actor, in, 0, "")
}

func (db *DB) createLibraryItem(ctx context.Context, actor User, in LibraryInput, adaptedFrom int64, slug string) (int64, error) {
	council, err := libraryAuthor(actor)
	if err != nil && actor.ID != 0 {
		return 0, err
	}
	if err := in.Validate().Err(); err != nil {
		return 0, err
	}
	var id int64
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkCategories(ctx, tx, in.Categories); err != nil {
			return err
		}
		now := dbTime(db.now())
		var from, slugArg, actorID any
		if adaptedFrom != 0 {
			from = adaptedFrom
		}
		if slug != "" {
			slugArg = slug
		}
		if actor.ID != 0 {
			actorID = actor.ID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO library_items (slug, kind, title, summary, body, audience, council_gss,
			review_date, adapted_from, created_by, created_at, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, slugArg, in.Kind, in.Title, in.Summary, in.Body, in.Audience,
			council, nullDate(in.ReviewDate), from, actorID, now, actorID, now).Scan(&id); err != nil {
			return conflict(err, "library item")
		}
		if err := db.writeLibraryVersion(ctx, tx, actor, id, 1, in); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "library.create", "library_item", fmt.Sprint(id), map[string]any{"adapted_from": adaptedFrom})
	})
	return id, err
}

func nullDate(d Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func checkCategories(ctx context.Context, tx *sql.Tx, slugs []string) error {
	for _, s := range slugs {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM categories WHERE slug = ?`, s).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return &ValidationError{Fields: []FieldError{{"categories", fmt.Sprintf("%q is not a category", s)}}}
		}
	}
	return nil
}

// writeLibraryVersion stores version n of item id. An item never
// published shows its latest version at once; a published one keeps
// showing readers its approved kind, audience, tags and categories until
// the new version is approved (applyLibraryVersion).
func (db *DB) writeLibraryVersion(ctx context.Context, tx *sql.Tx, actor User, id int64, n int, in LibraryInput) error {
	var author any
	if actor.ID != 0 {
		author = actor.ID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO library_versions (item_id, version, title, summary, body, kind, audience, tags,
		categories, author_id, created_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, n, in.Title, in.Summary, in.Body,
		in.Kind, in.Audience, strings.Join(in.Tags, ","), strings.Join(in.Categories, ","), author, dbTime(db.now()), in.Note); err != nil {
		return fmt.Errorf("library version: %w", err)
	}
	var published sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT published_version FROM library_items WHERE id = ?`, id).Scan(&published); err != nil {
		return err
	}
	if !published.Valid {
		return applyLibraryVersion(ctx, tx, id, n)
	}
	return nil
}

// applyLibraryVersion makes version n's kind, audience, tags and
// categories the item's own (what lists, filters, visibility and search
// go by), and re-indexes it.
func applyLibraryVersion(ctx context.Context, tx *sql.Tx, id int64, n int) error {
	var kind, audience, tags, categories string
	if err := tx.QueryRowContext(ctx, `SELECT kind, audience, tags, categories FROM library_versions WHERE item_id = ? AND version = ?`,
		id, n).Scan(&kind, &audience, &tags, &categories); err != nil {
		return fmt.Errorf("library item %d version %d: %w", id, n, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE library_items SET kind = ?, audience = ? WHERE id = ?`, kind, audience, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM library_tags WHERE item_id = ?`, id); err != nil {
		return err
	}
	for _, t := range splitList(tags) {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO library_tags (item_id, tag) VALUES (?, ?)`, id, t); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM library_categories WHERE item_id = ?`, id); err != nil {
		return err
	}
	for _, c := range splitList(categories) {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO library_categories (item_id, category_slug) VALUES (?, ?)`, id, c); err != nil {
			return err
		}
	}
	return reindexLibraryItem(ctx, tx, id)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// reindexLibraryItem indexes what readers read: the published version,
// or the latest for an item never published (seen only by its authors
// and reviewers, whom the search's visibility rule already limits).
func reindexLibraryItem(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM library_fts WHERE rowid = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO library_fts (rowid, title, summary, body, tags)
		SELECT i.id, v.title, v.summary, v.body, coalesce((SELECT group_concat(tag, ' ') FROM library_tags WHERE item_id = i.id), '')
		FROM library_items i JOIN library_versions v ON v.item_id = i.id AND v.version = coalesce(i.published_version, i.version)
		WHERE i.id = ?`, id)
	return err
}

// SaveLibraryItem saves a new version of item id, written against
// baseVersion; a save against an outdated version is refused (ErrConflict)
// so no edit is lost. Saving moves the item back to draft: its changes
// need approval again, while readers keep the published version.
func (db *DB) SaveLibraryItem(ctx context.Context, actor User, id int64, in LibraryInput, baseVersion int) (int, error) {
	if err := in.Validate().Err(); err != nil {
		return 0, err
	}
	var next int
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := db.libraryItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !it.Access.Edit {
			return &PublicError{Status: 403, Message: "Only the officers of the council that wrote this item can change it. Adapt it to make your own version."}
		}
		if it.LatestVersion != baseVersion {
			return &PublicError{Status: 409, Message: fmt.Sprintf(
				"Someone saved version %d of this item while you were editing version %d. Open it again, and bring your changes across.", it.LatestVersion, baseVersion)}
		}
		if err := checkCategories(ctx, tx, in.Categories); err != nil {
			return err
		}
		next = it.LatestVersion + 1
		if _, err := tx.ExecContext(ctx, `UPDATE library_items SET review_date = coalesce(?, review_date),
			status = 'draft', version = ?, updated_by = ?, updated_at = ?, submitted_by = NULL, submitted_at = NULL WHERE id = ?`,
			nullDate(in.ReviewDate), next, actor.ID, dbTime(db.now()), id); err != nil {
			return err
		}
		if err := db.writeLibraryVersion(ctx, tx, actor, id, next, in); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "library.save", "library_item", fmt.Sprint(id), map[string]any{"version": next})
	})
	return next, err
}

// SubmitLibraryItem sends an item's latest version for review.
func (db *DB) SubmitLibraryItem(ctx context.Context, actor User, id int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := db.libraryItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !it.Access.Edit {
			return fmt.Errorf("submit library item %d: %w", id, ErrForbidden)
		}
		if it.Status != LibraryDraft {
			return &PublicError{Status: 409, Message: "Only a draft can be sent for review."}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE library_items SET status = 'in_review', submitted_by = ?, submitted_at = ? WHERE id = ?`,
			actor.ID, dbTime(db.now()), id); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "library.submit", "library_item", fmt.Sprint(id), map[string]any{"version": it.LatestVersion})
	})
}

// ApproveLibraryItem publishes an item in review. The approver must be a
// second person: neither the one who sent it for review nor the author of
// the version approved.
func (db *DB) ApproveLibraryItem(ctx context.Context, actor User, id int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := db.libraryItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if it.Status != LibraryInReview {
			return &PublicError{Status: 409, Message: "Only an item in review can be approved."}
		}
		var author int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(author_id, 0) FROM library_versions WHERE item_id = ? AND version = ?`,
			id, it.LatestVersion).Scan(&author); err != nil {
			return err
		}
		if !it.Access.Approve || author == actor.ID {
			return &PublicError{Status: 403, Message: "A second person must approve: you sent this item for review or wrote this version."}
		}
		review := it.ReviewDate
		if review.IsZero() || !review.After(DateOf(db.now())) {
			review = DateOf(db.now()).AddMonths(DefaultReviewMonths)
		}
		now := dbTime(db.now())
		if _, err := tx.ExecContext(ctx, `UPDATE library_items SET status = 'published', published_version = version, approved_by = ?,
			published_at = ?, review_date = ? WHERE id = ?`, actor.ID, now, review.String(), id); err != nil {
			return err
		}
		if err := applyLibraryVersion(ctx, tx, id, it.LatestVersion); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "library.approve", "library_item", fmt.Sprint(id), map[string]any{"version": it.LatestVersion})
	})
}

// ReturnLibraryItem sends an item in review back to its authors as a draft.
func (db *DB) ReturnLibraryItem(ctx context.Context, actor User, id int64, note string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := db.libraryItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if it.Status != LibraryInReview || !(it.Access.Approve || it.Access.Edit) {
			return &PublicError{Status: 409, Message: "Only an item in review can be sent back."}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE library_items SET status = 'draft', submitted_by = NULL, submitted_at = NULL WHERE id = ?`, id); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "library.return", "library_item", fmt.Sprint(id), map[string]any{"note": strings.TrimSpace(note)})
	})
}

// LibraryVersion is one kept version of an item.
type LibraryVersion struct {
	Version    int
	Title      string
	Summary    string
	Body       string
	AuthorName string
	CreatedAt  time.Time
	Note       string
}

// LibraryVersions lists every version of an item, newest first, for its
// authors and reviewers; readers see the published versions only.
func (db *DB) LibraryVersions(ctx context.Context, viewer User, id int64) ([]LibraryVersion, error) {
	it, err := db.LibraryItemByID(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	limit := it.LatestVersion
	if !it.Access.Edit && !it.Access.Approve && it.Status != LibraryInReview {
		limit = it.PublishedVersion
	}
	rows, err := db.R.QueryContext(ctx, `SELECT v.version, v.title, v.summary, v.body, coalesce(u.name, 'Jointly'), v.created_at, v.note
		FROM library_versions v LEFT JOIN users u ON u.id = v.author_id WHERE v.item_id = ? AND v.version <= ? ORDER BY v.version DESC`, id, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LibraryVersion
	for rows.Next() {
		var v LibraryVersion
		var at string
		if err := rows.Scan(&v.Version, &v.Title, &v.Summary, &v.Body, &v.AuthorName, &at, &v.Note); err != nil {
			return nil, err
		}
		v.CreatedAt, _ = parseDBTime(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// RestoreLibraryVersion saves an old version's text as the newest version.
func (db *DB) RestoreLibraryVersion(ctx context.Context, actor User, id int64, version int) (int, error) {
	it, err := db.LibraryItemByID(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	vs, err := db.LibraryVersions(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	for _, v := range vs {
		if v.Version == version {
			return db.SaveLibraryItem(ctx, actor, id, LibraryInput{Kind: it.Kind, Title: v.Title, Summary: v.Summary, Body: v.Body,
				Audience: it.Audience, Tags: it.Tags, Categories: it.Categories, Note: fmt.Sprintf("Restored version %d", version)}, it.LatestVersion)
		}
	}
	return 0, notFound(sql.ErrNoRows, fmt.Sprintf("version %d of library item %d", version, id))
}

// AdoptLibraryItem records that actor's council uses a published item as
// it stands. Adopting twice is harmless; unadopt with adopt false.
func (db *DB) AdoptLibraryItem(ctx context.Context, actor User, id int64, adopt bool) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := db.libraryItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !it.Access.Adopt {
			return &PublicError{Status: 403, Message: "A council's officers can adopt a published item."}
		}
		if adopt {
			_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO library_adoptions (item_id, council_gss, adopted_by, adopted_at) VALUES (?, ?, ?, ?)`,
				id, actor.CouncilGSS, actor.ID, dbTime(db.now()))
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM library_adoptions WHERE item_id = ? AND council_gss = ?`, id, actor.CouncilGSS)
		}
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "library.adopt", "library_item", fmt.Sprint(id), map[string]any{"adopt": adopt, "council": actor.CouncilGSS})
	})
}

// AdaptLibraryItem starts a draft of actor's council's own, copied from
// the published item, remembering where it came from.
func (db *DB) AdaptLibraryItem(ctx context.Context, actor User, id int64) (int64, error) {
	it, err := db.LibraryItemByID(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	if !it.Access.Adopt {
		return 0, &PublicError{Status: 403, Message: "A council's officers can adapt a published item."}
	}
	if it.Version != it.PublishedVersion {
		var v LibraryVersion
		if err := db.R.QueryRowContext(ctx, `SELECT title, summary, body FROM library_versions WHERE item_id = ? AND version = ?`,
			id, it.PublishedVersion).Scan(&v.Title, &v.Summary, &v.Body); err != nil {
			return 0, err
		}
		it.Title, it.Summary, it.Body = v.Title, v.Summary, v.Body
	}
	return db.createLibraryItem(ctx, actor, LibraryInput{Kind: it.Kind, Title: it.Title, Summary: it.Summary, Body: it.Body,
		Audience: it.Audience, Tags: it.Tags, Categories: it.Categories,
		Note: fmt.Sprintf("Adapted from “%s” (version %d)", it.Title, it.PublishedVersion)}, id, "")
}

// LibraryLineage is who adopted an item and which items were adapted from it.
type LibraryLineage struct {
	Adoptions   []Adoption
	Adaptations []LibraryRef // the adaptations viewer may see
}

// Adoption is one council's adoption of an item.
type Adoption struct {
	CouncilGSS  string
	CouncilName string
	AdoptedAt   time.Time
}

// LibraryRef names an item.
type LibraryRef struct {
	ID          int64
	Title       string
	CouncilName string
}

// LibraryLineageOf lists an item's adoptions and the adaptations viewer
// may see.
func (db *DB) LibraryLineageOf(ctx context.Context, viewer User, id int64) (LibraryLineage, error) {
	var l LibraryLineage
	if _, err := db.LibraryItemByID(ctx, viewer, id); err != nil {
		return l, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT a.council_gss, c.name, a.adopted_at FROM library_adoptions a
		JOIN councils c ON c.gss_code = a.council_gss WHERE a.item_id = ? ORDER BY c.name`, id)
	if err != nil {
		return l, err
	}
	for rows.Next() {
		var a Adoption
		var at string
		if err := rows.Scan(&a.CouncilGSS, &a.CouncilName, &at); err != nil {
			_ = rows.Close()
			return l, err
		}
		a.AdoptedAt, _ = parseDBTime(at)
		l.Adoptions = append(l.Adoptions, a)
	}
	_ = rows.Close()
	rows, err = db.R.QueryContext(ctx, `SELECT i.id, v.title, coalesce(c.name, 'CIO council') FROM library_items i
		JOIN library_versions v ON v.item_id = i.id AND v.version = coalesce(i.published_version, i.version)
		LEFT JOIN councils c ON c.gss_code = i.council_gss
		WHERE i.adapted_from = ? AND `+libraryVisibleSQL+` ORDER BY i.id`, append([]any{id}, libraryVisibleArgs(viewer)...)...)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		var r LibraryRef
		if err := rows.Scan(&r.ID, &r.Title, &r.CouncilName); err != nil {
			return l, err
		}
		l.Adaptations = append(l.Adaptations, r)
	}
	return l, rows.Err()
}

// LibrarySummary is one line of a list of items.
type LibrarySummary struct {
	ID          int64
	Kind        string
	Title       string
	Summary     string
	Audience    string
	CouncilName string
	Status      string
	Published   bool
	ReviewDate  Date
	UpdatedAt   time.Time
}

// LibraryFilter narrows a list of items.
type LibraryFilter struct {
	Kind     string
	Audience string
	Tag      string
	Category string
	Mine     bool // only the viewer's council's items
	Review   bool // only items in review (for reviewers)
	Limit    int
	Offset   int
}

// LibraryItems lists the items viewer may see, newest first, by
// libraryAccess's rule.
func (db *DB) LibraryItems(ctx context.Context, viewer User, f LibraryFilter) ([]LibrarySummary, int, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where := []string{libraryVisibleSQL}
	args := libraryVisibleArgs(viewer)
	if f.Kind != "" {
		where, args = append(where, `i.kind = ?`), append(args, f.Kind)
	}
	if f.Audience != "" {
		where, args = append(where, `i.audience = ?`), append(args, f.Audience)
	}
	if f.Tag != "" {
		where, args = append(where, `EXISTS (SELECT 1 FROM library_tags t WHERE t.item_id = i.id AND t.tag = ?)`), append(args, strings.ToLower(f.Tag))
	}
	if f.Category != "" {
		where, args = append(where, `EXISTS (SELECT 1 FROM library_categories k WHERE k.item_id = i.id AND k.category_slug = ?)`), append(args, f.Category)
	}
	if f.Mine {
		where, args = append(where, `i.council_gss = ?`), append(args, viewer.CouncilGSS)
	}
	if f.Review {
		where = append(where, `i.status = 'in_review'`)
	}
	cond := ` WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM library_items i`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	// #nosec G202 -- cond joins constant conditions; every value is a bound parameter.
	rows, err := db.R.QueryContext(ctx, `SELECT i.id, i.kind, v.title, v.summary, i.audience, coalesce(c.name, 'CIO council'), i.status,
		i.published_version IS NOT NULL, coalesce(i.review_date, ''), i.updated_at
		FROM library_items i LEFT JOIN councils c ON c.gss_code = i.council_gss
		JOIN library_versions v ON v.item_id = i.id AND v.version = coalesce(i.published_version, i.version)`+cond+
		` ORDER BY i.updated_at DESC, i.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []LibrarySummary
	for rows.Next() {
		var s LibrarySummary
		var review, updated string
		if err := rows.Scan(&s.ID, &s.Kind, &s.Title, &s.Summary, &s.Audience, &s.CouncilName, &s.Status, &s.Published, &review, &updated); err != nil {
			return nil, 0, err
		}
		s.ReviewDate, _ = ParseISODate(review)
		s.UpdatedAt, _ = parseDBTime(updated)
		out = append(out, s)
	}
	return out, total, rows.Err()
}
