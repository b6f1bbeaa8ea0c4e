package templates_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"jointly/templates"
)

var testGlossary = []templates.GlossaryEntry{
	{Term: "cloud", Definition: "Using computers in someone else's data centre."},
	{Term: "SaaS", Definition: "Software as a service."},
	{Term: "data protection", Definition: "The law on personal data."},
	{Term: "data protection officer", Definition: "Who advises on data protection."},
	{Term: "legacy system", Definition: "An old system that is hard to keep."},
	{Term: "decision window", Definition: "When to start replacing a contract."},
	{Term: "amp", Definition: "A unit of current."},
}

// glossaryLinks lists the glossary links in html, in order, as
// "anchor=text".
func glossaryLinks(html string) []string {
	re := regexp.MustCompile(`<dfn><a href="/glossary#([^"]+)"[^>]*>(.*?)</a></dfn>`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1]+"="+m[2])
	}
	return out
}

func TestRenderWithGlossaryLinksFirstUse(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // anchor=text of each link, in order
	}{
		{"first use only", "The cloud is big. The cloud is cheap.", []string{"term-cloud=cloud"}},
		{"any case, as typed", "CLOUD first, then cloud.", []string{"term-cloud=CLOUD"}},
		{"plural s", "Two clouds.", []string{"term-cloud=clouds"}},
		{"plural es of a phrase", "Three legacy systems and a legacy system.", []string{"term-legacy-system=legacy systems"}},
		{"whole words only", "A cloudy day, a SaaSy app, a legacy systematic review.", nil},
		{"hyphen and apostrophe end words", "cloud-based and SaaS's prices", []string{"term-cloud=cloud", "term-saas=SaaS"}},
		{"longest term wins", "The data protection officer knows data protection.",
			[]string{"term-data-protection-officer=data protection officer", "term-data-protection=data protection"}},
		{"several terms, document order", "SaaS runs in the cloud.\n\nA decision window.",
			[]string{"term-saas=SaaS", "term-cloud=cloud", "term-decision-window=decision window"}},
		{"not in headings", "# The cloud\n\nWhy the cloud matters.", []string{"term-cloud=cloud"}},
		{"not in links", "[the cloud](/x) and the cloud", []string{"term-cloud=cloud"}},
		{"not in autolinks", "<https://cloud.example> or the cloud", []string{"term-cloud=cloud"}},
		{"not in code spans", "`cloud` or cloud", []string{"term-cloud=cloud"}},
		{"not in code blocks", "```\ncloud\n```\n\nthe cloud", []string{"term-cloud=cloud"}},
		{"not in image text", "![a cloud](/c.png) the cloud", []string{"term-cloud=cloud"}},
		{"inside emphasis", "**the cloud** and SaaS", []string{"term-cloud=cloud", "term-saas=SaaS"}},
		{"in a list and a table", "- the cloud\n\n| a |\n|---|\n| SaaS |", []string{"term-cloud=cloud", "term-saas=SaaS"}},
		{"a term across goldmark's text pieces", "[x](/x) and legacy systems.", []string{"term-legacy-system=legacy systems"}},
		{"not across a line break", "the decision\nwindow", nil},
		{"not inside an entity", "Tom &amp; Jerry", nil},
		{"entity then the term", "R&D amp", []string{"term-amp=amp"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			html, used := templates.RenderWithGlossary(tc.src, testGlossary)
			got := glossaryLinks(string(html))
			if !slices.Equal(got, tc.want) {
				t.Errorf("links %q, want %q\n%s", got, tc.want, html)
			}
			if len(used) != len(tc.want) {
				t.Fatalf("used %d terms, linked %d", len(used), len(tc.want))
			}
			for i, u := range used {
				if anchor, _, _ := strings.Cut(tc.want[i], "="); u.Anchor != anchor {
					t.Errorf("used[%d] anchor %q, want %q", i, u.Anchor, anchor)
				}
				// The definition follows the term, for screen readers.
				if !strings.Contains(string(html), "</a></dfn><span> (meaning: "+strings.ReplaceAll(u.Definition, "'", "&#39;")+")</span>") {
					t.Errorf("no definition after %q\n%s", u.Term, html)
				}
			}
		})
	}
}

