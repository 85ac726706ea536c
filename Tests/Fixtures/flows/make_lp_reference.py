#!/usr/bin/env python3
"""Reference values for NetMigrationFlows.minimumCost (migest 2.0.5 net_matrix_lp) from scipy's
HiGHS linear-programming solver (scipy.optimize.linprog(method="highs")).

Run from the repository root (pip install numpy scipy):

    python3 Tests/Fixtures/flows/make_lp_reference.py

Writes Tests/Fixtures/flows/lp_reference.json. Each case holds the nets, the structural-zero
mask, the costs (null: migest's unit costs), the optimal objective and, where the optimum is
unique, the optimal flows.

* migest_example: net_matrix_lp's roxygen example (4 regions, net (30, 40, -15, -55), the 4 x 4
  prior m). migest's LP is built exactly as R/net_matrix_lp.R builds it (split variables
  x+ and x- per allowed cell, objective sum(x+ + x-), constraint row i: -x+ + x- for cells
  leaving i, +x+ - x- for cells entering i) and solved by HiGHS; its optimum equals the
  non-negative formulation's (min sum y, y >= 0, in - out = net) and sum(max(net, 0)) = 70.
  The matrix printed on migest's pkgdown page (lpSolve: C->B 15, D->A 30, D->B 25) is stored
  as `migest_documented` and checked to be optimal; the optimum is not unique, so only the
  objective and the nets are references for other solvers.
* random_costs_*: random nets (integers summing to zero) and uniform(1, 10) costs on the
  off-diagonal cells, n = 5, 8, 12; one with extra random structural zeros (transshipment
  through other regions needed). The optimum is unique: the script asserts that every
  variable at zero has a strictly positive reduced cost (> 1e-6) at HiGHS's dual solution,
  which is sufficient for uniqueness.
* unit_costs_masked: unit costs with a sparse symmetric mask (a ring of 7 regions plus one
  chord): objective only (not unique).
* asymmetric_mask: migest's split-variable LP versus the non-negative one when only the directed
  cycle 0 -> 1 -> 2 -> 0 is allowed and region 1 must send 5 to region 0: migest's optimum is 5
  (a flow of -5 in cell 0 -> 1, a move along the forbidden direction 1 -> 0); the non-negative
  one is 10 (1 -> 2 -> 0), unique, and is MigrationKit's.
"""
import json
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

HERE = Path(__file__).resolve().parent


def incidence(n, cells):
    """Row k: +1 for cells entering k, -1 for cells leaving k (in - out)."""
    a = np.zeros((n, len(cells)))
    for c, (i, j) in enumerate(cells):
        a[i, c] -= 1
        a[j, c] += 1
    return a


