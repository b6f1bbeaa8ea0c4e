package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// contractForm is the add and edit contract form as typed: money, numbers
// and dates stay text until Validate reads them, so a value that cannot be
// read is shown again as typed, with a message, and never becomes zero.
// Each date is a GOV.UK date input: three boxes named field-day,
// field-month and field-year.
type contractForm struct {
	Reference   string `form:"reference"`
	Title       string `form:"title"`
	Department  string `form:"department"`
	Description string `form:"description"`

	Supplier              string `form:"supplier"`
	SupplierCompanyNumber string `form:"supplier_company_number"`
	Product               string `form:"product"`
	Category              string `form:"category"`

	TotalValue       string `form:"total_value"`
	AnnualValue      string `form:"annual_value"`
	IrrecoverableVAT string `form:"irrecoverable_vat"`

	StartDay          string `form:"start_date-day"`
	StartMonth        string `form:"start_date-month"`
	StartYear         string `form:"start_date-year"`
	EndDay            string `form:"end_date-day"`
	EndMonth          string `form:"end_date-month"`
	EndYear           string `form:"end_date-year"`
	ReviewDay         string `form:"review_date-day"`
	ReviewMonth       string `form:"review_date-month"`
	ReviewYear        string `form:"review_date-year"`
	MaxExtensionDay   string `form:"max_extension_date-day"`
	MaxExtensionMonth string `form:"max_extension_date-month"`
	MaxExtensionYear  string `form:"max_extension_date-year"`
	EndOfSupportDay   string `form:"end_of_support_date-day"`
	EndOfSupportMonth string `form:"end_of_support_date-month"`
	EndOfSupportYear  string `form:"end_of_support_date-year"`

	ExtensionIntended string `form:"extension_intended"`
	TimesExtended     string `form:"times_extended"`
	NoticePeriod      string `form:"notice_period_months"`
	ProcurementRoute  string `form:"procurement_route"`
	SME               string `form:"sme"`
	VCSE              string `form:"vcse"`
	Hosting           string `form:"hosting"`
	Notes             string `form:"notes"`
}

// dateParts is a GOV.UK date input's three boxes, as typed.
type dateParts struct{ Day, Month, Year string }

// datePartsFromForm reads the posted boxes of date input name: name-day,
// name-month and name-year.
func datePartsFromForm(c *gin.Context, name string) dateParts {
	return dateParts{Day: c.PostForm(name + "-day"), Month: c.PostForm(name + "-month"), Year: c.PostForm(name + "-year")}
}

// datePartsOf shows the calendar date of t in the boxes.
func datePartsOf(t time.Time) dateParts {
	return dateParts{Day: strconv.Itoa(t.Day()), Month: strconv.Itoa(int(t.Month())), Year: strconv.Itoa(t.Year())}
}

// dateInput is what the "dateInput" partial (templates/partials/forms.html)
// draws: a GOV.UK date input with its message, and for a deadline a time
// box too.
type dateInput struct {
	Name, Legend, Hint, Error string
	LegendSize                string // the govuk-fieldset__legend-- size: "s" when empty
	Parts                     dateParts
	WithTime                  bool   // draw the time box (name-time), UK time
	Time                      string // the time box as typed
}

// Date returns the boxes of the date field name ("end_date").
func (f *contractForm) Date(name string) dateParts {
	switch name {
	case "start_date":
		return dateParts{f.StartDay, f.StartMonth, f.StartYear}
	case "end_date":
		return dateParts{f.EndDay, f.EndMonth, f.EndYear}
	case "review_date":
		return dateParts{f.ReviewDay, f.ReviewMonth, f.ReviewYear}
	case "max_extension_date":
		return dateParts{f.MaxExtensionDay, f.MaxExtensionMonth, f.MaxExtensionYear}
	case "end_of_support_date":
		return dateParts{f.EndOfSupportDay, f.EndOfSupportMonth, f.EndOfSupportYear}
	}
	return dateParts{}
}

func (f *contractForm) setDate(name string, d models.Date) {
	p := dateParts{}
	if !d.IsZero() {
		p = datePartsOf(d.Time())
	}
	switch name {
	case "start_date":
		f.StartDay, f.StartMonth, f.StartYear = p.Day, p.Month, p.Year
	case "end_date":
		f.EndDay, f.EndMonth, f.EndYear = p.Day, p.Month, p.Year
	case "review_date":
		f.ReviewDay, f.ReviewMonth, f.ReviewYear = p.Day, p.Month, p.Year
	case "max_extension_date":
		f.MaxExtensionDay, f.MaxExtensionMonth, f.MaxExtensionYear = p.Day, p.Month, p.Year
	case "end_of_support_date":
		f.EndOfSupportDay, f.EndOfSupportMonth, f.EndOfSupportYear = p.Day, p.Month, p.Year
	}
}

