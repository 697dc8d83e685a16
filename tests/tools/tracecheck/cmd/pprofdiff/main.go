// Command pprofdiff compares two delay profiles (as written by `go tool trace
// -pprof=KIND` and `tracebench inspect --pprof KIND=FILE`): their total delay and the
// delay per leaf function must agree within 1% or 1 µs, whichever is larger.
//
//	pprofdiff EXPECTED ACTUAL
//
// A sample whose innermost frame has no function (PC 0) counts as "(no stack)":
// cmd/trace merges stacks by their PCs padded with zeros, so a stack of zero PCs and
// no stack are one record, written as whichever of the two it saw last.
//
// Prints one line per leaf function and a verdict; exits 0 when they agree, 1 when
// they do not, 2 when a profile cannot be read.
package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/google/pprof/profile"
)

const (
	relTolerance = 0.01
	absTolerance = 1000 // ns
)

// byLeaf sums the delay (nanoseconds) of each sample under its innermost function.
func byLeaf(path string) (map[string]int64, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %v", path, err)
	}
	delay := -1
	for i, st := range p.SampleType {
		if st.Type == "delay" && st.Unit == "nanoseconds" {
			delay = i
		}
	}
	if delay < 0 {
		return nil, 0, fmt.Errorf("%s: no delay/nanoseconds sample type", path)
	}
	leaves := map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		leaf := "(no stack)"
		if len(s.Location) > 0 && len(s.Location[0].Line) > 0 && s.Location[0].Line[0].Function != nil &&
			s.Location[0].Line[0].Function.Name != "" {
			leaf = s.Location[0].Line[0].Function.Name
		}
		leaves[leaf] += s.Value[delay]
		total += s.Value[delay]
	}
	return leaves, total, nil
}

func agree(a, b int64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	limit := float64(max(a, b)) * relTolerance
	return float64(d) <= max(limit, absTolerance)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pprofdiff EXPECTED ACTUAL")
		os.Exit(2)
	}
	want, wantTotal, err := byLeaf(os.Args[1])
	if err == nil {
		var got map[string]int64
		var gotTotal int64
		got, gotTotal, err = byLeaf(os.Args[2])
		if err == nil {
			os.Exit(compare(want, wantTotal, got, gotTotal))
		}
	}
	fmt.Fprintln(os.Stderr, "pprofdiff:", err)
	os.Exit(2)
}

func compare(want map[string]int64, wantTotal int64, got map[string]int64, gotTotal int64) int {
	names := map[string]bool{}
	for n := range want {
		names[n] = true
	}
	for n := range got {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Slice(sorted, func(i, j int) bool { return want[sorted[i]] > want[sorted[j]] })
	bad := 0
	for _, n := range sorted {
		mark := "ok"
		if !agree(want[n], got[n]) {
			mark = "DIFFERS"
			bad++
		}
		fmt.Printf("%-8s %14d %14d  %s\n", mark, want[n], got[n], n)
	}
	mark := "ok"
	if !agree(wantTotal, gotTotal) {
		mark = "DIFFERS"
		bad++
	}
	fmt.Printf("%-8s %14d %14d  (total delay, ns: expected, actual)\n", mark, wantTotal, gotTotal)
	if bad > 0 {
		return 1
	}
	return 0
}
