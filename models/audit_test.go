package models_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

func TestChangesAreAudited(t *testing.T) {
	db, clock, ctx := seeded(t)
	admin := mustUserByEmail(t, db, testutil.AdminEmail)
	clock.Advance(90 * time.Second)
	u, err := db.CreateUser(ctx, admin.ID, models.NewUser{Email: "audited@leeds.gov.uk", Name: "A", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(ctx, u.ID, u.ID, "a-good-long-password"); err != nil {
		t.Fatal(err)
	}
	events, err := db.AuditTrail(ctx, "user", fmt.Sprint(u.ID), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("%d events, want 2: %+v", len(events), events)
	}
	pw, create := events[0], events[1]
	if create.Action != "user.create" || create.ActorID != admin.ID || create.Entity != "user" || create.EntityID != fmt.Sprint(u.ID) ||
		!create.At.Equal(clock.T) || create.Detail["email"] != "audited@leeds.gov.uk" || create.Detail["role"] != "officer" || create.Detail["council"] != leedsGSS {
		t.Errorf("create event %+v", create)
	}
	if pw.Action != "user.password" || pw.ActorID != u.ID {
		t.Errorf("password event %+v", pw)
	}
	if strings.Contains(fmt.Sprint(pw.Detail), "a-good-long-password") {
		t.Error("the password is in the audit trail")
	}

	// Changes by the command line (actor 0) are recorded without an actor.
	mustCreateUser(t, db, models.NewUser{Email: "cli@leeds.gov.uk", Name: "C", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	var nulls int
	if err := db.W.QueryRow(`SELECT count(*) FROM audit_events WHERE action = 'user.create' AND actor_id IS NULL AND detail LIKE '%cli@leeds.gov.uk%'`).Scan(&nulls); err != nil {
		t.Fatal(err)
	}
	if nulls != 1 {
		t.Errorf("%d system events for the command-line user, want 1", nulls)
	}

	// Council imports and domain changes are audited too.
	if err := db.SetCouncilDomains(ctx, admin.ID, leedsGSS, []string{"leeds.gov.uk", "leedscc.gov.uk"}); err != nil {
		t.Fatal(err)
	}
	events, err = db.AuditTrail(ctx, "council", leedsGSS, 10)
	if err != nil || len(events) != 2 || events[0].Action != "council.domains" || events[0].ActorID != admin.ID || events[1].ActorID != 0 {
		t.Errorf("council trail %+v, %v", events, err)
	}
	events, err = db.AuditTrail(ctx, "councils", "*", 10)
	if err != nil || len(events) != 1 || events[0].Action != "councils.import" {
		t.Errorf("import trail %+v, %v", events, err)
	}
}

func TestAuditTrailIsAppendOnly(t *testing.T) {
	db, _, _ := seeded(t)
	n := count(t, db, "audit_events")
	if n == 0 {
		t.Fatal("the seed wrote no audit events")
	}
	for _, q := range []string{
		`UPDATE audit_events SET action = 'tampered'`,
		`UPDATE audit_events SET detail = '{}' WHERE id = (SELECT min(id) FROM audit_events)`,
		`DELETE FROM audit_events`,
		`DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)`,
	} {
		_, err := db.W.Exec(q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", q, err)
		}
	}
	if got := count(t, db, "audit_events"); got != n {
		t.Errorf("audit events %d → %d", n, got)
	}
	var tampered int
	if err := db.W.QueryRow(`SELECT count(*) FROM audit_events WHERE action = 'tampered'`).Scan(&tampered); err != nil {
		t.Fatal(err)
	}
	if tampered != 0 {
		t.Error("an audit event was changed")
	}
}
