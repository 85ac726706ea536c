#!/usr/bin/env python3
"""Reads ../shared/data/unhcr/population.csv (or --file) into typed columns with MigrationKit's
CSVReader and with pandas.read_csv in one run, best of --repeats after a warm-up, and prints the
ratio. Usage (repo root): python3 Benchmarks/csv/compare.py [--file F] [--repeats 5]"""
import argparse, json, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--file", default=os.path.join(os.path.dirname(ROOT), "shared", "data", "unhcr", "population.csv"))
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    import pandas as pd
    pd.read_csv(a.file)  # warm-up
    best = float("inf")
    for _ in range(a.repeats):
        s = time.perf_counter()
        df = pd.read_csv(a.file)
        best = min(best, time.perf_counter() - s)
    b = subprocess.run(["swift", "build", "-c", "release", "--package-path", "Benchmarks", "--product", "csv-bench"],
                       cwd=ROOT, capture_output=True, text=True)
    if b.returncode != 0:
        sys.exit(b.stdout + b.stderr)
    r = subprocess.run([os.path.join(ROOT, "Benchmarks", ".build", "release", "csv-bench"), a.file, "--repeats", str(a.repeats)],
                       capture_output=True, text=True, check=True)
    sw = json.loads(r.stdout.strip().splitlines()[-1])
    print(f"# {os.path.basename(a.file)}: {len(df):,} rows x {df.shape[1]} columns; best of {a.repeats}; pandas {pd.__version__}")
    print("| reader | seconds | ratio |")
    print("|---|---|---|")
    print(f"| MigrationKit CSVReader.readTable (typed columns: {sw['types']}) | {sw['seconds']:.4f} | {sw['seconds'] / best:.2f}x pandas |")
    print(f"| pandas.read_csv | {best:.4f} | 1.00 |")


if __name__ == "__main__":
    main()
