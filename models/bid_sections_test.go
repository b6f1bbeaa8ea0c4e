package models_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/models"
)

// The co-authoring rules of bid_sections.go: saving against a version,
// adding and moving sections, kept versions, and comments. The stale-save
// conflict itself is TestSaveSectionRefusesStaleVersion in bid_test.go.

func headings(b models.Bid) []string {
	var out []string
	for _, s := range b.Sections {
		out = append(out, s.Heading)
	}
	return out
}

func TestSaveSectionRules(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.startBid(t) // Bradford invited, not yet answered
	other := w.startBid(t)
	b := w.read(t, w.leeds, id)
	s := b.Sections[0]
	save := func(u models.User, sectionID int64, body string, base int) error {
		_, err := w.db.SaveSection(ctx, u, id, sectionID, body, base)
		return err
	}

	// Refusals save nothing.
	wantValidation(t, save(w.leeds, s.ID, strings.Repeat("é", models.MaxSectionBody+1), s.Version), "body")
	wantValidation(t, save(w.leeds, s.ID, "Text", 0), "base_version")
	wantNotFound(t, save(w.leeds, 99999999, "Text", 1))
	wantNotFound(t, save(w.leeds, w.read(t, w.leeds, other).Sections[0].ID, "Text", 1)) // another bid's section
	wantForbidden(t, save(w.councillor, s.ID, "Text", s.Version))
	pub := wantPublicError(t, save(w.bradford, s.ID, "Text", s.Version), 403)
	if !strings.Contains(pub.Message, "Accept the invitation") {
		t.Errorf("invited officer's save: %q", pub.Message)
	}
	for _, u := range []models.User{w.wakefield, w.supplier, w.admin, {}} {
		wantNotFound(t, save(u, s.ID, "Text", s.Version))
	}
	if got := w.read(t, w.leeds, id); got.Revision != b.Revision || got.Sections[0].Version != 1 {
		t.Fatalf("refused saves changed the bid: revision %d, version %d", got.Revision, got.Sections[0].Version)
	}

	// The longest body saves; Windows line endings are stored as \n.
	w.clock.Advance(time.Hour)
	if err := save(w.leeds2, s.ID, strings.Repeat("é", models.MaxSectionBody), 1); err != nil {
		t.Fatalf("the longest body: %v", err)
	}
	w.clock.Advance(time.Hour)
	saved, err := w.db.SaveSection(ctx, w.leeds, id, s.ID, "Leeds and Bradford\r\nrun zebra crossings.\r\n", 2)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Body != "Leeds and Bradford\nrun zebra crossings.\n" || saved.Version != 3 || saved.UpdatedBy != w.leeds.ID ||
		saved.UpdatedByName != w.leeds.Name || !saved.UpdatedAt.Equal(w.clock.T) {
		t.Errorf("saved %+v", saved)
	}
	// Saving the same text again adds no version.
	again, err := w.db.SaveSection(ctx, w.leeds2, id, s.ID, saved.Body, saved.Version)
	if err != nil || again.Version != 3 || again.UpdatedBy != w.leeds.ID {
		t.Errorf("same text: %+v, %v", again, err)
	}
	vs, err := w.db.SectionVersions(ctx, w.leeds, id, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	var versions []int
	for _, v := range vs {
		versions = append(versions, v.Version)
	}
	if !slices.Equal(versions, []int{3, 2, 1}) || vs[0].Body != saved.Body || vs[0].AuthorName != w.leeds.Name ||
		vs[1].AuthorName != w.leeds2.Name || !vs[0].CreatedAt.Equal(w.clock.T) || vs[2].Body != models.BidSectionTemplate[0].Body {
		t.Errorf("versions %v: %+v", versions, vs)
	}

	// The feed says who edited what; search reads the new text, not the old.
	feed, err := w.db.BidActivityFeed(ctx, w.leeds, id, 1)
	if err != nil || len(feed) != 1 || feed[0].Summary != "edited “Background” (version 3)" || feed[0].SectionID != s.ID ||
		feed[0].ActorName != w.leeds.Name {
		t.Errorf("latest activity %+v, %v", feed, err)
	}
	for q, want := range map[string]int{"zebra": 1, "describe": 1} {
		// "describe" is still in the other bid's untouched Background.
		if _, total, err := w.db.Bids(ctx, w.leeds, models.BidFilter{Q: q}); err != nil || total != want {
			t.Errorf("search %q: %d found, want %d (%v)", q, total, want, err)
		}
	}
	if list, _, _ := w.db.Bids(ctx, w.leeds, models.BidFilter{Q: "describe"}); len(list) != 1 || list[0].ID != other {
		t.Errorf("the edited bid is still found by its old text: %+v", list)
	}

	// The conflict carries the section as it is now.
	_, err = w.db.SaveSection(ctx, w.leeds2, id, s.ID, "Stale", 2)
	var conflict *models.EditConflict
	if !errors.As(err, &conflict) || conflict.BaseVersion != 2 || conflict.Current.Version != 3 ||
		conflict.Current.UpdatedByName != w.leeds.Name || !strings.Contains(err.Error(), "version 3 is the latest") {
		t.Errorf("stale save: %v", err)
	}
}

func TestAddSection(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)

	for _, heading := range []string{"", "  \t", strings.Repeat("h", models.MaxSectionHeading+1)} {
		_, err := w.db.AddSection(ctx, w.leeds, id, heading)
		wantValidation(t, err, "heading")
	}
	_, err := w.db.AddSection(ctx, w.councillor, id, "Exit plan")
	wantForbidden(t, err)
	_, err = w.db.AddSection(ctx, w.wakefield, id, "Exit plan")
	wantNotFound(t, err)

	// A partner's officer adds at the end, with an empty first version.
	s, err := w.db.AddSection(ctx, w.bradford, id, "  Exit plan ")
	if err != nil {
		t.Fatal(err)
	}
	b := w.read(t, w.leeds, id)
	last := b.Sections[len(b.Sections)-1]
	if s.Heading != "Exit plan" || s.Body != "" || s.Version != 1 || last.ID != s.ID || last.Position != len(models.BidSectionTemplate)+1 {
		t.Errorf("added %+v, last %+v", s, last)
	}
	vs, err := w.db.SectionVersions(ctx, w.bradford, id, s.ID)
	if err != nil || len(vs) != 1 || vs[0].Version != 1 || vs[0].AuthorID != w.bradford.ID {
		t.Errorf("versions %+v, %v", vs, err)
	}
	if _, total, _ := w.db.Bids(ctx, w.leeds, models.BidFilter{Q: "exit plan"}); total != 1 {
		t.Error("search does not find the new section's heading")
	}

	// At most MaxBidSections.
	for i := len(b.Sections); i < models.MaxBidSections; i++ {
		if _, err := w.db.AddSection(ctx, w.leeds, id, "Annex"); err != nil {
			t.Fatalf("section %d: %v", i+1, err)
		}
	}
	_, err = w.db.AddSection(ctx, w.leeds, id, "One too many")
	wantValidation(t, err, "heading")
	if n := len(w.read(t, w.leeds, id).Sections); n != models.MaxBidSections {
		t.Errorf("%d sections, want %d", n, models.MaxBidSections)
	}
}

