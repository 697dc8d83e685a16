// Package demo is the HTTP application of the demo-server: endpoints whose execution
// traces differ in shape (CPU, allocation, goroutine churn, a bounded pool, mutex
// contention, blocking waits, user annotations, a mixed JSON API), plus the test knobs
// tracebench uses to validate itself (CPU injected only while tracing, scheduled stalls).
//
// Every endpoint is documented in docs/workloads.md of the tracebench repository.
package demo

import (
	"errors"
	"net/http"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Server. The zero value serves the endpoints with no test knobs.
type Config struct {
	// InjectCPU is CPU time (of the serving thread) added to every request, but only while
	// trace.IsEnabled() (a trace.Start capture or a flight recorder is running), or always
	// after SetInjectUntraced(true): a known "tracing overhead" for validating tracebench.
	// Test knob. Below ClockSpinMin it is a fixed amount of work calibrated in New (~50 ms
	// of CPU), from ClockSpinMin up a spin on the thread's CPU clock; see InjectStats.
	InjectCPU time.Duration
	// StallEvery and StallFor: every StallEvery, a global lock is held for StallFor, so
	// requests arriving meanwhile wait for it to be released. Both zero means off.
	// Test knob for anomaly capture.
	StallEvery, StallFor time.Duration
	// PoolWorkers is the size of the worker pool behind /pool. Zero means GOMAXPROCS.
	PoolWorkers int
	// BackgroundSpinners goroutines spin on the CPU for the server's life. They give a P up
	// only when the runtime preempts them (every 10 ms), so runnable request goroutines
	// wait longer to run: a known rise in scheduler latency. Test knob.
	BackgroundSpinners int
}

// Validate reports the first inconsistent field.
func (c Config) Validate() error {
	switch {
	case c.InjectCPU < 0:
		return errors.New("InjectCPU is negative")
	case c.StallEvery < 0 || c.StallFor < 0:
		return errors.New("StallEvery or StallFor is negative")
	case (c.StallEvery == 0) != (c.StallFor == 0):
		return errors.New("StallEvery and StallFor must be set together")
	case c.StallEvery > 0 && c.StallFor >= c.StallEvery:
		return errors.New("StallFor must be shorter than StallEvery")
	case c.PoolWorkers < 0:
		return errors.New("PoolWorkers is negative")
	case c.BackgroundSpinners < 0:
		return errors.New("BackgroundSpinners is negative")
	}
	return nil
}

// Server serves the demo endpoints. Create it with New, serve Handler, and call Close
// after the HTTP server has stopped.
type Server struct {
	cfg     Config
	handler http.Handler
	pool    *pool
	hot     hotLock
	inject  *injector
	// injectUntraced extends InjectCPU to requests served with tracing off; see SetInjectUntraced.
	injectUntraced atomic.Bool

	stopSpin chan struct{}
	spinners sync.WaitGroup

	stallGate sync.RWMutex // write-locked during a stall; every request passes through it
	stalls    chan struct{}
	stopStall chan struct{}
	stallDone chan struct{}
}

// New returns a Server and starts its background goroutines (the /pool workers and,
// if configured, the stall schedule), after calibrating a short InjectCPU. It panics
// if cfg is invalid; check with Validate.
func New(cfg Config) *Server {
	if err := cfg.Validate(); err != nil {
		panic("demo.New: " + err.Error())
	}
	if cfg.PoolWorkers == 0 {
		cfg.PoolWorkers = runtime.GOMAXPROCS(0)
	}
	s := &Server{cfg: cfg, pool: newPool(cfg.PoolWorkers), inject: newInjector(cfg.InjectCPU)}
	var h http.Handler = http.HandlerFunc(s.route)
	if cfg.InjectCPU > 0 || cfg.StallEvery > 0 {
		// Only wrapped when a knob is on, so /health stays as cheap as it can be otherwise.
		h = s.knobs(h)
	}
	s.handler = h
	if cfg.StallEvery > 0 {
		s.stalls = make(chan struct{}, 1)
		s.stopStall = make(chan struct{})
		s.stallDone = make(chan struct{})
		go s.stallLoop()
	}
	s.stopSpin = make(chan struct{})
	for range cfg.BackgroundSpinners {
		s.spinners.Add(1)
		go s.spin()
	}
	return s
}

// spin keeps a P busy until Close; it checks for the stop every ~100k iterations (tens of
// microseconds), a check that never yields the P.
func (s *Server) spin() {
	defer s.spinners.Done()
	x := 0
	for {
		select {
		case <-s.stopSpin:
			spinSink.Add(int64(x))
			return
		default:
		}
		for i := range 100_000 {
			x += i * i
		}
	}
}

// spinSink keeps the spinners' work from being optimised away.
var spinSink atomic.Int64

// InjectStats reports the CPU injection: what was asked, how it is done and how much
// has been injected. Safe to call while requests are served.
func (s *Server) InjectStats() InjectStats {
	st := s.inject.stats()
	st.Untraced = s.injectUntraced.Load()
	return st
}

// SetInjectUntraced makes InjectCPU apply with tracing off too (on), or only while tracing
// (off, the default). It measures what the injection alone does to the process's CPU, apart
// from the tracer: a server at a fixed rate need not spend exactly InjectCPU more per request.
func (s *Server) SetInjectUntraced(on bool) { s.injectUntraced.Store(on) }

// Handler returns the handler for all endpoints.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the background goroutines. Requests must no longer be in flight.
func (s *Server) Close() {
	close(s.stopSpin)
	s.spinners.Wait()
	if s.stopStall != nil {
		close(s.stopStall)
		<-s.stallDone
	}
	s.pool.close()
}

// Stalls returns a channel that receives a value (dropped if nobody is listening) each
// time a stall begins; nil when stalls are off. For tests.
func (s *Server) Stalls() <-chan struct{} { return s.stalls }

func (s *Server) knobs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.stalls != nil {
			s.stallGate.RLock()
			s.stallGate.RUnlock()
		}
		if s.cfg.InjectCPU > 0 && (trace.IsEnabled() || s.injectUntraced.Load()) {
			s.inject.inject()
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) stallLoop() {
	defer close(s.stallDone)
	tick := time.NewTicker(s.cfg.StallEvery)
	defer tick.Stop()
	for {
		select {
		case <-s.stopStall:
			return
		case <-tick.C:
		}
		s.stallGate.Lock()
		select {
		case s.stalls <- struct{}{}:
		default:
		}
		t := time.NewTimer(s.cfg.StallFor)
		select {
		case <-t.C:
		case <-s.stopStall:
			t.Stop()
			s.stallGate.Unlock()
			return
		}
		s.stallGate.Unlock()
	}
}

// route dispatches with a switch rather than a ServeMux: cheaper for /health, and every
// miss gets a JSON 404.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/health" {
		health(w, r)
		return
	}
	var h func(http.ResponseWriter, *http.Request)
	allow := "GET, HEAD"
	switch r.URL.Path {
	case "/cpu":
		h = s.cpu
	case "/alloc":
		h = s.alloc
	case "/churn":
		h = s.churn
	case "/pool":
		h = s.poolWork
	case "/mutex":
		h = s.mutex
	case "/block":
		h = s.block
	case "/annotate":
		h = s.annotate
	case "/api":
		h, allow = s.api, "GET, HEAD, POST"
	default:
		writeError(w, http.StatusNotFound, "no such endpoint "+r.URL.Path, "")
		return
	}
	methodOK := r.Method == http.MethodGet || r.Method == http.MethodHead ||
		(r.Method == http.MethodPost && allow == "GET, HEAD, POST")
	if !methodOK {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use "+allow, "")
		return
	}
	h(w, r)
}
