#include "stats/graph_procedure.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace tracebench::stats {
namespace {

// Room for the rounding of weights written as sums of fractions (1/3 + 1/3 + 1/3).
constexpr double kSlack = 1e-9;

void check(const std::vector<double>& p_values, const TestGraph& g) {
  const std::size_t m = p_values.size();
  if (g.weights.size() != m || g.transitions.size() != m)
    throw std::invalid_argument("test graph: " + std::to_string(g.weights.size()) + " weights and " +
                                std::to_string(g.transitions.size()) + " rows of transitions for " +
                                std::to_string(m) + " p-values; expected one of each per p-value");
  double total = 0;
  for (std::size_t i = 0; i < m; ++i) {
    const double w = g.weights[i];
    if (!(w >= 0)) throw std::invalid_argument("test graph: weight " + std::to_string(i) + " is " + std::to_string(w) + "; expected >= 0");
    total += w;
    const auto& row = g.transitions[i];
    if (row.size() != m)
      throw std::invalid_argument("test graph: transition row " + std::to_string(i) + " has " +
                                  std::to_string(row.size()) + " entries; expected " + std::to_string(m));
    double out = 0;
    for (std::size_t j = 0; j < m; ++j) {
      if (!(row[j] >= 0) || (i == j && row[j] != 0))
        throw std::invalid_argument("test graph: transition " + std::to_string(i) + "->" + std::to_string(j) +
                                    " is " + std::to_string(row[j]) + "; expected >= 0, and 0 on the diagonal");
      out += row[j];
    }
    if (out > 1 + kSlack)
      throw std::invalid_argument("test graph: transitions out of " + std::to_string(i) + " add up to " +
                                  std::to_string(out) + "; expected at most 1");
  }
  if (total > 1 + kSlack)
    throw std::invalid_argument("test graph: weights add up to " + std::to_string(total) + "; expected at most 1");
}

}  // namespace

std::vector<double> graph_adjust(const std::vector<double>& p_values, const TestGraph& graph) {
  check(p_values, graph);
  const std::size_t m = p_values.size();
  std::vector<double> w = graph.weights;
  std::vector<std::vector<double>> g = graph.transitions;
  std::vector<bool> open(m, true);
  std::vector<double> adjusted(m, 1.0);
  const auto p_at = [&](std::size_t i) {
    const double p = p_values[i];
    return std::isnan(p) ? 1.0 : std::clamp(p, 0.0, 1.0);
  };
  double running_max = 0;
  for (std::size_t step = 0; step < m; ++step) {
    // The open hypothesis nearest to rejection: the smallest p over weight.
    std::size_t j = m;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < m; ++i) {
      if (!open[i] || !(w[i] > 0)) continue;
      const double ratio = p_at(i) / w[i];
      if (ratio < best || j == m) best = ratio, j = i;
    }
    if (j == m) break;  // what is left has no weight: never rejected
    running_max = std::min(1.0, std::max(running_max, best));
    adjusted[j] = running_max;
    open[j] = false;
    // j's weight moves along its edges, and paths through j become edges (Algorithm 1).
    std::vector<std::vector<double>> next = g;
    for (std::size_t l = 0; l < m; ++l) {
      if (!open[l]) continue;
      w[l] += w[j] * g[j][l];
      for (std::size_t k = 0; k < m; ++k) {
        if (!open[k] || k == l) continue;
        const double loop = g[l][j] * g[j][l];
        next[l][k] = loop < 1 ? (g[l][k] + g[l][j] * g[j][k]) / (1 - loop) : 0;
      }
    }
    w[j] = 0;
    g = std::move(next);
  }
  return adjusted;
}

}  // namespace tracebench::stats
