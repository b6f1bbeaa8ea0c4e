// Package data ships Jointly's reference and seed data inside the binary.
// The folder is also the default home of runtime state (the database,
// backups, outbox), which git ignores.
package data

import "embed"

// Seed holds the demo seed: councils of Yorkshire and The Humber, their
// email domains, demo users for every role and their registers.
//
//go:embed seed
var Seed embed.FS

// Taxonomy holds the council technology categories, mapped to CPV code
// prefixes (taxonomy/categories.csv). It is reference data, loaded by every
// migration run.
//
//go:embed taxonomy
var Taxonomy embed.FS

// Library holds the starter library written by the team: Markdown items
// with a front matter block (library/*.md) and the glossary
// (library/glossary.csv), loaded by the demo seed.
//
//go:embed library
var Library embed.FS
