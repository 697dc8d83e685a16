#pragma once
// Durations as text. Pure, thread-safe. The styles differ on purpose, each where it is read:
// Go syntax for the agent and Go code, a compact form for terminal tables, three digits and
// a space for reports, seconds for timeouts as they were given.

#include <cstdint>
#include <string>

namespace tracebench::units {

// The exact Go time.ParseDuration syntax the agent takes, in the largest unit that is exact:
// 10000000000 → "10s", 1500000000 → "1500ms", 250000 → "250us", 2500 → "2500ns".
std::string go_duration_text(std::int64_t ns);

// No space, three significant digits, for terminal output and messages: "800ns", "12.3µs",
// "250ms", "1.5s", "-2ms".
std::string compact_duration_text(std::int64_t ns);

// Reports: "412 ns", "678 µs", "16.6 ms", "1.2 s"; a value that rounds to 1000 of a unit
// is written in the next ("1 ms", never "1000 µs"). Non-finite: "-".
std::string duration_ns_text(double ns);
// Reports: "725 ms" below one second, else "4 s", "12.5 s", "150 s". Non-finite: "-".
std::string seconds_text(double s);

// Sizing's windows and fill times: "250 ms", "10 s", and minutes from two minutes on
// ("2 min", "60 min"), as windows are thought of.
std::string seconds_minutes_text(double s);

// A timeout in seconds, as the flag gave it: "0.3 s", "2 s", "10 s".
std::string timeout_text(std::int64_t ns);

}  // namespace tracebench::units
