package templates

import (
	"bytes"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// GlossaryEntry is one glossary term and its plain-English definition.
// (The templates package does not import models: handlers hand over the
// glossary in this shape.)
type GlossaryEntry struct {
	Term       string
	Definition string
}

// GlossarySlug is the slug of a term's anchor on the glossary page:
// "Crown Commercial Service" → "crown-commercial-service". The page's id
// is "term-" plus the slug; GlossaryAnchors keeps them unique.
func GlossarySlug(term string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(term) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "term"
	}
	return b.String()
}

// GlossaryAnchors is the anchor (the id, "term-…") of each entry on the
// glossary page, in order: two terms whose slugs collide ("G-Cloud" and
// "G Cloud") get "-2", "-3" on the later one, so ids stay unique and the
// links RenderWithGlossary writes land on the right entry, given the same
// list in the same order.
func GlossaryAnchors(entries []GlossaryEntry) []string {
	out := make([]string, len(entries))
	seen := map[string]int{}
	for i, e := range entries {
		a := "term-" + GlossarySlug(e.Term)
		seen[a]++
		if n := seen[a]; n > 1 {
			a += "-" + strconv.Itoa(n)
		}
		out[i] = a
	}
	return out
}

// LinkedTerm is a glossary term a text uses, with the anchor of its entry
// on the glossary page ("term-saas").
type LinkedTerm struct {
	Term, Definition, Anchor string
}

// RenderWithGlossary renders Markdown exactly as RenderMarkdown does
// (goldmark with the same parser and renderer, then the same bluemonday
// policy) and links the first use of each glossary term in the text to its
// entry on /glossary: case-insensitively, whole words only (a plural "s"
// or "es" is taken in), never inside a heading, a link, an image or code.
// It returns the terms it linked, in order of first use, so a page can
// list "words used" with their definitions for everyone to read, on
// screen and in print.
//
// A linked term is marked up as
//
//	<dfn><a href="/glossary#term-saas" class="govuk-link">SaaS</a></dfn><span> (meaning: …)</span>
//
// The link works without JavaScript; the definition, in the span after
// it, is read by screen readers at the term and hidden on screen by the
// stylesheet (dfn + span), so it needs no class the sanitiser would have
// to allow. Terms and definitions are text: any HTML in them is escaped.
func RenderWithGlossary(src string, glossary []GlossaryEntry) (template.HTML, []LinkedTerm) {
	return RenderWithGlossaryAt(src, glossary, 3)
}

// RenderWithGlossaryAt is RenderWithGlossary with the text's top headings
// at level top, as RenderMarkdownAt.
func RenderWithGlossaryAt(src string, glossary []GlossaryEntry, top int) (template.HTML, []LinkedTerm) {
	source := []byte(src)
	doc := markdown.Parser().Parse(text.NewReader(source), parser.WithContext(parseContext(top)))
	linker := newGlossaryLinker(glossary)
	linker.Transform(doc.OwnerDocument(), text.NewReader(source), nil)
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, source, doc); err != nil {
		// goldmark fails only when the writer does; a bytes.Buffer does not.
		return template.HTML(template.HTMLEscapeString(src)), nil // #nosec G203 -- escaped by HTMLEscapeString
	}
	return template.HTML(sanitiser.SanitizeBytes(buf.Bytes())), linker.used // #nosec G203 -- sanitised just above
}

// glossaryTerm is one term to look for, with where it links.
type glossaryTerm struct {
	entry  GlossaryEntry
	anchor string
	done   bool // linked already: only the first use is linked
}

// glossaryLinker is a goldmark AST transformer that links the first use of
// each term, over the Text nodes of a parsed document. Longer terms are
// tried first, so "data protection officer" wins over "data protection"
// where both start.
type glossaryLinker struct {
	terms []*glossaryTerm
	used  []LinkedTerm
}

var _ parser.ASTTransformer = (*glossaryLinker)(nil)

func newGlossaryLinker(glossary []GlossaryEntry) *glossaryLinker {
	anchors := GlossaryAnchors(glossary)
	l := &glossaryLinker{}
	for i, e := range glossary {
		e.Term = strings.TrimSpace(e.Term)
		if e.Term == "" {
			continue
		}
		l.terms = append(l.terms, &glossaryTerm{entry: e, anchor: anchors[i]})
	}
	slices.SortStableFunc(l.terms, func(a, b *glossaryTerm) int { return len(b.entry.Term) - len(a.entry.Term) })
	return l
}

