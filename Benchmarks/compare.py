#!/usr/bin/env python3
"""Benchmarks MigrationKit's Linalg against numpy/scipy in one run, same kernel, same threads.

Usage (from the repository root):
    python3 Benchmarks/compare.py [--threads 1] [--kernel Haswell] [--repeats 5] [--quick]

It sets OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS for both sides before either process starts
(numpy's bundled OpenBLAS and the system OpenBLAS both read them at load time), limits numpy's
threads with threadpoolctl as well, builds Benchmarks/ in release mode, runs the Swift
benchmark and numpy/scipy on the same problem sizes, checks that both sides report the same
kernel and thread count, and prints a Markdown table with the ratios. Requires numpy, scipy,
threadpoolctl (pip install -r Benchmarks/requirements.txt).
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def best(fn, repeats):
    fn()  # warm-up
    t = float("inf")
    for _ in range(repeats):
        s = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - s)
    return t


def numpy_side(args):
    import numpy as np
    import scipy
    import scipy.linalg as sl
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(limits=args.threads, user_api="blas"):
        info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        rng = np.random.default_rng(20261129)
        n = 500 if args.quick else 2000
        out = {"numpy": np.__version__, "scipy": scipy.__version__,
               "kernel": ",".join(sorted({str(i.get("architecture")) for i in info})),
               "threads": ",".join(sorted({str(i.get("num_threads")) for i in info})),
               "openblas": ",".join(sorted({str(i.get("version")) for i in info}))}
        a = np.asfortranarray(rng.standard_normal((n, n)))
        b = np.asfortranarray(rng.standard_normal((n, n)))
        t = best(lambda: a @ b, args.repeats)
        out["dgemm"] = {"seconds": t, "gflops": 2 * n ** 3 / t / 1e9, "n": n}
        m = 100_000 if args.quick else 1_000_000
        x = np.asfortranarray(rng.standard_normal((m, 20)))
        y = rng.standard_normal(m)
        out["lstsq"] = {"seconds": best(lambda: np.linalg.lstsq(x, y, rcond=None), args.repeats), "m": m}
        g = rng.standard_normal((n, n))
        spd = np.asfortranarray(g.T @ g + n * np.eye(n))
        rhs = rng.standard_normal(n)
        out["cholesky_solve"] = {
            "seconds": best(lambda: sl.cho_solve(sl.cho_factor(spd, lower=True), rhs), args.repeats), "n": n}
    return out


def swift_side(args, env):
    build = subprocess.run(["swift", "build", "-c", "release", "--package-path", "Benchmarks"],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit("swift build failed:\n" + build.stdout + build.stderr)
    exe = os.path.join(ROOT, "Benchmarks", ".build", "release", "linalg-bench")
    cmd = [exe, "--repeats", str(args.repeats)] + (["--quick"] if args.quick else [])
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    meta = rows[0]
    return meta, {r["name"]: r for r in rows[1:]}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--kernel", default=os.environ.get("OPENBLAS_CORETYPE", "Haswell"))
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    p.add_argument("--numpy-only", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.numpy_only:  # child process: environment already set
        print(json.dumps(numpy_side(args)))
        return

    env = dict(os.environ)
    env["OPENBLAS_CORETYPE"] = args.kernel
    env["OPENBLAS_NUM_THREADS"] = str(args.threads)
    env.pop("OPENBLAS_L2_SIZE", None)  # machine default for old builds; unset on both sides together
    child = subprocess.run([sys.executable, __file__, "--numpy-only", "--threads", str(args.threads),
                            "--repeats", str(args.repeats)] + (["--quick"] if args.quick else []),
                           env=env, capture_output=True, text=True, check=True)
    npy = json.loads(child.stdout.strip().splitlines()[-1])
    meta, sw = swift_side(args, env)

    print(f"# Linalg vs numpy {npy['numpy']} / scipy {npy['scipy']}, best of {args.repeats}")
    print(f"# MigrationKit: OpenBLAS kernel {meta['kernel']}, {meta['threads']} thread(s), {meta['config']}")
    print(f"# numpy:        OpenBLAS {npy['openblas']}, kernel {npy['kernel']}, {npy['threads']} thread(s)")
    if meta["kernel"].lower() != npy["kernel"].lower() or str(meta["threads"]) != npy["threads"]:
        print("# WARNING: kernels or thread counts differ between the two sides", file=sys.stderr)
    print()
    print("| benchmark | MigrationKit | numpy/scipy | ratio | target |")
    print("|---|---|---|---|---|")
    g_s, g_n = sw["dgemm"]["gflops"], npy["dgemm"]["gflops"]
    print(f"| dgemm n={npy['dgemm']['n']} (GFLOP/s, higher is better) | {g_s:.1f} | {g_n:.1f} (`a @ b`) "
          f"| {g_s / g_n:.2f}× numpy's GFLOP/s | ≥ 0.9× |")
    for name, label, peer in [("lstsq_qr", "least squares {m}×20, dgels (s)", "np.linalg.lstsq"),
                              ("lstsq_svd", "least squares {m}×20, dgelsd (s)", "np.linalg.lstsq")]:
        s, q = sw[name]["seconds"], npy["lstsq"]["seconds"]
        print(f"| {label.format(m=npy['lstsq']['m'])} | {s:.3f} | {q:.3f} (`{peer}`) | {s / q:.2f}× numpy's time | ≤ 1.2× |")
    s, q = sw["cholesky_solve"]["seconds"], npy["cholesky_solve"]["seconds"]
    print(f"| Cholesky factor + solve n={npy['cholesky_solve']['n']} (s) | {s:.4f} | {q:.4f} (`cho_factor`+`cho_solve`) "
          f"| {s / q:.2f}× scipy's time | — |")


if __name__ == "__main__":
    main()
