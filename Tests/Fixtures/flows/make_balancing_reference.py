#!/usr/bin/env python3
"""Treatment-coded intercept and origin/destination contrasts of spatial interaction models.

Run from the repository root (pip install statsmodels pandas):

    python3 Tests/Fixtures/flows/make_balancing_reference.py

Fits the production-, attraction- and doubly-constrained models (exponential cost) to
Tests/Fixtures/flows/synthetic_od.csv as Poisson GLMs with treatment-coded dummies
(statsmodels formula `flow ~ C(origin) + C(destination) + cost`; patsy takes the first level
in sorted order as the reference) and writes balancing_reference.json: the intercept, the
dummy coefficients (`migkit flows sim --balancing-factors`' contrasts) and the cost parameter.
"""
import importlib.metadata as md
import json
from pathlib import Path

import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

HERE = Path(__file__).resolve().parent


def main():
    od = pd.read_csv(HERE / "synthetic_od.csv")
    formulas = {"production": "flow ~ C(origin) + cost", "attraction": "flow ~ C(destination) + cost",
                "doubly": "flow ~ C(origin) + C(destination) + cost"}
    cases = {}
    for model, f in formulas.items():
        r = smf.glm(f, od, family=sm.families.Poisson()).fit(tol=1e-13, maxiter=200)
        r = smf.glm(f, od, family=sm.families.Poisson()).fit(start_params=r.params, tol=1e-13, maxiter=200)
        contrasts = {}
        for name, value in r.params.items():
            for side in ("origin", "destination"):
                prefix = f"C({side})[T."
                if name.startswith(prefix):
                    contrasts[f"{side}|{name[len(prefix):-1]}"] = float(value)
        cases[model] = {"formula": f, "intercept": float(r.params["Intercept"]), "cost": float(r.params["cost"]),
                        "contrasts": contrasts}
    out = {"generator": "Tests/Fixtures/flows/make_balancing_reference.py",
           "versions": {k: md.version(k) for k in ("statsmodels", "pandas", "numpy")}, "cases": cases}
    (HERE / "balancing_reference.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
