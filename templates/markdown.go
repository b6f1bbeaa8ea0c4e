package templates

import (
	"bytes"
	"html/template"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown turns what people write (contract notes, and later library
// items and bid sections) into HTML: GitHub-flavoured Markdown with line
// breaks kept as typed, GOV.UK classes on each element, and raw HTML
// never passed through (goldmark leaves it out unless told otherwise).
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM, extension.Footnote),
	goldmark.WithParserOptions(parser.WithAutoHeadingID(), parser.WithASTTransformers(util.Prioritized(govukClasses{}, 100))),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// headingTop is the parser context key holding the level the text's own
// top headings take on the page (RenderMarkdownAt).
var headingTop = parser.NewContextKey()

func parseContext(top int) parser.Context {
	pc := parser.NewContext()
	pc.Set(headingTop, top)
	return pc
}

// headingIDPrefix starts every anchor made from a heading, so a heading
// can never take an id the page itself uses (main-content, say).
const headingIDPrefix = "h-"

// anchorID is what the sanitiser lets through as an id: heading anchors
// and footnotes' own.
var anchorID = regexp.MustCompile(`^(h-[a-z0-9-]+|fn:[0-9]+|fnref:[0-9]+(:[0-9]+)?)$`)

// govukClassValue is the only kind of class the sanitiser lets through:
// GOV.UK Frontend's own, which govukClasses adds. Users cannot style text.
var govukClassValue = regexp.MustCompile(`^govuk-[a-z0-9_-]+( govuk-[a-z0-9_-]+)*$`)

// sanitiser is bluemonday's policy for user-generated content (no script,
// no event handlers, no javascript: or data: links, no iframes or forms),
// with links marked nofollow and noreferrer, plus the GOV.UK classes.
var sanitiser = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AllowAttrs("class").Matching(govukClassValue).OnElements(
		"p", "a", "ul", "ol", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "div")
	p.AllowAttrs("id").Matching(anchorID).OnElements("h2", "h3", "h4", "h5", "h6", "sup", "li")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(noteref|endnotes|backlink)$`)).OnElements("a", "div")
	return p
}()

// RenderMarkdown renders Markdown to HTML that is safe to put in a page:
// goldmark first, then bluemonday, as the only way text from users becomes
// template.HTML. Headings start at level 3, as the text sits under the
// page's own h1 and a section's h2.
func RenderMarkdown(src string) template.HTML { return RenderMarkdownAt(src, 3) }

// RenderMarkdownAt is RenderMarkdown with the text's top headings at level
// top: 2 for a page whose text stands straight under its h1 (a library
// item), 3 under a section's h2.
func RenderMarkdownAt(src string, top int) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf, parser.WithContext(parseContext(top))); err != nil {
		// goldmark fails only when the writer does; a bytes.Buffer does not.
		return template.HTML(template.HTMLEscapeString(src)) // #nosec G203 -- escaped by HTMLEscapeString
	}
	return template.HTML(sanitiser.SanitizeBytes(buf.Bytes())) // #nosec G203 -- sanitised just above
}

// govukClasses gives Markdown's elements the GOV.UK Frontend classes, so
// notes read like the rest of the page, and moves headings down two levels.
type govukClasses struct{}

func (govukClasses) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	top, _ := pc.Get(headingTop).(int)
	if top == 0 {
		top = 3
	}
	// The text's own highest heading becomes level top; the rest keep
	// their distance below it, so the page's outline has no gaps.
	highest := 6
	var boxes []*east.TaskCheckBox
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			highest = min(highest, h.Level)
		}
		if b, ok := n.(*east.TaskCheckBox); ok && entering {
			boxes = append(boxes, b)
		}
		return ast.WalkContinue, nil
	})
	// A task list's boxes become ☐ and ☑: an unlabelled form control in
	// the page would be a barrier, and there is nothing to tick.
	for _, b := range boxes {
		mark := "☐ "
		if b.IsChecked {
			mark = "☑ "
		}
		b.Parent().ReplaceChild(b.Parent(), b, ast.NewString([]byte(mark)))
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		class := ""
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(max(n.Level-highest+top, 2), 6)
			class = "govuk-heading-s"
			switch n.Level {
			case 2:
				class = "govuk-heading-l"
			case 3:
				class = "govuk-heading-m"
			}
			if id, ok := n.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					n.SetAttributeString("id", append([]byte(headingIDPrefix), b...))
				}
			}
		case *ast.Paragraph:
			class = "govuk-body"
		case *ast.List:
			class = "govuk-list govuk-list--bullet"
			if n.IsOrdered() {
				class = "govuk-list govuk-list--number"
			}
		case *ast.Link, *ast.AutoLink:
			class = "govuk-link"
		case *ast.Blockquote:
			class = "govuk-inset-text"
		case *ast.ThematicBreak:
			class = "govuk-section-break govuk-section-break--m govuk-section-break--visible"
		case *east.Table:
			class = "govuk-table"
		case *east.TableHeader:
			class = "govuk-table__head"
		case *east.TableRow:
			class = "govuk-table__row"
		case *east.TableCell:
			class = "govuk-table__cell"
			if _, inHeader := n.Parent().(*east.TableHeader); inHeader {
				class = "govuk-table__header"
			}
		}
		if class != "" {
			n.SetAttributeString("class", []byte(class))
		}
		return ast.WalkContinue, nil
	})
}
