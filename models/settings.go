package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// SigningKey returns the instance's secret key for signing form tokens and
// links, made on first use and shared by every process on the database.
func (db *DB) SigningKey(ctx context.Context) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	var v string
	err := db.W.QueryRowContext(ctx,
		`INSERT INTO settings (name, value) VALUES ('signing_key', ?)
		 ON CONFLICT (name) DO UPDATE SET value = value RETURNING value`, hex.EncodeToString(b)).Scan(&v)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	return hex.DecodeString(v)
}
