#!/usr/bin/env python3
"""Reference values for the migest functions added in issue 17, by re-implementing migest
2.0.5's R code (github.com/guyabel/migest, commit 690b0f7) line by line in numpy — R and CRAN
are not available here, and every algorithm below is deterministic and unambiguous.

Run from the repository root (pip install numpy):

    python3 Tests/Fixtures/flows/make_migest_reference.py

Writes Tests/Fixtures/flows/migest_reference.json. Inputs are the roxygen @examples of each
function (migest's de-facto tests); iterative routines run migest's own update rule with a
tolerance far below migest's default (1e-13 instead of 1e-6), so the values are the fixed point.

* ffs_rates (R/ffs_rates.R): "dennett" with M = sum(abs(colSums(s2) - colSums(s1))) and
  "rogers-von-rabenau" on the 4 x 4 example.
* cm_net_tot (R/cm_net_tot.R): both examples (m = matrix(1:16, 4), net (30, 40, -15, -55),
  tot 200; the 4 x 4 prior with net (-100, 125, -75, 50), tot 600): n, alpha (alpha_1 = 1),
  lambda.
* cm_net (R/cm_net.R): first example (m = matrix(1:16, 4), diagonal kept): n and alpha / alpha_1.
* cm2 (R/cm2.R): Willekens (1999): n, alpha * beta_1 and beta / beta_1 (the normalisation
  MigrationKit reports; migest's own theta is stored too).
* cm3 (R/cm3.R): its first example (two 2 x 2 tables ILL, HEALTHY; row totals (36, 40),
  column totals (32, 44)): n and the factors normalised as cm2's.
* nb_scale_global + rescale_integer_sum (R/nb_scale_global.R, R/rescale_integer_sum.R): the
  integer native-born rule on three stock pairs (gap even, odd, and with remainder mod 2 in
  (0, 0.5)); R's round is half-to-even (numpy's round is too). Ties of the largest value are
  broken by the first index (migest samples one at random; none of these cases has a tie).
* rescale_net(integer_result = TRUE) (R/rescale_net.R) on its example.
* index_connectivity (R/index_connectivity.R) and the migration.indices functions it calls
  (github.com/daroczig/migration.indices, R/gini.R and R/acv.R, the version with `corrected`),
  re-implemented on migration.indices' own example matrices migration.hyp and migration.hyp2
  and one random 5 x 5 matrix; `documented` holds the values printed in migration.indices'
  @examples (gini.row/col.standardized, weighted.gini.in/out/mean, acv), an independent check.
  glm(round(flow) ~ orig + dest, poisson) of inequality_sim is the quasi-independence fit of
  the off-diagonal cells, computed by IPF to 1e-14.
* index_age (R/index_age.R) on two profiles: the Rogers-Castro fundamental schedule
  (rc_model_fund: a1 0.02, alpha1 0.1, a2 0.06, alpha2 0.1, mu2 20, lambda2 0.4, c 0.003) at
  ages 0-80, and the same times a deterministic wiggle; migest's code as written (peak window by
  1-based row position, murc/mdrc as ages).
* matrixStats::weightedMedian(interpolate = TRUE) (src/weightedMedian_lowlevel_template.h),
  which index_distance uses, on matrixStats' own test vectors (x = 1:10 with equal weights
  -> 5.5; with w[1] = 5 -> 3.5, asserted there against median(c(rep(0, 5), 2:10))) and one
  random case.
"""
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TOL = 1e-13


def r_matrix(values, nrow, byrow=False):
    a = np.asarray(values, float)
    return a.reshape(nrow, -1) if byrow else a.reshape(-1, nrow).T


def quadratic_positive(a, b, c):
    # migest quadratic_eqn: both roots of a x^2 + b x + c, keep the positive one(s)
    disc = b * b - 4 * a * c
    roots = [(-b + np.sqrt(disc)) / (2 * a), (-b - np.sqrt(disc)) / (2 * a)]
    p = [r for r in roots if r > 0]
    return p[0] if p else 1.0


