package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// The administrator's mail log, over emails real actions queued.

var mailRowRE = regexp.MustCompile(`data-testid="mail-\d+"`)

func TestMailLog(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.browser(testutil.AdminEmail)

	// A password reset queues an email with a link that would let whoever
	// reads it set the officer's password.
	e.run(0, step{name: "forgot", method: "POST", url: "/password/forgot", form: formOf("email", testutil.OfficerEmail), status: http.StatusOK})
	queued, _, err := e.app.DB.MailLog(ctx, models.MailLogFilter{To: testutil.OfficerEmail})
	if err != nil || len(queued) != 1 {
		t.Fatalf("the outbox holds %d emails to the officer, %v; want the reset", len(queued), err)
	}
	link := regexp.MustCompile(`http://jointly\.test/password/reset/[A-Za-z0-9_-]+`).FindString(queued[0].Text)
	if link == "" {
		t.Fatalf("the reset email has no link:\n%s", queued[0].Text)
	}
	secret := strings.TrimPrefix(link, "http://jointly.test/password/reset/")
	never := []string{link, secret, "/password/reset/", "Someone asked to reset the password"}

	r := admin.Get("/admin/mail")
	checkResponse(t, "queued", r, http.StatusOK, "", []string{
		"<h1 class=\"govuk-heading-xl\">Mail log</h1>", `data-testid="mail-count-queued">1<`, `data-testid="mail-count-sent">0<`,
		`data-testid="mail-count-failed">0<`, "1 message.",
	}, never)
	rows := rowsOf(r.Body, fmt.Sprintf("mail-%d", queued[0].ID))
	want := "21 November 2026 at 10:00am " + testutil.OfficerEmail + " Reset your Jointly password password-reset Queued 0 Next attempt 21 November 2026 at 10:00am"
	if len(rows) != 1 || rows[0] != want {
		t.Fatalf("the mail log row %q, want %q", rows, want)
	}

	// Delivered, it shows as sent, still without its body.
	if got := len(e.app.Outbox(t)); got != 1 {
		t.Fatalf("%d emails delivered, want 1", got)
	}
	r = admin.Get("/admin/mail")
	checkResponse(t, "sent", r, http.StatusOK, "", []string{`data-testid="mail-count-sent">1<`, `data-testid="mail-count-queued">0<`}, never)
	rows = rowsOf(r.Body, fmt.Sprintf("mail-%d", queued[0].ID))
	if len(rows) != 1 || !strings.Contains(rows[0], "password-reset Sent 1 Sent 21 November 2026 at 10:00am") || !regexp.MustCompile(` Outbox folder: \S+\.eml$`).MatchString(rows[0]) {
		t.Fatalf("the delivered row reads %q", rows)
	}

	// One the mail server refused for good.
	id, err := e.app.Handlers.Outbox.Send(ctx, models.Email{To: "nobody@bounce.example", Subject: "Test bounce", Text: "x", Kind: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.DB.MarkEmailFailed(ctx, id, errors.New("550 5.1.1 <nobody@bounce.example>: no such mailbox"), true); err != nil {
		t.Fatal(err)
	}
	r = admin.Get("/admin/mail?status=failed")
	checkResponse(t, "failed only", r, http.StatusOK, "", []string{"1 message matching.", `<option value="failed" selected>Failed</option>`}, append(never, testutil.OfficerEmail))
	rows = rowsOf(r.Body, fmt.Sprintf("mail-%d", id))
	if len(rows) != 1 || !strings.Contains(rows[0], "nobody@bounce.example Test bounce test Failed 1 Given up 550 5.1.1 <nobody@bounce.example>: no such mailbox") {
		t.Fatalf("the failed row reads %q", rows)
	}
	checkResponse(t, "by recipient", admin.Get("/admin/mail?to=leeds.gov"), http.StatusOK, "",
		[]string{"1 message matching.", testutil.OfficerEmail, `value="leeds.gov"`}, []string{"nobody@bounce.example"})
	checkResponse(t, "nobody matches", admin.Get("/admin/mail?to=no-such-person&status=sent"), http.StatusOK, "",
		[]string{"0 messages matching.", `data-testid="no-mail">No messages match.`}, nil)
	checkResponse(t, "a status that is not one", admin.Get("/admin/mail?status=%27%3Bdrop"), http.StatusOK, "",
		[]string{"2 messages.", `<option value="" selected>Any status</option>`}, nil)

	// Pages of 50, newest first.
	for i := 1; i <= 60; i++ {
		if _, err := e.app.Handlers.Outbox.Send(ctx, models.Email{To: fmt.Sprintf("person%02d@bulk.example", i), Subject: "Bulk", Text: "x", Kind: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	r = admin.Get("/admin/mail?to=bulk.example")
	checkResponse(t, "page 1", r, http.StatusOK, "", []string{"60 messages matching.", `href="/admin/mail?page=2&amp;to=bulk.example" rel="next"`,
		"person60@bulk.example"}, []string{"person10@bulk.example"})
	if n := len(mailRowRE.FindAllString(r.Body, -1)); n != 50 {
		t.Errorf("page 1 lists %d messages, want 50", n)
	}
	r = admin.Get("/admin/mail?to=bulk.example&page=2")
	checkResponse(t, "page 2", r, http.StatusOK, "", []string{"person10@bulk.example", "person01@bulk.example",
		`href="/admin/mail?to=bulk.example" rel="prev"`}, []string{"person11@bulk.example"})
	if n := len(mailRowRE.FindAllString(r.Body, -1)); n != 10 {
		t.Errorf("page 2 lists %d messages, want 10", n)
	}

	// Only administrators read the log.
	for _, who := range []string{testutil.OfficerEmail, testutil.SupplierEmail} {
		if r := e.browser(who).Get("/admin/mail"); r.Status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", who, r.Status)
		}
	}
	if r := e.browser("").Get("/admin/mail"); r.Status != http.StatusSeeOther || r.Location != "/login?next=%2Fadmin%2Fmail" {
		t.Errorf("anonymous: status %d, Location %q, want 303 to sign in", r.Status, r.Location)
	}
}
