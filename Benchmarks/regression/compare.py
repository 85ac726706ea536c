#!/usr/bin/env python3
"""Regression benchmarks: MigrationKit vs pyfixest (PPML with two high-dimensional FE) and
statsmodels (OLS with HC1), on the same synthetic data, in one run, same BLAS kernel and threads.

Usage (from the repository root):
    python3 Benchmarks/regression/compare.py [--threads 1] [--kernel Haswell] [--repeats 3]
                                             [--data-dir DIR] [--quick] [--peers-only] [--json OUT]

1. Generates deterministic synthetic data (seed 20261129) as raw little-endian binary columns,
   one directory per data set, under --data-dir (default: a fresh temporary directory, deleted
   at the end unless --keep-data):
     ppml_1e5/  100 origins x 100 destinations x 10 years  = 100,000 rows (1,000 + 1,000 FE levels)
     ppml_1e6/  200 origins x 200 destinations x 25 years  = 1,000,000 rows (5,000 + 5,000 FE levels)
     ols_1e6/   1,000,000 x 20 design (first column the intercept)
   (--quick: ppml_1e5 and ols_1e5 only, for a smoke test.)
2. Re-runs itself in a child process with OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS (and the
   Rayon/OpenMP/numba thread variables, which pyfixest's Rust demeaner and friends read) set
   before the process starts, limits numpy's BLAS with threadpoolctl as well, and times the peers,
   best of --repeats after one warm-up:
     pyfixest  pf.fepois("flow ~ ldist + contig | orig_year + dest_year", data=df, vcov={"CRV1": "pair"})
               (package-default tolerances: iwls_tol=1e-8, fixef_tol=1e-6)
     statsmodels  sm.OLS(y, X).fit(cov_type="HC1")  (default method="pinv"; HC1 is computed eagerly)
3. Builds Benchmarks/ in release mode (same environment) and runs
   Benchmarks/.build/release/regression-bench --data DIR --repeats N on every data directory; it
   prints one JSON line {"task", "n", "seconds", "coef", "se", "iterations"} (and optionally a line
   {"kernel", "threads", "config"}). Skipped with a message when the executable does not exist.
4. Prints a Markdown table (times, ratio MigrationKit / peer, target, max relative coefficient and
   SE difference between the two sides) and the kernel / threads each side reports.

Requires numpy, pandas, statsmodels, pyfixest, threadpoolctl (pip install -r Benchmarks/regression/requirements.txt).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 20261129
EXE = os.path.join(ROOT, "Benchmarks", ".build", "release", "regression-bench")
PPML_FML = "flow ~ ldist + contig | orig_year + dest_year"
PPML_NAMES = ["ldist", "contig"]
OLS_P = 20
OLS_NAMES = ["Intercept"] + [f"x{i}" for i in range(1, OLS_P)]

# name: (task, dims, stream index of SeedSequence(SEED).spawn(4))
DATASETS = {
    "ppml_1e5": ("ppml", {"origins": 100, "destinations": 100, "years": 10}, 0),
    "ppml_1e6": ("ppml", {"origins": 200, "destinations": 200, "years": 25}, 1),
    "ols_1e6": ("ols", {"n": 1_000_000, "p": OLS_P}, 2),
    "ols_1e5": ("ols", {"n": 100_000, "p": OLS_P}, 3),
    # The harder variant (issue 18): origin-year and destination-year effects drawn N(0,1)
    # independently per year, gamma-mixed Poisson noise, about 42 % zeros, 4 regressors. Its own
    # stream (SeedSequence(SEED).spawn(6)[5]) so the data sets above stay as they were.
    "ppml_hard_1e6": ("ppml", {"origins": 200, "destinations": 200, "years": 25, "variant": "hard"}, 5),
}
PPML_HARD_FML = "flow ~ ldist + contig + lang + x4 | orig_year + dest_year"
TARGETS = {"ppml_1e6": ("≤ 0.5×", 0.5), "ols_1e6": ("≤ 0.4×", 0.4)}


# ----------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------


def pair_geometry(rng, O, D):
    """Countries on a 10 x 10 square: log distance (a 0.5 "internal" distance added, since
    o == d rows exist) and contiguity (distance < 2) for every origin-destination pair."""
    import numpy as np

    xy_o = rng.uniform(0, 10, (O, 2))
    xy_d = xy_o if O == D else rng.uniform(0, 10, (D, 2))
    dist = np.hypot(xy_o[:, None, 0] - xy_d[None, :, 0], xy_o[:, None, 1] - xy_d[None, :, 1]) + 0.5
    return np.log(dist), (dist < 2.0).astype(np.float64)


def generate(name, path):
    """Write one data set as raw little-endian columns + meta.json. Deterministic per data set."""
    import numpy as np

    task, dims, stream = DATASETS[name]
    rng = np.random.default_rng(np.random.SeedSequence(SEED).spawn(max(4, stream + 1))[stream])
    os.makedirs(path, exist_ok=True)

    def put(col, arr, dtype):
        np.ascontiguousarray(arr, dtype=dtype).tofile(os.path.join(path, col))

    if task == "ppml" and dims.get("variant") == "hard":
        meta = generate_hard(rng, dims, stream, put)
    elif task == "ppml":
        O, D, T = dims["origins"], dims["destinations"], dims["years"]
        ldist_od, contig_od = pair_geometry(rng, O, D)
        a = rng.normal(0.0, 1.0, O)
        b = rng.normal(0.0, 1.0, D)
        t = np.arange(T)
        fe_o = 1.0 + a[:, None] + 0.02 * t[None, :] + rng.normal(0.0, 0.2, (O, T))  # origin x year
        fe_d = b[:, None] + 0.01 * t[None, :] + rng.normal(0.0, 0.2, (D, T))  # destination x year
        # rows ordered by year, origin, destination
        tt, oo, dd = np.meshgrid(t, np.arange(O), np.arange(D), indexing="ij")
        tt, oo, dd = tt.ravel(), oo.ravel(), dd.ravel()
        ldist = ldist_od[oo, dd]
        contig = contig_od[oo, dd]
        eta = fe_o[oo, tt] + fe_d[dd, tt] - 1.0 * ldist + 0.5 * contig
        flow = rng.poisson(np.exp(eta)).astype(np.float64)
        orig_year = (oo * T + tt).astype(np.int32)  # 0 .. O*T-1
        dest_year = (dd * T + tt).astype(np.int32)  # 0 .. D*T-1
        pair = (oo * D + dd).astype(np.int32)  # 0 .. O*D-1
        n = O * D * T
        put("flow.f64", flow, "<f8")
        put("ldist.f64", ldist, "<f8")
        put("contig.f64", contig, "<f8")
        put("orig_year.i32", orig_year, "<i4")
        put("dest_year.i32", dest_year, "<i4")
        put("pair.i32", pair, "<i4")
        oy_sum = np.bincount(orig_year, weights=flow, minlength=O * T)
        dy_sum = np.bincount(dest_year, weights=flow, minlength=D * T)
        meta = {
            "task": "ppml", "n": n, "names": PPML_NAMES, "y": "flow",
            "fe": ["orig_year", "dest_year"], "cluster": "pair",
            "levels": {"orig_year": O * T, "dest_year": D * T, "pair": O * D},
            "dims": dims, "seed": SEED, "stream": stream,
            "formula": PPML_FML,
            "dgp": "log mu = (1 + a_o + 0.02 t + N(0,0.2^2)) + (b_d + 0.01 t + N(0,0.2^2)) - 1.0 ldist + 0.5 contig; "
                   "a_o, b_d ~ N(0,1); countries uniform on [0,10]^2; dist = euclidean + 0.5; contig = dist < 2",
            "layout": "rows ordered by year, origin, destination; orig_year = o*years + t; "
                      "dest_year = d*years + t; pair = o*destinations + d",
            "zero_share": float(np.mean(flow == 0)),
            "contig_share": float(np.mean(contig)),
            "all_zero_groups": {"orig_year": int(np.sum(oy_sum == 0)), "dest_year": int(np.sum(dy_sum == 0))},
            "sum_flow": float(flow.sum()),
        }
    else:
        n, p = dims["n"], dims["p"]
        # correlated regressors, heteroskedastic errors; X written column-major (column after column)
        L = np.tril(rng.uniform(-0.3, 0.3, (p - 1, p - 1))) + np.eye(p - 1)
        Xc = np.empty((p, n))  # row j of Xc = column j of X
        Xc[0] = 1.0
        Xc[1:] = L @ rng.standard_normal((p - 1, n))
        beta = np.concatenate([[1.0], rng.uniform(-1.0, 1.0, p - 1)])
        y = beta @ Xc + (0.5 + 0.5 * np.abs(Xc[1])) * rng.standard_normal(n)
        put("X.f64", Xc, "<f8")  # Xc is C-contiguous (p, n): bytes are X in column-major order
        put("y.f64", y, "<f8")
        meta = {
            "task": "ols", "n": n, "p": p, "names": OLS_NAMES, "y": "y",
            "layout": "X.f64: n x p float64, column-major (column 0 = intercept, all ones)",
            "dgp": "x = L z (L unit lower triangular, off-diagonal U(-0.3,0.3)); y = X beta + (0.5 + 0.5|x1|) e",
            "beta_true": [float(v) for v in beta], "seed": SEED, "stream": stream,
        }
    with open(os.path.join(path, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    return meta


def generate_hard(rng, dims, stream, put):
    """The harder PPML panel: log mu = 2 + f_ot + g_dt - 1.0 ldist + 0.5 contig + 0.3 lang + 0.2 x4,
    with f_ot, g_dt ~ N(0,1) independently for every origin-year and destination-year (no
    smooth country effect for alternating projections to exploit), lang ~ Bernoulli(0.2) per
    pair, x4 ~ N(0,1) per row, and flow ~ Poisson(mu G), G ~ Gamma(1, 1) (negative-binomial
    overdispersion); about 42 % zeros."""
    import numpy as np

    O, D, T = dims["origins"], dims["destinations"], dims["years"]
    ldist_od, contig_od = pair_geometry(rng, O, D)
    lang_od = (rng.uniform(size=(O, D)) < 0.2).astype(np.float64)
    fe_o = rng.normal(0.0, 1.0, (O, T))
    fe_d = rng.normal(0.0, 1.0, (D, T))
    t = np.arange(T)
    tt, oo, dd = np.meshgrid(t, np.arange(O), np.arange(D), indexing="ij")
    tt, oo, dd = tt.ravel(), oo.ravel(), dd.ravel()
    n = O * D * T
    ldist, contig, lang = ldist_od[oo, dd], contig_od[oo, dd], lang_od[oo, dd]
    x4 = rng.normal(0.0, 1.0, n)
    eta = 2.0 + fe_o[oo, tt] + fe_d[dd, tt] - 1.0 * ldist + 0.5 * contig + 0.3 * lang + 0.2 * x4
    flow = rng.poisson(np.exp(eta) * rng.gamma(1.0, 1.0, n)).astype(np.float64)
    orig_year = (oo * T + tt).astype(np.int32)
    dest_year = (dd * T + tt).astype(np.int32)
    pair = (oo * D + dd).astype(np.int32)
    for col, arr in [("flow", flow), ("ldist", ldist), ("contig", contig), ("lang", lang), ("x4", x4)]:
        put(col + ".f64", arr, "<f8")
    for col, arr in [("orig_year", orig_year), ("dest_year", dest_year), ("pair", pair)]:
        put(col + ".i32", arr, "<i4")
    oy_sum = np.bincount(orig_year, weights=flow, minlength=O * T)
    dy_sum = np.bincount(dest_year, weights=flow, minlength=D * T)
    return {
        "task": "ppml", "n": n, "names": ["ldist", "contig", "lang", "x4"], "y": "flow",
        "fe": ["orig_year", "dest_year"], "cluster": "pair",
        "levels": {"orig_year": O * T, "dest_year": D * T, "pair": O * D},
        "dims": dims, "seed": SEED, "stream": stream, "formula": PPML_HARD_FML,
        "dgp": generate_hard.__doc__.split(":", 1)[1].strip(),
        "layout": "rows ordered by year, origin, destination; orig_year = o*years + t; "
                  "dest_year = d*years + t; pair = o*destinations + d",
        "zero_share": float(np.mean(flow == 0)),
        "all_zero_groups": {"orig_year": int(np.sum(oy_sum == 0)), "dest_year": int(np.sum(dy_sum == 0))},
        "sum_flow": float(flow.sum()),
    }


def write_csv(path, out):
    """The data set in `path` as one CSV (what `migkit fit` and pandas.read_csv read in the
    whole-process benchmark): the response, the regressors, then the integer codes."""
    import numpy as np
    import pandas as pd

    meta, df = load(path)
    cols = [meta["y"]] + meta["names"] + meta["fe"] + [meta["cluster"]]
    df[cols].to_csv(out, index=False)
    return meta


def load(path):
    import numpy as np

    with open(os.path.join(path, "meta.json")) as fh:
        meta = json.load(fh)
    n = meta["n"]

    def get(col, dtype):
        a = np.fromfile(os.path.join(path, col), dtype=dtype)
        assert a.size == n * (meta["p"] if col == "X.f64" else 1), (col, a.size)
        return a

    if meta["task"] == "ppml":
        import pandas as pd

        cols = {c: get(c + ".f64", "<f8") for c in [meta["y"]] + meta["names"]}
        cols.update({c: get(c + ".i32", "<i4") for c in ["orig_year", "dest_year", "pair"]})
        return meta, pd.DataFrame(cols)
    X = get("X.f64", "<f8").reshape(meta["p"], n).T  # n x p view, Fortran order
    return meta, (get("y.f64", "<f8"), X)


# ----------------------------------------------------------------------------
# peers (child process, environment already set)
# ----------------------------------------------------------------------------


def best(fn, repeats):
    import gc

    out = fn()  # warm-up
    t = float("inf")
    for _ in range(repeats):
        gc.collect()
        s = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - s)
    return t, out


def peer_side(args):
    import warnings

    import numpy as np
    import pyfixest as pf
    import statsmodels
    import statsmodels.api as sm
    from threadpoolctl import threadpool_info, threadpool_limits

    warnings.filterwarnings("ignore")
    import importlib.metadata as md

    out = {"versions": {"numpy": np.__version__, "statsmodels": statsmodels.__version__,
                        "pyfixest": md.version("pyfixest"), "pandas": md.version("pandas")},
           "env": {k: os.environ.get(k) for k in ["OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS",
                                                 "RAYON_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS"]},
           "results": {}}
    with threadpool_limits(limits=args.threads, user_api="blas"):
        info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        out["kernel"] = ",".join(sorted({str(i.get("architecture")) for i in info}))
        out["threads"] = ",".join(sorted({str(i.get("num_threads")) for i in info}))
        out["openblas"] = ",".join(sorted({str(i.get("version")) for i in info}))
        for d in args.dirs:
            meta, data = load(d)
            if meta["task"] == "ppml":
                df = data

                fml = meta.get("formula", PPML_FML)

                def fit():
                    f = pf.fepois(fml, data=df, vcov={"CRV1": "pair"})
                    return f.coef(), f.se(), f

                t, (coef, se, f) = best(fit, args.repeats)
                r = {"peer": "pyfixest", "seconds": t, "coef": {k: float(v) for k, v in coef.items()},
                     "se": {k: float(v) for k, v in se.items()}, "nobs": int(f._N),
                     "tolerances": {"iwls_tol": 1e-8, "fixef_tol": 1e-6, "note": "package defaults"},
                     "df_k": int(f._df_k)}
                if args.tight:
                    ft = pf.fepois(fml, data=df, vcov={"CRV1": "pair"}, iwls_tol=1e-12,
                                   fixef_tol=1e-12, fixef_maxiter=1_000_000, iwls_maxiter=200)
                    r["tight"] = {"coef": {k: float(v) for k, v in ft.coef().items()},
                                  "se": {k: float(v) for k, v in ft.se().items()},
                                  "tolerances": {"iwls_tol": 1e-12, "fixef_tol": 1e-12}}
            else:
                y, X = data

                def fit():
                    res = sm.OLS(y, X).fit(cov_type="HC1")
                    return res.params, res.bse

                t, (coef, se) = best(fit, args.repeats)
                r = {"peer": "statsmodels", "seconds": t, "coef": dict(zip(meta["names"], map(float, coef))),
                     "se": dict(zip(meta["names"], map(float, se))), "nobs": int(len(y))}
            out["results"][os.path.basename(d)] = r
            print(f"# peer {os.path.basename(d)}: {r['peer']} {t:.3f} s", file=sys.stderr, flush=True)
    return out


# ----------------------------------------------------------------------------
# MigrationKit
# ----------------------------------------------------------------------------


def swift_side(args, env, dirs):
    """Returns (meta or None, {dataset: result}) or None when the executable is not available."""
    if not args.no_build:
        build = subprocess.run(["swift", "build", "-c", "release", "--package-path", "Benchmarks"],
                               cwd=ROOT, env=env, capture_output=True, text=True)
        if build.returncode != 0:
            tail = "\n".join((build.stdout + build.stderr).splitlines()[-30:])
            print(f"# WARNING: swift build failed; MigrationKit side skipped:\n{tail}", file=sys.stderr)
            return None
    if not os.path.exists(EXE):
        print(f"# MigrationKit side skipped: {os.path.relpath(EXE, ROOT)} does not exist "
              "(no regression-bench executable in Benchmarks/Package.swift yet)", file=sys.stderr)
        return None
    meta, res = None, {}
    for d in dirs:
        run = subprocess.run([EXE, "--data", d, "--repeats", str(args.repeats)],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"regression-bench failed on {d} (exit {run.returncode}):\n{run.stdout}{run.stderr}")
        for line in run.stdout.splitlines():
            line = line.strip()
            if not line.startswith("{"):
                continue
            obj = json.loads(line)
            if "task" in obj:
                res[os.path.basename(d)] = obj
            elif "kernel" in obj or "threads" in obj:
                meta = obj
        if os.path.basename(d) not in res:
            sys.exit(f"regression-bench printed no result line for {d}:\n{run.stdout}{run.stderr}")
    return meta, res


# ----------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------


def maxrel(a, b):
    """max over the common names of |a - b| / |b|; None if nothing in common."""
    common = [k for k in b if k in a]
    if not common:
        return None
    return max(abs(float(a[k]) - float(b[k])) / abs(float(b[k])) for k in common)


def fmt_rel(v):
    return "—" if v is None else f"{v:.1e}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--kernel", default=os.environ.get("OPENBLAS_CORETYPE", "Haswell"))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--data-dir", help="where to write the data sets (default: a temporary directory)")
    p.add_argument("--keep-data", action="store_true", help="keep the temporary data directory")
    p.add_argument("--quick", action="store_true", help="1e5-row data sets only (ppml_1e5, ols_1e5)")
    p.add_argument("--only", help="comma-separated data sets (" + ",".join(DATASETS) + ")")
    p.add_argument("--peers-only", action="store_true", help="do not build or run the Swift side")
    p.add_argument("--no-build", action="store_true", help="use the existing regression-bench binary")
    p.add_argument("--tight", action="store_true",
                   help="also fit pyfixest once (untimed) with tight tolerances, to show how far its defaults are")
    p.add_argument("--json", help="also write all results to this JSON file")
    p.add_argument("--peer-only", action="store_true", help=argparse.SUPPRESS)  # child process
    p.add_argument("--dirs", nargs="*", help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.peer_only:  # child process: environment already set
        print(json.dumps(peer_side(args)))
        return

    names = (args.only.split(",") if args.only else
             ["ppml_1e5", "ols_1e5"] if args.quick else ["ppml_1e5", "ppml_1e6", "ols_1e6"])
    for nm in names:
        if nm not in DATASETS:
            sys.exit(f"unknown data set {nm}; choose from {', '.join(DATASETS)}")
    tmp = None
    if args.data_dir:
        base = os.path.abspath(args.data_dir)
    else:
        base = tmp = tempfile.mkdtemp(prefix="migkit-regression-bench-")
    try:
        dirs, metas = [], {}
        for nm in names:
            d = os.path.join(base, nm)
            s = time.perf_counter()
            metas[nm] = generate(nm, d)
            print(f"# data {nm}: n = {metas[nm]['n']:,} written to {d} ({time.perf_counter() - s:.1f} s)",
                  file=sys.stderr, flush=True)
            dirs.append(d)

        env = dict(os.environ)
        env["OPENBLAS_CORETYPE"] = args.kernel
        env["OPENBLAS_NUM_THREADS"] = str(args.threads)
        for var in ["RAYON_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS", "MKL_NUM_THREADS"]:
            env[var] = str(args.threads)
        env.pop("OPENBLAS_L2_SIZE", None)  # machine default for old builds; unset on both sides together
        child = subprocess.run([sys.executable, os.path.abspath(__file__), "--peer-only", "--threads",
                                str(args.threads), "--repeats", str(args.repeats)]
                               + (["--tight"] if args.tight else []) + ["--dirs"] + dirs,
                               env=env, stdout=subprocess.PIPE, text=True)
        if child.returncode != 0:
            sys.exit(f"peer process failed (exit {child.returncode})")
        peer = json.loads(child.stdout.strip().splitlines()[-1])
        sw = None if args.peers_only else swift_side(args, env, dirs)
        report(args, names, metas, peer, sw)
        sys.stdout.flush()
    finally:
        if tmp is not None and not args.keep_data:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp is not None:
            print(f"# data kept in {tmp}", file=sys.stderr)


def report(args, names, metas, peer, sw):
    swmeta, swres = (None, {}) if sw is None else sw
    v = peer["versions"]
    print(f"# Regression benchmarks: MigrationKit vs pyfixest {v['pyfixest']} / statsmodels {v['statsmodels']} "
          f"(numpy {v['numpy']}), best of {args.repeats} after one warm-up")
    if swmeta is not None:
        print(f"# MigrationKit: OpenBLAS kernel {swmeta.get('kernel', '?')}, {swmeta.get('threads', '?')} thread(s)"
              + (f", {swmeta['config']}" if "config" in swmeta else ""))
    elif sw is not None:
        print("# MigrationKit: kernel/threads not reported by regression-bench")
    else:
        print("# MigrationKit: not run")
    e = peer["env"]
    print(f"# peers:        OpenBLAS {peer['openblas']}, kernel {peer['kernel']}, {peer['threads']} thread(s) "
          f"(threadpoolctl); RAYON_NUM_THREADS={e['RAYON_NUM_THREADS']} (pyfixest's Rust demeaner)")
    print("# pyfixest at package-default tolerances (iwls_tol=1e-8, fixef_tol=1e-6); statsmodels OLS method=\"pinv\"")
    if swmeta is not None and (str(swmeta.get("kernel", "")).lower() != peer["kernel"].lower()
                               or str(swmeta.get("threads", "")) != peer["threads"]):
        print("# WARNING: kernels or thread counts differ between the two sides", file=sys.stderr)
    print()
    print("| task | n | MigrationKit (s) | peer (s) | ratio | target | max rel coef diff | max rel SE diff |")
    print("|---|---|---|---|---|---|---|---|")
    rows = []
    for nm in names:
        meta, pr = metas[nm], peer["results"][nm]
        peer_lbl = ("pyfixest `fepois` CRV1 pair" if meta["task"] == "ppml" else "statsmodels `OLS` HC1")
        dims = (f"{meta['n']:,} ({meta['levels']['orig_year']:,} + {meta['levels']['dest_year']:,} FE)"
                if meta["task"] == "ppml" else f"{meta['n']:,} × {meta['p']}")
        target_lbl, target = TARGETS.get(nm, ("—", None))
        s = swres.get(nm)
        if s is not None:
            if s.get("task") != meta["task"] or int(s.get("n", -1)) != meta["n"]:
                print(f"# WARNING: regression-bench reported task/n {s.get('task')}/{s.get('n')} for {nm}",
                      file=sys.stderr)
            ratio = s["seconds"] / pr["seconds"]
            ok = "" if target is None else (" ✓" if ratio <= target else " ✗")
            cd, sd = maxrel(s.get("coef", {}), pr["coef"]), maxrel(s.get("se", {}), pr["se"])
            line = (f"| {meta['task'].upper()} | {dims} | {s['seconds']:.3f} | {pr['seconds']:.3f} ({peer_lbl}) "
                    f"| {ratio:.2f}×{ok} | {target_lbl} | {fmt_rel(cd)} | {fmt_rel(sd)} |")
        else:
            ratio = cd = sd = None
            line = (f"| {meta['task'].upper()} | {dims} | — | {pr['seconds']:.3f} ({peer_lbl}) | — | {target_lbl} "
                    f"| — | — |")
        print(line)
        rows.append({"dataset": nm, "task": meta["task"], "n": meta["n"], "peer": pr, "migrationkit": s,
                     "ratio": ratio, "target": target, "max_rel_coef_diff": cd, "max_rel_se_diff": sd})
    print()
    for nm in names:
        pr = peer["results"][nm]
        extra = ""
        if nm in swres and "iterations" in swres[nm] and metas[nm]["task"] == "ppml":
            extra += f"; MigrationKit iterations {swres[nm]['iterations']}"
        if "tight" in pr:
            extra += (f"; pyfixest default vs tight tolerances: coef {fmt_rel(maxrel(pr['coef'], pr['tight']['coef']))}, "
                      f"SE {fmt_rel(maxrel(pr['se'], pr['tight']['se']))}")
            if nm in swres:
                extra += (f"; MigrationKit vs pyfixest tight: coef "
                          f"{fmt_rel(maxrel(swres[nm].get('coef', {}), pr['tight']['coef']))}, SE "
                          f"{fmt_rel(maxrel(swres[nm].get('se', {}), pr['tight']['se']))}")
        print(f"- {nm}: peer coef {json.dumps({k: round(x, 6) for k, x in list(pr['coef'].items())[:3]})}"
              f"{' …' if len(pr['coef']) > 3 else ''}{extra}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"threads": args.threads, "kernel": args.kernel, "repeats": args.repeats,
                       "peer_env": peer, "migrationkit_meta": swmeta, "data": metas, "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
