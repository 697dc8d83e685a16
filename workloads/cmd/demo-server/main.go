// Command demo-server is tracebench's bundled Go target: HTTP endpoints whose
// execution traces differ in shape, net/http/pprof and the flight-recorder agent on a
// separate debug listener, and test knobs for validating tracebench itself.
//
//	demo-server --addr 127.0.0.1:8080 --debug-addr 127.0.0.1:6060
//
// On start it prints one line per listener to stdout ("listening on HOST:PORT", then
// "debug listening on HOST:PORT"); either address may use port 0. Bad flags print one
// line to stderr and exit 1; a listener that cannot be opened (or another failure to
// run) exits 2; SIGINT or SIGTERM shuts down gracefully and exits 0.
// See docs/workloads.md for the endpoints and every flag.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tracebench/tracebench/workloads/agent"
	"github.com/tracebench/tracebench/workloads/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed flags.
type options struct {
	addr, debugAddr     string
	demo                demo.Config
	noAgent, noPprof    bool
	agentToken          string
	snapshotDir         string
	slowThreshold       time.Duration
	sloP99              time.Duration
	snapshotMinInterval time.Duration
	snapshotKeep        int
	recorder            agent.Config
}

// maxInjectCPU bounds --inject-cpu: a request must still finish in seconds.
const maxInjectCPU = 10 * time.Second

// maxBackgroundSpinners bounds --background-spin: more spinners than this only make the
// machine unusable, not the effect clearer.
const maxBackgroundSpinners = 64

// Exit codes, as for every tracebench command.
const (
	exitUsage  = 1 // bad flags
	exitFailed = 2 // cannot listen, cannot start the recorder or write snapshots, serving failed
)

// usageError is a bad command line: one line on stderr, exit code exitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func badValue(name, value, why string) error {
	return usageError{fmt.Sprintf("invalid value %q for flag --%s: %s", value, name, why)}
}

// typedFlags defines int, duration and bool flags whose bad values are reported as
// what was expected ("want an integer"): the flag package's own say only "parse error".
// The first bad value is kept in err with its flag name, in the badValue format.
type typedFlags struct {
	fs  *flag.FlagSet
	err error
}

func (t *typedFlags) fail(name, value, why string) error {
	if t.err == nil {
		t.err = badValue(name, value, why)
	}
	return t.err
}

func (t *typedFlags) Int(p *int, name string, value int, usage string) {
	*p = value
	t.fs.Var(&intFlag{p, name, t}, name, usage)
}

func (t *typedFlags) Duration(p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	t.fs.Var(&durationFlag{p: p, name: name, t: t}, name, usage)
}

func (t *typedFlags) Bool(p *bool, name string, value bool, usage string) {
	*p = value
	t.fs.Var(&boolFlag{p, name, t}, name, usage)
}

// The flag types' String methods are also called on zero values (nil p) by
// flag.PrintDefaults.
type intFlag struct {
	p    *int
	name string
	t    *typedFlags
}

func (f *intFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrRange) {
		return f.t.fail(f.name, s, "integer out of range")
	}
	if err != nil {
		return f.t.fail(f.name, s, "want an integer")
	}
	*f.p = n
	return nil
}

func (f *intFlag) String() string {
	if f.p == nil {
		return "0"
	}
	return strconv.Itoa(*f.p)
}

type durationFlag struct {
	p    *time.Duration
	name string
	t    *typedFlags
	raw  string // as given, so that a range error quotes what was typed ("1.5us", not "1.5µs")
}

func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return f.t.fail(f.name, s, "want a Go duration such as 10s or 200ms")
	}
	*f.p, f.raw = d, s
	return nil
}

func (f *durationFlag) String() string {
	switch {
	case f.p == nil:
		return time.Duration(0).String()
	case f.raw != "":
		return f.raw
	}
	return f.p.String()
}

type boolFlag struct {
	p    *bool
	name string
	t    *typedFlags
}

