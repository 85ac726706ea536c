#!/usr/bin/env python3
"""Generate numpy/scipy reference values for the Swift `Linalg` tests.

Run from the repository root:

    python3 Tests/Fixtures/linalg/make_reference.py

Writes `reference.json` next to this script.  Deterministic: every random input
comes from one `np.random.default_rng(20261129)` stream, drawn in a fixed order.
See README.md in this directory for the case keys and the JSON conventions.

Conventions (the Swift side depends on them):
  * matrix          -> {"rows": m, "cols": n, "data": [...]}, data COLUMN-MAJOR
  * vector          -> JSON list of numbers
  * int / rank / pivot -> JSON int (pivots 1-based unless the key says 0-based)
  * complex scalar  -> [re, im]; complex vector -> list of [re, im]
  * complex matrix  -> {"real": <matrix>, "imag": <matrix>}
  * no NaN / Inf anywhere (asserted before writing)
"""

import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.linalg as sla
from scipy.linalg import lapack

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "reference.json")
SEED = 20261129
EPS = float(np.finfo(np.float64).eps)
ALPHA = 1.5
BETA = -0.5


# --------------------------------------------------------------------------
# encoding helpers
# --------------------------------------------------------------------------

def mat(a):
    a = np.asarray(a)
    assert a.ndim == 2, a.shape
    assert not np.iscomplexobj(a), "use cmat for complex matrices"
    a = a.astype(np.float64)
    return {"rows": int(a.shape[0]), "cols": int(a.shape[1]),
            "data": [float(v) for v in a.flatten(order="F")]}


def vec(v):
    v = np.asarray(v)
    assert v.ndim == 1, v.shape
    assert not np.iscomplexobj(v)
    return [float(t) for t in v.astype(np.float64)]


def ivec(v):
    v = np.asarray(v)
    assert v.ndim == 1
    assert np.issubdtype(v.dtype, np.integer), v.dtype
    return [int(t) for t in v]


def cplx(z):
    z = complex(z)
    return [float(z.real), float(z.imag)]


def cvec(v):
    return [cplx(z) for z in np.asarray(v).ravel()]


def cmat(a):
    a = np.asarray(a, dtype=np.complex128)
    return {"real": mat(a.real), "imag": mat(a.imag)}


def num(x):
    x = float(x)
    assert math.isfinite(x), x
    return x


def close(a, b, rtol=1e-10, atol=1e-12, what=""):
    a = np.asarray(a)
    b = np.asarray(b)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    err = float(np.max(np.abs(a - b))) if a.size else 0.0
    assert err <= atol * scale + rtol * scale, f"{what}: max err {err:g}"


def check_finite_tree(obj, path="$"):
    if isinstance(obj, bool):
        raise TypeError(f"bool at {path}")
    if isinstance(obj, float):
        assert math.isfinite(obj), f"non-finite at {path}"
    elif isinstance(obj, int):
        pass
    elif isinstance(obj, str):
        pass
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            check_finite_tree(v, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            assert isinstance(k, str)
            check_finite_tree(v, f"{path}.{k}")
    else:
        raise TypeError(f"unexpected {type(obj)} at {path}")


def dumps(obj, indent=0):
    """JSON with dicts indented and scalar lists on one line (diff friendly)."""
    pad = "  " * indent
    pad1 = "  " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad1}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(not isinstance(v, (dict, list)) for v in obj) or \
           all(isinstance(v, list) and all(not isinstance(t, (dict, list)) for t in v) for v in obj):
            return json.dumps(obj, allow_nan=False, separators=(", ", ": "))
        items = [f"{pad1}{dumps(v, indent + 1)}" for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False)


# --------------------------------------------------------------------------
# inputs (drawn once, fixed order -- do not reorder or the values change)
# --------------------------------------------------------------------------

rng = np.random.default_rng(SEED)

A = rng.standard_normal((7, 4))
B = rng.standard_normal((4, 5))
C = rng.standard_normal((7, 5))
x4 = rng.standard_normal(4)
y4 = rng.standard_normal(4)
x7 = rng.standard_normal(7)
y7 = rng.standard_normal(7)

