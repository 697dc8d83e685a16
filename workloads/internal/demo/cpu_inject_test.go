package demo

import (
	"runtime"
	"slices"
	"testing"
	"time"
)

// measureInjections runs n injections in 10 blocks and returns the median over the
// blocks of their mean CPU cost on this thread's CPU clock, and the median of the work
// loop's ns per round measured before each block (so the cost can be set beside the
// machine's speed at that moment, not only beside the calibration at start-up). The
// median, because on this VM the thread's CPU clock now and then jumps by milliseconds
// (time the vCPU was not running, it seems), which makes one block's mean meaningless.
func measureInjections(t *testing.T, in *injector, n int) (mean time.Duration, nsPerRoundNow float64) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const blocks = 10
	speedRounds := int(float64(calibrationRun) / in.calOrMeasure())
	var costs []time.Duration
	var speeds []float64
	for range blocks {
		t0, ok := threadCPU()
		if !ok {
			t.Skip("no thread CPU clock")
		}
		sink.Add(work(speedRounds))
		t1, _ := threadCPU()
		for range n / blocks {
			in.inject()
		}
		t2, _ := threadCPU()
		speeds = append(speeds, float64(t1-t0)/float64(speedRounds))
		costs = append(costs, (t2-t1)/time.Duration(n/blocks))
	}
	slices.Sort(costs)
	slices.Sort(speeds)
	return (costs[blocks/2-1] + costs[blocks/2]) / 2, (speeds[blocks/2-1] + speeds[blocks/2]) / 2
}

// calOrMeasure is the calibrated ns per round, or a fresh calibration's for an injector
// that has none (the thread-CPU-clock method).
func (in *injector) calOrMeasure() float64 {
	if in.cal.NsPerRound > 0 {
		return in.cal.NsPerRound
	}
	return calibrate().NsPerRound
}

// The accuracy of short injections, the reason for the calibrated loop: the mean CPU cost
// of many injections (the median of 10 blocks' means), on the thread's CPU clock, against
// the value asked for. On the 2-core development VM, busy with other work, 1.3 µs
// measured 0.99-1.07× (100k injections, 19 runs, some beside the rest of the suite, a C++
// build or two busy loops), 300 ns up to 1.16×: the loop is off by as much as the
// machine's speed has drifted since the calibration, so the bound is ±15% (+25% at
// 300 ns). Set beside the speed measured between the injections, the ratio is the loop's
// own error: 0.97-1.02 from 1.3 µs up, up to 1.07 at 300 ns; checked within ±10%.
func TestInjectAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("measures ~0.5 s of CPU")
	}
	if raceDetector {
		t.Skip("measures CPU cost, which the race detector's instrumentation changes (the plain go test runs it)")
	}
	for _, tc := range []struct {
		d      time.Duration
		n      int
		method InjectMethod
		lo, hi float64 // bounds of mean cost / d
	}{
		{300 * time.Nanosecond, 100_000, InjectCalibratedWork, 0.85, 1.25},
		{1300 * time.Nanosecond, 100_000, InjectCalibratedWork, 0.85, 1.15},
		{20 * time.Microsecond, 5_000, InjectCalibratedWork, 0.85, 1.15},
		// The clock spin never stops short of d; it overshoots by about one clock read
		// and the work before it (1.0-1.7 µs measured).
		{ClockSpinMin, 2_000, InjectThreadCPUClock, 1.0, 1.10},
		{300 * time.Microsecond, 400, InjectThreadCPUClock, 1.0, 1.05},
	} {
		in := newInjector(tc.d)
		if in.method != tc.method {
			t.Fatalf("%v: method %s, want %s", tc.d, in.method, tc.method)
		}
		mean, nsPerRoundNow := measureInjections(t, in, tc.n)
		ratio := float64(mean) / float64(tc.d)
		drift := nsPerRoundNow / in.calOrMeasure()
		if tc.method == InjectCalibratedWork {
			t.Logf("%-6v %s: mean CPU %v = %.3f× d; machine speed now %.3f× its calibration (%.3f ns/round, %d rounds), so %.3f× the work",
				tc.d, in.method, mean, ratio, 1/drift, in.cal.NsPerRound, in.cal.WorkRounds, ratio/drift)
			if ratio/drift < 0.9 || ratio/drift > 1.1 {
				t.Errorf("%v: mean CPU %.3f× d with the machine at %.3f× its calibrated speed; want the two within 10%%",
					tc.d, ratio, 1/drift)
			}
		} else {
			t.Logf("%-6v %s: mean CPU %v = %.3f× d", tc.d, in.method, mean, ratio)
		}
		if ratio < tc.lo || ratio > tc.hi {
			t.Errorf("%v: mean CPU of %d injections %v (%.3f× d); want %.2f-%.2f× d", tc.d, tc.n, mean, ratio, tc.lo, tc.hi)
		}
		st := in.stats()
		if st.Injections != uint64(tc.n/10*10) || st.InjectNs != int64(tc.d) || st.Method != tc.method {
			t.Errorf("%v: stats %+v after %d injections", tc.d, st, tc.n)
		}
		if lo := uint64(0.8 * float64(st.Injections) * float64(tc.d)); st.InjectedCPUNs < lo {
			t.Errorf("%v: injected_cpu_ns %d; want about %d × %d", tc.d, st.InjectedCPUNs, st.Injections, tc.d)
		}
	}
}

func TestInjectorOff(t *testing.T) {
	in := newInjector(0)
	in.inject()
	if st := in.stats(); st != (InjectStats{Method: InjectOff}) {
		t.Errorf("stats %+v; want nothing injected", st)
	}
}
