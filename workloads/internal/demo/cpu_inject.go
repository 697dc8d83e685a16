package demo

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// ClockSpinMin is the shortest injection timed by the thread's CPU clock; shorter ones
// run a fixed number of work rounds calibrated at start-up. One read of that clock is a
// system call of ~0.5 µs of CPU on the development VM, and a spin that reads it overshoots
// by 1-3 µs (measured at 50 µs: 1.02-1.06× d), falling as 1/d, while the calibrated loop
// is off by the machine's speed drift since start-up, a few percent (up to 11% measured on
// a busy VM) whatever d. At 1.3 µs the spin would cost 2.2 µs.
const ClockSpinMin = 50 * time.Microsecond

// InjectMethod is how an injection's CPU time is controlled.
type InjectMethod string

const (
	InjectOff            InjectMethod = "off"
	InjectCalibratedWork InjectMethod = "calibrated_work"  // d < ClockSpinMin
	InjectThreadCPUClock InjectMethod = "thread_cpu_clock" // d >= ClockSpinMin
)

// InjectStats is what the CPU injection has done so far; the JSON of GET /debug/inject.
type InjectStats struct {
	InjectNs   int64        `json:"inject_ns"` // Config.InjectCPU
	Method     InjectMethod `json:"method"`
	Injections uint64       `json:"injections"` // requests that got the injection (tracing was on)
	// InjectedCPUNs is the CPU the injections cost by the injector's account: with
	// thread_cpu_clock, measured on the thread's CPU clock from each spin's first read
	// to its last; with calibrated_work, injections × work_rounds × ns_per_round.
	InjectedCPUNs uint64       `json:"injected_cpu_ns"`
	Calibration   *Calibration `json:"calibration,omitempty"` // calibrated_work only
	Untraced      bool         `json:"untraced"`              // injecting with tracing off too (SetInjectUntraced)
}

// Calibration is the start-up measurement of the work loop against the thread's CPU clock.
type Calibration struct {
	Runs              int     `json:"runs"`                 // each ~calibrationRun of CPU
	NsPerRound        float64 `json:"ns_per_round"`         // the fastest run's, the one used
	SlowestNsPerRound float64 `json:"slowest_ns_per_round"` // the spread says how noisy start-up was
	WorkRounds        int     `json:"work_rounds"`          // rounds per injection: round(inject_ns / ns_per_round)
	Clock             string  `json:"clock"`                // "thread_cpu", or "monotonic" where that clock cannot be read
}

const (
	calibrationRuns = 5
	calibrationRun  = 10 * time.Millisecond
	clockSpinRounds = 64 // work between two clock reads: ~0.1 µs, small beside the read
)

// injector adds a fixed CPU cost to a request. Safe for concurrent use.
type injector struct {
	d      time.Duration
	method InjectMethod
	cal    Calibration
	// Counters striped over cache lines (a random stripe per injection) so that two cores
	// injecting at once seldom pass one line between them: each such transfer would add
	// a cross-core miss (tens of ns, an estimate) to a 1.3 µs injection.
	stripes [16]struct {
		injections, cpuNs atomic.Uint64
		_                 [112]byte
	}
}

// newInjector prepares injections of d; for 0 < d < ClockSpinMin it calibrates the work
// loop first, which takes about calibrationRuns × calibrationRun of CPU.
func newInjector(d time.Duration) *injector {
	in := &injector{d: d, method: InjectOff}
	switch {
	case d >= ClockSpinMin:
		in.method = InjectThreadCPUClock
	case d > 0:
		in.method = InjectCalibratedWork
		in.cal = calibrate()
		in.cal.WorkRounds = int(float64(d)/in.cal.NsPerRound + 0.5)
	}
	return in
}

// inject burns the configured CPU on the calling goroutine and returns a value that
// depends on the work, so the compiler cannot drop it.
func (in *injector) inject() uint64 {
	var x uint64
	var cpuNs uint64
	switch in.method {
	case InjectOff:
		return 0
	case InjectCalibratedWork:
		x = work(in.cal.WorkRounds)
	case InjectThreadCPUClock:
		var spent time.Duration
		x, spent = spinCPU(in.d)
		cpuNs = uint64(spent)
	}
	s := &in.stripes[rand.Uint32()%uint32(len(in.stripes))]
	s.injections.Add(1)
	if cpuNs > 0 {
		s.cpuNs.Add(cpuNs)
	}
	return x
}

func (in *injector) stats() InjectStats {
	st := InjectStats{InjectNs: int64(in.d), Method: in.method}
	var cpuNs uint64
	for i := range in.stripes {
		st.Injections += in.stripes[i].injections.Load()
		cpuNs += in.stripes[i].cpuNs.Load()
	}
	switch in.method {
	case InjectThreadCPUClock:
		st.InjectedCPUNs = cpuNs
	case InjectCalibratedWork:
		cal := in.cal
		st.Calibration = &cal
		st.InjectedCPUNs = uint64(float64(st.Injections) * float64(cal.WorkRounds) * cal.NsPerRound)
	}
	return st
}

// calibrate measures the CPU time of xorshift rounds on this thread's CPU clock and
// keeps the fastest of calibrationRuns runs: a slower run was slowed by something else
// (the hypervisor, a cache-hungry neighbour), and the fastest is the figure that comes
// out the same from one start-up to the next.
func calibrate() Calibration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cal := Calibration{Runs: calibrationRuns, Clock: "thread_cpu"}
	now := threadCPU
	if _, ok := threadCPU(); !ok {
		cal.Clock = "monotonic"
		base := time.Now()
		now = func() (time.Duration, bool) { return time.Since(base), true }
	}
	timeRounds := func(n int) float64 {
		start, _ := now()
		sink.Add(work(n))
		end, _ := now()
		return float64(end-start) / float64(n)
	}
	// A short probe sizes the runs; it also brings the loop into the caches.
	n := int(float64(calibrationRun) / max(timeRounds(1<<20), 0.01))
	for i := range calibrationRuns {
		ns := timeRounds(n)
		if i == 0 || ns < cal.NsPerRound {
			cal.NsPerRound = ns
		}
		cal.SlowestNsPerRound = max(cal.SlowestNsPerRound, ns)
	}
	return cal
}

// sink keeps calibration work from being optimised away.
var sink atomic.Uint64

// work runs n xorshift rounds. Never inlined, so that the calibration and the
// injections run the same machine code.
//
//go:noinline
func work(n int) uint64 { return xorshift(88172645463325252, n) }

// spinCPU burns d of this thread's CPU time, not of wall-clock time: when the OS
// deschedules the thread mid-spin, the spin goes on after it runs again, so every call
// costs the process d of CPU whatever else the machine is doing. It returns the CPU time
// the spin measured (from its first clock read to its last; at least d).
func spinCPU(d time.Duration) (uint64, time.Duration) {
	if d <= 0 {
		return 0, 0
	}
	// The thread's CPU clock only means something while the goroutine stays on one thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, ok := threadCPU()
	if !ok {
		return spin(d), d
	}
	x := uint64(88172645463325252)
	for {
		x = xorshift(x, clockSpinRounds)
		now, _ := threadCPU()
		if now-start >= d {
			return x, now - start
		}
	}
}

// threadCPU reads CLOCK_THREAD_CPUTIME_ID. A raw system call: it is short, and the
// scheduler need not hand the P to another thread around it.
func threadCPU() (time.Duration, bool) {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	_, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