def cm_net_tot(net, tot, m, maxit=100000):
    R = len(net)
    alpha = np.ones(R)
    lam = 1.0
    for it in range(maxit):
        alpha_old, lam_old = alpha.copy(), lam
        for i in range(1, R):          # alpha_constrained: alpha_1 stays 1
            alpha[i] = quadratic_positive(np.sum(1 / alpha_old * m[i, :] * lam_old), net[i],
                                          -np.sum(alpha_old * m[:, i] * lam_old))
        f0 = np.diag(alpha_old) @ m @ np.diag(1 / alpha_old)
        lam = tot / f0.sum()
        if np.max(np.abs(np.r_[alpha_old, lam_old] - np.r_[alpha, lam])) <= TOL:
            break
    f = lam * np.diag(alpha) @ m @ np.diag(1 / alpha)
    return f, alpha, lam


def cm_net(net, m, maxit=100000):
    R = len(net)
    alpha = np.ones(R)
    for it in range(maxit):
        alpha_old = alpha.copy()
        for i in range(R):
            alpha[i] = quadratic_positive(np.sum(1 / alpha_old * m[i, :]), net[i], -np.sum(alpha_old * m[:, i]))
        if np.max(np.abs(alpha_old - alpha)) <= TOL:
            break
    return np.diag(alpha) @ m @ np.diag(1 / alpha), alpha


def cm2(row, col, m, maxit=100000):
    alpha, beta = np.ones(m.shape[0]), np.ones(m.shape[1])
    for it in range(maxit):
        alpha_old = alpha.copy()
        for i in range(m.shape[0]):
            alpha[i] = row[i] / np.sum(beta * m[i, :])
        beta_old = beta.copy()
        for j in range(m.shape[1]):
            beta[j] = col[j] / np.sum(alpha * m[:, j])
        if np.max(np.abs(np.r_[alpha_old - alpha, beta_old - beta])) <= TOL:
            break
    return np.outer(alpha, beta) * m, alpha, beta


def cm3(row, col, m, maxit=100000):
    I, J = m.shape[0], m.shape[1]
    alpha, beta = np.ones(I), np.ones(J)
    msum = m.sum(axis=2)                       # R: apply(m, c(1, 2), sum)
    for it in range(maxit):
        alpha_old = alpha.copy()
        for i in range(I):
            alpha[i] = row[i] / np.sum(beta * msum[i, :])
        beta_old = beta.copy()
        for j in range(J):
            beta[j] = col[j] / np.sum(alpha * msum[:, j])
        if np.max(np.abs(np.r_[alpha_old - alpha, beta_old - beta])) <= TOL:
            break
    return alpha[:, None, None] * beta[None, :, None] * m, alpha, beta


def rescale_integer_sum(x, tot):
    xx = np.round(x * (tot / np.sum(x)))
    d = tot - np.sum(xx)
    if d != 0:
        idx = np.where(x == np.max(np.abs(x)))[0]
        assert len(idx) == 1, "a tie: migest would choose at random"
        xx[idx[0]] += d
    return xx


def nb_scale_global(m1, m2, b, d):
    m1, m2 = m1.copy(), m2.copy()
    pop_grow = np.sum(m2 - m1)
    nat_grow = np.sum(np.asarray(b) - np.asarray(d))
    dd = nat_grow - pop_grow
    tot1, tot2 = np.trace(m1), np.trace(m2)
    if round(dd % 2) == 0 and dd % 2 != 0:       # Python's % is R's %% for a positive modulus
        np.fill_diagonal(m2, rescale_integer_sum(np.diag(m2), tot2 + 1))
        pop_grow = np.sum(m2 - m1)
        dd = nat_grow - pop_grow
        tot2 = np.trace(m2)
    if dd != 0:
        np.fill_diagonal(m1, rescale_integer_sum(np.diag(m1), tot1 - dd / 2))
        np.fill_diagonal(m2, rescale_integer_sum(np.diag(m2), tot2 + dd / 2))
    return m1, m2, float(dd)


