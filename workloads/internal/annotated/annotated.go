// Package annotated does CPU work inside two user regions of known duration, so a
// trace of BenchmarkAnnotated has regions that CI can assert on (tracebench assert):
//
//	go test -run='^$' -bench=. -benchtime=200x -trace=trace.out ./internal/annotated
//
// Each call of Run makes one user task TaskType containing, in order, a region
// EncodeRegion lasting EncodeDuration and a region HashRegion lasting HashDuration.
// The work is a busy loop that checks the clock every few microseconds, so on a
// machine with a free core a region lasts its duration plus under ~10 µs; preemption
// can only make it longer, never shorter.
package annotated

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"runtime/trace"
	"time"
)

// Names and durations a trace assertion can rely on.
const (
	TaskType       = "annotated"
	EncodeRegion   = "encode"
	HashRegion     = "hash"
	EncodeDuration = 200 * time.Microsecond
	HashDuration   = 100 * time.Microsecond
)

// Run does one unit of work: a task with an encode region then a hash region. It
// returns a value that depends on the work.
func Run(ctx context.Context) uint64 {
	ctx, task := trace.NewTask(ctx, TaskType)
	defer task.End()
	var enc, sum uint64
	trace.WithRegion(ctx, EncodeRegion, func() { enc = encodeFor(EncodeDuration) })
	trace.WithRegion(ctx, HashRegion, func() { sum = hashFor(HashDuration) })
	return enc ^ sum
}

// encodeFor hex-encodes a 1 KiB buffer over and over until d has passed.
func encodeFor(d time.Duration) uint64 {
	var src [1024]byte
	var dst [2048]byte
	deadline := time.Now().Add(d)
	var acc uint64
	for i := 0; ; i++ {
		binary.LittleEndian.PutUint64(src[:], uint64(i))
		hex.Encode(dst[:], src[:])
		acc += uint64(dst[i%len(dst)])
		if !time.Now().Before(deadline) {
			return acc
		}
	}
}

// hashFor SHA-256-hashes a 1 KiB buffer over and over until d has passed.
func hashFor(d time.Duration) uint64 {
	var buf [1024]byte
	deadline := time.Now().Add(d)
	for {
		sum := sha256.Sum256(buf[:])
		copy(buf[:], sum[:])
		if !time.Now().Before(deadline) {
			return binary.LittleEndian.Uint64(sum[:])
		}
	}
}