def solve_nonnegative(net, mask, cost):
    n = len(net)
    cells = [(i, j) for i in range(n) for j in range(n) if not mask[i][j]]
    a = incidence(n, cells)
    c = np.array([cost[i][j] for i, j in cells], float)
    res = linprog(c, A_eq=a, b_eq=net, bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    y = np.zeros((n, n))
    for (i, j), v in zip(cells, res.x):
        y[i, j] = v
    # reduced costs of the variables at their lower bound
    reduced = res.lower.marginals
    at_zero = res.x <= 1e-12
    unique = bool(np.all(reduced[at_zero] > 1e-6))
    return y, float(res.fun), unique


def solve_migest(net, mask):
    """R/net_matrix_lp.R's LP: split variables, unit objective."""
    n = len(net)
    cells = [(i, j) for j in range(n) for i in range(n) if not mask[i][j]]   # which(arr.ind) is column-major
    a = incidence(n, cells)
    a2 = np.hstack([a, -a])
    res = linprog(np.ones(2 * len(cells)), A_eq=a2, b_eq=net, bounds=(0, None), method="highs")
    assert res.status == 0, res.message
    return float(res.fun)


def check(y, net, mask):
    n = len(net)
    assert np.all(y >= -1e-12)
    assert all(y[i, j] == 0 for i in range(n) for j in range(n) if mask[i][j])
    assert np.max(np.abs(y.sum(0) - y.sum(1) - net)) < 1e-9


def fl(a):
    return np.asarray(a, float).tolist()


def main():
    rng = np.random.default_rng(20261206)
    cases = {}

    # migest's example
    m = np.array([[0, 100, 30, 70], [50, 0, 45, 5], [60, 35, 0, 40], [20, 25, 20, 0]], float)
    net = np.array([30, 40, -15, -55], float)
    mask = np.eye(4, dtype=bool)
    ones = np.ones((4, 4))
    y, obj, _ = solve_nonnegative(net, mask, ones)
    check(y, net, mask)
    obj_migest = solve_migest(net, mask)
    documented = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0, 15, 0, 0], [30, 25, 0, 0]], float)
    check(documented, net, mask)
    assert abs(obj - 70) < 1e-9 and abs(obj_migest - 70) < 1e-9 and documented.sum() == 70
    cases["migest_example"] = {"net": fl(net), "mask": mask.tolist(), "costs": None, "prior": fl(m), "objective": obj,
                               "objective_migest_lp": obj_migest, "migest_documented": fl(documented),
                               "migest_documented_value": float(np.abs(documented - m).sum()), "flows": None}

    # random costs: unique optima
    for n, extra_zeros in ((5, 0.0), (8, 0.0), (12, 0.0), (9, 0.35)):
        while True:
            net = rng.integers(-50, 51, size=n).astype(float)
            net[-1] -= net.sum()
            cost = rng.uniform(1, 10, size=(n, n))
            mask = np.eye(n, dtype=bool) | (rng.uniform(size=(n, n)) < extra_zeros)
            try:
                y, obj, unique = solve_nonnegative(net, mask, cost)
            except AssertionError:
                continue                      # infeasible mask: draw again
            if unique:
                break
        check(y, net, mask)
        name = f"random_costs_{n}" + ("_masked" if extra_zeros else "")
        cases[name] = {"net": fl(net), "mask": mask.tolist(), "costs": fl(cost), "prior": None, "objective": obj, "flows": fl(y)}

    # unit costs on a sparse symmetric mask: transshipment along a ring
    n = 7
    mask = np.ones((n, n), dtype=bool)
    for i in range(n):
        mask[i, (i + 1) % n] = mask[(i + 1) % n, i] = False
    mask[0, 3] = mask[3, 0] = False
    net = np.array([25, -10, 0, -40, 5, 30, -10], float)
    y, obj, _ = solve_nonnegative(net, mask, np.ones((n, n)))
    check(y, net, mask)
    assert abs(obj - solve_migest(net, mask)) < 1e-9
    cases["unit_costs_masked"] = {"net": fl(net), "mask": mask.tolist(), "costs": None, "prior": None, "objective": obj, "flows": None}

    # asymmetric mask: only the directed cycle 0 -> 1 -> 2 -> 0 is allowed; region 1 must send 5
    # to region 0. Non-negative flows go 1 -> 2 -> 0 (total 10); migest's LP puts -5 on 0 -> 1
    # (total 5).
    mask = np.ones((3, 3), dtype=bool)
    mask[0, 1] = mask[1, 2] = mask[2, 0] = False
    net = np.array([5, -5, 0], float)
    y, obj, _ = solve_nonnegative(net, mask, np.ones((3, 3)))
    check(y, net, mask)
    obj_migest = solve_migest(net, mask)
    assert abs(obj - 10) < 1e-9 and abs(obj_migest - 5) < 1e-9
    cases["asymmetric_mask"] = {"net": fl(net), "mask": mask.tolist(), "costs": None, "prior": None, "objective": obj,
                                "objective_migest_lp": obj_migest, "flows": fl(y)}

    import scipy
    out = {"generator": "make_lp_reference.py", "scipy": scipy.__version__, "numpy": np.__version__, "cases": cases}
    (HERE / "lp_reference.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