func TestMoveSection(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)
	b := w.read(t, w.leeds, id)
	template := headings(b)
	first, second := b.Sections[0], b.Sections[1]

	for _, delta := range []int{0, 2, -2} {
		wantValidation(t, w.db.MoveSection(ctx, w.leeds, id, second.ID, delta), "direction")
	}
	wantNotFound(t, w.db.MoveSection(ctx, w.leeds, id, 99999999, -1))
	wantForbidden(t, w.db.MoveSection(ctx, w.councillor, id, second.ID, -1))
	wantNotFound(t, w.db.MoveSection(ctx, w.wakefield, id, second.ID, -1))

	if err := w.db.MoveSection(ctx, w.bradford, id, second.ID, -1); err != nil {
		t.Fatal(err)
	}
	moved := w.read(t, w.leeds, id)
	want := append([]string{template[1], template[0]}, template[2:]...)
	if got := headings(moved); !slices.Equal(got, want) {
		t.Errorf("after moving %q up: %q", second.Heading, got)
	}
	if moved.Revision != b.Revision+1 {
		t.Errorf("revision %d → %d", b.Revision, moved.Revision)
	}
	if err := w.db.MoveSection(ctx, w.leeds, id, second.ID, 1); err != nil {
		t.Fatal(err)
	}
	if got := headings(w.read(t, w.leeds, id)); !slices.Equal(got, template) {
		t.Errorf("after moving it back down: %q", got)
	}
	// Moving the first up or the last down changes nothing.
	before := w.read(t, w.leeds, id)
	if err := w.db.MoveSection(ctx, w.leeds, id, first.ID, -1); err != nil {
		t.Fatal(err)
	}
	if err := w.db.MoveSection(ctx, w.leeds, id, b.Sections[len(b.Sections)-1].ID, 1); err != nil {
		t.Fatal(err)
	}
	if after := w.read(t, w.leeds, id); after.Revision != before.Revision || !slices.Equal(headings(after), template) {
		t.Errorf("a move past the end changed the bid: revision %d → %d, %q", before.Revision, after.Revision, headings(after))
	}
}

