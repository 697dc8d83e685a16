package agent

// Fuzz tests of what the agent parses inside the user's service: the start query and
// body, the sizes and durations in it, and whole requests through the handler (routing,
// the bearer token, methods). Run one with
//
//	go test -run '^$' -fuzz '^FuzzParseBytes$' -fuzztime 30s ./agent
//
// or all of them, bounded, with scripts/fuzz.sh. A failing input is written under
// testdata/fuzz/<FuzzName>/ and replayed by every plain `go test` from then on: commit it
// with the fix.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// FuzzParseBytes: an accepted size is within 1..MaxMaxBytes and FormatBytes writes it so
// that ParseBytes reads it back exactly.
func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"16MiB", "500KB", "1048576", "1.5GiB", "4GiB", "1.1KiB", "0.5", "1e3", "12 mib", "..1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseBytes(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("ParseBytes(%q): an error without a message", s)
			}
			return
		}
		if n < 1 || n > MaxMaxBytes {
			t.Fatalf("ParseBytes(%q) = %d, outside 1..%d", s, n, uint64(MaxMaxBytes))
		}
		if back, err := ParseBytes(FormatBytes(n)); err != nil || back != n {
			t.Fatalf("ParseBytes(%q) = %d, written %q, reads back as %d, %v", s, n, FormatBytes(n), back, err)
		}
	})
}

// FuzzParseMinAge: an accepted MinAge is positive and is what time.ParseDuration says.
func FuzzParseMinAge(f *testing.F) {
	for _, s := range []string{"10s", "500ms", "2m", "1h30m", "0s", "-1s", "1.5us", "10", "9223372036854775807ns"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseMinAge(s)
		if err != nil {
			return
		}
		want, perr := time.ParseDuration(s)
		if d <= 0 || perr != nil || d != want {
			t.Fatalf("ParseMinAge(%q) = %v, but time.ParseDuration says %v, %v", s, d, want, perr)
		}
	})
}

// FuzzStartRequest sends a start request as the wire carries it (read by net/http, so the
// query and the body arrive as a real server delivers them): with any query, and any body
// framed by Content-Length or chunked. An accepted request has no body and a valid
// configuration that reads back the same from its own query; a refused one names what is
// wrong, and a refused body says "body".
func FuzzStartRequest(f *testing.F) {
	f.Add("min_age=10s&max_bytes=16MiB", []byte(nil), false)
	f.Add("max_bytes=1.5GiB", []byte(nil), true)
	f.Add("min_age=3s", []byte("max_bytes=16MiB"), false)
	f.Add("min_age=3s&min_age=4s", []byte(nil), false)
	f.Add("mx_bytes=1", []byte("x"), true)
	f.Add("max_bytes=%zz", []byte(nil), false)
	f.Fuzz(func(t *testing.T, query string, body []byte, chunked bool) {
		var raw bytes.Buffer
		raw.WriteString("POST " + Prefix + "start?" + query + " HTTP/1.1\r\nHost: x\r\n")
		if chunked {
			raw.WriteString("Transfer-Encoding: chunked\r\n\r\n")
			if len(body) > 0 {
				raw.WriteString(strconv.FormatInt(int64(len(body)), 16) + "\r\n")
				raw.Write(body)
				raw.WriteString("\r\n")
			}
			raw.WriteString("0\r\n\r\n")
		} else {
			raw.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
			raw.Write(body)
		}
		r, err := http.ReadRequest(bufio.NewReader(&raw))
		if err != nil {
			return // net/http refuses it before the agent sees it
		}
		cfg, bad := parseStartQuery(r)
		if bad != nil {
			if bad.Error == "" {
				t.Fatalf("query %q body %q: refused without a message", query, body)
			}
			if len(body) > 0 && bad.Param != "body" {
				t.Fatalf("query %q body %q: a body refused as %q, want \"body\"", query, body, bad.Param)
			}
			if _, err := json.Marshal(bad); err != nil {
				t.Fatalf("query %q: the error does not marshal: %v", query, err)
			}
			return
		}
		if len(body) > 0 {
			t.Fatalf("query %q: a body of %d bytes was accepted", query, len(body))
		}
		q, _ := url.ParseQuery(r.URL.RawQuery)
		if (cfg.MinAge > 0) != q.Has("min_age") || (cfg.MaxBytes > 0) != q.Has("max_bytes") || cfg.MaxBytes > MaxMaxBytes {
			t.Fatalf("query %q: accepted as %+v", query, cfg)
		}
		again := url.Values{}
		if cfg.MinAge > 0 {
			again.Set("min_age", cfg.MinAge.String())
		}
		if cfg.MaxBytes > 0 {
			again.Set("max_bytes", FormatBytes(cfg.MaxBytes))
		}
		r2 := httptest.NewRequest(http.MethodPost, Prefix+"start?"+again.Encode(), nil)
		if cfg2, bad := parseStartQuery(r2); bad != nil || cfg2 != cfg {
			t.Fatalf("query %q gives %+v, but its own query %q gives %+v, %v", query, cfg, again.Encode(), cfg2, bad)
		}
	})
}

// FuzzHandler sends any request that net/http reads to the agent's handler, with a token
// set: the answer is one of the documented statuses, and every error is JSON with a message.
// A request that starts the recorder is followed by a stop, so each input begins alike.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		"GET " + Prefix + "status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\n\r\n",
		"POST " + Prefix + "start?min_age=1s&max_bytes=1MiB HTTP/1.1\r\nHost: x\r\nAuthorization: bearer  t0ken\r\n\r\n",
		"POST " + Prefix + "stop HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\nContent-Length: 1\r\n\r\nx",
		"GET " + Prefix + "snapshot HTTP/1.1\r\nHost: x\r\nAuthorization: Basic dDBrZW4=\r\n\r\n",
		"DELETE " + Prefix + "nothing HTTP/1.0\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	a := New(Options{Token: "t0ken"})
	f.Cleanup(a.Close)
	h := a.Handler()
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		_ = a.Stop()
		switch w.Code {
		case http.StatusOK:
			return // status JSON, or a snapshot
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusMethodNotAllowed,
			http.StatusConflict, http.StatusServiceUnavailable, http.StatusInternalServerError:
		default:
			t.Fatalf("%q: status %d", raw, w.Code)
		}
		var e errorBody
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
			t.Fatalf("%q: status %d with body %q, want JSON with an error", raw, w.Code, w.Body.Bytes())
		}
	})
}