def rescale_net_integer(x, method="no-switches"):
    x = np.asarray(x, float)
    if method == "no-switches":
        p, q = x[x > 0].sum(), x[x < 0].sum()
        d = (p + q) / 2
        y = x.copy()
        y[x > 0] = x[x > 0] * (p - d) / p
        y[x < 0] = x[x < 0] * (q - d) / q
    else:
        y = x - x.mean()
    y = np.round(y)
    d = y.sum()
    if d != 0:
        idx = np.where(np.abs(y) == np.max(np.abs(y)))[0]
        assert len(idx) == 1
        y[idx[0]] -= d
    return y


def weighted_median_interpolated(x, w):
    keep = w > 0
    x, w = np.asarray(x, float)[keep], np.asarray(w, float)[keep]
    if len(x) == 1:
        return float(x[0])
    o = np.argsort(x, kind="stable")
    x, w = x[o], w[o] / w.sum()
    c = np.cumsum(w) - w / 2
    k = int(np.argmax(c >= 0.5))
    if k == 0:
        return float(x[0])
    return float(x[k] + (0.5 - c[k]) / (c[k] - c[k - 1]) * (x[k] - x[k - 1]))


def pair_sum(v):
    v = np.asarray(v, float)
    return float(np.abs(v[:, None] - v[None, :]).sum())


def ipf_quasi_independence(rows, cols, n):
    seed = np.ones((n, n)); np.fill_diagonal(seed, 0)
    y = seed.copy()
    for _ in range(100000):
        y *= (rows / np.maximum(y.sum(1), 1e-300))[:, None]
        y *= (cols / np.maximum(y.sum(0), 1e-300))[None, :]
        if np.max(np.abs(y.sum(1) - rows)) < 1e-14 * max(1, rows.sum()):
            break
    return y


def index_connectivity(m):
    m = np.asarray(m, float).copy()
    np.fill_diagonal(m, 0)
    n = m.shape[0]
    off = ~np.eye(n, dtype=bool)
    vals = m[off]                      # R: m[xor(upper.tri, lower.tri)] - column-major order, order irrelevant here
    M, N = vals.sum(), len(vals)
    rows = [m[i, off[i]] for i in range(n)]
    cols = [m[off[:, j], j] for j in range(n)]
    gini_total = pair_sum(vals) / (2 * (N - 1) * M)
    gini_total_unc = pair_sum(vals) / (2 * N * M)
    gini_row = sum(pair_sum(r) for r in rows) / (2 * N * M)
    gini_col = sum(pair_sum(c) for c in cols) / (2 * N * M)
    gout = np.array([pair_sum(rows[i]) / (2 * (n - 2) * rows[i].sum()) for i in range(n)])
    gin = np.array([pair_sum(cols[j]) / (2 * (n - 2) * cols[j].sum()) for j in range(n)])
    mwg_orig = float(np.sum(gout * m.sum(0) / M) / n)
    mwg_dest = float(np.sum(gin * m.sum(1) / M) / n)
    cv_in = np.array([np.std(c) / np.mean(c) for c in cols])        # np.std is the population sd
    cv_out = np.array([np.std(r) / np.mean(r) for r in rows])
    acv = float(np.sum(m.sum(0) / M * cv_in) + np.sum(m.sum(1) / M * cv_out))
    L = n * n
    cv_migest = float(np.sqrt(np.sum((m - m.mean()) ** 2) / (L * (L - 1)) / m.mean()))
    rounded = np.round(m)
    f0 = ipf_quasi_independence(rounded.sum(1), rounded.sum(0), n)
    return {
        "connectivity": float(np.mean(vals > 0)),
        "inequality_equal": float(0.5 * np.sum(np.abs(vals / M - np.mean(vals) / M))),
        "inequality_sim": float(0.5 * np.sum(np.abs(vals / M - f0[off] / f0[off].sum()))),
        "gini_total": gini_total, "gini_total_uncorrected": gini_total_unc,
        "gini_orig_standardized": gini_row / gini_total_unc, "gini_dest_standardized": gini_col / gini_total_unc,
        "mwg_orig": mwg_orig, "mwg_dest": mwg_dest, "mwg_mean": (mwg_orig + mwg_dest) / 2,
        "cv_migest": cv_migest, "acv": acv,
    }


