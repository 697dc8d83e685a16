#pragma once
// Per event type, what the decoder does after framing and counting an event, derived
// once from what the sink asked for (trace_sink.h) and what goroutine tracking reads.
// A plain value; thread-compatible.

#include <array>
#include <cstdint>

namespace tracebench::trace {

// Nothing (the common case), one of the kinds the interpreter handles in its loop,
// or kSpecial (its general path). The user annotation events have one action each,
// so that the one dispatch per event also selects the sink's handling of that type.
enum class EventAction : std::uint8_t {
  kPlain,
  kInlineStart,
  kInlineLeave,
  kInlineRegionBegin,
  kInlineRegionEnd,
  kInlineTaskBegin,
  kInlineTaskEnd,
  kInlineLog,
  kInlineCreate,
  kInlineDestroy,
  kSpecial
};

struct EventPlan {
  // wanted_events, wanted_args and the three wishes as the sink states them.
  EventPlan(const std::array<bool, 256>& wanted_events, const std::array<std::uint8_t, 256>& wanted_args,
            bool goroutines, bool user_events, bool lifecycle);

  std::array<EventAction, 256> action{};
  std::array<bool, 256> hand_over{};             // types given to the sink's event()
  std::array<std::uint8_t, 256> args_needed{};   // arg prefix (dt included) to decode, at most 5
  bool track_goroutines = false;

  // Whether the scanner notes events of type t for the interpreter.
  bool noted(std::uint8_t t) const { return action[t] != EventAction::kPlain; }
};

}  // namespace tracebench::trace
