//go:build unix

package agent

import "syscall"

// processCPUTime is the user and system CPU time of all the process's threads, from
// getrusage(RUSAGE_SELF), in nanoseconds (the kernel keeps it to the microsecond).
func processCPUTime() (userNs, systemNs int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1, -1
	}
	return ru.Utime.Nano(), ru.Stime.Nano()
}
