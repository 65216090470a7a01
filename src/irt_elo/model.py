"""The 2PL/1PL capability model: pure numpy, no I/O.

For an observed cell ``i`` = (model m, benchmark b)::

    z_i = alpha_b * (theta_m - delta_b)        p_i = sigmoid(z_i)

with ``theta`` the model capability, ``delta`` the benchmark difficulty and ``alpha`` the slope (discrimination).
All parameters live in one flat vector ``x = [theta (M), delta (B), alpha_free (F)]``; slopes that are fixed
(the anchor benchmark, or every benchmark in a 1PL) are not in ``x``.

This module holds, in one place, everything the fitters differentiate: the linear predictor and its sparse
Jacobian, the least-squares residuals and Jacobian (Epoch's loss, for scipy's solvers), the ridge penalty, and
value / gradient / Gauss-Newton or Fisher matrix of the least-squares and binomial objectives (for
:mod:`irt_elo.optim`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.special import expit, log_expit

PenaltyForm = Literal["l2", "log_slope", "none"]


@dataclass(frozen=True, eq=False)
class Layout:
    """Where each parameter sits in the flat vector ``x``.

    Parameters
    ----------
    n_models, n_benchmarks : int
    fixed_slopes : ndarray of float, shape (n_benchmarks,)
        The value of each fixed slope, NaN where the slope is free.
    """

    n_models: int
    n_benchmarks: int
    fixed_slopes: np.ndarray
    free: np.ndarray = field(init=False, repr=False)  # indices of benchmarks with a free slope
    free_pos: np.ndarray = field(init=False, repr=False)  # benchmark -> position among free slopes, or -1

    def __post_init__(self) -> None:
        free = np.flatnonzero(np.isnan(self.fixed_slopes))
        pos = np.full(self.n_benchmarks, -1, dtype=np.intp)
        pos[free] = np.arange(free.size)
        object.__setattr__(self, "free", free)
        object.__setattr__(self, "free_pos", pos)

    @classmethod
    def two_pl(cls, n_models: int, n_benchmarks: int, anchor: int | None = None, anchor_slope: float = 1.0) -> Layout:
        """2PL: every slope free except the anchor benchmark's (if given)."""
        fixed = np.full(n_benchmarks, np.nan)
        if anchor is not None:
            fixed[anchor] = anchor_slope
        return cls(n_models, n_benchmarks, fixed)

    @classmethod
    def one_pl(cls, n_models: int, n_benchmarks: int, slope: float = 1.0) -> Layout:
        """1PL (Rasch): every slope fixed to ``slope``."""
        return cls(n_models, n_benchmarks, np.full(n_benchmarks, float(slope)))

    @property
    def n_free_slopes(self) -> int:
        return int(self.free.size)

    @property
    def n_params(self) -> int:
        return self.n_models + self.n_benchmarks + self.n_free_slopes

    def unpack(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Split ``x`` into (theta, delta, alpha) with fixed slopes filled in."""
        m, b = self.n_models, self.n_benchmarks
        alpha = self.fixed_slopes.copy()
        alpha[self.free] = x[m + b:]
        return x[:m], x[m:m + b], alpha

    def pack(self, theta: np.ndarray, delta: np.ndarray, alpha: np.ndarray) -> np.ndarray:
        return np.concatenate([theta, delta, np.asarray(alpha)[self.free]])

    def bounds(self, theta: tuple[float, float], delta: tuple[float, float],
               slope: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bound vectors for ``x``."""
        m, b, f = self.n_models, self.n_benchmarks, self.n_free_slopes
        lo = np.concatenate([np.full(m, theta[0]), np.full(b, delta[0]), np.full(f, slope[0])]).astype(float)
        hi = np.concatenate([np.full(m, theta[1]), np.full(b, delta[1]), np.full(f, slope[1])]).astype(float)
        return lo, hi


@dataclass(frozen=True, eq=False)
class Design:
    """Observed cells (index arrays) with the fixed sparsity pattern of dz/dx, built once per fit.

    Each data row of dz/dx has non-zeros at theta_m, delta_b and (when free) alpha_b, already in column order,
    so a Jacobian is a new ``data`` vector over a shared ``indices``/``indptr``.
    """

    layout: Layout
    model_idx: np.ndarray
    bench_idx: np.ndarray
    indices: np.ndarray = field(init=False, repr=False)
    indptr: np.ndarray = field(init=False, repr=False)
    has_slope: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lay = self.layout
        m, b = lay.n_models, lay.n_benchmarks
        fp = lay.free_pos[self.bench_idx]
        has = fp >= 0
        nnz_row = 2 + has.astype(np.intp)
        indptr = np.zeros(self.model_idx.size + 1, dtype=np.intp)
        np.cumsum(nnz_row, out=indptr[1:])
        indices = np.empty(indptr[-1], dtype=np.intp)
        indices[indptr[:-1]] = self.model_idx
        indices[indptr[:-1] + 1] = m + self.bench_idx
        indices[indptr[:-1][has] + 2] = m + b + fp[has]
        object.__setattr__(self, "indices", indices)
        object.__setattr__(self, "indptr", indptr)
        object.__setattr__(self, "has_slope", has)

    @property
    def n_obs(self) -> int:
        return int(self.model_idx.size)

    def linear_predictor(self, x: np.ndarray) -> np.ndarray:
        theta, delta, alpha = self.layout.unpack(x)
        return alpha[self.bench_idx] * (theta[self.model_idx] - delta[self.bench_idx])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted score ``sigmoid(z)`` for every observed cell."""
        return expit(self.linear_predictor(x))

    def dz_dx(self, x: np.ndarray, row_scale: np.ndarray | None = None) -> sparse.csr_matrix:
        """Sparse Jacobian of z (one row per cell), optionally with each row multiplied by ``row_scale``."""
        theta, delta, alpha = self.layout.unpack(x)
        a = alpha[self.bench_idx]
        u = theta[self.model_idx] - delta[self.bench_idx]
        if row_scale is not None:
            a = a * row_scale
            u = u * row_scale
        data = np.empty(self.indices.size)
        start = self.indptr[:-1]
        data[start] = a
        data[start + 1] = -a
        data[start[self.has_slope] + 2] = u[self.has_slope]
        return sparse.csr_matrix((data, self.indices, self.indptr), shape=(self.n_obs, self.layout.n_params))


# ----------------------------------------------------------------------------------------------------------------
# Ridge penalty: P(x), normalised by the parameter count as in Epoch's fit.


def penalty(x: np.ndarray, layout: Layout, form: PenaltyForm = "l2") -> tuple[float, np.ndarray]:
    """Penalty ``P(x)`` and its gradient.

    ``'l2'``: sum of squares of every free parameter (capabilities, difficulties and free slopes: Epoch's ridge,
    which shrinks slopes toward 0). ``'log_slope'``: squares of capabilities and difficulties plus ``log(alpha)^2``
    (shrinks slopes toward 1). ``'none'``: zero.
    """
    if form == "none":
        return 0.0, np.zeros_like(x)
    if form == "l2":
        return float(x @ x), 2.0 * x
    if form == "log_slope":
        k = layout.n_models + layout.n_benchmarks
        la = np.log(x[k:])
        grad = np.concatenate([2.0 * x[:k], 2.0 * la / x[k:]])
        return float(x[:k] @ x[:k] + la @ la), grad
    raise ValueError(f"unknown penalty form {form!r}; use 'l2', 'log_slope' or 'none'")


# ----------------------------------------------------------------------------------------------------------------
# Least squares on the probability scale (Epoch's loss). Residual vector: sqrt(w) * (p - y), then one extra
# residual sqrt(lam * P / n_params), so 0.5 * ||r||^2 = 0.5 * sum w (p - y)^2 + 0.5 * lam * P / n_params.


def ls_residuals(x: np.ndarray, design: Design, y: np.ndarray, sqrt_w: np.ndarray | None,
                 lam: float, form: PenaltyForm) -> np.ndarray:
    r = design.predict(x) - y
    if sqrt_w is not None:
        r = r * sqrt_w
    if lam > 0 and form != "none":
        pen, _ = penalty(x, design.layout, form)
        r = np.append(r, np.sqrt(lam * pen / design.layout.n_params))
    return r


def ls_jacobian(x: np.ndarray, design: Design, y: np.ndarray, sqrt_w: np.ndarray | None,
                lam: float, form: PenaltyForm) -> sparse.csr_matrix:
    p = design.predict(x)
    scale = p * (1.0 - p)
    if sqrt_w is not None:
        scale = scale * sqrt_w
    jz = design.dz_dx(x, scale)
    if not (lam > 0 and form != "none"):
        return jz
    pen, grad = penalty(x, design.layout, form)
    npar = design.layout.n_params
    r_pen = np.sqrt(lam * pen / npar)
    # d sqrt(lam P / n) / dx = lam P'(x) / (2 n sqrt(lam P / n)); zero at the (measure-zero) point P = 0.
    row = lam * grad / (2.0 * npar * r_pen) if r_pen > 0 else np.zeros_like(x)
    last = sparse.csr_matrix(row[None, :])
    return sparse.vstack([jz, last], format="csr")


# ----------------------------------------------------------------------------------------------------------------
# Objectives for the Newton solver (:mod:`irt_elo.optim`): value, gradient and a PSD curvature matrix.
# Binomial with y the observed fraction and n trials: -log L = sum w n [log(1 + e^z) - y z] (+ const),
# d/dz = w n (p - y), Fisher weight w n p (1 - p). A fractional Bernoulli is the same with n = 1.


def penalty_curvature(x: np.ndarray, layout: Layout, form: PenaltyForm = "l2") -> np.ndarray:
    """Diagonal of a positive semi-definite curvature of ``P``: exact for 'l2'; Gauss-Newton (2/alpha^2) for
    the log-slope term, whose exact second derivative turns negative for alpha > e."""
    if form == "none":
        return np.zeros_like(x)
    d = np.full_like(x, 2.0)
    if form == "log_slope":
        k = layout.n_models + layout.n_benchmarks
        d[k:] = 2.0 / x[k:] ** 2
    return d


def _add_penalty(f: float, g: np.ndarray, H: np.ndarray | None, x: np.ndarray, layout: Layout,
                 lam: float, form: PenaltyForm, exact: bool = False) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Add ``0.5 * lam * P / n_params`` to a value, gradient and (if given) curvature: the PSD Gauss-Newton
    curvature of ``P`` (:func:`penalty_curvature`), or its exact Hessian (:func:`penalty_hessian`)."""
    if lam > 0 and form != "none":
        c = 0.5 * lam / layout.n_params
        pen, pgrad = penalty(x, layout, form)
        f += c * pen
        g = g + c * pgrad
        if H is not None:
            H[np.diag_indices_from(H)] += c * (penalty_hessian if exact else penalty_curvature)(x, layout, form)
    return f, g, H


def ls_value(x: np.ndarray, design: Design, y: np.ndarray, w: np.ndarray | None, lam: float,
             form: PenaltyForm) -> float:
    """``0.5 * sum w (p - y)^2 + 0.5 * lam * P / n_params`` (the cost of :func:`ls_residuals`)."""
    r = design.predict(x) - y
    f = 0.5 * float((r * r) @ (np.ones_like(r) if w is None else w))
    if lam > 0 and form != "none":
        f += 0.5 * lam * penalty(x, design.layout, form)[0] / design.layout.n_params
    return f


def ls_objective(x: np.ndarray, design: Design, y: np.ndarray, w: np.ndarray | None, lam: float,
                 form: PenaltyForm, hess: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Least-squares value, gradient and (if ``hess``) Gauss-Newton matrix ``J^T W J`` + penalty curvature."""
    p = design.predict(x)
    r = p - y
    wr = r if w is None else w * r
    f = 0.5 * float(r @ wr)
    jp = design.dz_dx(x, p * (1.0 - p))  # dp/dx
    g = jp.T @ wr
    H = None
    if hess:
        jw = jp if w is None else jp.multiply(w[:, None]).tocsr()
        H = (jp.T @ jw).toarray()
    return _add_penalty(f, g, H, x, design.layout, lam, form)


def binomial_value(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, lam: float,
                   form: PenaltyForm) -> float:
    z = design.linear_predictor(x)
    f = -float(weight @ (y * log_expit(z) + (1.0 - y) * log_expit(-z)))
    if lam > 0 and form != "none":
        f += 0.5 * lam * penalty(x, design.layout, form)[0] / design.layout.n_params
    return f


def binomial_objective(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, lam: float,
                       form: PenaltyForm, hess: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Binomial negative log-likelihood, gradient and (if ``hess``) Fisher information + penalty curvature."""
    z = design.linear_predictor(x)
    p = expit(z)
    f = -float(weight @ (y * log_expit(z) + (1.0 - y) * log_expit(-z)))
    jz = design.dz_dx(x)
    g = jz.T @ (weight * (p - y))
    H = None
    if hess:
        js = design.dz_dx(x, np.sqrt(weight * p * (1.0 - p)))
        H = (js.T @ js).toarray()
    return _add_penalty(f, g, H, x, design.layout, lam, form)


# ----------------------------------------------------------------------------------------------------------------
# Exact second derivatives. Every loss here is a sum over cells of l_i(z_i), so its Hessian is
#     sum_i l''_i dz_i dz_i^T  +  sum_i l'_i d2z_i,
# where dz_i has non-zeros (alpha, -alpha, theta - delta) at (theta_m, delta_b, alpha_b) and the only second
# derivatives of z are d2z/dtheta_m dalpha_b = 1 and d2z/ddelta_b dalpha_b = -1. The Gauss-Newton / Fisher matrices
# above drop the second sum (and, for least squares, the residual part of l''); near the optimum of a problem with
# non-zero residuals that costs Newton its quadratic convergence and biases the observed information.


def assemble_hessian(x: np.ndarray, design: Design, curv: np.ndarray, grad: np.ndarray | None = None) -> np.ndarray:
    """Dense ``sum_i curv_i dz_i dz_i^T + sum_i grad_i d2z_i`` (``curv``, ``grad``: per-cell d2l/dz2, dl/dz).

    Built block by block with ``bincount`` (the theta-theta, delta-delta and alpha-alpha blocks are diagonal), so the
    cost is O(cells + n_params^2) without a sparse matrix product.
    """
    lay = design.layout
    m, b, nf = lay.n_models, lay.n_benchmarks, lay.n_free_slopes
    theta, delta, alpha = lay.unpack(x)
    mi, bi = design.model_idx, design.bench_idx
    a = alpha[bi]
    caa = curv * a * a
    H = np.zeros((lay.n_params, lay.n_params))
    d = np.arange
    H[d(m), d(m)] = np.bincount(mi, caa, m)
    H[m + d(b), m + d(b)] = np.bincount(bi, caa, b)
    tb = np.bincount(mi * b + bi, -caa, m * b).reshape(m, b)
    H[:m, m:m + b] = tb
    H[m:m + b, :m] = tb.T
    if nf:
        has = design.has_slope
        k = lay.free_pos[bi[has]]
        u = theta[mi[has]] - delta[bi[has]]
        cross = curv[has] * a[has] * u
        if grad is not None:
            cross = cross + grad[has]
        ta = np.bincount(mi[has] * nf + k, cross, m * nf).reshape(m, nf)
        da = np.bincount(bi[has] * nf + k, -cross, b * nf).reshape(b, nf)
        s = m + b
        H[:m, s:] = ta
        H[s:, :m] = ta.T
        H[m:s, s:] = da
        H[s:, m:s] = da.T
        H[s + d(nf), s + d(nf)] = np.bincount(k, curv[has] * u * u, nf)
    return H


def penalty_hessian(x: np.ndarray, layout: Layout, form: PenaltyForm = "l2") -> np.ndarray:
    """Diagonal of the exact Hessian of ``P`` (may be negative for 'log_slope' with a slope above e)."""
    if form == "none":
        return np.zeros_like(x)
    d = np.full_like(x, 2.0)
    if form == "log_slope":
        k = layout.n_models + layout.n_benchmarks
        d[k:] = 2.0 * (1.0 - np.log(x[k:])) / x[k:] ** 2
    return d


def ls_newton(x: np.ndarray, design: Design, y: np.ndarray, w: np.ndarray | None, lam: float,
              form: PenaltyForm, hess: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Least-squares value, gradient and exact Hessian (same value and gradient as :func:`ls_objective`)."""
    p = design.predict(x)
    r = p - y
    ww = np.ones_like(r) if w is None else w
    d1 = p * (1.0 - p)
    f = 0.5 * float(r @ (ww * r))
    gz = ww * r * d1  # dl/dz
    g = design.dz_dx(x).T @ gz
    H = assemble_hessian(x, design, ww * d1 * (d1 + r * (1.0 - 2.0 * p)), gz) if hess else None
    return _add_penalty(f, g, H, x, design.layout, lam, form, exact=True)


def binomial_newton(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, lam: float,
                    form: PenaltyForm, hess: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Binomial negative log-likelihood, gradient and exact (observed) Hessian."""
    z = design.linear_predictor(x)
    p = expit(z)
    f = -float(weight @ (y * log_expit(z) + (1.0 - y) * log_expit(-z)))
    gz = weight * (p - y)
    g = design.dz_dx(x).T @ gz
    H = assemble_hessian(x, design, weight * p * (1.0 - p), gz) if hess else None
    return _add_penalty(f, g, H, x, design.layout, lam, form, exact=True)


# ----------------------------------------------------------------------------------------------------------------
# Beta likelihood (mean-precision parameterisation, Ferrari & Cribari-Neto 2004) for aggregate scores whose number
# of questions is unknown: y ~ Beta(mu * phi, (1 - mu) * phi), mu = sigmoid(z), Var(y) = mu (1 - mu) / (1 + phi).
# A binomial fraction over n questions has variance mu (1 - mu) / n, so phi plays the role of n - 1 and the
# likelihood carries roughly as much information per cell as the binomial one: the ridge is not inflated.


def _beta_terms(z: np.ndarray, y: np.ndarray, phi: np.ndarray):
    from scipy.special import digamma, gammaln

    mu, nu = expit(z), expit(-z)  # nu = 1 - mu without cancellation
    a, b = mu * phi, nu * phi
    ly, l1y = np.log(y), np.log1p(-y)
    loglik = gammaln(phi) - gammaln(a) - gammaln(b) + (a - 1.0) * ly + (b - 1.0) * l1y
    dmu = phi * (digamma(a) - digamma(b) - ly + l1y)  # d(-loglik)/dmu
    return mu, nu, a, b, loglik, dmu


def beta_value(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, phi: np.ndarray, lam: float,
               form: PenaltyForm) -> float:
    """Beta negative log-likelihood (``phi``: per-cell precision) plus the ridge penalty."""
    *_, loglik, _ = _beta_terms(design.linear_predictor(x), y, phi)
    f = -float(weight @ loglik)
    if lam > 0 and form != "none":
        f += 0.5 * lam * penalty(x, design.layout, form)[0] / design.layout.n_params
    return f


def beta_objective(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, phi: np.ndarray, lam: float,
                   form: PenaltyForm, hess: bool = True, exact: bool = False
                   ) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Beta negative log-likelihood, gradient and (if ``hess``) Fisher information or, with ``exact``, the
    observed Hessian (both for fixed precision)."""
    from scipy.special import polygamma

    mu, nu, a, b, loglik, dmu = _beta_terms(design.linear_predictor(x), y, phi)
    f = -float(weight @ loglik)
    d1 = mu * nu
    gz = weight * dmu * d1
    g = design.dz_dx(x).T @ gz
    H = None
    if hess:
        fisher_mu = phi * phi * (polygamma(1, a) + polygamma(1, b))  # d2(-loglik)/dmu2, free of y
        curv = weight * fisher_mu * d1 * d1
        if exact:
            curv = curv + gz * (nu - mu)  # + dl/dmu * d2mu/dz2, d2mu/dz2 = mu nu (1 - 2 mu)
            H = assemble_hessian(x, design, curv, gz)
        else:
            js = design.dz_dx(x, np.sqrt(curv))
            H = (js.T @ js).toarray()
    return _add_penalty(f, g, H, x, design.layout, lam, form, exact)


def beta_precision(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, groups: np.ndarray,
                   n_groups: int, start: np.ndarray | None = None, bounds: tuple[float, float] = (1e-2, 1e7),
                   max_iter: int = 100) -> np.ndarray:
    """Maximum-likelihood beta precision per group of cells (e.g. per benchmark) for fixed means.

    The log-likelihood is concave in ``phi`` (its second derivative ``psi1(phi) - mu^2 psi1(mu phi) -
    (1-mu)^2 psi1((1-mu) phi)`` is negative), so a safeguarded Newton iteration on all groups at once converges.
    Groups without cells keep ``start`` (or 1). Starts from the method-of-moments value when ``start`` is None.
    """
    from scipy.special import digamma, polygamma

    z = design.linear_predictor(x)
    mu, nu = expit(z), expit(-z)
    ly, l1y = np.log(y), np.log1p(-y)
    lo, hi = bounds
    wsum = np.bincount(groups, weight, n_groups)
    if start is None:
        # Var(y) = mu (1 - mu) / (1 + phi)  =>  phi ~ mean(mu (1 - mu) / (y - mu)^2) - 1, robustly via ratio of sums
        num = np.bincount(groups, weight * mu * nu, n_groups)
        den = np.bincount(groups, weight * (y - mu) ** 2, n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = np.where(den > 0, num / den - 1.0, hi)
    else:
        phi = np.asarray(start, dtype=float).copy()
    phi = np.clip(np.nan_to_num(phi, nan=1.0), lo, hi)
    for _ in range(max_iter):
        pc = phi[groups]
        s = weight * (digamma(pc) - mu * digamma(mu * pc) - nu * digamma(nu * pc) + mu * ly + nu * l1y)
        c = weight * (polygamma(1, pc) - mu * mu * polygamma(1, mu * pc) - nu * nu * polygamma(1, nu * pc))
        d1 = np.bincount(groups, s, n_groups)
        d2 = np.bincount(groups, c, n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where((wsum > 0) & (d2 < 0), -d1 / d2, 0.0)
        new = phi + step
        new = np.where(new <= lo, 0.5 * (phi + lo), new)  # stay positive: halve the way to the lower bound
        new = np.clip(new, lo, hi)
        done = np.all(np.abs(new - phi) <= 1e-10 * phi)
        phi = new
        if done:
            break
    return phi


# ----------------------------------------------------------------------------------------------------------------
# Block form for structured Newton steps. The capability-capability block of every Hessian above is diagonal (each
# cell involves one model, the penalty is separable), so a Newton system can be solved by eliminating the
# capabilities (Schur complement) and factorising only the (difficulties + slopes) block: O(M K^2 + K^3) with
# K = B + F instead of O((M + K)^3).


def loss_cells(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray | None, loss: str,
               phi: np.ndarray | None = None) -> tuple[float, np.ndarray, np.ndarray]:
    """Unpenalised loss value, per-cell ``dl/dz`` and exact per-cell ``d2l/dz2`` for ``loss`` in
    {'least_squares', 'binomial', 'bernoulli', 'beta'} (``weight`` already includes binomial trials; ``phi`` is
    the per-cell beta precision)."""
    w = np.ones_like(y) if weight is None else weight
    if loss == "least_squares":
        p = design.predict(x)
        r = p - y
        d1 = p * (1.0 - p)
        return 0.5 * float(r @ (w * r)), w * r * d1, w * d1 * (d1 + r * (1.0 - 2.0 * p))
    if loss in ("binomial", "bernoulli"):
        z = design.linear_predictor(x)
        p = expit(z)
        f = -float(w @ (y * log_expit(z) + (1.0 - y) * log_expit(-z)))
        return f, w * (p - y), w * p * (1.0 - p)
    if loss == "beta":
        from scipy.special import polygamma

        mu, nu, a, b, loglik, dmu = _beta_terms(design.linear_predictor(x), y, phi)
        d1 = mu * nu
        gz = w * dmu * d1
        curv = w * phi * phi * (polygamma(1, a) + polygamma(1, b)) * d1 * d1 + gz * (nu - mu)
        return -float(w @ loglik), gz, curv
    raise ValueError(f"unknown loss {loss!r}")


def gradient_blocks(x: np.ndarray, design: Design, gz: np.ndarray) -> np.ndarray:
    """``dz/dx^T gz`` without a sparse matrix (same as ``design.dz_dx(x).T @ gz``)."""
    lay = design.layout
    m, b, nf = lay.n_models, lay.n_benchmarks, lay.n_free_slopes
    theta, delta, alpha = lay.unpack(x)
    mi, bi = design.model_idx, design.bench_idx
    ga = gz * alpha[bi]
    parts = [np.bincount(mi, ga, m), -np.bincount(bi, ga, b)]
    if nf:
        has = design.has_slope
        parts.append(np.bincount(lay.free_pos[bi[has]], gz[has] * (theta[mi[has]] - delta[bi[has]]), nf))
    return np.concatenate(parts)


def hessian_blocks(x: np.ndarray, design: Design, curv: np.ndarray, grad: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Hessian of :func:`assemble_hessian` as ``(D, C, E)``: ``D`` the diagonal of the capability block (M,),
    ``C`` the capability x (difficulty, slope) block (M, K) and ``E`` the (difficulty, slope) block (K, K)."""
    lay = design.layout
    m, b, nf = lay.n_models, lay.n_benchmarks, lay.n_free_slopes
    theta, delta, alpha = lay.unpack(x)
    mi, bi = design.model_idx, design.bench_idx
    a = alpha[bi]
    caa = curv * a * a
    D = np.bincount(mi, caa, m)
    C = np.empty((m, b + nf))
    C[:, :b] = np.bincount(mi * b + bi, -caa, m * b).reshape(m, b)
    E = np.zeros((b + nf, b + nf))
    E[np.arange(b), np.arange(b)] = np.bincount(bi, caa, b)
    if nf:
        has = design.has_slope
        k = lay.free_pos[bi[has]]
        u = theta[mi[has]] - delta[bi[has]]
        cross = curv[has] * a[has] * u
        if grad is not None:
            cross = cross + grad[has]
        C[:, b:] = np.bincount(mi[has] * nf + k, cross, m * nf).reshape(m, nf)
        da = np.bincount(bi[has] * nf + k, -cross, b * nf).reshape(b, nf)
        E[:b, b:] = da
        E[b:, :b] = da.T
        E[b + np.arange(nf), b + np.arange(nf)] = np.bincount(k, curv[has] * u * u, nf)
    return D, C, E
