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


def top_origins(T, n=20):
    """The n largest origins at T (Unknown, stateless and Various left out)."""
    return [c for c in sorted(D, key=lambda c: -D[c].get(T, 0)) if c not in ('UNK', 'XXA', 'VAR') and T in D[c]][:n]


def score(R, W, variant, paths, T, H, world_countries):
    """Adds one origin year's scores: absolute percentage errors of the median (R) and whether the
    80 % and 95 % intervals cover the outcome (W), for the world (the sum over world_countries)
    and the 20 largest origins, at horizons 1…H up to 2024."""
    import numpy as np
    for h in range(1, H + 1):
        if T + h > 2024:
            continue
        world = sum(paths[c][h - 1] for c in paths)
        obsw = sum(D[c].get(T + h, 0) for c in world_countries)
        R[(variant, 'w', h)].append(abs(np.median(world) - obsw) / obsw)
        W[(variant, 'w', h)].append((np.percentile(world, 10) <= obsw <= np.percentile(world, 90),
                                     np.percentile(world, 2.5) <= obsw <= np.percentile(world, 97.5)))
        for c in top_origins(T):
            o = D[c].get(T + h)
            if o is None:
                continue
            p = paths[c][h - 1]
            R[(variant, 'c', h)].append(abs(np.median(p) - o) / o)
            W[(variant, 'c', h)].append((np.percentile(p, 10) <= o <= np.percentile(p, 90),
                                         np.percentile(p, 2.5) <= o <= np.percentile(p, 97.5)))


def report(R, W, variants):
    """Prints MAPE, share within 10 %, and 80 %/95 % coverage per group × horizon × variant."""
    import numpy as np
    for grp in ['w', 'c']:
        for h in range(1, 6):
            print(grp, h, ' | '.join('%s %.1f%% w10 %d%% c80 %d%% c95 %d%%' % (
                v, 100 * np.mean(R[(v, grp, h)]), 100 * np.mean(np.array(R[(v, grp, h)]) <= 0.1),
                100 * np.mean([a for a, b in W[(v, grp, h)]]), 100 * np.mean([b for a, b in W[(v, grp, h)]])) for v in variants))
