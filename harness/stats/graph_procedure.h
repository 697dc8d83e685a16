#pragma once
// A graphical multiple-test procedure (Bretz, Maurer, Brannath and Posch, Statistics in
// Medicine 28, 2009): each hypothesis starts with a share of alpha (its weight), and a
// rejected one passes its share on along the graph's edges. With equal weights and a
// complete graph of equal edges it is Holm's procedure; with a node that starts at weight 0
// and is reached only through another, that node is tested only once the other is rejected
// (a gatekeeper). Whatever the graph, the family-wise error rate over every hypothesis in it
// is at most alpha (the procedure is a shortcut of a closed test of weighted Bonferroni
// tests), which is why one graph can hold hypotheses of different standing.
//
// Pure functions, thread-safe.

#include <vector>

namespace tracebench::stats {

struct TestGraph {
  // Initial share of alpha per hypothesis: each >= 0, together <= 1.
  std::vector<double> weights;
  // transitions[i][j]: the share of i's weight that goes to j once i is rejected; each >= 0,
  // zero on the diagonal, each row together <= 1.
  std::vector<std::vector<double>> transitions;
};

// The adjusted p-value of every hypothesis: hypothesis i is rejected at level alpha by the
// procedure exactly when adjusted[i] <= alpha (the shortcut's sequential algorithm, with the
// running maximum that makes the adjusted values monotone). A NaN p-value counts as 1; a
// hypothesis that never receives weight gets 1. Throws std::invalid_argument naming the bad
// entry when the graph is malformed or its size differs from the p-values'.
std::vector<double> graph_adjust(const std::vector<double>& p_values, const TestGraph& graph);

}  // namespace tracebench::stats
