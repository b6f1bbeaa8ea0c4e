package models

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// DiffLine is one line of a comparison between two texts.
type DiffLine struct {
	Kind string // DiffSame, DiffAdded or DiffRemoved
	Text string
}

// Kinds of DiffLine.
const (
	DiffSame    = "same"
	DiffAdded   = "added"
	DiffRemoved = "removed"
)

// DiffText compares two texts line by line (Myers' algorithm, from
// diff-match-patch), as people compare drafts: which lines went, which
// came. Bid sections and library items use it for "compare versions".
func DiffText(from, to string) []DiffLine {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(normaliseNewlines(from), normaliseNewlines(to))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []DiffLine
	for _, d := range diffs {
		kind := DiffSame
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			kind = DiffAdded
		case diffmatchpatch.DiffDelete:
			kind = DiffRemoved
		}
		text := strings.TrimSuffix(d.Text, "\n")
		for _, line := range strings.Split(text, "\n") {
			out = append(out, DiffLine{Kind: kind, Text: line})
		}
	}
	return out
}

// DiffChanged reports whether a diff has any added or removed line.
func DiffChanged(lines []DiffLine) bool {
	for _, l := range lines {
		if l.Kind != DiffSame {
			return true
		}
	}
	return false
}

func normaliseNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}
