#!/usr/bin/env python3
"""Reference values for `migkit fit --table` (model comparison tables) and `--level`.

Run from the repository root (needs pyfixest; `pip install pyfixest`):

    python3 Tests/Fixtures/etable/make_reference.py

Writes Tests/Fixtures/etable/reference.json.  Every number comes from pyfixest
(which reproduces fixest; see Tests/Fixtures/regression/README.md):

* `ols_two_models`: pf.feols("y ~ x1 | fe1") and pf.feols("y ~ x1 + x2 | fe1 + fe2")
  on Tests/Fixtures/regression/ols.csv, vcov={"CRV1": "cl1"} (default ssc):
  the two OLS models with clustered errors of the issue's acceptance test.
  Per model: formula, coef, se, t, p, 95 % and 90 % intervals, df_t, N, r2, r2_within.
* `ols_csw`: pf.feols("y ~ csw(x1, x2) | fe1", vcov={"CRV1": "cl1"}): the formulas
  pyfixest expands the stepwise call into, in order, with their coefficients.
* `ols_sw0_fe`: pf.feols("y ~ x1 | sw0(fe1, fe2)", vcov="iid"): formulas and coefficients.
* `readme_ppml`: pf.fepois on data/displacement_panel.csv,
  returned_refugees ~ log1p(refugees) | iso3 + year, vcov={"CRV1": "iso3"}
  (the README's first fitted model; fixef_tol = iwls_tol = 1e-13): coef, se, z, p (normal), 95 % and 90 %
  intervals (pyfixest uses the normal for fepois), N, df_t pyfixest reports.
* `etable_markdown`: pf.etable(..., type="md") of `ols_two_models`, stored for the record
  (its layout, not compared cell by cell: pyfixest rounds to 3 decimals and uses
  *** 0.001 / ** 0.01 / * 0.05, fixest's etable 4 significant digits and 0.01 / 0.05 / 0.1).
"""
from __future__ import annotations

import contextlib
import importlib.metadata as md
import io
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf

warnings.filterwarnings("ignore")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent


def model_values(fit, alphas=(0.05, 0.10)):
    tidy = fit.tidy()
    out = {
        "formula": fit._fml,
        "nobs": int(fit._N),
        "df_t": float(fit._df_t),
        "coef": {k: float(v) for k, v in tidy["Estimate"].items()},
        "se": {k: float(v) for k, v in tidy["Std. Error"].items()},
        "statistic": {k: float(v) for k, v in tidy["t value"].items()},
        "p": {k: float(v) for k, v in tidy["Pr(>|t|)"].items()},
    }
    for a in alphas:
        t = fit.tidy(alpha=a)
        lo, hi = t.columns[-2], t.columns[-1]
        out[f"ci_{round((1 - a) * 100)}"] = {k: [float(t.loc[k, lo]), float(t.loc[k, hi])] for k in t.index}
    for name in ("_r2", "_r2_within", "_adj_r2"):
        v = getattr(fit, name, None)
        if v is not None and np.isscalar(v) and np.isfinite(v):
            out[name.lstrip("_")] = float(v)
    return out


def main():
    ols = pd.read_csv(ROOT / "Tests/Fixtures/regression/ols.csv")
    m1 = pf.feols("y ~ x1 | fe1", data=ols, vcov={"CRV1": "cl1"})
    m2 = pf.feols("y ~ x1 + x2 | fe1 + fe2", data=ols, vcov={"CRV1": "cl1"})
    cases = {"ols_two_models": {"data": "Tests/Fixtures/regression/ols.csv", "vcov": "cluster:cl1",
                                "models": [model_values(m1), model_values(m2)]}}

    multi = pf.feols("y ~ csw(x1, x2) | fe1", data=ols, vcov={"CRV1": "cl1"})
    cases["ols_csw"] = {"formula": "y ~ csw(x1, x2) | fe1", "vcov": "cluster:cl1",
                        "models": [model_values(m) for m in multi.all_fitted_models.values()]}
    multi0 = pf.feols("y ~ x1 | sw0(fe1, fe2)", data=ols, vcov="iid")
    cases["ols_sw0_fe"] = {"formula": "y ~ x1 | sw0(fe1, fe2)", "vcov": "iid",
                           "models": [model_values(m) for m in multi0.all_fitted_models.values()]}

    panel = pd.read_csv(ROOT / "data/displacement_panel.csv")
    panel["log1p_refugees"] = np.log1p(panel["refugees"])
    # Tolerances far tighter than pyfixest's defaults (1e-6, 1e-8), as Tests/Fixtures/regression.
    p = pf.fepois("returned_refugees ~ log1p_refugees | iso3 + year", data=panel, vcov={"CRV1": "iso3"},
                  fixef_tol=1e-13, iwls_tol=1e-13, iwls_maxiter=200)
    v = model_values(p)
    # Rename to the term MigrationKit prints.
    for key in ("coef", "se", "statistic", "p", "ci_95", "ci_90"):
        v[key] = {"log1p(refugees)": v[key]["log1p_refugees"]}
    v["formula"] = "returned_refugees ~ log1p(refugees) | iso3 + year"
    cases["readme_ppml"] = {"data": "data/displacement_panel.csv", "vcov": "cluster:iso3", "model": v}

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        returned = pf.etable([m1, m2], type="md")   # prints the table and returns None in 0.60
    cases["etable_markdown"] = {"text": returned if isinstance(returned, str) else buffer.getvalue()}

    ref = {
        "generator": "Tests/Fixtures/etable/make_reference.py",
        "versions": {k: md.version(k) for k in ("pyfixest", "numpy", "pandas")},
        "cases": cases,
    }
    (HERE / "reference.json").write_text(json.dumps(ref, indent=1, sort_keys=True) + "\n")
    print(json.dumps(ref["versions"]))


if __name__ == "__main__":
    main()
