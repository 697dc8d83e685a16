package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"net/http"
	"runtime"
	"runtime/trace"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Parameter limits keep one request bounded (about 10 s of work at most), so a typo
// cannot wedge the server.
const (
	maxUs        = 1_000_000
	maxTotalUs   = 10_000_000
	maxCount     = 100_000
	maxBodyBytes = 64 << 10
)

// appendResult writes {"endpoint":NAME,"k1":v1,...,"elapsed_us":E}\n. Values are
// integers, so no escaping is needed.
func appendResult(name string, start time.Time, kv ...any) []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"endpoint":"`...)
	b = append(b, name...)
	b = append(b, '"')
	for i := 0; i+1 < len(kv); i += 2 {
		b = append(b, `,"`...)
		b = append(b, kv[i].(string)...)
		b = append(b, `":`...)
		switch v := kv[i+1].(type) {
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case uint64:
			b = strconv.AppendUint(b, v, 10)
		}
	}
	b = append(b, `,"elapsed_us":`...)
	b = strconv.AppendInt(b, time.Since(start).Microseconds(), 10)
	return append(b, "}\n"...)
}

// cpu: /cpu?us=N spins on the CPU for N µs. Trace: one goroutine running, no
// blocking; only scheduler and CPU-sample events.
func (s *Server) cpu(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p, bad := parseInts(r, intSpec{"us", 100, 0, maxUs})
	if bad != nil {
		bad.write(w)
		return
	}
	x := spin(time.Duration(p[0]) * time.Microsecond)
	writeBody(w, http.StatusOK, appendResult("cpu", start, "us", p[0], "checksum", x))
}

// alloc: /alloc?kb=N&objects=M allocates N KiB as M heap objects and touches them.
// Trace: heap-size and GC events (GCBegin/End, sweeps, mark assists) grow with kb.
func (s *Server) alloc(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p, bad := parseInts(r, intSpec{"kb", 256, 1, 64 << 10}, intSpec{"objects", 64, 1, maxCount})
	if bad != nil {
		bad.write(w)
		return
	}
	kb, objects := p[0], p[1]
	if objects > kb<<10 {
		(&paramError{"bad parameter objects=" + strconv.Itoa(objects) + ": more objects than bytes (kb=" +
			strconv.Itoa(kb) + ")", "objects"}).write(w)
		return
	}
	size := kb << 10 / objects
	objs := make([][]byte, objects)
	var sum uint64
	for i := range objs {
		b := make([]byte, size) // variable size: always a heap allocation
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i + j)
		}
		b[len(b)-1] = byte(i)
		objs[i] = b
	}
	for _, b := range objs {
		sum += uint64(b[0]) + uint64(b[len(b)-1])
	}
	runtime.KeepAlive(objs)
	writeBody(w, http.StatusOK, appendResult("alloc", start, "kb", kb, "objects", objects, "checksum", sum))
}

// churn: /churn?n=N&us=U starts a goroutine per unit of work (N units of U µs each) and
// waits for all. Trace: N GoCreate/GoStart/GoDestroy per request, plus the wait.
func (s *Server) churn(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p, bad := parseUnits(r)
	if bad != nil {
		bad.write(w)
		return
	}
	n, d := p[0], time.Duration(p[1])*time.Microsecond
	var wg sync.WaitGroup
	var mu sync.Mutex
	var sum uint64
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := spin(d)
			mu.Lock()
			sum ^= x
			mu.Unlock()
		}()
	}
	wg.Wait()
	writeBody(w, http.StatusOK, appendResult("churn", start, "n", n, "us", p[1], "checksum", sum))
}

// poolWork: /pool?n=N&us=U runs the same N units on the server's fixed worker pool
// (GOMAXPROCS goroutines). Trace: no goroutine creation; channel sends, worker
// unblocks and the handler's wait instead.
func (s *Server) poolWork(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p, bad := parseUnits(r)
	if bad != nil {
		bad.write(w)
		return
	}
	n, d := p[0], time.Duration(p[1])*time.Microsecond
	var wg sync.WaitGroup
	var mu sync.Mutex
	var sum uint64
	wg.Add(n)
	for range n {
		s.pool.jobs <- poolJob{d: d, out: &sum, mu: &mu, done: &wg}
	}
	wg.Wait()
	writeBody(w, http.StatusOK, appendResult("pool", start, "n", n, "us", p[1], "checksum", sum))
}

func parseUnits(r *http.Request) ([]int, *paramError) {
	p, bad := parseInts(r, intSpec{"n", 16, 1, 10_000}, intSpec{"us", 5, 0, maxUs})
	if bad == nil && p[0]*p[1] > maxTotalUs {
		bad = &paramError{"bad parameter us=" + strconv.Itoa(p[1]) + ": n*us must be at most " +
			strconv.Itoa(maxTotalUs), "us"}
	}
	return p, bad
}