def index_age(age, mi, age_min=5, age_max=65, breadth=5):
    a = np.asarray(age, float)
    m = 100 * np.asarray(mi, float)
    nmi = m / m.sum()
    d = np.r_[0, np.diff(nmi)]
    study = (a > age_min) & (a < age_max)
    peak_age = a[nmi == nmi.max()][0]
    pos = np.arange(int(peak_age) - breadth, int(peak_age) + breadth + 1) - 1   # R's 1-based positions
    max_d, min_d = d[study].max(), d[study].min()
    murc, mdrc = a[d == max_d][0], a[d == min_d][0]
    return {"gmr": float(m.sum() / 100), "peak_mi": float(m[study].max()), "peak_age": float(peak_age),
            "peak_breadth": float(m[pos].sum()), "peak_share": float(100 * nmi[pos].sum()),
            "murc": float(murc), "mdrc": float(mdrc), "asymmetry": float(murc / mdrc)}


def fl(a):
    return np.asarray(a, float).tolist()


def main():
    out = {"generator": "Tests/Fixtures/flows/make_migest_reference.py", "migest": "2.0.5 (690b0f7)",
           "numpy": np.__version__}
    s1 = r_matrix([100, 10, 10, 0, 20, 55, 25, 10, 10, 40, 140, 65, 20, 25, 20, 200], 4, byrow=True)
    s2 = r_matrix([75, 25, 5, 15, 20, 45, 30, 15, 30, 40, 150, 35, 10, 50, 5, 200], 4, byrow=True)
    M = float(np.sum(np.abs(s2.sum(0) - s1.sum(0))))
    P = s1.copy(); np.fill_diagonal(P, 0)
    dennett = M * P / P.sum()
    g = np.linalg.solve(s1, s2)
    rvr = g * np.tile(s1.sum(0)[:, None], (1, 4))
    np.fill_diagonal(rvr, 0)
    out["ffs_rates"] = {"s1": fl(s1), "s2": fl(s2), "M": M, "dennett": fl(dennett), "rogers_von_rabenau": fl(rvr)}

    m16 = r_matrix(range(1, 17), 4)
    prior = r_matrix([0, 100, 30, 70, 50, 0, 45, 5, 60, 35, 0, 40, 20, 25, 20, 0], 4, byrow=True)
    cases = []
    for net, tot, m in [([30, 40, -15, -55], 200, m16), ([-100, 125, -75, 50], 600, prior)]:
        f, a, lam = cm_net_tot(np.asarray(net, float), tot, m)
        cases.append({"net": net, "tot": tot, "m": fl(m), "n": fl(f), "alpha": fl(a), "lambda": float(lam)})
    out["cm_net_tot"] = cases
    f, a = cm_net(np.asarray([30, 40, -15, -55], float), m16)
    out["cm_net"] = {"net": [30, 40, -15, -55], "m": fl(m16), "n": fl(f), "alpha_normalised": fl(a / a[0])}
    mw = r_matrix([5, 1, 2, 7], 2)
    f, a, b = cm2([18, 20], [16, 22], mw)
    out["cm2"] = {"row_tot": [18, 20], "col_tot": [16, 22], "m": fl(mw), "n": fl(f), "theta_alpha": fl(a), "theta_beta": fl(b),
                  "alpha_normalised": fl(a * b[0]), "beta_normalised": fl(b / b[0])}

    m3 = np.array([5, 1, 2, 7, 4, 2, 5, 9], float).reshape(2, 2, 2, order="F")   # R array(c(...), c(2, 2, 2))
    f3, a3, b3 = cm3([36, 40], [32, 44], m3)
    out["cm3"] = {"row_tot": [36, 40], "col_tot": [32, 44], "m_row_major": fl(m3.reshape(-1)), "n_row_major": fl(f3.reshape(-1)),
                  "alpha_normalised": fl(a3 * b3[0]), "beta_normalised": fl(b3 / b3[0])}

    demo = []
    sa = r_matrix([1000, 55, 80, 20, 100, 555, 40, 25, 10, 50, 800, 20, 0, 5, 40, 200], 4, byrow=True)
    sb = r_matrix([1060, 45, 70, 30, 60, 540, 75, 30, 10, 40, 770, 20, 10, 0, 70, 230], 4, byrow=True)
    for name, m1, m2, b, d in [("even_gap", sa, sb, [80, 20, 60, 70], [70, 30, 50, 10]),
                               ("odd_gap", sa, sb, [80, 20, 60, 61], [70, 30, 50, 10]),
                               ("gap_mod2_below_half", sa, sb - np.diag([0.3, 0, 0, 0]), [80, 20, 60, 60], [70, 30, 50, 10])]:
        a1, a2, dd = nb_scale_global(m1, m2, b, d)
        demo.append({"name": name, "s1": fl(m1), "s2": fl(m2), "births": b, "deaths": d, "dd": dd,
                     "s1_adjusted_diagonal": fl(np.diag(a1)), "s2_adjusted_diagonal": fl(np.diag(a2))})
    out["nb_scale_global"] = demo

    x = [-200, -30, -5, 0, 10, 20, 60, 80]
    out["rescale_net_integer"] = {"x": x, "no_switches": fl(rescale_net_integer(x)), "switches": fl(rescale_net_integer(x, "switches"))}

    rng = np.random.default_rng(17)
    xr, wr = np.round(rng.uniform(1, 100, 12), 3), np.round(rng.uniform(0, 50, 12), 3)
    wm = [{"x": list(range(1, 11)), "w": [1] * 10, "median": 5.5, "source": "matrixStats tests/weightedMedian.R"},
          {"x": list(range(1, 11)), "w": [5] + [1] * 9, "median": 3.5, "source": "matrixStats tests/weightedMedian.R"},
          {"x": fl(xr), "w": fl(wr), "median": weighted_median_interpolated(xr, wr), "source": "re-implementation"}]
    for c in wm[:2]:
        assert abs(weighted_median_interpolated(np.array(c["x"]), np.array(c["w"])) - c["median"]) < 1e-12
    out["weighted_median_interpolated"] = wm
    hyp = r_matrix([0, 20, 30, 10, 0, 30, 10, 20, 0], 3)
    hyp2 = r_matrix([0, 30, 20, 20, 0, 20, 20, 50, 0], 3)
    rnd = np.round(rng.uniform(0, 100, (5, 5)), 2)
    np.fill_diagonal(rnd, 0)
    documented = {
        "hyp": {"gini_orig_standardized": 0.0, "gini_dest_standardized": 0.25, "mwg_orig": 0.0, "mwg_dest": 0.1222222,
                "mwg_mean": 0.06111111, "acv": 0.3333333, "gini_total": 0.2666667, "gini_total_uncorrected": 0.2222222},
        "hyp2": {"gini_orig_standardized": 0.1111111, "gini_dest_standardized": 0.2222222, "mwg_orig": 0.02083333,
                 "mwg_dest": 0.05238095, "mwg_mean": 0.03660714, "acv": 0.375, "gini_total": 0.225, "gini_total_uncorrected": 0.1875},
    }
    conn = {}
    for name, m in [("hyp", hyp), ("hyp2", hyp2), ("random5", rnd)]:
        v = index_connectivity(m)
        for key, value in documented.get(name, {}).items():
            assert abs(v[key] - value) < 5e-7, (name, key, v[key], value)
        conn[name] = {"m": fl(m), "values": v, "documented": documented.get(name, {})}
    out["index_connectivity"] = conn
    ages = np.arange(0, 81, dtype=float)
    rc = 0.02 * np.exp(-0.1 * ages) + 0.06 * np.exp(-0.1 * (ages - 20) - np.exp(-0.4 * (ages - 20))) + 0.003
    wiggle = rc * (1 + 0.05 * np.sin(ages / 3.0))
    out["index_age"] = [{"age": fl(ages), "mi": fl(p), "values": index_age(ages, p)} for p in (rc, wiggle)]
    (HERE / "migest_reference.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
