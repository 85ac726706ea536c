"""Reads data/displacement_panel.csv and data/new_displacements_idmc.csv into dicts, with the same
definitions as ProjectionDataLoader: D = forcibly_displaced (end-year rows), N = UNHCR inflows +
IDMC new conflict displacements (IDMC years only), X = returns + resettlement + naturalisation.
Shared by the other scripts here; run them from the repository root."""
import csv, math, collections
D=collections.defaultdict(dict); N=collections.defaultdict(dict); X=collections.defaultdict(dict)
for r in csv.DictReader(open('data/displacement_panel.csv')):
    if r['is_midyear']!='0': continue
    c=r['iso3']; y=int(r['year'])
    f=lambda k: float(r[k]) if r[k] not in ('',None) else None
    if f('forcibly_displaced') is not None: D[c][y]=f('forcibly_displaced')
    ins=[f(k) for k in ['arrivals_refugees','new_asylum_applications','refugee_like_flow','oip_flow'] if f(k) is not None]
    if ins: N[c][y]=sum(ins)
    outs=[f(k) for k in ['returned_refugees','resettlement','naturalisation','returned_idps'] if f(k) is not None]
    if outs: X[c][y]=sum(outs)
idmc=collections.defaultdict(dict)
for r in csv.DictReader(open('data/new_displacements_idmc.csv')):
    if r['cause']=='conflict':
        idmc[r['iso3']][int(r['year'])]=idmc[r['iso3']].get(int(r['year']),0)+float(r['new_displacements'] or 0)
NN=collections.defaultdict(dict)
for c in set(N)|set(idmc):
    for y in set(N[c])|set(idmc[c]):
        if y in idmc[c]: NN[c][y]=N[c].get(y,0)+idmc[c][y]
