#include "trace/event_plan.h"

#include <algorithm>

#include "trace/format.h"

namespace tracebench::trace {

EventPlan::EventPlan(const std::array<bool, 256>& wanted_events, const std::array<std::uint8_t, 256>& wanted_args,
                     bool goroutines, bool user_events, bool lifecycle)
    : track_goroutines(goroutines) {
  std::array<bool, 256> special{};  // types that leave the scanner's hot loop
  std::array<EventAction, 256> inline_kind{};
  for (unsigned t = 0; t < 256; ++t) {
    hand_over[t] = wanted_events[t];
    special[t] = wanted_events[t];
    args_needed[t] = wanted_events[t] ? std::min<std::uint8_t>(wanted_args[t], 5) : 0;
  }
  if (goroutines) {
    // The goroutine tracking reads these (and cuts slices at the leaving events).
    for (std::uint8_t t : {kEvGoStart, kEvGoCreateSyscall, kEvGoSwitch, kEvGoSwitchDestroy}) {
      special[t] = true;
      args_needed[t] = std::max<std::uint8_t>(args_needed[t], 2);
    }
    for (std::uint8_t t : {kEvGoStatus, kEvGoStatusStack}) {
      special[t] = true;
      args_needed[t] = std::max<std::uint8_t>(args_needed[t], 4);
    }
    for (std::uint8_t t : {kEvGoStop, kEvGoBlock, kEvGoDestroy, kEvGoDestroySyscall, kEvGoSyscallEndBlocked})
      special[t] = true;
    // The two commonest goroutine events are handled in the loop itself unless the
    // sink asked for them.
    if (!hand_over[kEvGoStart]) inline_kind[kEvGoStart] = EventAction::kInlineStart;
    if (lifecycle) {
      for (std::uint8_t t : {kEvGoCreate, kEvGoCreateBlocked}) {
        special[t] = true;
        hand_over[t] = false;
        inline_kind[t] = EventAction::kInlineCreate;
      }
      for (std::uint8_t t : {kEvGoDestroy, kEvGoDestroySyscall}) {
        hand_over[t] = false;
        inline_kind[t] = EventAction::kInlineDestroy;
      }
    }
    if (user_events) {
      for (std::uint8_t t : {kEvUserRegionBegin, kEvUserRegionEnd, kEvUserTaskBegin, kEvUserTaskEnd, kEvUserLog}) {
        special[t] = true;
        hand_over[t] = false;
      }
      inline_kind[kEvUserRegionBegin] = EventAction::kInlineRegionBegin;
      inline_kind[kEvUserRegionEnd] = EventAction::kInlineRegionEnd;
      inline_kind[kEvUserTaskBegin] = EventAction::kInlineTaskBegin;
      inline_kind[kEvUserTaskEnd] = EventAction::kInlineTaskEnd;
      inline_kind[kEvUserLog] = EventAction::kInlineLog;
    }
    for (std::uint8_t t : {kEvGoStop, kEvGoBlock})
      if (!hand_over[t]) inline_kind[t] = EventAction::kInlineLeave;
  }
  for (unsigned t = 0; t < 256; ++t)
    action[t] = !special[t]                              ? EventAction::kPlain
                : inline_kind[t] != EventAction::kPlain ? inline_kind[t]
                                                         : EventAction::kSpecial;
}

}  // namespace tracebench::trace
