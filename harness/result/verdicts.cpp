#include "result/verdicts.h"

#include <string>

namespace tracebench::result {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> parse(const nlohmann::json* value, const Enum (&all)[N]) {
  if (!value || !value->is_string()) return std::nullopt;
  const std::string word = value->get<std::string>();
  for (Enum e : all)
    if (word == to_string(e)) return e;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(VerificationStatus status) {
  switch (status) {
    case VerificationStatus::kVerified: return "verified";
    case VerificationStatus::kShort: return "short";
    case VerificationStatus::kFailed: return "failed";
    case VerificationStatus::kSkipped: return "skipped";
  }
  return "?";
}

std::optional<VerificationStatus> verification_status(const nlohmann::json& verification) {
  static constexpr VerificationStatus kAll[] = {VerificationStatus::kVerified, VerificationStatus::kShort,
                                                VerificationStatus::kFailed, VerificationStatus::kSkipped};
  if (!verification.is_object()) return std::nullopt;
  auto it = verification.find("status");
  return parse(it == verification.end() ? nullptr : &*it, kAll);
}

std::string_view to_string(BudgetVerdict verdict) {
  switch (verdict) {
    case BudgetVerdict::kWithin: return "within";
    case BudgetVerdict::kOver: return "over";
    case BudgetVerdict::kInconclusive: return "inconclusive";
  }
  return "?";
}

std::optional<BudgetVerdict> budget_verdict(const nlohmann::json& verdict) {
  static constexpr BudgetVerdict kAll[] = {BudgetVerdict::kWithin, BudgetVerdict::kOver, BudgetVerdict::kInconclusive};
  return parse(&verdict, kAll);
}

std::vector<std::string> sizes_missing(const nlohmann::json& recommendations) {
  if (!recommendations.is_object()) return {};
  if (auto it = recommendations.find("sizes_missing"); it != recommendations.end() && it->is_string())
    return {it->get<std::string>()};
  std::vector<std::string> out;
  if (auto it = recommendations.find("missing"); it != recommendations.end() && it->is_array())
    for (const auto& line : *it)
      if (line.is_string() && line.get<std::string>().starts_with("no flight-recorder sizes"))
        out.push_back(line.get<std::string>());
  return out;
}

}  // namespace tracebench::result
