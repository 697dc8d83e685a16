package agent

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"net/http"
	"sync"
	"time"
)

// WatchdogConfig configures a Watchdog.
type WatchdogConfig struct {
	// SLO is the latency the chosen quantile must not exceed. Required.
	SLO time.Duration
	// Quantile is the quantile compared with SLO, in (0, 1). Zero means 0.99.
	Quantile float64
	// Window is the rolling window the quantile is computed over. Zero means 10s.
	Window time.Duration
	// CheckEvery is how often Run evaluates the window. Zero means 1s.
	CheckEvery time.Duration
	// MinSamples: with fewer observations in the window there is no verdict, so one slow
	// request on an idle service is not a breach. Zero means 100.
	MinSamples int
	// Files says where snapshots go, how often at most, and how many are kept.
	Files FilePolicy
}

// Watchdog writes a flight-recorder snapshot when a rolling latency quantile (p99 by
// default) exceeds an SLO: the production pattern for "the service as a whole got
// slow", as opposed to one slow request. Feed it with Wrap or Observe and run Run.
//
// Latencies go into a log-linear histogram (16 sub-buckets per power of two, so a
// reported quantile is at most ~6% above the true one) per tenth of the window; memory
// is constant. Observe takes a mutex: a few tens of ns per request, uncontended.
type Watchdog struct {
	cfg  WatchdogConfig
	sink *fileSink
	now  func() time.Time // replaced in tests

	mu       sync.Mutex
	t0       time.Time
	slots    [watchdogSlots]histSlot
	breaches int64
	lastQ    time.Duration
	lastN    int64
}

const (
	watchdogSlots = 10
	histSubBits   = 4
	histSub       = 1 << histSubBits
	histBuckets   = histSub + (64-histSubBits-1)*histSub
)

type histSlot struct {
	epoch  int64 // which slot-width interval since t0 this slot holds
	n      int64
	counts [histBuckets]uint32
}

// NewWatchdog returns a watchdog that writes through a. It creates cfg.Files.Dir if needed.
func (a *Agent) NewWatchdog(cfg WatchdogConfig) (*Watchdog, error) {
	if cfg.SLO <= 0 {
		return nil, errors.New("WatchdogConfig.SLO must be positive")
	}
	if cfg.Quantile == 0 {
		cfg.Quantile = 0.99
	}
	if !(cfg.Quantile > 0 && cfg.Quantile < 1) {
		return nil, fmt.Errorf("WatchdogConfig.Quantile %v not in (0, 1)", cfg.Quantile)
	}
	if cfg.Window == 0 {
		cfg.Window = 10 * time.Second
	}
	if cfg.CheckEvery == 0 {
		cfg.CheckEvery = time.Second
	}
	if cfg.MinSamples == 0 {
		cfg.MinSamples = 100
	}
	if cfg.Window < watchdogSlots || cfg.CheckEvery < 0 || cfg.MinSamples < 0 {
		return nil, fmt.Errorf("WatchdogConfig: bad Window %v, CheckEvery %v or MinSamples %d",
			cfg.Window, cfg.CheckEvery, cfg.MinSamples)
	}
	sink, err := newFileSink(a, cfg.Files)
	if err != nil {
		return nil, err
	}
	w := &Watchdog{cfg: cfg, sink: sink, now: time.Now}
	w.t0 = w.now()
	for i := range w.slots {
		w.slots[i].epoch = -1
	}
	return w, nil
}

// Wrap returns next with each request's duration passed to Observe.
func (w *Watchdog) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(rw, r)
		w.Observe(time.Since(start))
	})
}

// Observe records one latency.
func (w *Watchdog) Observe(d time.Duration) {
	b := histBucket(d)
	w.mu.Lock()
	s := w.slotFor(w.epoch(w.now()))
	s.counts[b]++
	s.n++
	w.mu.Unlock()
}

func (w *Watchdog) epoch(t time.Time) int64 {
	return int64(t.Sub(w.t0) / (w.cfg.Window / watchdogSlots))
}

// slotFor returns the slot for epoch e, recycling it if it holds an older interval.
func (w *Watchdog) slotFor(e int64) *histSlot {
	s := &w.slots[e%watchdogSlots]
	if s.epoch != e {
		*s = histSlot{epoch: e}
	}
	return s
}

// Check computes the quantile over the window now and, if at least MinSamples were
// observed and the quantile exceeds the SLO, triggers a snapshot (subject to the rate
// limit). It returns the quantile, the number of observations, and whether a snapshot
// write was started. Run calls it every CheckEvery.
func (w *Watchdog) Check() (q time.Duration, n int64, started bool) {
	w.mu.Lock()
	var merged [histBuckets]uint64
	cur := w.epoch(w.now())
	for i := range w.slots {
		s := &w.slots[i]
		if s.epoch < 0 || s.epoch <= cur-watchdogSlots || s.epoch > cur {
			continue
		}
		n += s.n
		for b, c := range s.counts {
			merged[b] += uint64(c)
		}
	}
	if n > 0 {
		q = histQuantile(&merged, n, w.cfg.Quantile)
	}
	breach := n >= int64(w.cfg.MinSamples) && n > 0 && q > w.cfg.SLO
	if breach {
		w.breaches++
	}
	w.lastQ, w.lastN = q, n
	w.mu.Unlock()
	if breach {
		started = w.sink.trigger()
	}
	return q, n, started
}

// Run calls Check every CheckEvery until ctx is done.
func (w *Watchdog) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.CheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.Check()
		}
	}
}

// Wait blocks until the snapshot files being written have been written.
func (w *Watchdog) Wait() { w.sink.wait() }

// WatchdogStats is what a Watchdog has seen and done.
type WatchdogStats struct {
	SnapshotStats
	Breaches     int64         // checks that found the quantile above the SLO
	LastQuantile time.Duration // quantile at the last check
	LastSamples  int64         // observations in the window at the last check
}

// Stats returns what w has seen and done so far.
func (w *Watchdog) Stats() WatchdogStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return WatchdogStats{SnapshotStats: w.sink.stats(), Breaches: w.breaches, LastQuantile: w.lastQ, LastSamples: w.lastN}
}

// histBucket maps d to a log-linear bucket: values below histSub ns have their own
// bucket; above, each power of two is split into histSub equal sub-buckets.
func histBucket(d time.Duration) int {
	v := uint64(max(d, 0))
	if v < histSub {
		return int(v)
	}
	shift := bits.Len64(v) - histSubBits - 1
	return histSub + shift*histSub + int(v>>shift) - histSub
}

// histUpper is the largest value in bucket b: quantiles are reported conservatively.
func histUpper(b int) time.Duration {
	if b < histSub {
		return time.Duration(b)
	}
	shift := (b - histSub) / histSub
	mant := uint64((b-histSub)%histSub + histSub)
	u := (mant+1)<<shift - 1
	if u > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(u)
}

func histQuantile(counts *[histBuckets]uint64, n int64, q float64) time.Duration {
	rank := uint64(math.Ceil(q * float64(n)))
	if rank < 1 {
		rank = 1
	}
	var cum uint64
	for b, c := range counts {
		cum += c
		if cum >= rank {
			return histUpper(b)
		}
	}
	return histUpper(histBuckets - 1)
}