func TestSectionVersionsAndSectionsVisibility(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.startBid(t)
	s := w.read(t, w.leeds, id).Sections[0]

	// Before publishing: the councils' side only.
	for _, u := range []models.User{w.leeds, w.leeds2, w.councillor, w.bradford} {
		if _, err := w.db.SectionVersions(ctx, u, id, s.ID); err != nil {
			t.Errorf("%q: versions %v", u.Email, err)
		}
		got, err := w.db.BidSection(ctx, u, id, s.ID)
		if err != nil || got.UpdatedByName != w.leeds.Name {
			t.Errorf("%q reads %+v, %v", u.Email, got, err)
		}
	}
	for _, u := range []models.User{w.wakefield, w.supplier, w.admin, {}} {
		_, err := w.db.SectionVersions(ctx, u, id, s.ID)
		wantNotFound(t, err)
		_, err = w.db.BidSection(ctx, u, id, s.ID)
		wantNotFound(t, err)
	}
	_, err := w.db.SectionVersions(ctx, w.leeds, id, 99999999)
	wantNotFound(t, err)
	_, err = w.db.BidSection(ctx, w.leeds, id, 99999999)
	wantNotFound(t, err)
}

func TestComments(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)
	other := w.readyBid(t)
	b := w.read(t, w.leeds, id)
	s := b.Sections[2]

	for _, body := range []string{"", " \r\n ", strings.Repeat("x", models.MaxBidComment+1)} {
		_, err := w.db.AddComment(ctx, w.bradford, id, s.ID, body)
		wantValidation(t, err, "comment")
	}
	_, err := w.db.AddComment(ctx, w.councillor, id, s.ID, "Councillors read, they do not comment")
	wantForbidden(t, err)
	for _, u := range []models.User{w.wakefield, w.supplier, w.admin, {}} {
		_, err = w.db.AddComment(ctx, u, id, s.ID, "Outsider")
		wantNotFound(t, err)
	}
	_, err = w.db.AddComment(ctx, w.bradford, id, w.read(t, w.leeds, other).Sections[0].ID, "Wrong bid")
	wantNotFound(t, err)
	// An officer of a council invited but not yet in may read, not comment.
	if err := w.db.InviteCouncil(ctx, w.leeds, id, wakefieldGSS); err != nil {
		t.Fatal(err)
	}
	_, err = w.db.AddComment(ctx, w.wakefield, id, s.ID, "Not yet in")
	wantForbidden(t, err)
	if n := count(t, w.db, "bid_comments"); n != 0 {
		t.Fatalf("refused comments wrote %d rows", n)
	}

	w.clock.Advance(time.Hour)
	c, err := w.db.AddComment(ctx, w.bradford, id, s.ID, "  Number these\r\nplease.  ")
	if err != nil {
		t.Fatal(err)
	}
	if c.Body != "Number these\nplease." || c.AuthorID != w.bradford.ID || c.AuthorName != w.bradford.Name ||
		c.AuthorGSS != bradfordGSS || c.AuthorCouncil != "Bradford" || !c.CreatedAt.Equal(w.clock.T) || c.Resolved() || c.SectionID != s.ID {
		t.Errorf("comment %+v", c)
	}
	if got := w.read(t, w.leeds, id).Sections[2].OpenComments; got != 1 {
		t.Errorf("%d open comments", got)
	}

	// The councils' side reads comments, councillors included; nobody else.
	for _, u := range []models.User{w.leeds, w.councillor, w.bradford, w.wakefield} {
		cs, err := w.db.SectionComments(ctx, u, id, s.ID)
		if err != nil || len(cs) != 1 || cs[0].ID != c.ID {
			t.Errorf("%q reads comments %+v, %v", u.Email, cs, err)
		}
	}
	for _, u := range []models.User{w.supplier, w.admin, {}} {
		_, err := w.db.SectionComments(ctx, u, id, s.ID)
		wantNotFound(t, err)
	}
	_, err = w.db.SectionComments(ctx, w.leeds, id, 99999999)
	wantNotFound(t, err)

	// Resolving: officers of accepted councils; twice is harmless.
	wantForbidden(t, w.db.ResolveComment(ctx, w.councillor, id, c.ID))
	wantForbidden(t, w.db.ResolveComment(ctx, w.wakefield, id, c.ID))
	wantNotFound(t, w.db.ResolveComment(ctx, w.leeds, id, 99999999))
	wantNotFound(t, w.db.ResolveComment(ctx, w.leeds, other, c.ID)) // the comment is not on that bid
	w.clock.Advance(time.Hour)
	if err := w.db.ResolveComment(ctx, w.leeds, id, c.ID); err != nil {
		t.Fatal(err)
	}
	resolvedAt := w.clock.T
	w.clock.Advance(time.Hour)
	if err := w.db.ResolveComment(ctx, w.bradford, id, c.ID); err != nil {
		t.Fatalf("resolve twice: %v", err)
	}
	cs, err := w.db.SectionComments(ctx, w.bradford, id, s.ID)
	if err != nil || len(cs) != 1 || !cs[0].Resolved() || cs[0].ResolvedBy != w.leeds.Name || !cs[0].ResolvedAt.Equal(resolvedAt) {
		t.Errorf("resolved: %+v, %v", cs, err)
	}
	if got := w.read(t, w.leeds, id).Sections[2].OpenComments; got != 0 {
		t.Errorf("%d open comments after resolving", got)
	}
	feed, err := w.db.BidActivityFeed(ctx, w.leeds, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, a := range feed {
		if a.Kind == "comment" {
			said = append(said, a.ActorName+" "+a.Summary)
		}
	}
	want := []string{w.leeds.Name + " resolved a comment on “" + s.Heading + "”", w.bradford.Name + " commented on “" + s.Heading + "”"}
	if !slices.Equal(said, want) {
		t.Errorf("comment activity %q, want %q (one entry per resolution)", said, want)
	}
}

