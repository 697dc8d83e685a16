#pragma once
// Parsing of the human-unit values every command accepts: durations (500ms, 30s, 1m),
// byte sizes (10MiB, 64KB, 4096) and counts/rates (20000, 20k, 1.5M). Their output forms are
// in units/.
//
// Each parser accepts the whole string or throws BadValue whose message names the
// value seen and what was expected; callers prefix the flag name. Thread-safe, pure.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tracebench::cli {

class BadValue : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Units ns, us (or µs), ms, s, m, h; several parts may be joined ("1m30s"), like Go's
// time.ParseDuration. A bare number is rejected: the unit is never guessed.
// Result in nanoseconds; negative values are rejected.
std::int64_t parse_duration_ns(std::string_view text);

// Suffixes B, k/K/KB (1000), KiB (1024), MB, MiB, GB, GiB, TB, TiB; a bare number is bytes.
// Fractions are allowed ("1.5MiB") and rounded to the nearest byte.
std::uint64_t parse_size_bytes(std::string_view text);

// A non-negative count or rate: plain number or with k (1e3), M (1e6), G (1e9) suffix.
double parse_count(std::string_view text);

}  // namespace tracebench::cli
