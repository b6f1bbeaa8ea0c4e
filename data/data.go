// Package data ships Jointly's reference and seed data inside the binary.
// The folder is also the default home of runtime state (the database,
// backups, outbox), which git ignores.
package data

import "embed"

// Seed holds the demo seed: councils of Yorkshire and The Humber, their
// email domains and demo users for every role.
//
//go:embed seed
var Seed embed.FS
