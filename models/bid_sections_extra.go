package models

import (
	"context"
	"fmt"
)

// Small questions the section pages ask of the bid rules above.

// EditRefusal is why the viewer may not change the bid's content now
// (the same explanation a save would get: the bid is no longer a draft,
// the viewer's council has not yet accepted, or they are not an officer
// of a participant), or nil when they may. Pages ask it before showing a
// form that could only be refused.
func (b Bid) EditRefusal() error {
	if b.Access.Edit {
		return nil
	}
	return errNotEditable(bidHead{ID: b.ID, Title: b.Title, LeadGSS: b.LeadGSS, Status: b.Status, Revision: b.Revision}, b.Access)
}

// CommentSection is the section that comment commentID of bid bidID is
// on, for the councils' side of the bid only: ErrNotFound otherwise, as
// for a comment that does not exist.
func (db *DB) CommentSection(ctx context.Context, viewer User, bidID, commentID int64) (int64, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return 0, err
	}
	var sectionID int64
	err := db.R.QueryRowContext(ctx, `SELECT m.section_id FROM bid_comments m
		JOIN bid_sections s ON s.id = m.section_id WHERE m.id = ? AND s.bid_id = ?`, commentID, bidID).Scan(&sectionID)
	if err != nil {
		return 0, notFound(err, fmt.Sprintf("comment %d of bid %d", commentID, bidID))
	}
	return sectionID, nil
}

// MayComment reports whether viewer may comment on bid b's sections and
// resolve comments: an officer of an accepted participant, while the bid
// is neither cancelled nor awarded (AddComment's own rule, for pages that
// offer the form).
func (b Bid) MayComment(viewer User) bool {
	return b.Access.Internal && !b.Access.Invited && viewer.Role == RoleOfficer &&
		b.Status != BidCancelled && b.Status != BidAwarded
}
