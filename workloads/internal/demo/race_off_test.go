//go:build !race

package demo

// raceDetector: see race_on_test.go.
const raceDetector = false
