package models_test

import (
	"context"
	"fmt"
	"testing"

	"jointly/models"
)

// Councils the export tests add, so what the demo seed holds never changes
// what they count.
const (
	allerdaleGSS   = "E07000026"
	westminsterGSS = "E09000033"
)

func exportDate(t testing.TB, s string) models.Date {
	t.Helper()
	d, err := models.ParseISODate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func exportBool(b bool) *bool { return &b }

// exportDB is a seeded database with two councils of its own, empty: the
// demo seed's registers are left alone.
func exportDB(t testing.TB) (*models.DB, context.Context) {
	t.Helper()
	db, _, ctx := seeded(t)
	mustImport(t, db, "gss_code,name,official_name,type,region\n"+
		allerdaleGSS+",Allerdale,Allerdale Borough Council,NMD,North West\n"+
		westminsterGSS+",Westminster,Westminster City Council,LBO,London\n")
	return db, ctx
}

// everyFieldContract has every field filled. Its supplier is made up, so
// no spelling of it in the demo seed changes what is exported.
func everyFieldContract(t testing.TB) models.ContractInput {
	return models.ContractInput{
		Reference: "ALL-0001", Title: "Revenues and benefits system", Department: "Resources",
		Description:  "Council tax, business rates and housing benefit, with \"e-billing\"\nand a portal",
		SupplierName: "Solway Revenues Software Limited", SupplierCompanyNumber: "SC654321",
		ProductName: "Solway Revenues", CategorySlug: "revenues-benefits",
		TotalValuePence: pence(123_456_789), AnnualValuePence: pence(24_691_358), IrrecoverableVATPence: pence(5),
		StartDate: exportDate(t, "2022-04-01"), EndDate: exportDate(t, "2027-03-31"), ReviewDate: exportDate(t, "2026-09-30"),
		MaxExtensionDate: exportDate(t, "2029-03-31"), EndOfSupportDate: exportDate(t, "2030-12-31"),
		ExtensionIntended: true, TimesExtended: 1, NoticePeriodMonths: months(6),
		ProcurementRoute: "framework", SME: exportBool(false), VCSE: exportBool(false), Hosting: models.HostingSaaS,
		Notes: "Extension to 2029 agreed in principle; see cabinet report 12/2025.",
	}
}

// bareContract has only what a contract must have.
func bareExportContract(ref string) models.ContractInput {
	return models.ContractInput{Reference: ref, Title: "Printing", SupplierName: "Jo Bloggs Printing"}
}

func exportContract(t testing.TB, db *models.DB, gss string, in models.ContractInput) models.Contract {
	t.Helper()
	c, err := db.CreateContract(context.Background(), models.System, gss, in)
	if err != nil {
		t.Fatalf("create contract %s: %v", in.Reference, err)
	}
	return c
}

// demoLikeRegister fills councils' registers the way real ones look: every
// category (those with a CPV code and those without), suppliers with and
// without a company number, contracts past, current and future, rolling
// ones with no end, values missing, and free text with quotes, commas,
// new lines, formula characters, markup and non-ASCII letters. It returns
// how many contracts it made.
func demoLikeRegisters(t testing.TB, db *models.DB, councils ...string) int {
	t.Helper()
	cats, err := db.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	suppliers := []struct{ name, number string }{
		{"Civica UK Limited", "01628868"}, {"NEC Software Solutions UK Limited", "00968498"},
		{"Capita Business Services Ltd", "02299747"}, {"Pennine Digital Ltd", ""},
		{"Ysgol Gymraeg Cyf", ""}, {"O'Brien & Søn Consulting", "SC123456"},
	}
	texts := []string{"", "Renewal, with options", "=HYPERLINK(\"http://evil.example\")", "-5% discount", "@SUM(A1)",
		"<script>alert(1)</script>", "Line one\nLine two", "Café Müller — bilingual service"}
	routes := []string{"", "tender", "quote", "framework", "direct", "other"}
	hosting := []string{"", models.HostingOnPremises, models.HostingHosted, models.HostingSaaS}
	n := 0
	for ci, gss := range councils {
		for i, cat := range cats {
			k := i + ci
			s := suppliers[k%len(suppliers)]
			in := models.ContractInput{
				Reference: fmt.Sprintf("%s-%03d", gss[len(gss)-3:], i), Title: cat.Name + " system",
				Department: texts[(k+1)%len(texts)], Description: texts[k%len(texts)],
				SupplierName: s.name, SupplierCompanyNumber: s.number, CategorySlug: cat.Slug,
				ProcurementRoute: routes[k%len(routes)], Hosting: hosting[k%len(hosting)], Notes: texts[(k+3)%len(texts)],
				StartDate: models.NewDate(2015+k%10, 4, 1),
			}
			if k%3 != 0 {
				in.ProductName = cat.Name + " Pro"
			}
			if k%4 != 1 {
				in.TotalValuePence = pence(int64(k) * 1_234_567)
				in.AnnualValuePence = pence(int64(k) * 123_456)
			}
			if k%5 != 2 { // the rest are rolling
				in.EndDate = models.NewDate(2024+k%8, 3, 31)
				in.NoticePeriodMonths = months(k % 13)
				if k%2 == 0 {
					in.MaxExtensionDate, in.ExtensionIntended = in.EndDate.AddMonths(24), k%4 == 0
				}
			}
			if k%2 == 1 {
				in.SME, in.VCSE = exportBool(k%3 == 0), exportBool(false)
			}
			exportContract(t, db, gss, in)
			n++
		}
	}
	return n
}