# S: nonsymmetric 5x5 with >= 1 complex-conjugate pair, cond < 1e3, and
# well separated eigenvalues (so eigenvectors are well determined).
S_draws = 0
while True:
    S_draws += 1
    S = rng.standard_normal((5, 5))
    w = np.linalg.eigvals(S)
    sep = min(abs(w[i] - w[j]) for i in range(5) for j in range(i + 1, 5))
    if np.any(np.abs(w.imag) > 0.1) and np.linalg.cond(S) < 1e3 and sep > 0.1:
        break

M5 = rng.standard_normal((5, 5))
SPD = M5 @ M5.T + 5.0 * np.eye(5)
SPD = 0.5 * (SPD + SPD.T)                       # exactly symmetric

G53 = rng.standard_normal((5, 3))
PSD3 = G53 @ G53.T
PSD3 = 0.5 * (PSD3 + PSD3.T)                    # exactly symmetric, rank 3

H6 = sla.hilbert(6)

# RD: 6x3 random rounded to multiples of 2^-20 so that col0 + 2*col1 is exact.
RD3 = np.round(rng.standard_normal((6, 3)) * 2.0**20) / 2.0**20
RD = np.column_stack([RD3, RD3[:, 0] + 2.0 * RD3[:, 1]])
assert np.array_equal(RD[:, 3] - RD[:, 0], 2.0 * RD[:, 1])

W = rng.standard_normal((4, 7))

# M4: row-stochastic, strictly positive (=> ergodic), entries k/16 so that the
# rows sum to exactly 1 in floating point.
M4 = (rng.multinomial(12, [0.25] * 4, size=4) + 1) / 16.0
assert np.all(M4 > 0) and np.all(M4.sum(axis=1) == 1.0)

ONE = np.array([[3.5]])
SING = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])

# extra BLAS operands
D = rng.standard_normal((4, 5))     # gemm_tn accumulator
E = rng.standard_normal((5, 4))     # gemm_nt B operand
F = rng.standard_normal((7, 5))     # gemm_nt accumulator
Gtt = rng.standard_normal((5, 7))   # gemm_tt B operand (op = transpose)
K = rng.standard_normal((4, 5))     # gemm_tt accumulator
P4 = rng.standard_normal((4, 4)); P4 = 0.5 * (P4 + P4.T)   # syrk_t accumulator
Q7 = rng.standard_normal((7, 7)); Q7 = 0.5 * (Q7 + Q7.T)   # syrk_n accumulator
b5 = rng.standard_normal(5)
R53 = rng.standard_normal((5, 3))
R35 = rng.standard_normal((3, 5))
# LAPACK right-hand sides
Bs = rng.standard_normal((5, 2))
b6 = rng.standard_normal((6, 2))
bW = rng.standard_normal((4, 2))

cases = {}


# --------------------------------------------------------------------------
# BLAS level 1
# --------------------------------------------------------------------------

cases["dot"] = {"x": vec(x7), "y": vec(y7), "result": num(np.dot(x7, y7))}
cases["axpy"] = {"alpha": 2.5, "x": vec(x7), "y": vec(y7), "result": vec(y7 + 2.5 * x7)}
cases["scal"] = {"alpha": -0.75, "x": vec(x7), "result": vec(-0.75 * x7)}
cases["nrm2"] = {"x": vec(x7), "result": num(np.linalg.norm(x7))}

# --------------------------------------------------------------------------
# BLAS level 2
# --------------------------------------------------------------------------

cases["gemv_n"] = {"trans": "N", "alpha": ALPHA, "beta": BETA, "A": mat(A), "x": vec(x4),
                   "y": vec(y7), "result": vec(ALPHA * (A @ x4) + BETA * y7)}
cases["gemv_t"] = {"trans": "T", "alpha": ALPHA, "beta": BETA, "A": mat(A), "x": vec(y7),
                   "y": vec(x4), "result": vec(ALPHA * (A.T @ y7) + BETA * x4)}
