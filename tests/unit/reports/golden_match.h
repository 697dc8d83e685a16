#pragma once
// Golden files with wildcards, as google/benchmark's output tests match lines: a golden line
// is literal text in which {{N}} matches a number (optional sign, digits, optional fraction)
// and {{*}} matches anything on the rest of that stretch of the line. Lines must match one to
// one, so a report that gains or loses a line fails.

#include <string>

namespace tracebench::reports::testing {

// "" when `actual` matches the golden text, else a message naming the first line that differs
// (its number, the golden pattern and the actual line).
std::string match_golden(const std::string& golden, const std::string& actual);

// `actual` with every free-standing number replaced by {{N}}: how a golden file is made
// (TRACEBENCH_UPDATE_GOLDEN=1), to be read over before it is committed.
std::string make_golden(const std::string& actual);

}  // namespace tracebench::reports::testing
