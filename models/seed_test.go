package models_test

import (
	"context"
	"reflect"
	"testing"
	"testing/fstest"

	"jointly/data"
	"jointly/models"
	"jointly/testutil"
)

func TestSeedDemoIsIdempotent(t *testing.T) {
	db, _ := testutil.NewDB(t)
	ctx := context.Background()
	first, err := db.SeedDemo(ctx, data.Seed)
	if err != nil {
		t.Fatal(err)
	}
	users, councils, domains, suppliers := count(t, db, "users"), count(t, db, "councils"), count(t, db, "council_domains"), count(t, db, "suppliers")
	second, err := db.SeedDemo(ctx, data.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("second seed returned %+v, first %+v", second, first)
	}
	if n := count(t, db, "users"); n != users || n != 5 {
		t.Errorf("users %d → %d, want 5", users, n)
	}
	if n := count(t, db, "councils"); n != councils || n != 15 {
		t.Errorf("councils %d → %d, want 15", councils, n)
	}
	if n := count(t, db, "council_domains"); n != domains || n != 15 {
		t.Errorf("domains %d → %d, want 15", domains, n)
	}
	if n := count(t, db, "suppliers"); n != suppliers {
		t.Errorf("suppliers %d → %d", suppliers, n)
	}
	want := []models.DemoUser{
		{Email: testutil.AdminEmail, Name: "Amira Patel", Role: models.RoleAdmin, Org: "CIO council"},
		{Email: testutil.OfficerEmail, Name: "Sam Okafor", Role: models.RoleOfficer, Org: "Leeds"},
		{Email: testutil.Officer2Email, Name: "Priya Shah", Role: models.RoleOfficer, Org: "Bradford"},
		{Email: testutil.CouncillorEmail, Name: "Cllr Jane Hughes", Role: models.RoleCouncillor, Org: "Leeds"},
		{Email: testutil.SupplierEmail, Name: "Tom Whitaker", Role: models.RoleSupplier, Org: "Pennine Digital Ltd"},
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("demo users\n got %+v\nwant %+v", first, want)
	}
	for _, u := range want {
		if _, err := db.Authenticate(ctx, u.Email, models.DemoPassword); err != nil {
			t.Errorf("%s cannot sign in with the demo password: %v", u.Email, err)
		}
	}
}

// The seed keeps domains an administrator has changed.
func TestSeedDemoKeepsChangedDomains(t *testing.T) {
	db, _, ctx := seeded(t)
	if err := db.SetCouncilDomains(ctx, 0, leedsGSS, []string{"leedscc.gov.uk"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SeedDemo(ctx, data.Seed); err != nil {
		t.Fatal(err)
	}
	c, err := db.CouncilByGSS(ctx, leedsGSS)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.EmailDomains, []string{"leedscc.gov.uk"}) {
		t.Errorf("Leeds domains %v after reseeding", c.EmailDomains)
	}
}

func TestSeedDemoBadSeed(t *testing.T) {
	db, _ := testutil.NewDB(t)
	ctx := context.Background()
	good, err := data.Seed.ReadFile("seed/councils.csv")
	if err != nil {
		t.Fatal(err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"no councils": {},
		"bad councils": {
			"seed/councils.csv": {Data: []byte("gss_code,name,type,region\nbad,Leeds,MD,Y\n")},
		},
		"no users": {
			"seed/councils.csv": {Data: good},
			"seed/domains.csv":  {Data: []byte("gss_code,domain\n")},
		},
		"domain of an unknown council": {
			"seed/councils.csv": {Data: good},
			"seed/domains.csv":  {Data: []byte("gss_code,domain\nE99999999,nowhere.gov.uk\n")},
		},
	} {
		if _, err := db.SeedDemo(ctx, fsys); err == nil {
			t.Errorf("%s: SeedDemo succeeded", name)
		}
	}
}
