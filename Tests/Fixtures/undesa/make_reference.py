#!/usr/bin/env python3
"""Real-data reference for a PPML gravity fit: UN DESA bilateral migrant stocks 2020 x CEPII GeoDist.

Run from the repository root:

    python3 Tests/Fixtures/undesa/make_reference.py

Reads (read-only, NOT copied into the repository):
    /work/shared/data/migrant-stock-undesa/undesa_ims2024_bilateral_migrant_stock.csv
    /work/shared/data/gravity-geodist/cepii_geodist_dist.csv
(other locations: --undesa PATH --cepii PATH, or the environment variables
MIGKIT_UNDESA_CSV / MIGKIT_CEPII_DIST_CSV; the SHA-256 of both files is checked
against the values below unless --no-hash-check is given).

Writes, next to this script:
    reference.json   case "ppml_2020": row counts, pyfixest fepois results (CRV1 by pair,
                     hetero, iid), ssc / K, exact rank, statsmodels dummy-GLM cross-check
    README.md        the row rule (verbatim), counts, the exact calls, conventions

Deterministic: no randomness; rows are built and sorted by a fixed rule.  pyfixest's Rust
demeaner is not bit-reproducible run to run (a few ulp), so reference.json is rewritten only
when a value moved by more than 1e-11 relative or the structure changed.
Requirements: numpy, pandas, scipy, statsmodels, pyfixest (pip).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import json
import os
import platform
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf
import scipy
import scipy.sparse as sp
import statsmodels
import statsmodels.api as sm
from pyfixest.core.detect_singletons import detect_singletons
from scipy.sparse.csgraph import connected_components

HERE = Path(__file__).resolve().parent
GENERATOR = "Tests/Fixtures/undesa/make_reference.py"
DEFAULT_UNDESA = "/work/shared/data/migrant-stock-undesa/undesa_ims2024_bilateral_migrant_stock.csv"
DEFAULT_CEPII = "/work/shared/data/gravity-geodist/cepii_geodist_dist.csv"
SHA256 = {
    "undesa": "5b739b66ae354dd74ee6577ef76818205053a09a88b38b4c4d2bd81e95f6b336",
    "cepii": "f7c55016cc3ab9a0a5527cf816d53e174724a9126c36581a5ec736bc2de3ca6c",
}
YEAR = 2020

# Tight tolerances (pyfixest defaults in comments).
TOL_IWLS = 1e-13  # fepois IRLS: |dev - dev_prev| / (0.1 + |dev_prev|) (default 1e-8)
IWLS_MAXITER = 200  # (default 25)
TOL_FIXEF = 1e-13  # MAP demeaning (default 1e-6)
FIXEF_MAXITER = 1_000_000  # (default 10_000)

FML = "stock ~ log_dist + contig + comlang_off | origin + destination"
TERMS = ["log_dist", "contig", "comlang_off"]
VCOVS = {"CRV1_pair": {"CRV1": "pair"}, "hetero": "hetero", "iid": "iid"}
CALL = (
    f'pf.fepois("{FML}", data=rows, vcov={{"CRV1": "pair"}}, iwls_tol=1e-13, iwls_maxiter=200, '
    f"fixef_tol=1e-13, fixef_maxiter=1_000_000)"
)

RTOL_COEF = 1e-8  # pyfixest vs statsmodels dummies
RTOL_SE = 1e-8

warnings.filterwarnings("ignore", category=FutureWarning)
# fixef_tol / fixef_maxiter are deprecated aliases of a typed demeaner= config in pyfixest 0.60;
# they still select the same (Rust MAP) demeaner with the given tolerance.
warnings.filterwarnings("ignore", category=DeprecationWarning)


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def fl(x):
    x = float(x)
    assert np.isfinite(x), x
    return x


def named(values, names=TERMS):
    return {str(k): fl(v) for k, v in zip(names, np.asarray(values, dtype=float))}


def maxrel(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def close(a, b, rtol, what):
    r = maxrel(a, b)
    assert r <= rtol, f"{what}: max rel diff {r:.3e} > {rtol:g}\n{a}\n{b}"
    return r


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pf_ssc_info(fit):
    return {
        "factor": [fl(v) for v in np.atleast_1d(np.asarray(fit._ssc).ravel())],
        "df_k": int(fit._df_k),
        "df_t": int(fit._df_t),
        "settings": {k: v for k, v in fit._ssc_dict.items()},
    }


def glm_fit(model, start=None, **kw):
    """statsmodels GLM IRLS, restarted at its own optimum until the coefficients settle.

    statsmodels stops on the ABSOLUTE deviance change (the deviance here is ~2e8), and its
    normalized_cov_params come from the weights of the previous iterate; restarting at the
    converged coefficients removes both effects.  With `start` (an already polished optimum)
    one IRLS pass from there is enough.
    """
    if start is not None:
        r = model.fit(start_params=start, tol=1e-10, maxiter=500, **kw)
        assert r.converged
        return r
    r = model.fit(tol=1e-10, maxiter=500, **kw)
    for _ in range(8):
        prev = np.asarray(r.params)
        r = model.fit(start_params=prev, tol=1e-10, maxiter=500, **kw)
        if np.max(np.abs(np.asarray(r.params) - prev) / np.maximum(np.abs(prev), 1.0)) < 1e-13:
            break
    assert r.converged
    return r


# ----------------------------------------------------------------------------
# arguments, versions, inputs
# ----------------------------------------------------------------------------

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--undesa", default=os.environ.get("MIGKIT_UNDESA_CSV", DEFAULT_UNDESA))
ap.add_argument("--cepii", default=os.environ.get("MIGKIT_CEPII_DIST_CSV", DEFAULT_CEPII))
ap.add_argument("--no-hash-check", action="store_true")
args = ap.parse_args()

VERSIONS = {
    "python": platform.python_version(),
    "numpy": np.__version__,
    "pandas": pd.__version__,
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
    "pyfixest": md.version("pyfixest"),
}
for k, v in VERSIONS.items():
    print(f"{k:12s} {v}")

hashes = {"undesa": sha256(args.undesa), "cepii": sha256(args.cepii)}
if not args.no_hash_check and not SHA256["undesa"].startswith("@"):
    for k in hashes:
        assert hashes[k] == SHA256[k], f"{k}: SHA-256 {hashes[k]} differs from the file this was built on"

# keep_default_na=False: codes are text, never NaN (no cell is empty in either file; asserted)
STR = {"dest_iso3": str, "origin_iso3": str, "sex": str, "iso_o": str, "iso_d": str}
un = pd.read_csv(args.undesa, keep_default_na=False, dtype=STR)
ce = pd.read_csv(args.cepii, keep_default_na=False, dtype=STR, usecols=["iso_o", "iso_d", "contig", "comlang_off", "dist"])
assert (un[["dest_iso3", "origin_iso3", "sex"]] != "").all().all()
assert un.migrant_stock.dtype.kind == "i" and (un.migrant_stock >= 0).all()
assert set(un.sex) == {"female", "male"}
assert not un.duplicated(["dest_iso3", "origin_iso3", "year", "sex"]).any()
assert not ce.duplicated(["iso_o", "iso_d"]).any()
assert ce.contig.dtype.kind == "i" and ce.comlang_off.dtype.kind == "i" and ce.dist.dtype.kind == "f"
assert set(ce.contig) <= {0, 1} and set(ce.comlang_off) <= {0, 1} and np.isfinite(ce.dist).all()

C: dict[str, object] = {}  # counts, in rule order
C["undesa_rows_file"] = len(un)
C["cepii_rows_file"] = len(ce)

# ----------------------------------------------------------------------------
# the row rule
# ----------------------------------------------------------------------------

# 1. year == 2020
u20 = un[un.year == YEAR]
C["undesa_rows_year"] = len(u20)
# 2. stock = sum over sex per (origin, dest); only pairs with at least one sex row
g = (
    u20.groupby(["origin_iso3", "dest_iso3"], sort=True)
    .agg(stock=("migrant_stock", "sum"), n_sex=("sex", "size"))
    .reset_index()
)
C["pairs_with_sex_rows"] = len(g)
C["pairs_with_both_sex_rows"] = int((g.n_sex == 2).sum())
C["pairs_with_one_sex_row"] = int((g.n_sex == 1).sum())
one_sex = g[g.n_sex == 1][["origin_iso3", "dest_iso3"]].values.tolist()
assert set(g.n_sex) <= {1, 2}
# 3. drop origin == dest
same = g.origin_iso3 == g.dest_iso3
C["pairs_origin_eq_dest_dropped"] = int(same.sum())
g = g[~same]
C["pairs_after_self_drop"] = len(g)
# 4. inner join with CEPII on iso_o = origin_iso3, iso_d = dest_iso3
cepii_codes = set(ce.iso_o) | set(ce.iso_d)
assert set(ce.iso_o) == set(ce.iso_d)
o_in = g.origin_iso3.isin(cepii_codes)
d_in = g.dest_iso3.isin(cepii_codes)
C["pairs_no_cepii_match"] = int((~(o_in & d_in)).sum())
C["pairs_no_cepii_match_origin_only"] = int((~o_in & d_in).sum())
C["pairs_no_cepii_match_destination_only"] = int((o_in & ~d_in).sum())
C["pairs_no_cepii_match_both"] = int((~o_in & ~d_in).sum())
lost = g[~(o_in & d_in)]
unmatched_origin = sorted(set(lost.origin_iso3) - cepii_codes)
unmatched_dest = sorted(set(lost.dest_iso3) - cepii_codes)
lost_stock = int(lost.stock.sum())
j = g.merge(ce, left_on=["origin_iso3", "dest_iso3"], right_on=["iso_o", "iso_d"], how="inner", validate="1:1")
assert len(j) == (o_in & d_in).sum()  # every pair of two CEPII countries has a CEPII row
C["pairs_after_cepii_join"] = len(j)
# 5. require dist > 0
pos = j.dist > 0
C["pairs_dist_not_positive_dropped"] = int((~pos).sum())
j = j[pos]
rows = j.sort_values(["origin_iso3", "dest_iso3"]).reset_index(drop=True)
rows["log_dist"] = np.log(rows.dist.to_numpy())
rows["origin"] = rows.origin_iso3
rows["destination"] = rows.dest_iso3
rows["pair"] = np.arange(len(rows), dtype=np.int64)  # one cluster per directed pair (= per row)
rows = rows[["origin", "destination", "pair", "stock", "dist", "log_dist", "contig", "comlang_off"]]
C["estimation_rows"] = len(rows)
N0 = len(rows)

# codes present in CEPII but never in a UN DESA 2020 pair (informative: old ISO codes)
un_codes = set(u20.origin_iso3) | set(u20.dest_iso3)
cepii_only = sorted(cepii_codes - un_codes)
# what a (NOT applied) recode of CEPII's pre-ISO-change codes would add
RECODE = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "PAL": "PSE"}
ce_re = ce.replace({"iso_o": RECODE, "iso_d": RECODE})
j_re = g.merge(ce_re, left_on=["origin_iso3", "dest_iso3"], right_on=["iso_o", "iso_d"], how="inner")
recode_extra_pairs = int(len(j_re[j_re.dist > 0]) - N0)

# ----------------------------------------------------------------------------
# pyfixest
# ----------------------------------------------------------------------------

pkw = dict(iwls_tol=TOL_IWLS, iwls_maxiter=IWLS_MAXITER, fixef_tol=TOL_FIXEF, fixef_maxiter=FIXEF_MAXITER)
fits = {k: pf.fepois(FML, data=rows, vcov=v, **pkw) for k, v in VCOVS.items()}
ref = fits["CRV1_pair"]
for k, f in fits.items():
    assert list(f.coef().index) == TERMS, f.coef().index
    assert f.convergence
    if k != "CRV1_pair":
        assert np.array_equal(f.coef().to_numpy(), ref.coef().to_numpy()) or maxrel(f.coef(), ref.coef()) < 1e-12

# drops: separation ("fe": all-zero origin or destination group) and singletons
sep_idx = np.sort(np.asarray(ref.na_index, dtype=float).astype(np.int64))
assert ref.n_separation_na == len(sep_idx)
sing_idx = np.sort(np.asarray(sorted(ref._na_index), dtype=np.int64))
fe_codes = np.column_stack([pd.factorize(rows.origin)[0], pd.factorize(rows.destination)[0]]).astype(np.uint32)
sing_own = np.where(detect_singletons(fe_codes))[0]
assert np.array_equal(np.sort(sing_own), sing_idx), (sing_own, sing_idx)
zero_o = rows.groupby("origin").stock.sum()
zero_d = rows.groupby("destination").stock.sum()
zero_o, zero_d = sorted(zero_o[zero_o == 0].index), sorted(zero_d[zero_d == 0].index)
expect_sep = np.where(rows.origin.isin(zero_o) | rows.destination.isin(zero_d))[0]
assert np.array_equal(np.setdiff1d(expect_sep, sing_idx), np.setdiff1d(sep_idx, sing_idx))
dropped = np.union1d(sep_idx, sing_idx)
keep = np.setdiff1d(np.arange(N0), dropped)
N = int(ref._N)
assert N == len(keep)
kr = rows.iloc[keep].reset_index(drop=True)
L_o, L_d = kr.origin.nunique(), kr.destination.nunique()
k = len(TERMS)
K_pf = int(ref._df_k)
assert all(int(f._df_k) == K_pf for f in fits.values())
assert K_pf == k + L_o + L_d - 1, (K_pf, k, L_o, L_d)

# exact rank of [X, origin dummies, destination dummies] and connectivity of the FE graph
oc, ol = pd.factorize(kr.origin, sort=True)
dc, dl = pd.factorize(kr.destination, sort=True)
Xr = kr[TERMS].to_numpy(dtype=float)
D_o = (oc[:, None] == np.arange(L_o)[None, :]).astype(float)
D_d = (dc[:, None] == np.arange(L_d)[None, :]).astype(float)
exact_rank = int(np.linalg.matrix_rank(np.column_stack([Xr, D_o, D_d])))
adj = sp.coo_matrix((np.ones(N), (oc, L_o + dc)), shape=(L_o + L_d, L_o + L_d))
n_comp, _ = connected_components(adj, directed=False)
assert exact_rank == k + L_o + L_d - n_comp  # X is not collinear with the FE
print(f"K: pyfixest {K_pf}, exact rank {exact_rank}, FE graph components {n_comp}")

# hand checks of the variance conventions (pyfixest 0.60, see README)
beta = ref.coef().to_numpy()
mu = np.asarray(ref.predict(type="response"), dtype=float).ravel()
assert len(mu) == N
y = kr.stock.to_numpy(dtype=float)
G_pair = int(kr.pair.nunique())
assert G_pair == N  # a cross-section: every row is its own pair cluster

# ----------------------------------------------------------------------------
# statsmodels GLM Poisson with explicit dummies on the same rows
# ----------------------------------------------------------------------------

Xd = np.column_stack([Xr, np.ones(N), D_o[:, 1:], D_d[:, 1:]])
K_sm = Xd.shape[1]
assert np.linalg.matrix_rank(Xd) == K_sm == exact_rank
mod = sm.GLM(y, Xd, family=sm.families.Poisson())
g_nr = glm_fit(mod)
g_hc0 = glm_fit(mod, start=np.asarray(g_nr.params), cov_type="HC0")
g_cl = glm_fit(mod, start=np.asarray(g_nr.params), cov_type="cluster", cov_kwds={"groups": kr.pair.to_numpy()})
grad = Xd.T @ (y - g_nr.mu)
grad_rel = float(np.max(np.abs(grad)) / np.max(np.abs(Xd.T @ y)))
assert grad_rel < 1e-12, grad_rel
diag_coef = close(beta, g_nr.params[:k], RTOL_COEF, "pyfixest vs statsmodels dummies: coef")
close(ref.deviance, g_nr.deviance, 1e-10, "deviance")
close(ref._loglik, g_nr.llf, 1e-12, "loglik")
close(mu, g_nr.mu, 1e-7, "fitted means")
adj_iid = np.sqrt((N - 1) / (N - K_pf))
adj_het = np.sqrt(N / (N - K_pf))
diag_se = {
    "iid": close(fits["iid"].se(), g_nr.bse[:k] * adj_iid, RTOL_SE, "iid = sm nonrobust * sqrt((N-1)/(N-K))"),
    "hetero": close(fits["hetero"].se(), g_hc0.bse[:k] * adj_het, RTOL_SE, "hetero = sm HC0 * sqrt(N/(N-K))"),
    "CRV1_pair": close(
        ref.se(), g_cl.bse[:k] * np.sqrt((N - K_sm) / (N - K_pf)), RTOL_SE, "CRV1 pair = sm cluster, K ratio"
    ),
}
# CRV1 with one cluster per row: G/(G-1)*(N-1)/(N-K) = N/(N-K) = the hetero factor
close(ref.se(), fits["hetero"].se(), 1e-12, "CRV1 by pair == hetero (G = N)")

# default-tolerance fit (informative)
ref_def = pf.fepois(FML, data=rows, vcov={"CRV1": "pair"})
def_coef_rel = maxrel(ref_def.coef(), ref.coef())
def_se_rel = maxrel(ref_def.se(), ref.se())

# iterative-rectifier separation check (not pyfixest's default; informative)
fit_ir = pf.fepois(FML, data=rows, vcov="hetero", separation_check=["fe", "ir"], **pkw)
n_ir = int(fit_ir.n_separation_na) if hasattr(fit_ir, "n_separation_na") else 0
ir_coef_rel = maxrel(fit_ir.coef(), ref.coef())

# a few fitted means (response scale), identified by (origin, destination)
big = int(np.argmax(y))
zero_rows = np.where(y == 0)[0]
contig_rows = np.where(kr.contig.to_numpy() == 1)[0]
pick = sorted({0, big, int(zero_rows[0]) if len(zero_rows) else 0, int(contig_rows[0]), N - 1})
predict = [
    {"origin": kr.origin[i], "destination": kr.destination[i], "stock": int(y[i]), "mu": fl(mu[i])} for i in pick
]

# ----------------------------------------------------------------------------
# reference.json
# ----------------------------------------------------------------------------

case = {
    "package": "pyfixest",
    "call": CALL,
    "vcov_labels": {"CRV1_pair": '{"CRV1": "pair"}', "hetero": '"hetero"', "iid": '"iid"'},
    "year": YEAR,
    "row_counts": C,
    "pairs_one_sex_row": one_sex,
    "cepii_unmatched_codes": {"origin": unmatched_origin, "destination": unmatched_dest},
    "stock_lost_no_cepii_match": lost_stock,
    "cepii_codes_not_in_undesa_2020": cepii_only,
    "nobs_input": N0,
    "nobs": N,
    "separation_dropped": {
        "count": int(len(sep_idx)),
        "zero_origins": zero_o,
        "zero_destinations": zero_d,
        "rows": [{"origin": rows.origin[i], "destination": rows.destination[i]} for i in sep_idx],
    },
    "singletons_dropped": {
        "count": int(len(sing_idx)),
        "rows": [{"origin": rows.origin[i], "destination": rows.destination[i]} for i in sing_idx],
    },
    "n_origins": int(L_o),
    "n_destinations": int(L_d),
    "sum_stock": int(kr.stock.sum()),
    "n_zero_stock": int((kr.stock == 0).sum()),
    "coef": named(beta),
    "se": {lab: named(f.se().to_numpy()) for lab, f in fits.items()},
    "ssc": {lab: pf_ssc_info(f) for lab, f in fits.items()},
    "deviance": fl(ref.deviance),
    "loglik": fl(ref._loglik),
    "df_k": K_pf,
    "df_k_formula": "k + L_o + L_d - 1",
    "df_k_exact_rank": exact_rank,
    "fe_graph_components": int(n_comp),
    "cluster_G_pair": G_pair,
    "predict_response": predict,
    "statsmodels_dummies": {
        "call": "sm.GLM(stock, [log_dist, contig, comlang_off, 1, origin dummies (first dropped), "
        "destination dummies (first dropped)], family=Poisson()), IRLS restarted at the optimum",
        "k_params": int(K_sm),
        "coef": named(g_nr.params[:k]),
        "se": {
            "nonrobust": named(g_nr.bse[:k]),
            "HC0": named(g_hc0.bse[:k]),
            "cluster_pair": named(g_cl.bse[:k]),
        },
        "deviance": fl(g_nr.deviance),
        "llf": fl(g_nr.llf),
    },
}
out = {
    "generator": GENERATOR,
    "versions": VERSIONS,
    "sources": {
        "undesa": {"file": Path(args.undesa).name, "sha256": hashes["undesa"], "rows": int(len(un))},
        "cepii": {"file": Path(args.cepii).name, "sha256": hashes["cepii"], "rows": int(len(ce))},
    },
    "cases": {"ppml_2020": case},
}


def check_finite(o, path="$"):
    if isinstance(o, float):
        assert np.isfinite(o), path
    elif isinstance(o, dict):
        for kk, v in o.items():
            check_finite(v, f"{path}.{kk}")
    elif isinstance(o, list):
        for i, v in enumerate(o):
            check_finite(v, f"{path}[{i}]")


def same_within(a, b, rtol=1e-11):
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_within(a[x], b[x], rtol) for x in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_within(x, z, rtol) for x, z in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, bool) or isinstance(b, bool):
            return a == b
        return a == b or abs(a - b) <= rtol * max(abs(a), abs(b))
    return a == b and type(a) is type(b)


check_finite(out)
text = json.dumps(out, indent=1, allow_nan=False) + "\n"
ref_path = HERE / "reference.json"
old = json.loads(ref_path.read_text()) if ref_path.exists() else None
if old is not None and same_within(json.loads(text), old):
    print("reference.json unchanged (all values within rtol 1e-11 of the existing file); kept as is")
else:
    ref_path.write_text(text)
    print(f"reference.json written ({len(text)} bytes)")

# ----------------------------------------------------------------------------
# README.md
# ----------------------------------------------------------------------------


def fmt_int(v):
    return f"{v:,}"


def fmt_terms(d):
    return " | ".join(f"{d[t]!r}" for t in TERMS)


README = f"""# UN DESA migrant stock 2020 — PPML gravity reference (real data)

