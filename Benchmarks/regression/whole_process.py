#!/usr/bin/env python3
"""Whole-process benchmarks, as a user runs them: read a CSV, fit, write the coefficients.

  PPML (harder variant, `ppml_hard_1e6` of compare.py written as a 66 MB CSV):
    migkit fit ppml --data ppml_hard.csv --formula 'flow ~ ldist + contig + lang + x4 | orig_year + dest_year' \
        --vcov cluster:pair --ssc fixest -o coef.csv
    python3 -c 'pandas.read_csv + pyfixest.fepois(..., vcov={"CRV1": "pair"}) + coefficients to CSV'
  Doubly constrained spatial interaction (--flows): n x n origin-destination pairs without the
  diagonal (n = 500: 249,500 flows; n = 2000: 3,998,000), the data of Benchmarks/flows/compare.py:
    migkit flows sim --data odN.csv --model doubly --cost exponential -o params.csv
    python3 -c 'pandas.read_csv + spint.gravity.Doubly(..., "exp") + parameters to CSV'
  OLS + HC1 on the float-heavy CSV (Benchmarks/csv/generate.py, 1e6 x 20, 395 MB; --ols):
    migkit fit ols --data float20.csv --formula 'y ~ x1 + ... + x19' --vcov hc1 --ssc statsmodels -o coef.csv
    python3 -c 'pandas.read_csv + statsmodels OLS(...).fit(cov_type="HC1") + coefficients to CSV'
  The same with 'y ~ x1' (--ols-narrow): migkit parses 2 of the 20 columns (`fit` reads only the
  columns its formulas use); pandas reads all 20, as a plain read_csv does.

Both sides get the same environment before they start (OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS,
RAYON_NUM_THREADS, OMP_NUM_THREADS); with --threads 1 both are also pinned to one core
(`taskset -c 0`), so neither can use a second core for its own threads (MigrationKit's CSV reader
and demeaning, pyfixest's Rust demeaner). Runs alternate between the two sides; each time is the
best of --repeats, wall clock by perf_counter, peak RSS and CPU time (user + sys) by wait4; on a
shared machine the CPU times are the steadier measure (waiting for a core counts in the wall
clock, not in them). The peer also reports its in-process times (read_csv, fit). Prints a
Markdown table and the largest relative differences of the coefficients and standard errors.

Usage (repository root, after `swift build -c release --product migkit`):
    python3 Benchmarks/regression/whole_process.py [--threads 1] [--repeats 3] [--data-dir DIR] [--ols] [--ols-narrow]
        [--flows 500 2000] [--no-ppml]
MIGKIT_BINARY=path runs another build of migkit (e.g. the base commit's) in its place.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import compare  # noqa: E402

MIGKIT = os.environ.get("MIGKIT_BINARY") or os.path.join(ROOT, ".build", "release", "migkit")  # MIGKIT_BINARY: e.g. a build of the base commit
OLS_FML = "y ~ " + " + ".join(f"x{i}" for i in range(1, 20))

PEER = r'''
import sys, time, json
t0 = time.perf_counter()
import pandas as pd
kind, data, fml, out = sys.argv[1:5]
t1 = time.perf_counter()
df = pd.read_csv(data)
t2 = time.perf_counter()
if kind == "flows":
    import numpy as np
    from spint.gravity import Doubly
    t2b = time.perf_counter()
    o = np.array([f"o{v}" for v in df["origin"].values]); d = np.array([f"d{v}" for v in df["destination"].values])
    m = Doubly(df["flow"].values.astype(np.int64).reshape(-1, 1), o, d, df["cost"].values.reshape(-1, 1), "exp")
    tab = pd.DataFrame({"term": ["cost"], "estimate": [float(np.ravel(m.params)[-1])], "std_error": [float(np.ravel(m.std_err)[-1])]})
elif kind == "ppml":
    import pyfixest as pf
    t2b = time.perf_counter()
    fit = pf.fepois(fml, data=df, vcov={"CRV1": "pair"})
    tab = pd.DataFrame({"term": fit.coef().index, "estimate": fit.coef().values, "std_error": fit.se().values})
else:
    import statsmodels.formula.api as smf
    t2b = time.perf_counter()
    res = smf.ols(fml, data=df).fit(cov_type="HC1")
    tab = pd.DataFrame({"term": res.params.index, "estimate": res.params.values, "std_error": res.bse.values})
t3 = time.perf_counter()
tab.to_csv(out, index=False)
print(json.dumps({"read_csv": t2 - t1, "fit": t3 - t2b, "import": (t1 - t0) + (t2b - t2)}))
'''


def timed(cmd, env, pin):
    """Wall clock (perf_counter around fork–exec–wait, 1 µs resolution; /usr/bin/time's %e
    rounds to 10 ms, a seventh of a 0.07 s run) and the child's peak RSS in MB (wait4)."""
    full = (["taskset", "-c", "0"] if pin else []) + cmd
    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, env=env, stdout=so, stderr=se)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        out, err = so.read().decode(), se.read().decode()
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out}\n{err}")
    return wall, usage.ru_maxrss / 1024.0, out, usage.ru_utime + usage.ru_stime


def write_od(n, path):
    """The origin-destination data of Benchmarks/flows/compare.py (seeded per n) as a CSV."""
    import numpy as np
    import pandas as pd
    import importlib.util
    spec = importlib.util.spec_from_file_location("flows_compare", os.path.join(ROOT, "Benchmarks", "flows", "compare.py"))
    flows = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(flows)
    y, d, o, dd = flows.od_data(n, np.random.default_rng(flows.SEED + n))
    pd.DataFrame({"origin": o, "destination": dd, "flow": y, "cost": d}).to_csv(path, index=False)


