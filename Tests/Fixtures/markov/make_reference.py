#!/usr/bin/env python3
"""Generate numpy/scipy reference values for the Swift Markov-chain and cohort-component tests.

Run from the repository root:

    python3 Tests/Fixtures/markov/make_reference.py

Writes `reference.json` next to this script. Deterministic: every random input comes from one
`np.random.default_rng(20261201)` stream, drawn in a fixed order. See README.md here for the cases.

Every result is computed here independently of the Swift code (numpy/scipy and plain Python
loops) and, where a second route exists, checked against it before writing:
  * stationary distribution: least squares on [(P^T - I); 1^T] vs the eigenvector of P^T for 1;
  * mean first-passage times: Kemeny-Snell Z formula vs one linear system per target state;
  * absorbing chain: N, t = N1, Var = (2N - I)t - t^2 vs the second-moment recursion
    (I - Q)s = 1 + 2Qt, B = NR vs a linear solve;
  * Wilson intervals: the closed form vs scipy.stats.binomtest(...).proportion_ci('wilson');
  * G^2 / X^2 tests: per-state sums of scipy.stats.chi2_contingency;
  * aggregate (Lee-Judge-Zellner) estimate: exhaustive search over active sets of the KKT
    conditions vs scipy.optimize.minimize(SLSQP);
  * cohort-component projection: explicit loops over regions, ages, sexes and destinations vs
    the dense multiregional Leslie matrix built from its entry formulas.

Conventions: matrix -> {"rows", "cols", "data" (COLUMN-MAJOR)}; vector -> list; no NaN/Inf.
"""

import itertools
import json
import math
import os

import numpy as np
import scipy
import scipy.optimize as opt
import scipy.stats as st

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "reference.json")
SEED = 20261201
rng = np.random.default_rng(SEED)


def mat(a):
    a = np.asarray(a, dtype=np.float64)
    assert a.ndim == 2
    return {"rows": int(a.shape[0]), "cols": int(a.shape[1]), "data": [float(v) for v in a.flatten(order="F")]}


def vec(v):
    return [float(t) for t in np.asarray(v, dtype=np.float64).ravel()]


def close(a, b, tol, what):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    err = np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))) if a.size else 0.0
    assert err <= tol, f"{what}: cross-check differs by {err}"


def random_stochastic(k, zeros=()):
    p = rng.uniform(0.05, 1.0, size=(k, k))
    for (i, j) in zeros:
        p[i, j] = 0.0
    return p / p.sum(axis=1, keepdims=True)


cases = {}

# ---------------------------------------------------------------------------------------------
# 1. Ergodic 4-state chain
# ---------------------------------------------------------------------------------------------
erg_states = ["at home", "internally displaced", "refugee", "returned"]
P = random_stochastic(4, zeros=[(0, 3), (3, 1)])
K = 4
A = np.vstack([P.T - np.eye(K), np.ones((1, K))])
b = np.zeros(K + 1)
b[K] = 1
pi = np.linalg.lstsq(A, b, rcond=None)[0]
w, V = np.linalg.eig(P.T)
k1 = int(np.argmin(np.abs(w - 1)))
pi_eig = np.real(V[:, k1]) / np.real(V[:, k1]).sum()
close(pi, pi_eig, 1e-13, "stationary")
Z = np.linalg.solve(np.eye(K) - P + np.outer(np.ones(K), pi), np.eye(K))
M = np.empty((K, K))
for i in range(K):
    for j in range(K):
        M[i, j] = 1 / pi[j] if i == j else (Z[j, j] - Z[i, j]) / pi[j]
# second route: for each target j, m_ij = 1 + sum_{k != j} p_ik m_kj
M2 = np.empty((K, K))
for j in range(K):
    others = [k for k in range(K) if k != j]
    Qj = P[np.ix_(others, others)]
    m = np.linalg.solve(np.eye(K - 1) - Qj, np.ones(K - 1))
    M2[others, j] = m
    M2[j, j] = 1 + P[j, others] @ m
close(M, M2, 1e-12, "first passage")
x0 = np.array([1000.0, 250.0, 120.0, 30.0])
path = [x0]
for _ in range(10):
    path.append(path[-1] @ P)
cases["ergodic4"] = {
    "states": erg_states, "P": mat(P), "stationary": vec(pi), "Z": mat(Z), "M": mat(M),
    "P5": mat(np.linalg.matrix_power(P, 5)), "x0": vec(x0), "path": [vec(x) for x in path],
}

