#!/usr/bin/env python3
"""Generate synthetic regression data sets and reference values for MigrationKit.

Run from the repository root:

    python3 Tests/Fixtures/regression/make_reference.py

Writes, next to this script:
    ols.csv, poisson.csv, negbin.csv, gravity.csv   (the data, exactly as fitted)
    reference.json                                   (reference values)
    README.md                                        (case keys, options, conventions)

Requirements (PyPI): numpy, pandas, scipy, statsmodels, pyfixest
    pip install statsmodels pyfixest

Everything is deterministic: one generator, np.random.default_rng(20261129),
drawn in a fixed order.  Floats are rounded to 10 significant digits BEFORE
fitting, written with the shortest round-trip positional representation, and
every fit uses the CSV as re-read by pandas, asserted bit-for-bit equal to the
in-memory data.  The CSV files are byte-reproducible.  pyfixest's Rust
demeaner is not (a few ulp run to run), so reference.json is rewritten only
when a value moves by more than 1e-11 relative or the structure changes.

Iterative fits are run with tolerances far tighter than the package defaults
(see TOL_* below) so that the stored coefficients are the exact optimum to
~1e-11 relative, not "whatever the default stopping rule produced".  The script
asserts that statsmodels (explicit dummies, direct solve) and pyfixest
(absorbed fixed effects) agree, and recomputes several standard errors by hand
with numpy to pin down each package's small-sample convention.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import platform
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf
import scipy
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.discrete.discrete_model import NegativeBinomial as DiscreteNB

HERE = Path(__file__).resolve().parent
SEED = 20261129
GENERATOR = "Tests/Fixtures/regression/make_reference.py"

# Tight tolerances for the reference fits (package defaults in comments).
TOL_FIXEF = 1e-13  # pyfixest MAP demeaning tolerance (default 1e-6)
TOL_FIXEF_MAXITER = 100_000  # (default 10_000)
TOL_IWLS = 1e-13  # pyfixest fepois IRLS, relative deviance change (default 1e-8)
TOL_IWLS_MAXITER = 200  # (default 25)
TOL_GLM = 1e-12  # statsmodels GLM IRLS, absolute deviance change (default 1e-8)
TOL_NEWTON = 1e-13  # statsmodels discrete NB Newton, max |param change|

# Internal consistency checks (the reference values themselves are full precision).
RTOL_COEF = 1e-9
RTOL_SE = 1e-8

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)
# pyfixest announces the x3 collinearity drop and the 87 separation drops;
# both facts are asserted below.
warnings.filterwarnings("ignore", category=UserWarning, module=r"pyfixest\.")


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def r10(a):
    """Round to 10 significant digits (as a float64), and turn -0.0 into 0.0."""
    a = np.asarray(a, dtype=float)
    out = np.array([float(f"{v:.9e}") for v in a.ravel()]).reshape(a.shape)
    return out + 0.0


# pandas < 3 needs float_precision="round_trip" for exact parsing; pandas 3
# parses exactly by default and deprecates the argument.  Exactness is asserted.
READ_KW = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}


def glm_fit(model, **kw):
    """statsmodels GLM IRLS, then one more IRLS pass started at the optimum.

    statsmodels' IRLS returns normalized_cov_params from the WLS step whose
    weights were computed at the PREVIOUS iterate (rel. error ~1e-9 in the
    nonrobust SE).  Restarting at the converged params makes the weights, and
    so the nonrobust covariance, those of the optimum itself.
    """
    r0 = model.fit(tol=TOL_GLM, maxiter=200)
    r = model.fit(start_params=np.asarray(r0.params), tol=TOL_GLM, maxiter=200, **kw)
    # statsmodels stops on the absolute deviance change, which can leave ~2e-8 relative in
    # the coefficients (seen for NegativeBinomial); restart at the optimum until the
    # coefficients stop moving.
    for _ in range(10):
        prev = np.asarray(r.params)
        r = model.fit(start_params=prev, tol=TOL_GLM, maxiter=200, **kw)
        if np.max(np.abs(np.asarray(r.params) - prev) / np.maximum(np.abs(prev), 1e-300)) < 1e-15:
            break
    assert r.converged
    return r


def fmt(v, is_int):
    if is_int:
        return str(int(v))
    v = float(v) + 0.0
    s = np.format_float_positional(v, unique=True, trim="-")
    assert float(s) == v, (v, s)
    return s


def write_csv(df: pd.DataFrame, name: str, int_cols) -> pd.DataFrame:
    """Write df with plain numbers; re-read with pandas and assert exact equality."""
    path = HERE / name
    cols = list(df.columns)
    for c in cols:
        if c in int_cols:
            assert np.all(df[c].to_numpy() == np.round(df[c].to_numpy())), c
        else:
            x = df[c].to_numpy(dtype=float)
            assert np.all(np.isfinite(x)), c
            assert np.array_equal(r10(x), x), f"column {c} not rounded to 10 sig digits"
    with open(path, "w", newline="\n") as fh:
        fh.write(",".join(cols) + "\n")
        arrays = [df[c].to_numpy() for c in cols]
        flags = [c in int_cols for c in cols]
        for i in range(len(df)):
            fh.write(",".join(fmt(a[i], f) for a, f in zip(arrays, flags)) + "\n")
    back = pd.read_csv(path, **READ_KW)
    assert list(back.columns) == cols
    for c in cols:
        if c in int_cols:
            assert back[c].dtype.kind == "i", (c, back[c].dtype)
            assert np.array_equal(back[c].to_numpy(), df[c].to_numpy().astype(np.int64)), c
        else:
            assert back[c].dtype.kind == "f", (c, back[c].dtype)
            assert np.array_equal(back[c].to_numpy(), df[c].to_numpy(dtype=float)), c
    return back


def fl(x):
    x = float(x)
    assert np.isfinite(x), x
    return x


def named(series_or_dict, names=None):
    """{term: float} from a pandas Series (or aligned arrays)."""
    if names is not None:
        return {str(k): fl(v) for k, v in zip(names, series_or_dict)}
    return {str(k): fl(v) for k, v in series_or_dict.items()}


def close(a, b, rtol, what, atol=0.0):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if not np.allclose(a, b, rtol=rtol, atol=atol):
        rel = np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))
        raise AssertionError(f"{what}: max rel diff {rel:.3e}\n{a}\n{b}")


def maxrel(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def ensure_all_levels(codes, k, what):
    assert set(np.unique(codes)) == set(range(k)), f"{what}: not all {k} levels present"


def cluster_meat(scores, groups):
    """sum_g (sum_{i in g} s_i)(sum_{i in g} s_i)'"""
    _, inv = np.unique(groups, return_inverse=True)
    G = inv.max() + 1
    S = np.zeros((G, scores.shape[1]))
    np.add.at(S, inv, scores)
    return S.T @ S, G


def dummies(codes):
    """Treatment dummies (first level dropped) for integer codes."""
    levels = np.unique(codes)
    return (codes[:, None] == levels[None, 1:]).astype(float)


def gravity_fe_design(oy_codes, dy_codes, year):
    """Full-rank FE design for orig^year + dest^year (with intercept).

    Within each year, the orig^year dummies and the dest^year dummies both sum
    to the year indicator, so besides the usual one there are (n_years - 1)
    further redundancies.  Keep: intercept, orig^year dummies minus the first
    level overall, dest^year dummies minus the first level within EACH year.
    """
    cols = [np.ones(len(oy_codes)), dummies(oy_codes)]
    for yr in np.unique(year):
        levels = np.unique(dy_codes[year == yr])
        cols.append((dy_codes[:, None] == levels[None, 1:]).astype(float))
    Z = np.column_stack(cols)
    full = np.column_stack([np.ones(len(oy_codes)), (oy_codes[:, None] == np.unique(oy_codes)).astype(float),
                            (dy_codes[:, None] == np.unique(dy_codes)).astype(float)])
    assert np.linalg.matrix_rank(Z) == Z.shape[1] == np.linalg.matrix_rank(full)
    return Z


def se_from(V):
    return np.sqrt(np.diag(V))


def pf_kw():
    return dict(fixef_tol=TOL_FIXEF, fixef_maxiter=TOL_FIXEF_MAXITER)


def pf_ssc_info(fit):
    return {
        "factor": [fl(v) for v in np.atleast_1d(np.asarray(fit._ssc).ravel())],
        "df_k": int(fit._df_k),
        "df_t": int(fit._df_t),
        "settings": {k: v for k, v in fit._ssc_dict.items()},
    }


# ----------------------------------------------------------------------------
# versions
# ----------------------------------------------------------------------------

VERSIONS = {
    "python": platform.python_version(),
    "numpy": np.__version__,
    "pandas": pd.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
    "pyfixest": md.version("pyfixest"),
    "formulaic": md.version("formulaic"),
    "patsy": md.version("patsy"),
}
for k, v in VERSIONS.items():
    print(f"{k:12s} {v}")

rng = np.random.default_rng(SEED)
CASES: dict[str, dict] = {}
NOTES: dict[str, object] = {}  # deterministic facts, stored in the JSON
DIAG: dict[str, float] = {}  # ulp-level, run-to-run noisy diagnostics: printed only


# ============================================================================
# 1. ols.csv
# ============================================================================
n = 200
# every fe1 x fe2 cell (10 x 7 = 70) appears at least twice: no singletons,
# also not in the fe1^fe2 interaction.
cells = np.concatenate([np.arange(70), np.arange(70), rng.integers(0, 70, n - 140)])
cells = cells[rng.permutation(n)]
fe1 = cells // 7
fe2 = cells % 7
cl1 = rng.integers(0, 15, n)
cl2 = rng.integers(0, 8, n)
ensure_all_levels(fe1, 10, "fe1")
ensure_all_levels(fe2, 7, "fe2")
ensure_all_levels(cl1, 15, "cl1")
ensure_all_levels(cl2, 8, "cl2")
# x1, x2 are multiples of 2^-8 so that x3 = x1 + x2 is exact in binary AND decimal
q = 256.0
x1 = np.round((rng.normal(size=n) + 0.2 * fe1 - 1.0) * q) / q
e2 = rng.normal(0, 0.7, 8)
x2 = np.round((1.5 * rng.normal(size=n) + 0.1 * fe2 + e2[cl2]) * q) / q
x3 = x1 + x2
assert np.all(np.abs(np.concatenate([x1, x2, x3])) < 10)
w = r10(rng.uniform(0.5, 3.0, n))
a1 = rng.normal(0, 1, 10)
a2 = rng.normal(0, 1, 7)
c1 = rng.normal(0, 0.5, 15)
c2 = rng.normal(0, 0.5, 8)
sd = 0.5 + 0.5 * np.abs(x1)
y = r10(1 + 0.5 * x1 - 2 * x2 + a1[fe1] + a2[fe2] + c1[cl1] + c2[cl2] + sd * rng.normal(size=n))
ols = pd.DataFrame(
    {"y": y, "x1": x1, "x2": x2, "x3": x3, "w": w, "cl1": cl1, "cl2": cl2, "fe1": fe1, "fe2": fe2}
)
ols = write_csv(ols, "ols.csv", {"cl1", "cl2", "fe1", "fe2"})
assert np.array_equal(ols.x3.to_numpy(), ols.x1.to_numpy() + ols.x2.to_numpy())
N = len(ols)

