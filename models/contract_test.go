package models_test

import (
	"context"
	"errors"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

func pence(v int64) *int64 { return &v }
func months(v int) *int    { return &v }

func TestDecisionWindow(t *testing.T) {
	d := func(s string) models.Date {
		v, err := models.ParseISODate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name         string
		end, maxExt  string
		extend       bool
		notice, lead int
		want         string
	}{
		{"end minus notice and lead", "2027-12-31", "", false, 3, 9, "2026-12-31"},
		{"extension intended uses the max extension date", "2027-12-31", "2029-12-31", true, 3, 9, "2028-12-31"},
		{"extension not intended ignores it", "2027-12-31", "2029-12-31", false, 0, 9, "2027-03-31"},
		{"month ends clamp", "2027-05-31", "", false, 3, 0, "2027-02-28"},
		{"rolling contract has none", "", "", false, 3, 9, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := models.DecisionWindow(d(tt.end), d(tt.maxExt), tt.extend, tt.notice, tt.lead)
			if got.String() != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContractLifecycleRecordsEveryChange(t *testing.T) {
	ctx := context.Background()
	db, _ := testutil.SeededDB(t)
	officer, err := db.UserByEmail(ctx, testutil.OfficerEmail)
	if err != nil {
		t.Fatal(err)
	}
	end, _ := models.ParseISODate("2028-03-31")
	in := models.ContractInput{
		Reference: "LCC-0001", Title: "Revenues and benefits system", SupplierName: "CIVICA UK LTD", SupplierCompanyNumber: "1628868",
		ProductName: "Civica OpenRevenues", CategorySlug: "revenues-benefits", AnnualValuePence: pence(45_000_000),
		EndDate: end, NoticePeriodMonths: months(6), Hosting: models.HostingOnPremises,
	}
	c, err := db.CreateContract(ctx, officer, "E08000035", in)
	if err != nil {
		t.Fatal(err)
	}
	if c.SupplierCompanyNumber != "01628868" || c.ProductName != "Civica OpenRevenues" || c.DecisionWindow.String() != "2026-12-31" {
		t.Errorf("created %+v", c)
	}
	// The same supplier under another spelling, without a number, is the same supplier.
	in2 := in
	in2.SupplierName, in2.SupplierCompanyNumber = "Civica UK Limited", ""
	in2.AnnualValuePence = pence(47_500_000)
	c2, err := db.UpdateContract(ctx, officer, c.ID, in2)
	if err != nil {
		t.Fatal(err)
	}
	if c2.SupplierID != c.SupplierID || c2.ProductID != c.ProductID {
		t.Errorf("supplier %d→%d, product %d→%d: want the same", c.SupplierID, c2.SupplierID, c.ProductID, c2.ProductID)
	}
	hist, err := db.ContractHistory(ctx, officer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Action != "update" || len(hist[0].Changes) != 1 ||
		hist[0].Changes[0] != (models.FieldChange{Field: "annual_value_pence", Old: "45000000", New: "47500000"}) {
		t.Errorf("history = %+v", hist)
	}
	// An officer of another council may not touch it.
	other, _ := db.UserByEmail(ctx, testutil.Officer2Email)
	if _, err := db.UpdateContract(ctx, other, c.ID, in2); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("other council's officer update: %v, want ErrForbidden", err)
	}
	if err := db.DeleteContract(ctx, other, c.ID); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("other council's officer delete: %v, want ErrForbidden", err)
	}
	// Suppliers cannot read registers at all.
	supplier, _ := db.UserByEmail(ctx, testutil.SupplierEmail)
	if _, err := db.ContractByID(ctx, supplier, c.ID); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier read: %v, want ErrForbidden", err)
	}
	if err := db.DeleteContract(ctx, officer, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ContractByID(ctx, officer, c.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("after delete: %v, want ErrNotFound", err)
	}
	hist, _ = db.ContractHistory(ctx, officer, c.ID)
	if len(hist) != 3 || hist[0].Action != "delete" {
		t.Errorf("history after delete = %+v", hist)
	}
}

func TestContractValidation(t *testing.T) {
	start, _ := models.ParseISODate("2026-04-01")
	end, _ := models.ParseISODate("2025-04-01")
	in := models.ContractInput{StartDate: start, EndDate: end, AnnualValuePence: pence(-1), Hosting: "cloud", NoticePeriodMonths: months(200), SupplierCompanyNumber: "12"}
	verr := in.Validate()
	for _, f := range []string{"title", "supplier", "end_date", "annual_value", "hosting", "notice_period_months"} {
		if !verr.Has(f) {
			t.Errorf("no message for %s in %v", f, verr)
		}
	}
}

func TestContractExpired(t *testing.T) {
	d := func(s string) models.Date {
		v, err := models.ParseISODate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	today := d("2026-11-21")
	tests := []struct {
		name        string
		end, maxExt string
		extend      bool
		want        bool
	}{
		{"ended yesterday", "2026-11-20", "", false, true},
		{"ends today", "2026-11-21", "", false, false},
		{"rolling", "", "", false, false},
		{"ended but extension intended", "2026-10-31", "2027-10-31", true, false},
		{"ended, extension possible but not intended", "2026-10-31", "2027-10-31", false, true},
		{"extension intended and also over", "2025-10-31", "2026-10-31", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := models.Contract{EndDate: d(tt.end), MaxExtensionDate: d(tt.maxExt), ExtensionIntended: tt.extend}
			if got := c.Expired(today); got != tt.want {
				t.Errorf("Expired = %v, want %v", got, tt.want)
			}
		})
	}
}
