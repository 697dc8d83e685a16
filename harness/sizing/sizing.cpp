#include "sizing/sizing.h"

namespace tracebench::sizing {

nlohmann::json recommend(const nlohmann::json&, const SizingOptions&) { return nlohmann::json::object(); }

std::string format_recommendations(const nlohmann::json&, const nlohmann::json&) { return {}; }

nlohmann::json verify_window(const experiment::RunConfig&, const nlohmann::json&, std::int64_t,
                             const std::function<void(const std::string&)>&) {
  return nlohmann::json::object();
}

}  // namespace tracebench::sizing
