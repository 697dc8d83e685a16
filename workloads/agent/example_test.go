package agent_test

import (
	"context"
	"log"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"time"

	"github.com/tracebench/tracebench/workloads/agent"
)

// Adding the agent to an existing service: a debug mux on loopback with pprof and the
// agent, the recorder started at boot, and slow requests dumped to files.
func Example() {
	debug := http.NewServeMux()
	debug.HandleFunc("/debug/pprof/", pprof.Index)
	debug.HandleFunc("/debug/pprof/trace", pprof.Trace)
	fr := agent.Register(debug, agent.Options{Token: os.Getenv("TRACE_AGENT_TOKEN")})
	defer fr.Close()
	go func() { log.Println(http.ListenAndServe("127.0.0.1:6060", debug)) }()

	// Optional: keep the recorder on and dump it when a request takes over 500ms.
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

	app := http.NewServeMux()
	app.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hi\n")) })
	srv := &http.Server{Addr: ":8080", Handler: slow.Wrap(app)}
	go srv.ListenAndServe()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	<-ctx.Done()
	srv.Shutdown(context.Background())
}
