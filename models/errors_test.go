package models_test

import (
	"errors"
	"testing"

	"jointly/models"
)

func TestValidationError(t *testing.T) {
	var none *models.ValidationError
	if none.Has("email") || none.Message("email") != "" || none.Err() != nil {
		t.Error("a nil ValidationError reports problems")
	}
	empty := &models.ValidationError{}
	if empty.Err() != nil {
		t.Error("an empty ValidationError is an error")
	}
	v := &models.ValidationError{}
	v.Add("email", "Enter an email address")
	v.Add("name", "Enter a name")
	v.Add("email", "second")
	if !v.Has("email") || !v.Has("name") || v.Has("role") {
		t.Error("Has is wrong")
	}
	if v.Message("email") != "Enter an email address" || v.Message("role") != "" {
		t.Errorf("Message(email) = %q", v.Message("email"))
	}
	err := v.Err()
	if err == nil {
		t.Fatal("Err() = nil with problems")
	}
	if want := "invalid input: email: Enter an email address; name: Enter a name; email: second"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
	var target *models.ValidationError
	if !errors.As(err, &target) || target != v {
		t.Error("Err() does not return the ValidationError itself")
	}
	pe := &models.PublicError{Status: 409, Message: "Already done"}
	if pe.Error() != "Already done" {
		t.Errorf("PublicError.Error() = %q", pe.Error())
	}
}