// Without a glossary the text renders exactly as RenderMarkdown renders it.
func TestRenderWithGlossaryIsRenderMarkdown(t *testing.T) {
	for _, src := range []string{"", "# Title\n\nSome **bold** [link](/x) and `code`.\n\n- a\n- b\n", "| a | b |\n|---|---|\n| 1 | 2 |"} {
		got, used := templates.RenderWithGlossary(src, nil)
		if want := templates.RenderMarkdown(src); got != want || used != nil {
			t.Errorf("%q: got\n%s\nwant\n%s", src, got, want)
		}
	}
}

// Terms and definitions are text, whoever typed them.
func TestRenderWithGlossaryEscapes(t *testing.T) {
	glossary := []templates.GlossaryEntry{
		{Term: "R&D", Definition: `"><script>alert(1)</script><a href="javascript:alert(2)">x</a><img src=x onerror=alert(3)>`},
		{Term: `x" onmouseover="alert(4)`, Definition: "</span></dfn><iframe src=//evil></iframe>"},
		{Term: "<b>bold</b>", Definition: "never shown: goldmark drops raw HTML from the text"},
	}
	src := "Our R&D budget. Then x\" onmouseover=\"alert(4) and <b>bold</b>.\n\n<script>alert(5)</script>"
	html, used := templates.RenderWithGlossary(src, glossary)
	out := string(html)
	// Every element in the output is one the linker or Markdown made, and
	// no attribute is a script.
	for _, tag := range regexp.MustCompile(`<([a-zA-Z0-9]+)([^>]*)>`).FindAllStringSubmatch(out, -1) {
		if !slices.Contains([]string{"p", "dfn", "a", "span"}, tag[1]) {
			t.Errorf("element <%s> in the output:\n%s", tag[1], out)
		}
		if regexp.MustCompile(`(?i)\son[a-z]+=|javascript:`).MatchString(tag[2]) {
			t.Errorf("attributes %q in the output:\n%s", tag[2], out)
		}
	}
	for _, want := range []string{
		`<a href="/glossary#term-r-d" class="govuk-link" rel="nofollow noreferrer">R&amp;D</a>`,
		`(meaning: &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;`,
		`href="/glossary#term-x-onmouseover-alert-4"`,
		`(meaning: &lt;/span&gt;&lt;/dfn&gt;&lt;iframe`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if len(used) != 2 {
		t.Errorf("used %v, want R&D and the onmouseover term", used)
	}
}

func TestGlossarySlugAndAnchors(t *testing.T) {
	for in, want := range map[string]string{
		"SaaS":                       "saas",
		"Crown Commercial Service":   "crown-commercial-service",
		"G-Cloud 14":                 "g-cloud-14",
		"  Procurement Act 2023  ":   "procurement-act-2023",
		"UK GDPR (the law)":          "uk-gdpr-the-law",
		"Café":                       "café",
		"<>&":                        "term",
		`x" onmouseover="alert(4)`:   "x-onmouseover-alert-4",
		"data protection   officer ": "data-protection-officer",
	} {
		if got := templates.GlossarySlug(in); got != want {
			t.Errorf("GlossarySlug(%q) = %q, want %q", in, got, want)
		}
	}
	got := templates.GlossaryAnchors([]templates.GlossaryEntry{{Term: "G-Cloud"}, {Term: "SaaS"}, {Term: "G Cloud"}, {Term: "g cloud"}})
	if want := []string{"term-g-cloud", "term-saas", "term-g-cloud-2", "term-g-cloud-3"}; !slices.Equal(got, want) {
		t.Errorf("anchors %q, want %q", got, want)
	}
	// A colliding term links to its own entry.
	html, _ := templates.RenderWithGlossary("G Cloud", []templates.GlossaryEntry{{Term: "G-Cloud", Definition: "a"}, {Term: "G Cloud", Definition: "b"}})
	if !strings.Contains(string(html), `href="/glossary#term-g-cloud-2"`) {
		t.Errorf("G Cloud should link to term-g-cloud-2:\n%s", html)
	}
}