# ---- statsmodels OLS -------------------------------------------------------
mod = smf.ols("y ~ x1 + x2", data=ols)
r_nr = mod.fit()
r_hc = {h: mod.fit(cov_type=h) for h in ["HC0", "HC1", "HC2", "HC3"]}
r_cl = mod.fit(cov_type="cluster", cov_kwds={"groups": ols.cl1.to_numpy()})
r_cl2 = mod.fit(
    cov_type="cluster", cov_kwds={"groups": np.column_stack([ols.cl1.to_numpy(), ols.cl2.to_numpy()])}
)
terms = list(r_nr.params.index)
X = mod.exog
u = r_nr.resid.to_numpy()
K = X.shape[1]
XtXi = np.linalg.inv(X.T @ X)
# -- hand checks: HC0..HC3, CRV1, two-way CRV1
sc = X * u[:, None]
V_hc0 = XtXi @ (sc.T @ sc) @ XtXi
h = np.einsum("ij,jk,ik->i", X, XtXi, X)
close(se_from(V_hc0), r_hc["HC0"].bse, 1e-12, "HC0 by hand")
close(se_from(V_hc0 * N / (N - K)), r_hc["HC1"].bse, 1e-12, "HC1 = HC0*N/(N-K)")
sc2 = X * (u / np.sqrt(1 - h))[:, None]
close(se_from(XtXi @ sc2.T @ sc2 @ XtXi), r_hc["HC2"].bse, 1e-12, "HC2 by hand")
sc3 = X * (u / (1 - h))[:, None]
close(se_from(XtXi @ sc3.T @ sc3 @ XtXi), r_hc["HC3"].bse, 1e-12, "HC3 by hand")
close(se_from(XtXi * (u @ u) / (N - K)), r_nr.bse, 1e-12, "OLS nonrobust")


def crv1_raw(scores, bread, groups):
    M, G = cluster_meat(scores, groups)
    return bread @ M @ bread, G


V1, G1 = crv1_raw(sc, XtXi, ols.cl1.to_numpy())
adj_sm_cl1 = G1 / (G1 - 1) * (N - 1) / (N - K)
close(se_from(V1 * adj_sm_cl1), r_cl.bse, 1e-12, "statsmodels CRV1 G/(G-1)(N-1)/(N-K)")
V2, G2 = crv1_raw(sc, XtXi, ols.cl2.to_numpy())
inter = ols.cl1.to_numpy() * 1000 + ols.cl2.to_numpy()
V12, G12 = crv1_raw(sc, XtXi, inter)
f = lambda G: G / (G - 1) * (N - 1) / (N - K)  # noqa: E731
V_sm_2way = V1 * f(G1) + V2 * f(G2) - V12 * f(G12)
close(se_from(V_sm_2way), r_cl2.bse, 1e-12, "statsmodels two-way: each term own G_i/(G_i-1)")
Gmin = min(G1, G2)
V_pf_2way_min = (V1 + V2 - V12) * Gmin / (Gmin - 1) * (N - 1) / (N - K)
NOTES["ols_twoway_G"] = {"G_cl1": int(G1), "G_cl2": int(G2), "G_intersection": int(G12)}

ci = r_nr.conf_int(0.05)
CASES["sm_ols"] = {
    "data": "ols.csv",
    "package": "statsmodels",
    "nobs": int(r_nr.nobs),
    "coef": named(r_nr.params),
    "se": {
        "nonrobust": named(r_nr.bse),
        **{h: named(r_hc[h].bse) for h in ["HC0", "HC1", "HC2", "HC3"]},
        "cluster_cl1": named(r_cl.bse),
        "cluster_cl1_cl2": named(r_cl2.bse),
    },
    "tvalues_nonrobust": named(r_nr.tvalues),
    "pvalues_nonrobust": named(r_nr.pvalues),
    "conf_int_95_nonrobust": {t: [fl(ci.loc[t, 0]), fl(ci.loc[t, 1])] for t in terms},
    "rsquared": fl(r_nr.rsquared),
    "rsquared_adj": fl(r_nr.rsquared_adj),
    "fvalue": fl(r_nr.fvalue),
    "f_pvalue": fl(r_nr.f_pvalue),
    "llf": fl(r_nr.llf),
    "aic": fl(r_nr.aic),
    "bic": fl(r_nr.bic),
    "df_resid": fl(r_nr.df_resid),
    "df_model": fl(r_nr.df_model),
    "ssr": fl(r_nr.ssr),
    "scale": fl(r_nr.scale),
    "resid_head": [fl(v) for v in u[:5]],
    "resid_tail": [fl(v) for v in u[-5:]],
    "fitted_head": [fl(v) for v in r_nr.fittedvalues.to_numpy()[:5]],
    "fitted_tail": [fl(v) for v in r_nr.fittedvalues.to_numpy()[-5:]],
    "cluster_G": {"cl1": int(G1), "cl2": int(G2), "cl1_x_cl2": int(G12)},
    "ssc_factor": {
        "HC1": fl(N / (N - K)),
        "cluster_cl1": fl(adj_sm_cl1),
        "cluster_cl1_cl2": [fl(f(G1)), fl(f(G2)), fl(f(G12))],
    },
}

# ---- statsmodels WLS -------------------------------------------------------
wmod = smf.wls("y ~ x1 + x2", data=ols, weights=ols.w)
rw = wmod.fit()
rw1 = wmod.fit(cov_type="HC1")
# hand check: WLS = OLS on sqrt(w)-scaled data; HC1 on the weighted scores
sw_ = np.sqrt(ols.w.to_numpy())
Xw = X * sw_[:, None]
yw = ols.y.to_numpy() * sw_
bw = np.linalg.solve(Xw.T @ Xw, Xw.T @ yw)
close(bw, rw.params, 1e-12, "WLS by hand")
uw = yw - Xw @ bw
Bw = np.linalg.inv(Xw.T @ Xw)
scw = Xw * uw[:, None]
close(se_from(Bw @ scw.T @ scw @ Bw * N / (N - K)), rw1.bse, 1e-12, "WLS HC1 by hand")
CASES["sm_wls"] = {
    "data": "ols.csv",
    "package": "statsmodels",
    "nobs": int(rw.nobs),
    "coef": named(rw.params),
    "se": {"nonrobust": named(rw.bse), "HC1": named(rw1.bse)},
    "rsquared": fl(rw.rsquared),
    "llf": fl(rw.llf),
    "ssr": fl(rw.ssr),
    "df_resid": fl(rw.df_resid),
}

# ---- statsmodels OLS with explicit dummies -----------------------------------
dmod = smf.ols("y ~ x1 + x2 + C(fe1) + C(fe2)", data=ols)
rd = dmod.fit()
rd1 = dmod.fit(cov_type="HC1")
rdc = dmod.fit(cov_type="cluster", cov_kwds={"groups": ols.cl1.to_numpy()})
rdc2 = dmod.fit(
    cov_type="cluster", cov_kwds={"groups": np.column_stack([ols.cl1.to_numpy(), ols.cl2.to_numpy()])}
)
Kd = dmod.exog.shape[1]
assert Kd == 18 and np.linalg.matrix_rank(dmod.exog) == 18
CASES["sm_ols_dummies"] = {
    "data": "ols.csv",
    "package": "statsmodels",
    "nobs": int(rd.nobs),
    "k_params": int(Kd),
    "coef": {t: fl(rd.params[t]) for t in ["x1", "x2"]},
    "se": {
        "nonrobust": {t: fl(rd.bse[t]) for t in ["x1", "x2"]},
        "HC1": {t: fl(rd1.bse[t]) for t in ["x1", "x2"]},
        "cluster_cl1": {t: fl(rdc.bse[t]) for t in ["x1", "x2"]},
        "cluster_cl1_cl2": {t: fl(rdc2.bse[t]) for t in ["x1", "x2"]},
    },
    "ssr": fl(rd.ssr),
    "df_resid": fl(rd.df_resid),
    "rsquared": fl(rd.rsquared),
}

# ---- pyfixest OLS without FE (to line up with statsmodels) ------------------
V_OLS = {
    "iid": "iid",
    "hetero": "hetero",
    "CRV1_cl1": {"CRV1": "cl1"},
    "CRV1_cl1_cl2": {"CRV1": "cl1+cl2"},
}
p0 = {k: pf.feols("y ~ x1 + x2", data=ols, vcov=v) for k, v in V_OLS.items()}
p0conv = pf.feols(
    "y ~ x1 + x2", data=ols, vcov={"CRV1": "cl1+cl2"}, ssc=pf.ssc(G_df="conventional")
)
close(p0["iid"].coef().to_numpy(), r_nr.params.to_numpy(), 1e-12, "pf OLS coef")
close(p0["iid"].se().to_numpy(), r_nr.bse.to_numpy(), 1e-11, "pf iid == sm nonrobust")
close(p0["hetero"].se().to_numpy(), r_hc["HC1"].bse.to_numpy(), 1e-11, "pf hetero == sm HC1")
close(p0["CRV1_cl1"].se().to_numpy(), r_cl.bse.to_numpy(), 1e-11, "pf CRV1 == sm cluster")
close(p0conv.se().to_numpy(), r_cl2.bse.to_numpy(), 1e-11, "pf 2way conventional == sm 2way")
close(p0["CRV1_cl1_cl2"].se().to_numpy(), se_from(V_pf_2way_min), 1e-11, "pf 2way min(G) by hand")
CASES["pf_ols"] = {
    "data": "ols.csv",
    "package": "pyfixest",
    "call": 'pf.feols("y ~ x1 + x2", data=ols, vcov=...)',
    "nobs": int(p0["iid"]._N),
    "coef": named(p0["iid"].coef()),
    "se": {
        **{k: named(v.se()) for k, v in p0.items()},
        "CRV1_cl1_cl2_Gdf_conventional": named(p0conv.se()),
    },
    "ssc": {
        **{k: pf_ssc_info(v) for k, v in p0.items()},
        "CRV1_cl1_cl2_Gdf_conventional": pf_ssc_info(p0conv),
    },
    "r2": fl(p0["iid"]._r2),
}

