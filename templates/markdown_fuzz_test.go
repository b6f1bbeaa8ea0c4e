package templates_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"jointly/templates"
)

// What the Markdown renderer must never let through, whatever is typed:
// script, elements that load or run something, event-handler attributes,
// and script URLs. RenderMarkdown and RenderWithGlossary are the only ways
// text from people becomes HTML in a page.

var dangerousElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "form": true, "input": true, "button": true, "textarea": true, "select": true, "base": true,
	"meta": true, "link": true, "svg": true, "math": true, "template": true, "noscript": true,
}

// urlAttributes are the attributes whose value a browser may follow.
var urlAttributes = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
	"background": true, "poster": true, "cite": true, "srcset": true, "data": true, "ping": true}

// scheme is the URL's scheme as a browser reads it: ASCII whitespace and
// control characters are dropped, case is ignored.
func scheme(u string) string {
	u = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, u)
	s, _, ok := strings.Cut(strings.ToLower(u), ":")
	if !ok || strings.ContainsAny(s, "/?#") {
		return ""
	}
	return s
}

// checkSafeHTML fails unless out is HTML a page can hold safely.
func checkSafeHTML(t *testing.T, src, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("<script in the output of %q:\n%s", src, out)
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if dangerousElements[tok.Data] {
			t.Fatalf("<%s> in the output of %q:\n%s", tok.Data, src, out)
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") || key == "style" || key == "formaction" {
				t.Fatalf("attribute %s=%q on <%s> in the output of %q:\n%s", a.Key, a.Val, tok.Data, src, out)
			}
			if urlAttributes[key] {
				switch scheme(a.Val) {
				case "", "http", "https", "mailto":
				default:
					t.Fatalf("%s=%q on <%s> in the output of %q:\n%s", a.Key, a.Val, tok.Data, src, out)
				}
			}
		}
	}
}

// markdownSeeds are attacks and the Markdown people write.
var markdownSeeds = []string{
	"# Heading\n\nSome *text* with a [link](https://example.org) and `code`.\n\n- one\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"[click](javascript:alert(1))",
	"[click](JaVaScRiPt:alert(1))",
	"[click](java\tscript:alert(1))",
	"[click](&#106;avascript:alert(1))",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"![img](javascript:alert(1))",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<svg onload=alert(1)>",
	"<iframe src=https://evil.example></iframe>",
	"<div style=\"background:url(javascript:alert(1))\">x</div>",
	"[a]: javascript:alert(1)\n\n[a]",
	"<javascript:alert(1)>",
	"www.example.org/?q=<script>",
	"Text[^1]\n\n[^1]: <b onmouseover=alert(1)>note</b>",
	"```html\n<script>alert(1)</script>\n```",
	"<details open ontoggle=alert(1)>",
	"<form action=javascript:alert(1)><button>x</button></form>",
	"<<script>script>alert(1)<</script>/script>",
	"## <a name=\"main-content\">x</a>",
}

// sharedMarkdown adds the Markdown-like text of ../shared if it is there
// (the product notes), saying so when it is not.
func sharedMarkdown(f *testing.F) {
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "shared", "PRODUCT.md")
	b, err := os.ReadFile(p)
	if err != nil {
		f.Logf("fuzz seed skipped: %s is absent", p)
		return
	}
	if len(b) > 8<<10 {
		b = b[:8<<10]
	}
	f.Add(string(b))
}

func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range markdownSeeds {
		f.Add(s)
	}
	sharedMarkdown(f)
	f.Fuzz(func(t *testing.T, src string) {
		checkSafeHTML(t, src, string(templates.RenderMarkdown(src)))
		checkSafeHTML(t, src, string(templates.RenderMarkdownAt(src, 2)))
	})
}

// FuzzRenderWithGlossary: the glossary's terms and definitions are typed
// by administrators and go into the page too, so they are fuzzed as well.
func FuzzRenderWithGlossary(f *testing.F) {
	for _, s := range markdownSeeds {
		f.Add(s, "SaaS", "Software as a service")
	}
	f.Add("We buy SaaS and a DPO reads it.", "SaaS", `<script>alert(1)</script>`)
	f.Add("The onerror term", `onerror="alert(1)"`, `" onmouseover="alert(1)`)
	f.Add("[SaaS](javascript:alert(1)) SaaS", "SaaS", "javascript:alert(1)")
	f.Fuzz(func(t *testing.T, src, term, definition string) {
		glossary := []templates.GlossaryEntry{{Term: term, Definition: definition}, {Term: "DPO", Definition: "data protection officer"}}
		out, used := templates.RenderWithGlossary(src, glossary)
		checkSafeHTML(t, src, string(out))
		if len(used) > len(glossary) {
			t.Fatalf("%d terms linked from a glossary of %d", len(used), len(glossary))
		}
	})
}
