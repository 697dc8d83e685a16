// Command demo-server is tracebench's bundled Go target: HTTP endpoints whose
// execution traces differ in shape, net/http/pprof and the flight-recorder agent on a
// separate debug listener, and test knobs for validating tracebench itself.
//
//	demo-server --addr 127.0.0.1:8080 --debug-addr 127.0.0.1:6060
//
// On start it prints one line per listener to stdout ("listening on HOST:PORT", then
// "debug listening on HOST:PORT"); either address may use port 0. Bad flags print one
// line to stderr and exit 2; SIGINT or SIGTERM shuts down gracefully and exits 0.
// See docs/workloads.md for the endpoints and every flag.
package main

import (
	"context"
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
	"github.com/tracebench/tracebench/workloads/demo"
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

// usageError is a bad command line: one line on stderr, exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func badValue(name, value, why string) error {
	return usageError{fmt.Sprintf("invalid value %q for flag --%s: %s", value, name, why)}
}

func parseFlags(args []string, stdout io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("demo-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line by run
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`host:port` of the main (load) listener; port 0 picks a free port")
	fs.StringVar(&o.debugAddr, "debug-addr", "127.0.0.1:6060", "`host:port` of the debug listener (pprof and the agent); empty disables it. Keep it on loopback")
	injectUs := fs.Int("inject-cpu-us", 0, "TEST KNOB: add `N` µs of CPU work to every request while tracing is on (trace.IsEnabled), a known tracing overhead")
	fs.DurationVar(&o.demo.StallEvery, "stall-every", 0, "TEST KNOB: every `DURATION`, hold a global lock for --stall-for so arriving requests wait (0 = off)")
	fs.DurationVar(&o.demo.StallFor, "stall-for", 0, "TEST KNOB: how long each stall lasts (`DURATION`)")
	fs.BoolVar(&o.noAgent, "no-agent", false, "serve pprof but not the flight-recorder agent on the debug listener")
	fs.BoolVar(&o.noPprof, "no-pprof", false, "serve neither pprof nor the agent on the debug listener")
	fs.StringVar(&o.agentToken, "agent-token", "", "require `TOKEN` as \"Authorization: Bearer TOKEN\" on agent requests")
	fs.StringVar(&o.snapshotDir, "snapshot-dir", "", "anomaly capture: start the flight recorder at boot and write snapshots of slow requests (and SLO breaches) to `DIR`")
	fs.DurationVar(&o.slowThreshold, "slow-threshold", 100*time.Millisecond, "with --snapshot-dir: a request slower than `DURATION` triggers a snapshot")
	fs.DurationVar(&o.sloP99, "slo-p99", 0, "with --snapshot-dir: a rolling 10s p99 above `DURATION` triggers a snapshot (0 = no watchdog)")
	fs.DurationVar(&o.snapshotMinInterval, "snapshot-min-interval", 10*time.Second, "with --snapshot-dir: least time between two snapshot files of one trigger (`DURATION`)")
	fs.IntVar(&o.snapshotKeep, "snapshot-keep", 5, "with --snapshot-dir: keep at most `N` snapshot files")
	minAge := fs.String("fr-min-age", "", "with --snapshot-dir: flight-recorder MinAge (`DURATION`, default Go's 10s)")
	maxBytes := fs.String("fr-max-bytes", "", "with --snapshot-dir: flight-recorder MaxBytes (`SIZE` such as 16MiB, default Go's 10MiB)")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "Usage: demo-server [flags]\n\nFlags:\n")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return o, err
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
	if *injectUs < 0 || *injectUs > 10_000_000 {
		return o, badValue("inject-cpu-us", strconv.Itoa(*injectUs), "want microseconds in [0, 10000000]")
	}
	o.demo.InjectCPU = time.Duration(*injectUs) * time.Microsecond
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
		return 2
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
			return 1
		}
		files := agent.FilePolicy{Dir: o.snapshotDir, MinInterval: o.snapshotMinInterval, MaxFiles: o.snapshotKeep}
		if o.sloP99 > 0 {
			watchdog, err = fr.NewWatchdog(agent.WatchdogConfig{SLO: o.sloP99, Files: files})
			if err != nil {
				fmt.Fprintf(stderr, "demo-server: --snapshot-dir: %v\n", err)
				return 1
			}
			handler = watchdog.Wrap(handler)
			go watchdog.Run(watchCtx)
		}
		slow, err = fr.NewSlowRequestSnapshotter(agent.SlowRequestConfig{Threshold: o.slowThreshold, Files: files})
		if err != nil {
			fmt.Fprintf(stderr, "demo-server: --snapshot-dir: %v\n", err)
			return 1
		}
		handler = slow.Wrap(handler)
	}

	mainLn, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "demo-server: --addr %s: %v\n", o.addr, err)
		return 1
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
			return 1
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
		code = 1
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