cases["ger"] = {"alpha": ALPHA, "A": mat(A), "x": vec(x7), "y": vec(y4),
                "result": mat(A + ALPHA * np.outer(x7, y4))}

T_up = np.triu(SPD)
T_lo = np.tril(SPD)
x_un = sla.solve_triangular(T_up, b5, lower=False)
x_ut = sla.solve_triangular(T_up, b5, lower=False, trans="T")
x_ln = sla.solve_triangular(T_lo, b5, lower=True)
x_lu = sla.solve_triangular(T_lo, b5, lower=True, unit_diagonal=True)
T_lo_unit = np.tril(T_lo, -1) + np.eye(5)
close(T_up @ x_un, b5, what="trsv upper N")
close(T_up.T @ x_ut, b5, what="trsv upper T")
close(T_lo @ x_ln, b5, what="trsv lower N")
close(T_lo_unit @ x_lu, b5, what="trsv lower unit")
cases["trsv"] = {"U": mat(T_up), "L": mat(T_lo), "b": vec(b5),
                 "x_upper_n": vec(x_un), "x_upper_t": vec(x_ut),
                 "x_lower_n": vec(x_ln), "x_lower_n_unit": vec(x_lu)}

# --------------------------------------------------------------------------
# BLAS level 3
# --------------------------------------------------------------------------

def gemm_case(ta, tb, a, b, c):
    opa = a.T if ta == "T" else a
    opb = b.T if tb == "T" else b
    return {"transA": ta, "transB": tb, "alpha": ALPHA, "beta": BETA,
            "A": mat(a), "B": mat(b), "C": mat(c),
            "result": mat(ALPHA * (opa @ opb) + BETA * c)}


cases["gemm_nn"] = gemm_case("N", "N", A, B, C)      # 1.5*A*B - 0.5*C        (7x5)
cases["gemm_tn"] = gemm_case("T", "N", A, C, D)      # 1.5*A^T*C - 0.5*D      (4x5)
cases["gemm_nt"] = gemm_case("N", "T", A, E, F)      # 1.5*A*E^T - 0.5*F      (7x5)
cases["gemm_tt"] = gemm_case("T", "T", A, Gtt, K)    # 1.5*A^T*G^T - 0.5*K    (4x5)

syrk_t = ALPHA * (A.T @ A) + BETA * P4
syrk_n = ALPHA * (A @ A.T) + BETA * Q7
syrk_t = 0.5 * (syrk_t + syrk_t.T)
syrk_n = 0.5 * (syrk_n + syrk_n.T)
cases["syrk_t"] = {"trans": "T", "alpha": ALPHA, "beta": BETA, "A": mat(A), "C": mat(P4),
                   "result": mat(syrk_t)}
cases["syrk_n"] = {"trans": "N", "alpha": ALPHA, "beta": BETA, "A": mat(A), "C": mat(Q7),
                   "result": mat(syrk_n)}

X_ll = sla.solve_triangular(T_lo, ALPHA * R53, lower=True)                 # L X = a R
X_ru = sla.solve_triangular(T_up, (ALPHA * R35).T, lower=False, trans="T").T  # X U = a R2
X_lut = sla.solve_triangular(T_up, R53, lower=False, trans="T")           # U^T X = R
close(T_lo @ X_ll, ALPHA * R53, what="trsm left lower")
close(X_ru @ T_up, ALPHA * R35, what="trsm right upper")
close(T_up.T @ X_lut, R53, what="trsm left upper T")
cases["trsm"] = {"alpha": ALPHA, "L": mat(T_lo), "U": mat(T_up), "R": mat(R53), "R2": mat(R35),
                 "X_left_lower": mat(X_ll), "X_right_upper": mat(X_ru),
                 "X_left_upper_t": mat(X_lut)}


# --------------------------------------------------------------------------
# LAPACK: LU
# --------------------------------------------------------------------------

def ipiv_to_perm(ipiv1, m):
    """Row order p such that a[p] = L @ U, from 1-based LAPACK ipiv."""
    p = np.arange(m)
    for i, t in enumerate(ipiv1):
        t -= 1
        p[i], p[t] = p[t], p[i]
    return p