// contractFields is every field of the form in page order, with its label
// as error messages and the change history name it. Error summaries list
// problems in this order, and a date's problems link to its day box (whose
// id is the field's name).
var contractFields = []struct{ Name, Label string }{
	{"reference", "Reference"}, {"title", "Title"}, {"department", "Department"}, {"description", "Description"},
	{"supplier", "Supplier"}, {"supplier_company_number", "Companies House number"}, {"product", "Product or system"},
	{"category", "Category"},
	{"total_value", "Total value"}, {"annual_value", "Annual value"}, {"irrecoverable_vat", "Irrecoverable VAT"},
	{"start_date", "Start date"}, {"end_date", "End date"}, {"review_date", "Review date"},
	{"max_extension_date", "Maximum extension date"}, {"extension_intended", "Extension intended"},
	{"times_extended", "Times extended"}, {"notice_period_months", "Notice period"},
	{"procurement_route", "Procurement route"}, {"sme", "SME"}, {"vcse", "VCSE"}, {"hosting", "Hosting"},
	{"end_of_support_date", "End of support date"}, {"notes", "Notes"},
}

var dateFields = []struct{ Name, Label string }{
	{"start_date", "Start date"}, {"end_date", "End date"}, {"review_date", "Review date"},
	{"max_extension_date", "Maximum extension date"}, {"end_of_support_date", "End of support date"},
}

// Validate reads the form into a models.ContractInput. It reports what
// cannot be read (money, dates, whole numbers, yes/no answers) and then
// what the model's own rules say about the rest, as one list in the
// form's order, so the page shows every problem at once.
func (f *contractForm) Validate() (models.ContractInput, *models.ValidationError) {
	verr := &models.ValidationError{}
	in := models.ContractInput{
		Reference: f.Reference, Title: f.Title, Department: f.Department, Description: f.Description,
		SupplierName: f.Supplier, SupplierCompanyNumber: strings.TrimSpace(f.SupplierCompanyNumber),
		ProductName: f.Product, CategorySlug: f.Category,
		ExtensionIntended: f.ExtensionIntended == "yes", ProcurementRoute: f.ProcurementRoute, Hosting: f.Hosting,
		Notes: f.Notes, Source: "manual",
	}
	money := func(field, label, typed string) *int64 {
		p, err := poundsFromForm(typed)
		if err != nil {
			verr.Add(field, label+" "+err.Error())
		}
		return p
	}
	in.TotalValuePence = money("total_value", "Total value", f.TotalValue)
	in.AnnualValuePence = money("annual_value", "Annual value", f.AnnualValue)
	in.IrrecoverableVATPence = money("irrecoverable_vat", "Irrecoverable VAT", f.IrrecoverableVAT)

	dates := map[string]*models.Date{
		"start_date": &in.StartDate, "end_date": &in.EndDate, "review_date": &in.ReviewDate,
		"max_extension_date": &in.MaxExtensionDate, "end_of_support_date": &in.EndOfSupportDate,
	}
	for _, d := range dateFields {
		v, msg := dateFromForm(d.Label, f.Date(d.Name))
		if msg != "" {
			verr.Add(d.Name, msg)
		}
		*dates[d.Name] = v
	}

	if n, ok := wholeNumberFromForm(f.NoticePeriod); ok {
		in.NoticePeriodMonths = n
	} else {
		verr.Add("notice_period_months", "Notice period must be a whole number of months, like 6")
	}
	if n, ok := wholeNumberFromForm(f.TimesExtended); !ok {
		verr.Add("times_extended", "Times extended must be a whole number, like 2")
	} else if n != nil {
		in.TimesExtended = *n
	}
	yesNo := func(field, label, v string) *bool {
		switch v {
		case "":
			return nil
		case "yes", "no":
			b := v == "yes"
			return &b
		}
		verr.Add(field, "Select whether the supplier is "+label+", or not known")
		return nil
	}
	in.SME = yesNo("sme", "a small or medium-sized enterprise", f.SME)
	in.VCSE = yesNo("vcse", "a voluntary or community sector organisation", f.VCSE)

	// The model's rules, for the fields that could be read: a field that
	// already has a message keeps that one.
	for _, fe := range in.Validate().Fields {
		if !verr.Has(fe.Field) {
			verr.Add(fe.Field, fe.Message)
		}
	}
	return in, inFormOrder(verr)
}

// inFormOrder sorts a validation error's fields into the form's order, so
// the error summary reads top to bottom like the form.
func inFormOrder(verr *models.ValidationError) *models.ValidationError {
	out := &models.ValidationError{}
	for _, cf := range contractFields {
		for _, fe := range verr.Fields {
			if fe.Field == cf.Name {
				out.Fields = append(out.Fields, fe)
			}
		}
	}
	for _, fe := range verr.Fields { // any the form does not know, last
		if !out.Has(fe.Field) {
			out.Fields = append(out.Fields, fe)
		}
	}
	return out
}

