"""Native HiGHS (scipy.optimize.linprog, method='highs') on the capacitated assignment LP.

Usage: python3 scipy-assign.py <instance.bin> <warm runs> [more instance files: one line each]. An anchor of `npm run bench` (Debian:
`apt-get install -y python3-scipy`). Reads the instance written by writeProblem
(bench/instance-io.ts) and solves the same LP as assignmentLp (bench/highs-lp.ts):

  minimise   sum_a (cost_a - M) x_a
  subject to sum_{a of r} x_a <= 1,  sum_{a into p} x_a <= cap_p,  x >= 0

with M = (min(P, R) + 1) * max cost + 1 (max served first, then min cost). The matrix is totally
unimodular, so a basic optimum is integral; any fractional x is reported as an error. Like
bench/worker.ts it solves 1 + N times (cold, then N warm) and prints one JSON line; the time
includes building the sparse matrix, not reading the file.
"""

import json
import sys

import numpy as np
from scipy_common import read_assignment, solve_lp, timed


def read(path):
    return read_assignment(path)[1:]


def solve(R, P, capacity, arc_start, arc_provider, arc_cost):
    A = len(arc_provider)
    if A == 0:
        return 0, 0.0, 'no arcs'
    resident_of = np.repeat(np.arange(R, dtype=np.int64), np.diff(arc_start))
    M = (min(P, R) + 1) * float(arc_cost.max()) + 1
    c = arc_cost - M
    result = solve_lp(c, R, P, resident_of, arc_provider, capacity, np.ones(A))
    x = result.x
    rounded = np.rint(x)
    if np.abs(x - rounded).max() > 1e-6:
        raise RuntimeError('HiGHS returned a fractional solution')
    return int(rounded.sum()), float(np.dot(arc_cost, rounded)), result.message


def main():
    warm_runs = max(0, int(sys.argv[2] if len(sys.argv) > 2 else '1'))
    for path in [sys.argv[1], *sys.argv[3:]]:
        run(path, warm_runs)


def run(path, warm_runs):
    (served, cost, _), fields = timed(solve, read(path), warm_runs)
    if fields['ms'] is None:
        fields['ms'] = fields['coldMs']
    print(json.dumps({**fields, 'served': served, 'objective': cost}), flush=True)


main()
