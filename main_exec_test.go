package main

import (
	"os"
	"testing"
)

// TestMain lets a test run this package's program as a real process: the
// test binary started with JOINTLY_TEST_AS_MAIN=1 is jointly itself, so a
// test can kill it mid-run (digest_crash_test.go) without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("JOINTLY_TEST_AS_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}
