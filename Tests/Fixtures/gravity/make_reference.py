#!/usr/bin/env python3
"""Reference values for the gravity model on the shipped data/migrant_stock_gravity_2020.csv.

PPML (pyfixest.fepois) of UN DESA 2020 bilateral migrant stocks on log CEPII distance,
contiguity, common official language and colonial ties, with origin and destination fixed
effects; standard errors heteroskedasticity-robust ("hetero") and clustered by origin (CRV1),
pyfixest's default small-sample corrections. Tolerances far tighter than pyfixest's defaults so
the reference is the optimum, not an early stop. Run from the repository root:

    python3 Tests/Fixtures/gravity/make_reference.py

Writes Tests/Fixtures/gravity/reference.json (never edit it by hand).
"""
import hashlib
import json
import sys

import numpy as np
import pandas as pd
import pyfixest as pf

PATH = "data/migrant_stock_gravity_2020.csv"
OUT = "Tests/Fixtures/gravity/reference.json"

raw = open(PATH, "rb").read()
df = pd.read_csv(PATH, keep_default_na=False, dtype={"origin_iso3": str, "dest_iso3": str})
df["log_dist"] = np.log(df["dist_km"])
formula = "migrant_stock ~ log_dist + contig + comlang_off + colony | origin_iso3 + dest_iso3"
tight = dict(iwls_tol=1e-13, iwls_maxiter=200, fixef_tol=1e-13, fixef_maxiter=1_000_000)
fits = {
    "hetero": pf.fepois(formula, data=df, vcov="hetero", **tight),
    "CRV1_origin": pf.fepois(formula, data=df, vcov={"CRV1": "origin_iso3"}, **tight),
}
names = {"log_dist": "log(dist_km)", "contig": "contig", "comlang_off": "comlang_off", "colony": "colony"}
first = fits["hetero"]
coef = {names[k]: float(v) for k, v in first.coef().items()}
for label, fit in fits.items():
    assert np.allclose(fit.coef().values, first.coef().values, rtol=1e-12, atol=0), label
ref = {
    "generator": "Tests/Fixtures/gravity/make_reference.py",
    "data": {"file": PATH, "sha256": hashlib.sha256(raw).hexdigest(), "rows": int(len(df))},
    "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__,
                 "pyfixest": pf.__version__},
    "formula": "migrant_stock ~ log(dist_km) + contig + comlang_off + colony | origin_iso3 + dest_iso3",
    "nobs": int(first._N),
    "coef": coef,
    "se": {label: {names[k]: float(v) for k, v in fit.se().items()} for label, fit in fits.items()},
    "deviance": float(first.deviance),
}
with open(OUT, "w") as f:
    json.dump(ref, f, indent=1, sort_keys=True)
    f.write("\n")
print(json.dumps({k: ref[k] for k in ("nobs", "coef", "se", "deviance")}, indent=1))
