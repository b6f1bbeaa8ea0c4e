package handlers

import (
	"fmt"
	"strings"
	"testing"

	"jointly/models"
)

func TestPoundsFromForm(t *testing.T) {
	tests := []struct {
		in      string
		pence   int64
		null    bool
		wantErr string
	}{
		{in: "", null: true},
		{in: "   ", null: true},
		{in: "0", pence: 0},
		{in: "1234", pence: 123400},
		{in: "1,234.56", pence: 123456},
		{in: "£1,234.56", pence: 123456},
		{in: "£ 1,234.5", pence: 123450},
		{in: "450 000", pence: 45000000},
		{in: "0.99", pence: 99},
		{in: ".5", pence: 50},
		{in: "007", pence: 700},
		{in: "-12", pence: -1200}, // read; the model says money cannot be negative
		{in: "999999999999999", pence: 99999999999999900},
		{in: "twelve", wantErr: "must be an amount of money in pounds"},
		{in: "12.345", wantErr: "no more than 2 numbers after the point"},
		{in: "1.2.3", wantErr: "must be an amount of money"},
		{in: "12.", wantErr: "must be an amount of money"},
		{in: ".", wantErr: "must be an amount of money"},
		{in: "£", wantErr: "must be an amount of money"},
		{in: "1e6", wantErr: "must be an amount of money"},
		{in: "45k", wantErr: "must be an amount of money"},
		{in: "--5", wantErr: "must be an amount of money"},
		{in: "$100", wantErr: "must be an amount of money"},
		{in: "1234567890123456", wantErr: "less than £1 trillion"},
		{in: "99999999999999999999999", wantErr: "less than £1 trillion"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := poundsFromForm(tt.in)
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("poundsFromForm(%q) = %v, %v; want an error saying %q", tt.in, got, err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("poundsFromForm(%q) gave %d with its error: an unreadable amount must not become a number", tt.in, *got)
				}
			case err != nil:
				t.Errorf("poundsFromForm(%q): %v", tt.in, err)
			case tt.null != (got == nil):
				t.Errorf("poundsFromForm(%q) = %v, want nil=%v", tt.in, got, tt.null)
			case got != nil && *got != tt.pence:
				t.Errorf("poundsFromForm(%q) = %d, want %d", tt.in, *got, tt.pence)
			}
		})
	}
}

// TestPoundsRoundTrip checks that what the edit form shows reads back as
// the same pence.
func TestPoundsRoundTrip(t *testing.T) {
	for _, p := range []int64{0, 1, 99, 100, 123456, 45000000, 100000001, -2550} {
		shown := formatPoundsInput(&p)
		got, err := poundsFromForm(shown)
		if err != nil || got == nil || *got != p {
			t.Errorf("%d pence is shown as %q, read back as %v, %v", p, shown, got, err)
		}
	}
	if formatPoundsInput(nil) != "" {
		t.Errorf("no value should show as an empty box")
	}
}

func TestDateFromForm(t *testing.T) {
	tests := []struct {
		day, month, year string
		want, msg        string
	}{
		{"", "", "", "", ""},
		{" ", "", " ", "", ""},
		{"3", "3", "2027", "2027-03-03", ""},
		{"03", "03", "2027", "2027-03-03", ""},
		{"29", "2", "2028", "2028-02-29", ""},
		{"1", "March", "2027", "2027-03-01", ""},
		{"1", "sept", "2027", "2027-09-01", ""},
		{"1", "DEC", "2027", "2027-12-01", ""},
		{"29", "2", "2027", "", "End date must be a real date"},
		{"31", "4", "2027", "", "End date must be a real date"},
		{"0", "1", "2027", "", "End date must be a real date"},
		{"1", "13", "2027", "", "End date must be a real date"},
		{"x", "1", "2027", "", "End date must be a real date"},
		{"1", "Marchember", "2027", "", "End date must be a real date"},
		{"-1", "1", "2027", "", "End date must be a real date"},
		{"1", "1", "0027", "", "End date must be a real date"},
		{"1", "1", "27", "", "End date year must include 4 numbers"},
		{"1", "1", "20277", "", "End date year must include 4 numbers"},
		{"", "1", "2027", "", "End date must include a day"},
		{"1", "", "2027", "", "End date must include a month"},
		{"1", "1", "", "", "End date must include a year"},
		{"", "", "2027", "", "End date must include a day and a month"},
		{"1", "", "", "", "End date must include a month and a year"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s", tt.day, tt.month, tt.year), func(t *testing.T) {
			got, msg := dateFromForm("End date", dateParts{tt.day, tt.month, tt.year})
			if got.String() != tt.want || msg != tt.msg {
				t.Errorf("got %q, %q; want %q, %q", got, msg, tt.want, tt.msg)
			}
		})
	}
}

