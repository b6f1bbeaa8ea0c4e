package models_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"jointly/models"
)

// diffLines writes a diff compactly: "  same", "+ added", "- removed".
func diffLines(lines []models.DiffLine) []string {
	mark := map[string]string{models.DiffSame: " ", models.DiffAdded: "+", models.DiffRemoved: "-"}
	var out []string
	for _, l := range lines {
		m, ok := mark[l.Kind]
		if !ok {
			m = fmt.Sprintf("?%s", l.Kind)
		}
		out = append(out, m+" "+l.Text)
	}
	return out
}

func TestDiffText(t *testing.T) {
	cases := []struct {
		name     string
		from, to string
		want     []string
	}{
		{"identical", "Scope\nRevenues\nBenefits", "Scope\nRevenues\nBenefits", []string{"  Scope", "  Revenues", "  Benefits"}},
		{"added line", "Scope\nBenefits", "Scope\nRevenues\nBenefits", []string{"  Scope", "+ Revenues", "  Benefits"}},
		{"added at the end", "Scope", "Scope\nBenefits", []string{"  Scope", "+ Benefits"}},
		{"removed line", "Scope\nRevenues\nBenefits", "Scope\nBenefits", []string{"  Scope", "- Revenues", "  Benefits"}},
		{"changed line", "Scope\nRevenues\nBenefits", "Scope\nRevenues and council tax\nBenefits",
			[]string{"  Scope", "- Revenues", "+ Revenues and council tax", "  Benefits"}},
		{"empty to text", "", "Scope\nBenefits", []string{"+ Scope", "+ Benefits"}},
		{"text to empty", "Scope\nBenefits", "", []string{"- Scope", "- Benefits"}},
		{"both empty", "", "", nil},
		{"CRLF and LF are the same", "Scope\r\nBenefits\r\n", "Scope\nBenefits\n", []string{"  Scope", "  Benefits"}},
		{"a missing final newline is no change", "Scope\nBenefits", "Scope\nBenefits\n", []string{"  Scope", "  Benefits"}},
		{"blank line removed", "Scope\n\nBenefits", "Scope\nBenefits", []string{"  Scope", "- ", "  Benefits"}},
		{"Markdown table row changed", "| Stage | Date |\n|---|---|\n| Award | |", "| Stage | Date |\n|---|---|\n| Award | June |",
			[]string{"  | Stage | Date |", "  |---|---|", "- | Award | |", "+ | Award | June |"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines := models.DiffText(c.from, c.to)
			if got := diffLines(lines); !slices.Equal(got, c.want) {
				t.Errorf("DiffText:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			changed := slices.ContainsFunc(c.want, func(l string) bool { return !strings.HasPrefix(l, " ") })
			if got := models.DiffChanged(lines); got != changed {
				t.Errorf("DiffChanged %v, want %v", got, changed)
			}
		})
	}
}

func TestDiffChanged(t *testing.T) {
	same := models.DiffLine{Kind: models.DiffSame, Text: "a"}
	cases := []struct {
		name  string
		lines []models.DiffLine
		want  bool
	}{
		{"nothing", nil, false},
		{"only same", []models.DiffLine{same, same}, false},
		{"an added line", []models.DiffLine{same, {Kind: models.DiffAdded, Text: "b"}}, true},
		{"a removed line", []models.DiffLine{{Kind: models.DiffRemoved, Text: "b"}, same}, true},
	}
	for _, c := range cases {
		if got := models.DiffChanged(c.lines); got != c.want {
			t.Errorf("%s: DiffChanged %v, want %v", c.name, got, c.want)
		}
	}
}
