#!/usr/bin/env python3
"""Reference values for bucket_quantile_test.cpp, computed independently of
harness/stats/bucket_quantile.cpp: each histogram is expanded into its values, spread evenly
inside their buckets (value j of c in [lo, hi) at lo + (hi - lo) * (j + 1) / c, which is
what linear interpolation inside a bucket assumes; a bucket with an infinite edge puts all
its values at the finite edge), and the quantile at an integer rank r = q * total is the
r-th smallest value, read with numpy. Run: python3 tests/unit/stats/bucket_quantile_reference.py
"""
import math

import numpy as np

CASES = {
    "runtime_like": ([-math.inf, 0.0, 1e-6, 2e-6, 4e-6, 8e-6, math.inf], [0, 10, 30, 40, 15, 5],
                     [0.05, 0.5, 0.9, 0.99]),
    "one_bucket": ([1.0, 2.0], [4], [0.25, 0.5, 0.75]),
    "gaps": ([0.0, 1.0, 2.0, 3.0, 4.0], [3, 0, 0, 1], [0.5, 0.75]),
}

for name, (bounds, counts, qs) in CASES.items():
    values = []
    for i, c in enumerate(counts):
        lo, hi = bounds[i], bounds[i + 1]
        for j in range(c):
            values.append(hi if math.isinf(lo) else lo if math.isinf(hi) else lo + (hi - lo) * (j + 1) / c)
    values = np.sort(np.array(values))
    for q in qs:
        rank = q * len(values)
        assert abs(rank - round(rank)) < 1e-9, "the reference needs integer ranks"
        print(f"{name} q={q}: {values[int(round(rank)) - 1]!r}")
