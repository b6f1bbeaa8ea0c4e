package models

import (
	"bytes"
	"html"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The text of imported files: whatever encoding a council's spreadsheet
// saved it in, and the mojibake and HTML entities published data holds.

// decodeImportText returns b as UTF-8: a UTF-8 byte-order mark is dropped,
// UTF-16 (which Excel's "Unicode text" writes, always with a mark) is
// decoded, and anything that is not valid UTF-8 is read as Windows-1252,
// the encoding of CSVs saved by Excel on a UK Windows PC.
func decodeImportText(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		dec := xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder()
		if out, _, err := transform.Bytes(dec, b); err == nil {
			return strings.ToValidUTF8(string(out), "\uFFFD")
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// mojibakeMarks are the characters UTF-8 shows as when it has been read
// as Windows-1252 and saved again: "Â£" for "£", "â€™" for "’".
const mojibakeMarks = "ÂÃâ"

// cp1252Bytes maps each character Windows-1252 shows for a byte of
// 0x80–0xFF back to that byte.
var cp1252Bytes = func() map[rune]byte {
	m := map[rune]byte{}
	for b := 0x80; b <= 0xFF; b++ {
		if r := charmap.Windows1252.DecodeByte(byte(b)); r != utf8.RuneError {
			m[r] = byte(b)
		}
	}
	return m
}()

// fixMojibake undoes UTF-8 that was read as Windows-1252 and saved again,
// which real published data holds ("â€¯" for a narrow no-break space,
// "Â£" for "£"). Each run of such characters is changed only when its
// bytes are valid UTF-8, so genuine accents ("Château") and curly quotes
// beside the mojibake stay as they are.
func fixMojibake(s string) string {
	if !strings.ContainsAny(s, mojibakeMarks) {
		return s
	}
	var out strings.Builder
	var run []byte
	var runText strings.Builder
	flush := func() {
		if len(run) > 1 && utf8.Valid(run) {
			out.Write(run)
		} else {
			out.WriteString(runText.String())
		}
		run = run[:0]
		runText.Reset()
	}
	for _, r := range s {
		if b, ok := cp1252Bytes[r]; ok {
			run = append(run, b)
			runText.WriteRune(r)
			continue
		}
		flush()
		out.WriteRune(r)
	}
	flush()
	return out.String()
}

// oddSpaces are no-break spaces (made spaces) and stray byte-order marks.
var oddSpaces = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\ufeff", "")

// cleanImportText tidies one cell: mojibake undone, HTML entities (which
// Contracts Finder leaves in names: "REDCAR &amp; CLEVELAND") decoded,
// no-break spaces made spaces, and the ends trimmed.
func cleanImportText(s string) string {
	s = fixMojibake(s)
	if strings.Contains(s, "&") && strings.Contains(s, ";") {
		s = html.UnescapeString(s)
	}
	s = oddSpaces.Replace(s)
	return strings.TrimSpace(s)
}

// blankCell reports whether a cell says "no value".
func blankCell(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "-", "n/a", "na", "none", "nil", "null":
		return true
	}
	return false
}
