#include "sizing/parse_speed.h"

namespace tracebench::sizing {

std::string_view to_string(ParseTool tool) {
  return tool == ParseTool::kGoToolTrace ? "go tool trace" : "tracebench";
}

nlohmann::json to_json(const ParseSpeed& s) {
  return {{"tool", to_string(s.tool)},
          {"mb_per_s", s.mb_per_s},
          {"file_bytes", s.file_bytes ? nlohmann::json(s.file_bytes) : nlohmann::json(nullptr)},
          {"seconds", s.seconds > 0 ? nlohmann::json(s.seconds) : nlohmann::json(nullptr)},
          {"file", s.file.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.file)},
          {"basis", s.basis}};
}

}  // namespace tracebench::sizing
