package annotated

import (
	"bytes"
	"context"
	"regexp"
	"runtime/trace"
	"testing"
	"time"
)

// BenchmarkAnnotated is the trace source for CI assertions on region durations:
// each iteration is one Run (an "annotated" task with an "encode" region of 200 µs
// and a "hash" region of 100 µs).
func BenchmarkAnnotated(b *testing.B) {
	ctx := context.Background()
	var sink uint64
	for b.Loop() {
		sink ^= Run(ctx)
	}
	_ = sink
}

func TestRegionDurations(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(time.Duration) uint64
		d    time.Duration
	}{
		{EncodeRegion, encodeFor, EncodeDuration},
		{HashRegion, hashFor, HashDuration},
	} {
		best := time.Hour
		for range 20 {
			start := time.Now()
			tc.f(tc.d)
			took := time.Since(start)
			if took < tc.d {
				t.Errorf("%s took %v, less than its documented %v", tc.name, took, tc.d)
			}
			best = min(best, took)
		}
		// The fastest of 20 runs shows the loop's own overshoot, free of preemption.
		if best > tc.d+time.Millisecond {
			t.Errorf("%s: fastest run %v, want within 1ms of %v", tc.name, best, tc.d)
		}
	}
}

func TestRegionsAppearInTrace(t *testing.T) {
	if trace.IsEnabled() {
		t.Skip("tracing already on (go test -trace): this test takes its own trace")
	}
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		Run(context.Background())
	}
	trace.Stop()
	if !regexp.MustCompile(`^go 1\.2\d trace\x00`).Match(buf.Bytes()) {
		t.Fatalf("not a Go trace: %q", buf.Bytes()[:min(16, buf.Len())])
	}
	// Region and task names are in the trace's string table.
	for _, name := range []string{TaskType, EncodeRegion, HashRegion} {
		if !bytes.Contains(buf.Bytes(), []byte(name)) {
			t.Errorf("trace lacks the name %q", name)
		}
	}
}