# ---- pyfixest collinear regressor -------------------------------------------
pcol = pf.feols("y ~ x1 + x2 + x3", data=ols, vcov="iid")
assert list(pcol._collin_vars) == ["x3"], pcol._collin_vars
close(pcol.coef().to_numpy(), r_nr.params.to_numpy(), 1e-10, "collinear drop -> same fit")
CASES["pf_ols_collinear"] = {
    "data": "ols.csv",
    "package": "pyfixest",
    "call": 'pf.feols("y ~ x1 + x2 + x3", data=ols, vcov="iid")',
    "nobs": int(pcol._N),
    "dropped_terms": [str(v) for v in pcol._collin_vars],
    "coef": named(pcol.coef()),
    "se": {"iid": named(pcol.se())},
}

# ---- pyfixest FE OLS --------------------------------------------------------
V_FE = V_OLS
pfe = {k: pf.feols("y ~ x1 + x2 | fe1 + fe2", data=ols, vcov=v, **pf_kw()) for k, v in V_FE.items()}
pfe_full = {
    k: pf.feols("y ~ x1 + x2 | fe1 + fe2", data=ols, vcov=v, ssc=pf.ssc(k_fixef="full"), **pf_kw())
    for k, v in V_FE.items()
}
pfe_none = {
    k: pf.feols("y ~ x1 + x2 | fe1 + fe2", data=ols, vcov=v, ssc=pf.ssc(k_fixef="none"), **pf_kw())
    for k, v in V_FE.items()
}
pfe_conv = pf.feols(
    "y ~ x1 + x2 | fe1 + fe2",
    data=ols,
    vcov={"CRV1": "cl1+cl2"},
    ssc=pf.ssc(G_df="conventional"),
    **pf_kw(),
)
b_fe = pfe["iid"].coef()
close(b_fe.to_numpy(), rd.params[["x1", "x2"]].to_numpy(), RTOL_COEF, "pf FE coef == dummies")
for d in (pfe_full, pfe_none):
    close(d["iid"].coef().to_numpy(), b_fe.to_numpy(), 0, "coef independent of ssc")
# default (nonnested) == explicit dummies with K = 18
close(pfe["iid"].se().to_numpy(), rd.bse[["x1", "x2"]].to_numpy(), RTOL_SE, "pf FE iid == dummies")
close(pfe["hetero"].se().to_numpy(), rd1.bse[["x1", "x2"]].to_numpy(), RTOL_SE, "pf FE hetero == dummies HC1")
close(pfe["CRV1_cl1"].se().to_numpy(), rdc.bse[["x1", "x2"]].to_numpy(), RTOL_SE, "pf FE CRV1 == dummies")
close(pfe_conv.se().to_numpy(), rdc2.bse[["x1", "x2"]].to_numpy(), RTOL_SE, "pf FE 2way conv == dummies 2way")
for k in V_FE:
    assert pfe[k]._df_k == 18 and pfe_full[k]._df_k == 18 and pfe_none[k]._df_k == 2
    close(pfe_full[k].se().to_numpy(), pfe[k].se().to_numpy(), 1e-13, "full == nonnested here")
# hand check of the FE iid / hetero / CRV1 conventions with FWL-demeaned X
D = np.column_stack([np.ones(N), dummies(ols.fe1.to_numpy()), dummies(ols.fe2.to_numpy())])
Xr = np.column_stack([ols.x1, ols.x2])
Xt = Xr - D @ np.linalg.lstsq(D, Xr, rcond=None)[0]
yt = ols.y.to_numpy() - D @ np.linalg.lstsq(D, ols.y.to_numpy(), rcond=None)[0]
bt = np.linalg.solve(Xt.T @ Xt, Xt.T @ yt)
close(bt, b_fe.to_numpy(), RTOL_COEF, "FWL coef")
ut = yt - Xt @ bt
Bt = np.linalg.inv(Xt.T @ Xt)
kfe = 2 + (10 + 7 - 1)  # k + sum(levels) - (n_fe - 1)
close(se_from(Bt * (ut @ ut) / (N - kfe)), pfe["iid"].se(), RTOL_SE, "FE iid: SSR/(N-18)")
close(se_from(Bt * (ut @ ut) / (N - 2)), pfe_none["iid"].se(), RTOL_SE, "FE iid none: SSR/(N-2)")
sct = Xt * ut[:, None]
Vh = Bt @ sct.T @ sct @ Bt
close(se_from(Vh * N / (N - kfe)), pfe["hetero"].se(), RTOL_SE, "FE hetero: N/(N-18)")
close(se_from(Vh * N / (N - 2)), pfe_none["hetero"].se(), RTOL_SE, "FE hetero none: N/(N-2)")
Vc, Gc = crv1_raw(sct, Bt, ols.cl1.to_numpy())
close(se_from(Vc * Gc / (Gc - 1) * (N - 1) / (N - kfe)), pfe["CRV1_cl1"].se(), RTOL_SE, "FE CRV1")
close(se_from(Vc * Gc / (Gc - 1) * (N - 1) / (N - 2)), pfe_none["CRV1_cl1"].se(), RTOL_SE, "FE CRV1 none")
Vc2, _ = crv1_raw(sct, Bt, ols.cl2.to_numpy())
Vc12, _ = crv1_raw(sct, Bt, inter)
close(
    se_from((Vc + Vc2 - Vc12) * Gmin / (Gmin - 1) * (N - 1) / (N - kfe)),
    pfe["CRV1_cl1_cl2"].se(),
    RTOL_SE,
    "FE 2way min",
)
pfe_def = pf.feols("y ~ x1 + x2 | fe1 + fe2", data=ols, vcov="iid")
DIAG["pf_ols_fe_default_tol_coef_maxrel"] = maxrel(pfe_def.coef(), b_fe)


def pf_case(fits, call, data, extra=None, ref=None):
    ref = ref or next(iter(fits.values()))
    c = {
        "data": data,
        "package": "pyfixest",
        "call": call,
        "nobs": int(ref._N),
        "coef": named(ref.coef()),
        "se": {k: named(v.se()) for k, v in fits.items()},
        "ssc": {k: pf_ssc_info(v) for k, v in fits.items()},
    }
    if extra:
        c.update(extra)
    return c


fe_extra = {
    "r2": fl(pfe["iid"]._r2),
    "r2_within": fl(pfe["iid"]._r2_within),
    "adj_r2": fl(pfe["iid"]._adj_r2),
    "adj_r2_within": fl(pfe["iid"]._adj_r2_within),
    "ssr": fl(ut @ ut),
    "fe_levels": {"fe1": 10, "fe2": 7},
}
# r2 conventions (pyfixest): r2 = 1 - SSR/TSS; r2_within = 1 - SSR/sum(y~^2) with y~
# the FE-demeaned y; adj_r2 = 1-(1-r2)(N-1)/(N-K); adj_r2_within = 1-(1-r2w)(N-Kfe)/(N-K),
# K = 18 (incl. FE), Kfe = 16 (FE only).
yv = ols.y.to_numpy()
close(fe_extra["r2"], 1 - (ut @ ut) / np.sum((yv - yv.mean()) ** 2), 1e-12, "r2")
close(fe_extra["r2_within"], 1 - (ut @ ut) / (yt @ yt), 1e-10, "r2_within")
close(fe_extra["adj_r2"], 1 - (1 - fe_extra["r2"]) * (N - 1) / (N - kfe), 1e-12, "adj_r2")
close(fe_extra["adj_r2_within"], 1 - (1 - fe_extra["r2_within"]) * (N - 16) / (N - kfe), 1e-12, "adj_r2_w")
CASES["pf_ols_fe"] = pf_case(
    {**pfe, "CRV1_cl1_cl2_Gdf_conventional": pfe_conv},
    'pf.feols("y ~ x1 + x2 | fe1 + fe2", data=ols, vcov=..., fixef_tol=1e-13)  # default ssc()',
    "ols.csv",
    fe_extra,
    ref=pfe["iid"],
)
CASES["pf_ols_fe_kfixef_full"] = pf_case(
    pfe_full, 'pf.feols("y ~ x1 + x2 | fe1 + fe2", ..., ssc=pf.ssc(k_fixef="full"))', "ols.csv"
)
CASES["pf_ols_fe_kfixef_none"] = pf_case(
    pfe_none, 'pf.feols("y ~ x1 + x2 | fe1 + fe2", ..., ssc=pf.ssc(k_fixef="none"))', "ols.csv"
)

# ---- FE nested in the cluster: the "nonnested" rule ---------------------------
pn = {
    "hetero": pf.feols("y ~ x1 + x2 | fe1", data=ols, vcov="hetero", **pf_kw()),
    "CRV1_fe1": pf.feols("y ~ x1 + x2 | fe1", data=ols, vcov={"CRV1": "fe1"}, **pf_kw()),
    "CRV1_fe1_kfixef_full": pf.feols(
        "y ~ x1 + x2 | fe1", data=ols, vcov={"CRV1": "fe1"}, ssc=pf.ssc(k_fixef="full"), **pf_kw()
    ),
}
assert pn["hetero"]._df_k == 12 and pn["CRV1_fe1"]._df_k == 3 and pn["CRV1_fe1_kfixef_full"]._df_k == 12
D1 = np.column_stack([np.ones(N), dummies(ols.fe1.to_numpy())])
Xt1 = Xr - D1 @ np.linalg.lstsq(D1, Xr, rcond=None)[0]
yt1 = ols.y.to_numpy() - D1 @ np.linalg.lstsq(D1, ols.y.to_numpy(), rcond=None)[0]
bt1 = np.linalg.solve(Xt1.T @ Xt1, Xt1.T @ yt1)
close(bt1, pn["hetero"].coef(), RTOL_COEF, "fe1 coef")
ut1 = yt1 - Xt1 @ bt1
Bt1 = np.linalg.inv(Xt1.T @ Xt1)
Vn, Gn = crv1_raw(Xt1 * ut1[:, None], Bt1, ols.fe1.to_numpy())
close(se_from(Vn * Gn / (Gn - 1) * (N - 1) / (N - 3)), pn["CRV1_fe1"].se(), RTOL_SE, "nested: K=k+1")
close(se_from(Vn * Gn / (Gn - 1) * (N - 1) / (N - 12)), pn["CRV1_fe1_kfixef_full"].se(), RTOL_SE, "full")
CASES["pf_ols_fe1_nested_cluster"] = pf_case(
    pn,
    'pf.feols("y ~ x1 + x2 | fe1", data=ols, vcov={"CRV1": "fe1"} / "hetero")',
    "ols.csv",
    {"fe_levels": {"fe1": 10}},
)

