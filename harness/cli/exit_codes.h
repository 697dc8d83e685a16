#pragma once
// Exit codes shared by every command (DESIGN.md, "Exit codes").

namespace tracebench::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;         // bad usage or input
inline constexpr int kExitRunFailed = 2;     // target unreachable, I/O failure, partial result
inline constexpr int kExitInvalid = 3;       // measurement invalid (lag too high, rate not reached)
inline constexpr int kExitBudgetFailed = 4;  // a check or assertion failed

}  // namespace tracebench::cli
