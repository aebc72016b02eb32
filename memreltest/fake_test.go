package memreltest_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// fakeT is a testing.TB that records what the kit reports, so that tests
// can check the kit fails when it should. run calls a function with it
// as a test would (Fatal ends the function) and then its cleanups.
type fakeT struct {
	testing.TB // nil: any method not below panics
	mu         sync.Mutex
	failed     bool
	logs       []string
	cleanups   []func()
}

func (f *fakeT) Helper()      {}
func (f *fakeT) Name() string { return "TestFake/sub" }
func (f *fakeT) Failed() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.failed }
func (f *fakeT) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}
func (f *fakeT) Logf(format string, args ...any) { f.log(fmt.Sprintf(format, args...)) }
func (f *fakeT) Errorf(format string, args ...any) {
	f.fail()
	f.log(fmt.Sprintf(format, args...))
}
func (f *fakeT) Error(args ...any) { f.fail(); f.log(fmt.Sprint(args...)) }
func (f *fakeT) Fatal(args ...any) { f.Error(args...); runtime.Goexit() }
func (f *fakeT) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}

func (f *fakeT) fail() { f.mu.Lock(); defer f.mu.Unlock(); f.failed = true }
func (f *fakeT) log(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, s)
}

// run calls fn with f in a goroutine of its own (a Fatal ends it there),
// then runs f's cleanups, last first, as the testing package does.
func (f *fakeT) run(fn func(t testing.TB)) *fakeT {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f
}

// output is everything f logged.
func (f *fakeT) output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprint(f.logs)
}