# ---------------------------------------------------------------------------------------------
# 2. Absorbing 5-state chain: internally displaced, asylum seeker, refugee -> returned, resettled
# ---------------------------------------------------------------------------------------------
abs_states = ["internally displaced", "asylum seeker", "refugee", "returned", "resettled"]
Pa = np.array([
    [0.80, 0.06, 0.04, 0.10, 0.00],
    [0.00, 0.55, 0.30, 0.10, 0.05],
    [0.02, 0.00, 0.88, 0.07, 0.03],
    [0.00, 0.00, 0.00, 1.00, 0.00],
    [0.00, 0.00, 0.00, 0.00, 1.00],
])
# perturb deterministically so the values are not round
noise = rng.uniform(0.9, 1.1, size=(3, 5))
Pa[:3] = Pa[:3] * np.where(Pa[:3] > 0, noise, 0)
Pa[:3] = Pa[:3] / Pa[:3].sum(axis=1, keepdims=True)
Q = Pa[:3, :3]
R = Pa[:3, 3:]
N = np.linalg.inv(np.eye(3) - Q)
t = N @ np.ones(3)
var = (2 * N - np.eye(3)) @ t - t * t
s2 = np.linalg.solve(np.eye(3) - Q, np.ones(3) + 2 * Q @ t)
close(var, s2 - t * t, 1e-12, "variance")
close(t, np.linalg.solve(np.eye(3) - Q, np.ones(3)), 1e-13, "t")
B = N @ R
close(B, np.linalg.solve(np.eye(3) - Q, R), 1e-13, "B")
close(B.sum(axis=1), np.ones(3), 1e-13, "B rows")
x0a = np.array([5000.0, 800.0, 2500.0, 0.0, 0.0])
patha = [x0a]
for _ in range(8):
    patha.append(patha[-1] @ Pa)
cases["absorbing5"] = {
    "states": abs_states, "P": mat(Pa), "transient": abs_states[:3], "absorbing": abs_states[3:],
    "N": mat(N), "t": vec(t), "variance": vec(var), "B": mat(B), "x0": vec(x0a), "path": [vec(x) for x in patha],
}

# ---------------------------------------------------------------------------------------------
# 3. Maximum likelihood from sequences of the absorbing chain (sequences stop at absorption,
#    so the absorbing rows are unobserved)
# ---------------------------------------------------------------------------------------------
seqs = []
for n in range(120):
    s = int(rng.choice(3, p=[0.5, 0.2, 0.3]))
    seq = [s]
    while s < 3 and len(seq) < 25:
        s = int(rng.choice(5, p=Pa[s]))
        seq.append(s)
    seqs.append(seq)
counts = np.zeros((5, 5))
for seq in seqs:
    for a_, b_ in zip(seq[:-1], seq[1:]):
        counts[a_, b_] += 1
ni = counts.sum(axis=1)
phat = np.zeros((5, 5))
for i in range(5):
    if ni[i] > 0:
        phat[i] = counts[i] / ni[i]
    else:
        phat[i, i] = 1.0
loglik = float(sum(counts[i, j] * math.log(phat[i, j]) for i in range(5) for j in range(5) if counts[i, j] > 0))
z = st.norm.ppf(0.975)
lo = np.zeros((5, 5))
hi = np.ones((5, 5))
se = np.zeros((5, 5))
for i in range(3):
    n = ni[i]
    for j in range(5):
        p = phat[i, j]
        se[i, j] = math.sqrt(p * (1 - p) / n)
        c = (p + z * z / (2 * n)) / (1 + z * z / n)
        h = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        lo[i, j], hi[i, j] = max(0.0, c - h), min(1.0, c + h)
        ci = st.binomtest(int(counts[i, j]), int(n)).proportion_ci(0.95, method="wilson")
        close([lo[i, j], hi[i, j]], [ci.low, ci.high], 1e-12, "wilson")
cases["mle"] = {
    "states": abs_states, "sequences": [[abs_states[k] for k in seq] for seq in seqs],
    "counts": mat(counts), "P": mat(phat), "loglik": loglik, "se_transient": mat(se[:3]),
    "lower_transient": mat(lo[:3]), "upper_transient": mat(hi[:3]), "z": float(z),
}

