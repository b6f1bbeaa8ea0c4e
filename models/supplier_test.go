package models_test

import (
	"testing"

	"jointly/models"
)

func TestNormaliseSupplierName(t *testing.T) {
	same := []struct{ a, b string }{
		{"CAPITA BUSINESS SERVICES LTD", "Capita Business Services Limited"},
		{"The Access Group", "Access Group"},
		{"Smith & Jones PLC", "Smith and Jones"},
		{"Smith&Jones Ltd.", "smith and jones"},
		{"Civica UK Ltd", "CIVICA UK LIMITED"},
		{"Idox  plc", "IDOX"},
		{"Bytes Software Services Ltd.", "Bytes Software Services, Limited"},
		{"O'Neill Consulting LLP", "ONeill Consulting"},
		{"J Sainsbury's PLC", "J SAINSBURY’S"},
		{"J Sainsbury's PLC", "J Sainsburys plc"},
		{"Acme (UK) Co. Ltd", "ACME UK"},
		{"  Pennine Digital Ltd  ", "Pennine-Digital"},
		{"Société Générale", "SOCIÉTÉ GÉNÉRALE LIMITED"},
	}
	for _, s := range same {
		if na, nb := models.NormaliseSupplierName(s.a), models.NormaliseSupplierName(s.b); na != nb {
			t.Errorf("%q → %q but %q → %q: want the same", s.a, na, s.b, nb)
		}
	}
	want := map[string]string{
		"CAPITA BUSINESS SERVICES LTD": "capita business services",
		"The Access Group":             "access group",
		"Smith & Jones PLC":            "smith and jones",
		"Pennine Digital Ltd":          "pennine digital",
		// A name that is only a suffix, or only "The", keeps its one word.
		"Limited": "limited",
		"The":     "the",
		"":        "",
	}
	for in, w := range want {
		if got := models.NormaliseSupplierName(in); got != w {
			t.Errorf("NormaliseSupplierName(%q) = %q, want %q", in, got, w)
		}
	}
	different := []struct{ a, b string }{
		{"Capita Business Services Ltd", "Capita Consulting Ltd"},
		{"Access Group", "Access Systems"},
		{"Smith & Jones", "Smith & Jones Brothers"},
		{"Civica UK", "Civica"},
		{"Jones Smith", "Smith Jones"},
		{"Alpha 1 Ltd", "Alpha 2 Ltd"},
	}
	for _, d := range different {
		if na, nb := models.NormaliseSupplierName(d.a), models.NormaliseSupplierName(d.b); na == nb {
			t.Errorf("%q and %q both normalise to %q: want different", d.a, d.b, na)
		}
	}
}
