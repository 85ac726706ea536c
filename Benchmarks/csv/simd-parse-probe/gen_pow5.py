#!/usr/bin/env python3
"""Writes pow5.h (the Eisel-Lemire table of Sources/MigrationData/PowersOfFive.swift as a C array)
for probe.c. Run from the repository root: python3 Benchmarks/csv/simd-parse-probe/gen_pow5.py"""
import os, re
here = os.path.dirname(os.path.abspath(__file__))
s = open(os.path.join(here, "..", "..", "..", "Sources", "MigrationData", "PowersOfFive.swift")).read()
vals = re.findall(r"0x[0-9a-f]+", s[s.index("powersOfFive: [UInt64] = ["):])
with open(os.path.join(here, "pow5.h"), "w") as f:
    f.write("static const uint64_t POW5[%d] = {%s};\n" % (len(vals), ",".join(v + "ULL" for v in vals)))
