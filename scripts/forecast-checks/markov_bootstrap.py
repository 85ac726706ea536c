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
top=lambda T:[c for c in sorted(D,key=lambda c:-D[c].get(T,0)) if c not in('UNK','XXA','VAR') and T in D[c]][:20]
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
        for h in range(1,H+1):
            if T+h>2024: continue
            world=sum(paths[c][h-1] for c in cs); obsw=sum(D[c].get(T+h,0) for c in D)
            R[(variant,'w',h)].append(abs(np.median(world)-obsw)/obsw)
            W[(variant,'w',h)].append((np.percentile(world,10)<=obsw<=np.percentile(world,90), np.percentile(world,2.5)<=obsw<=np.percentile(world,97.5)))
            for c in top(T):
                o=D[c].get(T+h)
                if o is None: continue
                p=paths[c][h-1]
                R[(variant,'c',h)].append(abs(np.median(p)-o)/o)
                W[(variant,'c',h)].append((np.percentile(p,10)<=o<=np.percentile(p,90), np.percentile(p,2.5)<=o<=np.percentile(p,97.5)))
for grp in ['w','c']:
  for h in range(1,6):
    print(grp,h,' | '.join('%s %.1f%% w10 %d%% c80 %d%% c95 %d%%'%(v,100*np.mean(R[(v,grp,h)]),100*np.mean(np.array(R[(v,grp,h)])<=0.1),100*np.mean([a for a,b in W[(v,grp,h)]]),100*np.mean([b for a,b in W[(v,grp,h)]])) for v in ['pooled','markov']))
