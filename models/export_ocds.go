package models

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultOCIDPrefix starts the ocid of every release Jointly publishes
// unless configured otherwise. It is a placeholder: a publisher must
// register its own prefix (ocds-xxxxxx) with the Open Contracting
// Partnership before its data is published as OCDS, and set it with
// JOINTLY_OCID_PREFIX.
const DefaultOCIDPrefix = "ocds-jointly"

// OGLv3 is the licence of exported data: the Open Government Licence, as
// councils' Transparency Code data is published under.
const OGLv3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

var ocidPrefixPattern = regexp.MustCompile(`^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`)

// ValidOCIDPrefix reports whether p can start an ocid: letters, digits
// and single hyphens, such as ocds-213czf.
func ValidOCIDPrefix(p string) bool { return len(p) <= 50 && ocidPrefixPattern.MatchString(p) }

// OCDSOptions says what ExportOCDS publishes, and as whom.
type OCDSOptions struct {
	CouncilGSS string // one council's register; "" for every council's
	OCIDPrefix string // DefaultOCIDPrefix if ""
	// BaseURL is Jointly's public address, absolute (https://jointly.example):
	// the package's uri and the publisher's are made from it.
	BaseURL   string
	Publisher string // the publisher's name; "Jointly" if ""
}

// OCDSPackagePath is where a council's release package is served; for
// every council (the command line's national export) it is the
// package's identifier, not a page.
func OCDSPackagePath(gss string) string {
	if gss == "" {
		return "/contracts.ocds.json"
	}
	return "/councils/" + gss + "/contracts.ocds.json"
}

func (o *OCDSOptions) check() error {
	if o.OCIDPrefix == "" {
		o.OCIDPrefix = DefaultOCIDPrefix
	}
	if o.Publisher == "" {
		o.Publisher = "Jointly"
	}
	o.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	if !ValidOCIDPrefix(o.OCIDPrefix) {
		return fmt.Errorf("ocid prefix %q: use letters, digits and hyphens, such as ocds-213czf", o.OCIDPrefix)
	}
	if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("base URL %q: an OCDS package's uri must be absolute, like https://jointly.example", o.BaseURL)
	}
	return nil
}

// ocdsPackageHead is a release package's metadata; its releases follow.
type ocdsPackageHead struct {
	URI           string        `json:"uri"`
	Version       string        `json:"version"`
	PublishedDate string        `json:"publishedDate"`
	Publisher     ocdsPublisher `json:"publisher"`
	License       string        `json:"license"`
}

type ocdsPublisher struct {
	Name string `json:"name"`
	URI  string `json:"uri,omitempty"`
}

