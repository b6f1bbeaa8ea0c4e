package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// From OCDS releases to register rows: which contracts and awards become
// rows, and how each field is read.

// parseOCDSImport reads the releases into rows for the councils that
// bought, only gss's when gss is set.
func parseOCDSImport(data []byte, gss string, lk importLookups) parsedImport {
	var p parsedImport
	entries, layout, rerr := readOCDSImport(data)
	if rerr != nil {
		p.errs = []RowError{*rerr}
		return p
	}
	p.res.Layout = layout
	entries, p.res.Superseded = latestImportReleases(entries)
	for _, e := range entries {
		buyers := lk.councils.buyersOf(e.rel)
		if len(buyers) == 0 {
			p.res.SkippedNotCouncil++
			continue
		}
		if gss != "" {
			if !containsString(buyers, gss) {
				p.res.SkippedOtherCouncil++
				continue
			}
			buyers = []string{gss}
		}
		rows, errs := importedContractRows(e, lk)
		if len(rows) == 0 && len(errs) == 0 {
			p.res.SkippedNoAward++
			continue
		}
		p.errs = append(p.errs, errs...)
		for _, b := range buyers {
			for _, r := range rows {
				r.gss = b
				p.rows = append(p.rows, r)
				p.res.Rows++
			}
		}
	}
	if len(entries) == 0 && p.res.Superseded == 0 {
		p.errs = append(p.errs, RowError{Line: 1, Field: "file", Message: "the file holds no releases"})
	}
	return p
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// importedContractRows turns a release's contracts (or, with none, its awards) into
// rows; cancelled and unsuccessful ones, and those with no supplier, are
// not contracts of the council.
func importedContractRows(e ocdsInEntry, lk importLookups) ([]importRow, []RowError) {
	rel := e.rel
	ocid := rel.OCID.String()
	var rows []importRow
	var errs []RowError
	awardByID := map[string]ocdsInAward{}
	for _, a := range rel.Awards {
		awardByID[a.ID.String()] = a
	}
	refs := map[string]int{}
	add := func(path, id, kind string, i int, a ocdsInAward, c *ocdsInContract) {
		if len(a.Suppliers) == 0 || a.Suppliers[0].Name.String() == "" && importPartyOf(rel, a.Suppliers[0].ID).Name.String() == "" {
			return
		}
		row, rowErrs := importedContractRow(e, path, importReference(ocid, id, kind, i), a, c, lk)
		if n := refs[row.in.Reference]; n > 0 {
			row.in.Reference = importReference(ocid, fmt.Sprintf("%s-%d", id, n+1), kind, i)
		}
		refs[row.in.Reference]++
		rows = append(rows, row)
		errs = append(errs, rowErrs...)
	}
	for i, c := range rel.Contracts {
		switch strings.ToLower(c.Status.String()) {
		case "cancelled":
			continue
		}
		a, ok := awardByID[c.AwardID.String()]
		if !ok && len(rel.Awards) == 1 {
			a = rel.Awards[0]
		}
		add(fmt.Sprintf("%scontracts[%d]", e.prefix, i), c.ID.String(), "contract", i, a, &rel.Contracts[i])
	}
	if len(rows) > 0 || len(errs) > 0 {
		return rows, errs
	}
	for i, a := range rel.Awards {
		switch strings.ToLower(a.Status.String()) {
		case "cancelled", "unsuccessful":
			continue
		}
		add(fmt.Sprintf("%sawards[%d]", e.prefix, i), a.ID.String(), "award", i, a, nil)
	}
	return rows, errs
}

// importReference is a row's reference: the award or contract id, prefixed
// with the ocid unless it already carries it, so it is unique in the
// council's register; ids too long for a reference keep their start and
// a hash of the whole.
func importReference(ocid, id, kind string, i int) string {
	if id == "" {
		id = fmt.Sprintf("%s-%d", kind, i+1)
	}
	ref := id
	if ocid != "" && !strings.HasPrefix(id, ocid) {
		ref = ocid + "-" + id
	}
	if len([]rune(ref)) > 100 {
		h := sha256.Sum256([]byte(ref))
		ref = string([]rune(ref)[:83]) + "-" + hex.EncodeToString(h[:8])
	}
	return ref
}

func importPartyOf(rel ocdsInRelease, id ocdsInText) ocdsInParty {
	if id == "" {
		return ocdsInParty{}
	}
	for _, p := range rel.Parties {
		if p.ID == id {
			return p
		}
	}
	return ocdsInParty{}
}

// importedContractRow reads one contract or award (c is nil for an award).
func importedContractRow(e ocdsInEntry, path, ref string, a ocdsInAward, c *ocdsInContract, lk importLookups) (importRow, []RowError) {
	rel := e.rel
	row := importRow{line: e.line, where: map[string]cell{}}
	in := &row.in
	var errs []RowError
	set := func(field, at, value string) string {
		row.where[field] = cell{column: at, value: value}
		return value
	}
	in.OCID = rel.OCID.String()
	in.Reference = set("reference", path+".id", ref)
	var cTitle, cDesc string
	var value ocdsInValue
	var period ocdsInPeriod
	valuePath, periodPath := e.prefix+"awards.value", e.prefix+"awards.contractPeriod"
	if c != nil {
		cTitle, cDesc, value, period = c.Title.String(), c.Description.String(), c.Value, c.Period
		valuePath, periodPath = path+".value", path+".period"
	}
	if value.Amount == "" {
		value = a.Value
		if c == nil {
			valuePath = path + ".value"
		}
	}
	if period.StartDate == "" && period.EndDate == "" {
		period = a.ContractPeriod
		if c == nil {
			periodPath = path + ".contractPeriod"
		}
		if period.StartDate == "" && period.EndDate == "" {
			period, periodPath = rel.Tender.ContractPeriod, e.prefix+"tender.contractPeriod"
		}
	}
	if period.MaxExtentDate == "" {
		period.MaxExtentDate = a.ContractPeriod.MaxExtentDate
	}
	title := firstNonBlank(cTitle, a.Title.String(), rel.Tender.Title.String(), rel.Tender.Description.String(), rel.Description.String())
	if title == "" {
		title = "Contract " + in.OCID
	}
	in.Title = set("title", path+".title", truncateRunes(strings.Join(strings.Fields(title), " "), 500))
	in.Description = set("description", path+".description",
		truncateRunes(firstNonBlank(cDesc, a.Description.String(), rel.Tender.Description.String()), 10000))

	sup := a.Suppliers[0]
	party := importPartyOf(rel, sup.ID)
	in.SupplierName = set("supplier", path+".suppliers[0].name", truncateRunes(firstNonBlank(sup.Name.String(), party.Name.String()), 300))
	in.SupplierCompanyNumber = importCompanyNumber(sup.ID, party)
	in.SME, in.VCSE = importPartyScale(party)
	var notes []string
	if len(a.Suppliers) > 1 {
		var others []string
		for _, s := range a.Suppliers[1:] {
			others = append(others, firstNonBlank(s.Name.String(), importPartyOf(rel, s.ID).Name.String()))
		}
		notes = append(notes, "Also awarded to: "+strings.Join(others, "; ")+".")
	}

	amount := set("total_value", valuePath+".amount", value.Amount.String())
	if cur := strings.ToUpper(value.Currency.String()); cur != "" && cur != "GBP" && amount != "" {
		notes = append(notes, fmt.Sprintf("Value %s %s not imported: Jointly holds amounts in pounds sterling.", amount, cur))
	} else if v, err := ParseImportMoney(amount); err != nil {
		errs = append(errs, RowError{Line: e.line, Field: valuePath + ".amount", Value: amount, Message: err.Error()})
	} else {
		in.TotalValuePence = v
	}
	for _, d := range []struct {
		field, key, raw string
		to              *Date
	}{{"start_date", "startDate", period.StartDate.String(), &in.StartDate}, {"end_date", "endDate", period.EndDate.String(), &in.EndDate},
		{"max_extension_date", "maxExtentDate", period.MaxExtentDate.String(), &in.MaxExtensionDate}} {
		at := periodPath + "." + d.key
		set(d.field, at, d.raw)
		v, err := ParseImportDate(d.raw)
		if err != nil {
			errs = append(errs, RowError{Line: e.line, Field: at, Value: d.raw, Message: err.Error()})
		}
		*d.to = v
	}
	in.ProcurementRoute = importRoute(rel.Tender)
	var items []ocdsInItem
	if c != nil {
		items = append(items, c.Items...)
	}
	items = append(append(items, a.Items...), rel.Tender.Items...)
	in.CategorySlug = importCategory(lk.categories, rel.Tender.Classification, items)
	in.Notes = strings.Join(notes, " ")
	return row, errs
}

func firstNonBlank(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// importCompanyNumber finds a supplier's Companies House number in its
// GB-COH identifiers; a number that does not read as one is left out
// (real notices hold some), so the supplier is matched by name instead.
func importCompanyNumber(id ocdsInText, p ocdsInParty) string {
	candidates := []string{}
	if s := id.String(); strings.HasPrefix(strings.ToUpper(s), "GB-COH-") {
		candidates = append(candidates, s)
	}
	for _, idn := range append([]ocdsInIdentifier{p.Identifier}, p.AdditionalIdentifiers...) {
		if strings.EqualFold(idn.Scheme.String(), "GB-COH") {
			candidates = append(candidates, idn.ID.String())
		}
	}
	for _, c := range candidates {
		if n, ok := NormaliseCompanyNumber(c); ok {
			return n
		}
	}
	return ""
}

// importPartyScale reads the supplier's size (details.scale, or a bare sme
// flag) and whether it is a voluntary or community organisation.
func importPartyScale(p ocdsInParty) (sme, vcse *bool) {
	switch strings.ToLower(p.Details.Scale.String()) {
	case "sme", "micro", "small", "medium":
		sme = importFlag(true)
	case "large":
		sme = importFlag(false)
	}
	if sme == nil {
		sme, _ = parseImportBool(p.SME.String())
	}
	vcse, _ = parseImportBool(p.Details.VCSE.String())
	return sme, vcse
}

func importFlag(b bool) *bool { return &b }

// importRoute reads the procurement route from the tender's method and its
// details ("Call-off from a framework agreement").
func importRoute(t ocdsInTender) string {
	if r, err := parseProcurementRoute(t.ProcurementMethodDetails.String()); err == nil && r != "" && r != "other" {
		return r
	}
	switch strings.ToLower(t.ProcurementMethod.String()) {
	case "open", "selective":
		return "tender"
	case "limited", "direct":
		return "direct"
	}
	return ""
}

// importCategory places a release in the taxonomy by its first CPV code
// that maps to a category: the tender's, then the items'.
func importCategory(cats []Category, main ocdsInClassification, items []ocdsInItem) string {
	codes := []ocdsInClassification{main}
	for _, it := range items {
		codes = append(append(codes, it.Classification), it.AdditionalClassifications...)
	}
	for _, c := range codes {
		scheme := strings.ToUpper(c.Scheme.String())
		if scheme != "" && scheme != "CPV" {
			continue
		}
		if code := cpvInText.FindString(c.ID.String()); code != "" {
			if slug := CategoryForCPV(cats, code); slug != "" {
				return slug
			}
		}
	}
	return ""
}