# ---------------------------------------------------------------------------------------------
# 4. Time homogeneity (panel, 4 waves, transition matrix changing between waves)
# ---------------------------------------------------------------------------------------------
hstates = ["displaced", "integrated", "returned"]
P1 = random_stochastic(3)
P2 = 0.7 * P1 + 0.3 * random_stochastic(3)
waves_P = [P1, P1, P2]
panel = []
for n in range(250):
    s = int(rng.choice(3))
    row = [s]
    for P_ in waves_P:
        s = int(rng.choice(3, p=P_[s]))
        row.append(s)
    panel.append(row)
panel = np.array(panel)
# some missing observations: wave 2 unobserved for every 10th individual
panel_obj = [[hstates[v] for v in row] for row in panel]
for n in range(0, 250, 10):
    panel_obj[n][2] = None


def period_counts(w):
    c = np.zeros((3, 3))
    for row in panel_obj:
        if row[w] is not None and row[w + 1] is not None:
            c[hstates.index(row[w]), hstates.index(row[w + 1])] += 1
    return c


tables = [period_counts(w) for w in range(3)]


def lr_tests(per_state_tables):
    g2 = x2 = 0.0
    df = 0
    parts = []
    for tab in per_state_tables:
        tab = np.asarray(tab, dtype=float)
        tab = tab[tab.sum(axis=1) > 0][:, tab.sum(axis=0) > 0]
        if tab.shape[0] < 2 or tab.shape[1] < 2:
            parts.append([0.0, 0.0, 0])
            continue
        g, _, d, _ = st.chi2_contingency(tab, correction=False, lambda_="log-likelihood")
        x, _, d2, _ = st.chi2_contingency(tab, correction=False)
        assert d == d2
        g2 += g
        x2 += x
        df += int(d)
        parts.append([float(g), float(x), int(d)])
    return {"G2": g2, "X2": x2, "df": df, "p": float(st.chi2.sf(g2, df)), "p_pearson": float(st.chi2.sf(x2, df)),
            "by_state": parts}


cases["homogeneity"] = {
    "states": hstates, "panel": panel_obj, "period_counts": [mat(t_) for t_ in tables],
    **lr_tests([[tab[i] for tab in tables] for i in range(3)]),
}

# ---------------------------------------------------------------------------------------------
# 5. Markov property (sequences from a second-order process)
# ---------------------------------------------------------------------------------------------
P2nd = {h: random_stochastic(3) for h in range(3)}
mseqs = []
for n in range(150):
    prev, cur = int(rng.choice(3)), int(rng.choice(3))
    seq = [prev, cur]
    for _ in range(int(rng.integers(3, 8))):
        nxt = int(rng.choice(3, p=P2nd[prev][cur]))
        seq.append(nxt)
        prev, cur = cur, nxt
    mseqs.append(seq)
triples = np.zeros((3, 3, 3))  # [middle][previous][next]
for seq in mseqs:
    for a_, b_, c_ in zip(seq[:-2], seq[1:-1], seq[2:]):
        triples[b_, a_, c_] += 1
cases["markov_property"] = {
    "states": hstates, "sequences": [[hstates[k] for k in s] for s in mseqs],
    **lr_tests([triples[i] for i in range(3)]),
}

# ---------------------------------------------------------------------------------------------
# 6. Aggregate (Lee-Judge-Zellner) restricted least squares from shares
# ---------------------------------------------------------------------------------------------
agg_states = ["displaced", "returned", "settled"]


