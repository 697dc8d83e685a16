package demo

import (
	"sync"
	"time"
)

// spin burns CPU for about d of wall-clock time and returns a value that depends on
// the work, so the compiler cannot drop it. It checks the clock every ~0.3 µs of work,
// so the overshoot is well under a microsecond unless the goroutine is descheduled.
func spin(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	deadline := time.Now().Add(d)
	x := uint64(88172645463325252)
	for {
		x = xorshift(x, 256)
		if !time.Now().Before(deadline) {
			return x
		}
	}
}

// xorshift runs n rounds of a xorshift64 generator: a fixed amount of pure CPU work
// (about 1 ns a round) that touches no memory.
func xorshift(x uint64, n int) uint64 {
	if x == 0 {
		x = 1
	}
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// pool is a fixed set of worker goroutines fed by a channel: /pool's units run here,
// so the trace shows channel hand-offs between long-lived goroutines instead of
// goroutine creation.
type pool struct {
	jobs chan poolJob
	wg   sync.WaitGroup
}

type poolJob struct {
	d    time.Duration
	out  *uint64
	mu   *sync.Mutex
	done *sync.WaitGroup
}

func newPool(workers int) *pool {
	p := &pool{jobs: make(chan poolJob, 4*workers)}
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for j := range p.jobs {
				x := spin(j.d)
				j.mu.Lock()
				*j.out ^= x
				j.mu.Unlock()
				j.done.Done()
			}
		}()
	}
	return p
}

func (p *pool) close() {
	close(p.jobs)
	p.wg.Wait()
}

// hotLock is the process-wide lock behind /mutex: all requests contend on it, as they
// would on a hot lock in a real service, so contention grows with load.
type hotLock struct {
	mu    sync.Mutex
	state uint64
}