lu_s, piv_s = sla.lu_factor(S)
ipiv_s = np.asarray(piv_s, dtype=np.int64) + 1
Pm, Lm, Um = sla.lu(S)
close(Pm @ Lm @ Um, S, what="lu_S P L U")
close(np.tril(lu_s, -1) + np.eye(5), Lm, what="lu_S L vs lu_factor")
close(np.triu(lu_s), Um, what="lu_S U vs lu_factor")
p = ipiv_to_perm(ipiv_s, 5)
close(S[p], Lm @ Um, what="lu_S ipiv")
X_s = sla.lu_solve((lu_s, piv_s), Bs)
close(S @ X_s, Bs, what="lu_S solve")
sgn_s, lad_s = np.linalg.slogdet(S)
inv_s = np.linalg.inv(S)
close(S @ inv_s, np.eye(5), what="lu_S inv")
cases["lu_S"] = {"A": mat(S), "lu": mat(lu_s), "ipiv": ivec(ipiv_s),
                 "P": mat(Pm), "L": mat(Lm), "U": mat(Um),
                 "B": mat(Bs), "X": mat(X_s),
                 "det": num(np.linalg.det(S)), "slogdet_sign": num(sgn_s),
                 "slogdet_logabs": num(lad_s), "inv": mat(inv_s)}

lu_a, piv_a, info = lapack.dgetrf(A)
assert info == 0
ipiv_a = np.asarray(piv_a, dtype=np.int64) + 1    # scipy's dgetrf wrapper is 0-based
Pa, La, Ua = sla.lu(A)
close(Pa @ La @ Ua, A, what="lu_rect P L U")
close(np.tril(lu_a, -1)[:, :4] + np.eye(7, 4), La, what="lu_rect L")
close(np.triu(lu_a)[:4, :], Ua, what="lu_rect U")
close(A[ipiv_to_perm(ipiv_a, 7)], La @ Ua, what="lu_rect ipiv")
cases["lu_rect"] = {"A": mat(A), "lu": mat(lu_a), "ipiv": ivec(ipiv_a),
                    "P": mat(Pa), "L": mat(La), "U": mat(Ua)}

# --------------------------------------------------------------------------
# LAPACK: Cholesky
# --------------------------------------------------------------------------

L_spd = sla.cholesky(SPD, lower=True)
assert np.all(np.triu(L_spd, 1) == 0)
close(L_spd @ L_spd.T, SPD, what="chol")
X_spd = sla.cho_solve((L_spd, True), Bs)
close(SPD @ X_spd, Bs, what="chol solve")
inv_spd = sla.cho_solve((L_spd, True), np.eye(5))
inv_spd = 0.5 * (inv_spd + inv_spd.T)
close(SPD @ inv_spd, np.eye(5), what="chol inv")
cases["chol_SPD"] = {"A": mat(SPD), "L": mat(L_spd), "B": mat(Bs), "X": mat(X_spd),
                     "inv": mat(inv_spd), "logdet": num(2.0 * np.sum(np.log(np.diag(L_spd))))}


def pstrf_case(a, expect_rank):
    n = a.shape[0]
    c, piv, rank, info = lapack.dpstrf(a, tol=-1, lower=1)
    piv = np.asarray(piv, dtype=np.int64)          # scipy returns LAPACK's 1-based piv
    assert sorted(piv.tolist()) == list(range(1, n + 1)), piv
    assert rank == expect_rank, (rank, expect_rank)
    assert info == (0 if rank == n else 1), info
    Lf = np.tril(c)          # zero strictly-upper (LAPACK leaves the input there)
    Lf[:, rank:] = 0.0       # zero trailing (n-rank)x(n-rank) block (LAPACK leaves junk)
    Pm = np.eye(n)[:, piv - 1]                     # P[piv[k]-1, k] = 1
    close(Pm @ Lf @ Lf.T @ Pm.T, a, rtol=1e-12, atol=1e-12, what="pstrf reconstruct")
    close(a[np.ix_(piv - 1, piv - 1)], Lf @ Lf.T, rtol=1e-12, atol=1e-12, what="pstrf perm")
    return {"A": mat(a), "tol": -1.0, "L": mat(Lf), "piv": ivec(piv), "rank": int(rank),
            "info": int(info), "P": mat(Pm)}