# ---- interaction FE fe1^fe2 ---------------------------------------------------
pint = {k: pf.feols("y ~ x1 + x2 | fe1^fe2", data=ols, vcov=k, **pf_kw()) for k in ["iid", "hetero"]}
cell = ols.fe1.to_numpy() * 7 + ols.fe2.to_numpy()
olsc = ols.assign(cell=cell)
dint = smf.ols("y ~ x1 + x2 + C(cell)", data=olsc)
ri = dint.fit()
ri1 = dint.fit(cov_type="HC1")
assert dint.exog.shape[1] == 72 and pint["iid"]._df_k == 72
close(pint["iid"].coef(), ri.params[["x1", "x2"]], RTOL_COEF, "interaction FE coef")
close(pint["iid"].se(), ri.bse[["x1", "x2"]], RTOL_SE, "interaction FE iid")
close(pint["hetero"].se(), ri1.bse[["x1", "x2"]], RTOL_SE, "interaction FE hetero")
CASES["pf_ols_fe_interact"] = pf_case(
    pint,
    'pf.feols("y ~ x1 + x2 | fe1^fe2", data=ols, vcov=...)',
    "ols.csv",
    {"r2": fl(pint["iid"]._r2), "r2_within": fl(pint["iid"]._r2_within), "fe_levels": {"fe1^fe2": 70}},
)

# ---- WLS with FE -----------------------------------------------------------------
pw = {
    k: pf.feols("y ~ x1 + x2 | fe1", data=ols, vcov=k, weights="w", **pf_kw()) for k in ["iid", "hetero"]
}
dw = smf.wls("y ~ x1 + x2 + C(fe1)", data=ols, weights=ols.w)
rdw = dw.fit()
rdw1 = dw.fit(cov_type="HC1")
assert pw["iid"]._df_k == 12 and dw.exog.shape[1] == 12
close(pw["iid"].coef(), rdw.params[["x1", "x2"]], RTOL_COEF, "WLS FE coef")
close(pw["iid"].se(), rdw.bse[["x1", "x2"]], RTOL_SE, "WLS FE iid == WLS dummies")
close(pw["hetero"].se(), rdw1.bse[["x1", "x2"]], RTOL_SE, "WLS FE hetero == WLS dummies HC1")
CASES["pf_wls_fe"] = pf_case(
    pw,
    'pf.feols("y ~ x1 + x2 | fe1", data=ols, weights="w", vcov=...)  # weights_type="aweights"',
    "ols.csv",
    {"r2": fl(pw["iid"]._r2), "r2_within": fl(pw["iid"]._r2_within), "fe_levels": {"fe1": 10}},
)
CASES["sm_wls_dummies"] = {
    "data": "ols.csv",
    "package": "statsmodels",
    "nobs": int(rdw.nobs),
    "k_params": 12,
    "coef": {t: fl(rdw.params[t]) for t in ["x1", "x2"]},
    "se": {
        "nonrobust": {t: fl(rdw.bse[t]) for t in ["x1", "x2"]},
        "HC1": {t: fl(rdw1.bse[t]) for t in ["x1", "x2"]},
    },
    "ssr": fl(rdw.ssr),
}

# ============================================================================
# 2. poisson.csv
# ============================================================================
n = 500
pfe1 = rng.integers(0, 20, n)
pfe2 = rng.integers(0, 10, n)
pcl = rng.integers(0, 25, n)
ensure_all_levels(pfe1, 20, "poisson fe1")
ensure_all_levels(pfe2, 10, "poisson fe2")
ensure_all_levels(pcl, 25, "poisson cl")
px1 = r10(rng.normal(size=n))
px2 = r10(rng.uniform(-1, 1, n) + 0.05 * pfe1)
expo = r10(rng.uniform(0.5, 5.0, n))
b1 = rng.normal(0, 0.5, 20)
b2 = rng.normal(0, 0.5, 10)
mu = expo * np.exp(-0.8 + 0.3 * px1 - 0.6 * px2 + b1[pfe1] + b2[pfe2])
py = rng.poisson(mu)
poi = pd.DataFrame(
    {"y": py, "x1": px1, "x2": px2, "exposure": expo, "fe1": pfe1, "fe2": pfe2, "cl": pcl}
)
poi = write_csv(poi, "poisson.csv", {"y", "fe1", "fe2", "cl"})
n_pois = len(poi)
assert (poi.y == 0).sum() > 50
for fcol in ("fe1", "fe2"):
    assert poi.groupby(fcol).y.sum().min() > 0, "an all-zero FE level would be separated"
NOTES["poisson_zero_share"] = float((poi.y == 0).mean())

Poisson = sm.families.Poisson()
logexpo = np.log(poi.exposure.to_numpy())
gmod = smf.glm("y ~ x1 + x2", data=poi, family=Poisson, offset=logexpo)
g_def = gmod.fit()  # default tol, only for the iteration count
g_nr = glm_fit(gmod)
g_h0 = glm_fit(gmod, cov_type="HC0")
g_h1 = glm_fit(gmod, cov_type="HC1")
g_cl = glm_fit(gmod, cov_type="cluster", cov_kwds={"groups": poi.cl.to_numpy()})
assert g_nr.converged
Xp = gmod.exog
yp = poi.y.to_numpy().astype(float)
mup = g_nr.mu
Kp = Xp.shape[1]
assert np.max(np.abs(Xp.T @ (yp - mup))) < 1e-9 * np.max(np.abs(Xp.T @ yp)), "score not ~0"
Bp = np.linalg.inv(Xp.T @ (Xp * mup[:, None]))
close(se_from(Bp), g_nr.bse, 1e-10, "GLM Poisson nonrobust = inv(X'WX)")
scp = Xp * (yp - mup)[:, None]
Vp0 = Bp @ scp.T @ scp @ Bp
close(se_from(Vp0), g_h0.bse, 1e-10, "GLM HC0 by hand")
close(g_h1.bse, g_h0.bse, 1e-14, "statsmodels GLM: HC1 == HC0 (no N/(N-K))")
Vpc, Gpc = crv1_raw(scp, Bp, poi.cl.to_numpy())
close(se_from(Vpc * Gpc / (Gpc - 1) * (n_pois - 1) / (n_pois - Kp)), g_cl.bse, 1e-10, "GLM cluster")
DIAG["glm_default_tol_coef_maxrel"] = maxrel(g_def.params, g_nr.params)
# statsmodels' plain IRLS fit: nonrobust cov from the previous iterate's weights
NOTES["glm_irls_prev_weights_bse_maxrel"] = maxrel(gmod.fit(tol=TOL_GLM, maxiter=200).bse, g_nr.bse)

# NB: get_prediction() with no arguments IGNORES the model offset in this
# statsmodels version (it predicts exp(x'b), the rate at exposure 1).  Passing
# exog and offset explicitly gives the fitted mean exp(x'b + log(exposure)).
sf = g_nr.get_prediction(exog=poi.iloc[:5], offset=logexpo[:5]).summary_frame()
sf0 = g_nr.get_prediction().summary_frame()
eta_se = np.sqrt(np.einsum("ij,jk,ik->i", Xp, g_nr.cov_params().to_numpy(), Xp))
close(sf["mean_se"].to_numpy(), (mup * eta_se)[:5], 1e-10, "delta-method mean_se = mu*sqrt(x'Vx)")
close(sf["mean"].to_numpy(), mup[:5], 1e-12, "prediction mean")
rate = np.exp(Xp @ g_nr.params.to_numpy())
close(sf0["mean"].to_numpy()[:5], rate[:5], 1e-12, "get_prediction() w/o args: no offset")
close(sf0["mean_se"].to_numpy()[:5], (rate * eta_se)[:5], 1e-10, "no-offset mean_se")

CASES["sm_glm_poisson"] = {
    "data": "poisson.csv",
    "package": "statsmodels",
    "nobs": int(g_nr.nobs),
    "coef": named(g_nr.params),
    "se": {
        "nonrobust": named(g_nr.bse),
        "HC0": named(g_h0.bse),
        "HC1": named(g_h1.bse),
        "cluster_cl": named(g_cl.bse),
    },
    "deviance": fl(g_nr.deviance),
    "null_deviance": fl(g_nr.null_deviance),
    "llf": fl(g_nr.llf),
    "aic": fl(g_nr.aic),
    "pearson_chi2": fl(g_nr.pearson_chi2),
    "df_resid": fl(g_nr.df_resid),
    "iterations_default_tol": int(g_def.fit_history["iteration"]),
    "cluster_G": int(Gpc),
    "prediction_first5": {
        "rows": [0, 1, 2, 3, 4],
        "call": "g.get_prediction(exog=poi.iloc[:5], offset=log(exposure)[:5]).summary_frame()",
        "mean": [fl(v) for v in sf["mean"].to_numpy()[:5]],
        "mean_se": [fl(v) for v in sf["mean_se"].to_numpy()[:5]],
    },
    "prediction_first5_no_offset": {
        "rows": [0, 1, 2, 3, 4],
        "call": "g.get_prediction().summary_frame()  # statsmodels drops the offset here",
        "mean": [fl(v) for v in sf0["mean"].to_numpy()[:5]],
        "mean_se": [fl(v) for v in sf0["mean_se"].to_numpy()[:5]],
    },
}

# ---- Poisson with explicit dummies (no offset) --------------------------------
gdm = smf.glm("y ~ x1 + x2 + C(fe1) + C(fe2)", data=poi, family=Poisson)
gd = glm_fit(gdm)
gd0 = glm_fit(gdm, cov_type="HC0")
gd1 = glm_fit(gdm, cov_type="HC1")
gdc = glm_fit(gdm, cov_type="cluster", cov_kwds={"groups": poi.cl.to_numpy()})
Kpd = gdm.exog.shape[1]
assert Kpd == 2 + 1 + 19 + 9
CASES["sm_glm_poisson_dummies"] = {
    "data": "poisson.csv",
    "package": "statsmodels",
    "nobs": int(gd.nobs),
    "k_params": int(Kpd),
    "coef": {t: fl(gd.params[t]) for t in ["x1", "x2"]},
    "se": {
        "nonrobust": {t: fl(gd.bse[t]) for t in ["x1", "x2"]},
        "HC0": {t: fl(gd0.bse[t]) for t in ["x1", "x2"]},
        "HC1": {t: fl(gd1.bse[t]) for t in ["x1", "x2"]},
        "cluster_cl": {t: fl(gdc.bse[t]) for t in ["x1", "x2"]},
    },
    "deviance": fl(gd.deviance),
    "llf": fl(gd.llf),
}