// TestCommentsAfterPublishing: the councils go on talking after
// publishing, out of suppliers' sight.
func TestCommentsAfterPublishing(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.publishedBid(t)
	s := w.read(t, w.leeds, id).Sections[0]
	c, err := w.db.AddComment(ctx, w.bradford, id, s.ID, "A supplier will ask about this")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.ResolveComment(ctx, w.leeds, id, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = w.db.AddComment(ctx, w.wakefield, id, s.ID, "Reading the published bid")
	wantForbidden(t, err)
	_, err = w.db.SectionComments(ctx, w.supplier, id, s.ID)
	wantNotFound(t, err)
	if b := w.read(t, w.leeds, id); b.Status != models.BidPublished {
		t.Errorf("status %s", b.Status)
	}
}

// TestMayCommentIsAddCommentsRule: the pages offer the comment form to
// exactly those AddComment accepts, while drafting, once published and
// once cancelled.
func TestMayCommentIsAddCommentsRule(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	drafting, published, cancelled := w.readyBid(t), w.publishedBid(t), w.readyBid(t)
	for _, id := range []int64{drafting, cancelled} {
		// Wakefield's officer is invited, not yet in.
		if err := w.db.InviteCouncil(ctx, w.leeds, id, wakefieldGSS); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.db.CancelBid(ctx, w.leeds, cancelled, "The councils chose a framework instead"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{drafting, published, cancelled} {
		for _, u := range []models.User{w.leeds, w.bradford, w.councillor, w.wakefield, w.supplier} {
			b, err := w.db.BidByID(ctx, u, id)
			if errors.Is(err, models.ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.db.AddComment(ctx, u, id, b.Sections[0].ID, "Checking who may comment")
			if may := b.MayComment(u); may != (err == nil) {
				t.Errorf("bid %s, %s: MayComment %v, but AddComment says %v", b.Status, u.Email, may, err)
			}
		}
	}
}
