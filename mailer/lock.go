package mailer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockDelivery waits until this is the one sender delivering the mail of
// the database at dbPath, and returns what ends its turn. The lock is an
// flock on a file beside the database: the operating system lets go of it
// when the process ends, however it ends, so a sender killed mid-batch
// never keeps the next one waiting. Two senders in one process exclude
// each other too (each opens the file afresh).
func lockDelivery(ctx context.Context, dbPath string) (func(), error) {
	if dbPath == "" {
		return func() {}, nil
	}
	f, err := os.OpenFile(dbPath+"-mail.lock", os.O_CREATE|os.O_RDWR, 0o600) // #nosec G304 -- beside the database the operator configured
	if err != nil {
		return nil, fmt.Errorf("mail delivery lock: %w", err)
	}
	wait := 10 * time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = f.Close() }, nil // closing the file lets go of the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("mail delivery lock: %w", err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}