# ---- pyfixest fepois -----------------------------------------------------------
pkw = dict(iwls_tol=TOL_IWLS, iwls_maxiter=TOL_IWLS_MAXITER, **pf_kw())
V_P = {"iid": "iid", "hetero": "hetero", "CRV1_cl": {"CRV1": "cl"}}
fp = {k: pf.fepois("y ~ x1 + x2 | fe1 + fe2", data=poi, vcov=v, **pkw) for k, v in V_P.items()}
fp_none = {
    k: pf.fepois("y ~ x1 + x2 | fe1 + fe2", data=poi, vcov=v, ssc=pf.ssc(k_fixef="none"), **pkw)
    for k, v in V_P.items()
}
fp_def = pf.fepois("y ~ x1 + x2 | fe1 + fe2", data=poi, vcov="iid")
DIAG["pf_fepois_default_tol_coef_maxrel"] = maxrel(fp_def.coef(), fp["iid"].coef())
kfp = 2 + 20 + 10 - 1
assert fp["iid"]._df_k == kfp == Kpd - 1 + 1  # same K as the dummy model (31)
close(fp["iid"].coef(), gd.params[["x1", "x2"]], RTOL_COEF, "fepois == GLM dummies")
close(fp["iid"].deviance, gd.deviance, 1e-10, "fepois deviance")
sd_nr = gd.bse[["x1", "x2"]].to_numpy()
sd_h0 = gd0.bse[["x1", "x2"]].to_numpy()
close(fp["iid"].se(), sd_nr * np.sqrt((n_pois - 1) / (n_pois - kfp)), RTOL_SE, "fepois iid")
close(fp["hetero"].se(), sd_h0 * np.sqrt(n_pois / (n_pois - kfp)), RTOL_SE, "fepois hetero")
close(fp["CRV1_cl"].se(), gdc.bse[["x1", "x2"]], RTOL_SE, "fepois CRV1 == GLM dummies cluster")
close(fp_none["iid"].se(), sd_nr * np.sqrt((n_pois - 1) / (n_pois - 2)), RTOL_SE, "fepois iid none")
close(fp_none["hetero"].se(), sd_h0 * np.sqrt(n_pois / (n_pois - 2)), RTOL_SE, "fepois hetero none")
CASES["pf_fepois"] = pf_case(
    fp,
    'pf.fepois("y ~ x1 + x2 | fe1 + fe2", data=poi, vcov=..., iwls_tol=1e-13, fixef_tol=1e-13)',
    "poisson.csv",
    {
        "deviance": fl(fp["iid"].deviance),
        "loglik": fl(fp["iid"]._loglik),
        "fe_levels": {"fe1": 20, "fe2": 10},
    },
    ref=fp["iid"],
)
CASES["pf_fepois_kfixef_none"] = pf_case(
    fp_none, 'pf.fepois("y ~ x1 + x2 | fe1 + fe2", ..., ssc=pf.ssc(k_fixef="none"))', "poisson.csv"
)

# ---- Gaussian GLM on poisson.csv --------------------------------------------
gg = smf.glm("y ~ x1 + x2", data=poi, family=sm.families.Gaussian()).fit()
go = smf.ols("y ~ x1 + x2", data=poi).fit()
close(gg.params, go.params, 1e-12, "Gaussian GLM == OLS coef")
close(gg.bse, go.bse, 1e-11, "Gaussian GLM == OLS se (scale = SSR/(N-K))")
CASES["sm_glm_gaussian"] = {
    "data": "poisson.csv",
    "package": "statsmodels",
    "nobs": int(gg.nobs),
    "coef": named(gg.params),
    "se": {"nonrobust": named(gg.bse)},
    "scale": fl(gg.scale),
    "deviance": fl(gg.deviance),
    "llf": fl(gg.llf),
}

# ============================================================================
# 3. negbin.csv
# ============================================================================
n = 400
theta = 2.0
nx1 = r10(rng.normal(size=n))
nx2 = r10(rng.uniform(0, 2, n))
nmu = np.exp(0.5 + 0.4 * nx1 - 0.3 * nx2)
ny = rng.negative_binomial(theta, theta / (theta + nmu))
nb = write_csv(pd.DataFrame({"y": ny, "x1": nx1, "x2": nx2}), "negbin.csv", {"y"})
Xn = sm.add_constant(nb[["x1", "x2"]]).rename(columns={"const": "Intercept"})
ynb = nb.y.to_numpy().astype(float)
dnb = DiscreteNB(ynb, Xn, loglike_method="nb2")
nb_def = dnb.fit(disp=0)  # statsmodels default: bfgs, maxiter=35 (log-alpha internally)
nb_fit = dnb.fit(method="newton", maxiter=200, tol=TOL_NEWTON, disp=0)
assert nb_fit.mle_retvals["converged"]
grad = dnb.score(nb_fit.params.to_numpy())
assert np.max(np.abs(grad)) < 1e-7, grad
close(nb_fit.bse, se_from(np.linalg.inv(-dnb.hessian(nb_fit.params.to_numpy()))), 1e-8, "NB bse = inv(-H)")
NOTES["nb_default_fit_coef_maxrel"] = maxrel(nb_def.params, nb_fit.params)
NOTES["nb_default_fit_converged"] = bool(nb_def.mle_retvals["converged"])
alpha_hat = float(nb_fit.params["alpha"])
CASES["sm_negbin_mle"] = {
    "data": "negbin.csv",
    "package": "statsmodels",
    "call": 'NegativeBinomial(y, X, loglike_method="nb2").fit(method="newton", tol=1e-13, maxiter=200)',
    "nobs": int(nb_fit.nobs),
    "coef": named(nb_fit.params),
    "se": {"nonrobust": named(nb_fit.bse)},
    "alpha": fl(alpha_hat),
    "theta": fl(1.0 / alpha_hat),
    "llf": fl(nb_fit.llf),
    "converged": bool(nb_fit.mle_retvals["converged"]),
    "iterations": int(nb_fit.mle_retvals["iterations"]),
}
gnbm = sm.GLM(ynb, Xn, family=sm.families.NegativeBinomial(alpha=alpha_hat))
gnb = glm_fit(gnbm)
close(gnb.params, nb_fit.params[["Intercept", "x1", "x2"]], 1e-8, "GLM NB(alpha_hat) == joint MLE beta")
munb = gnb.mu
Xnn = Xn.to_numpy()
Wnb = munb / (1 + alpha_hat * munb)
close(se_from(np.linalg.inv(Xnn.T @ (Xnn * Wnb[:, None]))), gnb.bse, 1e-10, "NB GLM se: W = mu/(1+alpha mu)")
CASES["sm_glm_negbin_fixed_alpha"] = {
    "data": "negbin.csv",
    "package": "statsmodels",
    "call": "sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=<sm_negbin_mle.alpha>)).fit()",
    "nobs": int(gnb.nobs),
    "alpha": fl(alpha_hat),
    "coef": named(gnb.params),
    "se": {"nonrobust": named(gnb.bse)},
    "deviance": fl(gnb.deviance),
    "llf": fl(gnb.llf),
    "scale": fl(gnb.scale),
}

# ============================================================================
# 4. gravity.csv
# ============================================================================
n_c, n_y = 30, 3
coords = rng.uniform(0, 10, (n_c, 2))
ofe = rng.normal(0.0, 0.8, (n_c, n_y))
dfe = rng.normal(0.0, 0.8, (n_c, n_y))
zero_orig_year = [(4, 1), (11, 0), (22, 2)]  # (orig, year index) groups forced to all-zero
rows = []
for t in range(n_y):
    for o in range(n_c):
        for d in range(n_c):
            if o == d:
                continue
            dist = np.hypot(*(coords[o] - coords[d])) + 0.5
            rows.append((o, d, t, o * n_c + d, dist))
gr = pd.DataFrame(rows, columns=["orig", "dest", "t", "pair", "dist"])
gr["ldist"] = r10(np.log(gr.dist.to_numpy()))
gr["contig"] = (gr.dist.to_numpy() < 2.5).astype(np.int64)
gmu = np.exp(
    1.2 + ofe[gr.orig, gr.t] + dfe[gr.dest, gr.t] - 1.1 * gr.ldist.to_numpy() + 0.6 * gr.contig.to_numpy()
)
flow = rng.poisson(gmu)
for o, t in zero_orig_year:
    flow[(gr.orig.to_numpy() == o) & (gr.t.to_numpy() == t)] = 0
gr["flow"] = flow
gr["year"] = 2018 + gr.t
gr["log1p_flow"] = r10(np.log1p(flow))
gr = gr[["orig", "dest", "year", "pair", "ldist", "contig", "flow", "log1p_flow"]]
gr = write_csv(gr, "gravity.csv", {"orig", "dest", "year", "pair", "contig", "flow"})
n_gr = len(gr)
assert n_gr == 30 * 29 * 3
NOTES["gravity_zero_share"] = float((gr.flow == 0).mean())
NOTES["gravity_contig_share"] = float(gr.contig.mean())
# which rows must be dropped: all-zero orig^year or dest^year groups
oy = gr.orig.to_numpy() * 10000 + gr.year.to_numpy()
dy = gr.dest.to_numpy() * 10000 + gr.year.to_numpy()
fl_ = gr.flow.to_numpy()
zero_oy = {g for g in np.unique(oy) if fl_[oy == g].sum() == 0}
zero_dy = {g for g in np.unique(dy) if fl_[dy == g].sum() == 0}
expect_drop = np.where(np.isin(oy, list(zero_oy)) | np.isin(dy, list(zero_dy)))[0]

V_G = {"CRV1_pair": {"CRV1": "pair"}, "hetero": "hetero", "iid": "iid"}
fml_g = "flow ~ ldist + contig | orig^year + dest^year"
ppml = {k: pf.fepois(fml_g, data=gr, vcov=v, **pkw) for k, v in V_G.items()}
pp = ppml["CRV1_pair"]
# rows removed by the "fe" separation check are listed in fit.na_index (float
# array of 0-based row labels); fit._na_index only holds NA-dropped rows.
assert len(pp._na_index) == 0
dropped = np.sort(np.asarray(pp.na_index, dtype=float).astype(np.int64))
assert pp.n_separation_na == len(dropped)
assert np.array_equal(dropped, expect_drop), (dropped, expect_drop)
keep = np.setdiff1d(np.arange(n_gr), dropped)
assert pp._N == len(keep)
ppml_def = pf.fepois(fml_g, data=gr, vcov={"CRV1": "pair"})
DIAG["pf_ppml_default_tol_coef_maxrel"] = maxrel(ppml_def.coef(), pp.coef())

# cross-check with explicit dummies on the kept rows (statsmodels GLM, direct IRLS)
gk = gr.iloc[keep].reset_index(drop=True)
oyk = gk.orig.to_numpy() * 10000 + gk.year.to_numpy()
dyk = gk.dest.to_numpy() * 10000 + gk.year.to_numpy()
XG = np.column_stack([gk.ldist, gk.contig, gravity_fe_design(oyk, dyk, gk.year.to_numpy())])
KG = XG.shape[1]
assert np.linalg.matrix_rank(XG) == KG
KG_pf = int(pp._df_k)  # pyfixest: k + sum(levels) - (n_fe - 1)
assert KG_pf == 2 + len(np.unique(oyk)) + len(np.unique(dyk)) - 1
assert KG_pf - KG == n_y - 1  # pyfixest overcounts by the n_years-1 redundant FE
gdum_m = sm.GLM(gk.flow.to_numpy().astype(float), XG, family=Poisson)
gdum = glm_fit(gdum_m)
gdum0 = glm_fit(gdum_m, cov_type="HC0")
gdumc = glm_fit(gdum_m, cov_type="cluster", cov_kwds={"groups": gk.pair.to_numpy()})
NG = len(gk)
close(pp.coef(), gdum.params[:2], RTOL_COEF, "PPML == GLM dummies")
close(pp.deviance, gdum.deviance, 1e-10, "PPML deviance")
close(ppml["iid"].se(), gdum.bse[:2] * np.sqrt((NG - 1) / (NG - KG_pf)), RTOL_SE, "PPML iid")
close(ppml["hetero"].se(), gdum0.bse[:2] * np.sqrt(NG / (NG - KG_pf)), RTOL_SE, "PPML hetero")
close(pp.se(), gdumc.bse[:2] * np.sqrt((NG - KG) / (NG - KG_pf)), RTOL_SE, "PPML CRV1 pair vs dummies")
Gpair = len(np.unique(gk.pair))

