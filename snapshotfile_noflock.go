//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package memrel

import "os"

// lockTemp does nothing where there is no flock: stale temporary files
// are then never removed, since a live SaveFile's could not be told apart.
func lockTemp(*os.File) (bool, error) { return true, nil }

// removeIfUnlocked removes nothing where there is no flock.
func removeIfUnlocked(string) {}
