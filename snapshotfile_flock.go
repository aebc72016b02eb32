//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package memrel

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// lockAcrossRename: the temporary file stays open, and locked, until it is
// renamed, so no cleaner takes it for a crash's leftover meanwhile.
const lockAcrossRename = true

// discardTemp removes a temporary file that will not be renamed, then
// closes it (unless closed): removed while still locked, so the name
// cannot meanwhile have passed to a cleaner or to another SaveFile.
func discardTemp(f *os.File, closed bool) {
	os.Remove(f.Name())
	if !closed {
		f.Close()
	}
}

// lockTemp takes an exclusive lock on SaveFile's new temporary file,
// held until the file is closed; false when a cleaner removed the file
// before the lock was taken. flock locks belong to the open file, so two
// SaveFile calls of one process exclude each other as two processes do,
// and a crashed process's locks are gone with it.
func lockTemp(f *os.File) (bool, error) {
	if err := flock(f, syscall.LOCK_EX); err != nil {
		return false, &fs.PathError{Op: "flock", Path: f.Name(), Err: err}
	}
	return sameFile(f), nil
}

// removeIfUnlocked removes the temporary file at name if no SaveFile
// holds it.
func removeIfUnlocked(name string) {
	f, err := os.Open(name)
	if err != nil {
		return
	}
	defer f.Close()
	if flock(f, syscall.LOCK_EX|syscall.LOCK_NB) != nil || !sameFile(f) {
		return // held by a live SaveFile, or no longer this file
	}
	os.Remove(name)
}

// sameFile reports whether f's name still names f.
func sameFile(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	ni, err := os.Stat(f.Name())
	return err == nil && os.SameFile(fi, ni)
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
