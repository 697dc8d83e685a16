// Command trace-gen writes real Go execution traces of distinct, known shapes.
//
// It exists for tracebench's trace-reader tests, fuzz seeds and benchmarks: each
// shape stresses one part of the format (goroutine churn, user annotations, a
// dominant background loop, GC, syscalls, CPU samples, the flight recorder), so
// a reader's per-kind counts can be checked against `go tool trace -d=footprint`
// on traces that the real runtime wrote.
//
// Usage:
//
//	trace-gen -shape churn -o churn.trace [-duration 200ms] [-size 100MB] [-procs N]
//
// With -size the shape keeps running (bounded by -max-duration) until the trace
// holds at least that many bytes. Experimental AllocFree batches appear when the
// program runs with GODEBUG=traceallocfree=1; generation boundaries can be made
// frequent with GODEBUG=traceadvanceperiod=<ns>.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/trace"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "trace-gen: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trace-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	shapeName := fs.String("shape", "mixed", "trace shape: "+strings.Join(shapeNames(), ", "))
	out := fs.String("o", "", "output file (required; - for stdout)")
	duration := fs.Duration("duration", 200*time.Millisecond, "how long the shape runs while traced")
	sizeText := fs.String("size", "", "keep running until the trace holds at least this many bytes (e.g. 100MB); overrides -duration")
	maxDuration := fs.Duration("max-duration", 120*time.Second, "upper bound on the running time when -size is given")
	procs := fs.Int("procs", 0, "GOMAXPROCS while tracing (0: leave as is)")
	list := fs.Bool("list", false, "print the shapes and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *list {
		for _, name := range shapeNames() {
			fmt.Fprintf(stdout, "%-11s %s\n", name, shapes[name].doc)
		}
		return nil
	}
	sh, ok := shapes[*shapeName]
	if !ok {
		return fmt.Errorf("unknown shape %q (want one of: %s)", *shapeName, strings.Join(shapeNames(), ", "))
	}
	if *out == "" {
		return errors.New("-o is required")
	}
	var sizeBytes int64
	if *sizeText != "" {
		n, err := parseSize(*sizeText)
		if err != nil {
			return err
		}
		sizeBytes = n
	}
	if *procs > 0 {
		runtime.GOMAXPROCS(*procs)
	}

	var w io.Writer = stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	cw := &countingWriter{w: w}
	stop := stopCondition{deadline: time.Now().Add(*duration)}
	if sizeBytes > 0 {
		stop = stopCondition{deadline: time.Now().Add(*maxDuration), sizeBytes: sizeBytes, written: &cw.n}
	}
	if sh.custom != nil {
		// The shape manages tracing itself (the flight recorder writes a snapshot).
		return sh.custom(cw, stop)
	}
	if err := trace.Start(cw); err != nil {
		return err
	}
	sh.run(stop)
	trace.Stop()
	return cw.err
}

// stopCondition tells a shape when to return: at the deadline, or once the trace
// written so far reaches sizeBytes.
type stopCondition struct {
	deadline  time.Time
	sizeBytes int64
	written   *atomic.Int64
}

func (s stopCondition) done() bool {
	if s.sizeBytes > 0 && s.written.Load() >= s.sizeBytes {
		return true
	}
	return time.Now().After(s.deadline)
}

type countingWriter struct {
	w   io.Writer
	n   atomic.Int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

func shapeNames() []string {
	names := make([]string, 0, len(shapes))
	for name := range shapes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// parseSize reads 4096, 64KB, 10MiB, 1.5GB style sizes.
func parseSize(text string) (int64, error) {
	units := []struct {
		suffix string
		factor float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
	}
	number, factor := text, 1.0
	for _, u := range units {
		if strings.HasSuffix(text, u.suffix) {
			number, factor = strings.TrimSuffix(text, u.suffix), u.factor
			break
		}
	}
	var v float64
	if _, err := fmt.Sscanf(number, "%g", &v); err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q: want a positive number of bytes, e.g. 4096, 64KB, 100MB", text)
	}
	return int64(v * factor), nil
}