cases["pstrf_PSD3"] = pstrf_case(PSD3, 3)
cases["pstrf_SPD"] = pstrf_case(SPD, 5)

# --------------------------------------------------------------------------
# LAPACK: pivoted QR
# --------------------------------------------------------------------------

def qrp_case(a):
    m, n = a.shape
    Q, R, perm = sla.qr(a, pivoting=True, mode="economic")
    Qf, Rf, permf = sla.qr(a, pivoting=True, mode="full")
    assert np.array_equal(perm, permf)
    close(Q @ R, a[:, perm], what="qrp economic")
    close(Qf @ Rf, a[:, perm], what="qrp full")
    close(Q.T @ Q, np.eye(Q.shape[1]), what="Q orth")
    close(Qf.T @ Qf, np.eye(m), what="Qfull orth")
    qraw, jpvt, tau, _, info = lapack.dgeqp3(a)
    assert info == 0
    jpvt = np.asarray(jpvt, dtype=np.int64)        # scipy returns LAPACK's 1-based jpvt
    assert np.array_equal(jpvt - 1, perm), (jpvt, perm)
    k = min(m, n)
    close(np.triu(qraw)[:k, :], R, what="qraw vs R")
    d = np.abs(np.diag(R))
    assert np.all(d[:-1] >= d[1:]), "R diagonal magnitude must be non-increasing"
    return {"A": mat(a), "Q": mat(Q), "R": mat(R), "perm": ivec(np.asarray(perm, dtype=np.int64)),
            "Q_full": mat(Qf), "R_full": mat(Rf),
            "qraw": mat(qraw), "tau": vec(tau), "jpvt": ivec(jpvt)}


cases["qrp_A"] = qrp_case(A)
c_rd = qrp_case(RD)
R_rd = np.array(c_rd["R"]["data"]).reshape(4, 4, order="F")
qr_rank_tol = max(RD.shape) * EPS * abs(R_rd[0, 0])
qr_rank = int(np.sum(np.abs(np.diag(R_rd)) > qr_rank_tol))
assert qr_rank == 3, qr_rank
c_rd["rank"] = qr_rank
c_rd["rank_tol"] = num(qr_rank_tol)
cases["qrp_RD"] = c_rd

# --------------------------------------------------------------------------
# LAPACK: least squares
# --------------------------------------------------------------------------

bA = C[:, :2]
x_g, res_g, rk_g, sv_g = np.linalg.lstsq(A, bA, rcond=None)
assert rk_g == 4 and res_g.shape == (2,)
close(res_g, np.sum((A @ x_g - bA) ** 2, axis=0), what="gels residual")
close(A.T @ (A @ x_g - bA), np.zeros((4, 2)), atol=1e-12, what="gels normal eq")
cases["lstsq_gels"] = {"A": mat(A), "B": mat(bA), "X": mat(x_g), "residual_ss": vec(res_g)}

x_u, res_u, rk_u, _ = np.linalg.lstsq(W, bW, rcond=None)
assert rk_u == 4 and res_u.size == 0
close(W @ x_u, bW, what="underdetermined exact fit")
close(x_u, np.linalg.pinv(W) @ bW, what="min norm")
cases["lstsq_under"] = {"A": mat(W), "B": mat(bW), "X": mat(x_u)}

x_d, res_d, rk_d, sv_d = np.linalg.lstsq(RD, b6, rcond=None)
assert rk_d == 3 and res_d.size == 0
rcond_d = EPS * max(RD.shape)                       # numpy's rcond=None default
cases["lstsq_gelsd_RD"] = {"A": mat(RD), "B": mat(b6), "X": mat(x_d), "rank": int(rk_d),
                           "sv": vec(sv_d), "rcond": num(rcond_d)}

