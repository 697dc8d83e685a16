#include "trace/state_follower.h"

#include <algorithm>
#include <limits>

#include "trace/tick_converter.h"

namespace tracebench::trace {

namespace {
constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();
// How far ahead a goroutine's transitions are searched for the one its state allows.
constexpr std::size_t kLookAhead = 8;
}  // namespace

StateFollower::StateFollower(const StateOptions& options) : options_(options) {
  // Args read per type, dt included (trace_sink.h).
  const std::pair<std::uint8_t, std::uint8_t> wanted[] = {
      {kEvGoCreate, 4},        {kEvGoCreateBlocked, 4}, {kEvGoCreateSyscall, 2}, {kEvGoStart, 3},
      {kEvGoStop, 3},          {kEvGoBlock, 3},         {kEvGoUnblock, 4},       {kEvGoSwitch, 3},
      {kEvGoSwitchDestroy, 3}, {kEvGoSyscallBegin, 3},  {kEvGoSyscallEnd, 1},    {kEvGoSyscallEndBlocked, 1},
      {kEvGoDestroy, 1},       {kEvGoDestroySyscall, 1}, {kEvGoStatus, 4},       {kEvGoStatusStack, 5}};
  for (auto [type, args] : wanted) {
    wanted_[type] = true;
    wanted_args_[type] = args;
  }
  if (!options_.filter.region.empty()) {
    for (std::uint8_t t : {kEvUserRegionBegin, kEvUserRegionEnd}) {
      wanted_[t] = true;
      wanted_args_[t] = 3;  // dt task name
    }
  }
  if (!options_.filter.start_function.empty()) filter_name_ = names_.intern(options_.filter.start_function);
  functions_.resize(1);
}

void StateFollower::begin_generation(const GenerationInfo&, const GenerationTables& tables) {
  tables_ = &tables;
  stacks_.begin_generation(tables);
  reasons_.clear();
  pending_.clear();
}

void StateFollower::push(std::int64_t ts, std::uint64_t g, Op op, std::uint64_t stack, std::uint64_t aux) {
  if (g == kNoGoroutine) return;
  auto [index, inserted] = gindex_.try_emplace(g);
  if (inserted) {
    *index = static_cast<std::uint32_t>(gids_.size());
    gids_.push_back(g);
  }
  const auto id32 = [](std::uint64_t id) { return id <= 0xffffffffu ? static_cast<std::uint32_t>(id) : 0u; };
  pending_.push_back({ts, id32(stack), id32(aux), *index, static_cast<std::uint32_t>(pending_.size()), op});
}

void StateFollower::event(const DecodedEvent& e) {
  const auto& a = e.args;
  switch (e.type) {
    case kEvGoCreate:
      return push(e.ts_ns, a[0], Op::kCreate, a[2], a[1]);
    case kEvGoCreateBlocked:
      return push(e.ts_ns, a[0], Op::kCreateBlocked, a[2], a[1]);
    case kEvGoCreateSyscall:
      return push(e.ts_ns, a[0], Op::kCreateSyscall, 0, 0);
    case kEvGoStart:
      return push(e.ts_ns, a[0], Op::kStart, 0, 0);
    case kEvGoStop:
      return push(e.ts_ns, e.g, Op::kStop, a[1], a[0]);
    case kEvGoBlock:
      return push(e.ts_ns, e.g, Op::kBlock, a[1], a[0]);
    case kEvGoUnblock:
      return push(e.ts_ns, a[0], Op::kUnblock, a[2], 0);
    // A switch hands the thread to a waiting goroutine. Go's reader makes it three
    // events at one time: that goroutine runnable (no stack), the current one blocked
    // or gone, that one started; and since it moves each event that would not come
    // after the previous one forward by 1 ns, they are 1 ns apart. The same here, so
    // that the profiles agree with go tool trace's on traces of millions of switches.
    case kEvGoSwitch:
    case kEvGoSwitchDestroy:
      push(e.ts_ns, a[0], Op::kUnblock, 0, 0);
      push(wrapping_sum_ns(e.ts_ns, 1), e.g, e.type == kEvGoSwitch ? Op::kSwitchAway : Op::kDestroy, 0, 0);
      return push(wrapping_sum_ns(e.ts_ns, 2), a[0], Op::kStart, 0, 0);
    case kEvGoSyscallBegin:
      return push(e.ts_ns, e.g, Op::kSyscallBegin, a[1], 0);
    case kEvGoSyscallEnd:
      return push(e.ts_ns, e.g, Op::kSyscallEnd, 0, 0);
    case kEvGoSyscallEndBlocked:
      return push(e.ts_ns, e.g, Op::kSyscallEndBlocked, 0, 0);
    case kEvGoDestroy:
      return push(e.ts_ns, e.g, Op::kDestroy, 0, 0);
    case kEvGoDestroySyscall:
      return push(e.ts_ns, e.g, Op::kDestroySyscall, 0, 0);
    case kEvGoStatus:
      return push(e.ts_ns, a[0], Op::kStatus, 0, a[2]);
    case kEvGoStatusStack:
      return push(e.ts_ns, a[0], Op::kStatus, a[3], a[2]);
    case kEvUserRegionBegin:
      return push(e.ts_ns, e.g, Op::kRegionBegin, 0, a[1]);
    case kEvUserRegionEnd:
      return push(e.ts_ns, e.g, Op::kRegionEnd, 0, a[1]);
    default:
      return;
  }
}

// Whether a goroutine in state s can take op next (the state it leaves).
bool StateFollower::accepts(State s, Op op) {
  if (s == State::kUnknown) return true;
  switch (op) {
    case Op::kCreate:
    case Op::kCreateBlocked:
    case Op::kCreateSyscall:
      return s == State::kNotExist;
    case Op::kStart:
      return s == State::kRunnable;
    case Op::kStop:
    case Op::kBlock:
    case Op::kSwitchAway:
    case Op::kSyscallBegin:
    case Op::kDestroy:
      return s == State::kRunning;
    case Op::kUnblock:
      return s == State::kWaiting;
    case Op::kSyscallEnd:
    case Op::kSyscallEndBlocked:
    case Op::kDestroySyscall:
      return s == State::kSyscall;
    case Op::kStatus:
    case Op::kRegionBegin:
    case Op::kRegionEnd:
      return true;
  }
  return true;
}

void StateFollower::end_generation(const GenerationInfo& info) {
  if (info.timed_events > 0) {
    if (!have_first_) {
      have_first_ = true;
      first_ns_ = info.first_event_ns;
      const auto& f = options_.filter;
      // Saturating: a corrupt trace may start near the end of the clock's range.
      const auto after_first = [this](std::int64_t d) {
        std::int64_t t = 0;
        return __builtin_add_overflow(first_ns_, d, &t) ? kNoLimit : t;
      };
      from_ns_ = f.from_ns ? after_first(*f.from_ns) : std::numeric_limits<std::int64_t>::min();
      to_ns_ = f.to_ns ? after_first(*f.to_ns) : kNoLimit;
    }
    last_ns_ = std::max(last_ns_, info.last_event_ns);
  }
  group_by_goroutine();
  for (std::size_t gi = 0; gi < gids_.size(); ++gi) {
    const std::uint64_t g = gids_[gi];
    const std::size_t begin = group_start_[gi], end = group_start_[gi + 1];
    Goroutine& gs = goroutines_[g];
    // Nor before the previous generation's last event: Go's reader reads generations in
    // turn and moves a timestamp that would go backwards forward.
    std::int64_t last_ns = previous_generation_end_ns_;
    for (std::size_t k = begin; k < end; ++k) {
      // Two threads' clocks may put a transition a little before the one it depends on
      // (a start before the unblock that allowed it, equal times): take first the next
      // one the state allows, as Go's reader orders them by their sequence numbers, and
      // never let time go backwards (Go's reader moves such a timestamp forward too).
      if (!accepts(gs.state, grouped_[k].op)) {
        const std::size_t limit = std::min(end, k + kLookAhead);
        for (std::size_t j = k + 1; j < limit; ++j) {
          if (accepts(gs.state, grouped_[j].op)) {
            const auto at = [this](std::size_t i) { return grouped_.begin() + static_cast<std::ptrdiff_t>(i); };
            std::rotate(at(k), at(j), at(j + 1));
            break;
          }
        }
      }
      Transition& t = grouped_[k];
      t.ts_ns = std::max(t.ts_ns, last_ns);
      last_ns = t.ts_ns;
      follow(gs, t);
    }
    if (gs.state == State::kNotExist) {
      flush_before_first_run(gs);
      goroutines_.erase(g);
    }
  }
  gindex_.clear();
  gids_.clear();
  if (info.timed_events > 0) previous_generation_end_ns_ = std::max(previous_generation_end_ns_, info.last_event_ns);
  pending_.clear();
  tables_ = nullptr;
}

// Orders the generation's transitions by goroutine, then each goroutine's by time
// (equal times in arrival order, which is file order within a thread). A goroutine's
// transitions arrive nearly in time order (thread by thread), so most groups are
// sorted already; the others are sorted in place.
void StateFollower::group_by_goroutine() {
  group_start_.assign(gids_.size() + 1, 0);
  for (const Transition& t : pending_) ++group_start_[t.gi + 1];
  for (std::size_t i = 1; i < group_start_.size(); ++i) group_start_[i] += group_start_[i - 1];
  grouped_.resize(pending_.size());
  std::vector<std::uint32_t>& next = scatter_;
  next.assign(group_start_.begin(), group_start_.end() - 1);
  for (const Transition& t : pending_) grouped_[next[t.gi]++] = t;
  const auto by_time = [](const Transition& x, const Transition& y) {
    return x.ts_ns != y.ts_ns ? x.ts_ns < y.ts_ns : x.order < y.order;
  };
  // A group is a concatenation of runs already in time order (a thread's batches):
  // merged pairwise, run by run, through pending_ (no longer needed) as scratch.
  for (std::size_t gi = 0; gi < gids_.size(); ++gi) {
    Transition* const first = grouped_.data() + group_start_[gi];
    const std::size_t n = group_start_[gi + 1] - group_start_[gi];
    runs_.assign(1, 0);
    for (std::size_t i = 1; i < n; ++i)
      if (by_time(first[i], first[i - 1])) runs_.push_back(i);
    if (runs_.size() == 1) continue;
    runs_.push_back(n);
    Transition* src = first;
    Transition* dst = pending_.data();
    while (runs_.size() > 2) {
      std::size_t out = 1;
      for (std::size_t r = 0; r + 1 < runs_.size(); r += 2) {
        const std::size_t a = runs_[r], b = runs_[r + 1], c = r + 2 < runs_.size() ? runs_[r + 2] : b;
        std::merge(src + a, src + b, src + b, src + c, dst + a, by_time);
        runs_[out++] = c;
      }
      runs_.resize(out);
      std::swap(src, dst);
    }
    if (src != first) std::copy(src, src + n, first);
  }
}

StateFollower::ReasonInfo StateFollower::reason_of(std::uint64_t string_id) {
  auto [it, inserted] = reasons_.try_emplace(string_id);
  if (!inserted) return it->second;
  const std::string_view* s = tables_->strings.find(string_id);
  const std::string_view r = s ? *s : std::string_view();
  ReasonInfo& info = it->second;
  // cmd/trace's rules (pprof.go): sync takes any reason naming chan, sync or select.
  info.sync = r.find("chan") != r.npos || r.find("sync") != r.npos || r.find("select") != r.npos;
  info.net = r == "network";
  if (r == "sync" || r == "sync.(*Cond).Wait")
    info.cause = WaitCause::kSync;
  else if (r.starts_with("chan "))
    info.cause = WaitCause::kChannel;
  else if (r == "select")
    info.cause = WaitCause::kSelect;
  else if (r == "network")
    info.cause = WaitCause::kNetwork;
  else if (r == "sleep")
    info.cause = WaitCause::kSleep;
  else if (r.starts_with("GC ") || r == "wait until GC ends")
    info.cause = WaitCause::kGc;
  else if (r.empty())
    info.cause = WaitCause::kUnknown;
  else
    info.cause = WaitCause::kOther;
  return info;
}

std::uint32_t StateFollower::name_of_frame(std::uint64_t stack_id, bool outermost) {
  const StackRef* s = stack_id ? tables_->stacks.find(stack_id) : nullptr;
  Frame f;
  if (s == nullptr || s->nframes == 0 || !StackTable::frame(*s, outermost ? s->nframes - 1 : 0, f)) return 0;
  const std::string_view* name = tables_->strings.find(f.func_string);
  return name && !name->empty() ? names_.intern(*name) : 0;
}

void StateFollower::follow(Goroutine& gs, const Transition& t) {
  State next = State::kUnknown;
  ReasonInfo reason;
  bool own_stack = false;  // the stack is the goroutine's own (names one that predates the trace)
  switch (t.op) {
    case Op::kCreate:
    case Op::kCreateBlocked:
    case Op::kCreateSyscall:
      gs.created = true;
      if (t.op != Op::kCreateSyscall) gs.name = name_of_frame(t.aux, false);
      next = t.op == Op::kCreate ? State::kRunnable : t.op == Op::kCreateBlocked ? State::kWaiting : State::kSyscall;
      break;
    case Op::kStart:
    case Op::kSyscallEnd:
      next = State::kRunning;
      break;
    case Op::kStop:
      own_stack = true;
      next = State::kRunnable;
      break;
    case Op::kBlock:
      own_stack = true;
      reason = reason_of(t.aux);
      next = State::kWaiting;
      break;
    case Op::kSwitchAway:
      next = State::kWaiting;
      break;
    case Op::kUnblock:
    case Op::kSyscallEndBlocked:
      next = State::kRunnable;
      break;
    case Op::kSyscallBegin:
      own_stack = true;
      next = State::kSyscall;
      break;
    case Op::kDestroy:
    case Op::kDestroySyscall:
      next = State::kNotExist;
      break;
    case Op::kStatus:
      own_stack = true;
      next = t.aux == static_cast<std::uint64_t>(GoStatus::kRunnable)  ? State::kRunnable
             : t.aux == static_cast<std::uint64_t>(GoStatus::kRunning) ? State::kRunning
             : t.aux == static_cast<std::uint64_t>(GoStatus::kSyscall) ? State::kSyscall
             : t.aux == static_cast<std::uint64_t>(GoStatus::kWaiting) ? State::kWaiting
                                                                       : State::kUnknown;
      break;
    case Op::kRegionBegin:
    case Op::kRegionEnd: {
      const std::string_view* name = tables_->strings.find(t.aux);
      if (name == nullptr || *name != options_.filter.region) return;
      if (t.op == Op::kRegionBegin) ++gs.region_depth;
      else if (gs.region_depth > 0) --gs.region_depth;
      return;
    }
  }
  if (own_stack && gs.name == 0 && t.stack != 0) gs.name = name_of_frame(t.stack, true);
  if (next == gs.state || next == State::kUnknown) return;  // a status restating the state
  if (gs.state != State::kUnknown && gs.state != State::kNotExist)
    close(gs, t.ts_ns, true, gs.state == State::kRunnable && next == State::kRunning);
  begin_state(gs, next, t.ts_ns, t.stack, reason);
  if (next == State::kRunning && !gs.ran) {
    gs.ran = true;
    gs.before_first_run.clear();
  }
}

void StateFollower::begin_state(Goroutine& gs, State s, std::int64_t ts_ns, std::uint64_t stack, ReasonInfo reason) {
  gs.state = s;
  gs.since_ns = ts_ns;
  gs.cause = reason.cause;
  gs.sync_reason = reason.sync;
  gs.net_reason = reason.net;
  gs.stack_key = stacks_.intern(stack);
  gs.no_stack = gs.stack_key == 0;
}

std::int64_t StateFollower::window_overlap(std::int64_t a, std::int64_t b) const {
  const std::int64_t lo = std::max(a, from_ns_), hi = std::min(b, to_ns_);
  return hi > lo ? wrapping_difference_ns(hi, lo) : 0;
}

void StateFollower::close(Goroutine& gs, std::int64_t ts_ns, bool into_profiles, bool started) {
  if (filter_name_ != 0 && gs.name != filter_name_) return;
  if (!options_.filter.region.empty() && gs.region_depth == 0) return;
  const std::int64_t d = window_overlap(gs.since_ns, ts_ns);
  if (started && gs.since_ns >= from_ns_ && ts_ns <= to_ns_)
    sched_latency_.record(wrapping_difference_ns(ts_ns, gs.since_ns));
  if (d <= 0) return;
  if (gs.name >= functions_.size()) functions_.resize(gs.name + 1);
  FunctionAcc& fn = functions_[gs.name];
  if (!gs.counted) {
    gs.counted = true;
    ++goroutines_counted_;
    if (gs.created) ++created_counted_;
    ++fn.goroutines;
  }
  add_time(all_, gs, d);
  add_time(fn.times, gs, d);
  // cmd/trace's kinds (pprof.go): which state, and for waiting which reasons.
  std::optional<ProfileKind> kind;
  if (gs.state == State::kRunnable) kind = ProfileKind::kSched;
  if (gs.state == State::kSyscall) kind = ProfileKind::kSyscall;
  if (gs.state == State::kWaiting && gs.sync_reason) kind = ProfileKind::kSync;
  if (gs.state == State::kWaiting && gs.net_reason) kind = ProfileKind::kNet;
  if (!into_profiles || !kind) return;
  const Delay delay{*kind, gs.stack_key, gs.no_stack, d};
  if (gs.ran)
    add_delay(delay);
  else
    gs.before_first_run.push_back(delay);
}

void StateFollower::add_time(StateTimes& times, const Goroutine& gs, std::int64_t d) {
  std::int64_t* total = nullptr;
  switch (gs.state) {
    case State::kRunning:
      total = &times.running_ns;
      break;
    case State::kRunnable:
      total = &times.runnable_ns;
      break;
    case State::kSyscall:
      total = &times.syscall_ns;
      break;
    case State::kWaiting:
      total = &times.waiting_ns[static_cast<std::size_t>(gs.cause)];
      break;
    default:
      return;
  }
  *total = wrapping_sum_ns(*total, d);
}

void StateFollower::add_delay(const Delay& d) {
  auto& slot = samples_[kind_index(d.kind)][d.stack_key];
  ++slot.first;
  slot.second = wrapping_sum_ns(slot.second, d.ns);
  if (d.no_stack) ++without_stack_[kind_index(d.kind)];
}

void StateFollower::flush_before_first_run(Goroutine& gs) {
  for (const Delay& d : gs.before_first_run) add_delay(d);
  gs.before_first_run.clear();
}

void StateFollower::finish(StateAnalysis& out) {
  for (auto& [g, gs] : goroutines_) {
    if (gs.state != State::kUnknown && gs.state != State::kNotExist) close(gs, last_ns_, false, false);
    flush_before_first_run(gs);
  }
  out.first_event_ns = first_ns_;
  out.last_event_ns = last_ns_;
  for (std::size_t k = 0; k < kProfileKindCount; ++k) {
    DelayProfile& p = out.profiles[k];
    p.kind = static_cast<ProfileKind>(k);
    p.intervals_without_stack = without_stack_[k];
    std::unordered_map<std::uint32_t, std::uint32_t> remap;  // ProfileStacks frame -> this profile's
    for (const auto& [key, acc] : samples_[k]) {
      ProfileSample s;
      s.count = acc.first;
      s.delay_ns = acc.second;
      for (std::uint32_t f : stacks_.frames_of(key)) {
        auto [it, inserted] = remap.try_emplace(f, static_cast<std::uint32_t>(p.frames.size()));
        if (inserted) p.frames.push_back(stacks_.frames()[f]);
        s.frames.push_back(it->second);
      }
      p.samples.push_back(std::move(s));
    }
    std::sort(p.samples.begin(), p.samples.end(), [](const ProfileSample& a, const ProfileSample& b) {
      return a.delay_ns != b.delay_ns ? a.delay_ns > b.delay_ns : a.frames < b.frames;
    });
  }
  TimeBreakdown& b = out.breakdown;
  b.all = all_;
  b.goroutines = goroutines_counted_;
  b.created = created_counted_;
  b.span_ns = window_overlap(first_ns_, last_ns_);
  b.sched_count = sched_latency_.count();
  b.sched_p50_ns = sched_latency_.quantile(0.5);
  b.sched_p99_ns = sched_latency_.quantile(0.99);
  b.sched_max_ns = sched_latency_.max();
  for (std::uint32_t id = 0; id < functions_.size(); ++id) {
    if (functions_[id].goroutines == 0) continue;
    b.by_function.push_back({id == 0 ? std::string() : names_.name(id), functions_[id].goroutines,
                             functions_[id].times});
  }
  std::sort(b.by_function.begin(), b.by_function.end(), [](const FunctionTimes& x, const FunctionTimes& y) {
    return x.times.total_ns() != y.times.total_ns() ? x.times.total_ns() > y.times.total_ns()
                                                    : x.start_function < y.start_function;
  });
  if (b.by_function.size() > options_.top_functions) b.by_function.resize(options_.top_functions);
}

}  // namespace tracebench::trace
