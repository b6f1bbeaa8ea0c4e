package templates_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"jointly/templates"
)

// safeTags and safeAttrs are everything rendered notes may hold.
var (
	safeTags = map[string]bool{"p": true, "br": true, "strong": true, "em": true, "del": true, "a": true, "ul": true, "ol": true,
		"li": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "hr": true, "code": true, "pre": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "img": true}
	safeAttrs = map[string]bool{"href": true, "class": true, "rel": true, "src": true, "alt": true, "title": true, "align": true, "start": true}
)

// unsafeParts lists the tags, attributes and URLs in out that a page must
// never get from a user's text.
func unsafeParts(out string) []string {
	var bad []string
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return bad
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if !safeTags[tok.Data] {
				bad = append(bad, "<"+tok.Data+">")
			}
			for _, a := range tok.Attr {
				if !safeAttrs[a.Key] {
					bad = append(bad, a.Key+"=")
				}
				if a.Key == "href" || a.Key == "src" {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if !(strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "mailto:")) {
						bad = append(bad, a.Key+"="+a.Val)
					}
				}
			}
		}
	}
}

// TestRenderMarkdownIsSafe feeds the sanitiser the usual ways of getting a
// script into a page. None may survive, whatever the Markdown or raw HTML.
func TestRenderMarkdownIsSafe(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // text that must survive
	}{
		{"script tag", "Before <script>alert(1)</script> after", []string{"Before", "after"}},
		{"script block", "<script>\nalert(document.cookie)\n</script>\n\nText", []string{"Text"}},
		{"javascript link", "[click me](javascript:alert(1))", []string{"click me"}},
		{"javascript link in capitals", "[click](JAVASCRIPT:alert(1))", []string{"click"}},
		{"javascript link with an entity", "[click](jav&#x09;ascript:alert(1))", []string{"click"}},
		{"javascript link with spaces", "[click](  javascript:alert(1) )", []string{"click"}},
		{"javascript autolink", "<javascript:alert(1)>", nil},
		{"reference link", "[click][x]\n\n[x]: javascript:alert(1)", []string{"click"}},
		{"vbscript link", "[v](vbscript:msgbox(1))", []string{"v"}},
		{"data link", "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", []string{"d"}},
		{"image onerror", `<img src="x" onerror="alert(1)">`, nil},
		{"markdown image with a javascript source", "![x](javascript:alert(1))", nil},
		{"raw anchor", `<a href="javascript:alert(1)" onclick="alert(2)">link</a>`, []string{"link"}},
		{"raw HTML block", "<div onmouseover=\"alert(1)\">\nhello\n</div>", nil},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, nil},
		{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, nil},
		{"svg onload", `<svg onload="alert(1)"></svg>`, nil},
		{"style", "<style>body{display:none}</style>\n\nText", []string{"Text"}},
		{"inline style attribute", `<p style="position:fixed">x</p>`, nil},
		{"form", `<form action="https://evil.example"><input name="password"></form>`, nil},
		{"body onload", `<body onload=alert(1)>`, nil},
		{"link text with HTML", `[<img src=x onerror=alert(1)>](https://example.org)`, []string{`href="https://example.org"`}},
		{"unclosed tag", `<scr<script>ipt>alert(1)</script>`, nil},
		{"HTML comment", "<!-- <script>alert(1)</script> -->", nil},
		{"entity-encoded script", "&lt;script&gt;alert(1)&lt;/script&gt;", []string{"&lt;script&gt;"}},
		{"code span", "`<script>alert(1)</script>`", []string{"<code>&lt;script&gt;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(templates.RenderMarkdown(tt.src))
			if bad := unsafeParts(got); len(bad) > 0 {
				t.Errorf("RenderMarkdown(%q) = %q: has %q", tt.src, got, bad)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("RenderMarkdown(%q) = %q: lacks %q", tt.src, got, w)
				}
			}
		})
	}
}

// TestRenderMarkdownFormats checks what notes are for: ordinary Markdown
// comes out as GOV.UK-styled HTML.
func TestRenderMarkdownFormats(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"paragraph and emphasis", "Renewal **agreed** in *principle*.", []string{`<p class="govuk-body">Renewal <strong>agreed</strong> in <em>principle</em>.</p>`}},
		{"line breaks kept", "line one\nline two", []string{"line one<br>", "line two"}},
		{"bullets", "- one\n- two", []string{`<ul class="govuk-list govuk-list--bullet">`, "<li>one</li>"}},
		{"numbers", "1. one\n2. two", []string{`<ol class="govuk-list govuk-list--number">`}},
		{"link", "[Contracts Finder](https://www.contractsfinder.service.gov.uk/)",
			[]string{`<a href="https://www.contractsfinder.service.gov.uk/"`, `class="govuk-link"`, `rel="nofollow noreferrer"`}},
		{"bare URL", "See https://example.org/notice", []string{`<a href="https://example.org/notice"`}},
		{"headings start at h3", "# Exit plan\n## Steps", []string{`<h3 id="h-exit-plan" class="govuk-heading-m">Exit plan</h3>`, `<h4 id="h-steps" class="govuk-heading-s">Steps</h4>`}},
		{"the text's top heading starts at h3 whatever its level", "## Scope\n### Detail", []string{`<h3 id="h-scope" class="govuk-heading-m">Scope</h3>`, `<h4 id="h-detail" class="govuk-heading-s">Detail</h4>`}},
		{"a heading cannot take a page's id", "## Main content", []string{`<h3 id="h-main-content" class="govuk-heading-m">`}},
		{"footnotes", "Cited.[^1]\n\n[^1]: The source.", []string{`<sup id="fnref:1"><a href="#fn:1" role="doc-noteref"`, `<li id="fn:1">`, `role="doc-endnotes"`}},
		{"task lists become marks, not form controls", "- [ ] Plan\n- [x] Agree", []string{"☐ Plan", "☑ Agree"}},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{`<table class="govuk-table">`, `<th class="govuk-table__header">a</th>`, `<td class="govuk-table__cell">1</td>`}},
		{"text is escaped", "Fish & chips < 5", []string{"Fish &amp; chips &lt; 5"}},
		{"empty", "", nil},
	}
	if got := string(templates.RenderMarkdownAt("## Scope", 2)); !strings.Contains(got, `<h2 id="h-scope" class="govuk-heading-l">Scope</h2>`) {
		t.Errorf("RenderMarkdownAt(top 2) = %q", got)
	}
	if got := string(templates.RenderMarkdown("- [ ] Plan")); strings.Contains(got, "<input") {
		t.Errorf("a task list renders a form control: %q", got)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(templates.RenderMarkdown(tt.src))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("RenderMarkdown(%q) = %q: lacks %q", tt.src, got, w)
				}
			}
		})
	}
}

// TestUnsafePartsCatchesUnsafeHTML is the control for the checker above:
// given unsafe HTML directly, it must object.
func TestUnsafePartsCatchesUnsafeHTML(t *testing.T) {
	for _, h := range []string{`<script>alert(1)</script>`, `<a href="javascript:alert(1)">x</a>`, `<img src="x" onerror="alert(1)">`, `<p style="x">y</p>`} {
		if len(unsafeParts(h)) == 0 {
			t.Errorf("unsafeParts(%q) found nothing", h)
		}
	}
}