// TestContractFormRoundTrip checks that a stored contract, shown in the
// edit form and sent back unchanged, is the same contract.
func TestContractFormRoundTrip(t *testing.T) {
	p := func(v int64) *int64 { return &v }
	n := 6
	yes, no := true, false
	c := models.Contract{Reference: "R-1", Title: "T", Department: "D", Description: "Desc", SupplierName: "Civica UK Ltd",
		SupplierCompanyNumber: "01628868", ProductName: "Open Revenues", CategorySlug: "revenues-benefits",
		TotalValuePence: p(123456), AnnualValuePence: p(4500000), IrrecoverableVATPence: p(0),
		StartDate: models.NewDate(2023, 4, 1), EndDate: models.NewDate(2028, 3, 31), ReviewDate: models.NewDate(2027, 1, 15),
		MaxExtensionDate: models.NewDate(2030, 3, 31), EndOfSupportDate: models.NewDate(2029, 12, 31),
		ExtensionIntended: true, TimesExtended: 2, NoticePeriodMonths: &n, ProcurementRoute: "framework",
		SME: &yes, VCSE: &no, Hosting: models.HostingSaaS, Notes: "**n**"}
	f := formFromContract(c)
	in, verr := f.Validate()
	if verr.Err() != nil {
		t.Fatal(verr)
	}
	got := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s|%d|%d|%d|%s|%s|%s|%s|%s|%v|%d|%d|%s|%v|%v|%s|%s",
		in.Reference, in.Title, in.Department, in.Description, in.SupplierName, in.SupplierCompanyNumber, in.ProductName, in.CategorySlug,
		*in.TotalValuePence, *in.AnnualValuePence, *in.IrrecoverableVATPence, in.StartDate, in.EndDate, in.ReviewDate, in.MaxExtensionDate,
		in.EndOfSupportDate, in.ExtensionIntended, in.TimesExtended, *in.NoticePeriodMonths, in.ProcurementRoute, *in.SME, *in.VCSE, in.Hosting, in.Notes)
	want := "R-1|T|D|Desc|Civica UK Ltd|01628868|Open Revenues|revenues-benefits|123456|4500000|0|2023-04-01|2028-03-31|2027-01-15|2030-03-31|2029-12-31|true|2|6|framework|true|false|saas|**n**"
	if got != want {
		t.Errorf("round trip\n got %s\nwant %s", got, want)
	}
}

func TestPaginate(t *testing.T) {
	href := func(n int) string { return fmt.Sprint(n) }
	show := func(p *pagination) string {
		if p == nil {
			return "none"
		}
		var parts []string
		for _, it := range p.Items {
			switch {
			case it.Ellipsis:
				parts = append(parts, "…")
			case it.Current:
				parts = append(parts, "["+it.Href+"]")
			default:
				parts = append(parts, it.Href)
			}
		}
		return "<" + p.Previous + " " + strings.Join(parts, " ") + " " + p.Next + ">"
	}
	tests := []struct {
		current, pages int
		want           string
	}{
		{1, 1, "none"},
		{1, 2, "< [1] 2 2>"},
		{2, 2, "<1 1 [2] >"},
		{1, 10, "< [1] 2 … 10 2>"},
		{5, 10, "<4 1 … 4 [5] 6 … 10 6>"},
		{3, 10, "<2 1 2 [3] 4 … 10 4>"},
		{10, 10, "<9 1 … 9 [10] >"},
	}
	for _, tt := range tests {
		if got := show(paginate("", tt.current, tt.pages, href)); got != tt.want {
			t.Errorf("paginate(%d, %d) = %s, want %s", tt.current, tt.pages, got, tt.want)
		}
	}
	if pageCount(0, 50) != 1 || pageCount(50, 50) != 1 || pageCount(51, 50) != 2 {
		t.Errorf("pageCount is wrong")
	}
	for in, want := range map[string]int{"": 1, "2": 2, "0": 1, "-4": 1, "x": 1} {
		if got := pageParam(in); got != want {
			t.Errorf("pageParam(%q) = %d, want %d", in, got, want)
		}
	}
}
