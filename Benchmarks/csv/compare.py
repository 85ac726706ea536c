#!/usr/bin/env python3
"""CSV ingest: MigrationKit's CSVReader against pandas.read_csv, in one run, in-process and whole
process, on UNHCR's population.csv (integers and short strings) and on the float-heavy
1e6 x 20 file of Benchmarks/csv/generate.py (written on first use into --data-dir).

  in-process:    best of --repeats after a warm-up: csv-bench FILE --repeats N --threads T
                 against pandas.read_csv(FILE) timed inside one Python process;
  whole process: best of --repeats, wall clock (perf_counter) and peak RSS (wait4) of
                 `csv-bench FILE --repeats 0 --threads T` (start, read once, exit) against
                 `python3 -c 'import pandas; pandas.read_csv(FILE)'`.

--threads 1 pins both sides to one core (taskset -c 0) and sets CSVReadOptions.threads = 1;
--threads 2 lets the reader split each read window between two threads (pandas' C parser uses
one). Prints a Markdown table with the load average before and after.

Usage (repository root): python3 Benchmarks/csv/compare.py [--threads 2] [--repeats 3] [--data-dir DIR] [--exe BIN]
"""
import argparse, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXE = os.path.join(ROOT, "Benchmarks", ".build", "release", "csv-bench")


def timed(cmd, pin):
    """Wall clock (perf_counter around fork–exec–wait, 1 µs resolution; /usr/bin/time's %e
    rounds to 10 ms, a sixth of a 0.06 s run), the child's peak RSS in MB, its output and its
    CPU time, user + sys (wait4; waiting for a core on a shared machine does not count)."""
    full = (["taskset", "-c", "0"] if pin else []) + cmd
    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdout=so, stderr=se)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        out, err = so.read().decode(), se.read().decode()
    if code != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out}\n{err}")
    return wall, usage.ru_maxrss / 1024.0, out, usage.ru_utime + usage.ru_stime


PANDAS_INPROC = r'''
import sys, time, json
import pandas as pd
f, n = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(f)
best = float("inf")
for _ in range(n):
    s = time.perf_counter(); df = pd.read_csv(f); best = min(best, time.perf_counter() - s)
print(json.dumps({"seconds": best, "rows": len(df), "columns": df.shape[1], "version": pd.__version__}))
'''


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--data-dir", default=os.path.join(tempfile.gettempdir(), "migkit-csv-bench"))
    p.add_argument("--files", nargs="*", help="CSV files (default: population.csv and the float-heavy file)")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--exe", default=EXE, help="the csv-bench binary (default: Benchmarks' release build; "
                   "e.g. a copy built from an earlier commit, for a before/after pair)")
    a = p.parse_args()
    files = a.files
    if not files:
        os.makedirs(a.data_dir, exist_ok=True)
        heavy = os.path.join(a.data_dir, "float20.csv")
        if not os.path.exists(heavy):
            subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "csv", "generate.py"), heavy], check=True)
        files = [os.path.join(os.path.dirname(ROOT), "shared", "data", "unhcr", "population.csv"), heavy]
    if not a.no_build:
        b = subprocess.run(["swift", "build", "-c", "release", "--package-path", "Benchmarks", "--product", "csv-bench"],
                           cwd=ROOT, capture_output=True, text=True)
        if b.returncode != 0:
            sys.exit(b.stdout + b.stderr)
    pin = a.threads == 1
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"# CSV ingest, {a.threads} thread(s){' (both pinned: taskset -c 0)' if pin else ''}, best of {a.repeats}; "
          f"CPU {cpu}, {os.cpu_count()} cores; kernel {os.uname().release}; load before {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print("| file | rows × cols | MigrationKit in-process (s) | pandas in-process (s) | ratio | MigrationKit whole process (s, MB) | pandas whole process (s, MB) | ratio | CPU s, MigrationKit / pandas whole process | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    exe = a.exe
    for f in files:
        _, _, out, _ = timed([exe, f, "--repeats", str(a.repeats), "--threads", str(a.threads)], pin)
        sw = json.loads(out.strip().splitlines()[-1])
        _, _, out, _ = timed([sys.executable, "-c", PANDAS_INPROC, f, str(a.repeats)], pin)
        pd = json.loads(out.strip().splitlines()[-1])
        bm = bp = (float("inf"), 0.0)
        cm = cp = float("inf")
        for _ in range(a.repeats):
            w, r, _, c = timed([exe, f, "--repeats", "0", "--threads", str(a.threads)], pin)
            bm = min(bm, (w, r))
            cm = min(cm, c)
            w, r, _, c = timed([sys.executable, "-c", f"import pandas; pandas.read_csv({f!r})"], pin)
            bp = min(bp, (w, r))
            cp = min(cp, c)
        print(f"| {os.path.basename(f)} | {sw['rows']:,} × {sw['columns']} | {sw['seconds']:.3f} | {pd['seconds']:.3f} | "
              f"{sw['seconds'] / pd['seconds']:.2f}× | {bm[0]:.3f}, {bm[1]:.0f} | {bp[0]:.3f}, {bp[1]:.0f} | {bm[0] / bp[0]:.2f}× | "
              f"{cm:.3f} / {cp:.3f} | {cm / cp:.2f}× |")
    print(f"# pandas {pd['version']}; MigrationKit column types of the last file: {sw['types'][:60]}…; "
          f"load after {' '.join(open('/proc/loadavg').read().split()[:3])}")


if __name__ == "__main__":
    main()
