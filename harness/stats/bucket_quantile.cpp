#include "stats/bucket_quantile.h"

#include <cmath>

namespace tracebench::stats {

std::optional<double> bucket_quantile(const std::vector<double>& boundaries, const std::vector<std::uint64_t>& counts,
                                      double q) {
  if (!(q > 0 && q < 1) || counts.empty() || boundaries.size() != counts.size() + 1) return std::nullopt;
  double total = 0;
  for (std::uint64_t c : counts) total += static_cast<double>(c);
  if (total <= 0) return std::nullopt;
  const double rank = q * total;
  double below = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const auto c = static_cast<double>(counts[i]);
    if (c == 0 || below + c < rank) {
      below += c;
      continue;
    }
    const double lo = boundaries[i], hi = boundaries[i + 1];
    if (std::isinf(lo)) return hi;
    if (std::isinf(hi)) return lo;
    return lo + (hi - lo) * (rank - below) / c;
  }
  return boundaries[counts.size()];  // unreachable: rank <= total
}

}  // namespace tracebench::stats
