#!/usr/bin/env python3
"""Markdown tables for FORECASTS.md from a `migkit backtest` run folder (standard library only).

    python3 scripts/forecast-checks/backtest_tables.py reports/
"""
import csv
import sys
from collections import defaultdict

run = sys.argv[1] if len(sys.argv) > 1 else "reports"
rows = list(csv.DictReader(open(f"{run}/backtest_metrics.csv", encoding="utf-8")))
methods = ["model", "random_walk", "drift", "log_drift", "probabilistic_random_walk"]
short = {"model": "model", "random_walk": "RW", "drift": "drift", "log_drift": "log-drift",
         "probabilistic_random_walk": "prob. RW"}
by = defaultdict(dict)
for r in rows:
    by[(r["group"], int(r["horizon"]))][r["method"]] = r

def num(x):
    return float(x) if x not in ("", None) else float("nan")

for group in ["world", "regions", "countries"]:
    hs = sorted(h for (g, h) in by if g == group)
    if not hs:
        continue
    print(f"\n**{group}** — WIS in millions of people (lower is better; best in bold), model coverage of its 80 % / 95 % intervals, MAPE %\n")
    print("| h | n | " + " | ".join(f"WIS {short[m]}" for m in methods) + " | cover 80 % | cover 95 % | MAPE model | MAPE RW |")
    print("|---|---|" + "---|" * len(methods) + "---|---|---|---|")
    for h in hs:
        cells = by[(group, h)]
        wis = {m: num(cells[m]["wis"]) / 1e6 for m in methods if m in cells}
        best = min(wis.values())
        out = []
        for m in methods:
            v = wis.get(m, float("nan"))
            s = f"{v:.2f}" if v < 1000 else f"{v:.3g}"
            out.append(f"**{s}**" if v == best else s)
        mo = cells["model"]
        print(f"| {h} | {mo['forecasts']} | " + " | ".join(out)
              + f" | {100 * num(mo['coverage_80']):.0f} % | {100 * num(mo['coverage_95']):.0f} % "
              + f"| {num(mo['mape_percent']):.1f} | {num(cells['random_walk']['mape_percent']):.1f} |")

pit = list(csv.DictReader(open(f"{run}/backtest_pit.csv", encoding="utf-8")))
print("\n**PIT histogram** (share of outcomes between the predictive quantiles, all horizons pooled; calibrated = expected)\n")
print("| group | method | <2.5 % | 2.5–10 % | 10–50 % | 50–90 % | 90–97.5 % | >97.5 % |")
print("|---|---|---|---|---|---|---|---|")
groups = defaultdict(list)
for r in pit:
    groups[(r["group"], r["method"])].append(r)
print("| expected | | 2.5 | 7.5 | 40 | 40 | 7.5 | 2.5 |")
for (g, m), rs in groups.items():
    print(f"| {g} | {short[m]} | " + " | ".join(f"{100 * float(r['observed_share']):.1f}" for r in rs) + " |")
