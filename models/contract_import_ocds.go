package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// OCDS imports read the Open Contracting Data Standard as the UK portals
// publish it: release packages (Contracts Finder, Find a Tender), record
// packages (with a compiledRelease, or embedded releases), and bare arrays
// of releases (Public Contracts Scotland, Sell2Wales). Each contract (or
// award, when a release has no contracts) whose buyer is a council Jointly
// knows becomes a register row for that council; a joint procurement,
// whose other buying councils are parties with the role buyer, becomes a
// row in each. Real data is messy, so the decoding never fails on a value
// of the wrong type: a field that cannot be read is left empty.

// ocdsInText reads a string, number or boolean as text, and anything else
// as empty, so one odd value never stops an import.
type ocdsInText string

func (t *ocdsInText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || b[0] == 'n' || b[0] == '{' || b[0] == '[':
		*t = ""
	case b[0] == '"':
		var s string
		if json.Unmarshal(b, &s) == nil {
			*t = ocdsInText(s)
		}
	default:
		*t = ocdsInText(b) // a number or a boolean, as written
	}
	return nil
}

func (t ocdsInText) String() string { return cleanImportText(string(t)) }

type ocdsInOrgRef struct {
	ID   ocdsInText `json:"id"`
	Name ocdsInText `json:"name"`
}

type ocdsInIdentifier struct {
	Scheme    ocdsInText `json:"scheme"`
	ID        ocdsInText `json:"id"`
	LegalName ocdsInText `json:"legalName"`
}

type ocdsInParty struct {
	ID                    ocdsInText         `json:"id"`
	Name                  ocdsInText         `json:"name"`
	Identifier            ocdsInIdentifier   `json:"identifier"`
	AdditionalIdentifiers []ocdsInIdentifier `json:"additionalIdentifiers"`
	Roles                 []ocdsInText       `json:"roles"`
	Details               struct {
		Scale ocdsInText `json:"scale"`
		VCSE  ocdsInText `json:"vcse"`
	} `json:"details"`
	SME ocdsInText `json:"sme"` // a non-standard field some publishers add
}

func (p ocdsInParty) has(role string) bool {
	for _, r := range p.Roles {
		if strings.EqualFold(string(r), role) {
			return true
		}
	}
	return false
}

type ocdsInValue struct {
	Amount   ocdsInText `json:"amount"`
	Currency ocdsInText `json:"currency"`
}

type ocdsInPeriod struct {
	StartDate     ocdsInText `json:"startDate"`
	EndDate       ocdsInText `json:"endDate"`
	MaxExtentDate ocdsInText `json:"maxExtentDate"`
}

type ocdsInClassification struct {
	Scheme ocdsInText `json:"scheme"`
	ID     ocdsInText `json:"id"`
}

type ocdsInItem struct {
	Classification            ocdsInClassification   `json:"classification"`
	AdditionalClassifications []ocdsInClassification `json:"additionalClassifications"`
}

type ocdsInTender struct {
	Title                    ocdsInText           `json:"title"`
	Description              ocdsInText           `json:"description"`
	Classification           ocdsInClassification `json:"classification"`
	Items                    []ocdsInItem         `json:"items"`
	ProcurementMethod        ocdsInText           `json:"procurementMethod"`
	ProcurementMethodDetails ocdsInText           `json:"procurementMethodDetails"`
	ContractPeriod           ocdsInPeriod         `json:"contractPeriod"`
}

type ocdsInAward struct {
	ID             ocdsInText     `json:"id"`
	Title          ocdsInText     `json:"title"`
	Description    ocdsInText     `json:"description"`
	Status         ocdsInText     `json:"status"`
	Value          ocdsInValue    `json:"value"`
	Suppliers      []ocdsInOrgRef `json:"suppliers"`
	ContractPeriod ocdsInPeriod   `json:"contractPeriod"`
	Items          []ocdsInItem   `json:"items"`
}

type ocdsInContract struct {
	ID          ocdsInText   `json:"id"`
	AwardID     ocdsInText   `json:"awardID"`
	Title       ocdsInText   `json:"title"`
	Description ocdsInText   `json:"description"`
	Status      ocdsInText   `json:"status"`
	Value       ocdsInValue  `json:"value"`
	Period      ocdsInPeriod `json:"period"`
	Items       []ocdsInItem `json:"items"`
}