func (f *boolFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return f.t.fail(f.name, s, "want true or false")
	}
	*f.p = b
	return nil
}

func (f *boolFlag) String() string   { return strconv.FormatBool(f.p != nil && *f.p) }
func (f *boolFlag) IsBoolFlag() bool { return true } // --no-agent needs no value

func parseFlags(args []string, stdout io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("demo-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line by run
	typed := &typedFlags{fs: fs}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`host:port` of the main (load) listener; port 0 picks a free port")
	fs.StringVar(&o.debugAddr, "debug-addr", "127.0.0.1:6060", "`host:port` of the debug listener (pprof and the agent); empty disables it. Keep it on loopback")
	typed.Duration(&o.demo.InjectCPU, "inject-cpu", 0, "TEST KNOB: add `DURATION` of CPU work (0 to 10s, e.g. 1.3us or 300us) to every request while tracing is on (trace.IsEnabled), a known tracing overhead. "+
		"From 50us: a spin on the thread's CPU clock, never less, ~1-3us more. Below: a work loop calibrated at start-up, DURATION at the calibrated CPU speed (1.3us measured 0.99-1.07x on average on a busy 2-core VM). "+
		"GET /debug/inject on the debug listener reports it")
	typed.Duration(&o.demo.StallEvery, "stall-every", 0, "TEST KNOB: every `DURATION`, hold a global lock for --stall-for so arriving requests wait (0 = off)")
	typed.Duration(&o.demo.StallFor, "stall-for", 0, "TEST KNOB: how long each stall lasts (`DURATION`)")
	typed.Int(&o.demo.BackgroundSpinners, "background-spin", 0, "TEST KNOB: `N` goroutines spin on the CPU for the server's life, so request goroutines wait longer to be scheduled (a known rise in scheduler latency)")
	typed.Bool(&o.noAgent, "no-agent", false, "serve pprof but not the flight-recorder agent on the debug listener")
	typed.Bool(&o.noPprof, "no-pprof", false, "serve neither pprof nor the agent on the debug listener")
	fs.StringVar(&o.agentToken, "agent-token", "", "require `TOKEN` as \"Authorization: Bearer TOKEN\" on agent requests")
	fs.StringVar(&o.snapshotDir, "snapshot-dir", "", "anomaly capture: start the flight recorder at boot and write snapshots of slow requests (and SLO breaches) to `DIR`")
	typed.Duration(&o.slowThreshold, "slow-threshold", 100*time.Millisecond, "with --snapshot-dir: a request slower than `DURATION` triggers a snapshot")
	typed.Duration(&o.sloP99, "slo-p99", 0, "with --snapshot-dir: a rolling 10s p99 above `DURATION` triggers a snapshot (0 = no watchdog)")
	typed.Duration(&o.snapshotMinInterval, "snapshot-min-interval", 10*time.Second, "with --snapshot-dir: least time between two snapshot files in DIR, whichever trigger writes them (`DURATION`)")
	typed.Int(&o.snapshotKeep, "snapshot-keep", 5, "with --snapshot-dir: keep at most `N` snapshot files")
	minAge := fs.String("fr-min-age", "", "with --snapshot-dir: flight-recorder MinAge (`DURATION`, default Go's 10s)")
	maxBytes := fs.String("fr-max-bytes", "", "with --snapshot-dir: flight-recorder MaxBytes (`SIZE` such as 16MiB, default Go's 10MiB)")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "Usage: demo-server [flags]\n\nFlags:\n")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return o, err
		}
		if typed.err != nil {
			return o, typed.err
		}
		// The flag package writes "-name"; the documented spelling is "--name".
		msg := err.Error()
		for _, from := range []string{"for flag -", "for -", "defined: -", "argument: -"} {
			msg = strings.Replace(msg, from, from+"-", 1)
		}
		return o, usageError{msg}
	}
	if fs.NArg() > 0 {
		return o, usageError{fmt.Sprintf("unexpected argument %q: demo-server takes only flags", fs.Arg(0))}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	val := func(name string) string { return fs.Lookup(name).Value.String() }

	if err := checkAddr("addr", o.addr, false); err != nil {
		return o, err
	}
	if err := checkAddr("debug-addr", o.debugAddr, true); err != nil {
		return o, err
	}
	if d := o.demo.InjectCPU; d < 0 || d > maxInjectCPU {
		return o, badValue("inject-cpu", val("inject-cpu"), "want a duration in [0, 10s]")
	}
	if v := val("inject-cpu"); o.demo.InjectCPU == 0 && strings.ContainsAny(v, "123456789") {
		return o, badValue("inject-cpu", v, "below the 1ns resolution (0 turns the injection off)")
	}
	switch s := o.demo; {
	case s.StallEvery < 0:
		return o, badValue("stall-every", val("stall-every"), "must not be negative")
	case s.StallFor < 0:
		return o, badValue("stall-for", val("stall-for"), "must not be negative")
	case s.StallEvery > 0 && s.StallFor == 0:
		return o, badValue("stall-every", val("stall-every"), "needs --stall-for too")
	case s.StallFor > 0 && s.StallEvery == 0:
		return o, badValue("stall-for", val("stall-for"), "needs --stall-every too")
	case s.StallFor > 0 && s.StallFor >= s.StallEvery:
		return o, badValue("stall-for", val("stall-for"), "must be shorter than --stall-every "+val("stall-every"))
	}
	if o.demo.BackgroundSpinners < 0 || o.demo.BackgroundSpinners > maxBackgroundSpinners {
		return o, badValue("background-spin", val("background-spin"), fmt.Sprintf("want 0 to %d goroutines", maxBackgroundSpinners))
	}
	if o.agentToken != "" && (o.noAgent || o.noPprof || o.debugAddr == "") {
		return o, badValue("agent-token", "(hidden)", "the agent is not served (--no-agent, --no-pprof or empty --debug-addr)")
	}
	for _, name := range []string{"slow-threshold", "slo-p99", "snapshot-min-interval", "snapshot-keep", "fr-min-age", "fr-max-bytes"} {
		if set[name] && o.snapshotDir == "" {
			return o, badValue(name, val(name), "only applies with --snapshot-dir")
		}
	}
	if o.slowThreshold <= 0 {
		return o, badValue("slow-threshold", val("slow-threshold"), "must be positive")
	}
	if o.sloP99 < 0 {
		return o, badValue("slo-p99", val("slo-p99"), "must not be negative")
	}
	if o.snapshotMinInterval <= 0 {
		return o, badValue("snapshot-min-interval", val("snapshot-min-interval"), "must be positive")
	}
	if o.snapshotKeep < 1 {
		return o, badValue("snapshot-keep", val("snapshot-keep"), "must be at least 1")
	}
	if *minAge != "" {
		d, err := agent.ParseMinAge(*minAge)
		if err != nil {
			return o, badValue("fr-min-age", *minAge, err.Error())
		}
		o.recorder.MinAge = d
	}
	if *maxBytes != "" {
		n, err := agent.ParseBytes(*maxBytes)
		if err != nil {
			return o, badValue("fr-max-bytes", *maxBytes, err.Error())
		}
		o.recorder.MaxBytes = n
	}
	return o, nil
}

