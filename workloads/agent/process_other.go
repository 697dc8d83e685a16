//go:build !unix

package agent

// processCPUTime: this platform's CPU time is not read by the agent.
func processCPUTime() (userNs, systemNs int64) { return -1, -1 }