// Transform links terms in document order. It collects the Text nodes
// first and changes the tree afterwards, as ast.Walk must not walk a tree
// that is changing under it.
func (l *glossaryLinker) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	if len(l.terms) == 0 {
		return
	}
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading, *ast.Link, *ast.AutoLink, *ast.Image, *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock,
			*ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			mergeFollowingText(n)
			texts = append(texts, n)
		}
		return ast.WalkContinue, nil
	})
	source := reader.Source()
	for _, t := range texts {
		l.linkIn(t, source)
	}
}

// mergeFollowingText joins into t the Text nodes that continue it in the
// source on the same line. goldmark's inline parser leaves a sentence in
// pieces where an extension (GFM's linkify, at each space) looked for a
// link and found none, so "legacy system" may lie across two nodes; as one
// it renders the same. Only siblings after t change, which ast.Walk allows.
func mergeFollowingText(t *ast.Text) {
	for !t.SoftLineBreak() && !t.HardLineBreak() {
		next, ok := t.NextSibling().(*ast.Text)
		if !ok || next.IsRaw() != t.IsRaw() || next.Segment.Start != t.Segment.Stop || next.Segment.Padding != 0 || t.Segment.Padding != 0 {
			return
		}
		t.Segment = t.Segment.WithStop(next.Segment.Stop)
		t.SetSoftLineBreak(next.SoftLineBreak())
		t.SetHardLineBreak(next.HardLineBreak())
		t.Parent().RemoveChild(t.Parent(), next)
	}
}

// linkIn links every not-yet-linked term in one Text node, splitting it
// into text, link, text as it goes.
func (l *glossaryLinker) linkIn(t *ast.Text, source []byte) {
	for {
		value := t.Segment.Value(source)
		start, end, term := l.find(value)
		if term == nil {
			return
		}
		term.done = true
		l.used = append(l.used, LinkedTerm{Term: term.entry.Term, Definition: term.entry.Definition, Anchor: term.anchor})
		parent := t.Parent()
		seg := t.Segment
		if start > 0 {
			parent.InsertBefore(parent, t, ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+start)))
		}
		for _, n := range termNodes(term, text.NewSegment(seg.Start+start, seg.Start+end)) {
			parent.InsertBefore(parent, t, n)
		}
		// What follows the term stays in t (with its line break), to be
		// searched for the next term.
		t.Segment = text.NewSegment(seg.Start+end, seg.Stop)
		if t.Segment.IsEmpty() && !t.SoftLineBreak() && !t.HardLineBreak() {
			parent.RemoveChild(parent, t)
			return
		}
	}
}

// termNodes is a linked term: <dfn><a>term</a></dfn> and the definition.
// The term's own text stays a Text node, which the renderer escapes; the
// markup around it is written here, with the definition escaped.
func termNodes(term *glossaryTerm, seg text.Segment) []ast.Node {
	raw := func(s string) ast.Node {
		n := ast.NewString([]byte(s))
		n.SetCode(true) // written as it is: markup built here, then sanitised with the rest
		return n
	}
	link := ast.NewLink()
	link.Destination = []byte("/glossary#" + term.anchor)
	link.SetAttributeString("class", []byte("govuk-link"))
	link.AppendChild(link, ast.NewTextSegment(seg))
	def := strings.TrimSpace(term.entry.Definition)
	return []ast.Node{raw("<dfn>"), link, raw("</dfn><span> (meaning: " + html.EscapeString(def) + ")</span>")}
}

// find is the first whole-word use of a term not yet linked in value:
// its byte range (a plural "s" or "es" included) and the term.
func (l *glossaryLinker) find(value []byte) (int, int, *glossaryTerm) {
	for i := 0; i < len(value); {
		_, size := utf8.DecodeRune(value[i:])
		if wordStart(value, i) {
			for _, term := range l.terms {
				if term.done {
					continue
				}
				if end, ok := matchAt(value, i, term.entry.Term); ok {
					return i, end, term
				}
			}
		}
		i += size
	}
	return 0, 0, nil
}

// wordStart reports whether a word starts at i: the text starts there, or
// the rune before is not part of a word (nor an & that would make it an
// entity such as &amp;).
func wordStart(value []byte, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRune(value[:i])
	return !isWordRune(r) && r != '&'
}

// matchAt reports whether term, in any case, is at value[i:] as a whole
// word, perhaps plural, and where it ends.
func matchAt(value []byte, i int, term string) (int, bool) {
	end := i + len(term)
	if end > len(value) || !strings.EqualFold(string(value[i:end]), term) {
		return 0, false
	}
	for _, suffix := range []string{"", "s", "es"} {
		e := end + len(suffix)
		if e > len(value) || !strings.EqualFold(string(value[end:e]), suffix) {
			continue
		}
		if r, _ := utf8.DecodeRune(value[e:]); e == len(value) || !isWordRune(r) {
			return e, true
		}
	}
	return 0, false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
