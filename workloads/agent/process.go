package agent

import (
	"math"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// processStartedUnixNs identifies this process instance beside its pid: package
// initialisation runs once per process, before main, so a restarted service (even one
// that got the same pid back) reports a different value.
var processStartedUnixNs = time.Now().UnixNano()

// ProcessSample is the process's CPU time and a chosen set of runtime/metrics samples,
// as served by GET process. tracebench reads it at both edges of a measured window and
// works with the differences, so a target on another machine is measured too.
//
// The /cpu/classes figures are the runtime's own estimates, updated only at the end of
// each GC cycle (runtime/metrics.go, Go 1.26): between two reads they cover the time
// between the last GC cycles before each read, CPUClassesS.Total / GOMAXPROCS seconds.
type ProcessSample struct {
	Pid int `json:"pid"`
	// StartedUnixNs: when this process initialised the agent package (before main).
	// With Pid it tells a restarted process from the one read before.
	StartedUnixNs int64 `json:"started_unix_ns"`
	TakenUnixNs   int64 `json:"taken_unix_ns"`
	// CPU time of all the process's threads from the operating system (getrusage),
	// nanoseconds; both -1 where the OS gives none.
	CPUUserNs   int64 `json:"cpu_user_ns"`
	CPUSystemNs int64 `json:"cpu_system_ns"`
	GOMAXPROCS  int   `json:"gomaxprocs"`
	// CPUClassesS holds the /cpu/classes/...:cpu-seconds metrics, cumulative seconds.
	CPUClassesS CPUClasses `json:"cpu_classes_s"`
	// GCCycles is /gc/cycles/total:gc-cycles, cumulative.
	GCCycles uint64 `json:"gc_cycles"`
	// HeapObjectsBytes is /memory/classes/heap/objects:bytes (live and not yet swept
	// objects); TotalMemoryBytes is /memory/classes/total:bytes (all the runtime maps).
	HeapObjectsBytes uint64 `json:"heap_objects_bytes"`
	TotalMemoryBytes uint64 `json:"total_memory_bytes"`
	Goroutines       uint64 `json:"goroutines"`
	// SchedLatencies is /sched/latencies:seconds, cumulative: how long goroutines waited
	// runnable before they ran.
	SchedLatencies Histogram `json:"sched_latencies"`
}

// CPUClasses are the runtime's CPU classes in seconds. User + GCTotal + ScavengeTotal +
// Idle = Total, by the runtime's construction.
type CPUClasses struct {
	User               float64 `json:"user"`
	GCTotal            float64 `json:"gc_total"`
	GCMarkAssist       float64 `json:"gc_mark_assist"`
	GCMarkDedicated    float64 `json:"gc_mark_dedicated"`
	GCMarkIdle         float64 `json:"gc_mark_idle"`
	GCPause            float64 `json:"gc_pause"`
	ScavengeTotal      float64 `json:"scavenge_total"`
	ScavengeAssist     float64 `json:"scavenge_assist"`
	ScavengeBackground float64 `json:"scavenge_background"`
	Idle               float64 `json:"idle"`
	Total              float64 `json:"total"`
}

// Histogram is a runtime/metrics Float64Histogram: Counts[i] values fell in
// [Boundaries[i], Boundaries[i+1]). JSON has no infinity, so an infinite first or last
// boundary is written as null.
type Histogram struct {
	Boundaries []*float64 `json:"boundaries"`
	Counts     []uint64   `json:"counts"`
}

// processMetrics lists the runtime/metrics read for a ProcessSample, and where each goes.
var processMetrics = []struct {
	name string
	set  func(*ProcessSample, metrics.Value)
}{
	{"/cpu/classes/user:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.User = v.Float64() }},
	{"/cpu/classes/gc/total:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.GCTotal = v.Float64() }},
	{"/cpu/classes/gc/mark/assist:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.GCMarkAssist = v.Float64() }},
	{"/cpu/classes/gc/mark/dedicated:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.GCMarkDedicated = v.Float64() }},
	{"/cpu/classes/gc/mark/idle:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.GCMarkIdle = v.Float64() }},
	{"/cpu/classes/gc/pause:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.GCPause = v.Float64() }},
	{"/cpu/classes/scavenge/total:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.ScavengeTotal = v.Float64() }},
	{"/cpu/classes/scavenge/assist:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.ScavengeAssist = v.Float64() }},
	{"/cpu/classes/scavenge/background:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.ScavengeBackground = v.Float64() }},
	{"/cpu/classes/idle:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.Idle = v.Float64() }},
	{"/cpu/classes/total:cpu-seconds", func(p *ProcessSample, v metrics.Value) { p.CPUClassesS.Total = v.Float64() }},
	{"/gc/cycles/total:gc-cycles", func(p *ProcessSample, v metrics.Value) { p.GCCycles = v.Uint64() }},
	{"/memory/classes/heap/objects:bytes", func(p *ProcessSample, v metrics.Value) { p.HeapObjectsBytes = v.Uint64() }},
	{"/memory/classes/total:bytes", func(p *ProcessSample, v metrics.Value) { p.TotalMemoryBytes = v.Uint64() }},
	{"/sched/goroutines:goroutines", func(p *ProcessSample, v metrics.Value) { p.Goroutines = v.Uint64() }},
	{"/sched/latencies:seconds", func(p *ProcessSample, v metrics.Value) { p.SchedLatencies = histogramOf(v.Float64Histogram()) }},
}

// sampleBuf is reused across reads: metrics.Read keeps a histogram's storage in the
// sample it is given, so a reused slice costs no allocation per read for it.
var sampleBuf = struct {
	sync.Mutex
	samples []metrics.Sample
}{}

// ReadProcessSample reads the process's CPU time and runtime metrics now. Safe for
// concurrent use (reads are serialised; each takes a few microseconds).
func ReadProcessSample() ProcessSample {
	p := ProcessSample{
		Pid:           os.Getpid(),
		StartedUnixNs: processStartedUnixNs,
		GOMAXPROCS:    runtime.GOMAXPROCS(0),
	}
	p.CPUUserNs, p.CPUSystemNs = processCPUTime()
	sampleBuf.Lock()
	defer sampleBuf.Unlock()
	if sampleBuf.samples == nil {
		sampleBuf.samples = make([]metrics.Sample, len(processMetrics))
		for i, m := range processMetrics {
			sampleBuf.samples[i].Name = m.name
		}
	}
	metrics.Read(sampleBuf.samples)
	p.TakenUnixNs = time.Now().UnixNano()
	for i, m := range processMetrics {
		// A metric this Go version does not have reads as KindBad and stays zero.
		if sampleBuf.samples[i].Value.Kind() != metrics.KindBad {
			m.set(&p, sampleBuf.samples[i].Value)
		}
	}
	return p
}

func histogramOf(h *metrics.Float64Histogram) Histogram {
	out := Histogram{Boundaries: make([]*float64, len(h.Buckets)), Counts: append([]uint64(nil), h.Counts...)}
	for i, b := range h.Buckets {
		if !math.IsInf(b, 0) {
			out.Boundaries[i] = &b
		}
	}
	return out
}

func (a *Agent) serveProcess(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, ReadProcessSample())
}
