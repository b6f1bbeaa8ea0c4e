package testutil

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// OCDS 1.1.5's schemas name each other by these URLs.
const (
	OCDSReleasePackageSchemaURL = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
	ocdsReleaseSchemaURL        = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
)

// uriPattern is RFC 3986's alphabet after a scheme: nothing else may
// appear in a URI unescaped (no spaces, quotes, angle brackets or
// non-ASCII letters).
var uriPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:([A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*$`)

// strictURI is the "uri" format as the OCDS Data Review Tool checks it
// (Python's rfc3987): an absolute URI in RFC 3986's alphabet. The
// library's own check parses with net/url, which lets a space through,
// and a real Contracts Finder URL with a space is exactly what the Data
// Review Tool rejects.
func strictURI(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if !uriPattern.MatchString(s) {
		return fmt.Errorf("%q is not an absolute URI (RFC 3986)", s)
	}
	if u, err := url.Parse(s); err != nil || !u.IsAbs() {
		return fmt.Errorf("%q is not an absolute URI", s)
	}
	return nil
}

// OCDSReleasePackageSchema compiles the official OCDS 1.1.5 release
// package schema from ../shared/data/ocds-1.1.5 (skipping the test if it
// is absent) with format assertions on, as the OCDS Data Review Tool
// applies them: a uri must be absolute and in RFC 3986's alphabet, a
// date-time RFC 3339. The
// schemas' $refs by absolute URL are served from the local files, and
// nothing is fetched from the network: an unknown $ref fails to compile.
func OCDSReleasePackageSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	dir := SharedData(t, "ocds-1.1.5", "schema")
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	c.RegisterFormat(&jsonschema.Format{Name: "uri", Validate: strictURI})
	c.UseLoader(jsonschema.SchemeURLLoader{}) // no file or network loading
	for url, file := range map[string]string{
		OCDSReleasePackageSchemaURL: "release-package-schema.json",
		ocdsReleaseSchemaURL:        "release-schema.json",
	} {
		b, err := os.ReadFile(filepath.Join(dir, file)) // #nosec G304 -- test data in ../shared/data
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	sch, err := c.Compile(OCDSReleasePackageSchemaURL)
	if err != nil {
		t.Fatalf("compile OCDS release package schema: %v", err)
	}
	return sch
}

// ValidateOCDS checks a release package (JSON text) against sch and
// returns the validation error, or nil.
func ValidateOCDS(sch *jsonschema.Schema, pkg []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(pkg))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}
