package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"jointly/models"
)

// Cleanup deletes what has expired or outlived its use
// (models.DB.Cleanup says what and after how long), counting the rows
// deleted per table. Deleting is its own record: a rerun finds nothing
// more to delete.
func Cleanup(ctx context.Context, d Deps, p Period) (Counts, error) {
	deleted, err := d.DB.Cleanup(ctx)
	return Counts(deleted), err
}

// Maintenance runs PRAGMA optimize and checkpoints the write-ahead log
// (models.DB.Maintain), counting what the checkpoint reported: busy 1 when
// it could not finish because the database was in use (the next run tries
// again), the log's frames and those checkpointed.
func Maintenance(ctx context.Context, d Deps, p Period) (Counts, error) {
	cp, err := d.DB.Maintain(ctx)
	if err != nil {
		return nil, err
	}
	busy := 0
	if cp.Busy {
		busy = 1
	}
	return Counts{"busy": busy, "log_frames": cp.Log, "checkpointed_frames": cp.Checkpointed}, nil
}

// Backup copies the live database into the backups folder as
// jointly-YYYYMMDD-HHMM.db (p's UK time), then keeps only the newest
// d.BackupKeep backups. A rerun of the period replaces that period's
// backup with a fresh one.
func Backup(ctx context.Context, d Deps, p Period) (Counts, error) {
	if d.BackupDir == "" {
		return nil, errors.New("no backups folder is set (--backups)")
	}
	path := filepath.Join(d.BackupDir, models.BackupName(p.At))
	if err := d.DB.BackupTo(ctx, path, true); err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	removed, err := models.PruneBackups(d.BackupDir, d.BackupKeep, d.DB.Clock.Now())
	counts := Counts{"bytes": int(st.Size()), "removed": len(removed)}
	if err != nil {
		return counts, err
	}
	d.Logger.InfoContext(ctx, "backed up the database", "to", path, "bytes", st.Size(), "removed", removed)
	return counts, nil
}
