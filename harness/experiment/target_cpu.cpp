#include "experiment/target_cpu.h"

namespace tracebench::experiment {

std::string_view to_string(TargetCpu s) {
  switch (s) {
    case TargetCpu::kAuto: return "auto";
    case TargetCpu::kProc: return "proc";
    case TargetCpu::kAgent: return "agent";
  }
  return "unknown";
}

std::optional<TargetCpu> parse_target_cpu(std::string_view text) {
  for (TargetCpu s : {TargetCpu::kAuto, TargetCpu::kProc, TargetCpu::kAgent})
    if (text == to_string(s)) return s;
  return std::nullopt;
}

}  // namespace tracebench::experiment
