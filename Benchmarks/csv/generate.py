#!/usr/bin/env python3
"""Writes the float-heavy CSV benchmark file: ROWS x 20 columns (y, x1 ... x19) of doubles as
pandas writes them (shortest round-trip repr, e.g. -0.8374928374928374), about 390 MB at 1e6
rows. Regressors are correlated normals at mixed scales (some multiplied by 1e3 or 1e-3, one
log-normal), y = X beta + heteroskedastic noise, so `migkit fit ols` on it is meaningful.
Deterministic (seed 20261206). Usage: python3 Benchmarks/csv/generate.py OUT.csv [--rows 1000000]"""
import argparse

import numpy as np
import pandas as pd

SEED = 20261206


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--rows", type=int, default=1_000_000)
    a = p.parse_args()
    rng = np.random.default_rng(SEED)
    k = 19
    L = np.tril(rng.uniform(-0.3, 0.3, (k, k))) + np.eye(k)
    beta = rng.uniform(-1.0, 1.0, k)
    scales = np.ones(k)
    scales[[3, 7]] = 1e3
    scales[[5, 11]] = 1e-3
    chunk = 200_000
    with open(a.out, "w") as fh:
        for start in range(0, a.rows, chunk):
            n = min(chunk, a.rows - start)
            X = (L @ rng.standard_normal((k, n))).T
            X[:, 9] = np.exp(X[:, 9])
            y = 1.0 + X @ beta + (0.5 + 0.5 * np.abs(X[:, 0])) * rng.standard_normal(n)
            df = pd.DataFrame(X * scales, columns=[f"x{i}" for i in range(1, k + 1)])
            df.insert(0, "y", y)
            df.to_csv(fh, index=False, header=(start == 0))


if __name__ == "__main__":
    main()
