#!/usr/bin/env python3
"""Rejected variant of the growth model (FORECASTS.md, "Tried and rejected"): each origin's
increments scaled by its own mean absolute deviation relative to its size class's, shrunk
towards 1 with weight N0 (argument, default 5). A Python replica of the growth model's backtest
(T = 2012…2019, 400 draws): MAPE and interval coverage for the world and the 20 largest origins,
pooled vs scaled. Run from the repository root: python3 scripts/forecast-checks/volatility_scaling.py
"""
from panel import *
import numpy as np, sys
rng=np.random.default_rng(1)
B=[1,1e3,1e4,1e5,1e6]
def cls(d):
    k=0
    while k+1<len(B) and d>=B[k+1]: k+=1
    return k
R=collections.defaultdict(list); W=collections.defaultdict(list)
N0=float(sys.argv[1]) if len(sys.argv)>1 else 5
for T in range(2012,2020):
    pools=collections.defaultdict(list); obs=collections.defaultdict(list)
    for c in D:
        if c in ('UNK','VAR'): continue
        for t in range(2001,T+1):
            if t in D[c] and t-1 in D[c] and D[c][t-1]>=1 and D[c][t]>=1:
                k=cls(D[c][t-1]); g=math.log(D[c][t]/D[c][t-1]); pools[k].append(g); obs[c].append((k,g))
    pools={k:np.array(v) for k,v in pools.items()}
    med={k:np.median(v) for k,v in pools.items()}; mad={k:np.mean(np.abs(v-med[k])) for k,v in pools.items()}
    for variant in ['pooled','scaled']:
        cs=[c for c in D if T in D[c] and D[c][T]>=1 and c not in ('UNK','VAR')]
        S=400;H=5;paths={}
        for c in cs:
            if variant=='scaled':
                z=[abs(g-med[k])/mad[k] for k,g in obs[c]]
                lam=(sum(z)+N0)/(len(z)+N0)
            else: lam=1
            d=np.full(S,D[c][T]); out=[]
            for h in range(H):
                ks=[cls(x) for x in d]
                e=np.array([rng.choice(pools[k]) for k in ks]); m=np.array([med[k] for k in ks])
                d=d*np.exp(m+lam*(e-m)); out.append(d.copy())
            paths[c]=out
        score(R, W, variant, paths, T, H, cs)
report(R, W, ['pooled','scaled'])
