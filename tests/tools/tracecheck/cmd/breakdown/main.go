// Command breakdown computes where goroutine time went in an execution trace, with
// Go's own trace reader (golang.org/x/exp/trace), as the independent reference for
// `tracebench inspect`'s time breakdown:
//
//	breakdown TRACE
//
// prints JSON: nanoseconds running, runnable, in syscalls and waiting by cause, summed
// over goroutines from their first state in the trace to their end (or the trace's
// last event), and the scheduler latency (runnable -> running) count, p50, p99 and max
// (nearest rank over every interval).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/exp/trace"
)

type goroutine struct {
	state trace.GoState
	since trace.Time
	cause string
}

type result struct {
	RunningNs  int64            `json:"running_ns"`
	RunnableNs int64            `json:"runnable_ns"`
	SyscallNs  int64            `json:"syscall_ns"`
	WaitingNs  map[string]int64 `json:"waiting_ns"`
	Sched      struct {
		Count uint64 `json:"count"`
		P50   int64  `json:"p50_ns"`
		P99   int64  `json:"p99_ns"`
		Max   int64  `json:"max_ns"`
	} `json:"sched_latency"`
}

// cause groups a GoBlock reason the way the breakdown reports it.
func cause(reason string) string {
	switch {
	case reason == "sync" || reason == "sync.(*Cond).Wait":
		return "sync"
	case strings.HasPrefix(reason, "chan "):
		return "channel"
	case reason == "select":
		return "select"
	case reason == "network":
		return "network"
	case reason == "sleep":
		return "sleep"
	case strings.HasPrefix(reason, "GC ") || reason == "wait until GC ends":
		return "gc"
	case reason == "":
		return "unknown"
	}
	return "other"
}

func (r *result) add(g *goroutine, end trace.Time) {
	d := int64(end - g.since)
	switch g.state {
	case trace.GoRunning:
		r.RunningNs += d
	case trace.GoRunnable:
		r.RunnableNs += d
	case trace.GoSyscall:
		r.SyscallNs += d
	case trace.GoWaiting:
		r.WaitingNs[g.cause] += d
	}
}

func nearestRank(sorted []int64, q float64) int64 {
	rank := int(q*float64(len(sorted)) + 0.9999999)
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: breakdown TRACE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "breakdown:", err)
		os.Exit(2)
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "breakdown:", err)
		os.Exit(2)
	}
	res := result{WaitingNs: map[string]int64{}}
	gs := map[trace.GoID]*goroutine{}
	var sched []int64
	var last trace.Time
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "breakdown:", err)
			os.Exit(2)
		}
		if ev.Kind() != trace.EventSync {
			last = max(last, ev.Time())
		}
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		from, to := st.Goroutine()
		if from == to {
			continue
		}
		id := st.Resource.Goroutine()
		g := gs[id]
		if g != nil {
			res.add(g, ev.Time())
			if g.state == trace.GoRunnable && to == trace.GoRunning {
				sched = append(sched, int64(ev.Time()-g.since))
			}
		}
		if to == trace.GoNotExist {
			delete(gs, id)
			continue
		}
		if g == nil {
			g = &goroutine{}
			gs[id] = g
		}
		g.state, g.since, g.cause = to, ev.Time(), cause(st.Reason)
	}
	for _, g := range gs {
		res.add(g, last)
	}
	slices.Sort(sched)
	res.Sched.Count = uint64(len(sched))
	if len(sched) > 0 {
		res.Sched.P50 = nearestRank(sched, 0.5)
		res.Sched.P99 = nearestRank(sched, 0.99)
		res.Sched.Max = sched[len(sched)-1]
	}
	out, _ := json.MarshalIndent(res, "", "  ")
	fmt.Println(string(out))
}
