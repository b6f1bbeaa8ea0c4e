package models

import (
	"strings"
	"unicode"
)

// ImportField is a register field an imported column can fill.
type ImportField struct {
	Key   string // as in ContractInput's validation messages: "total_value"
	Label string // in words, for the column-mapping page
	// Example is a header councils use for it, for messages.
	Example string
	// synonyms are normalised headers (see NormaliseImportHeader) that
	// mean this field in the layouts councils and Contracts Finder publish.
	synonyms []string
}

// ImportIgnore is the mapping that says "do not import this column".
const ImportIgnore = "ignore"

// importFields are the fields, in the order the mapping page lists them.
// The Transparency Code names come first; Contracts Finder's award-notice
// CSV names and common variants follow; then Jointly's own fields.
var importFields = []ImportField{
	{Key: "reference", Label: "Reference", Example: "Reference Number", synonyms: []string{
		"reference", "reference number", "reference no", "ref", "ref no", "ref number", "contract reference",
		"contract reference number", "contract ref", "contract ref no", "contract number", "contract no", "contract id",
		"our reference", "unique reference", "notice id", "agreement reference"}},
	{Key: "title", Label: "Title", Example: "Title of Agreement", synonyms: []string{
		"title", "title of agreement", "contract title", "agreement title", "title of contract", "contract name",
		"name of contract", "award title", "contract", "subject", "subject of contract"}},
	{Key: "department", Label: "Department", Example: "Department", synonyms: []string{
		"department", "service area", "directorate", "service", "department responsible", "responsible department",
		"business unit", "service department", "team"}},
	{Key: "description", Label: "Description", Example: "Description", synonyms: []string{
		"description", "contract description", "award description", "description of goods and services",
		"description of goods services", "description of contract", "summary", "details", "goods and services"}},
	{Key: "supplier", Label: "Supplier name", Example: "Supplier Name", synonyms: []string{
		"supplier", "supplier name", "name of supplier", "suppliers name", "contractor", "contractor name",
		"name of contractor", "provider", "provider name", "vendor", "vendor name", "awarded supplier", "supplier names"}},
	{Key: "supplier_company_number", Label: "Supplier's Companies House number", Example: "Supplier Company Number", synonyms: []string{
		"supplier company number", "company registration number", "companies house number", "company number",
		"registered company number", "supplier registered company number", "supplier company registration number",
		"supplier companies house number", "company reg no", "company registration no", "supplier company reg no",
		"registration number", "crn", "companies house registration number"}},
	{Key: "supplier_id", Label: "Supplier ID (with its scheme)", Example: "Supplier ID", synonyms: []string{"supplier id"}},
	{Key: "supplier_id_scheme", Label: "Supplier ID scheme (GB-COH is Companies House)", Example: "Supplier ID-scheme", synonyms: []string{
		"supplier id scheme", "supplier scheme"}},
	{Key: "total_value", Label: "Total (whole life) value", Example: "Total Contract Value", synonyms: []string{
		"value", "total value", "total contract value", "whole life value", "whole life cost", "contract value",
		"award value", "estimated total value", "total value of contract", "value of contract", "estimated value",
		"estimated contract value", "total estimated value", "value of agreement", "value gbp", "contract value gbp",
		"total value gbp", "whole life value gbp", "value inc vat", "value excluding vat", "value ex vat"}},
	{Key: "annual_value", Label: "Annual value", Example: "Annual Value", synonyms: []string{
		"annual value", "annual contract value", "value per annum", "yearly value", "annual cost", "estimated annual value",
		"annual value gbp", "annual spend", "annual estimated value", "value pa", "value p a"}},
	{Key: "irrecoverable_vat", Label: "Irrecoverable VAT", Example: "Irrecoverable VAT", synonyms: []string{
		"irrecoverable vat", "vat irrecoverable", "irrecoverable vat value", "irrecoverable vat amount", "non recoverable vat",
		"irrecoverable vat gbp"}},
	{Key: "currency", Label: "Currency of the values", Example: "Award Value - currency", synonyms: []string{
		"currency", "award value currency", "value currency"}},
	{Key: "start_date", Label: "Start date", Example: "Start Date", synonyms: []string{
		"start date", "contract start", "contract start date", "start", "commencement date", "date of commencement",
		"start date of agreement", "agreement start date"}},
	{Key: "end_date", Label: "End date", Example: "End Date", synonyms: []string{
		"end date", "expiry date", "contract end", "contract end date", "end", "expiry", "contract expiry date",
		"contract expiry", "end date of agreement", "agreement end date", "expiry date of agreement"}},
	{Key: "review_date", Label: "Review date", Example: "Review Date", synonyms: []string{
		"review date", "contract review date", "review", "date of review", "next review date"}},
	{Key: "procurement_route", Label: "Procurement route", Example: "ITT or Quote", synonyms: []string{
		"procurement route", "itt or quote", "itt quote", "itt or quotation", "invitation to tender or quote",
		"procurement method", "procurement type", "route to market", "tender or quote", "procurement process",
		"procurement procedure", "was the contract let through invitation to tender or quote",
		"invitation to tender or quotation", "route"}},
	{Key: "sme", Label: "SME", Example: "SME", synonyms: []string{
		"sme", "sme status", "is sme", "sme supplier", "supplier is sme", "supplier sme", "sme yes no", "is the supplier an sme", "sme y n"}},
	{Key: "vcse", Label: "Voluntary or community sector (VCSE)", Example: "VCSE", synonyms: []string{
		"vcse", "voluntary sector", "vcse status", "vcs", "voluntary or community sector", "voluntary community social enterprise",
		"voluntary community or social enterprise", "vcse yes no", "is vcse", "vcse supplier", "voluntary sector yes no",
		"is the supplier a vcse", "charity vcse", "vcse y n", "supplier vcse"}},
	{Key: "cpv", Label: "CPV code (places the contract in a category)", Example: "Classification Code", synonyms: []string{
		"classification code", "cpv", "cpv code", "cpv codes", "main cpv code", "cpv main code"}},
	{Key: "cpv_scheme", Label: "Classification scheme (CPV)", Example: "Classification Scheme", synonyms: []string{"classification scheme"}},
	{Key: "product", Label: "Product or system", Example: "Product", synonyms: []string{
		"product", "product system", "system", "product name", "system name", "software", "product or system", "application"}},
	{Key: "category", Label: "Category (Jointly's, by name or slug)", Example: "Category", synonyms: []string{
		"category", "jointly category", "technology category", "service category"}},
	{Key: "hosting", Label: "Hosting", Example: "Hosting", synonyms: []string{"hosting", "hosting model", "hosted", "deployment", "hosting type"}},
	{Key: "notice_period_months", Label: "Notice period (months)", Example: "Notice Period", synonyms: []string{
		"notice period", "notice period months", "notice period in months", "notice months"}},
	{Key: "max_extension_date", Label: "Maximum extension date", Example: "Maximum Extension Date", synonyms: []string{
		"maximum extension date", "max extension date", "latest possible end date", "extension end date", "max extent date",
		"end date including extensions", "final end date including extensions", "maximum end date", "end date with extensions",
		"end date incl extensions", "max end date"}},
	{Key: "extension_intended", Label: "Extension intended (yes or no)", Example: "Extension Intended", synonyms: []string{
		"extension intended", "will extend", "intend to extend", "intention to extend"}},
	{Key: "times_extended", Label: "Times extended", Example: "Times Extended", synonyms: []string{
		"times extended", "number of extensions", "extensions used"}},
	{Key: "end_of_support_date", Label: "Product's end of support date", Example: "End of Support Date", synonyms: []string{
		"end of support date", "end of support", "product end of support", "end of life date", "end of life", "support end date"}},
	{Key: "notes", Label: "Notes", Example: "Notes", synonyms: []string{"notes", "comments", "note", "comment", "remarks"}},
	{Key: "ocid", Label: "Open Contracting ID (OCID)", Example: "OCID", synonyms: []string{"ocid", "open contracting id"}},
}

