package agent

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// byteUnits maps a lower-cased suffix to its multiplier. Binary (KiB) and decimal (KB)
// units are both accepted because people write both; single letters (K, M) are not,
// because nobody agrees which of the two they mean.
var byteUnits = map[string]uint64{
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

// maxSizeDigits bounds the length of the number in a size: enough for any exact size up to
// MaxMaxBytes with room for leading and trailing zeros.
const maxSizeDigits = 64

// ParseBytes parses a size such as "16MiB", "500KB", "1.5GiB" or "1048576" (bytes).
// Units are case-insensitive: B, KiB, MiB, GiB, TiB (powers of 1024) and KB, MB, GB, TB
// (powers of 1000). The number may have a fraction, but the size it gives must be a
// whole number of bytes from 1 to MaxMaxBytes: "1.5GiB" is fine, while "1.5" (1.5
// bytes) and "1.1KiB" (1126.4 bytes) are errors naming the value, not rounded. The
// arithmetic is exact (decimal, not floating point).
func ParseBytes(s string) (uint64, error) {
	i := 0
	for i < len(s) && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')) {
		i++
	}
	num, unit := s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	if num == "" {
		return 0, fmt.Errorf("want a size such as 16MiB, 500KB or 1048576")
	}
	// big.Rat reads a number in time quadratic in its length: a query of a megabyte of
	// digits would cost the service seconds of CPU. No size up to MaxMaxBytes needs more
	// than 10 whole and 40 fractional digits (1 byte = 2^-40 TiB).
	if len(num) > maxSizeDigits {
		return 0, fmt.Errorf("a number of %d characters: want at most %d, in a size such as 16MiB", len(num), maxSizeDigits)
	}
	mult, ok := byteUnits[unit]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q: want B, KiB, MiB, GiB, TiB, KB, MB, GB or TB", s[i:])
	}
	v, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, fmt.Errorf("want a size such as 16MiB, 500KB or 1048576")
	}
	v.Mul(v, new(big.Rat).SetUint64(mult))
	switch {
	case v.Cmp(big.NewRat(1, 1)) < 0:
		return 0, fmt.Errorf("must be at least 1 byte")
	case v.Cmp(new(big.Rat).SetUint64(MaxMaxBytes)) > 0:
		return 0, fmt.Errorf("must be at most %s", FormatBytes(MaxMaxBytes))
	case !v.IsInt():
		// num has fracDigits digits after the point and mult is whole, so the size is
		// exact with that many decimals.
		fracDigits := 0
		if _, frac, ok := strings.Cut(num, "."); ok {
			fracDigits = len(frac)
		}
		exact := strings.TrimRight(v.FloatString(fracDigits), "0")
		return 0, fmt.Errorf("%s is %s bytes, not a whole number", s, exact)
	}
	return v.Num().Uint64(), nil
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
