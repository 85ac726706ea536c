#!/usr/bin/env python3
"""Whole-process CPU time and peak RSS of two migkit builds on the fits of whole_process.py,
alternating, best of --repeats: for before/after comparisons of one change on a shared machine,
where wall clocks move with the load but CPU time (user + sys from wait4) does not.

  fit ppml on ppml_hard.csv (all 8 columns), fit ols + HC1 with all 19 regressors and with
  `y ~ x1` on float20.csv, flows sim doubly constrained on od500.csv.

The data files are those whole_process.py writes into --data-dir (run it once first). Both
binaries run pinned to one core with OPENBLAS_NUM_THREADS=RAYON_NUM_THREADS=1.

Usage: python3 Benchmarks/regression/fit_before_after.py BASE_MIGKIT NEW_MIGKIT [--repeats 3] [--data-dir DIR]
"""
import argparse, os, subprocess, tempfile, time

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("base")
p.add_argument("new")
p.add_argument("--repeats", type=int, default=3)
p.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "migkit-whole-process"))
a = p.parse_args()
D = a.data_dir
out = os.path.join(tempfile.gettempdir(), "fit_before_after.csv")
OLS = "y ~ " + " + ".join(f"x{i}" for i in range(1, 20))
tasks = {
    "fit ppml (ppml_hard.csv)": ["fit", "ppml", "--data", f"{D}/ppml_hard.csv", "--formula",
                                 "flow ~ ldist + contig + lang + x4 | orig_year + dest_year", "--vcov", "cluster:pair",
                                 "--ssc", "fixest", "--stats", "none", "-o", out],
    "fit ols, 19 regressors (float20.csv)": ["fit", "ols", "--data", f"{D}/float20.csv", "--formula", OLS, "--vcov", "hc1",
                                             "--ssc", "statsmodels", "--stats", "none", "-o", out],
    "fit ols y ~ x1 (float20.csv)": ["fit", "ols", "--data", f"{D}/float20.csv", "--formula", "y ~ x1", "--vcov", "hc1",
                                     "--ssc", "statsmodels", "--stats", "none", "-o", out],
    "flows sim n = 500 (od500.csv)": ["flows", "sim", "--data", f"{D}/od500.csv", "--model", "doubly", "--cost",
                                      "exponential", "-o", out],
}
env = dict(os.environ, OPENBLAS_NUM_THREADS="1", RAYON_NUM_THREADS="1")
print(f"# load before {' '.join(open('/proc/loadavg').read().split()[:3])}")
print("| task | base wall, CPU, peak RSS | new wall, CPU, peak RSS |")
print("|---|---|---|")
for name, args in tasks.items():
    best = {}
    for _ in range(a.repeats):
        for label, binary in (("base", a.base), ("new", a.new)):
            t0 = time.perf_counter()
            proc = subprocess.Popen(["taskset", "-c", "0", binary] + args, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"{label} failed on {name}")
            b = best.setdefault(label, [float("inf"), float("inf"), 0.0])
            b[0] = min(b[0], wall)
            b[1] = min(b[1], usage.ru_utime + usage.ru_stime)
            b[2] = max(b[2], usage.ru_maxrss / 1024)
    print(f"| {name} | " + " | ".join(f"{b[0]:.3f} s, {b[1]:.3f} s, {b[2]:.0f} MB" for b in (best["base"], best["new"])) + " |")
print(f"# load after {' '.join(open('/proc/loadavg').read().split()[:3])}")
