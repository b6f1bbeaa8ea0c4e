package handlers

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Comparing any two versions: bid sections and library items both offer
// the same ?from=&to= choice of versions, newest first.

// versionOption is one version offered in a choice.
type versionOption struct {
	Number int
	Text   string // "Version 3, Sam Okafor, 21 November 2026 at 10:00am"
}

// versionChoice is the "from" or "to" select, for the versionSelect partial.
type versionChoice struct {
	Name, Label, Error string
	Selected           int
	Options            []versionOption
}

// newVersionOption describes a version; author may be "".
func newVersionOption(n int, author string, at time.Time) versionOption {
	text := fmt.Sprintf("Version %d", n)
	if author != "" {
		text += ", " + author
	}
	return versionOption{Number: n, Text: text + ", " + templates.FormatDateTime(at, models.London())}
}

// chooseVersions reads ?from= and ?to= among numbers (newest first). By
// default it compares the one before the newest with the newest; a number
// not in the list is an error beside its field, with message unknown. It
// returns the positions chosen.
func chooseVersions(c *gin.Context, numbers []int, verr *models.ValidationError, unknown string) (from, to int) {
	from = min(1, len(numbers)-1)
	pick := func(field string, at *int) {
		typed := c.Query(field)
		if typed == "" {
			return
		}
		if n, err := strconv.Atoi(typed); err == nil {
			if i := slices.Index(numbers, n); i >= 0 {
				*at = i
				return
			}
		}
		verr.Add(field, unknown)
	}
	pick("from", &from)
	pick("to", &to)
	return from, to
}
