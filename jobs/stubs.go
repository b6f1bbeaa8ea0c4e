package jobs

import (
	"context"
	"errors"
)

var errNotBuilt = errors.New("not built yet")

// Digest emails each person their digest for period p.
func Digest(ctx context.Context, d Deps, p Period) (Counts, error) { return nil, errNotBuilt }

// ExpiryAlerts tells officers of contracts reaching their decision window.
func ExpiryAlerts(ctx context.Context, d Deps, p Period) (Counts, error) { return nil, errNotBuilt }

// RegisterNudges nudges councils whose register is stale.
func RegisterNudges(ctx context.Context, d Deps, p Period) (Counts, error) { return nil, errNotBuilt }

// AwardReminders reminds lead councils of bids closed 28 days unawarded.
func AwardReminders(ctx context.Context, d Deps, p Period) (Counts, error) { return nil, errNotBuilt }

// Cleanup deletes what has expired.
func Cleanup(ctx context.Context, d Deps, p Period) (Counts, error) { return nil, errNotBuilt }

// Maintenance optimises the database and checkpoints its log.
func Maintenance(ctx context.Context, d Deps, p Period) (Counts, error) { return nil, errNotBuilt }

// Backup copies the live database into the backups folder.
func Backup(ctx context.Context, d Deps, p Period) (Counts, error) { return nil, errNotBuilt }
