#!/usr/bin/env python3
"""Reference values for Tests/MigrationDataTests/Importer*Tests.swift.

Computed with Python's csv module only (not with the code under test) from the shared source
files in ../shared/data beside the repository (see each folder's SOURCE.md for origin and
licence). Run from the repository root:

    python3 Tests/Fixtures/importers/importer_reference.py

Every printed number is copied into the Swift tests, which cite this script.
"""
import csv
import pathlib
from collections import defaultdict

SHARED = pathlib.Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


def rows(folder, name):
    with open(SHARED / folder / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def num(text):
    return int(text) if text != "" else None


# --- UNHCR -------------------------------------------------------------------------------------
countries = rows("unhcr", "countries.csv")
# UNHCR code -> canonical key: ISO code, with XXX (Unknown) -> UNK, and the code itself when the
# row has no ISO code; AB9 (Abyei, IDMC) and VAR (Various) are not in countries.csv.
key_of = {}
for c in countries:
    iso = c["iso_code"]
    key_of[c["unhcr_code"]] = {"XXX": "UNK"}.get(iso, iso) if iso else c["unhcr_code"]
key_of.setdefault("AB9", "AB9")
key_of.setdefault("VAR", "VAR")
non_country = {"UNK", "XXA", "TIB", "AB9", "VAR", "CRB", "CUR"}

files = {
    "population.csv": ["refugees", "asylum_seekers", "oip"],
    "idmc.csv": ["total"],
    "unrwa.csv": ["total"],
    "flows.csv": ["refugees", "asylum_seekers", "refugee_like", "oip"],
    "solutions.csv": ["returned_refugees", "resettlement", "naturalisation", "returned_idps"],
}
data = {name: rows("unhcr", name) for name in files}
print("UNHCR rows per file:", {name: len(r) for name, r in data.items()})

fd = defaultdict(int)
for name, cols in [("population.csv", ["refugees", "asylum_seekers", "oip"]), ("idmc.csv", ["total"]), ("unrwa.csv", ["total"])]:
    for r in data[name]:
        for col in cols:
            if r[col] != "":
                fd[int(r["year"])] += int(r[col])
for year in (2022, 2023, 2024, 2025):
    print(f"forcibly displaced {year}: {fd[year]} ({fd[year] / 1e6:.1f} M)")

for name in files:
    counts = defaultdict(int)
    counts_1990 = defaultdict(int)
    for r in data[name]:
        key = key_of[r["coo"]]
        if key in non_country:
            counts[key] += 1
            if 1990 <= int(r["year"]) <= 2025:
                counts_1990[key] += 1
    print(f"{name} non-country origin rows, all years: {dict(sorted(counts.items()))}; 1990-2025: {dict(sorted(counts_1990.items()))}")

print("rows outside 1990-2025 per file:", {name: sum(1 for r in data[name] if not 1990 <= int(r["year"]) <= 2025) for name in files})
print("countries.csv rows:", len(countries), "with an ISO code other than XXX/XXA:",
      sum(1 for c in countries if c["iso_code"] not in ("", "XXX", "XXA")))

panel_keys = set()
for name in files:
    for r in data[name]:
        panel_keys.add((key_of[r["coo"]], int(r["year"])))
print("panel rows, all years:", len(panel_keys), "; 1990-2025:", sum(1 for _, y in panel_keys if 1990 <= y <= 2025))

unk_2024 = 0
for name, cols in [("population.csv", ["refugees", "asylum_seekers", "oip"]), ("idmc.csv", ["total"]), ("unrwa.csv", ["total"])]:
    for r in data[name]:
        if key_of[r["coo"]] == "UNK" and r["year"] == "2024":
            unk_2024 += sum(int(r[c]) for c in cols if r[c] != "")
print("UNK forcibly displaced 2024:", unk_2024)
unk_idp_1990 = sum(int(r["total"]) for r in data["idmc.csv"] if r["coo"] == "UKN" and r["year"] == "1990")
print("UNK idps_conflict 1990:", unk_idp_1990)
syr = defaultdict(int)
for name, cols in files.items():
    for r in data[name]:
        if key_of[r["coo"]] == "SYR" and r["year"] == "2024":
            for c in cols:
                if r[c] != "":
                    syr[(name, c)] += int(r[c])
print("SYR 2024:", dict(syr))
pse = sum(int(r["total"]) for r in data["unrwa.csv"] if r["year"] == "2024")
print("PSE unrwa_refugees 2024:", pse)

# --- IDMC --------------------------------------------------------------------------------------
idmc = rows("idmc-displacement", "idmc_gidd_new_displacements_by_cause.csv")
groups = {"conflict": "conflict", "earthquake": "geophysical", "volcanic activity": "geophysical"}
totals = defaultdict(int)
for r in idmc:
    if r["year"] == "2023":
        totals[groups.get(r["cause"], "weather")] += int(r["new_displacements"])
print("IDMC rows:", len(idmc), "AB9 rows:", sum(1 for r in idmc if r["iso3"] == "AB9"), "2023 by group:", dict(totals))

# --- WPP ---------------------------------------------------------------------------------------
wpp = rows("population-wpp2024", "wpp2024_population_and_net_migration_1950_2100.csv")
est = sum(1 for r in wpp if r["period"] == "estimate" and 1990 <= int(r["year"]) <= 2100)
proj = [r for r in wpp if r["period"] == "projection_medium"]
print("WPP rows:", len(wpp), "estimate rows 1990+:", est, "projection rows:", len(proj),
      "-> catalog rows:", est + 3 * len(proj))
all_rows = sum(1 for r in wpp if r["period"] == "estimate") + 7 * len(proj)
print("WPP all variants, all years:", all_rows)
for iso, year in (("AFG", "2023"), ("AFG", "2024"), ("DEU", "2023"), ("AFG", "2100")):
    r = next(r for r in wpp if r["iso3"] == iso and r["year"] == year)
    print(f"WPP {iso} {year}: medium {r['pop_medium_thousands']} low {r['pop_low_thousands']} high {r['pop_high_thousands']} "
          f"net migration {r['net_migration_thousands']} pi95 {r['pop_pi95_lower_thousands']}..{r['pop_pi95_upper_thousands']}")

# --- ERA5 --------------------------------------------------------------------------------------
era5 = rows("climate-country-temperature", "owid_era5_annual_temperature_anomalies.csv")
no_code = sum(1 for r in era5 if r["Code"] == "")
print("ERA5 rows:", len(era5), "without code:", no_code, "kept:", len(era5) - no_code)
print("ERA5 World 2024:", next(r["Temperature anomaly"] for r in era5 if r["Code"] == "OWID_WRL" and r["Year"] == "2024"),
      "Kosovo 2024:", next(r["Temperature anomaly"] for r in era5 if r["Code"] == "OWID_KOS" and r["Year"] == "2024"))

# --- SSP ---------------------------------------------------------------------------------------
ssp = rows("ssp-temperature-pathways", "ar6_wg1_spm8a_gsat_anomaly_by_ssp.csv")
print("SSP rows:", len(ssp), "scenarios:", sorted({r["scenario"] for r in ssp}))
r = next(r for r in ssp if r["scenario"] == "SSP5-8.5" and r["year"] == "2099")
print("SSP5-8.5 2099:", r["gsat_mean_c"], r["gsat_p05_c"], r["gsat_p95_c"])

# --- CEPII -------------------------------------------------------------------------------------
dist = rows("gravity-geodist", "cepii_geodist_dist.csv")
r = next(r for r in dist if r["iso_o"] == "ROM" and r["iso_d"] == "FRA")
print("CEPII rows:", len(dist), "ROM->FRA dist:", r["dist"], "missing distw:", sum(1 for r in dist if r["distw"] == ""))

# --- UN DESA -----------------------------------------------------------------------------------
undesa = rows("migrant-stock-undesa", "undesa_ims2024_bilateral_migrant_stock.csv")
by_year = defaultdict(int)
pairs = set()
for r in undesa:
    by_year[r["year"]] += int(r["migrant_stock"])
    pairs.add((r["origin_iso3"], r["dest_iso3"], r["year"]))
print("UN DESA rows:", len(undesa), "origin-dest-year:", len(pairs), "total 2024:", by_year["2024"], "2020:", by_year["2020"],
      "OOO origin rows:", sum(1 for r in undesa if r["origin_iso3"] == "OOO"))