// mutex: /mutex?workers=W&iters=I starts W goroutines that each take the process-wide
// hot lock I times (a ~0.5 µs critical section, ~0.25 µs of work outside it). All
// requests share the lock, so contention grows with load. Trace: sync blocking and
// unblocking (GoBlock/GoUnblock with sync reasons), plus W goroutine creations.
func (s *Server) mutex(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p, bad := parseInts(r, intSpec{"workers", 4, 1, 256}, intSpec{"iters", 50, 1, maxCount})
	if bad != nil {
		bad.write(w)
		return
	}
	workers, iters := p[0], p[1]
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := uint64(i + 1)
			for range iters {
				local = xorshift(local, 256)
				s.hot.mu.Lock()
				s.hot.state = xorshift(s.hot.state^local, 512)
				s.hot.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	s.hot.mu.Lock()
	state := s.hot.state
	s.hot.mu.Unlock()
	writeBody(w, http.StatusOK, appendResult("mutex", start, "workers", workers, "iters", iters, "checksum", state))
}

// block: /block?waits=N&us=U waits N times for U µs, alternating a timer sleep (even
// waits) and a channel receive woken by a timer callback (odd waits). Trace: the
// handler goroutine blocked (sleep, then chan receive) with little CPU. On an idle
// process a timer shorter than ~1 ms fires after ~1 ms (the netpoller sleeps in whole
// milliseconds), so latency at the defaults is ~2 ms idle and less under load.
func (s *Server) block(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p, bad := parseInts(r, intSpec{"waits", 2, 0, 1000}, intSpec{"us", 100, 0, maxUs})
	if bad == nil && p[0]*p[1] > maxTotalUs {
		bad = &paramError{"bad parameter us=" + strconv.Itoa(p[1]) + ": waits*us must be at most " +
			strconv.Itoa(maxTotalUs), "us"}
	}
	if bad != nil {
		bad.write(w)
		return
	}
	d := time.Duration(p[1]) * time.Microsecond
	ch := make(chan struct{}, 1)
	for i := range p[0] {
		if i%2 == 0 {
			time.Sleep(d)
		} else {
			time.AfterFunc(d, func() { ch <- struct{}{} })
			<-ch
		}
	}
	writeBody(w, http.StatusOK, appendResult("block", start, "waits", p[0], "us", p[1]))
}

// annotate: /annotate?regions=R&tasks=T&logs=L creates T user tasks and, spread over
// them round-robin, R user regions (~1 µs of work each) and L user logs. Trace:
// UserTaskBegin/End, UserRegionBegin/End and UserLog events; without tracing these
// calls are nearly free, so this endpoint isolates the cost of annotations.
func (s *Server) annotate(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	p, bad := parseInts(r, intSpec{"regions", 32, 0, maxCount}, intSpec{"tasks", 4, 0, maxCount},
		intSpec{"logs", 32, 0, maxCount})
	if bad != nil {
		bad.write(w)
		return
	}
	regions, tasks, logs := p[0], p[1], p[2]
	ctxs := []context.Context{r.Context()}
	var ends []*trace.Task
	if tasks > 0 {
		ctxs = ctxs[:0]
		for range tasks {
			ctx, task := trace.NewTask(r.Context(), "demo.annotate")
			ctxs, ends = append(ctxs, ctx), append(ends, task)
		}
	}
	var x uint64 = 1
	for i := range regions {
		trace.WithRegion(ctxs[i%len(ctxs)], "demo.region", func() { x = xorshift(x, 1000) })
	}
	for i := range logs {
		trace.Log(ctxs[i%len(ctxs)], "demo.log", "step")
	}
	for _, t := range ends {
		t.End()
	}
	writeBody(w, http.StatusOK, appendResult("annotate", start, "regions", regions, "tasks", tasks, "logs", logs, "checksum", x))
}

// apiRequest is /api's input: query parameters on GET, a JSON body on POST.
type apiRequest struct {
	User      int    `json:"user"`
	Query     string `json:"query"`
	Items     int    `json:"items"`
	Fanout    int    `json:"fanout"`
	BackendUs int    `json:"backend_us"`
}

var apiSpecs = []intSpec{
	{"user", 1, 0, 1_000_000_000},
	{"items", 20, 1, 1000},
	{"fanout", 4, 1, 64},
	{"backend_us", 50, 0, maxUs},
}

type apiItem struct {
	ID    int64    `json:"id"`
	Name  string   `json:"name"`
	Score float64  `json:"score"`
	Shard int      `json:"shard"`
	Tags  []string `json:"tags"`
}

type apiResponse struct {
	User      int       `json:"user"`
	Query     string    `json:"query"`
	Count     int       `json:"count"`
	Items     []apiItem `json:"items"`
	ElapsedUs int64     `json:"elapsed_us"`
}

var tagNames = []string{"new", "sale", "popular", "limited", "eco", "bundle", "gift", "rare"}

// api: a realistic JSON endpoint. It decodes the request, fans out to `fanout` shard
// goroutines that each wait `backend_us` (a backend call) and build `items` candidate
// records, merges the top `items` by score and encodes them as JSON (~100 bytes per
// item). It runs in a user task "demo.api" with regions per phase, as a traced service
// would. Trace: a mix of everything: goroutine creation, timers, allocation, GC,
// encoding CPU and annotations.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx, task := trace.NewTask(r.Context(), "demo.api")
	defer task.End()

	var req apiRequest
	var bad *paramError
	trace.WithRegion(ctx, "api.decode", func() { req, bad = decodeAPIRequest(w, r) })
	if bad != nil {
		bad.write(w)
		return
	}

	shards := make([][]apiItem, req.Fanout)
	trace.WithRegion(ctx, "api.fanout", func() {
		var wg sync.WaitGroup
		for i := range shards {
			wg.Add(1)
			go func() {
				defer wg.Done()
				trace.WithRegion(ctx, "api.shard", func() { shards[i] = queryShard(i, req) })
			}()
		}
		wg.Wait()
	})

	var merged []apiItem
	trace.WithRegion(ctx, "api.merge", func() {
		merged = slices.Concat(shards...)
		slices.SortFunc(merged, func(a, b apiItem) int {
			if a.Score != b.Score {
				if a.Score > b.Score {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.ID, b.ID)
		})
		merged = merged[:req.Items]
	})

	var body []byte
	trace.WithRegion(ctx, "api.encode", func() {
		resp := apiResponse{User: req.User, Query: req.Query, Count: len(merged), Items: merged,
			ElapsedUs: time.Since(start).Microseconds()}
		body, _ = json.Marshal(resp)
		body = append(body, '\n')
	})
	writeBody(w, http.StatusOK, body)
}

func decodeAPIRequest(w http.ResponseWriter, r *http.Request) (apiRequest, *paramError) {
	req := apiRequest{Query: "demo"}
	if r.Method != http.MethodPost {
		p, bad := parseInts(r, apiSpecs...)
		if bad != nil {
			return req, bad
		}
		req.User, req.Items, req.Fanout, req.BackendUs = p[0], p[1], p[2], p[3]
		return req, nil
	}
	if _, bad := parseInts(r); bad != nil { // POST takes its input from the body only
		return req, bad
	}
	req.User, req.Items, req.Fanout, req.BackendUs = apiSpecs[0].def, apiSpecs[1].def, apiSpecs[2].def, apiSpecs[3].def
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		return req, &paramError{"bad JSON body: " + err.Error(), "body"}
	}
	for i, v := range []int{req.User, req.Items, req.Fanout, req.BackendUs} {
		if sp := apiSpecs[i]; v < sp.min || v > sp.max {
			return req, &paramError{"bad field " + sp.name + "=" + strconv.Itoa(v) + ": want an integer in [" +
				strconv.Itoa(sp.min) + ", " + strconv.Itoa(sp.max) + "]", sp.name}
		}
	}
	if len(req.Query) > 256 {
		return req, &paramError{"bad field query: longer than 256 bytes", "query"}
	}
	return req, nil
}

// queryShard stands in for a backend call: it waits BackendUs, then builds Items
// candidate records with scores derived from a hash of (query, user, shard, i).
func queryShard(shard int, req apiRequest) []apiItem {
	if req.BackendUs > 0 {
		time.Sleep(time.Duration(req.BackendUs) * time.Microsecond)
	}
	out := make([]apiItem, req.Items)
	h := fnv.New64a()
	var buf [32]byte
	for i := range out {
		h.Reset()
		h.Write([]byte(req.Query))
		h.Write(strconv.AppendInt(buf[:0], int64(req.User<<16|shard<<10|i), 10))
		sum := h.Sum64()
		id := int64(sum >> 20)
		out[i] = apiItem{
			ID:    id,
			Name:  "item-" + strconv.FormatInt(id%100000, 10),
			Score: float64(sum%10000) / 10000,
			Shard: shard,
			Tags:  []string{tagNames[(sum>>40)%8], tagNames[(sum>>52)%8]},
		}
	}
	return out
}
