//go:build race

package demo

// raceDetector is true in a -race build, whose instrumentation adds a fixed cost to every
// call: figures of CPU cost measured under it are not the code's own.
const raceDetector = true
