#!/usr/bin/env python3
"""Reference values for graph_procedure_test.cpp, computed the long way.

tracebench's stats::graph_adjust runs the sequential shortcut of a graphical procedure
(Bretz, Maurer, Brannath and Posch 2009). This script does not: it builds the closed test the
shortcut stands for. For every non-empty set J of hypotheses it takes the weights the graph
gives J (the weights after removing every hypothesis outside J), tests the intersection with
a weighted Bonferroni test (p_J = min over j in J of p_j / w_J(j)), and takes as the adjusted
p-value of hypothesis i the largest p_J over the sets that contain it. Exponential in the
number of hypotheses, so only small graphs; plain Python, no tracebench code.

Run: /usr/bin/python3 tests/unit/stats/graph_procedure_reference.py
"""
from fractions import Fraction
from itertools import combinations


def remove(w, g, j):
    """The graph after hypothesis j is taken out (its weight passed on along its edges)."""
    m = len(w)
    keep = [i for i in range(m) if i != j]
    w2 = {l: w[l] + w[j] * g[j][l] for l in keep}
    g2 = {}
    for l in keep:
        for k in keep:
            if k == l:
                g2[(l, k)] = 0
                continue
            loop = g[l][j] * g[j][l]
            g2[(l, k)] = (g[l][k] + g[l][j] * g[j][k]) / (1 - loop) if loop < 1 else 0
    return w2, g2


def weights_for(w, g, subset):
    """The weights the graph gives the hypotheses of `subset`."""
    m = len(w)
    ids = list(range(m))
    cw = {i: w[i] for i in ids}
    cg = {(i, k): g[i][k] for i in ids for k in ids}
    for j in [i for i in ids if i not in subset]:
        rest = list(cw)
        dw = [cw.get(i, 0) for i in range(m)]
        dg = [[cg.get((i, k), 0) for k in range(m)] for i in range(m)]
        nw, ng = remove(dw, dg, j)
        cw = {i: nw[i] for i in rest if i != j}
        cg = {(i, k): ng[(i, k)] for i in cw for k in cw}
    return cw


def closed_test(p, w, g):
    m = len(p)
    adjusted = [0.0] * m
    for size in range(1, m + 1):
        for subset in combinations(range(m), size):
            ws = weights_for(w, g, set(subset))
            ratios = [p[j] / float(ws[j]) for j in subset if ws[j] > 0]
            p_j = min([1.0] + ratios)
            for i in subset:
                adjusted[i] = max(adjusted[i], p_j)
    return adjusted


def holm(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out, run = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        run = max(run, min(1.0, (m - rank) * p[i]))
        out[i] = run
    return out


def complete(m):
    return [[Fraction(0) if i == k else Fraction(1, m - 1) for k in range(m)] for i in range(m)]


def gatekeeper(n_overhead, n_breakdown, cpu):
    """One mode: overhead rows share alpha equally and pass on as in Holm, except the CPU row,
    which gives half to its breakdown rows and half to the other overhead rows; breakdown rows
    start at 0 and pass to the other breakdown rows."""
    m = n_overhead + n_breakdown
    w = [Fraction(1, n_overhead)] * n_overhead + [Fraction(0)] * n_breakdown
    g = [[Fraction(0)] * m for _ in range(m)]
    for i in range(n_overhead):
        others = [k for k in range(n_overhead) if k != i]
        if i == cpu:
            for k in others:
                g[i][k] = Fraction(1, 2 * len(others))
            for k in range(n_overhead, m):
                g[i][k] = Fraction(1, 2 * n_breakdown)
        else:
            for k in others:
                g[i][k] = Fraction(1, len(others))
    for i in range(n_overhead, m):
        for k in range(n_overhead, m):
            if k != i:
                g[i][k] = Fraction(1, n_breakdown - 1)
    return w, g


def show(name, p, w, g):
    print(f"{name}:")
    print("  p        =", ", ".join(repr(x) for x in p))
    print("  adjusted =", ", ".join(f"{x:.17g}" for x in closed_test(p, w, g)))


if __name__ == "__main__":
    p = [0.01, 0.04, 0.03, 0.005, 0.5, 0.2]
    w = [Fraction(1, 6)] * 6
    show("holm graph", p, w, complete(6))
    print("  holm     =", ", ".join(f"{x:.17g}" for x in holm(p)))
    # One mode, overhead rows (throughput, p50, p99, p99.9, CPU) then three breakdown rows.
    w, g = gatekeeper(5, 3, cpu=4)
    show("gatekeeper, the CPU row rejected", [0.3, 0.02, 0.04, 0.5, 0.001, 0.004, 0.03, 0.6], w, g)
    show("gatekeeper, the CPU row not rejected", [0.3, 0.02, 0.04, 0.5, 0.2, 0.0001, 0.03, 0.6], w, g)
    show("gatekeeper, everything small", [0.002, 0.004, 0.006, 0.008, 0.001, 0.003, 0.005, 0.007], w, g)