cond_y = max(RD.shape) * EPS
x_y, _, rk_y, _ = sla.lstsq(RD, b6, cond=cond_y, lapack_driver="gelsy")
assert rk_y == 3
close(x_y, x_d, rtol=1e-9, atol=1e-9, what="gelsy vs gelsd (both minimum norm)")
cases["lstsq_gelsy_RD"] = {"A": mat(RD), "B": mat(b6), "X": mat(x_y), "rank": int(rk_y),
                           "rcond": num(cond_y)}

# --------------------------------------------------------------------------
# LAPACK: SVD
# --------------------------------------------------------------------------

def svd_case(a, full):
    U, s, Vt = np.linalg.svd(a, full_matrices=full)
    m, n = a.shape
    Sig = np.zeros((U.shape[1], Vt.shape[0]))
    Sig[:len(s), :len(s)] = np.diag(s)
    close(U @ Sig @ Vt, a, what="svd reconstruct")
    close(U.T @ U, np.eye(U.shape[1]), what="svd U orth")
    close(Vt @ Vt.T, np.eye(Vt.shape[0]), what="svd V orth")
    return {"A": mat(a), "U": mat(U), "s": vec(s), "Vt": mat(Vt)}


cases["svd_A"] = svd_case(A, False)
cases["svd_A_full"] = svd_case(A, True)
cases["svd_W"] = svd_case(W, False)
cases["sv_H6"] = {"A": mat(H6), "s": vec(np.linalg.svd(H6, compute_uv=False))}
cases["sv_RD"] = {"A": mat(RD), "s": vec(np.linalg.svd(RD, compute_uv=False))}

# --------------------------------------------------------------------------
# LAPACK: symmetric eigen
# --------------------------------------------------------------------------

def eigh_case(a):
    w, V = np.linalg.eigh(a)
    assert np.all(np.diff(w) >= 0)
    close(a @ V, V * w, what="eigh")
    close(V.T @ V, np.eye(a.shape[0]), what="eigh orth")
    return {"A": mat(a), "w": vec(w), "V": mat(V)}


cases["eigh_SPD"] = eigh_case(SPD)
cases["eigh_H6"] = eigh_case(H6)

# --------------------------------------------------------------------------
# LAPACK: nonsymmetric eigen
# --------------------------------------------------------------------------

def eig_case(a):
    n = a.shape[0]
    w, vl, vr = sla.eig(a, left=True, right=True)
    wr, wi, vl_raw, vr_raw, info = lapack.dgeev(a, compute_vl=1, compute_vr=1)
    assert info == 0
    assert np.array_equal(w.real, wr) and np.array_equal(w.imag, wi), "scipy eig != dgeev order"
    close(a @ vr, vr * w, what="eig right")
    close(vl.conj().T @ a, w[:, None] * vl.conj().T, what="eig left")
    # raw dgeev packing: complex pair j, j+1 -> v_j = V[:,j] + i V[:,j+1], v_{j+1} = conj
    j = 0
    while j < n:
        if wi[j] == 0:
            close(vr[:, j], vr_raw[:, j], what="raw vr real")
            j += 1
        else:
            assert wi[j] > 0 and wi[j + 1] == -wi[j]
            close(vr[:, j], vr_raw[:, j] + 1j * vr_raw[:, j + 1], what="raw vr cplx")
            close(vl[:, j], vl_raw[:, j] + 1j * vl_raw[:, j + 1], what="raw vl cplx")
            j += 2
    return {"A": mat(a), "w": cvec(w), "VR": cmat(vr), "VL": cmat(vl),
            "wr": vec(wr), "wi": vec(wi), "vr_raw": mat(vr_raw), "vl_raw": mat(vl_raw)}


cases["eig_S"] = eig_case(S)
assert any(z[1] != 0 for z in cases["eig_S"]["w"]), "S must have a complex pair"