func checkAddr(name, addr string, emptyOK bool) error {
	if addr == "" && emptyOK {
		return nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return badValue(name, addr, "want host:port, e.g. 127.0.0.1:8080")
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return badValue(name, addr, "port must be a number in [0, 65535]")
	}
	return nil
}

func isLoopback(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// run is main without the process: it returns the exit code, and ctx ending means
// SIGINT or SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "demo-server: %v\n", err)
		return exitUsage
	}

	app := demo.New(o.demo)
	fr := agent.New(agent.Options{Token: o.agentToken})
	var handler http.Handler = app.Handler()
	var slow *agent.SlowRequestSnapshotter
	var watchdog *agent.Watchdog
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	if o.snapshotDir != "" {
		if err := fr.Start(o.recorder); err != nil {
			fmt.Fprintf(stderr, "demo-server: --snapshot-dir: %v\n", err)
			return exitFailed
		}
		files := agent.FilePolicy{Dir: o.snapshotDir, MinInterval: o.snapshotMinInterval, MaxFiles: o.snapshotKeep}
		if o.sloP99 > 0 {
			watchdog, err = fr.NewWatchdog(agent.WatchdogConfig{SLO: o.sloP99, Files: files})
			if err != nil {
				fmt.Fprintf(stderr, "demo-server: --snapshot-dir: %v\n", err)
				return exitFailed
			}
			handler = watchdog.Wrap(handler)
			go watchdog.Run(watchCtx)
		}
		slow, err = fr.NewSlowRequestSnapshotter(agent.SlowRequestConfig{Threshold: o.slowThreshold, Files: files})
		if err != nil {
			fmt.Fprintf(stderr, "demo-server: --snapshot-dir: %v\n", err)
			return exitFailed
		}
		handler = slow.Wrap(handler)
	}

	mainLn, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "demo-server: --addr %s: %v\n", o.addr, err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "listening on %s\n", mainLn.Addr())
	mainSrv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 2)
	go func() { errc <- mainSrv.Serve(mainLn) }()

	// Long-lived debug requests (a /debug/pprof/trace?seconds=60 capture) end when
	// debugCtx is cancelled at shutdown instead of holding it up.
	debugCtx, cancelDebug := context.WithCancel(context.Background())
	defer cancelDebug()
	var debugSrv *http.Server
	if o.debugAddr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /debug/inject", func(w http.ResponseWriter, r *http.Request) {
			body, _ := json.Marshal(app.InjectStats())
			w.Header().Set("Content-Type", "application/json")
			w.Write(append(body, '\n'))
		})
		// ?untraced=on: inject with tracing off too, to measure the injection apart from the tracer.
		mux.HandleFunc("POST /debug/inject", func(w http.ResponseWriter, r *http.Request) {
			switch v := r.URL.Query().Get("untraced"); v {
			case "on", "off":
				app.SetInjectUntraced(v == "on")
				w.WriteHeader(http.StatusNoContent)
			default:
				http.Error(w, fmt.Sprintf("untraced=%q: expected on or off", v), http.StatusBadRequest)
			}
		})
		if !o.noPprof {
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
			mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
			if !o.noAgent {
				fr.Register(mux)
			}
		}
		debugLn, err := net.Listen("tcp", o.debugAddr)
		if err != nil {
			fmt.Fprintf(stderr, "demo-server: --debug-addr %s: %v\n", o.debugAddr, err)
			mainSrv.Close()
			return exitFailed
		}
		if !isLoopback(o.debugAddr) {
			fmt.Fprintf(stderr, "demo-server: warning: debug listener %s is not loopback; pprof and the agent expose stacks and trace data\n", o.debugAddr)
		}
		fmt.Fprintf(stdout, "debug listening on %s\n", debugLn.Addr())
		debugSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
			BaseContext: func(net.Listener) context.Context { return debugCtx }}
		go func() { errc <- debugSrv.Serve(debugLn) }()
	}

	code := 0
	select {
	case <-ctx.Done():
	case err := <-errc:
		fmt.Fprintf(stderr, "demo-server: serve: %v\n", err)
		code = exitFailed
	}

	stopWatch()
	cancelDebug()
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	clean := mainSrv.Shutdown(shutCtx) == nil
	if debugSrv != nil {
		if debugSrv.Shutdown(shutCtx) != nil {
			debugSrv.Close()
		}
	}
	if slow != nil {
		slow.Wait()
	}
	if watchdog != nil {
		watchdog.Wait()
	}
	fr.Close()
	if clean {
		app.Close() // only once no request can still be using the worker pool
	} else {
		mainSrv.Close()
	}
	return code
}
