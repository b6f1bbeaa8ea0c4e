package models

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
)

// Council is a UK principal council, keyed by its GSS code.
type Council struct {
	GSSCode      string
	Name         string // the everyday name: "Leeds"
	OfficialName string // "Leeds City Council"
	TypeCode     string // see CouncilTypes
	Region       Region
	Active       bool
	EndDate      string
	Population   int64
	EmailDomains []string
}

// TypeName is the council type in words.
func (c Council) TypeName() string { return CouncilTypeName(c.TypeCode) }

// CouncilType is one kind of principal council.
type CouncilType struct {
	Code string
	Name string
}

// CouncilTypes are the principal council types, in the codes mySociety and
// the ONS use. Combined authorities and the GLA are not principal councils.
var CouncilTypes = []CouncilType{
	{"CTY", "County council"},
	{"NMD", "District council"},
	{"MD", "Metropolitan district"},
	{"LBO", "London borough"},
	{"UA", "Unitary authority"},
	{"CC", "City corporation"},
	{"SCO", "Scottish council"},
	{"WPA", "Welsh principal authority"},
	{"NID", "Northern Ireland district"},
}

// CouncilTypeName returns the name of a type code, or the code itself.
func CouncilTypeName(code string) string {
	for _, t := range CouncilTypes {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

var gssPattern = regexp.MustCompile(`^[ENSW][0-9]{8}$`)

// ValidGSSCode reports whether s looks like a GSS code: a nation letter
// and eight digits, such as E08000035.
func ValidGSSCode(s string) bool { return gssPattern.MatchString(s) }

// CouncilFilter narrows the council directory.
type CouncilFilter struct {
	RegionSlug      string
	TypeCode        string
	IncludeInactive bool
}

const councilColumns = `c.gss_code, c.name, c.official_name, c.type_code, c.active, coalesce(c.end_date, ''),
	coalesce(c.population, 0), r.id, r.name, r.slug, r.nation`

func scanCouncil(s interface{ Scan(...any) error }) (Council, error) {
	var c Council
	err := s.Scan(&c.GSSCode, &c.Name, &c.OfficialName, &c.TypeCode, &c.Active, &c.EndDate,
		&c.Population, &c.Region.ID, &c.Region.Name, &c.Region.Slug, &c.Region.Nation)
	return c, err
}

// Councils lists councils matching f, by name.
func (db *DB) Councils(ctx context.Context, f CouncilFilter) ([]Council, error) {
	q := `SELECT ` + councilColumns + ` FROM councils c JOIN regions r ON r.id = c.region_id WHERE 1 = 1`
	var args []any
	if f.RegionSlug != "" {
		q += ` AND r.slug = ?`
		args = append(args, f.RegionSlug)
	}
	if f.TypeCode != "" {
		q += ` AND c.type_code = ?`
		args = append(args, f.TypeCode)
	}
	if !f.IncludeInactive {
		q += ` AND c.active = 1`
	}
	q += ` ORDER BY c.name, c.gss_code`
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list councils: %w", err)
	}
	defer rows.Close()
	var out []Council
	for rows.Next() {
		c, err := scanCouncil(rows)
		if err != nil {
			return nil, fmt.Errorf("list councils: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CouncilByGSS returns one council with its email domains.
func (db *DB) CouncilByGSS(ctx context.Context, gss string) (Council, error) {
	row := db.R.QueryRowContext(ctx, `SELECT `+councilColumns+` FROM councils c JOIN regions r ON r.id = c.region_id WHERE c.gss_code = ?`, gss)
	c, err := scanCouncil(row)
	if err != nil {
		return Council{}, notFound(err, "council "+gss)
	}
	rows, err := db.R.QueryContext(ctx, `SELECT domain FROM council_domains WHERE gss_code = ? ORDER BY domain`, gss)
	if err != nil {
		return Council{}, fmt.Errorf("council domains: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return Council{}, err
		}
		c.EmailDomains = append(c.EmailDomains, d)
	}
	return c, rows.Err()
}

// CouncilByEmailDomain finds the active council that owns the domain of
// email, for a first single sign-on.
func (db *DB) CouncilByEmailDomain(ctx context.Context, email string) (Council, error) {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if !ok || domain == "" {
		return Council{}, fmt.Errorf("email domain: %w", ErrNotFound)
	}
	var gss string
	err := db.R.QueryRowContext(ctx,
		`SELECT d.gss_code FROM council_domains d JOIN councils c ON c.gss_code = d.gss_code
		  WHERE d.domain = ? AND c.active = 1`, domain).Scan(&gss)
	if err != nil {
		return Council{}, notFound(err, "council for domain "+domain)
	}
	return db.CouncilByGSS(ctx, gss)
}

var domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// SetCouncilDomains replaces a council's email domains. A domain already
// held by another council is refused, so no sign-in is ambiguous.
func (db *DB) SetCouncilDomains(ctx context.Context, actorID int64, gss string, domains []string) error {
	verr := &ValidationError{}
	seen := map[string]bool{}
	var clean []string
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" || seen[d] {
			continue
		}
		if !domainPattern.MatchString(d) {
			verr.Add("domains", fmt.Sprintf("%q is not an email domain, like leeds.gov.uk", d))
			continue
		}
		seen[d] = true
		clean = append(clean, d)
	}
	if err := verr.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM councils WHERE gss_code = ?`, gss).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return fmt.Errorf("council %s: %w", gss, ErrNotFound)
		}
		for _, d := range clean {
			var owner string
			err := tx.QueryRowContext(ctx, `SELECT gss_code FROM council_domains WHERE domain = ? AND gss_code <> ?`, d, gss).Scan(&owner)
			if err == nil {
				verr.Add("domains", fmt.Sprintf("%s already belongs to council %s", d, owner))
			} else if err != sql.ErrNoRows {
				return err
			}
		}
		if err := verr.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM council_domains WHERE gss_code = ?`, gss); err != nil {
			return err
		}
		for _, d := range clean {
			if _, err := tx.ExecContext(ctx, `INSERT INTO council_domains (domain, gss_code) VALUES (?, ?)`, d, gss); err != nil {
				return conflict(err, "council domain "+d)
			}
		}
		return db.audit(ctx, tx, actorID, "council.domains", "council", gss, map[string]any{"domains": clean})
	})
}

// CountCouncils counts the active councils.
func (db *DB) CountCouncils(ctx context.Context) (int, error) {
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM councils WHERE active = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count councils: %w", err)
	}
	return n, nil
}
