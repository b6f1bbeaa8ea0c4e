package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the checks read the database directly
)

// workspace is the temporary folder everything runs in: the database, the
// server's logs, the outbox, the files imported.
type workspace struct {
	bin      string // the jointly binary, absolute
	dir      string
	db       string
	progress io.Writer
}

// env is the environment for jointly: this process's, less any JOINTLY_
// setting that could point it elsewhere (an SMTP server, another
// database), plus the workspace's database.
func (w *workspace) env() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "JOINTLY_") {
			out = append(out, kv)
		}
	}
	return append(out, "JOINTLY_DB="+w.db, "JOINTLY_OUTBOX="+filepath.Join(w.dir, "outbox"),
		"JOINTLY_BACKUPS="+filepath.Join(w.dir, "backups"), "JOINTLY_UPLOADS="+filepath.Join(w.dir, "uploads"))
}

// command is jointly ARGS, not started.
func (w *workspace) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, w.bin, args...)
	cmd.Env = w.env()
	cmd.Dir = w.dir
	return cmd
}

// jointly runs jointly ARGS to completion within timeout and returns its
// standard output, trimmed; stdin, when not empty, is its input.
func (w *workspace) jointly(ctx context.Context, timeout time.Duration, stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := w.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("jointly %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}

func (w *workspace) logf(format string, args ...any) {
	fmt.Fprintf(w.progress, "fault: "+format+"\n", args...)
}

// openDB opens the database for the checks. It only reads, but opens it
// read-write: the first connection after a kill -9 recovers the WAL.
func openDB(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000&_foreign_keys=on")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// integrity runs PRAGMA integrity_check on the database at path (opened
// afresh, as the next process would) and returns its verdict: "ok", or
// the problems it lists.
func integrity(path string) (string, error) {
	db, err := openDB(path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		lines = append(lines, s)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return strings.Join(lines, "; "), nil
}

// count runs a query that returns one integer.
func count(db *sql.DB, query string, args ...any) (int, error) {
	var n int
	err := db.QueryRow(query, args...).Scan(&n)
	return n, err
}

// column runs a query returning one text column.
func column(db *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := db.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// fileSize is a file's size, 0 if it is not there.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
