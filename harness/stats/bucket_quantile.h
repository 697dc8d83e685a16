#pragma once
// Quantiles of a bucketed histogram, such as the Go runtime's /sched/latencies:seconds.
// Pure, thread-safe, no exceptions but std::bad_alloc.

#include <cstdint>
#include <optional>
#include <vector>

namespace tracebench::stats {

// The q-quantile (0 < q < 1) of a histogram whose counts[i] values fell in
// [boundaries[i], boundaries[i+1]); boundaries has counts.size() + 1 ascending entries and
// may start at -inf and end at +inf. As Prometheus' histogram_quantile: the rank q * total
// is found in the cumulative counts and the value interpolated linearly inside its bucket;
// a rank in a bucket with an infinite edge gives the bucket's finite edge. nullopt when
// there are no values, q is outside (0, 1), or the sizes disagree.
std::optional<double> bucket_quantile(const std::vector<double>& boundaries, const std::vector<std::uint64_t>& counts,
                                      double q);

}  // namespace tracebench::stats