def coefficients(path):
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    return {r["term"]: (float(r["estimate"]), float(r["std_error"])) for r in rows}


def maxrel(a, b, k):
    common = [t for t in b if t in a and t != "Intercept" or (t == "Intercept" and "(Intercept)" in a)]
    diffs = []
    for t in b:
        u = a.get(t) or (a.get("(Intercept)") if t == "Intercept" else None)
        if u is None:
            continue
        diffs.append(abs(u[k] - b[t][k]) / abs(b[t][k]))
    return max(diffs) if diffs else None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--kernel", default="Haswell")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "migkit-whole-process"))
    p.add_argument("--ols", action="store_true", help="also the OLS + HC1 run on the float-heavy CSV")
    p.add_argument("--ols-narrow", action="store_true",
                   help="also OLS + HC1 of y ~ x1 on the float-heavy CSV (2 of its 20 columns used; pandas reads all, as a user's read_csv does)")
    p.add_argument("--flows", nargs="*", type=int, help="spatial interaction sizes (e.g. 500 2000)")
    p.add_argument("--no-ppml", action="store_true")
    a = p.parse_args()
    if not os.path.exists(MIGKIT):
        sys.exit(f"{MIGKIT} missing: swift build -c release --product migkit")
    os.makedirs(a.data_dir, exist_ok=True)
    tasks = []
    ppml_csv = os.path.join(a.data_dir, "ppml_hard.csv")
    if not a.no_ppml and not os.path.exists(ppml_csv):
        d = os.path.join(a.data_dir, "ppml_hard_1e6")
        compare.generate("ppml_hard_1e6", d)
        compare.write_csv(d, ppml_csv)
    if not a.no_ppml:
        tasks.append(("ppml", ppml_csv, compare.PPML_HARD_FML,
                      ["fit", "ppml", "--data", ppml_csv, "--formula", compare.PPML_HARD_FML, "--vcov", "cluster:pair",
                       "--ssc", "fixest", "--stats", "none"]))
    for n in a.flows or []:
        od = os.path.join(a.data_dir, f"od{n}.csv")
        if not os.path.exists(od):
            write_od(n, od)
        tasks.append(("flows", od, str(n), ["flows", "sim", "--data", od, "--model", "doubly", "--cost", "exponential"]))
    ols_csv = os.path.join(a.data_dir, "float20.csv")
    if (a.ols or a.ols_narrow) and not os.path.exists(ols_csv):
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "csv", "generate.py"), ols_csv], check=True)
    for fml in ([OLS_FML] if a.ols else []) + (["y ~ x1"] if a.ols_narrow else []):
        tasks.append(("ols", ols_csv, fml,
                      ["fit", "ols", "--data", ols_csv, "--formula", fml, "--vcov", "hc1", "--ssc", "statsmodels",
                       "--stats", "none"]))

    env = dict(os.environ)
    env["OPENBLAS_CORETYPE"] = a.kernel
    for var in ["OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS", "MKL_NUM_THREADS"]:
        env[var] = str(a.threads)
    env.pop("OPENBLAS_L2_SIZE", None)
    pin = a.threads == 1
    load = open("/proc/loadavg").read().split()[:3]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# whole process, {a.threads} thread(s){' (taskset -c 0)' if pin else ''}, OPENBLAS_CORETYPE={a.kernel}, "
          f"best of {a.repeats} (wall clock by perf_counter, peak RSS by wait4); CPU {cpu}, {os.cpu_count()} cores; kernel {os.uname().release}; load before {' '.join(load)}")
    print("| task | migkit (s) | migkit RSS (MB) | pandas + peer (s) | peer RSS (MB) | ratio | CPU s (user + sys): migkit / peer, ratio | peer in-process: read_csv / fit (s) | max rel coef diff | max rel SE diff |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind, data, fml, args in tasks:
        out_m = os.path.join(a.data_dir, f"{kind}_migkit.csv")
        out_p = os.path.join(a.data_dir, f"{kind}_peer.csv")
        best_m = best_p = (float("inf"), 0.0)
        cpu_m = cpu_p = float("inf")
        inproc = None
        for _ in range(a.repeats):
            w, r, _, c = timed([MIGKIT] + args + ["-o", out_m], env, pin)
            best_m = min(best_m, (w, r))
            cpu_m = min(cpu_m, c)
            w, r, out, c = timed([sys.executable, "-c", PEER, kind, data, fml, out_p], env, pin)
            best_p = min(best_p, (w, r))
            cpu_p = min(cpu_p, c)
            info = json.loads(out.strip().splitlines()[-1])
            inproc = info if inproc is None or info["read_csv"] + info["fit"] < inproc["read_csv"] + inproc["fit"] else inproc
        cm, cp = coefficients(out_m), coefficients(out_p)
        peer = {"ppml": "pyfixest `fepois`", "ols": "statsmodels OLS HC1", "flows": "spint `Doubly`"}[kind]
        label = f"doubly constrained, n = {fml}" if kind == "flows" else "OLS y ~ x1" if fml == "y ~ x1" else kind.upper()
        print(f"| {label} ({peer}) | {best_m[0]:.3f} | {best_m[1]:.0f} | {best_p[0]:.3f} | {best_p[1]:.0f} | "
              f"{best_m[0] / best_p[0]:.2f}× ({best_p[0] / best_m[0]:.1f}× faster) | {cpu_m:.3f} / {cpu_p:.3f}, {cpu_m / cpu_p:.3f}× | "
              f"{inproc['read_csv']:.2f} / {inproc['fit']:.2f} | "
              f"{maxrel(cm, cp, 0):.1e} | {maxrel(cm, cp, 1):.1e} |")
    print(f"# load after: {' '.join(open('/proc/loadavg').read().split()[:3])}")


if __name__ == "__main__":
    main()