Reference values from **pyfixest** (cross-checked with **statsmodels**) for a PPML gravity
fit on real data, for the Swift tests to compare against (coefficients rtol 1e-8, SEs rtol 1e-6).

Generated; do not edit. From the repository root:

    python3 Tests/Fixtures/undesa/make_reference.py

It prints the package versions, checks the SHA-256 of both input files, asserts every
cross-check below, and writes `reference.json` (case `ppml_2020`) and this `README.md`.
The source data are **not** copied into the repository; the script reads them from

* `{DEFAULT_UNDESA}`
  (UN DESA International Migrant Stock 2024, CC BY 3.0 IGO; see `SOURCE.md` there)
  SHA-256 `{hashes['undesa']}`
* `{DEFAULT_CEPII}`
  (CEPII GeoDist, Mayer & Zignago 2011; see `SOURCE.md` there)
  SHA-256 `{hashes['cepii']}`

(`--undesa PATH --cepii PATH` or `MIGKIT_UNDESA_CSV` / `MIGKIT_CEPII_DIST_CSV` for other locations.)

Versions used for the committed files:

| package | version |
| --- | --- |
""" + "\n".join(f"| {kk} | {v} |" for kk, v in VERSIONS.items()) + f"""

## The row rule (rebuild exactly this on the Swift side)

