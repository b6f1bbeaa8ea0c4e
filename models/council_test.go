package models_test

import (
	"errors"
	"reflect"
	"testing"

	"jointly/models"
)

func TestSetCouncilDomains(t *testing.T) {
	db, _, ctx := seeded(t)
	leeds, err := db.CouncilByGSS(ctx, leedsGSS)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(leeds.EmailDomains, []string{"leeds.gov.uk"}) {
		t.Fatalf("seeded Leeds domains %v", leeds.EmailDomains)
	}
	audits := count(t, db, "audit_events")

	for _, bad := range [][]string{{"not a domain"}, {"leeds"}, {"@leeds.gov.uk"}, {"http://leeds.gov.uk"}, {"-leeds.gov.uk"}, {"leeds.gov.uk", "x_y.gov.uk"}} {
		wantValidation(t, db.SetCouncilDomains(ctx, 0, leedsGSS, bad), "domains")
	}
	// A domain held by another council is refused, and nothing changes.
	err = db.SetCouncilDomains(ctx, 0, leedsGSS, []string{"leeds.gov.uk", "Bradford.gov.uk"})
	wantValidation(t, err, "domains")
	if c, _ := db.CouncilByGSS(ctx, leedsGSS); !reflect.DeepEqual(c.EmailDomains, []string{"leeds.gov.uk"}) {
		t.Errorf("Leeds domains changed by a refused request: %v", c.EmailDomains)
	}
	if n := count(t, db, "audit_events"); n != audits {
		t.Errorf("audit events %d → %d after refused requests", audits, n)
	}

	// A valid list replaces the old one: trimmed, lower-cased, deduplicated.
	if err := db.SetCouncilDomains(ctx, 0, leedsGSS, []string{" LeedsCC.gov.uk ", "leeds.gov.uk", "leedscc.gov.uk", ""}); err != nil {
		t.Fatal(err)
	}
	c, err := db.CouncilByGSS(ctx, leedsGSS)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.EmailDomains, []string{"leeds.gov.uk", "leedscc.gov.uk"}) {
		t.Errorf("Leeds domains %v", c.EmailDomains)
	}
	if err := db.SetCouncilDomains(ctx, 0, leedsGSS, []string{"leedscc.gov.uk"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CouncilByEmailDomain(ctx, "someone@leeds.gov.uk"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("removed domain still finds a council: %v", err)
	}
	// Freed, the domain can go to another council.
	if err := db.SetCouncilDomains(ctx, 0, bradfordGSS, []string{"bradford.gov.uk", "leeds.gov.uk"}); err != nil {
		t.Fatal(err)
	}
	wantNotFound(t, db.SetCouncilDomains(ctx, 0, "E99999999", []string{"nowhere.gov.uk"}))
	if err := db.SetCouncilDomains(ctx, 0, leedsGSS, nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.CouncilByGSS(ctx, leedsGSS); len(c.EmailDomains) != 0 {
		t.Errorf("empty list left %v", c.EmailDomains)
	}
}

func TestCouncilByEmailDomain(t *testing.T) {
	db, _, ctx := seeded(t)
	for _, email := range []string{"someone@leeds.gov.uk", "Someone@LEEDS.GOV.UK", "  someone@Leeds.Gov.Uk  "} {
		c, err := db.CouncilByEmailDomain(ctx, email)
		if err != nil {
			t.Errorf("%q: %v", email, err)
			continue
		}
		if c.GSSCode != leedsGSS || c.Name != "Leeds" {
			t.Errorf("%q → %s %s, want Leeds", email, c.GSSCode, c.Name)
		}
	}
	for _, email := range []string{"someone@gmail.com", "no-at-sign", "someone@", "someone@sub.leeds.gov.uk"} {
		_, err := db.CouncilByEmailDomain(ctx, email)
		wantNotFound(t, err)
	}
}

func TestCouncilDirectory(t *testing.T) {
	db, _, ctx := seeded(t)
	all, err := db.Councils(ctx, models.CouncilFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 15 {
		t.Fatalf("%d councils, want 15", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].Name > all[i].Name {
			t.Errorf("not in name order: %s before %s", all[i-1].Name, all[i].Name)
		}
	}
	uas, err := db.Councils(ctx, models.CouncilFilter{TypeCode: "UA", RegionSlug: "yorkshire-and-the-humber"})
	if err != nil {
		t.Fatal(err)
	}
	if len(uas) != 6 {
		t.Errorf("%d unitary authorities, want 6", len(uas))
	}
	if none, _ := db.Councils(ctx, models.CouncilFilter{RegionSlug: "london"}); len(none) != 0 {
		t.Errorf("London has %d councils in the demo seed", len(none))
	}
	_, err = db.CouncilByGSS(ctx, "E99999999")
	wantNotFound(t, err)
	if all[0].TypeName() == all[0].TypeCode {
		t.Errorf("type %q has no name", all[0].TypeCode)
	}
}

func TestValidGSSCode(t *testing.T) {
	for code, want := range map[string]bool{
		"E08000035": true, "S12000036": true, "W06000015": true, "N09000002": true,
		"": false, "E0800003": false, "E080000355": false, "X08000035": false, "e08000035": false, "E0800003A": false, " E08000035": false,
	} {
		if got := models.ValidGSSCode(code); got != want {
			t.Errorf("ValidGSSCode(%q) = %v, want %v", code, got, want)
		}
	}
	for code, want := range map[string]string{"E08000035": "England", "S12000036": "Scotland", "W06000015": "Wales", "N09000002": "Northern Ireland", "X1": ""} {
		if got := models.NationOfGSS(code); got != want {
			t.Errorf("NationOfGSS(%q) = %q, want %q", code, got, want)
		}
	}
	for in, want := range map[string]string{"Yorkshire and The Humber": "yorkshire-and-the-humber", "  East of England ": "east-of-england", "!!": "", "A--B": "a-b"} {
		if got := models.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}
