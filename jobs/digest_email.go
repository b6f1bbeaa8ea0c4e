package jobs

import (
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"jointly/models"
)

// The digest email: a plain-text part and a simple, accessible HTML part
// (real headings, lists, descriptive links, no images or scripts, readable
// without its few inline styles), both rendered from one view of the
// digest, with the one-click unsubscribe link (RFC 8058) in the footer and
// in the headers.

// digestView is a digest as the email shows it.
type digestView struct {
	Subject        string
	Greeting       string
	Intro          string
	Sections       []digestSectionView
	Why            string
	PrefsURL       string
	UnsubscribeURL string
}

// digestSectionView is one section: its items and, when there are more
// than it lists, where to see them all.
type digestSectionView struct {
	Heading  string
	Intro    string
	Items    []digestItemView
	More     int
	MoreURL  string
	MoreText string
}

// digestItemView is one item: a link whose text says what it is, and a
// line of detail.
type digestItemView struct {
	Title  string
	URL    string
	Detail string
}

// digestEmail is person dg.Recipient's email for digest dg.
func digestEmail(d Deps, dg models.Digest) (models.Email, error) {
	v := digestViewOf(d, dg)
	var text, html strings.Builder
	if err := digestText.Execute(&text, v); err != nil {
		return models.Email{}, err
	}
	if err := digestHTML.Execute(&html, v); err != nil {
		return models.Email{}, err
	}
	return models.Email{To: dg.Recipient.Email, Subject: v.Subject, Text: text.String(), HTML: html.String(),
		Kind: "digest", UnsubscribeURL: v.UnsubscribeURL}, nil
}

// digestSubject says what the digest holds: "Your Jointly digest: 3
// decision windows and 2 partner matches".
func digestSubject(dg models.Digest) string {
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, models.Plural(n, one, many))
		}
	}
	add(dg.DecisionWindows.Total, "decision window", "decision windows")
	add(dg.PartnerMatches.Total, "partner match", "partner matches")
	add(dg.BidActivity.Total, "bid update", "bid updates")
	add(dg.Opportunities.Total, "new opportunity", "new opportunities")
	add(dg.Library.Total, "library item", "library items")
	if len(parts) == 0 {
		return "Your Jointly digest"
	}
	list := parts[0]
	if len(parts) > 1 {
		list = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return "Your Jointly digest: " + list
}

func digestViewOf(d Deps, dg models.Digest) digestView {
	base := strings.TrimSuffix(d.BaseURL, "/")
	r := dg.Recipient
	v := digestView{
		Subject:        digestSubject(dg),
		Greeting:       "Hello " + r.Name + ",",
		Intro:          "Here is what is new for you on Jointly since " + models.FormatUKTime(dg.Since) + ".",
		Why:            "You get this digest " + strings.ToLower(models.DigestLabel(r.Frequency)) + " because you asked for it in your Jointly account.",
		PrefsURL:       base + "/account/digest",
		UnsubscribeURL: models.UnsubscribeURL(d.BaseURL, d.SigningKey, r.ID),
	}
	council := r.CouncilName
	if council == "" {
		council = "your council"
	}
	today := models.DateOf(dg.Until)

	if s := dg.DecisionWindows; s.Total > 0 {
		sec := digestSectionView{Heading: "Decision windows coming up",
			Intro: council + "’s contracts now " + strconv.Itoa(models.DigestWindowDays) +
				" days or less from their decision window, when re-procuring should start.",
			More: s.More(), MoreURL: base + "/councils/" + r.CouncilGSS + "/contracts?window=120&sort=decision_window",
			MoreText: "all of " + council + "’s contracts reaching their decision window within 120 days"}
		for _, c := range s.Items {
			sec.Items = append(sec.Items, digestItemView{Title: c.Title, URL: base + "/contracts/" + itoa(c.ID),
				Detail: "with " + c.SupplierName + "; decision window " + c.Window.Long() + ", " + daysAway(today.DaysUntil(c.Window))})
		}
		v.Sections = append(v.Sections, sec)
	}
	if s := dg.PartnerMatches; s.Total > 0 {
		sec := digestSectionView{Heading: "New partner matches",
			Intro: "Other councils’ contracts, new or changed, that match one of " + council + "’s.",
			More:  s.More(), MoreURL: base + "/councils/" + r.CouncilGSS + "/partners",
			MoreText: "all of " + council + "’s partner matches"}
		for _, m := range s.Items {
			sec.Items = append(sec.Items, digestItemView{Title: m.PartnerName + ": " + m.PartnerContractTitle,
				URL:    base + "/contracts/" + itoa(m.ContractID) + "/partners",
				Detail: "matches your " + m.ContractTitle + " (score " + strconv.Itoa(m.Score) + " out of 100). " + m.Explanation})
		}
		v.Sections = append(v.Sections, sec)
	}
	if s := dg.BidActivity; s.Total > 0 {
		sec := digestSectionView{Heading: "Joint bid activity", More: s.More()}
		supplier := r.Role == models.RoleSupplier
		if supplier {
			sec.Intro = "News of the opportunities you follow or responded to."
			sec.MoreURL, sec.MoreText = base+"/opportunities", "all opportunities"
		} else {
			sec.Intro = "What others did in the joint bids " + council + " takes part in."
			sec.MoreURL, sec.MoreText = base+"/bids?mine=1", "all of "+council+"’s joint bids"
		}
		for _, a := range s.Items {
			url := base + "/bids/" + itoa(a.BidID) + "/activity"
			if supplier {
				url = base + "/opportunities/" + itoa(a.BidID)
			}
			sec.Items = append(sec.Items, digestItemView{Title: a.BidTitle, URL: url,
				Detail: a.What + ", " + models.FormatUKTime(a.At)})
		}
		v.Sections = append(v.Sections, sec)
	}
	if s := dg.Opportunities; s.Total > 0 {
		sec := digestSectionView{Heading: "New opportunities in your categories",
			Intro: "Joint bids published for responses in the categories your company chose.",
			More:  s.More(), MoreURL: base + "/opportunities", MoreText: "all open opportunities"}
		for _, o := range s.Items {
			sec.Items = append(sec.Items, digestItemView{Title: o.Title, URL: base + "/opportunities/" + itoa(o.ID),
				Detail: o.CategoryName + ", led by " + o.LeadName + "; responses due by " + models.FormatUKTime(o.ResponseDeadline)})
		}
		v.Sections = append(v.Sections, sec)
	}
	if s := dg.Library; s.Total > 0 {
		sec := digestSectionView{Heading: "New and updated in the library", More: s.More(),
			MoreURL: base + "/library", MoreText: "the library"}
		for _, it := range s.Items {
			what := "New " + strings.ToLower(models.KindLabel(it.Kind))
			if it.Updated {
				what = "Updated " + strings.ToLower(models.KindLabel(it.Kind))
			}
			if it.CouncilName != "" {
				what += " from " + it.CouncilName
			}
			if sum := shorten(it.Summary, 200); sum != "" {
				what += ". " + sum
			}
			sec.Items = append(sec.Items, digestItemView{Title: it.Title, URL: base + "/library/" + itoa(it.ID), Detail: what})
		}
		v.Sections = append(v.Sections, sec)
	}
	return v
}

