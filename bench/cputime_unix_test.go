//go:build unix

package bench

import (
	"syscall"
	"testing"
)

// BenchmarkSuiteCPU runs BenchmarkSuite's cases and reports, beside their
// wall-clock ns/op, the CPU time the whole process spent per op (cpu-ns/op:
// user and system time of every thread, so the garbage collector's share
// counts). On a shared machine other processes stretch wall-clock time but
// hardly this, which makes it the figure to compare two builds by. Only a
// run of b.N > 1 reports it: the first, single iteration may include
// loading the data set.
//
//	go test -run '^$' -bench 'SuiteCPU/P=1000/memrel/' -benchtime 2000x -cpu 1 -args -sizes=1000
func BenchmarkSuiteCPU(b *testing.B) {
	runSuite(b, func(f func(*testing.B)) func(*testing.B) {
		return func(b *testing.B) {
			t0 := cpuTime(b)
			f(b)
			if b.N > 1 {
				b.ReportMetric(float64(cpuTime(b)-t0)/float64(b.N), "cpu-ns/op")
			}
		}
	})
}

// cpuTime is the process's user plus system time so far, in nanoseconds.
func cpuTime(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
