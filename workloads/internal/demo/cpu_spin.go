package demo

import (
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// spinCPU burns d of this thread's CPU time, not of wall-clock time: when the OS
// deschedules the thread mid-spin, the spin goes on after it runs again, so every call
// costs the process d of CPU whatever else the machine is doing. --inject-cpu-us uses it
// because it promises a known CPU cost; a wall-clock spin on a busy machine costs less.
func spinCPU(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	// The thread's CPU clock only means something while the goroutine stays on one thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, ok := threadCPU()
	if !ok {
		return spin(d)
	}
	x := uint64(88172645463325252)
	for {
		x = xorshift(x, 256)
		now, _ := threadCPU()
		if now-start >= d {
			return x
		}
	}
}

// threadCPU reads CLOCK_THREAD_CPUTIME_ID. A raw system call: it is short, and the
// scheduler need not hand the P to another thread around it.
func threadCPU() (time.Duration, bool) {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	_, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
