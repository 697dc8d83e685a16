package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// shape is one kind of traced activity. run returns when stop says so; custom,
// when set, replaces trace.Start/Stop around run (the flight recorder shape).
type shape struct {
	doc    string
	run    func(stop stopCondition)
	custom func(w io.Writer, stop stopCondition) error
}

var shapes = map[string]shape{
	"idle":       {doc: "a sleeping program: the smallest real trace (status events and tables)", run: runIdle},
	"churn":      {doc: "a goroutine per tiny work item: goroutine lifecycle events dominate", run: runChurn},
	"regions":    {doc: "tasks, nested fine-grained regions and logs: user annotations dominate", run: runRegions},
	"background": {doc: "one ping-pong background loop produces most events; light workers beside it", run: runBackground},
	"gc":         {doc: "allocation-heavy workers: GC cycles, sweeps, assists, heap metrics", run: runGC},
	"syscall":    {doc: "blocking file writes: syscall enter/exit events", run: runSyscall},
	"cpu":        {doc: "CPU-bound work with the CPU profiler on: CPU sample batches", run: runCPU},
	"coro":       {doc: "iter.Pull coroutines: GoSwitch and GoSwitchDestroy events", run: runCoro},
	"server":     {doc: "a loopback net/http server under keep-alive client load (the demo workload)", run: runServer},
	"mixed":      {doc: "server, regions, background loop and GC at once (large traces for benchmarks)", run: runMixed},
	"flight":     {doc: "the mixed shape under a runtime/trace.FlightRecorder; writes its snapshot", custom: runFlight},
}

func runIdle(stop stopCondition) {
	for !stop.done() {
		time.Sleep(5 * time.Millisecond)
	}
}

func runChurn(stop stopCondition) {
	var sink atomic.Uint64
	for !stop.done() {
		var wg sync.WaitGroup
		for i := 0; i < 500; i++ {
			wg.Add(1)
			go func(n int) {
				defer wg.Done()
				sink.Add(uint64(n * n))
			}(i)
		}
		wg.Wait()
	}
}

func runRegions(stop stopCondition) {
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(worker int) {
			defer wg.Done()
			for i := 0; !stop.done(); i++ {
				annotatedRequest(context.Background(), worker, i)
			}
		}(w)
	}
	wg.Wait()
}

// annotatedRequest is one task with nested regions, logs and, every 50th time,
// a region that blocks (so it ends on another goroutine slice, maybe another M).
func annotatedRequest(ctx context.Context, worker, i int) {
	ctx, task := trace.NewTask(ctx, "request")
	defer task.End()
	trace.Log(ctx, "worker", strconv.Itoa(worker))
	trace.WithRegion(ctx, "decode", func() {
		trace.WithRegion(ctx, "parseHeader", func() { spin(20) })
		trace.WithRegion(ctx, "validateField", func() { spin(10) })
	})
	if i%2 == 0 {
		trace.Log(ctx, "cache", "hit")
	} else {
		trace.Log(ctx, "cache", "miss")
		trace.WithRegion(ctx, "db.query", func() { spin(200) })
	}
	if i%50 == 0 {
		trace.WithRegion(ctx, "sleep", func() { time.Sleep(100 * time.Microsecond) })
	}
	trace.WithRegion(ctx, "encode", func() { spin(50) })
	if i%10 == 0 {
		_, sub := trace.NewTask(ctx, "audit")
		trace.Logf(ctx, "audit", "request %d", i)
		sub.End()
	}
	// A region outside any task (the background task).
	trace.WithRegion(context.Background(), "metrics", func() { spin(5) })
}

func runBackground(stop stopCondition) {
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() { // the echo side of the hot loop
		for v := range ping {
			pong <- v + 1
		}
	}()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the hot background loop
		defer wg.Done()
		defer close(ping)
		v := 0
		for {
			select {
			case <-done:
				return
			case ping <- v:
				v = <-pong
			}
		}
	}()
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() { // light workers
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				case <-time.After(2 * time.Millisecond):
					spin(100)
				}
			}
		}()
	}
	for !stop.done() {
		time.Sleep(2 * time.Millisecond)
	}
	close(done)
	wg.Wait()
}

var gcSink atomic.Pointer[[]byte]

func runGC(stop stopCondition) {
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.done(); i++ {
				for j := 0; j < 100; j++ {
					b := make([]byte, 4096+i%8192)
					b[0] = byte(j)
					gcSink.Store(&b)
				}
			}
		}()
	}
	wg.Wait()
}

func runSyscall(stop stopCondition) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	buf := make([]byte, 512)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.done() {
				for i := 0; i < 50; i++ {
					if _, err := f.Write(buf); err != nil {
						panic(err)
					}
				}
			}
		}()
	}
	wg.Wait()
}

func runCPU(stop stopCondition) {
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		panic(err)
	}
	defer pprof.StopCPUProfile()
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.done() {
				spin(10000)
			}
		}()
	}
	wg.Wait()
}

func runCoro(stop stopCondition) {
	seq := func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	}
	for !stop.done() {
		next, stopPull := iter.Pull(iter.Seq[int](seq))
		for i := 0; i < 100; i++ {
			next()
		}
		stopPull()
	}
}

func runServer(stop stopCondition) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(handleItem)}
	go srv.Serve(ln)
	defer srv.Close()

	url := "http://" + ln.Addr().String() + "/item?id="
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; !stop.done(); i++ {
				resp, err := client.Get(url + strconv.Itoa(c*1_000_000+i))
				if err != nil {
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}(c)
	}
	wg.Wait()
}

func handleItem(w http.ResponseWriter, r *http.Request) {
	ctx, task := trace.NewTask(r.Context(), "item")
	defer task.End()
	id := r.URL.Query().Get("id")
	var sum [32]byte
	trace.WithRegion(ctx, "hash", func() { sum = sha256.Sum256([]byte(id)) })
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"id": id, "sum": fmt.Sprintf("%x", sum[:8])})
}

func runMixed(stop stopCondition) {
	var wg sync.WaitGroup
	for _, f := range []func(stopCondition){runServer, runRegions, runBackground, runGC, runChurn} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(stop)
		}()
	}
	wg.Wait()
}

func runFlight(w io.Writer, stop stopCondition) error {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 500 * time.Millisecond, MaxBytes: 4 << 20})
	if err := fr.Start(); err != nil {
		return err
	}
	defer fr.Stop()
	runMixed(stop)
	_, err := fr.WriteTo(w)
	return err
}

// spin burns roughly n small steps of CPU without allocating.
func spin(n int) uint64 {
	var x uint64 = 1
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	spinSink.Add(x)
	return x
}

var spinSink atomic.Uint64