# predictions (in-sample, response scale) for 5 kept rows, CSV row indices
contig_k = keep[gr.contig.to_numpy()[keep] == 1]
zero_k = keep[(gr.flow.to_numpy()[keep] == 0) & (keep > 1200)]
pred_rows = sorted({int(keep[0]), int(keep[1]), int(contig_k[0]), int(zero_k[0]), int(keep[-1])})
assert len(pred_rows) == 5
assert all(r in set(keep.tolist()) for r in pred_rows)
pos = np.searchsorted(keep, pred_rows)
pr = np.asarray(pp.predict(type="response")).ravel()
assert len(pr) == len(keep)
close(pr[pos], gdum.mu[pos], 1e-9, "PPML predict == dummy-GLM mu")

CASES["pf_ppml_gravity"] = pf_case(
    ppml,
    f'pf.fepois("{fml_g}", data=gr, vcov=..., iwls_tol=1e-13, fixef_tol=1e-13)',
    "gravity.csv",
    {
        "nobs_total": int(n_gr),
        "nobs_used": int(pp._N),
        "nobs_dropped": int(len(dropped)),
        "dropped_rows": [int(v) for v in dropped],
        "dropped_groups": {
            "orig^year": sorted([[int(g // 10000), int(g % 10000)] for g in zero_oy]),
            "dest^year": sorted([[int(g // 10000), int(g % 10000)] for g in zero_dy]),
        },
        "deviance": fl(pp.deviance),
        "loglik": fl(pp._loglik),
        "cluster_G_pair": int(Gpair),
        "k_fixef_levels_after_drop": {
            "orig^year": int(len(np.unique(oyk))),
            "dest^year": int(len(np.unique(dyk))),
        },
        "df_k_exact_rank": int(KG),
        "predict_response": {
            "rows": pred_rows,
            "value": [fl(v) for v in pr[pos]],
        },
    },
    ref=pp,
)
CASES["sm_ppml_gravity_dummies"] = {
    "data": "gravity.csv",
    "package": "statsmodels",
    "call": "sm.GLM(flow, [ldist, contig, 1, dummies(orig^year), dummies(dest^year)], Poisson) "
    "on the rows NOT in pf_ppml_gravity.dropped_rows",
    "nobs": int(NG),
    "k_params": int(KG),
    "coef": {"ldist": fl(gdum.params[0]), "contig": fl(gdum.params[1])},
    "se": {
        "nonrobust": {"ldist": fl(gdum.bse[0]), "contig": fl(gdum.bse[1])},
        "HC0": {"ldist": fl(gdum0.bse[0]), "contig": fl(gdum0.bse[1])},
        "cluster_pair": {"ldist": fl(gdumc.bse[0]), "contig": fl(gdumc.bse[1])},
    },
    "deviance": fl(gdum.deviance),
    "llf": fl(gdum.llf),
}

# ---- log(1+flow) OLS with the same FE ------------------------------------------
fml_l = "log1p_flow ~ ldist + contig | orig^year + dest^year"
pl = {k: pf.feols(fml_l, data=gr, vcov=v, **pf_kw()) for k, v in V_G.items()}
assert pl["CRV1_pair"]._N == n_gr
XL = np.column_stack([gr.ldist, gr.contig, gravity_fe_design(oy, dy, gr.year.to_numpy())])
KL = XL.shape[1]
assert np.linalg.matrix_rank(XL) == KL
olsl = sm.OLS(gr.log1p_flow.to_numpy(), XL)
rl = olsl.fit()
rlc = olsl.fit(cov_type="cluster", cov_kwds={"groups": gr.pair.to_numpy()})
rlh = olsl.fit(cov_type="HC1")
KL_pf = int(pl["iid"]._df_k)
assert KL_pf == 2 + 90 + 90 - 1 and KL == KL_pf - (n_y - 1)
close(pl["iid"].coef(), rl.params[:2], RTOL_COEF, "log1p FE == dummies")
cf = np.sqrt((n_gr - KL) / (n_gr - KL_pf))
close(pl["iid"].se(), rl.bse[:2] * cf, RTOL_SE, "log1p iid")
close(pl["hetero"].se(), rlh.bse[:2] * cf, RTOL_SE, "log1p hetero")
close(pl["CRV1_pair"].se(), rlc.bse[:2] * cf, RTOL_SE, "log1p CRV1 pair")
CASES["pf_ols_gravity_log1p"] = pf_case(
    pl,
    f'pf.feols("{fml_l}", data=gr, vcov=..., fixef_tol=1e-13)',
    "gravity.csv",
    {
        "r2": fl(pl["iid"]._r2),
        "r2_within": fl(pl["iid"]._r2_within),
        "k_fixef_levels": {"orig^year": 90, "dest^year": 90},
        "df_k_exact_rank": int(KL),
        "cluster_G_pair": int(len(np.unique(gr.pair))),
    },
    ref=pl["CRV1_pair"],
)

# ============================================================================
# README.md -- the data facts and numbers it quotes are asserted here
# ============================================================================
assert round(100 * NOTES["poisson_zero_share"], 1) == 37.4
assert round(100 * NOTES["gravity_zero_share"], 1) == 47.8
assert NOTES["ols_twoway_G"] == {"G_cl1": 15, "G_cl2": 8, "G_intersection": 96}
assert 1e-6 < NOTES["nb_default_fit_coef_maxrel"] < 1e-4
assert 1e-9 < NOTES["glm_irls_prev_weights_bse_maxrel"] < 1e-8
assert all(v < 1e-11 for v in DIAG.values())
_pg = CASES["pf_ppml_gravity"]
assert (_pg["nobs_total"], _pg["nobs_used"], _pg["nobs_dropped"]) == (2610, 2523, 87)
assert _pg["k_fixef_levels_after_drop"] == {"orig^year": 87, "dest^year": 90}
assert _pg["dropped_groups"] == {"orig^year": [[4, 2019], [11, 2018], [22, 2020]], "dest^year": []}
assert (_pg["df_k_exact_rank"], _pg["ssc"]["iid"]["df_k"], _pg["cluster_G_pair"]) == (176, 178, 870)
_pl = CASES["pf_ols_gravity_log1p"]
assert (_pl["df_k_exact_rank"], _pl["ssc"]["iid"]["df_k"], _pl["nobs"]) == (179, 181, 2610)
assert CASES["pf_ols_fe1_nested_cluster"]["ssc"]["CRV1_fe1"]["df_k"] == 3
assert CASES["pf_ols_fe_interact"]["ssc"]["iid"]["df_k"] == 72
assert CASES["sm_glm_poisson_dummies"]["k_params"] == 31 and CASES["pf_fepois"]["ssc"]["iid"]["df_k"] == 31
assert pf.ssc() == {"k_adj": True, "k_fixef": "nonnested", "G_adj": True, "G_df": "min"}

README_TEMPLATE = r"""# Regression reference fixtures

Synthetic data sets and reference values from **statsmodels** and **pyfixest**
for the Swift regression engine's tests: OLS/WLS, Poisson/NB2/Gaussian GLM,
absorbed fixed effects, PPML with separation drops, robust and clustered
standard errors.

Everything in this folder except `make_reference.py` is generated by it:

    pip install statsmodels pyfixest        # pandas, numpy, scipy come along
    python3 Tests/Fixtures/regression/make_reference.py     # from the repo root

It prints the package versions and writes `ols.csv`, `poisson.csv`,
`negbin.csv`, `gravity.csv`, `reference.json` and this `README.md`.
The script aborts (assertion) if any cross-check below fails.

Versions used for the committed files:

| package | version |
| --- | --- |
@VERSIONS@

## Determinism and precision

* One generator, `np.random.default_rng(20261129)`, drawn in a fixed order.
  The CSV files are bit-for-bit reproducible.
* Floats are rounded to 10 significant digits **before** fitting, written in
  the shortest round-trip positional form (no exponent), and every fit uses
  the CSV **as re-read by pandas**, asserted equal bit for bit to the
  in-memory data. Parse with a correctly rounded parser (Swift
  `Double(String)` is); categorical codes are plain integers.
* `ols.csv`: `x1`, `x2` are multiples of 2^-8, so `x3 = x1 + x2` holds
  **exactly** both in decimal and in binary (a true collinearity).
* Iterative fits use tolerances far tighter than the package defaults, so the
  references are the optimum itself, not an artefact of a stopping rule:
  pyfixest `fixef_tol=1e-13` (default 1e-6), `fixef_maxiter=100000`,
  fepois `iwls_tol=1e-13` (default 1e-8), `iwls_maxiter=200`; statsmodels GLM
  `tol=1e-12`, then **refitted once starting at the optimum** (see surprises:
  statsmodels' IRLS returns the non-robust covariance from the weights of the
  previous iterate); discrete NB by Newton with `tol=1e-13`.
* Each fixed-effects result from pyfixest is asserted equal to a
  direct dense solve with explicit dummies (statsmodels) to rtol 1e-9
  (coefficients) and 1e-8 (standard errors, after the K adjustment stated
  below). Values are stored with full double precision (`repr`).
* pyfixest's Rust demeaner is not bit-reproducible from run to run (a few ulp,
  ~1e-15 relative, even with `RAYON_NUM_THREADS=1`). The script therefore
  rewrites `reference.json` only when some value moved by more than 1e-11
  relative (or the structure changed); otherwise it keeps the committed file.

## Data files

| file | rows | columns |
| --- | --- | --- |
| `ols.csv` | 200 | `y, x1, x2, x3, w, cl1, cl2, fe1, fe2` — `x3 = x1 + x2` exactly; `w` in (0.5, 3); `cl1` 15 clusters, `cl2` 8 clusters (96 non-empty `cl1 x cl2` cells); `fe1` 10 levels, `fe2` 7 levels; every `fe1 x fe2` cell has >= 2 rows (no singletons). DGP `y = 1 + 0.5 x1 - 2 x2 + a[fe1] + b[fe2] + c[cl1] + d[cl2] + (0.5 + 0.5 abs(x1)) e`. |
| `poisson.csv` | 500 | `y, x1, x2, exposure, fe1, fe2, cl` — counts (37.4 % zeros); `fe1` 20 levels, `fe2` 10, `cl` 25 clusters; no FE level is all-zero. DGP `y ~ Poisson(exposure exp(-0.8 + 0.3 x1 - 0.6 x2 + a[fe1] + b[fe2]))`. |
| `negbin.csv` | 400 | `y, x1, x2` — `y ~ NB2(mu = exp(0.5 + 0.4 x1 - 0.3 x2), theta = 2)`. |
| `gravity.csv` | 2610 | `orig, dest, year, pair, ldist, contig, flow, log1p_flow` — 30 origins x 30 destinations x years 2018–2020 without `orig == dest`, rows ordered by year, orig, dest; `pair = 30 orig + dest` (870 directed pairs); `flow` Poisson (47.8 % zeros) with the origin-year groups (4, 2019), (11, 2018), (22, 2020) forced all-zero; `log1p_flow = log(1 + flow)` rounded to 10 digits. |

## reference.json schema

```
{
  "generator": "Tests/Fixtures/regression/make_reference.py",
  "seed": 20261129,
  "versions": {"python", "numpy", "pandas", "scipy", "statsmodels", "pyfixest", "formulaic", "patsy"},
  "notes": {...deterministic facts about the data...},
  "cases": {
    "<case>": {
      "data": "<csv file>", "package": "statsmodels" | "pyfixest", "call": "<exact call>" (most cases),
      "nobs": int,                                   # observations actually used
      "coef": {"<term>": float, ...},
      "se":   {"<vcov label>": {"<term>": float, ...}, ...},
      "ssc":  {"<vcov label>": {"factor": [float...], "df_k": int, "df_t": int,
                                "settings": {"k_adj", "k_fixef", "G_adj", "G_df"}}}   # pyfixest only
      ... case-specific scalars / small lists (below)
    }
  }
}
```

Term names: statsmodels formula names (`Intercept`, `x1`, `x2`; discrete NB
also `alpha`); pyfixest names (`x1`, `x2`, no intercept when FE are absorbed;
`Intercept` without FE); the gravity cases use `ldist`, `contig`. For
pyfixest, `ssc.factor` is the scalar pyfixest multiplied into the covariance
(for two-way clustering one per term of `V1 + V2 - V12`, the last negative),
`df_k` the K it used and `df_t` the t-test degrees of freedom. No NaN/Inf; the
only lists are short ones (head/tail vectors, row indices, CI pairs).

## Cases

All vcov labels below are keys of the case's `se` object.

### ols.csv

| case | model and options | extra fields |
| --- | --- | --- |
| `sm_ols` | `smf.ols("y ~ x1 + x2", ols).fit(cov_type=...)`: `nonrobust`; `HC0`..`HC3`; `cluster_cl1` = `cov_type="cluster", cov_kwds={"groups": cl1}` (default `use_correction=True`); `cluster_cl1_cl2` = same with `groups = np.column_stack([cl1, cl2])` (statsmodels two-way) | `tvalues_nonrobust`, `pvalues_nonrobust` (t with N-K df), `conf_int_95_nonrobust` (`{term: [lo, hi]}`), `rsquared`, `rsquared_adj`, `fvalue`, `f_pvalue`, `llf`, `aic`, `bic`, `df_resid`, `df_model`, `ssr`, `scale`, `resid_head/tail`, `fitted_head/tail` (rows 0–4 and 195–199), `cluster_G`, `ssc_factor` |
| `sm_wls` | `smf.wls("y ~ x1 + x2", ols, weights=w)`: `nonrobust`, `HC1` | `rsquared`, `llf`, `ssr` (weighted), `df_resid` |
| `sm_ols_dummies` | `smf.ols("y ~ x1 + x2 + C(fe1) + C(fe2)")`, K = 18: `nonrobust`, `HC1`, `cluster_cl1`, `cluster_cl1_cl2` (x1, x2 only) — what an FE model equals when K counts the FE | `k_params`, `ssr`, `df_resid`, `rsquared` |
| `pf_ols` | `pf.feols("y ~ x1 + x2", ols, vcov=...)`, no FE: `iid`, `hetero`, `CRV1_cl1` = `{"CRV1": "cl1"}`, `CRV1_cl1_cl2` = `{"CRV1": "cl1+cl2"}` (default ssc), `CRV1_cl1_cl2_Gdf_conventional` = same with `ssc=pf.ssc(G_df="conventional")` | `r2` |
| `pf_ols_collinear` | `pf.feols("y ~ x1 + x2 + x3", vcov="iid")`: pyfixest drops `x3` | `dropped_terms` (`["x3"]`); coef equal to `pf_ols` |
| `pf_ols_fe` | `pf.feols("y ~ x1 + x2 \| fe1 + fe2", vcov=...)`, default `ssc()`: `iid`, `hetero`, `CRV1_cl1`, `CRV1_cl1_cl2`, `CRV1_cl1_cl2_Gdf_conventional` | `r2`, `r2_within`, `adj_r2`, `adj_r2_within`, `ssr`, `fe_levels` |
| `pf_ols_fe_kfixef_full` | same, `ssc=pf.ssc(k_fixef="full")` (the old name `fixef_k` is a deprecated alias in 0.60): `iid`, `hetero`, `CRV1_cl1`, `CRV1_cl1_cl2` — identical to the default here (no FE nested in a cluster) | |
| `pf_ols_fe_kfixef_none` | same, `ssc=pf.ssc(k_fixef="none")`: K = 2, FE not counted | |
| `pf_ols_fe1_nested_cluster` | `pf.feols("y ~ x1 + x2 \| fe1")`: `hetero` (K = 12), `CRV1_fe1` = `{"CRV1": "fe1"}` (default "nonnested": fe1 is nested in the cluster, K = 2 + 10 - 10 + 1 = 3), `CRV1_fe1_kfixef_full` (K = 12) | `fe_levels` |
| `pf_ols_fe_interact` | `pf.feols("y ~ x1 + x2 \| fe1^fe2")` (70 cells): `iid`, `hetero`; equals `C(fe1*7+fe2)` dummies with K = 72 | `r2`, `r2_within` |
| `pf_wls_fe` | `pf.feols("y ~ x1 + x2 \| fe1", weights="w")` (aweights): `iid`, `hetero` | `r2`, `r2_within` |
| `sm_wls_dummies` | `smf.wls("y ~ x1 + x2 + C(fe1)", weights=w)`, K = 12: `nonrobust`, `HC1` — equals `pf_wls_fe` | `k_params`, `ssr` |

### poisson.csv

| case | model and options | extra fields |
| --- | --- | --- |
| `sm_glm_poisson` | `smf.glm("y ~ x1 + x2", poi, family=Poisson(), offset=log(exposure))`: `nonrobust`, `HC0`, `HC1` (**equal to HC0**, see conventions), `cluster_cl` | `deviance`, `null_deviance`, `llf`, `aic`, `pearson_chi2`, `df_resid`, `iterations_default_tol` (statsmodels' IRLS count at its default `tol=1e-8`, informative only), `cluster_G`; `prediction_first5` = `get_prediction(exog=rows 0–4, offset=log(exposure) of rows 0–4).summary_frame()` `mean`, `mean_se` (delta method, nonrobust cov); `prediction_first5_no_offset` = `get_prediction().summary_frame()` rows 0–4, which **omits the offset** |
| `sm_glm_poisson_dummies` | `smf.glm("y ~ x1 + x2 + C(fe1) + C(fe2)", family=Poisson())`, no offset, K = 31: `nonrobust`, `HC0`, `HC1`, `cluster_cl` (x1, x2) | `k_params`, `deviance`, `llf` |
| `pf_fepois` | `pf.fepois("y ~ x1 + x2 \| fe1 + fe2", vcov=...)`: `iid`, `hetero`, `CRV1_cl` = `{"CRV1": "cl"}` | `deviance`, `loglik`, `fe_levels` |
| `pf_fepois_kfixef_none` | same with `ssc=pf.ssc(k_fixef="none")` | |
| `sm_glm_gaussian` | `smf.glm("y ~ x1 + x2", poi, family=Gaussian())`: `nonrobust` (= OLS) | `scale` (= SSR/(N-K)), `deviance`, `llf` |

### negbin.csv

| case | model and options | extra fields |
| --- | --- | --- |
| `sm_negbin_mle` | `statsmodels.discrete.discrete_model.NegativeBinomial(y, [1, x1, x2], loglike_method="nb2").fit(method="newton", tol=1e-13, maxiter=200)`: joint MLE of beta and alpha = 1/theta; `nonrobust` = sqrt diag of inv(-Hessian) of the full (beta, alpha) log-likelihood | `alpha`, `theta`, `llf`, `converged`, `iterations` |
| `sm_glm_negbin_fixed_alpha` | `sm.GLM(y, [1, x1, x2], family=NegativeBinomial(alpha=<sm_negbin_mle.alpha>))` (R `glm.nb` convention: SE of beta given theta, expected information, dispersion 1) | `alpha` (the exact value used), `deviance`, `llf`, `scale` (= 1) |

### gravity.csv

| case | model and options | extra fields |
| --- | --- | --- |
| `pf_ppml_gravity` | `pf.fepois("flow ~ ldist + contig \| orig^year + dest^year", vcov=...)`: `CRV1_pair` = `{"CRV1": "pair"}`, `hetero`, `iid` | `nobs_total` (2610), `nobs_used` (2523), `nobs_dropped` (87), `dropped_rows` (0-based CSV row indices removed by pyfixest's default `separation_check=["fe"]`: every row of an all-zero `orig^year` or `dest^year` group), `dropped_groups` (`[orig, year]` / `[dest, year]`), `k_fixef_levels_after_drop` (87 and 90), `df_k_exact_rank` (176), `deviance`, `loglik`, `cluster_G_pair` (870), `predict_response` (`rows`: CSV row indices; `value`: `fit.predict(type="response")`, in-sample fitted means). IRLS iteration count: **not exposed** by pyfixest 0.60 (not stored). |
| `sm_ppml_gravity_dummies` | `sm.GLM(flow, [ldist, contig, 1, orig^year dummies, dest^year dummies], Poisson())` on the rows not in `dropped_rows`; full-rank dummies (K = 176: per year one dest^year level is dropped besides the usual reference) — `nonrobust`, `HC0`, `cluster_pair` (statsmodels conventions, K = 176) | `k_params`, `deviance`, `llf` |
| `pf_ols_gravity_log1p` | `pf.feols("log1p_flow ~ ldist + contig \| orig^year + dest^year", vcov=...)`: `CRV1_pair`, `hetero`, `iid`; all 2610 rows | `r2`, `r2_within`, `k_fixef_levels`, `df_k_exact_rank` (179), `cluster_G_pair` |

## Small-sample conventions (each verified in the script)

Notation: N observations used, K the number of coefficients the package
counts, G clusters, B the bread, u residuals, s_i the score of observation i
(OLS: x_i u_i; WLS: sqrt(w_i) x_i · sqrt(w_i) u_i; Poisson: x_i (y_i - mu_i)),
M_c = sum over clusters g of (sum_{i in g} s_i)(sum_{i in g} s_i)'.

### statsmodels 0.15 (OLS / WLS)

* nonrobust: `SSR/(N-K) · (X'X)^-1` (WLS: on sqrt(w)-scaled X, y).
* `HC0 = B (sum s_i s_i') B`, `B = (X'X)^-1`; `HC1 = HC0 · N/(N-K)`;
  `HC2`: u_i^2/(1-h_ii); `HC3`: u_i^2/(1-h_ii)^2.  *(hand-computed, asserted to 1e-12)*
* `cov_type="cluster"` (CRV1, `use_correction=True` default):
  `B M_c B · G/(G-1) · (N-1)/(N-K)`.  *(hand-computed)*
* two-way (`groups` = N×2 array):
  `V = c(G1) V1 + c(G2) V2 - c(G12) V12`, `c(G) = G/(G-1)·(N-1)/(N-K)`, each
  term with **its own** G; G12 = number of non-empty cl1×cl2 cells (96 here).
  *(hand-computed)* Cluster p-values/CIs then use G-1 df (min G for two-way).
* With explicit dummies K counts every dummy column (18 for `C(fe1)+C(fe2)`).

### statsmodels 0.15 (GLM, discrete)

* GLM nonrobust: `phi · (X'WX)^-1` at the optimum; phi = 1 for Poisson and
  NegativeBinomial, Pearson chi2/(N-K) for Gaussian; Poisson W = mu, NB2 with
  log link W = mu/(1 + alpha mu).  *(hand-computed)*
* GLM `HC0 = B (sum s_i s_i') B`, B = inverse Hessian.  *(hand-computed)*
* GLM `HC1` **== HC0**: GLM results have no `cov_HC1`, and statsmodels falls
  back to `cov_white_simple(use_correction=False)`. There is no N/(N-K) factor
  for any GLM HC type.  *(asserted equal)*
* GLM cluster: `G/(G-1)·(N-1)/(N-K)`, as for OLS.  *(hand-computed)*
* Discrete NB2: inverse of the observed Hessian of (beta, alpha) at the MLE.
* `get_prediction(...).summary_frame()`: `mean_se = mu_i · sqrt(x_i' V x_i)`
  (delta method through the log link, V the nonrobust cov).  *(hand-computed)*

### pyfixest 0.60.0

`pf.ssc()` defaults (used for every case unless stated):
`k_adj=True, k_fixef="nonnested", G_adj=True, G_df="min"`.
The brief's names `adj, fixef_k, cluster_adj, cluster_df` are deprecated
aliases of `k_adj, k_fixef, G_adj, G_df` in this version. Beware: the 0.60
docstring still says the default is `k_fixef="none"` and
`G_df="conventional"`; the code (and every value here) uses `"nonnested"` and
`"min"`.

K (`df_k`) with k the number of estimated slope coefficients (after collinear
drops; the intercept is absorbed when there are FE), L_j the number of levels
of fixed effect j (after separation drops), n_fe the number of FE terms:

* `k_fixef="none"`: K = k.
* `k_fixef="full"`: K = k + sum_j L_j - (n_fe - 1).
* `k_fixef="nonnested"` (default): as `"full"` for iid/hetero; for CRV the
  levels of every FE nested in a cluster variable are removed and 1 is added
  back per such FE: K = k + sum_j L_j - (n_fe - 1) - sum_{nested j} L_j + #nested.
  (`pf_ols_fe1_nested_cluster`: K = 2 + 10 - 10 + 1 = 3.)
* `sum_j L_j - (n_fe - 1)` is the exact number of free FE parameters only when
  the FE are "connected". For `orig^year + dest^year` the two sets are
  disconnected across years, so the exact rank is (n_years - 1) = 2 lower:
  pyfixest uses K = 181 (log1p OLS) and 178 (PPML after drops) where the
  dummy-variable rank is 179 and 176 (`df_k_exact_rank`). The stored pyfixest
  SEs use pyfixest's K.

Variance formulas (X~ = FE-demeaned regressors, weighted by the IRLS weights
for fepois; u~ the demeaned residuals):

* `iid`, feols: `sum u~^2/(N-1) · (X~'X~)^-1 · (N-1)/(N-K)` = `SSR/(N-K) (X~'X~)^-1`
  (weighted: sum w u^2).  *(hand-computed; equals statsmodels dummies nonrobust)*
* `iid`, fepois: `(N-1)/(N-K) · (X~'WX~)^-1` — **pyfixest multiplies the
  inverse Fisher information by (N-1)/(N-K)**; statsmodels GLM nonrobust does not.
  *(asserted: pf = sm_dummies · sqrt((N-1)/(N-K)))*
* `hetero`: `N/(N-K) · HC0` (feols and fepois) — i.e. HC1 with K including FE.
  *(hand-computed; feols equals statsmodels dummies HC1; fepois equals
  statsmodels dummies HC0 · N/(N-K))*
* `CRV1`: `G/(G-1)·(N-1)/(N-K) · B M_c B`.  *(hand-computed; equals statsmodels
  dummies cluster whenever pyfixest's K equals the dummy rank)*
* two-way `{"CRV1": "a+b"}`: `V = c·(V_a + V_b - V_ab)` with ONE factor
  `c = Gmin/(Gmin-1)·(N-1)/(N-K)`, `Gmin = min(G_a, G_b)` (`G_df="min"`, the
  default), the intersection clusters being the distinct "a-b" pairs.
  With `ssc(G_df="conventional")` each term gets its own `G/(G-1)`, which
  reproduces statsmodels' two-way exactly.  *(both hand-computed)*
* t-test df (`df_t`): N - K for iid/hetero; G - 1 for CRV (min over two-way).

Equalities asserted by the script (so the Swift engine can pick either side):
`pf_ols` = `sm_ols` (iid/nonrobust, hetero/HC1, CRV1/cluster,
two-way conventional/two-way); `pf_ols_fe` = `sm_ols_dummies` (all four);
`pf_ols_fe_interact` = dummies; `pf_wls_fe` = `sm_wls_dummies`;
`pf_fepois` coef/deviance = `sm_glm_poisson_dummies`, CRV1 = dummies cluster;
`pf_ppml_gravity` coef/deviance/predictions = `sm_ppml_gravity_dummies`, SEs
after the K-ratio; `sm_glm_gaussian` = OLS; `sm_glm_negbin_fixed_alpha` coef =
`sm_negbin_mle` beta (1e-8).

## Surprises worth knowing

1. **statsmodels GLM `HC1` is HC0** (no N/(N-K)); only OLS/WLS have a real HC1.
2. **statsmodels `get_prediction()` without arguments ignores the offset** of a
   GLM fitted with `offset=`: it returns exp(x'b) (rate at exposure 1). Pass
   `exog=` and `offset=` to get the fitted means. Both are stored.
3. **statsmodels GLM IRLS**: the non-robust covariance comes from the WLS step
   whose weights were built from the *previous* iterate (3.5e-9 relative error
   in the `sm_glm_poisson` SEs at default settings). Refitting with
   `start_params` = the converged params removes it; the stored values are
   refitted.
4. **statsmodels discrete NB default fit** (`bfgs`, `maxiter=35`) stops
   ~9e-6 (relative) away from the MLE here; the references use Newton to 1e-13
   (gradient < 1e-7 asserted).
5. **pyfixest vs statsmodels two-way clustering differ by default**: pyfixest
   scales all three terms by min(G)/(min(G)-1) (`G_df="min"`), statsmodels by
   each term's own G/(G-1). `ssc(G_df="conventional")` makes them agree.
6. **Two-way cluster variances can be negative**: with an earlier DGP the
   dummy-model two-way variance of x2 was negative in statsmodels (V1 + V2 -
   V12 is not PSD). Neither package repairs it (no eigenvalue clipping); the
   final DGP has cluster structure in both dimensions so all stored values
   are positive. The Swift engine needs a policy for this case.
7. **pyfixest's FE count ignores disconnected FE graphs** (K overcount of 2 for
   `orig^year + dest^year` over 3 years). It equals the dummy rank for
   `fe1 + fe2`, `fe1`, `fe1^fe2`.
8. pyfixest 0.60 default `k_fixef="nonnested"` counts the FE in K, so its
   default FE SEs equal the dummy-variable SEs; `k_fixef="none"` (the
   documented-but-not-actual default) does not.
9. pyfixest fepois separation drops are reported in `fit.na_index` (float
   labels) and `fit.n_separation_na`; `fit._na_index` stays empty. No IRLS
   iteration count is kept. In-sample `predict()` returns only the kept rows.
10. pyfixest results with the package-default tolerances (`fixef_tol=1e-6`,
    `iwls_tol=1e-8`) were within ~4e-13 of the tight ones on these data
    (printed as `diag ...` by the script).
11. pandas 3 deprecates `read_csv(float_precision=...)` and parses floats
    exactly by default; the script uses `"round_trip"` only on pandas < 3 and
    asserts exact equality either way.
"""


# ============================================================================
# write reference.json
# ============================================================================
out = {
    "generator": GENERATOR,
    "seed": SEED,
    "versions": VERSIONS,
    "notes": NOTES,
    "cases": CASES,
}


def check_finite(o, path="$"):
    if isinstance(o, float):
        assert np.isfinite(o), path
    elif isinstance(o, dict):
        for k, v in o.items():
            check_finite(v, f"{path}.{k}")
    elif isinstance(o, list):
        for i, v in enumerate(o):
            check_finite(v, f"{path}[{i}]")


check_finite(out)


def same_within(a, b, rtol=1e-11):
    """Structural equality; floats equal to rtol (pyfixest's Rust demeaner is
    not bit-reproducible run to run: differences of a few ulp)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_within(a[k], b[k], rtol) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_within(x, y, rtol) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, bool) or isinstance(b, bool):
            return a == b
        return abs(a - b) <= rtol * max(abs(a), abs(b)) or a == b
    return a == b and type(a) is type(b)


text = json.dumps(out, indent=1, allow_nan=False) + "\n"
assert len(text) < 200_000, len(text)
ref_path = HERE / "reference.json"
old = json.loads(ref_path.read_text()) if ref_path.exists() else None
if old is not None and same_within(json.loads(text), old):
    print("reference.json unchanged (all values within rtol 1e-11 of the existing file); kept as is")
else:
    ref_path.write_text(text)
    print(f"reference.json written: {len(CASES)} cases, {len(text)} bytes")
(HERE / "README.md").write_text(README_TEMPLATE.replace("@VERSIONS@", "\n".join(
    f"| {k} | {v} |" for k, v in VERSIONS.items())))
print("README.md written")
for k, v in NOTES.items():
    print(f"note {k}: {v}")
for k, v in DIAG.items():
    print(f"diag {k}: {v:.3e}")
