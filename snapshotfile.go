package memrel

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/memrel/memrel/internal/errs"
)

// SaveFile writes a snapshot to path atomically: to a temporary file in the
// same directory, synced, then renamed over path, and the directory synced
// after the rename, so a crash or power failure leaves either the old file
// or the new one, never a torn one or neither.
//
// The file keeps the permissions of the file it replaces; a new file gets
// what os.Create would give it (0666 less the umask). Ownership is not
// carried over: the new file belongs to the caller.
//
// The temporary file is named .<name>.tmp<digits> (name being path's base
// name), and SaveFile holds a lock on it while it writes (on systems with
// flock; elsewhere nothing is cleaned). After its rename it removes the
// files of that form next to path that no live SaveFile holds: those left
// by a crash, or by a version of memrel that did not clean up. Concurrent
// SaveFile calls on one path, in one process or several, each write their
// own temporary file and never remove another's; the last rename wins.
//
// Every failure is a *SnapshotError whose Err is the file system's error
// (errors.Is(err, fs.ErrPermission) and the like work; it does not wrap
// ErrBadSnapshot). Its message starts "memrel: writing snapshot" when
// writing the temporary file failed (see Save) and "memrel: saving
// snapshot: " otherwise. An error before the rename leaves path as it
// was and removes the temporary file; one after it (syncing the
// directory, which makes the rename durable, or closing the file) says
// "written, but …": path then holds the new snapshot, whose survival of a
// power failure is not assured. A nil or zero Store fails with
// ErrWrongStore and writes nothing.
func (s *Store) SaveFile(path string) (err error) {
	if err := s.check(); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := createSnapshotTemp(path, dir, base)
	if err != nil {
		return saveErr(err)
	}
	renamed, closed := false, false
	defer func() {
		if err != nil && !renamed {
			discardTemp(f, closed)
		}
	}()
	if err = s.Save(f); err != nil {
		return err // a *SnapshotError already
	}
	if err = f.Sync(); err != nil {
		return saveErr(err)
	}
	var closeErr error
	if !lockAcrossRename {
		// Without flock there is no lock to hold, and Windows cannot
		// rename a file that is still open.
		closed = true
		if err = f.Close(); err != nil {
			return saveErr(err)
		}
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return saveErr(err)
	}
	// path holds the new snapshot; the temporary name is free again and
	// may already be another SaveFile's, so nothing is removed from here on.
	renamed = true
	if !closed {
		closeErr = f.Close() // releases the lock
	}
	if err = syncDir(dir); err != nil {
		return errs.SnapshotIO(0, "saving snapshot: written, but syncing its directory failed", err)
	}
	if closeErr != nil {
		return errs.SnapshotIO(0, "saving snapshot: written, but closing it failed", closeErr)
	}
	removeStaleTemps(dir, base)
	return nil
}

// saveErr is SaveFile's error for a file system failure before the
// rename: path is as it was.
func saveErr(err error) error { return errs.SnapshotIO(0, "saving snapshot", err) }

// tempPrefix starts the name of SaveFile's temporary files for base;
// decimal digits follow it (the form os.CreateTemp gave them before).
func tempPrefix(base string) string { return "." + base + ".tmp" }

// isTempOf reports whether name is a temporary file of SaveFile for base.
func isTempOf(name, base string) bool {
	digits, ok := strings.CutPrefix(name, tempPrefix(base))
	if !ok || digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// createSnapshotTemp creates and locks a new temporary file for path. It
// is created with path's permissions when path exists (0600 first, so no
// one else reads it meanwhile, then chmod), else with 0666 less the umask.
func createSnapshotTemp(path, dir, base string) (*os.File, error) {
	perm, keep := fs.FileMode(0o666), false
	switch fi, err := os.Stat(path); {
	case err == nil:
		perm, keep = fi.Mode().Perm(), true
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	for try := 0; ; try++ {
		name := filepath.Join(dir, tempPrefix(base)+strconv.FormatUint(uint64(rand.Uint32()), 10))
		createPerm := perm
		if keep {
			createPerm = 0o600
		}
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, createPerm)
		if errors.Is(err, fs.ErrExist) && try < 10000 {
			continue
		}
		if err != nil {
			return nil, err
		}
		// Between the create and the lock, a cleaner may have taken the
		// file for a stale one and removed it: then start again.
		if ok, err := lockTemp(f); err != nil || !ok {
			f.Close()
			if err != nil {
				os.Remove(name)
				return nil, err
			}
			continue
		}
		if keep {
			if err := f.Chmod(perm); err != nil {
				f.Close()
				os.Remove(name)
				return nil, err
			}
		}
		return f, nil
	}
}

// removeStaleTemps removes base's temporary files in dir that no SaveFile
// holds. It is best effort: a file it cannot list, lock or remove stays.
func removeStaleTemps(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !isTempOf(e.Name(), base) {
			continue
		}
		removeIfUnlocked(filepath.Join(dir, e.Name()))
	}
}

// LoadFile opens a store from a snapshot file written by SaveFile; see
// Load. A file that cannot be opened or read (a directory, say) fails
// with a *SnapshotError whose Err is the file system's error
// (errors.Is(err, fs.ErrNotExist) works), Reason "opening snapshot" or
// "reading snapshot", and which does not wrap ErrBadSnapshot. A nil
// Schema fails with ErrWrongStore.
func (sch *Schema) LoadFile(path string, opts ...StoreOption) (*Store, error) {
	if err := sch.check(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errs.SnapshotIO(0, "opening snapshot", err)
	}
	defer f.Close()
	return sch.Load(f, opts...)
}

// syncDir makes a rename in dir durable. Windows has no directory sync
// (and journals the rename with the file system's metadata).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
