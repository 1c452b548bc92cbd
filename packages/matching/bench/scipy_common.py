"""What the SciPy anchors (scipy-assign.py, scipy-hv.py) share: reading the instance file the bench
writes (bench/instance-io.ts), and timing one cold solve, then the median of `warm_runs` more, each
checked to give the same answer, with the figures as the TypeScript workers print them."""

import resource
import time

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack


def read_assignment(path):
    """(file bytes, R, P, capacity, arc_start, arc_provider, arc_cost) of an assignment instance."""
    data = open(path, 'rb').read()
    R, P, A = (int(v) for v in np.frombuffer(data, dtype=np.int32, count=3))
    at = 12
    capacity = np.frombuffer(data, dtype=np.int32, count=P, offset=at)
    at += 4 * P
    arc_start = np.frombuffer(data, dtype=np.int32, count=R + 1, offset=at)
    at += 4 * (R + 1)
    arc_provider = np.frombuffer(data, dtype=np.int32, count=A, offset=at)
    at += 4 * A
    at += (8 - at % 8) % 8
    arc_cost = np.frombuffer(data, dtype=np.float64, count=A, offset=at)
    return data, R, P, capacity, arc_start, arc_provider, arc_cost


def timed(solve, problem, warm_runs):
    """(first answer, fields for the JSON line): cold and warm times, peak memory, the detail text."""
    import scipy

    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    t0 = time.perf_counter()
    first = solve(*problem)
    cold_ms = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(warm_runs):
        t0 = time.perf_counter()
        again = solve(*problem)
        times.append((time.perf_counter() - t0) * 1000)
        if again[:2] != first[:2]:
            raise RuntimeError('solver is not deterministic')
    ordered = sorted(times)
    ms = ordered[(len(ordered) - 1) // 2] if ordered else None
    warm = f"warm {'/'.join(str(round(t)) for t in times)} ms" if times else 'warm not run (cold only)'
    detail = f"cold {round(cold_ms)} ms; {warm}: scipy {scipy.__version__} linprog(method='highs'): {first[2]}"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return first, {'ms': ms, 'coldMs': cold_ms, 'warmRuns': warm_runs, 'warmTimes': times, 'peakMb': peak_mb, 'baseMb': base_mb, 'detail': detail}


def solve_lp(c, R, P, resident_of, arc_provider, capacity, provider_weight):
    """The assignment LP both anchors solve: minimise c·x with at most one arc per resident and at most
    capacity_p of `provider_weight` (1 per place, or a resident's hours) into each provider; x >= 0."""
    A = len(arc_provider)
    cols = np.arange(A, dtype=np.int64)
    rows_r = csr_matrix((np.ones(A), (resident_of, cols)), shape=(R, A))
    rows_p = csr_matrix((provider_weight, (arc_provider.astype(np.int64), cols)), shape=(P, A))
    A_ub = vstack([rows_r, rows_p], format='csr')
    b_ub = np.concatenate([np.ones(R), capacity.astype(np.float64)])
    result = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=(0, None), method='highs')
    if result.status != 0:
        raise RuntimeError(f'linprog status {result.status}: {result.message}')
    return result
