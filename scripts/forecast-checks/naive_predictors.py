#!/usr/bin/env python3
"""Out-of-sample check behind FORECASTS.md ("Why the random walk is so hard to beat per country").

For each origin year T = 2012…2019 and horizon h = 1…5, fits pooled least-absolute-deviation
regressions of the h-year log change of the displaced stock, log D(t+h)/D(t), on features known at
t (last year's growth g1, the year before's g2, new displacement N(t)/D(t), exits X(t)/D(t)) over
origins t ≤ T−h with D(t) ≥ 10⁴, and scores the median forecasts of the 20 largest origins at T
against the random walk (MAPE, share within 10 %). Reads data/ only; numpy. Run from the
repository root:  python3 scripts/forecast-checks/naive_predictors.py
"""
from panel import *
import numpy as np
def feats(c,t):
    d=D[c]
    if not all(y in d and d[y]>=1 for y in (t,t-1,t-2)): return None
    g1=math.log(d[t]/d[t-1]); g2=math.log(d[t-1]/d[t-2])
    n=NN[c].get(t,0)/d[t]; x=X[c].get(t,0)/d[t]
    return [g1,g2,min(n,3),min(x,1)]
def target(c,t,h):
    d=D[c]
    if t+h in d and d[t+h]>=1 and t in d: return math.log(d[t+h]/d[t])
top=lambda T:[c for c in sorted(D,key=lambda c:-D[c].get(T,0)) if c not in('UNK','XXA','VAR') and T in D[c]][:20]
res=collections.defaultdict(lambda: collections.defaultdict(list))
for T in range(2012,2020):
    for h in range(1,6):
        if T+h>2024: continue
        Xs=[];ys=[];ws=[]
        for c in D:
            for t in range(2003,T-h+1):
                f=feats(c,t); y=target(c,t,h)
                if f is None or y is None: continue
                if D[c][t]<1e4: continue
                Xs.append(f);ys.append(y);ws.append(math.log(D[c][t]))
        Xs=np.array(Xs);ys=np.array(ys);ws=np.array(ws)
        # robust: clip target
        ys=np.clip(ys,-2,2)
        for name,cols in [('g1',[0]),('g1g2',[0,1]),('all',[0,1,2,3]),('nx',[2,3])]:
            A=np.column_stack([np.ones(len(ys))]+[Xs[:,k] for k in cols])
            sw=np.sqrt(ws)
            # median (LAD) regression via IRLS
            b=np.linalg.lstsq(A*sw[:,None],ys*sw,rcond=None)[0]
            for it in range(50):
                r=np.abs(ys-A@b); w2=ws/np.maximum(r,1e-3)
                s=np.sqrt(w2); b=np.linalg.lstsq(A*s[:,None],ys*s,rcond=None)[0]
            for c in top(T):
                f=feats(c,T); o=D[c].get(T+h)
                if f is None or o is None: continue
                pred=D[c][T]*math.exp(b[0]+sum(b[1+i]*f[k] for i,k in enumerate(cols)))
                res[(name,h)]['ape'].append(abs(pred-o)/o)
            if name=='all' and h==1 and T in(2012,2019): print(T,h,np.round(b,3))
        for c in top(T):
            o=D[c].get(T+h)
            if o is None or T not in D[c]: continue
            res[('rw',h)]['ape'].append(abs(D[c][T]-o)/o)
for h in range(1,6):
    print(h,' '.join('%s %.1f%%/%d%%'%(n,100*np.mean(res[(n,h)]['ape']),100*np.mean(np.array(res[(n,h)]['ape'])<=0.1)) for n in ['rw','g1','g1g2','all','nx']))
