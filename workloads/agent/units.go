package agent

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// byteUnits maps a lower-cased suffix to its multiplier. Binary (KiB) and decimal (KB)
// units are both accepted because people write both; single letters (K, M) are not,
// because nobody agrees which of the two they mean.
var byteUnits = map[string]float64{
	"":    1,
	"b":   1,
	"kib": 1 << 10,
	"mib": 1 << 20,
	"gib": 1 << 30,
	"tib": 1 << 40,
	"kb":  1e3,
	"mb":  1e6,
	"gb":  1e9,
	"tb":  1e12,
}

// ParseBytes parses a size such as "16MiB", "500KB", "1.5GiB" or "1048576" (bytes).
// Units are case-insensitive: B, KiB, MiB, GiB, TiB (powers of 1024) and KB, MB, GB, TB
// (powers of 1000). The result is rounded down to a whole number of bytes and must be
// at least 1; zero, negative and fractional-byte results are errors.
func ParseBytes(s string) (uint64, error) {
	i := 0
	for i < len(s) && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')) {
		i++
	}
	num, unit := s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	if num == "" {
		return 0, fmt.Errorf("want a size such as 16MiB, 500KB or 1048576")
	}
	mult, ok := byteUnits[unit]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q: want B, KiB, MiB, GiB, TiB, KB, MB, GB or TB", s[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("want a size such as 16MiB, 500KB or 1048576")
	}
	bytes := math.Floor(v * mult)
	if bytes < 1 {
		return 0, fmt.Errorf("must be at least 1 byte")
	}
	if bytes > MaxMaxBytes {
		return 0, fmt.Errorf("must be at most %s", FormatBytes(MaxMaxBytes))
	}
	return uint64(bytes), nil
}

// FormatBytes renders n in the largest binary unit that divides it exactly, else in bytes
// ("16MiB", "1536KiB", "1000"), so that ParseBytes(FormatBytes(n)) == n.
func FormatBytes(n uint64) string {
	units := []struct {
		name string
		size uint64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}
	for _, u := range units {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatUint(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatUint(n, 10)
}

// ParseMinAge parses a flight-recorder MinAge: a Go duration ("10s", "500ms", "2m")
// that must be positive.
func ParseMinAge(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want a Go duration such as 10s, 500ms or 2m")
	}
	if d <= 0 {
		return 0, fmt.Errorf("must be positive (omit it for the Go default of %s)", DefaultMinAge)
	}
	return d, nil
}