c_m4 = eig_case(M4)
w_m4, vl_m4, _ = sla.eig(M4, left=True, right=True)
k1 = int(np.argmin(np.abs(w_m4 - 1.0)))
assert abs(w_m4[k1] - 1.0) < 1e-12
pi = vl_m4[:, k1]
assert np.max(np.abs(pi.imag)) == 0.0
pi = pi.real / np.sum(pi.real)
assert np.all(pi > 0)
close(pi @ M4, pi, what="stationary")
c_m4["index_of_1"] = k1
c_m4["stationary"] = vec(pi)
cases["eig_M4"] = c_m4

# --------------------------------------------------------------------------
# misc: det / inv / cond / rank / pinv
# --------------------------------------------------------------------------

inv_h6 = sla.inv(H6)
inv_h6_exact = np.array(sla.invhilbert(6, exact=True), dtype=np.float64)
assert np.all(np.abs(inv_h6_exact) < 2.0**53)
close(inv_h6, inv_h6_exact, rtol=1e-6, atol=0, what="inv H6 vs exact")
sg_h6, ld_h6 = np.linalg.slogdet(H6)
cases["det_H6"] = {"A": mat(H6), "det": num(np.linalg.det(H6))}
cases["inv_H6"] = {"A": mat(H6), "inv": mat(inv_h6), "inv_exact": mat(inv_h6_exact)}
cases["logdet_H6"] = {"A": mat(H6), "sign": num(sg_h6), "logabs": num(ld_h6)}
cases["cond_H6"] = {"A": mat(H6), "cond": num(np.linalg.cond(H6))}
cases["cond_S"] = {"A": mat(S), "cond": num(np.linalg.cond(S))}
rk_rd = int(np.linalg.matrix_rank(RD))
rk_h6 = int(np.linalg.matrix_rank(H6))
assert rk_rd == 3 and rk_h6 == 6
cases["rank_RD"] = {"A": mat(RD), "rank": rk_rd}
cases["rank_H6"] = {"A": mat(H6), "rank": rk_h6}
pinv_rd = np.linalg.pinv(RD)
pinv_a = np.linalg.pinv(A)
close(RD @ pinv_rd @ RD, RD, what="pinv RD")
close(pinv_a @ A, np.eye(4), what="pinv A")
cases["pinv_RD"] = {"A": mat(RD), "pinv": mat(pinv_rd)}
cases["pinv_A"] = {"A": mat(A), "pinv": mat(pinv_a)}
det_sing = float(np.linalg.det(SING))
assert abs(det_sing) < 1e-12
cases["det_SING"] = {"A": mat(SING), "det": 0.0, "det_numpy": num(det_sing)}
rk_sing = int(np.linalg.matrix_rank(SING))
assert rk_sing == 2
cases["rank_SING"] = {"A": mat(SING), "rank": rk_sing}

# --------------------------------------------------------------------------
# 1x1
# --------------------------------------------------------------------------

lu1, piv1 = sla.lu_factor(ONE)
U1, s1, Vt1 = np.linalg.svd(ONE)
wh1, Vh1 = np.linalg.eigh(ONE)
we1, vr1 = sla.eig(ONE)
cases["one"] = {"A": mat(ONE), "lu": mat(lu1), "ipiv": ivec(np.asarray(piv1, dtype=np.int64) + 1),
                "chol": mat(sla.cholesky(ONE, lower=True)), "inv": mat(np.linalg.inv(ONE)),
                "det": num(np.linalg.det(ONE)),
                "svd_U": mat(U1), "svd_s": vec(s1), "svd_Vt": mat(Vt1),
                "eigh_w": vec(wh1), "eigh_V": mat(Vh1),
                "eig_w": cvec(we1), "eig_VR": cmat(vr1)}

# --------------------------------------------------------------------------
# empty (only what numpy actually computes; anything that raises is skipped)
# --------------------------------------------------------------------------

Z00 = np.zeros((0, 0))
Z03 = np.zeros((0, 3))
Z30 = np.zeros((3, 0))
empty = {}
skipped = []


def try_add(key, fn):
    try:
        empty[key] = fn()
    except Exception as exc:  # noqa: BLE001 -- recording what numpy refuses
        skipped.append(f"{key}: {type(exc).__name__}: {exc}")