// ExportOCDS writes an OCDS 1.1 release package to w: one release per
// contract of opts.CouncilGSS's register (or of every register), streamed
// a page at a time. viewer must be allowed to read registers. OCDS needs
// at least one release in a package, so a register with no contracts is a
// 404 PublicError, returned before anything is written.
func (db *DB) ExportOCDS(ctx context.Context, viewer User, w io.Writer, opts OCDSOptions) error {
	if !CanReadRegisters(viewer) {
		return fmt.Errorf("export registers: %w", ErrForbidden)
	}
	if err := opts.check(); err != nil {
		return err
	}
	councils := map[string]Council{}
	what := "Jointly"
	if opts.CouncilGSS != "" {
		c, err := db.exportCouncil(ctx, viewer, opts.CouncilGSS)
		if err != nil {
			return err
		}
		councils[c.GSSCode], what = c, c.Name
	} else {
		all, err := db.Councils(ctx, CouncilFilter{IncludeInactive: true})
		if err != nil {
			return err
		}
		for _, c := range all {
			councils[c.GSSCode] = c
		}
	}
	// On demand, a package's publishedDate is the last change to what it
	// holds: an unchanged register exports with the same date.
	last, err := db.lastContractChange(ctx, opts.CouncilGSS)
	if err != nil {
		return err
	}
	if last.IsZero() {
		return &PublicError{Status: http.StatusNotFound,
			Message: what + " has no contracts to export yet: an OCDS release package must hold at least one release."}
	}
	x := ocdsExporter{prefix: opts.OCIDPrefix, today: DateOf(db.now())}
	head, err := json.Marshal(ocdsPackageHead{
		URI: opts.BaseURL + OCDSPackagePath(opts.CouncilGSS), Version: "1.1", PublishedDate: ocdsTime(last),
		Publisher: ocdsPublisher{Name: opts.Publisher, URI: opts.BaseURL + "/"}, License: OGLv3,
	})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false) // a download, never inlined in a page
	n := 0
	err = db.eachContract(ctx, opts.CouncilGSS, func(c Contract) error {
		council, ok := councils[c.CouncilGSS]
		if !ok {
			return fmt.Errorf("export OCDS: contract %d: council %s: %w", c.ID, c.CouncilGSS, ErrNotFound)
		}
		one.Reset()
		if err := enc.Encode(x.release(c, []Council{council})); err != nil {
			return err
		}
		if n == 0 {
			// The package opens with its first release, so an error before
			// then leaves w untouched. A bufio.Writer keeps its first error:
			// the next Write, or Flush, returns it.
			_, _ = bw.Write(head[:len(head)-1])
			_, _ = bw.WriteString(`,"releases":[` + "\n")
		} else {
			_, _ = bw.WriteString(",\n")
		}
		n++
		_, err := bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 { // the last contract went while the export started
		return &PublicError{Status: http.StatusNotFound, Message: what + " has no contracts to export."}
	}
	_, _ = bw.WriteString("\n]}\n")
	return bw.Flush()
}

// lastContractChange is when a contract of gss's register (or any, for
// "") last changed, or the zero time if there are none.
func (db *DB) lastContractChange(ctx context.Context, gss string) (time.Time, error) {
	var last sql.NullString
	q, args := `SELECT max(updated_at) FROM contracts`, []any{}
	if gss != "" {
		q += ` WHERE council_gss = ?`
		args = append(args, gss)
	}
	if err := db.R.QueryRowContext(ctx, q, args...).Scan(&last); err != nil {
		return time.Time{}, fmt.Errorf("last contract change: %w", err)
	}
	return parseDBTime(last.String)
}

// ocdsTime is an instant as an RFC 3339 date-time in UTC.
func ocdsTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ocdsDate is a calendar date as an RFC 3339 date-time (OCDS has no
// date-only fields): midnight UTC, or "" for no date.
func ocdsDate(d Date) string {
	if d.IsZero() {
		return ""
	}
	return ocdsTime(d.Time())
}

// ocdsAmount is money held in pence, written as a JSON number of pounds
// with exactly two decimals (1234.56), never through a float.
type ocdsAmount int64

func (a ocdsAmount) MarshalJSON() ([]byte, error) { return []byte(formatPounds(int64(a))), nil }

func valueOf(pence *int64) *ocdsValue {
	if pence == nil {
		return nil
	}
	return &ocdsValue{Amount: ocdsAmount(*pence), Currency: "GBP"}
}

// ocdsExporter builds releases.
type ocdsExporter struct {
	prefix string
	today  Date // contracts' status is as of today
}

// release is contract c as an OCDS release: one award, one contract.
// buyers are the councils that buy through it: the first is the release's
// buyer, and every one appears in parties with the role buyer, as OCDS
// wants a joint procurement's several buying councils shown (one buyer per
// release). A register's contract has one buyer, its council.
func (x ocdsExporter) release(c Contract, buyers []Council) ocdsRelease {
	ocid := x.prefix + "-" + buyers[0].GSSCode + "-" + strconv.FormatInt(c.ID, 10)
	updated := c.UpdatedAt
	if updated.IsZero() {
		updated = c.CreatedAt
	}
	parties, buyer := buyerParties(buyers)
	supplier := supplierParty(c)
	parties = append(parties, supplier)
	id := strconv.FormatInt(c.ID, 10)
	value := valueOf(c.TotalValuePence)
	contract := ocdsContract{
		ID: id, AwardID: id, Title: c.Title, Description: c.Description,
		Status: contractStatus(c, x.today), Value: value, Items: contractItems(c),
	}
	if p := (ocdsPeriod{StartDate: ocdsDate(c.StartDate), EndDate: ocdsDate(c.EndDate), MaxExtentDate: ocdsDate(c.MaxExtensionDate)}); p != (ocdsPeriod{}) {
		contract.Period = &p
	}
	return ocdsRelease{
		OCID: ocid, ID: ocid + "-" + updated.UTC().Format("20060102T150405Z"), Date: ocdsTime(updated),
		Tag: []string{"contract"}, InitiationType: "tender", Language: "en",
		Parties: parties, Buyer: buyer,
		Awards: []ocdsAward{{
			ID: id, Title: c.Title, Status: "active", Value: value,
			Suppliers: []ocdsOrgRef{{ID: supplier.ID, Name: supplier.Name}},
		}},
		Contracts: []ocdsContract{contract},
	}
}

// contractStatus is the contract's OCDS status as of today: pending before
// it starts, terminated after it ends, otherwise active.
func contractStatus(c Contract, today Date) string {
	switch {
	case !c.StartDate.IsZero() && c.StartDate.After(today):
		return "pending"
	case !c.EndDate.IsZero() && c.EndDate.Before(today):
		return "terminated"
	}
	return "active"
}

// contractItems names what the contract buys: its product, classified by
// the CPV code of its category when there is a fitting one.
func contractItems(c Contract) []ocdsItem {
	cpv, ok := categoryCPV[c.CategorySlug]
	if c.ProductName == "" && !ok {
		return nil
	}
	item := ocdsItem{ID: "1", Description: c.ProductName}
	if item.Description == "" {
		item.Description = c.CategoryName
	}
	if ok {
		item.Classification = &ocdsClassification{Scheme: "CPV", ID: cpv.Code, Description: cpv.Label}
	}
	return []ocdsItem{item}
}
