package handlers

import (
	"strconv"
	"strings"
	"time"

	"jointly/models"
	"jointly/templates"
)

// The contract page shows stored values in words: money in pounds, dates
// long, codes as labels. These helpers do that for the summary lists and
// for the change history, whose values are stored as text.

// summarySection is one GOV.UK summary list under its own heading.
type summarySection struct {
	Heading string
	Rows    []summaryRow
}

// summaryRow is a key and its value, perhaps a link, perhaps with a tag.
type summaryRow struct {
	Key, Value, Href string
	Tag, TagClass    string
	Hint             string
}

const notRecorded = "Not recorded"

func orNotRecorded(s string) string {
	if strings.TrimSpace(s) == "" {
		return notRecorded
	}
	return s
}

func penceText(p *int64) string {
	if p == nil {
		return ""
	}
	return templates.FormatPence(*p)
}

func yesNoText(b *bool) string {
	switch {
	case b == nil:
		return "Not known"
	case *b:
		return "Yes"
	}
	return "No"
}

func routeLabel(code string) string {
	for _, r := range models.ProcurementRoutes {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}

// sourceLabel says how a contract or a change came in.
func sourceLabel(source string) string {
	switch source {
	case "", "manual":
		return "Entered on Jointly"
	case "csv":
		return "Imported from a CSV file"
	case "xlsx":
		return "Imported from a spreadsheet"
	case "ocds":
		return "Imported from Open Contracting (OCDS) data"
	case "api":
		return "Sent through the Jointly API"
	case "merge":
		return "Supplier merge by an administrator"
	}
	return source
}

// windowTag is the tag for a decision window's status (WindowStatus).
func windowTag(status string) (text, class string) {
	switch status {
	case "passed":
		return "Decision window passed", "govuk-tag--red"
	case "soon":
		return "Within 120 days", "govuk-tag--orange"
	}
	return "", ""
}

// contractSections lays out every field of a contract for its page.
func contractSections(k models.Contract, today models.Date) []summarySection {
	notice := ""
	if k.NoticePeriodMonths != nil {
		notice = strconv.Itoa(*k.NoticePeriodMonths) + " " + pluralWord(*k.NoticePeriodMonths, "month", "months")
	}
	company := k.SupplierCompanyNumber
	extend := "No"
	if k.ExtensionIntended {
		extend = "Yes, to the maximum extension date"
	}
	window := summaryRow{Key: "Decision window", Value: orNotRecorded(k.DecisionWindow.Long()),
		Hint: "When to start re-procuring: the end date (or the maximum extension date, if the council will extend) less the notice period and 9 months to procure."}
	if k.DecisionWindow.IsZero() {
		window.Value = "None: the contract has no end date"
	}
	window.Tag, window.TagClass = windowTag(k.WindowStatus(today))
	london := models.London()
	return []summarySection{
		{"The contract", []summaryRow{
			{Key: "Reference", Value: orNotRecorded(k.Reference)},
			{Key: "Title", Value: k.Title},
			{Key: "Department", Value: orNotRecorded(k.Department)},
			{Key: "Description", Value: orNotRecorded(k.Description)},
			{Key: "Category", Value: orNotRecorded(k.CategoryName)},
			{Key: "Procurement route", Value: orNotRecorded(routeLabel(k.ProcurementRoute))},
		}},
		{"Supplier and system", []summaryRow{
			{Key: "Supplier", Value: k.SupplierName},
			{Key: "Companies House number", Value: orNotRecorded(company)},
			{Key: "Small or medium-sized enterprise (SME)", Value: yesNoText(k.SME)},
			{Key: "Voluntary or community sector (VCSE)", Value: yesNoText(k.VCSE)},
			{Key: "Product or system", Value: orNotRecorded(k.ProductName)},
			{Key: "Hosting", Value: orNotRecorded(models.HostingLabel(k.Hosting))},
			{Key: "End of support", Value: orNotRecorded(k.EndOfSupportDate.Long())},
		}},
		{"Value", []summaryRow{
			{Key: "Annual value", Value: orNotRecorded(penceText(k.AnnualValuePence))},
			{Key: "Total value", Value: orNotRecorded(penceText(k.TotalValuePence))},
			{Key: "Irrecoverable VAT", Value: orNotRecorded(penceText(k.IrrecoverableVATPence))},
		}},
		{"Dates", []summaryRow{
			{Key: "Start date", Value: orNotRecorded(k.StartDate.Long())},
			{Key: "End date", Value: orNotRecorded(k.EndDate.Long())},
			{Key: "Review date", Value: orNotRecorded(k.ReviewDate.Long())},
			{Key: "Maximum extension date", Value: orNotRecorded(k.MaxExtensionDate.Long())},
			{Key: "Extension intended", Value: extend},
			{Key: "Times extended", Value: strconv.Itoa(k.TimesExtended)},
			{Key: "Notice period", Value: orNotRecorded(notice)},
			window,
		}},
		{"Record", []summaryRow{
			{Key: "Council", Value: k.CouncilName + "'s contract register", Href: registerPath(k.CouncilGSS)},
			{Key: "Source", Value: sourceLabel(k.Source)},
			{Key: "OCDS identifier", Value: orNotRecorded(k.OCID)},
			{Key: "Added", Value: templates.FormatDateTime(k.CreatedAt, london)},
			{Key: "Last changed", Value: templates.FormatDateTime(k.UpdatedAt, london)},
		}},
	}
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// historyLabels name the change history's fields in words.
var historyLabels = map[string]string{
	"reference": "Reference", "title": "Title", "department": "Department", "description": "Description",
	"supplier": "Supplier", "product": "Product or system", "category": "Category",
	"total_value_pence": "Total value", "annual_value_pence": "Annual value", "irrecoverable_vat_pence": "Irrecoverable VAT",
	"start_date": "Start date", "end_date": "End date", "review_date": "Review date",
	"max_extension_date": "Maximum extension date", "extension_intended": "Extension intended",
	"times_extended": "Times extended", "notice_period_months": "Notice period", "procurement_route": "Procurement route",
	"sme": "SME", "vcse": "VCSE", "hosting": "Hosting", "end_of_support_date": "End of support", "notes": "Notes",
	"ocid": "OCDS identifier",
}

// historyEntry is one change of a contract, ready to show.
type historyEntry struct {
	Action  string // Added, Changed, Deleted
	At      time.Time
	Who     string
	Via     string
	Changes []historyChange
}

type historyChange struct{ Field, Old, New string }

// historyEntries puts a contract's history into words; categories maps
// category slugs to names.
func historyEntries(changes []models.ContractChange, categories map[string]string) []historyEntry {
	out := make([]historyEntry, 0, len(changes))
	for _, ch := range changes {
		e := historyEntry{At: ch.At, Who: ch.ActorName, Via: sourceLabel(ch.Source)}
		switch ch.Action {
		case "create":
			e.Action = "Added"
		case "delete":
			e.Action = "Deleted"
		default:
			e.Action = "Changed"
		}
		for _, f := range ch.Changes {
			label, ok := historyLabels[f.Field]
			if !ok {
				label = strings.ReplaceAll(f.Field, "_", " ")
			}
			e.Changes = append(e.Changes, historyChange{Field: label,
				Old: historyValue(f.Field, f.Old, categories), New: historyValue(f.Field, f.New, categories)})
		}
		out = append(out, e)
	}
	return out
}

// historyValue shows a stored history value in words.
func historyValue(field, v string, categories map[string]string) string {
	if v == "" {
		return ""
	}
	switch {
	case strings.HasSuffix(field, "_pence"):
		if p, err := strconv.ParseInt(v, 10, 64); err == nil {
			return templates.FormatPence(p)
		}
	case strings.HasSuffix(field, "_date"):
		if d, err := models.ParseISODate(v); err == nil {
			return d.Long()
		}
	}
	switch field {
	case "hosting":
		if l := models.HostingLabel(v); l != "" {
			return l
		}
	case "procurement_route":
		return routeLabel(v)
	case "category":
		if name, ok := categories[v]; ok {
			return name
		}
	case "sme", "vcse", "extension_intended":
		switch v {
		case "yes":
			return "Yes"
		case "no":
			return "No"
		}
	case "notice_period_months":
		if n, err := strconv.Atoi(v); err == nil {
			return v + " " + pluralWord(n, "month", "months")
		}
	}
	return v
}

func categoryNames(cats []models.Category) map[string]string {
	m := make(map[string]string, len(cats))
	for _, c := range cats {
		m[c.Slug] = c.Name
	}
	return m
}
