package models_test

import (
	"testing"

	"jointly/models"
)

func TestPolicy(t *testing.T) {
	anon, admin, officer, cllr, supplier := models.RoleAnonymous, models.RoleAdmin, models.RoleOfficer, models.RoleCouncillor, models.RoleSupplier
	roles := []models.Role{anon, admin, officer, cllr, supplier}
	want := map[models.Action][]models.Role{
		models.ActionBrowse:      {anon, admin, officer, cllr, supplier},
		models.ActionSignIn:      {anon, admin, officer, cllr, supplier},
		models.ActionUseAccount:  {admin, officer, cllr, supplier},
		models.ActionInvite:      {admin, officer, supplier},
		models.ActionAdminister:  {admin},
		models.ActionReadMetrics: {admin},
	}
	for action, allowed := range want {
		if !models.KnownAction(action) {
			t.Errorf("%s is not in the policy table", action)
		}
		for _, role := range roles {
			expected := false
			for _, r := range allowed {
				if r == role {
					expected = true
				}
			}
			if got := models.Allowed(role, action); got != expected {
				t.Errorf("Allowed(%q, %s) = %v, want %v", role, action, got, expected)
			}
		}
	}
	for _, unknown := range []models.Action{"", "delete-everything", "Browse"} {
		if models.KnownAction(unknown) {
			t.Errorf("KnownAction(%q) = true", unknown)
		}
		for _, role := range roles {
			if models.Allowed(role, unknown) {
				t.Errorf("Allowed(%q, %q) = true for an unknown action", role, unknown)
			}
		}
	}
	// A made-up role is refused everything.
	for action := range want {
		if models.Allowed("superuser", action) {
			t.Errorf("unknown role allowed %s", action)
		}
	}
}