type ocdsInRelease struct {
	OCID        ocdsInText       `json:"ocid"`
	ID          ocdsInText       `json:"id"`
	Date        ocdsInText       `json:"date"`
	Description ocdsInText       `json:"description"`
	Buyer       ocdsInOrgRef     `json:"buyer"`
	Parties     []ocdsInParty    `json:"parties"`
	Tender      ocdsInTender     `json:"tender"`
	Awards      []ocdsInAward    `json:"awards"`
	Contracts   []ocdsInContract `json:"contracts"`
}

type ocdsInRecord struct {
	OCID            ocdsInText      `json:"ocid"`
	CompiledRelease *ocdsInRelease  `json:"compiledRelease"`
	Releases        []ocdsInRelease `json:"releases"`
}

// ocdsInPackage is any of the shapes: a package of releases or records, or one
// release (whose fields are promoted from the embedded release).
type ocdsInPackage struct {
	Releases []ocdsInRelease `json:"releases"`
	Records  []ocdsInRecord  `json:"records"`
	ocdsInRelease
}

// ocdsInEntry is a release with where it sits in the file.
type ocdsInEntry struct {
	rel    ocdsInRelease
	line   int    // the release's (or record's) position, from 1
	prefix string // path of the release, for messages: "", "compiledRelease."
}

// readOCDSImport decodes any of the shapes into releases in file order.
func readOCDSImport(data []byte) (entries []ocdsInEntry, layout string, rerr *RowError) {
	text := []byte(decodeImportText(data))
	trimmed := bytes.TrimSpace(text)
	decode := func(v any) *RowError {
		err := json.Unmarshal(trimmed, v)
		var typeErr *json.UnmarshalTypeError
		if err == nil || errors.As(err, &typeErr) {
			return nil // a value of the wrong type was left empty
		}
		line := 1
		var syn *json.SyntaxError
		if errors.As(err, &syn) && syn.Offset <= int64(len(trimmed)) {
			line += bytes.Count(trimmed[:syn.Offset], []byte("\n"))
		}
		return &RowError{Line: line, Field: "file", Message: "not valid JSON: " + err.Error()}
	}
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var rels []ocdsInRelease
		if rerr := decode(&rels); rerr != nil {
			return nil, "", rerr
		}
		for i, r := range rels {
			entries = append(entries, ocdsInEntry{rel: r, line: i + 1})
		}
		return entries, "OCDS releases (a JSON array)", nil
	}
	var top ocdsInPackage
	if rerr := decode(&top); rerr != nil {
		return nil, "", rerr
	}
	switch {
	case len(top.Records) > 0:
		for i, rec := range top.Records {
			if rec.CompiledRelease != nil {
				r := *rec.CompiledRelease
				if r.OCID == "" {
					r.OCID = rec.OCID
				}
				entries = append(entries, ocdsInEntry{rel: r, line: i + 1, prefix: "compiledRelease."})
				continue
			}
			for j, r := range rec.Releases {
				if r.OCID == "" {
					r.OCID = rec.OCID
				}
				entries = append(entries, ocdsInEntry{rel: r, line: i + 1, prefix: fmt.Sprintf("releases[%d].", j)})
			}
		}
		return entries, "OCDS record package", nil
	case len(top.Releases) > 0:
		for i, r := range top.Releases {
			entries = append(entries, ocdsInEntry{rel: r, line: i + 1})
		}
		return entries, "OCDS release package", nil
	case top.OCID != "":
		return []ocdsInEntry{{rel: top.ocdsInRelease, line: 1}}, "OCDS release", nil
	}
	return nil, "", &RowError{Line: 1, Field: "file", Message: "not OCDS: expected a release package, a record package or an array of releases"}
}

// latestImportReleases keeps, of the releases that share an ocid, the one with
// the latest date (the later in the file when dates are equal).
func latestImportReleases(entries []ocdsInEntry) (kept []ocdsInEntry, superseded int) {
	best := map[string]int{}
	for i, e := range entries {
		ocid := e.rel.OCID.String()
		if ocid == "" {
			continue
		}
		j, ok := best[ocid]
		if !ok || !importReleaseTime(e.rel).Before(importReleaseTime(entries[j].rel)) {
			best[ocid] = i
		}
	}
	for i, e := range entries {
		if ocid := e.rel.OCID.String(); ocid != "" && best[ocid] != i {
			superseded++
			continue
		}
		kept = append(kept, e)
	}
	return kept, superseded
}

func importReleaseTime(r ocdsInRelease) time.Time {
	t, err := time.Parse(time.RFC3339, r.Date.String())
	if err != nil {
		d, _ := ParseImportDate(r.Date.String())
		return d.Time()
	}
	return t
}