def aggregate_case(name, Ptrue, y0, T, noise_sd, require_zeros):
    y = [np.asarray(y0, dtype=float)]
    for _ in range(T):
        nxt = y[-1] @ Ptrue + rng.normal(0, noise_sd, 3)
        nxt = np.clip(nxt, 1e-4, None)
        y.append(nxt / nxt.sum())
    Y = np.array(y)
    X = Y[:-1]
    Ynext = Y[1:]
    k = 3
    G = X.T @ X
    c = np.concatenate([X.T @ Ynext[:, j] for j in range(k)])  # index j*k + i
    nvar = k * k
    H = np.kron(np.eye(k), G)
    Aeq = np.zeros((k, nvar))
    for i in range(k):
        for j in range(k):
            Aeq[i, j * k + i] = 1.0

    def objective(v):
        Pm = np.array([[v[j * k + i] for j in range(k)] for i in range(k)])
        r = Ynext - X @ Pm
        return float((r * r).sum())

    best = None
    for mask in itertools.product([False, True], repeat=nvar):  # True = fixed at zero
        free = [l for l in range(nvar) if not mask[l]]
        f = len(free)
        KKT = np.zeros((f + k, f + k))
        KKT[:f, :f] = H[np.ix_(free, free)]
        KKT[:f, f:] = Aeq[:, free].T
        KKT[f:, :f] = Aeq[:, free]
        rhs = np.concatenate([c[free], np.ones(k)])
        try:
            sol = np.linalg.solve(KKT, rhs)
        except np.linalg.LinAlgError:
            continue
        v = np.zeros(nvar)
        v[free] = sol[:f]
        lam = sol[f:]
        if np.any(v < -1e-12):
            continue
        mu = H @ v - c + Aeq.T @ lam
        if any(mu[l] < -1e-12 for l in range(nvar) if mask[l]):
            continue
        if best is None or objective(v) < objective(best[0]) - 1e-15:
            best = (np.clip(v, 0, None), mask)
    vstar, mask = best
    Phat = np.array([[vstar[j * k + i] for j in range(k)] for i in range(k)])
    cons = [{"type": "eq", "fun": lambda v, i=i: sum(v[j * k + i] for j in range(k)) - 1} for i in range(k)]
    slsqp = opt.minimize(objective, np.full(nvar, 1 / k), method="SLSQP", bounds=[(0, 1)] * nvar, constraints=cons,
                         options={"ftol": 1e-15, "maxiter": 1000})
    close(slsqp.x, vstar, 1e-5, name + ": SLSQP vs active-set enumeration")
    assert np.linalg.matrix_rank(X) == k
    zeros = [[agg_states[l % k], agg_states[l // k]] for l in range(nvar) if mask[l]]
    assert (len(zeros) > 0) == require_zeros, (name, zeros)
    cases[name] = {"states": agg_states, "shares": [vec(r) for r in Y], "P": mat(Phat), "rss": objective(vstar),
                   "zero_entries": zeros}


aggregate_case("aggregate", np.array([[0.70, 0.25, 0.05], [0.10, 0.90, 0.00], [0.00, 0.03, 0.97]]),
               [0.8, 0.15, 0.05], 14, 0.01, False)
aggregate_case("aggregate_boundary", np.array([[0.60, 0.30, 0.10], [0.00, 1.00, 0.00], [0.00, 0.00, 1.00]]),
               [0.9, 0.05, 0.05], 10, 0.02, True)

# ---------------------------------------------------------------------------------------------
# 7. Multiregional cohort-component projection: explicit loops vs the dense block matrix
# ---------------------------------------------------------------------------------------------


def make_rates(Rn, An, Sn, width, with_external):
    surv = rng.uniform(0.90, 0.995, size=(Sn, An, Rn))  # [s][a][i]
    surv[:, -1, :] = rng.uniform(0.5, 0.7, size=(Sn, Rn))
    fert = np.zeros((An, Rn))
    lo_, hi_ = max(1, An // 4), max(2, (3 * An) // 4)
    fert[lo_:hi_] = rng.uniform(0.02, 0.12, size=(hi_ - lo_, Rn))
    bsurv = rng.uniform(0.97, 0.995, size=(Sn, Rn))
    out = rng.uniform(0.0, 0.08, size=(Sn, An, Rn))
    D = rng.uniform(0.1, 1.0, size=(Rn, Rn))
    np.fill_diagonal(D, 0.0)
    D = D / D.sum(axis=1, keepdims=True)
    emig = rng.uniform(0.0, 0.02, size=(Sn, An, Rn)) if with_external else np.zeros((Sn, An, Rn))
    immig = rng.uniform(0.0, 30.0, size=(Sn, An, Rn)) if with_external else np.zeros((Sn, An, Rn))
    return dict(surv=surv, fert=fert, bsurv=bsurv, srb=1.05, out=out, D=D, emig=emig, immig=immig)


def step_loops(Kp, r, width):
    """One step with explicit loops. Kp[s][a][i]."""
    Sn, An, Rn = Kp.shape
    new = np.zeros_like(Kp)
    for s in range(Sn):
        for a in range(An):
            a2 = min(a + 1, An - 1)
            for i in range(Rn):
                v = r["surv"][s, a, i] * Kp[s, a, i]
                mv = r["out"][s, a, i] * v
                em = r["emig"][s, a, i] * v
                new[s, a2, i] += v - mv - em
                for j in range(Rn):
                    new[s, a2, j] += r["D"][i, j] * mv
    new += r["immig"]
    births = np.zeros(Rn)
    for i in range(Rn):
        for a in range(1, An):
            births[i] += width * r["fert"][a, i] * 0.5 * (Kp[0, a, i] + new[0, a, i])
    phi_f = 1 / (1 + r["srb"])
    for s in range(Sn):
        phi = phi_f if s == 0 else 1 - phi_f
        for i in range(Rn):
            new[s, 0, i] += phi * births[i] * r["bsurv"][s, i]
    return new, births


def dense_matrix(r, Rn, An, Sn, width):
    n = Rn * An * Sn
    idx = lambda i, a, s: i + Rn * (a + An * s)
    L = np.zeros((n, n))
    for s in range(Sn):
        for a in range(An):
            a2 = min(a + 1, An - 1)
            for i in range(Rn):
                sv, o, e = r["surv"][s, a, i], r["out"][s, a, i], r["emig"][s, a, i]
                for j in range(Rn):
                    L[idx(j, a2, s), idx(i, a, s)] += sv * ((1 - o - e) * (i == j) + o * r["D"][i, j])
    phi_f = 1 / (1 + r["srb"])
    for a in range(An):
        a2 = min(a + 1, An - 1)
        for i in range(Rn):
            for j in range(Rn):
                db = width / 2 * (r["fert"][a, j] * (i == j) + r["fert"][a2, j] * L[idx(j, a2, 0), idx(i, a, 0)])
                for s2 in range(Sn):
                    phi = phi_f if s2 == 0 else 1 - phi_f
                    L[idx(j, 0, s2), idx(i, a, 0)] += phi * r["bsurv"][s2, j] * db
    return L


def flat(arr3):  # [s][a][i] -> layout order i + R(a + A s)
    return vec(np.asarray(arr3).reshape(-1))


def rates_json(r):
    return {"survival": flat(r["surv"]), "fertility": vec(r["fert"].reshape(-1)), "birth_survival": vec(r["bsurv"].reshape(-1)),
            "srb": r["srb"], "outmigration": flat(r["out"]), "D": mat(r["D"]),
            "emigration": flat(r["emig"]), "immigration": flat(r["immig"])}


def projection_case(name, regions, An, Sn, width, steps, with_external):
    Rn = len(regions)
    K0 = rng.uniform(100.0, 1000.0, size=(Sn, An, Rn))
    per_step = [make_rates(Rn, An, Sn, width, with_external) for _ in range(steps)]
    pops = [K0]
    births = []
    for r in per_step:
        nxt, b_ = step_loops(pops[-1], r, width)
        pops.append(nxt)
        births.append(b_)
        L = dense_matrix(r, Rn, An, Sn, width)
        # block structure vs dense matrix (without immigration, which is affine)
        # block structure vs dense matrix; immigration is affine (immigrants and their births),
        # so the comparison runs the loops without it
        no_immig = dict(r, immig=np.zeros_like(r["immig"]))
        close(L @ pops[-2].reshape(-1), step_loops(pops[-2], no_immig, width)[0].reshape(-1), 1e-12, name + " dense vs loops")
    # growth analysis of the first step's rates
    L0 = dense_matrix(per_step[0], Rn, An, Sn, width)
    w, V = np.linalg.eig(L0)
    kdom = int(np.argmax(np.abs(w)))
    assert abs(w[kdom].imag) < 1e-12
    lam = float(w[kdom].real)
    stable = np.real(V[:, kdom])
    stable = stable / stable.sum()
    assert np.all(stable > -1e-14)
    # check by power iteration
    x = np.ones(L0.shape[0])
    for _ in range(3000):
        x = L0 @ x
        x /= x.sum()
    close(x, stable, 1e-10, name + " stable distribution by power iteration")
    cases[name] = {
        "regions": regions, "ages": An, "sexes": Sn, "width": width, "steps": steps,
        "initial": flat(K0), "rates": [rates_json(r) for r in per_step],
        "populations": [flat(p) for p in pops], "births": [vec(b_) for b_ in births],
        "L0": mat(L0), "lambda": lam, "r": math.log(lam) / width, "stable": vec(stable),
    }


projection_case("projection_5year", ["North", "Centre", "South"], 8, 2, 5, 4, True)
projection_case("projection_annual_female", ["Capital", "Provinces"], 12, 1, 1, 3, False)

doc = {"generator": "Tests/Fixtures/markov/make_reference.py", "numpy": np.__version__, "scipy": scipy.__version__,
       "seed": SEED, "cases": cases}
text = json.dumps(doc, indent=1, allow_nan=False)
with open(OUT, "w") as fh:
    fh.write(text + "\n")
print(f"wrote {OUT} (numpy {np.__version__}, scipy {scipy.__version__})")