1. Read the UN DESA file with every code as text (no NA parsing). Keep rows with `year == {YEAR}`.
2. `stock` = sum of `migrant_stock` over `sex` (female, male) per (`origin_iso3`, `dest_iso3`).
   Only pairs that have at least one sex row exist (a missing row means *no estimate*, not
   zero; no zero-filling). A pair with only one sex row uses that row.
3. Drop pairs with `origin_iso3 == dest_iso3`.
4. Inner join with CEPII `cepii_geodist_dist.csv` on `iso_o = origin_iso3`, `iso_d = dest_iso3`
   (exact code match, **no recoding** of CEPII's old codes).
5. Keep `dist > 0`.
6. Regressors: `log_dist = log(dist)` (natural log of the CEPII `dist` column as parsed,
   km), `contig`, `comlang_off` (0/1). Fixed effects: `origin` = `origin_iso3`,
   `destination` = `dest_iso3`. Cluster `pair` = one id per (origin, destination) row.
   Rows sorted by (`origin_iso3`, `dest_iso3`) (order does not matter for the fit).

## Row counts

| step | count |
| --- | --- |
| UN DESA rows in the file | {fmt_int(C['undesa_rows_file'])} |
| rows with year == {YEAR} | {fmt_int(C['undesa_rows_year'])} |
| (origin, dest) pairs with at least one sex row | {fmt_int(C['pairs_with_sex_rows'])} |
| of which both sex rows / only one sex row | {fmt_int(C['pairs_with_both_sex_rows'])} / **{C['pairs_with_one_sex_row']}** |
| pairs dropped with origin == dest | {C['pairs_origin_eq_dest_dropped']} |
| pairs lost: no CEPII match | **{fmt_int(C['pairs_no_cepii_match'])}** (origin code only: {C['pairs_no_cepii_match_origin_only']}, destination code only: {C['pairs_no_cepii_match_destination_only']}, both: {C['pairs_no_cepii_match_both']}); {fmt_int(lost_stock)} persons |
| pairs after the CEPII join | {fmt_int(C['pairs_after_cepii_join'])} |
| pairs dropped with dist <= 0 | {C['pairs_dist_not_positive_dropped']} |
| **estimation rows** (input to pyfixest) | **{fmt_int(N0)}** |
| dropped by pyfixest's separation check (all-zero origin/destination group) | {len(sep_idx)} |
| dropped as singletons (`fixef_rm="singleton"`, the default) | {len(sing_idx)} |
| **observations used** (`nobs`) | **{fmt_int(N)}** |
| distinct origins / destinations | {L_o} / {L_d} |
| sum of `stock` over the rows used | {fmt_int(int(kr.stock.sum()))} |
| rows with stock == 0 (kept; PPML uses them) | {int((kr.stock == 0).sum())} |

UN DESA codes without a CEPII row (every pair involving them is lost in step 4):
origins {', '.join(unmatched_origin)}; destinations {', '.join(unmatched_dest)}.
Several are ISO codes CEPII spells differently (CEPII has the pre-change codes
{', '.join(f'{a} for {b}' for a, b in RECODE.items())}) or states created after GeoDist
(MNE, SRB — CEPII still has `YUG` —, SSD; CUW, SXM, BES from the Netherlands Antilles, CEPII `ANT`); ASM, GUM, IMN, LIE,
MCO, MYT, VAT, VIR are simply absent from GeoDist; `OOO` is UN DESA's "other / unknown origin";
`XCX` is not an ISO code — judging by its origins (GBR, PRT, IRL, FRA) probably the Channel Islands. CEPII codes that never appear in a UN DESA {YEAR} pair: {', '.join(cepii_only)}.
The rule deliberately does **not** recode; recoding just {', '.join(RECODE)} would add
{recode_extra_pairs} pairs (not done, informative only).

## The fit

```python
{CALL}
```

plus the same call with `vcov="hetero"` and `vcov="iid"` (JSON keys `CRV1_pair`, `hetero`,
`iid`). `iwls_tol` / `iwls_maxiter` are far tighter than pyfixest's defaults (1e-8 / 25), as
are `fixef_tol` / `fixef_maxiter` (1e-6 / 10,000) — in pyfixest 0.60 the last two are
deprecated aliases of a typed `demeaner=` configuration but select the same Rust MAP demeaner.
Default `ssc()` (`k_adj=True, k_fixef="nonnested", G_adj=True, G_df="min"`), default
`separation_check=["fe"]`, default `fixef_rm="singleton"`.

| term | coef | se CRV1 pair | se hetero | se iid |
| --- | --- | --- | --- | --- |
""" + "\n".join(
    f"| `{t}` | {case['coef'][t]!r} | {case['se']['CRV1_pair'][t]!r} | {case['se']['hetero'][t]!r} | {case['se']['iid'][t]!r} |"
    for t in TERMS
) + f"""

deviance {case['deviance']!r}, loglik {case['loglik']!r} (full Poisson log-likelihood, with
`-lgamma(y + 1)`), N = {N}.

## K and the exact rank

pyfixest's K (`df_k`) = k + L_o + L_d − 1 = {k} + {L_o} + {L_d} − 1 = **{K_pf}** for every vcov
(no FE nested in the `pair` cluster). The origin–destination bipartite graph of the rows used
has **{n_comp}** connected component(s), and the exact rank of [X, origin dummies,
destination dummies] is **{exact_rank}** — {"equal to pyfixest's K" if exact_rank == K_pf else "NOT equal to pyfixest's K"}.

## Conventions (all asserted by the script)

N rows used, K = {K_pf}, B the inverse of the Poisson information X'WX (W = mu), s_i = x_i (y_i − mu_i):

* `iid` = (N−1)/(N−K) · B. statsmodels' GLM `nonrobust` is B itself:
  pyfixest se = statsmodels se · sqrt((N−1)/(N−K)).
* `hetero` = N/(N−K) · B (Σ s_i s_i') B = statsmodels GLM `HC0` · N/(N−K).
* `CRV1` by `pair` = G/(G−1) · (N−1)/(N−K) · B M B. Here every row is its own pair
  (G = N = {G_pair}), so the factor is N/(N−K) and **CRV1 by pair equals `hetero` exactly**
  (asserted to 1e-12); only the t-test df differ (`df_t`: G−1 = {int(fits['CRV1_pair']._df_t)} vs N−K = {int(fits['hetero']._df_t)}).
* `ssc.factor` in the JSON is the scalar pyfixest multiplied into each covariance.

## Cross-check with explicit dummies (statsmodels)

`sm.GLM(stock, [log_dist, contig, comlang_off, 1, origin dummies, destination dummies],
Poisson())` on the same {N} rows (first level of each FE dropped; K = {K_sm} = full column rank),
IRLS restarted at the optimum until the coefficients stop moving (gradient
max|X'(y − mu)| / max|X'y| = {grad_rel:.1e}). Max relative differences to pyfixest: coefficients
{diag_coef:.1e}; SEs after the conventions above: iid {diag_se['iid']:.1e}, hetero
{diag_se['hetero']:.1e}, CRV1 {diag_se['CRV1_pair']:.1e}; deviance and loglik agree to 1e-10.
The statsmodels values are stored under `statsmodels_dummies` (its own conventions: K = {K_sm}).

Informative (not stored, printed by the script): pyfixest with its **default** tolerances
differs from the tight fit by {def_coef_rel:.1e} (coef) and {def_se_rel:.1e} (SE), max relative;
adding the iterative-rectifier separation check (`separation_check=["fe", "ir"]`) drops
{n_ir} more observations (coefficient change {ir_coef_rel:.1e}).

## reference.json

```
{{"generator", "versions", "sources": {{"undesa"|"cepii": {{"file", "sha256", "rows"}}}},
 "cases": {{"ppml_2020": {{
   "package", "call", "vcov_labels", "year",
   "row_counts": {{step: int, ...}},               # the table above, in rule order
   "pairs_one_sex_row": [[origin, dest], ...],
   "cepii_unmatched_codes": {{"origin": [...], "destination": [...]}},
   "stock_lost_no_cepii_match", "cepii_codes_not_in_undesa_2020",
   "nobs_input", "nobs",
   "separation_dropped": {{"count", "zero_origins", "zero_destinations", "rows": [{{"origin", "destination"}}]}},
   "singletons_dropped": {{"count", "rows": [...]}},
   "n_origins", "n_destinations", "sum_stock", "n_zero_stock",
   "coef": {{term: float}}, "se": {{"CRV1_pair"|"hetero"|"iid": {{term: float}}}},
   "ssc": {{label: {{"factor": [float], "df_k", "df_t", "settings"}}}},
   "deviance", "loglik", "df_k", "df_k_formula", "df_k_exact_rank", "fe_graph_components",
   "cluster_G_pair",
   "predict_response": [{{"origin", "destination", "stock", "mu"}}],   # in-sample fitted means
   "statsmodels_dummies": {{"call", "k_params", "coef", "se": {{"nonrobust", "HC0", "cluster_pair"}},
                            "deviance", "llf"}}}}}}}}
```

Terms: `log_dist`, `contig`, `comlang_off` (no intercept: absorbed by the FE). Floats are
full double precision (`repr`); no NaN/Inf. pyfixest's Rust demeaner is not bit-reproducible
run to run (a few ulp), so the script keeps the existing `reference.json` unless some value
moved by more than 1e-11 relative.
"""
(HERE / "README.md").write_text(README)
print("README.md written")
print(json.dumps(C, indent=1))
print("coef", case["coef"])
for lab in VCOVS:
    print("se", lab, case["se"][lab])
print(f"deviance {case['deviance']!r} loglik {case['loglik']!r} nobs {N} K {K_pf} rank {exact_rank}")
print(f"diag default-tol coef {def_coef_rel:.2e} se {def_se_rel:.2e}; sm coef {diag_coef:.2e} se {diag_se}")
print(f"diag ir-check extra drops {n_ir}, coef change {ir_coef_rel:.2e}; recode would add {recode_extra_pairs} pairs")
