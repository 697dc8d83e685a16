package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestShapes runs every shape briefly. Run with `go test -trace=out.trace` it is also
// tracebench's source of a `go test -trace` trace holding all shapes at once.
func TestShapes(t *testing.T) {
	for _, name := range shapeNames() {
		t.Run(name, func(t *testing.T) {
			stop := stopCondition{deadline: time.Now().Add(20 * time.Millisecond)}
			sh := shapes[name]
			if sh.custom != nil {
				if err := sh.custom(io.Discard, stop); err != nil {
					t.Fatal(err)
				}
				return
			}
			sh.run(stop)
		})
	}
}

func TestRunWritesATrace(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{args: []string{"-shape", "idle", "-duration", "20ms"}},
		{args: []string{"-shape", "churn", "-size", "64KB", "-max-duration", "5s"}},
		{args: []string{"-shape", "nope"}, wantErr: `unknown shape "nope"`},
		{args: []string{"-shape", "idle", "-size", "lots"}, wantErr: `bad size "lots"`},
	}
	for _, tt := range tests {
		out := filepath.Join(t.TempDir(), "t.trace")
		var stderr bytes.Buffer
		err := run(append(tt.args, "-o", out), io.Discard, &stderr)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run(%v) = %v, want error containing %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("run(%v): %v", tt.args, err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("go 1.")) {
			t.Errorf("run(%v) wrote no trace header: %q", tt.args, data[:min(len(data), 16)])
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"4096", 4096},
		{"64KB", 64000},
		{"10MiB", 10 << 20},
		{"1.5GB", 1500000000},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "x", "-1", "0"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q): want an error", bad)
		}
	}
}
