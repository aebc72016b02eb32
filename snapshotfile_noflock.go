//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package memrel

import "os"

// lockTemp does nothing where there is no flock: stale temporary files
// are then never removed, since a live SaveFile's could not be told apart.
func lockTemp(*os.File) (bool, error) { return true, nil }

// lockAcrossRename: without flock there is no lock to hold, so the file
// is closed before its rename (Windows cannot rename an open file).
const lockAcrossRename = false

// discardTemp closes (unless closed) and removes a temporary file that
// will not be renamed: closed first, as Windows cannot remove an open file.
func discardTemp(f *os.File, closed bool) {
	if !closed {
		f.Close()
	}
	os.Remove(f.Name())
}

// removeIfUnlocked removes nothing where there is no flock.
func removeIfUnlocked(string) {}
