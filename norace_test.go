//go:build !race

package memrel_test

// raceEnabled says the tests run under the race detector, which makes the
// biggest data sizes too slow.
const raceEnabled = false
