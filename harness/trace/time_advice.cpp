#include "trace/time_advice.h"

#include <fmt/core.h>

namespace tracebench::trace {

namespace {
// The --pprof kind that shows where goroutines waited for a cause, if one does.
const char* kind_for(WaitCause c) {
  switch (c) {
    case WaitCause::kSync:
    case WaitCause::kChannel:
    case WaitCause::kSelect:
      return "sync";
    case WaitCause::kNetwork:
      return "net";
    default:
      return nullptr;
  }
}
}  // namespace

std::vector<TimeAdvice> advise(const TimeBreakdown& b, const std::string& trace_path) {
  std::vector<TimeAdvice> out;
  const auto total = static_cast<double>(b.all.total_ns());
  if (total <= 0) return out;
  const double running = static_cast<double>(b.all.running_ns) / total;
  const double runnable = static_cast<double>(b.all.runnable_ns) / total;
  if (running >= kMostlyRunningShare)
    out.push_back({"cpu-profile", running, kMostlyRunningShare,
                   fmt::format("goroutines were mostly running ({:.0f}% of their time, threshold {:.0f}%): a CPU "
                               "profile (/debug/pprof/profile) answers where that time goes more cheaply than a trace",
                               100 * running, 100 * kMostlyRunningShare)});
  if (runnable >= kRunnableShare)
    out.push_back({"runnable", runnable, kRunnableShare,
                   fmt::format("goroutines waited for a P {:.0f}% of their time (threshold {:.0f}%; scheduler latency "
                               "p99 {} µs): too many runnable goroutines; see the goroutine-churn diagnostic and "
                               "bound concurrency (a worker pool); where they became runnable: tracebench inspect {} "
                               "--pprof sched=sched.pb.gz",
                               100 * runnable, 100 * kRunnableShare, b.sched_p99_ns / 1000, trace_path)});
  const auto syscall = static_cast<double>(b.all.syscall_ns) / total;
  if (syscall >= kOneCauseShare)
    out.push_back({"blocked-syscall", syscall, kOneCauseShare,
                   fmt::format("goroutines were mostly in syscalls ({:.0f}%, threshold {:.0f}%): tracebench inspect "
                               "{} --pprof syscall=syscall.pb.gz shows where",
                               100 * syscall, 100 * kOneCauseShare, trace_path)});
  for (std::size_t c = 0; c < kWaitCauseCount; ++c) {
    const double share = static_cast<double>(b.all.waiting_ns[c]) / total;
    if (share < kOneCauseShare) continue;
    const auto cause = static_cast<WaitCause>(c);
    const char* kind = kind_for(cause);
    out.push_back({fmt::format("blocked-{}", wait_cause_name(cause)), share, kOneCauseShare,
                   kind ? fmt::format("goroutines were mostly blocked on {} ({:.0f}%, threshold {:.0f}%): tracebench "
                                      "inspect {} --pprof {}={}.pb.gz shows where",
                                      wait_cause_name(cause), 100 * share, 100 * kOneCauseShare, trace_path, kind,
                                      kind)
                        : fmt::format("goroutines were mostly blocked on {} ({:.0f}%, threshold {:.0f}%); no pprof "
                                      "kind covers this cause",
                                      wait_cause_name(cause), 100 * share, 100 * kOneCauseShare)});
  }
  return out;
}

}  // namespace tracebench::trace
