#!/usr/bin/env python3
"""Reference values for Tests/MigrationDataTests/UNHCRPopulationTests.swift.

Computed with Python's csv module (not with the code under test) from
../shared/data/unhcr/population.csv (UNHCR Refugee Population Statistics Database,
https://www.unhcr.org/refugee-statistics/, CC BY 4.0). Run from the repository root:

    python3 Tests/Fixtures/csv/unhcr_population_reference.py
"""
import csv
import pathlib

path = pathlib.Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "unhcr" / "population.csv"
with open(path, newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = list(reader)

col = {name: i for i, name in enumerate(header)}
print("header:", header)
print("rows:", len(rows))
print("first row:", rows[0])
print("last row:", rows[-1])
print("refugees 2024 sum:", sum(int(r[col["refugees"]]) for r in rows if r[col["year"]] == "2024" and r[col["refugees"]]))
print("asylum_seekers total:", sum(int(r[col["asylum_seekers"]]) for r in rows if r[col["asylum_seekers"]]))
print("oip missing:", sum(1 for r in rows if r[col["oip"]] == ""))
print("oip sum:", sum(int(r[col["oip"]]) for r in rows if r[col["oip"]]))
print("coa_name with a comma:", sum(1 for r in rows if "," in r[col["coa_name"]]))
print("distinct coo_iso:", len({r[col["coo_iso"]] for r in rows}))
print("years:", min(int(r[0]) for r in rows), max(int(r[0]) for r in rows))