// daysAway is "in 120 days", "tomorrow" or "today".
func daysAway(n int) string {
	switch n {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	}
	return "in " + strconv.Itoa(n) + " days"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// shorten cuts s to at most n characters at a word, with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := string([]rune(s)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// underline is a plain-text heading's rule.
func underline(s string) string { return strings.Repeat("-", utf8.RuneCountInString(s)) }

var digestText = texttemplate.Must(texttemplate.New("digest.txt").Funcs(texttemplate.FuncMap{"underline": underline}).Parse(
	`{{.Greeting}}

{{.Intro}}
{{range .Sections}}

{{.Heading}}
{{underline .Heading}}
{{with .Intro}}{{.}}
{{end}}{{range .Items}}
- {{.Title}}{{with .Detail}}: {{.}}{{end}}
  {{.URL}}
{{end}}{{if .More}}
And {{.More}} more: {{.MoreText}}
{{.MoreURL}}
{{end}}{{end}}

--
{{.Why}}
Change how often you get it: {{.PrefsURL}}
Unsubscribe from the digest with one click: {{.UnsubscribeURL}}
`))

var digestHTML = htmltemplate.Must(htmltemplate.New("digest.html").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin: 0; padding: 16px; font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c; background-color: #ffffff;">
<div style="max-width: 640px;">
<h1 style="font-size: 24px; margin: 0 0 16px;">Your Jointly digest</h1>
<p>{{.Greeting}}</p>
<p>{{.Intro}}</p>
{{range .Sections}}
<h2 style="font-size: 20px; margin: 32px 0 8px;">{{.Heading}}</h2>
{{with .Intro}}<p>{{.}}</p>
{{end}}<ul style="padding-left: 20px;">
{{range .Items}}<li style="margin-bottom: 8px;"><a href="{{.URL}}" style="color: #1d70b8;">{{.Title}}</a>{{with .Detail}}: {{.}}{{end}}</li>
{{end}}</ul>
{{if .More}}<p>And {{.More}} more: <a href="{{.MoreURL}}" style="color: #1d70b8;">{{.MoreText}}</a>.</p>
{{end}}{{end}}
<hr style="border: 0; border-top: 1px solid #b1b4b6; margin: 32px 0 16px;">
<p style="font-size: 14px;">{{.Why}} <a href="{{.PrefsURL}}" style="color: #1d70b8;">Change how often you get it</a> or <a href="{{.UnsubscribeURL}}" style="color: #1d70b8;">unsubscribe from the digest</a>.</p>
</div>
</body>
</html>
`))
