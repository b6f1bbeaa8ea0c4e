package models

import (
	"regexp"
	"strings"
	"unicode"
)

// An OCDS notice names its buyer as the buyer wrote it: "Leeds City
// Council", "THE LONDON BOROUGH OF CAMDEN", "City & County of Swansea",
// "Hertfordshire County Council - Children's Services". councilIndex
// matches those to councils: by a GSS code in the buyer's identifiers
// when there is one, else by the name reduced to its core ("leeds",
// "camden", "swansea"), compared with the core of each council's name
// and official name. A core two councils share matches neither, and a
// parish or town council, a combined authority or a police body keeps
// words that match no principal council.

type councilIndex struct {
	byGSS  map[string]Council
	byName map[string]string // name key → GSS code; "" when two councils share it
}

func newCouncilIndex(councils []Council) *councilIndex {
	x := &councilIndex{byGSS: map[string]Council{}, byName: map[string]string{}}
	for _, c := range councils {
		if !c.Active {
			continue
		}
		x.byGSS[c.GSSCode] = c
		keys := map[string]bool{}
		for _, n := range []string{c.Name, c.OfficialName} {
			full, core := councilNameKeys(n)
			keys[full], keys[core] = true, true
		}
		for k := range keys {
			if k == "" {
				continue
			}
			if other, taken := x.byName[k]; taken && other != c.GSSCode {
				x.byName[k] = "" // ambiguous
				continue
			}
			x.byName[k] = c.GSSCode
		}
	}
	return x
}

var (
	parenthetical = regexp.MustCompile(`\([^)]*\)`)
	gssInText     = regexp.MustCompile(`(?:^|[^A-Za-z0-9])([ENSW][0-9]{8})(?:$|[^A-Za-z0-9])`)
)

// councilPrefixes are dropped from the start of a council's name, longest
// first; councilSuffixes from its end.
var councilPrefixes = [][]string{
	{"metropolitan", "borough", "of"}, {"county", "borough", "of"}, {"london", "borough", "of"}, {"royal", "borough", "of"},
	{"city", "and", "county", "of"}, {"cyngor", "bwrdeistref", "sirol"}, {"city", "of"}, {"county", "of"}, {"borough", "of"},
	{"district", "of"}, {"cyngor", "sir"}, {"cyngor", "dinas"}, {"cyngor"}, {"the"},
}

var councilSuffixes = map[string]bool{
	"council": true, "city": true, "county": true, "borough": true, "district": true, "metropolitan": true,
	"corporation": true, "cbc": true, "mbc": true, "bc": true, "dc": true, "cc": true,
}

// councilNameKeys returns a name's full normalised form and its core.
func councilNameKeys(name string) (full, core string) {
	s := strings.ToLower(cleanImportText(name))
	s = parenthetical.ReplaceAllString(s, " ")
	s = strings.ReplaceAll(s, "&", " and ")
	s = strings.NewReplacer("'", "", "\u2019", "").Replace(s)
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	full = strings.Join(words, " ")
	for changed := true; changed && len(words) > 1; {
		changed = false
		for _, p := range councilPrefixes {
			if len(words) > len(p) && equalWords(words[:len(p)], p) {
				words, changed = words[len(p):], true
				break
			}
		}
		// "County Durham": a leading "county" goes when a name remains.
		if len(words) > 1 && words[0] == "county" {
			words, changed = words[1:], true
		}
		if len(words) > 1 && councilSuffixes[words[len(words)-1]] {
			words, changed = words[:len(words)-1], true
		}
	}
	return full, strings.Join(words, " ")
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// byNameOf matches one name: whole, then by its core, then by the name up
// to "Council", then (for names such as "Legal Services, Swansea Council"
// or "Hertfordshire County Council - Children's Services") by a part that
// says it is a council.
func (x *councilIndex) byNameOf(name string) string {
	try := func(n string) string {
		full, core := councilNameKeys(n)
		if gss := x.byName[full]; gss != "" {
			return gss
		}
		return x.byName[core]
	}
	if gss := try(name); gss != "" {
		return gss
	}
	// "Suffolk County Council Passenger Transport": the council is the
	// name up to "Council".
	if full, _ := councilNameKeys(name); strings.Contains(full, " council ") {
		head, _, _ := strings.Cut(full, " council ")
		if gss := try(head + " council"); gss != "" {
			return gss
		}
	}
	parts := strings.FieldsFunc(parenthetical.ReplaceAllString(name, ","), func(r rune) bool { return r == ',' || r == '/' || r == '|' || r == ';' })
	var split []string
	for _, p := range parts {
		split = append(split, strings.Split(p, " - ")...)
	}
	if len(split) < 2 {
		return ""
	}
	for _, p := range split {
		if full, _ := councilNameKeys(p); strings.Contains(" "+full+" ", " council ") {
			if gss := try(p); gss != "" {
				return gss
			}
		}
	}
	return ""
}

// byIdentifier finds a council's GSS code in an identifier ("GB-LAC-E09000003").
func (x *councilIndex) byIdentifier(ids ...ocdsInText) string {
	for _, id := range ids {
		for _, m := range gssInText.FindAllStringSubmatch(strings.ToUpper(string(id)), -1) {
			if _, ok := x.byGSS[m[1]]; ok {
				return m[1]
			}
		}
	}
	return ""
}

// buyersOf lists the councils that bought in a release: its buyer and
// every party with the role buyer, each once, the buyer first.
func (x *councilIndex) buyersOf(rel ocdsInRelease) []string {
	var out []string
	add := func(gss string) {
		if gss != "" && !containsString(out, gss) {
			out = append(out, gss)
		}
	}
	match := func(p ocdsInParty, names ...string) {
		ids := []ocdsInText{p.ID, p.Identifier.ID}
		for _, a := range append([]ocdsInIdentifier{p.Identifier}, p.AdditionalIdentifiers...) {
			ids = append(ids, a.Scheme+"-"+a.ID)
		}
		if gss := x.byIdentifier(ids...); gss != "" {
			add(gss)
			return
		}
		for _, n := range append(names, p.Name.String(), p.Identifier.LegalName.String()) {
			if n == "" {
				continue
			}
			if gss := x.byNameOf(n); gss != "" {
				add(gss)
				return
			}
		}
	}
	if rel.Buyer.ID != "" || rel.Buyer.Name != "" {
		p := importPartyOf(rel, rel.Buyer.ID)
		if p.ID == "" {
			p.ID = rel.Buyer.ID
		}
		match(p, rel.Buyer.Name.String())
	}
	for _, p := range rel.Parties {
		if p.has("buyer") {
			match(p)
		}
	}
	return out
}
