#!/usr/bin/env python3
"""Benchmarks MigrationKit's flow models against spint and ipfn/numpy in one run, same kernel, same threads.

Usage (from the repository root):
    python3 Benchmarks/flows/compare.py [--threads 1] [--kernel Haswell] [--repeats 3] [--sizes 200 500 1000] [--quick]

1. Doubly constrained spatial interaction model, exponential cost, on n x n origin-destination
   matrices (all pairs but the diagonal; n = 200, 500, 1000): spint 1.0.7's `Doubly` (Poisson GLM
   by IRLS with sparse dummies) against `SpatialInteractionModel.fit(... .doubly ...)`.
2. 3-D IPF of a 100 x 100 x 20 seed to its (0, 2) and (1, 2) margins (migest ipf3's design) to a
   maximum relative margin deviation of 1e-10: the `ipfn` package and a vectorised numpy loop
   against `IterativeProportionalFitting.fit`.

The data are generated here (np.random.default_rng(20260412)) and handed to the Swift side as raw
little-endian float64/int32 files in a temporary folder.  OPENBLAS_CORETYPE and
OPENBLAS_NUM_THREADS are set for both sides before either process starts (numpy's bundled
OpenBLAS and the system OpenBLAS read them at load time), and numpy's BLAS threads are also
limited with threadpoolctl.  Prints a Markdown table with the ratios.  Requires numpy, scipy,
threadpoolctl, spint, ipfn (pip install spint ipfn threadpoolctl).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 20260412


def od_data(n, rng):
    xy = rng.uniform(0, 100, (n, 2))
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    a = rng.normal(0, 0.7, n)
    b = rng.normal(0, 0.7, n)
    lam = np.exp(a[:, None] + b[None, :] - 0.03 * d)
    lam *= 50.0 / lam[~np.eye(n, dtype=bool)].mean()
    y = rng.poisson(lam)
    o, dd = np.nonzero(~np.eye(n, dtype=bool))
    return y[o, dd].astype(np.int64), np.round(d[o, dd], 6), o.astype(np.int32), dd.astype(np.int32)


def ipf_data(rng, shape=(100, 100, 20)):
    seed = rng.uniform(0.5, 2.0, shape)
    truth = rng.uniform(1.0, 20.0, shape)
    return seed, truth.sum(axis=1), truth.sum(axis=0)


def numpy_ipf(seed, m02, m12, tol):
    x = seed.copy()
    it = 0
    while True:
        it += 1
        x *= (m02 / x.sum(axis=1))[:, None, :]
        x *= (m12 / x.sum(axis=0))[None, :, :]
        dev = max(np.max(np.abs(x.sum(axis=1) / m02 - 1)), np.max(np.abs(x.sum(axis=0) / m12 - 1)))
        if dev <= tol:
            return x, it


def best(fn, repeats):
    t = float("inf")
    out = None
    for _ in range(repeats):
        s = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - s)
    return t, out


def peer_side(args, data_dir):
    from threadpoolctl import threadpool_info, threadpool_limits
    import importlib.metadata as md
    from spint.gravity import Doubly
    from ipfn import ipfn

    rng = np.random.default_rng(SEED)
    out = {"numpy": np.__version__, "spint": md.version("spint"), "ipfn": md.version("ipfn")}
    with threadpool_limits(limits=args.threads, user_api="blas"):
        info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        out["kernel"] = ",".join(sorted({str(i.get("architecture")) for i in info}))
        out["threads"] = ",".join(sorted({str(i.get("num_threads")) for i in info}))
        out["doubly"] = {}
        for n in args.sizes:
            y, cost, o, d = od_data(n, rng)
            folder = os.path.join(data_dir, f"doubly{n}")
            os.makedirs(folder, exist_ok=True)
            y.astype("<f8").tofile(os.path.join(folder, "flow.f64"))
            cost.astype("<f8").tofile(os.path.join(folder, "cost.f64"))
            o.astype("<i4").tofile(os.path.join(folder, "origin.i32"))
            d.astype("<i4").tofile(os.path.join(folder, "destination.i32"))
            with open(os.path.join(folder, "meta.json"), "w") as fh:
                json.dump({"task": "doubly", "n": n, "rows": int(y.size)}, fh)
            reps = 1 if n >= 1000 else args.repeats
            oo = np.array([f"o{v}" for v in o])
            dd = np.array([f"d{v}" for v in d])
            t, m = best(lambda: Doubly(y.reshape(-1, 1), oo, dd, cost.reshape(-1, 1), "exp"), reps)
            out["doubly"][n] = {"seconds": t, "beta": float(np.ravel(m.params)[-1]), "pseudo_r2": float(m.pseudoR2),
                                "srmse": float(m.SRMSE), "rows": int(y.size), "repeats": reps}
        seed, m02, m12 = ipf_data(rng)
        folder = os.path.join(data_dir, "ipf3")
        os.makedirs(folder, exist_ok=True)
        seed.astype("<f8").tofile(os.path.join(folder, "seed.f64"))
        m02.astype("<f8").tofile(os.path.join(folder, "margin02.f64"))
        m12.astype("<f8").tofile(os.path.join(folder, "margin12.f64"))
        with open(os.path.join(folder, "meta.json"), "w") as fh:
            json.dump({"task": "ipf3", "shape": list(seed.shape), "tolerance": 1e-10}, fh)
        t, (x, it) = best(lambda: numpy_ipf(seed, m02, m12, 1e-10), args.repeats)
        out["ipf3_numpy"] = {"seconds": t, "iterations": it}
        t, z = best(lambda: ipfn.ipfn(seed.copy(), [m02, m12], [[0, 2], [1, 2]], convergence_rate=1e-10,
                                      max_iteration=100000, rate_tolerance=0.0).iteration(), 1)
        out["ipf3_ipfn"] = {"seconds": t, "max_abs_diff_vs_numpy": float(np.max(np.abs(np.asarray(z) - x)))}
    return out


def swift_side(args, env, data_dir):
    build = subprocess.run(["swift", "build", "-c", "release", "--package-path", "Benchmarks",
                            "--scratch-path", "Benchmarks/.build-flows", "--product", "flows-bench"],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit("swift build failed:\n" + build.stdout + build.stderr)
    exe = os.path.join(ROOT, "Benchmarks", ".build-flows", "release", "flows-bench")
    rows = {}
    for name in [f"doubly{n}" for n in args.sizes] + ["ipf3"]:
        run = subprocess.run([exe, "--data", os.path.join(data_dir, name), "--repeats", str(args.repeats)],
                             cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        rows[name] = json.loads([l for l in run.stdout.splitlines() if l.startswith("{")][-1])
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--kernel", default=os.environ.get("OPENBLAS_CORETYPE", "Haswell"))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 1000])
    p.add_argument("--quick", action="store_true", help="n = 100, 200 only")
    p.add_argument("--peer-only", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.quick:
        args.sizes = [100, 200]

    if args.peer_only:  # child process: environment already set
        print(json.dumps(peer_side(args, args.peer_only)))
        return

    env = dict(os.environ)
    env["OPENBLAS_CORETYPE"] = args.kernel
    env["OPENBLAS_NUM_THREADS"] = str(args.threads)
    env.pop("OPENBLAS_L2_SIZE", None)
    with tempfile.TemporaryDirectory() as data_dir:
        child = subprocess.run([sys.executable, __file__, "--peer-only", data_dir, "--threads", str(args.threads),
                                "--repeats", str(args.repeats), "--sizes"] + [str(s) for s in args.sizes],
                               env=env, capture_output=True, text=True)
        if child.returncode != 0:
            sys.exit("peer side failed:\n" + child.stdout + child.stderr)
        peer = json.loads(child.stdout.strip().splitlines()[-1])
        sw = swift_side(args, env, data_dir)

    first = sw[f"doubly{args.sizes[0]}"]
    print(f"# Flow models vs spint {peer['spint']} / ipfn {peer['ipfn']} / numpy {peer['numpy']}, best of {args.repeats}")
    print(f"# MigrationKit: OpenBLAS kernel {first['kernel']}, {first['threads']} thread(s)")
    print(f"# numpy:        kernel {peer['kernel']}, {peer['threads']} thread(s)")
    if first["kernel"].lower() != peer["kernel"].lower() or str(first["threads"]) != peer["threads"]:
        print("# WARNING: kernels or thread counts differ between the two sides", file=sys.stderr)
    print()
    print("| benchmark | MigrationKit (s) | peer (s) | speed-up | agreement |")
    print("|---|---|---|---|---|")
    for n in args.sizes:
        s, q = sw[f"doubly{n}"], peer["doubly"][str(n)]
        print(f"| doubly constrained, exp cost, n = {n} ({q['rows']:,} flows) | {s['seconds']:.4f} | {q['seconds']:.3f} "
              f"(spint `Doubly`, best of {q['repeats']}) | {q['seconds'] / s['seconds']:.1f}× | "
              f"β {s['beta']:.9g} vs {q['beta']:.9g} (rel {abs(s['beta'] / q['beta'] - 1):.1e}); "
              f"pseudo-R² rel {abs(s['pseudo_r2'] / q['pseudo_r2'] - 1):.1e} |")
    s = sw["ipf3"]
    for key, label in [("ipf3_numpy", "numpy loop"), ("ipf3_ipfn", "`ipfn`")]:
        q = peer[key]
        print(f"| 3-D IPF 100×100×20, margins (0,2),(1,2), tol 1e-10 | {s['seconds']:.4f} ({s['iterations']} cycles) | "
              f"{q['seconds']:.3f} ({label}) | {q['seconds'] / s['seconds']:.1f}× | — |")


if __name__ == "__main__":
    main()
