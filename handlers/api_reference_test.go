package handlers_test

import (
	"net/http"
	"reflect"
	"testing"
)

func TestAPICategories(t *testing.T) {
	e := newEnv(t)
	var got struct {
		Categories []struct {
			Slug        string   `json:"slug"`
			Name        string   `json:"name"`
			Description string   `json:"description"`
			CPVPrefixes []string `json:"cpv_prefixes"`
		} `json:"categories"`
	}
	wantJSON(t, e.api("").do("GET", "/api/v1/categories", nil), http.StatusOK, &got) // public
	if len(got.Categories) != 28 {
		t.Fatalf("%d categories, want the taxonomy's 28", len(got.Categories))
	}
	first := got.Categories[0]
	if first.Slug != "revenues-benefits" || first.Name != "Revenues and benefits" || !reflect.DeepEqual(first.CPVPrefixes, []string{"48442", "79940"}) {
		t.Errorf("first category %+v", first)
	}
	for _, c := range got.Categories {
		if c.Slug == "" || c.Name == "" || c.CPVPrefixes == nil {
			t.Errorf("category %+v", c)
		}
	}
}