// informationalHeaders are columns of the known layouts that the register
// does not hold: they are listed as "not imported" rather than unknown.
var informationalHeaders = map[string]bool{
	"published date": true, "buyer name": true, "buyer id scheme": true, "buyer id": true, "buyer locality": true,
	"supplier address locality": true, "supplier address postcode": true, "supplier address country": true,
	"supplier address street address": true, "date contract awarded": true, "award documents url": true,
	"classification description": true, "date awarded": true, "award date": true,
	"supplier address": true, "supplier postcode": true, "charity number": true, "supplier charity number": true,
	"organisation name": true, "organisation code": true, "body name": true, "organisation": true,
}

// ImportFields lists the fields a column can be mapped to.
func ImportFields() []ImportField { return importFields }

func importFieldByKey(key string) (ImportField, bool) {
	for _, f := range importFields {
		if f.Key == key {
			return f, true
		}
	}
	return ImportField{}, false
}

// importSynonyms is normalised header → field key.
var importSynonyms = func() map[string]string {
	m := map[string]string{}
	for _, f := range importFields {
		for _, s := range f.synonyms {
			m[s] = f.Key
		}
	}
	return m
}()

// NormaliseImportHeader reduces a column header to the form synonyms are
// kept in: lower case, no punctuation, single spaces, and no trailing
// unit such as "(£)". "Supplier Name:" and "supplier_name" are both
// "supplier name"; "Award Value - currency" is "award value currency".
func NormaliseImportHeader(h string) string {
	h = strings.ReplaceAll(strings.ToLower(cleanImportText(h)), "&", " and ")
	h = strings.NewReplacer("'", "", "\u2019", "", "£", " gbp ").Replace(h)
	words := strings.FieldsFunc(h, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(words, " ")
}

// Where a column's mapping came from.
const (
	MappedRecognised    = "recognised"    // a name Jointly knows
	MappedRemembered    = "remembered"    // chosen on an earlier import for this council
	MappedChosen        = "chosen"        // chosen for this import
	MappedInformational = "informational" // known, but not held in the register
	MappedUnknown       = "unknown"       // not known: ignored unless mapped
	MappedDuplicate     = "duplicate"     // its field already comes from an earlier column
	MappedIgnored       = "ignored"       // the user said to ignore it
)

// HeaderMapping says how one column of a file is read.
type HeaderMapping struct {
	Column int    // 0-based
	Header string // as in the file
	Field  string // the field's key, or "" when the column is not imported
	Label  string // the field in words
	How    string // one of the Mapped… constants
}

// mapHeaders decides each column's field: the mappings chosen for this
// import first, then those remembered for the council, then the names
// Jointly knows. Each field is filled from one column: a later column
// that maps to a field already taken is reported as a duplicate.
func mapHeaders(headers []string, chosen, remembered map[string]string) []HeaderMapping {
	out := make([]HeaderMapping, len(headers))
	norms := make([]string, len(headers))
	for i, h := range headers {
		norms[i] = NormaliseImportHeader(h)
		out[i] = HeaderMapping{Column: i, Header: cleanImportText(h)}
	}
	taken := map[string]bool{}
	assign := func(i int, field, how string) {
		switch {
		case field == "" || field == ImportIgnore:
			out[i].How = MappedIgnored
		case taken[field]:
			out[i].How = MappedDuplicate
		default:
			taken[field] = true
			f, _ := importFieldByKey(field)
			out[i].Field, out[i].Label, out[i].How = field, f.Label, how
		}
	}
	for _, pass := range []struct {
		how   string
		table map[string]string
	}{{MappedChosen, chosen}, {MappedRemembered, remembered}, {MappedRecognised, importSynonyms}} {
		for i, norm := range norms {
			if out[i].How != "" {
				continue
			}
			if f, ok := pass.table[norm]; ok && norm != "" {
				assign(i, f, pass.how)
			}
		}
	}
	for i, norm := range norms {
		switch {
		case out[i].How != "":
		case norm == "":
			out[i].How = MappedIgnored
		case informationalHeaders[norm]:
			out[i].How = MappedInformational
		default:
			out[i].How = MappedUnknown
		}
	}
	return out
}

// recognisedCount is how many columns map to a field, to find the header
// row below a title or blank lines.
func recognisedCount(headers []string, chosen, remembered map[string]string) int {
	n := 0
	for _, m := range mapHeaders(headers, chosen, remembered) {
		if m.Field != "" {
			n++
		}
	}
	return n
}
