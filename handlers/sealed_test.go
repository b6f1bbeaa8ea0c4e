package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// Sealed responses, tested by trying every route: before the deadline no
// page, API, export or search answers anybody but the supplier with a
// response's text, its price, its hash or the name of the supplier that
// sent it. A unique marker in the answers and a unique company name make
// a leak easy to see. After the deadline the same marker is readable by
// the declared panel chair, which proves the walk would have seen it.

const (
	walkMarker        = "SEALED-MARKER-7f3a"
	walkSupplier      = "Zephyr Sealed Systems Ltd"
	walkSupplierEmail = "bids@zephyr-sealed.example"
	walkPence         = 987_654_321
	walkTitle         = "Joint case management system"
)

// sealedWalk is a published Leeds-led bid with Bradford, replacing a
// contract of each, with a panel (the Leeds officer chairs, Bradford's
// evaluates, both declared), and Zephyr's response submitted through the
// API.
type sealedWalk struct {
	bidID, responseID, sectionID int64
	leedsContract                int64
	receipt                      string // the response's SHA-256
}

func newSealedWalk(t *testing.T, e *env) sealedWalk {
	t.Helper()
	ctx := context.Background()
	db := e.app.DB
	leeds, bradford := signoffUser(e, testutil.OfficerEmail), signoffUser(e, testutil.Officer2Email)
	var w sealedWalk
	var bradfordContract int64
	if err := db.R.QueryRow(`SELECT a.id, b.id FROM contracts a JOIN contracts b ON b.category_slug = a.category_slug
		WHERE a.council_gss = ? AND b.council_gss = ? ORDER BY a.id, b.id LIMIT 1`, leedsCouncil, bradfordCouncil).Scan(&w.leedsContract, &bradfordContract); err != nil {
		t.Fatalf("a Leeds and a Bradford contract of one category: %v", err)
	}
	id, err := db.CreateBid(ctx, leeds, models.NewBid{Title: walkTitle, CategorySlug: "revenues-benefits",
		PartnerGSS: []string{bradfordCouncil}, ReplacesContractIDs: []int64{w.leedsContract, bradfordContract}})
	if err != nil {
		t.Fatalf("create bid: %v", err)
	}
	w.bidID = id
	if err := db.AnswerInvitation(ctx, bradford, id, bradfordCouncil, true); err != nil {
		t.Fatalf("accept: %v", err)
	}
	for _, u := range []models.User{leeds, bradford} {
		if _, err := db.SignOffBid(ctx, u, id); err != nil {
			t.Fatalf("sign-off by %s: %v", u.Email, err)
		}
	}
	if err := db.PublishBid(ctx, leeds, id, models.PublishInput{}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	for _, m := range []struct {
		u    models.User
		role string
	}{{leeds, models.PanelChair}, {bradford, models.PanelEvaluator}} {
		if err := db.SetPanelMember(ctx, leeds, id, m.u.ID, m.role); err != nil {
			t.Fatalf("panel %s: %v", m.u.Email, err)
		}
		if err := db.DeclareInterests(ctx, m.u, id, false, ""); err != nil {
			t.Fatalf("declaration by %s: %v", m.u.Email, err)
		}
	}
	b := signoffRead(e, id)
	w.sectionID = b.Sections[0].ID

	// Zephyr registers, asks a question (which the councils see without
	// its name), and submits its response through the API.
	if _, err := db.CreateUser(ctx, 0, models.NewUser{Email: walkSupplierEmail, Name: "Zara Zephyr", Role: models.RoleSupplier,
		SupplierName: walkSupplier, Password: models.DemoPassword}); err != nil {
		t.Fatalf("create the supplier: %v", err)
	}
	zephyr := signoffUser(e, walkSupplierEmail)
	if _, err := db.AskQuestion(ctx, zephyr, id, "Will the councils accept a phased migration?"); err != nil {
		t.Fatalf("question: %v", err)
	}
	var answers []map[string]any
	for _, c := range b.Criteria {
		answers = append(answers, map[string]any{"criterion_id": c.ID, "text": fmt.Sprintf("%s: our answer on %s.", walkMarker, c.Name)})
	}
	body, _ := json.Marshal(map[string]any{"answers": answers, "price_pence": walkPence, "submit": true})
	r := sendWithCSRF(t, e.browser(walkSupplierEmail), http.MethodPut, fmt.Sprintf("/api/v1/opportunities/%d/response", id), "application/json", string(body))
	var out struct {
		Status  string `json:"status"`
		Receipt struct {
			SHA256 string `json:"sha256"`
		} `json:"receipt"`
	}
	wantJSON(t, r, http.StatusOK, &out)
	mine, _, err := db.MyResponse(ctx, zephyr, id)
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != models.ResponseSubmitted || out.Receipt.SHA256 == "" || out.Receipt.SHA256 != mine.SHA256 {
		t.Fatalf("submitted: status %q, receipt %q, stored %q", out.Status, out.Receipt.SHA256, mine.SHA256)
	}
	w.responseID, w.receipt = mine.ID, mine.SHA256
	return w
}

// secrets are what must not appear anywhere before the deadline.
func (w sealedWalk) secrets() []string {
	return []string{walkMarker, walkSupplier, w.receipt, "9,876,543.21", fmt.Sprint(walkPence)}
}

// walkURLs is every GET route of routeWalk, its parameters filled with the
// sealed world's bid, section, response and a replaced contract, then
// searches for the marker and the supplier and every council's exports.
func (w sealedWalk) walkURLs(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, rw := range routeWalk {
		pattern, ok := strings.CutPrefix(rw.route, "GET ")
		if !ok || strings.Contains(rw.url, "{stylesheet}") {
			continue
		}
		path, query, _ := strings.Cut(rw.url, "?")
		ps, us := strings.Split(pattern, "/"), strings.Split(path, "/")
		if len(ps) != len(us) {
			t.Fatalf("%s: URL %s does not follow its pattern", rw.route, rw.url)
		}
		res := ps[1]
		if res == "api" {
			res = ps[3]
		}
		for i, seg := range ps {
			switch {
			case seg == ":id" && (res == "bids" || res == "opportunities"):
				us[i] = fmt.Sprint(w.bidID)
			case seg == ":id" && res == "contracts":
				us[i] = fmt.Sprint(w.leedsContract)
			case seg == ":rid":
				us[i] = fmt.Sprint(w.responseID)
			case seg == ":section_id":
				us[i] = fmt.Sprint(w.sectionID)
			}
		}
		u := strings.Join(us, "/")
		if query != "" {
			u += "?" + query
		}
		out = append(out, u)
	}
	for _, q := range walkSearches {
		for _, list := range []string{"/bids", "/api/v1/bids", "/opportunities", "/api/v1/opportunities"} {
			out = append(out, list+"?q="+url.QueryEscape(q))
		}
	}
	for _, gss := range []string{leedsCouncil, bradfordCouncil} {
		out = append(out, "/councils/"+gss+"/contracts.csv", "/councils/"+gss+"/contracts.ocds.json", "/councils/"+gss+"/contracts")
	}
	return out
}

// walkSearches are searches for the response's words and its supplier.
// A search page repeats its query, so the marker is searched for by its
// words (the search's tokens), never whole; and the bid must not be among
// the results, since only the response could have put it there.
var walkSearches = []string{"sealed marker 7f3a", "7f3a", "Zephyr"}

// walkUsers are everybody but the supplier: the chair (Leeds), the
// evaluator (Bradford), a councillor, the administrator, another supplier
// and the public.
var walkUsers = []string{testutil.OfficerEmail, testutil.Officer2Email, testutil.CouncillorEmail, testutil.AdminEmail, testutil.SupplierEmail, ""}

// walkAccountPages list every account or supplier on the site, whatever they
// have done: a supplier's name there says it registered, not that it
// responded, so only the response's own content is looked for there.
var walkAccountPages = []string{"/admin/users", "/admin/suppliers"}

func TestSealedResponsesUnreadableByEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := newSealedWalk(t, e)
	urls := w.walkURLs(t)

	for _, who := range walkUsers {
		c := e.browser(who)
		for _, u := range urls {
			r := c.Get(u)
			if r.Status >= 500 {
				t.Errorf("GET %s as %q: status %d\n%s", u, who, r.Status, excerpt(r.Body))
				continue
			}
			secrets := w.secrets()
			if strings.Contains(u, "?q=") && !strings.Contains(u, "capita") {
				secrets = append(secrets, walkTitle)
			}
			for _, s := range secrets {
				if s == walkSupplier && isWalkAccountPage(u) {
					continue
				}
				if strings.Contains(r.Body, s) || strings.Contains(r.Location, s) {
					t.Errorf("GET %s as %q (status %d) shows %q before the deadline\n%s", u, who, r.Status, s, textAround(r.Body, s))
				}
			}
		}
	}
	t.Logf("walked %d URLs as %d users before the deadline:\n%s", len(urls), len(walkUsers), strings.Join(urls, "\n"))

	// Nobody but Zephyr was emailed anything of the response either.
	for _, m := range walkOutbox(t, e.app) {
		if m.to == walkSupplierEmail {
			continue
		}
		for _, s := range w.secrets() {
			if strings.Contains(m.text, s) || strings.Contains(m.subject, s) {
				t.Errorf("email to %s (%q) shows %q before the deadline:\n%s", m.to, m.subject, s, m.text)
			}
		}
	}

	// At most the count: the chair is refused, and told one response is in.
	for _, u := range []string{fmt.Sprintf("/bids/%d/responses", w.bidID), fmt.Sprintf("/api/v1/bids/%d/responses", w.bidID)} {
		r := e.browser(testutil.OfficerEmail).Get(u)
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "1 response has been submitted") {
			t.Errorf("GET %s before the deadline as the chair: status %d, want 403 giving the count\n%s", u, r.Status, excerpt(r.Body))
		}
	}

	// The deadline passes: the declared chair (signing in afresh, as the
	// days since have ended the session) reads the response, marker,
	// supplier and all, so the walk above would have seen a leak.
	e.app.Clock.T = signoffRead(e, w.bidID).ResponseDeadline.Add(time.Second)
	chair := e.browser(testutil.OfficerEmail + "#after the deadline")
	for _, u := range []string{fmt.Sprintf("/bids/%d/responses/%d", w.bidID, w.responseID), fmt.Sprintf("/api/v1/bids/%d/responses", w.bidID)} {
		r := chair.Get(u)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s after the deadline as the chair: status %d\n%s", u, r.Status, excerpt(r.Body))
		}
		for _, s := range []string{walkMarker, walkSupplier} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("GET %s after the deadline as the chair lacks %q\n%s", u, s, excerpt(r.Body))
			}
		}
	}
}

func isWalkAccountPage(u string) bool {
	for _, p := range walkAccountPages {
		if u == p || strings.HasPrefix(u, p+"?") {
			return true
		}
	}
	return false
}

// textAround is the text around the first s in body, for a failure message.
func textAround(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return ""
	}
	return body[max(0, i-300):min(len(body), i+len(s)+300)]
}

type walkEmail struct{ to, subject, text string }

// walkOutbox decodes every email written so far.
func walkOutbox(t *testing.T, app *testutil.App) []walkEmail {
	t.Helper()
	var out []walkEmail
	for _, raw := range app.Outbox(t) {
		m, err := mail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		text, err := io.ReadAll(quotedprintable.NewReader(m.Body))
		if err != nil {
			t.Fatal(err)
		}
		to, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, walkEmail{to: to.Address, subject: subject, text: string(text)})
	}
	return out
}