// formFromContract fills the edit form with a stored contract.
func formFromContract(c models.Contract) contractForm {
	f := contractForm{
		Reference: c.Reference, Title: c.Title, Department: c.Department, Description: c.Description,
		Supplier: c.SupplierName, SupplierCompanyNumber: c.SupplierCompanyNumber, Product: c.ProductName,
		Category:   c.CategorySlug,
		TotalValue: formatPoundsInput(c.TotalValuePence), AnnualValue: formatPoundsInput(c.AnnualValuePence),
		IrrecoverableVAT: formatPoundsInput(c.IrrecoverableVATPence),
		TimesExtended:    strconv.Itoa(c.TimesExtended),
		ProcurementRoute: c.ProcurementRoute, SME: yesNoValue(c.SME), VCSE: yesNoValue(c.VCSE),
		Hosting: c.Hosting, Notes: c.Notes,
	}
	if c.ExtensionIntended {
		f.ExtensionIntended = "yes"
	}
	if c.NoticePeriodMonths != nil {
		f.NoticePeriod = strconv.Itoa(*c.NoticePeriodMonths)
	}
	f.setDate("start_date", c.StartDate)
	f.setDate("end_date", c.EndDate)
	f.setDate("review_date", c.ReviewDate)
	f.setDate("max_extension_date", c.MaxExtensionDate)
	f.setDate("end_of_support_date", c.EndOfSupportDate)
	return f
}

// yesNoValue writes a *bool back as a yes/no radio's value: "" for
// neither.
func yesNoValue(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

// maxPoundDigits keeps parsed money far from int64's limit; the model's own
// limit (under £1 trillion) gives the message for anything between.
const maxPoundDigits = 15

// poundsFromForm reads money as people type it: "1234", "1,234.56", "£1,234.5",
// "£ 450 000". Blank is no value (nil). Anything else that is not an
// amount of pounds with at most two decimal places is an error, never zero;
// its text completes a sentence that starts with the field's label.
func poundsFromForm(s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	neg := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, strings.TrimSpace(rest)
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "£"))
	s = strings.NewReplacer(",", "", " ", "", "\u00a0", "").Replace(s)
	whole, frac, hasPoint := strings.Cut(s, ".")
	bad := fmt.Errorf("must be an amount of money in pounds, like 1,234.56")
	if whole == "" && frac == "" || !onlyDigits(whole) && whole != "" || hasPoint && (frac == "" || !onlyDigits(frac)) {
		return nil, bad
	}
	if len(frac) > 2 {
		return nil, fmt.Errorf("must be in pounds and pence, with no more than 2 numbers after the point, like 1,234.56")
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxPoundDigits {
		return nil, fmt.Errorf("must be less than £1 trillion")
	}
	pounds, _ := strconv.ParseInt("0"+whole, 10, 64)
	pence, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	v := pounds*100 + pence
	if neg {
		v = -v
	}
	return &v, nil
}

func onlyDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// formatPoundsInput shows pence as an edit box's starting value: "450,000"
// or "1,234.56", which poundsFromForm reads back to the same pence.
func formatPoundsInput(p *int64) string {
	if p == nil {
		return ""
	}
	return strings.Replace(templates.FormatPence(*p), "£", "", 1)
}

// wholeNumberFromForm reads a small whole number; blank is nil.
func wholeNumberFromForm(s string) (*int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	if !onlyDigits(s) || len(s) > 6 {
		return nil, false
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, false
	}
	return &n, true
}

// formMonthNames lets people type the month as a word, as GOV.UK date inputs
// accept: "March", "mar".
var formMonthNames = func() map[string]int {
	m := map[string]int{}
	for i := time.January; i <= time.December; i++ {
		name := strings.ToLower(i.String())
		m[name], m[name[:3]] = int(i), int(i)
	}
	m["sept"] = 9
	return m
}()

// dateFromForm reads a GOV.UK date input. All three boxes blank is no
// date. Otherwise it answers with the GOV.UK message for what is wrong:
// "End date must include a month", "End date must be a real date",
// "End date year must include 4 numbers".
func dateFromForm(label string, p dateParts) (models.Date, string) {
	day, month, year := strings.TrimSpace(p.Day), strings.TrimSpace(p.Month), strings.TrimSpace(p.Year)
	if day == "" && month == "" && year == "" {
		return models.Date{}, ""
	}
	var missing []string
	for _, part := range []struct{ name, v string }{{"day", day}, {"month", month}, {"year", year}} {
		if part.v == "" {
			missing = append(missing, part.name)
		}
	}
	switch len(missing) {
	case 1:
		return models.Date{}, label + " must include a " + missing[0]
	case 2:
		return models.Date{}, label + " must include a " + missing[0] + " and a " + missing[1]
	}
	d, okDay := smallNumberFromForm(day)
	m, okMonth := smallNumberFromForm(month)
	if !okMonth {
		m, okMonth = formMonthNames[strings.ToLower(month)]
	}
	y, okYear := smallNumberFromForm(year)
	if onlyDigits(year) && len(year) != 4 {
		return models.Date{}, label + " year must include 4 numbers"
	}
	if !okDay || !okMonth || !okYear || m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200 {
		return models.Date{}, label + " must be a real date"
	}
	date := models.NewDate(y, time.Month(m), d)
	if t := date.Time(); t.Day() != d { // 31 February rolls over: not real
		return models.Date{}, label + " must be a real date"
	}
	return date, ""
}

func smallNumberFromForm(s string) (int, bool) {
	if !onlyDigits(s) || len(s) > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
