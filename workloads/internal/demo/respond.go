package demo

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Pre-built header values: /health assigns them without allocating. net/http only
// reads header values, so sharing the slices between responses is safe.
var (
	healthBody          = []byte("ok\n")
	healthContentType   = []string{"text/plain; charset=utf-8"}
	healthContentLength = []string{strconv.Itoa(len(healthBody))}
	jsonContentType     = []string{"application/json"}
)

// health is the cheapest possible response: the baseline for load-generator
// comparisons. It reads no parameters and allocates nothing of its own.
func health(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h["Content-Type"] = healthContentType
	h["Content-Length"] = healthContentLength
	w.Write(healthBody)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	w.Write(body)
}

// errorBody is every error response: {"error": "...", "param": "..."}; param names the
// offending query parameter on 400s.
type errorBody struct {
	Error string `json:"error"`
	Param string `json:"param,omitempty"`
}

func writeError(w http.ResponseWriter, status int, msg, param string) {
	body, _ := json.Marshal(errorBody{Error: msg, Param: param})
	writeBody(w, status, append(body, '\n'))
}

// paramError is a bad query parameter; it becomes a 400.
type paramError struct{ msg, param string }

func (e *paramError) write(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, e.msg, e.param)
}

// intSpec describes one integer query parameter.
type intSpec struct {
	name          string
	def, min, max int
}

// parseInts reads the named integer parameters of r, in order, into a slice. Unknown
// and repeated parameters are errors, so a typo never silently means "the default".
func parseInts(r *http.Request, specs ...intSpec) ([]int, *paramError) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &paramError{"bad query string: " + err.Error(), ""}
	}
	if bad := checkNames(q, specs); bad != nil {
		return nil, bad
	}
	out := make([]int, len(specs))
	for i, sp := range specs {
		out[i] = sp.def
		vals, ok := q[sp.name]
		if !ok {
			continue
		}
		v, err := strconv.Atoi(vals[0])
		if err != nil || v < sp.min || v > sp.max {
			return nil, &paramError{"bad parameter " + sp.name + "=" + strconv.Quote(vals[0]) +
				": want an integer in [" + strconv.Itoa(sp.min) + ", " + strconv.Itoa(sp.max) + "]", sp.name}
		}
		out[i] = v
	}
	return out, nil
}

func checkNames(q url.Values, specs []intSpec) *paramError {
	for name, vals := range q {
		known := false
		for _, sp := range specs {
			known = known || sp.name == name
		}
		if !known {
			want := ""
			for i, sp := range specs {
				if i > 0 {
					want += ", "
				}
				want += sp.name
			}
			if want == "" {
				want = "none"
			}
			return &paramError{"unknown parameter " + strconv.Quote(name) + "; want " + want, name}
		}
		if len(vals) != 1 {
			return &paramError{"parameter " + name + " given more than once", name}
		}
	}
	return nil
}
