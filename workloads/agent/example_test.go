package agent_test

import (
	"context"
	"log"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tracebench/tracebench/workloads/agent"
)

// Adding the agent to an existing service (the example in docs/agent.md): a debug mux
// on loopback with pprof and the agent, the recorder started at boot, and requests
// slower than 500ms dumped to files.
func Example() {
	// 1. Debug listener on loopback: pprof plus the agent. The token is optional.
	debug := http.NewServeMux()
	debug.HandleFunc("/debug/pprof/", pprof.Index)
	debug.HandleFunc("/debug/pprof/profile", pprof.Profile)
	debug.HandleFunc("/debug/pprof/trace", pprof.Trace)
	fr := agent.Register(debug, agent.Options{Token: os.Getenv("TRACE_AGENT_TOKEN")})
	defer fr.Close() // stops the recorder
	go func() { log.Println(http.ListenAndServe("127.0.0.1:6060", debug)) }()

	// 2. Optional: keep the recorder on and dump it when a request takes over 500ms.
	//    Without this block tracebench (or an operator) starts and stops it over HTTP.
	if err := fr.Start(agent.Config{MinAge: 2 * time.Second, MaxBytes: 16 << 20}); err != nil {
		log.Fatal(err)
	}
	slow, err := fr.NewSlowRequestSnapshotter(agent.SlowRequestConfig{
		Threshold: 500 * time.Millisecond,
		Files:     agent.FilePolicy{Dir: "/var/tmp/traces", MinInterval: time.Minute, MaxFiles: 10},
	})
	if err != nil {
		log.Fatal(err)
	}

	// 3. The service itself, unchanged except for the wrapper.
	app := http.NewServeMux()
	app.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hi\n")) })
	srv := &http.Server{Addr: ":8080", Handler: slow.Wrap(app)}
	go func() { log.Println(srv.ListenAndServe()) }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	srv.Shutdown(context.Background())
	slow.Wait() // let a snapshot being written finish
}
