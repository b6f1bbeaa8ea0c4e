package models_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// lgDate reads an ISO date for the discovery tests.
func lgDate(s string) models.Date {
	d, err := models.ParseISODate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// lgToday is testutil.Now as a date: 21 November 2026.
var lgToday = lgDate("2026-11-21")

func TestLegacyScore(t *testing.T) {
	named := func(c models.Contract) models.Contract {
		if c.ProductName == "" {
			c.ProductName = "Civica OpenRevenues"
		}
		return c
	}
	cases := []struct {
		name    string
		c       models.Contract
		score   int
		reasons []string
	}{
		{"nothing known", models.Contract{}, 0, nil},
		{"new contract", models.Contract{StartDate: lgDate("2026-06-01")}, 0, nil},
		{"starts in the future", models.Contract{StartDate: lgDate("2027-06-01")}, 0, nil},
		{"one year old", models.Contract{StartDate: lgDate("2025-11-21")}, 1, []string{"started 1 year ago"}},
		{"a day short of two years", models.Contract{StartDate: lgDate("2024-11-22")}, 1, []string{"started 1 year ago"}},
		{"seven years old", models.Contract{StartDate: lgDate("2019-03-01")}, 7, []string{"started 7 years ago"}},
		{"out of support", named(models.Contract{EndOfSupportDate: lgDate("2024-03-03")}), 40,
			[]string{"Civica OpenRevenues went out of support on 3 March 2024"}},
		{"out of support today", named(models.Contract{EndOfSupportDate: lgToday}), 40,
			[]string{"Civica OpenRevenues goes out of support today, 21 November 2026"}},
		{"out of support tomorrow", named(models.Contract{EndOfSupportDate: lgDate("2026-11-22")}), 0, nil},
		{"out of support, no product named", models.Contract{EndOfSupportDate: lgDate("2024-03-03")}, 40,
			[]string{"the system went out of support on 3 March 2024"}},
		{"on-premises", models.Contract{Hosting: models.HostingOnPremises}, 15, []string{"runs on-premises, on the council's own servers"}},
		{"hosted", models.Contract{Hosting: models.HostingHosted}, 0, nil},
		{"extended once", models.Contract{TimesExtended: 1}, 0, nil},
		{"extended twice", models.Contract{TimesExtended: 2}, 15, []string{"extended 2 times"}},
		{"extended 3 times", models.Contract{TimesExtended: 3}, 15, []string{"extended 3 times"}},
		{"exactly ten years", models.Contract{StartDate: lgDate("2016-11-21")}, 10, []string{"started 10 years ago"}},
		{"ten years and a day", models.Contract{StartDate: lgDate("2016-11-20")}, 30, []string{"running since 2016, more than ten years"}},
		{"since 2012", models.Contract{StartDate: lgDate("2012-04-01")}, 30, []string{"running since 2012, more than ten years"}},
		{"a day short of ten years", models.Contract{StartDate: lgDate("2016-11-22")}, 9, []string{"started 9 years ago"}},
		{"on-premises and extended twice", models.Contract{Hosting: models.HostingOnPremises, TimesExtended: 2, StartDate: lgDate("2023-01-01")}, 33,
			[]string{"runs on-premises, on the council's own servers", "extended 2 times", "started 3 years ago"}},
		{"everything", named(models.Contract{EndOfSupportDate: lgDate("2024-03-03"), Hosting: models.HostingOnPremises, TimesExtended: 4, StartDate: lgDate("2009-05-05")}),
			100, []string{"Civica OpenRevenues went out of support on 3 March 2024", "runs on-premises, on the council's own servers",
				"extended 4 times", "running since 2009, more than ten years"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			score, reasons := models.LegacyScore(tc.c, lgToday)
			if score != tc.score || !reflect.DeepEqual(reasons, tc.reasons) {
				t.Errorf("LegacyScore = %d %q, want %d %q", score, reasons, tc.score, tc.reasons)
			}
		})
	}
}

// TestLegacyThresholdMatchesCandidates holds the points table to the
// narrowing the queries do: a contract reaches the threshold exactly when
// it is out of support, started more than ten years ago, or on-premises
// and extended more than once.
func TestLegacyThresholdMatchesCandidates(t *testing.T) {
	eoss := []models.Date{{}, lgDate("2020-01-01"), lgToday, lgDate("2026-11-22")}
	hostings := []string{"", models.HostingOnPremises, models.HostingSaaS}
	starts := []models.Date{{}, lgDate("2026-11-21"), lgDate("2017-01-01"), lgDate("2016-11-21"), lgDate("2016-11-20"), lgDate("2001-01-01")}
	for _, eos := range eoss {
		for _, h := range hostings {
			for ext := range 4 {
				for _, s := range starts {
					c := models.Contract{EndOfSupportDate: eos, Hosting: h, TimesExtended: ext, StartDate: s}
					score, _ := models.LegacyScore(c, lgToday)
					candidate := (!eos.IsZero() && !eos.After(lgToday)) || (!s.IsZero() && s.Before(lgToday.AddMonths(-120))) ||
						(h == models.HostingOnPremises && ext > 1)
					if (score >= models.LegacyThreshold) != candidate {
						t.Errorf("%+v scores %d; candidate %v", c, score, candidate)
					}
				}
			}
		}
	}
}

// discoveryFixture is a seeded app with empty registers and one council
// outside Yorkshire (Allerdale, North West).
func discoveryFixture(t *testing.T) (*testutil.App, func(gss string, in models.ContractInput) models.Contract) {
	t.Helper()
	app := testutil.NewApp(t)
	app.ClearRegisters(t)
	mustImport(t, app.DB, "gss_code,name,type,region\nE07000026,Allerdale,NMD,North West\n")
	return app, func(gss string, in models.ContractInput) models.Contract {
		t.Helper()
		if in.Title == "" {
			in.Title = "System"
		}
		c, err := app.DB.CreateContract(context.Background(), models.System, gss, in)
		if err != nil {
			t.Fatalf("create contract %+v: %v", in, err)
		}
		return c
	}
}

// Councils the discovery fixtures use beside Leeds and Bradford.
const (
	lgBarnsley   = "E08000016"
	lgCalderdale = "E08000033"
	lgAllerdale  = "E07000026" // North West
)

func TestLegacyContracts(t *testing.T) {
	app, mk := discoveryFixture(t)
	ctx := context.Background()
	officer := mustUserByEmail(t, app.DB, testutil.OfficerEmail)
	end := lgDate("2028-03-31")
	civica := func(gss, ref string, in models.ContractInput) models.Contract {
		in.Reference, in.SupplierName, in.CategorySlug = ref, "Civica UK Ltd", "revenues-benefits"
		if in.EndDate.IsZero() {
			in.EndDate = end
		}
		return mk(gss, in)
	}
	// The product's end of support comes from the first contract naming it.
	l1 := civica(leedsGSS, "L1", models.ContractInput{ProductName: "Civica OpenRevenues", EndOfSupportDate: lgDate("2024-03-03"),
		Hosting: models.HostingOnPremises, StartDate: lgDate("2019-04-01")})
	l2 := civica(leedsGSS, "L2", models.ContractInput{Hosting: models.HostingOnPremises, TimesExtended: 2, StartDate: lgDate("2020-04-01")})
	civica(leedsGSS, "L3", models.ContractInput{Hosting: models.HostingOnPremises, StartDate: lgDate("2018-04-01")}) // 15 + 8: not legacy
	civica(leedsGSS, "L4", models.ContractInput{ProductName: "Civica OpenRevenues", StartDate: lgDate("2015-04-01"),
		EndDate: lgDate("2026-11-20")}) // expired yesterday
	l5 := mk(leedsGSS, models.ContractInput{Reference: "L5", SupplierName: "Old Firm Ltd", CategorySlug: "housing-management",
		StartDate: lgDate("2012-06-01")}) // rolling: no end date
	endsToday := civica(leedsGSS, "L6", models.ContractInput{ProductName: "Civica OpenRevenues", StartDate: lgDate("2025-01-01")})
	app.DB.W.Exec(`UPDATE contracts SET end_date = ? WHERE id = ?`, "2026-11-21", endsToday.ID)
	// Bradford names the product without its end of support: the product's applies.
	b1 := civica(bradfordGSS, "B1", models.ContractInput{ProductName: "Civica OpenRevenues", Hosting: models.HostingSaaS, StartDate: lgDate("2022-04-01")})
	a1 := civica(lgAllerdale, "A1", models.ContractInput{TimesExtended: 3, Hosting: models.HostingOnPremises, StartDate: lgDate("2021-04-01")})

	type row struct {
		id    int64
		score int
	}
	list := func(f models.LegacyFilter) []row {
		t.Helper()
		got, err := app.DB.LegacyContracts(ctx, officer, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []row
		for _, lc := range got {
			out = append(out, row{lc.ID, lc.Score})
		}
		return out
	}
	want := func(f models.LegacyFilter, rows ...row) {
		t.Helper()
		if got := list(f); !reflect.DeepEqual(got, rows) {
			t.Errorf("%+v: got %v, want %v", f, got, rows)
		}
	}
	// L1: 40 + 15 + 7; L6 ends today, so is current: 40 + 1; B1: 40 + 4;
	// L5: 20 + 10; L2: 15 + 15 + 6; A1: 15 + 15 + 5.
	want(models.LegacyFilter{CouncilGSS: leedsGSS}, row{l1.ID, 62}, row{endsToday.ID, 41}, row{l2.ID, 36}, row{l5.ID, 30})
	want(models.LegacyFilter{}, row{l1.ID, 62}, row{b1.ID, 44}, row{endsToday.ID, 41}, row{l2.ID, 36}, row{a1.ID, 35}, row{l5.ID, 30})
	want(models.LegacyFilter{RegionSlug: "north-west"}, row{a1.ID, 35})
	want(models.LegacyFilter{CategorySlug: "housing-management"}, row{l5.ID, 30})
	want(models.LegacyFilter{Limit: 2}, row{l1.ID, 62}, row{b1.ID, 44})
	want(models.LegacyFilter{CouncilGSS: lgBarnsley})

	got, err := app.DB.LegacyContracts(ctx, officer, models.LegacyFilter{CouncilGSS: bradfordGSS})
	if err != nil || len(got) != 1 {
		t.Fatalf("Bradford: %v %v", got, err)
	}
	if want := []string{"Civica OpenRevenues went out of support on 3 March 2024", "started 4 years ago"}; !reflect.DeepEqual(got[0].Reasons, want) {
		t.Errorf("reasons %q, want %q", got[0].Reasons, want)
	}
	if got[0].CouncilName != "Bradford" || got[0].SupplierName != "Civica UK Ltd" || got[0].EndOfSupportDate != lgDate("2024-03-03") {
		t.Errorf("contract fields: %+v", got[0].Contract)
	}

	for _, email := range []string{testutil.CouncillorEmail, testutil.AdminEmail} {
		if _, err := app.DB.LegacyContracts(ctx, mustUserByEmail(t, app.DB, email), models.LegacyFilter{}); err != nil {
			t.Errorf("%s: %v", email, err)
		}
	}
	supplier := mustUserByEmail(t, app.DB, testutil.SupplierEmail)
	if _, err := app.DB.LegacyContracts(ctx, supplier, models.LegacyFilter{}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier: got %v, want ErrForbidden", err)
	}
	if _, err := app.DB.AgeingPlatforms(ctx, supplier, models.LegacyFilter{}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier platforms: got %v, want ErrForbidden", err)
	}
}

func TestAgeingPlatforms(t *testing.T) {
	app, mk := discoveryFixture(t)
	ctx := context.Background()
	officer := mustUserByEmail(t, app.DB, testutil.OfficerEmail)
	n := 0
	on := func(gss, supplier, product string, in models.ContractInput) models.Contract {
		n++
		in.Reference, in.SupplierName, in.ProductName, in.CategorySlug = fmt.Sprintf("R%d", n), supplier, product, "revenues-benefits"
		if in.EndDate.IsZero() {
			in.EndDate = lgDate("2029-03-31")
		}
		return mk(gss, in)
	}
	// Out of support at Leeds and Bradford (Bradford by the product's date).
	p1l := on(leedsGSS, "Civica UK Ltd", "Civica OpenRevenues", models.ContractInput{EndOfSupportDate: lgDate("2025-01-01"), Hosting: models.HostingSaaS,
		EndDate: lgDate("2028-03-31")})
	p1b := on(bradfordGSS, "Civica UK Ltd", "Civica OpenRevenues", models.ContractInput{Hosting: models.HostingHosted, EndDate: lgDate("2027-03-31")})
	// On-premises at Leeds (twice) and Barnsley; software as a service at
	// Calderdale, which is not on it as an ageing system; on-premises at
	// Allerdale, in another region.
	p2l := on(leedsGSS, "Capita Business Services Ltd", "Capita Academy", models.ContractInput{Hosting: models.HostingOnPremises, EndDate: lgDate("2029-06-30")})
	on(leedsGSS, "Capita Business Services Ltd", "Capita Academy", models.ContractInput{Hosting: models.HostingOnPremises, EndDate: lgDate("2030-06-30")})
	p2ba := on(lgBarnsley, "Capita Business Services Ltd", "Capita Academy", models.ContractInput{Hosting: models.HostingOnPremises, EndDate: lgDate("2027-09-30")})
	on(lgCalderdale, "Capita Business Services Ltd", "Capita Academy", models.ContractInput{Hosting: models.HostingSaaS})
	p2a := on(lgAllerdale, "Capita Business Services Ltd", "Capita Academy", models.ContractInput{Hosting: models.HostingOnPremises, EndDate: lgDate("2028-01-31")})
	// On-premises at one council only, with two contracts.
	on(leedsGSS, "NEC Software Solutions UK Ltd", "NEC Revenues", models.ContractInput{Hosting: models.HostingOnPremises})
	on(leedsGSS, "NEC Software Solutions UK Ltd", "NEC Revenues", models.ContractInput{Hosting: models.HostingOnPremises})
	// On-premises at Leeds; Bradford's contract has expired.
	on(leedsGSS, "Northgate Ltd", "Northgate Legacy", models.ContractInput{Hosting: models.HostingOnPremises})
	on(bradfordGSS, "Northgate Ltd", "Northgate Legacy", models.ContractInput{Hosting: models.HostingOnPremises, StartDate: lgDate("2020-01-01"), EndDate: lgDate("2026-11-20")})

	type pc struct {
		gss      string
		contract int64
		oos, onp bool
	}
	summary := func(f models.LegacyFilter) map[string][]pc {
		t.Helper()
		got, err := app.DB.AgeingPlatforms(ctx, officer, f)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]pc{}
		var order []string
		for _, p := range got {
			order = append(order, p.ProductName)
			for _, c := range p.Councils {
				out[p.ProductName] = append(out[p.ProductName], pc{c.GSSCode, c.ContractID, c.OutOfSupport, c.OnPremises})
			}
		}
		out["order"] = nil
		for _, o := range order {
			out["order"] = append(out["order"], pc{gss: o})
		}
		return out
	}
	national := summary(models.LegacyFilter{})
	want := map[string][]pc{
		"order":               {{gss: "Civica OpenRevenues"}, {gss: "Capita Academy"}},
		"Civica OpenRevenues": {{bradfordGSS, p1b.ID, true, false}, {leedsGSS, p1l.ID, true, false}},
		"Capita Academy":      {{lgBarnsley, p2ba.ID, false, true}, {lgAllerdale, p2a.ID, false, true}, {leedsGSS, p2l.ID, false, true}},
	}
	if !reflect.DeepEqual(national, want) {
		t.Errorf("national:\n got %v\nwant %v", national, want)
	}
	yorkshire := summary(models.LegacyFilter{RegionSlug: "yorkshire-and-the-humber"})
	want["Capita Academy"] = []pc{{lgBarnsley, p2ba.ID, false, true}, {leedsGSS, p2l.ID, false, true}}
	if !reflect.DeepEqual(yorkshire, want) {
		t.Errorf("Yorkshire:\n got %v\nwant %v", yorkshire, want)
	}
	if nw := summary(models.LegacyFilter{RegionSlug: "north-west"}); len(nw["order"]) != 0 {
		t.Errorf("North West has one council on each platform, so none: %v", nw)
	}
	barnsley := summary(models.LegacyFilter{CouncilGSS: lgBarnsley})
	if want := []pc{{gss: "Capita Academy"}}; !reflect.DeepEqual(barnsley["order"], want) || len(barnsley["Capita Academy"]) != 3 {
		t.Errorf("Barnsley's platforms: %v", barnsley)
	}
	if one := summary(models.LegacyFilter{Limit: 1}); len(one["order"]) != 1 {
		t.Errorf("limit 1: %v", one)
	}

	got, err := app.DB.AgeingPlatforms(ctx, officer, models.LegacyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	p := got[0]
	if p.SupplierName != "Civica UK Ltd" || p.CategorySlug != "revenues-benefits" || p.EndOfSupportDate != lgDate("2025-01-01") ||
		p.OutOfSupport != 2 || p.OnPremises != 0 || p.Councils[0].Name != "Bradford" || p.Councils[0].RegionSlug != "yorkshire-and-the-humber" ||
		p.Councils[0].EndDate != lgDate("2027-03-31") || p.Councils[0].DecisionWindow.IsZero() {
		t.Errorf("platform fields: %+v", p)
	}
	if got[1].OnPremises != 3 || got[1].OutOfSupport != 0 {
		t.Errorf("Capita counts: %+v", got[1])
	}
}
