"""Native HiGHS (scipy.optimize.linprog, method='highs') on the home-visit LP relaxation.

Usage: python3 scipy-hv.py <instance.bin> <warm runs>. Optional peer of `npm run bench`: used only
when `import scipy` already works (nothing is installed for it). Reads the instance written by
writeDemandProblem (bench/instance-io.ts) and solves the same LP as demandLp (bench/highs-lp.ts):

  minimise   sum_a (cost_a - M d_r) x_a
  subject to sum_{a of r} x_a <= 1,  sum_{a into p} d_r x_a <= cap_p,  x >= 0

with M = ceil((min(P, R) + 1) * max_a cost_a / d_r) + 1. Like bench/worker.ts it solves 1 + N
times (cold, then the median of N warm) and prints one JSON line; the time includes building
the sparse matrix (the solver's input form), not reading the file.
"""

import json
import math
import sys

import numpy as np
from scipy_common import read_assignment, solve_lp, timed


def read(path):
    data, R, P, capacity, arc_start, arc_provider, arc_cost = read_assignment(path)
    demand = np.frombuffer(data, dtype=np.int32, count=R, offset=len(data) - 4 * R)
    return R, P, capacity, arc_start, arc_provider, arc_cost, demand


def solve(R, P, capacity, arc_start, arc_provider, arc_cost, demand):
    A = len(arc_provider)
    resident_of = np.repeat(np.arange(R, dtype=np.int64), np.diff(arc_start))
    d = demand[resident_of].astype(np.float64)
    max_unit = float((arc_cost / d).max()) if A > 0 else 0.0
    M = math.ceil((min(P, R) + 1) * max_unit) + 1
    c = arc_cost - M * d
    result = solve_lp(c, R, P, resident_of, arc_provider, capacity, d)
    x = result.x
    return float(np.dot(d, x)), float(np.dot(arc_cost, x)), result.message


def main():
    path, warm_arg = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else '1'
    warm_runs = max(0, int(warm_arg))  # 0: the cold run only (the 200k LP takes minutes)
    (hours, cost, _), fields = timed(solve, read(path), warm_runs)
    del fields['warmTimes']
    print(json.dumps({**fields, 'served': -1, 'objective': cost, 'boundDemand': hours, 'boundObjective': cost}))


main()
