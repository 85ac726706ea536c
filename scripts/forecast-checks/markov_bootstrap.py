#!/usr/bin/env python3
"""Rejected variant of the growth model (FORECASTS.md, "Tried and rejected"): increments drawn
from the size class AND the previous year's growth (below −TH, within ±TH, above TH; TH argument,
default 0.1), a Markov bootstrap, against the pooled size-class bootstrap. Same replica backtest
as volatility_scaling.py. Run from the repository root: python3 scripts/forecast-checks/markov_bootstrap.py
"""
from panel import *
import numpy as np, sys
rng=np.random.default_rng(1)
B=[1,1e3,1e4,1e5,1e6]
TH=float(sys.argv[1]) if len(sys.argv)>1 else 0.1
def cls(d):
    k=0
    while k+1<len(B) and d>=B[k+1]: k+=1
    return k
def st(g):
    if g is None: return 1
    return 0 if g<-TH else (2 if g>TH else 1)
R=collections.defaultdict(list); W=collections.defaultdict(list)
for T in range(2012,2020):
    pools=collections.defaultdict(list); pools2=collections.defaultdict(list)
    for c in D:
        if c in ('UNK','VAR'): continue
        for t in range(2001,T+1):
            if t in D[c] and t-1 in D[c] and D[c][t-1]>=1 and D[c][t]>=1:
                k=cls(D[c][t-1]); g=math.log(D[c][t]/D[c][t-1])
                gp=math.log(D[c][t-1]/D[c][t-2]) if (t-2 in D[c] and D[c][t-2]>=1) else None
                pools[k].append(g); pools2[(k,st(gp))].append(g)
    pools={k:np.array(v) for k,v in pools.items()}
    pools2={k:np.array(v) for k,v in pools2.items()}
    def pool2(k,s):
        p=pools2.get((k,s))
        return p if p is not None and len(p)>=30 else pools[k]
    cs=[c for c in D if T in D[c] and D[c][T]>=1 and c not in ('UNK','VAR')]
    for variant in ['pooled','markov']:
        S=400;H=5;paths={}
        for c in cs:
            d=np.full(S,D[c][T]); out=[]
            gprev=np.full(S, math.log(D[c][T]/D[c][T-1]) if (T-1 in D[c] and D[c][T-1]>=1) else 0.0)
            for h in range(H):
                e=np.empty(S)
                for i in range(S):
                    k=cls(d[i])
                    p=pools[k] if variant=='pooled' else pool2(k,st(gprev[i]))
                    e[i]=p[rng.integers(len(p))]
                d=d*np.exp(e); gprev=e; out.append(d.copy())
            paths[c]=out
        score(R, W, variant, paths, T, H, D)
report(R, W, ['pooled','markov'])
