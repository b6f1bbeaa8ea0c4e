package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"jointly/models"
)

// Strict JSON decoding for the API's request bodies: a misspelt or
// unknown field, or a value of the wrong type, is a 422 naming the field,
// never silently dropped.

// errNotAnObject is a body that is not one JSON object.
var errNotAnObject = errors.New("not a JSON object")

// decodeStrict decodes data, one JSON object, into v, refusing unknown
// fields. A field's problem comes back as a validation error naming it
// under prefix; data that is not one JSON object is errNotAnObject.
func decodeStrict(data []byte, v any, prefix string) error {
	path := func(f string) string {
		switch {
		case prefix == "":
			return f
		case f == "":
			return prefix
		}
		return prefix + "." + f
	}
	if prefix == "" && !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
		return errNotAnObject
	}
	// encoding/json matches keys without regard to case ("TITLE" would set
	// title), so keys are checked exactly first; DisallowUnknownFields
	// stays as a backstop.
	if unknown := unknownKeys(data, v); len(unknown) > 0 {
		verr := &models.ValidationError{}
		for _, k := range unknown {
			verr.Add(path(k), fmt.Sprintf("%s is not a field of this object", path(k)))
		}
		return verr
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return errNotAnObject // something after the object
		}
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		f := path(typeErr.Field)
		return &models.ValidationError{Fields: []models.FieldError{{
			Field: f, Message: fmt.Sprintf("%s must be %s, not %s", f, jsonKind(typeErr.Type.String()), typeErr.Value),
		}}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if n, qerr := strconv.Unquote(name); qerr == nil {
			name = n
		}
		return &models.ValidationError{Fields: []models.FieldError{{Field: path(name), Message: fmt.Sprintf("%s is not a field of this object", path(name))}}}
	}
	return errNotAnObject
}

// unknownKeys lists, sorted, the keys of the JSON object data that are not
// exactly a json name of v's struct; none if data is not an object.
func unknownKeys(data []byte, v any) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil // the decoder says what is wrong
	}
	known := map[string]bool{}
	for _, name := range jsonNames(reflect.TypeOf(v).Elem()) {
		known[name] = true
	}
	var out []string
	for k := range m {
		if !known[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// jsonNames lists a struct's json names in order.
func jsonNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// jsonKind names a Go type as a JSON client knows it.
func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "int"):
		return "a whole number"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.Contains(goType, "string"):
		return "a string"
	}
	return "an object"
}