try_add("dot_0", lambda: num(np.dot(np.zeros(0), np.zeros(0))))
try_add("nrm2_0", lambda: num(np.linalg.norm(np.zeros(0))))
try_add("gemm_k0", lambda: {"alpha": ALPHA, "beta": BETA, "A": mat(Z30), "B": mat(np.zeros((0, 2))),
                            "C": mat(np.ones((3, 2))),
                            "result": mat(ALPHA * (Z30 @ np.zeros((0, 2))) + BETA * np.ones((3, 2)))})
try_add("det_0x0", lambda: num(np.linalg.det(Z00)))
try_add("slogdet_0x0", lambda: [num(v) for v in np.linalg.slogdet(Z00)])
try_add("inv_0x0", lambda: mat(np.linalg.inv(Z00)))
try_add("solve_0x0", lambda: mat(np.linalg.solve(Z00, np.zeros((0, 2)))))
try_add("cholesky_0x0", lambda: mat(np.linalg.cholesky(Z00)))
try_add("eigh_0x0", lambda: (lambda r: {"w": vec(r[0]), "V": mat(r[1])})(np.linalg.eigh(Z00)))
try_add("eig_0x0", lambda: (lambda r: {"w": cvec(r[0]), "V": cmat(r[1])})(np.linalg.eig(Z00)))
try_add("svd_0x3", lambda: (lambda r: {"U": mat(r[0]), "s": vec(r[1]), "Vt": mat(r[2])})(
    np.linalg.svd(Z03, full_matrices=False)))
try_add("svd_0x3_full", lambda: (lambda r: {"U": mat(r[0]), "s": vec(r[1]), "Vt": mat(r[2])})(
    np.linalg.svd(Z03, full_matrices=True)))
try_add("svd_3x0", lambda: (lambda r: {"U": mat(r[0]), "s": vec(r[1]), "Vt": mat(r[2])})(
    np.linalg.svd(Z30, full_matrices=False)))
try_add("sv_0x0", lambda: vec(np.linalg.svd(Z00, compute_uv=False)))
try_add("qr_0x3", lambda: (lambda r: {"Q": mat(r[0]), "R": mat(r[1])})(np.linalg.qr(Z03)))
try_add("qr_3x0", lambda: (lambda r: {"Q": mat(r[0]), "R": mat(r[1])})(np.linalg.qr(Z30)))
try_add("pinv_0x3", lambda: mat(np.linalg.pinv(Z03)))
try_add("pinv_3x0", lambda: mat(np.linalg.pinv(Z30)))
try_add("matrix_rank_0x0", lambda: int(np.linalg.matrix_rank(Z00)))
try_add("matrix_rank_0x3", lambda: int(np.linalg.matrix_rank(Z03)))
try_add("lstsq_0x3", lambda: (lambda r: {"X": mat(r[0]), "rank": int(r[2]), "sv": vec(r[3])})(
    np.linalg.lstsq(Z03, np.zeros((0, 2)), rcond=None)))
try_add("lstsq_3x0", lambda: (lambda r: {"X": mat(r[0]), "rank": int(r[2]), "sv": vec(r[3])})(
    np.linalg.lstsq(Z30, np.ones((3, 2)), rcond=None)))
cases["empty"] = empty

# --------------------------------------------------------------------------
# write
# --------------------------------------------------------------------------

doc = {"generator": "Tests/Fixtures/linalg/make_reference.py",
       "numpy": np.__version__, "scipy": scipy.__version__, "cases": cases}
check_finite_tree(doc)
text = dumps(doc) + "\n"
assert json.loads(text) == json.loads(json.dumps(doc, allow_nan=False))
with open(OUT, "w", encoding="utf-8") as fh:
    fh.write(text)

print(f"numpy {np.__version__}")
print(f"scipy {scipy.__version__}")
print(f"python {sys.version.split()[0]}")
print(f"seed {SEED}; S accepted after {S_draws} draw(s)")
if skipped:
    print("empty: skipped (numpy raised):")
    for s in skipped:
        print("  " + s)
print(f"wrote {os.path.relpath(OUT)}: {len(cases)} cases, {len(text)} bytes")
