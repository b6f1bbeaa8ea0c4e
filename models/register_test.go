package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

func TestRegisterSuppliers(t *testing.T) {
	ctx := context.Background()
	db, _ := testutil.SeededDB(t)
	user := func(email string) models.User {
		u, err := db.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	officer := user(testutil.OfficerEmail)
	add := func(gss, title, supplier string) {
		if _, err := db.CreateContract(ctx, models.System, gss, models.ContractInput{Title: title, SupplierName: supplier}); err != nil {
			t.Fatal(err)
		}
	}
	// Suppliers the demo seed does not have, whatever it puts in Leeds.
	add("E08000035", "Revenues", "Aire Valley Systems Ltd")
	add("E08000035", "Housing", "AIRE VALLEY SYSTEMS LIMITED") // the same supplier, another spelling
	add("E08000035", "CRM", "kirkstall contact ltd")
	add("E08000032", "Bradford revenues", "Aire Valley Systems Ltd")
	add("E08000032", "Bradford only", "Calder Payroll Ltd")

	got, err := db.RegisterSuppliers(ctx, officer, "E08000035")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, s := range got {
		if i > 0 && strings.ToLower(got[i-1].Name) > strings.ToLower(s.Name) {
			t.Errorf("%q comes before %q: want name order, ignoring case", got[i-1].Name, s.Name)
		}
		switch s.Name {
		case "Aire Valley Systems Ltd", "kirkstall contact ltd", "Calder Payroll Ltd":
			names = append(names, s.Name)
		}
		if s.Name == "Aire Valley Systems Ltd" && s.ContractCount != 2 {
			t.Errorf("Aire Valley has %d contracts in Leeds, want 2 (not counting Bradford's)", s.ContractCount)
		}
	}
	if strings.Join(names, ", ") != "Aire Valley Systems Ltd, kirkstall contact ltd" {
		t.Errorf("Leeds's suppliers include %q", names)
	}
	// A council new to Jointly has an empty register.
	if _, err := db.ImportCouncils(ctx, 0, strings.NewReader("gss_code,name,type,region\nE09000033,Westminster,LBO,London\n")); err != nil {
		t.Fatal(err)
	}
	if got, err := db.RegisterSuppliers(ctx, officer, "E09000033"); err != nil || len(got) != 0 {
		t.Errorf("an empty register has suppliers %v (%v)", got, err)
	}
	if _, err := db.RegisterSuppliers(ctx, user(testutil.SupplierEmail), "E08000035"); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("a supplier reading a register's suppliers: %v, want ErrForbidden", err)
	}
}

// TestDeletedContractIDIsNeverReused: a deleted contract's history is
// kept, so a new contract must not take its id (SQLite reuses the highest
// rowid once it is deleted) and inherit that history and address.
func TestDeletedContractIDIsNeverReused(t *testing.T) {
	ctx := context.Background()
	db, _ := testutil.SeededDB(t)
	add := func(title string) models.Contract {
		k, err := db.CreateContract(ctx, models.System, "E08000035", models.ContractInput{Title: title, SupplierName: "Aire Valley Systems Ltd"})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	add("First")
	last := add("Second")
	if err := db.DeleteContract(ctx, models.System, last.ID); err != nil {
		t.Fatal(err)
	}
	next := add("Third")
	if next.ID == last.ID {
		t.Fatalf("the new contract took the deleted contract's id %d", last.ID)
	}
	h, err := db.ContractHistory(ctx, models.System, next.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h[0].Action != "create" {
		t.Errorf("the new contract's history is %+v, want only its creation", h)
	}
	if _, err := db.ContractByID(ctx, models.System, last.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the deleted contract's address answers %v, want not found", err)
	}
}
