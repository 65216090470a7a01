"""The 2PL/1PL capability model: pure numpy, no I/O.

For an observed cell ``i`` = (model m, benchmark b)::

    z_i = alpha_b * (theta_m - delta_b)        p_i = sigmoid(z_i)

with ``theta`` the model capability, ``delta`` the benchmark difficulty and ``alpha`` the slope (discrimination).
All parameters live in one flat vector ``x = [theta (M), delta (B), alpha_free (F)]``; slopes that are fixed
(the anchor benchmark, or every benchmark in a 1PL) are not in ``x``.

This module holds, in one place, everything the fitters differentiate: the linear predictor and its sparse
Jacobian, the identification rule, the ridge penalty, the least-squares residuals and Jacobian (Epoch's loss, for
scipy's solvers), and for every loss (least squares, binomial / fractional Bernoulli, beta) the penalised value,
gradient and curvature (exact Hessian or Gauss-Newton / Fisher matrix) built from per-cell derivatives
(:func:`loss_cells`), as arrow blocks (:func:`objective_blocks`) or one dense matrix (:func:`objective`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.special import expit, log_expit

from irt_elo.core.memory import check_allocation

PenaltyForm = Literal["l2", "log_slope", "none"]


@dataclass(frozen=True, eq=False)
class Layout:
    """Where each parameter sits in the flat vector ``x``.

    Parameters
    ----------
    n_models, n_benchmarks : int
    fixed_slopes : ndarray of float, shape (n_benchmarks,)
        The value of each fixed slope, NaN where the slope is free.

    Examples
    --------
    >>> lay = Layout.two_pl(3, 2, anchor=0)
    >>> lay.n_params, [a.tolist() for a in lay.unpack(np.arange(6.0))]
    (6, [[0.0, 1.0, 2.0], [3.0, 4.0], [1.0, 5.0]])
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

    Examples
    --------
    >>> d = Design(Layout.one_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> d.predict(np.array([1.0, -1.0, 0.0])).round(4).tolist()
    [0.7311, 0.2689]
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

    def slope_cells(self) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the cells whose benchmark has a free slope, and that slope's position (computed once)."""
        cached = self.__dict__.get("_slope_cells")
        if cached is None:
            cells = np.flatnonzero(self.has_slope)
            cached = (cells, self.layout.free_pos[self.bench_idx[cells]])
            object.__setattr__(self, "_slope_cells", cached)
        return cached

    def coupling_pattern(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """CSR pattern of the (models x (difficulties, free slopes)) curvature coupling, computed once per design:
        ``(indices, indptr, position, nnz)`` with ``position`` mapping the entries of each cell (its difficulty,
        then, for cells with a free slope, its slope) to their CSR slot (repeated cells share a slot)."""
        cached = self.__dict__.get("_coupling")
        if cached is None:
            lay = self.layout
            k = lay.n_benchmarks + lay.n_free_slopes
            rows = np.concatenate([self.model_idx, self.model_idx[self.has_slope]])
            cols = np.concatenate([self.bench_idx, lay.n_benchmarks + lay.free_pos[self.bench_idx[self.has_slope]]])
            keys, position = np.unique(rows.astype(np.int64) * k + cols, return_inverse=True)
            indptr = np.zeros(lay.n_models + 1, dtype=np.intp)
            np.cumsum(np.bincount(keys // k, minlength=lay.n_models), out=indptr[1:])
            cached = ((keys % k).astype(np.intp), indptr, position.ravel(), int(keys.size))
            object.__setattr__(self, "_coupling", cached)
        return cached

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
# Identification: the fit is unchanged by a common shift of capabilities and difficulties and, for a 2PL, by a
# common rescaling (slopes divided by the same factor). One rule for point fits and posterior draws alike.


def identify(theta: np.ndarray, delta: np.ndarray, alpha: np.ndarray, *, two_pl: bool, anchor: int | None = None,
             anchor_difficulty: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pin down the scale of one parameter set (1-D arrays) or of many (one per row, e.g. posterior draws).

    With an ``anchor`` benchmark (column index): shift so its difficulty equals ``anchor_difficulty``. Otherwise
    centre capabilities to mean 0 and, for a 2PL with more than one model, scale them to SD 1 (population SD),
    rescaling slopes so predictions are kept. Predictions ``alpha (theta - delta)`` are unchanged either way.

    Examples
    --------
    >>> th, de, al = identify(np.array([1.0, 3.0]), np.array([2.0]), np.array([1.0]), two_pl=True)
    >>> th.tolist(), de.tolist(), al.tolist()
    ([-1.0, 1.0], [0.0], [1.0])
    >>> identify(np.array([1.0, 3.0]), np.array([2.0, 0.5]), np.ones(2), two_pl=True, anchor=1)[0].tolist()
    [0.5, 2.5]
    """
    theta, delta, alpha = (np.asarray(v, dtype=float) for v in (theta, delta, alpha))
    if anchor is not None:
        shift = delta[..., anchor:anchor + 1] - anchor_difficulty
        return theta - shift, delta - shift, alpha.copy()
    mu = theta.mean(axis=-1, keepdims=True)
    sd = theta.std(axis=-1, keepdims=True) if (two_pl and theta.shape[-1] > 1) else np.ones_like(mu)
    sd = np.where(sd > 0, sd, 1.0)
    return (theta - mu) / sd, (delta - mu) / sd, alpha * sd


# ----------------------------------------------------------------------------------------------------------------
# Ridge penalty: P(x), normalised by the parameter count as in Epoch's fit.


def penalty(x: np.ndarray, layout: Layout, form: PenaltyForm = "l2") -> tuple[float, np.ndarray]:
    """Penalty ``P(x)`` and its gradient.

    ``'l2'``: sum of squares of every free parameter (capabilities, difficulties and free slopes: Epoch's ridge,
    which shrinks slopes toward 0). ``'log_slope'``: squares of capabilities and difficulties plus ``log(alpha)^2``
    (shrinks slopes toward 1). ``'none'``: zero.

    Examples
    --------
    >>> lay = Layout.two_pl(1, 2, anchor=0)
    >>> penalty(np.array([1.0, 2.0, 0.0, np.e]), lay, "log_slope")[0]
    6.0
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


def penalty_hessian(x: np.ndarray, layout: Layout, form: PenaltyForm = "l2", exact: bool = True) -> np.ndarray:
    """Diagonal of the Hessian of ``P`` (it is diagonal).

    With ``exact=False`` the log-slope term gets its Gauss-Newton curvature ``2 / alpha^2`` instead of the exact
    ``2 (1 - log alpha) / alpha^2``, which turns negative for slopes above e; the rest is exact either way.

    Examples
    --------
    >>> lay = Layout.two_pl(1, 2, anchor=0)
    >>> penalty_hessian(np.array([1.0, 2.0, 0.0, np.e]), lay, "log_slope").round(12).tolist()
    [2.0, 2.0, 2.0, 0.0]
    """
    if form == "none":
        return np.zeros_like(x)
    d = np.full_like(x, 2.0)
    if form == "log_slope":
        k = layout.n_models + layout.n_benchmarks
        d[k:] = 2.0 * ((1.0 - np.log(x[k:])) if exact else 1.0) / x[k:] ** 2
    return d


def penalty_curvature(x: np.ndarray, layout: Layout, form: PenaltyForm = "l2") -> np.ndarray:
    """Diagonal of a positive semi-definite curvature of ``P``: :func:`penalty_hessian` with ``exact=False``.

    Examples
    --------
    >>> lay = Layout.two_pl(1, 2, anchor=0)
    >>> penalty_curvature(np.array([1.0, 2.0, 0.0, 2.0]), lay, "log_slope").tolist()
    [2.0, 2.0, 2.0, 0.5]
    """
    return penalty_hessian(x, layout, form, exact=False)


def add_penalty(x: np.ndarray, layout: Layout, lam: float, form: PenaltyForm, f: float,
                g: np.ndarray | None = None, blocks: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                exact: bool = False
                ) -> tuple[float, np.ndarray | None, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """Add the ridge ``0.5 * lam * P(x) / n_params`` to a loss value and, when given, its gradient and arrow blocks
    ``(D, C, E)`` (:func:`hessian_blocks`; exact penalty Hessian or, with ``exact=False``, :func:`penalty_curvature`).

    Examples
    --------
    >>> lay = Layout.one_pl(1, 1)
    >>> f, g, _ = add_penalty(np.array([1.0, 2.0]), lay, 4.0, "l2", 0.0, np.zeros(2))
    >>> f, g.tolist()  # 0.5 * 4 * 5 / 2, its gradient 4 x / 2
    (5.0, [2.0, 4.0])
    """
    if not (lam > 0 and form != "none"):
        return f, g, blocks
    c = 0.5 * lam / layout.n_params
    pen, pgrad = penalty(x, layout, form)
    f = f + c * pen
    if g is not None:
        g = g + c * pgrad
    if blocks is not None:
        D, C, E = blocks
        ph = c * penalty_hessian(x, layout, form, exact=exact)
        m = layout.n_models
        E = E.copy()
        E[np.diag_indices_from(E)] += ph[m:]
        blocks = (D + ph[:m], C, E)
    return f, g, blocks


# ----------------------------------------------------------------------------------------------------------------
# Least squares on the probability scale (Epoch's loss) in scipy's residual form. Residual vector:
# sqrt(w) * (p - y), then one extra residual sqrt(lam * P / n_params), so 0.5 * ||r||^2 is :func:`objective_value`.


def ls_residuals(x: np.ndarray, design: Design, y: np.ndarray, sqrt_w: np.ndarray | None,
                 lam: float, form: PenaltyForm) -> np.ndarray:
    """Residuals ``sqrt(w) (p - y)`` and, with a penalty, one more: ``sqrt(lam P / n_params)``.

    ``0.5 * ||r||^2`` is the penalised least-squares loss (:func:`ls_value` with ``w = sqrt_w**2``).

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> ls_residuals(np.array([0.0, 0.0]), d, np.array([0.25]), None, 0.0, "none").tolist()
    [0.25]
    """
    r = design.predict(x) - y
    if sqrt_w is not None:
        r = r * sqrt_w
    if lam > 0 and form != "none":
        pen, _ = penalty(x, design.layout, form)
        r = np.append(r, np.sqrt(lam * pen / design.layout.n_params))
    return r


def ls_jacobian(x: np.ndarray, design: Design, y: np.ndarray, sqrt_w: np.ndarray | None,
                lam: float, form: PenaltyForm) -> sparse.csr_matrix:
    """Sparse Jacobian of :func:`ls_residuals` (for scipy's ``least_squares``).

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> ls_jacobian(np.array([0.0, 0.0]), d, np.array([0.25]), None, 0.0, "none").toarray().tolist()
    [[0.25, -0.25]]
    """
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
# Every loss is a sum over cells of l_i(z_i), so its derivatives are
#     gradient = sum_i l'_i dz_i,        Hessian = sum_i l''_i dz_i dz_i^T  +  sum_i l'_i d2z_i,
# where dz_i has non-zeros (alpha, -alpha, theta - delta) at (theta_m, delta_b, alpha_b) and the only second
# derivatives of z are d2z/dtheta_m dalpha_b = 1 and d2z/ddelta_b dalpha_b = -1. :func:`loss_cells` gives the per-cell
# l, l' and l'' (exact, or the Gauss-Newton / Fisher l'' that keeps the matrix positive semi-definite: then the second
# sum is dropped too). :func:`gradient_blocks` and :func:`hessian_blocks` sum them; everything else is built on these.
#
# Least squares: l = 0.5 w (p - y)^2. Binomial with y the observed fraction of n trials: l = w n [log(1 + e^z) - y z]
# (+ const), l' = w n (p - y), l'' = w n p (1 - p) (exact and Fisher agree: canonical link); a fractional Bernoulli is
# the same with n = 1. Beta (mean-precision parameterisation, Ferrari & Cribari-Neto 2004) for aggregate scores whose
# number of questions is unknown: y ~ Beta(mu phi, (1 - mu) phi), mu = sigmoid(z), Var(y) = mu (1 - mu) / (1 + phi).
# A binomial fraction over n questions has variance mu (1 - mu) / n, so phi plays the role of n - 1 and the
# likelihood carries roughly as much information per cell as the binomial one: the ridge is not inflated.
# For least squares and the beta, l is a function of mu = sigmoid(z), so l'' = l_mumu mu'^2 + l_mu mu'' with
# mu' = mu (1 - mu) and mu'' = mu' (1 - 2 mu); Gauss-Newton / Fisher keeps the first term (with the expected l_mumu).

LOSSES = ("least_squares", "binomial", "bernoulli", "beta")


def _beta_loglik(z: np.ndarray, y: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Per-cell beta log-likelihood at linear predictors ``z``."""
    from scipy.special import gammaln

    a, b = expit(z) * phi, expit(-z) * phi  # expit(-z) = 1 - mu without cancellation
    return gammaln(phi) - gammaln(a) - gammaln(b) + (a - 1.0) * np.log(y) + (b - 1.0) * np.log1p(-y)


def cell_terms(z: np.ndarray, y: np.ndarray, w: np.ndarray, loss: str, phi: np.ndarray | None = None, *,
               value: bool = True) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """Per-cell loss ``l``, ``dl/dz``, exact ``d2l/dz2`` and Gauss-Newton / Fisher ``d2l/dz2`` (non-negative) at
    linear predictors ``z`` (elementwise; any shape), from one evaluation of the link. ``value=False`` skips ``l``.

    Examples
    --------
    >>> [v.tolist() for v in cell_terms(np.zeros(1), np.array([0.75]), np.ones(1), "bernoulli")]
    [[0.6931471805599453], [-0.25], [0.25], [0.25]]
    """
    mu = expit(z)
    if loss in ("binomial", "bernoulli"):
        # -[y log mu + (1 - y) log(1 - mu)] = softplus(z) - y z
        cell = w * (np.logaddexp(0.0, z) - y * z) if value else None
        h = w * mu * (1.0 - mu)
        return cell, w * (mu - y), h, h
    if loss == "least_squares":
        r = mu - y
        d1 = mu * (1.0 - mu)
        gz = w * r * d1
        fisher = w * d1 * d1
        cell = 0.5 * w * r * r if value else None
    elif loss == "beta":
        from scipy.special import digamma, polygamma

        nu = expit(-z)
        a, b = mu * phi, nu * phi
        d1 = mu * nu
        gz = w * phi * (digamma(a) - digamma(b) - np.log(y) + np.log1p(-y)) * d1
        fisher = w * phi * phi * (polygamma(1, a) + polygamma(1, b)) * d1 * d1  # l_mumu is free of y
        cell = -w * _beta_loglik(z, y, phi) if value else None
    else:
        raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")
    return cell, gz, fisher + gz * (1.0 - 2.0 * mu), fisher  # exact: + l_mu mu''


def _loss_value(z: np.ndarray, y: np.ndarray, w: np.ndarray, loss: str, phi: np.ndarray | None) -> float:
    if loss == "least_squares":
        r = expit(z) - y
        return 0.5 * float(r @ (w * r))
    if loss in ("binomial", "bernoulli"):
        return -float(w @ (y * log_expit(z) + (1.0 - y) * log_expit(-z)))
    if loss == "beta":
        return -float(w @ _beta_loglik(z, y, phi))
    raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")


def loss_cells(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray | None, loss: str,
               phi: np.ndarray | None = None, exact: bool = True) -> tuple[float, np.ndarray, np.ndarray]:
    """Unpenalised loss value, per-cell ``dl/dz`` and per-cell ``d2l/dz2``.

    Parameters
    ----------
    x : ndarray
        Parameter vector.
    design : Design
    y : ndarray
        Observed scores (fractions).
    weight : ndarray or None
        Per-cell weight (for the binomial already multiplied by the number of trials); None means 1.
    loss : {'least_squares', 'binomial', 'bernoulli', 'beta'}
    phi : ndarray, optional
        Per-cell beta precision (beta loss only).
    exact : bool
        Exact ``d2l/dz2``, or the Gauss-Newton / Fisher one (non-negative).

    Returns
    -------
    f : float
    gz, curv : ndarray
        ``dl/dz`` and ``d2l/dz2`` per cell.

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> f, gz, curv = loss_cells(np.zeros(2), d, np.array([0.75]), None, "bernoulli")
    >>> round(f, 6), gz.tolist(), curv.tolist()
    (0.693147, [-0.25], [0.25])
    """
    z = design.linear_predictor(x)
    w = np.ones_like(y) if weight is None else weight
    _, gz, curv_exact, curv_fisher = cell_terms(z, y, w, loss, phi, value=False)
    return _loss_value(z, y, w, loss, phi), gz, (curv_exact if exact else curv_fisher)


def gradient_blocks(x: np.ndarray, design: Design, gz: np.ndarray) -> np.ndarray:
    """``dz/dx^T gz``: the gradient from per-cell ``dl/dz`` (same as ``design.dz_dx(x).T @ gz``, without a sparse
    matrix).

    Examples
    --------
    >>> d = Design(Layout.two_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> gradient_blocks(np.array([1.0, -1.0, 0.5, 2.0]), d, np.array([1.0, 1.0])).tolist()
    [2.0, 2.0, -4.0, -1.0]
    """
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
    """``sum_i curv_i dz_i dz_i^T + sum_i grad_i d2z_i`` in arrow form ``(D, C, E)``.

    Each cell involves one model, so the capability block is diagonal: ``D`` (M,) is its diagonal, ``C`` (M, K) the
    capability x (difficulty, slope) block and ``E`` (K, K) the (difficulty, slope) block, K = B + F. Built with
    ``bincount``: O(cells + M K + K^2), no sparse product. ``grad=None`` drops the second sum (Gauss-Newton).

    Examples
    --------
    >>> d = Design(Layout.one_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> D, C, E = hessian_blocks(np.zeros(3), d, np.array([1.0, 2.0]))
    >>> D.tolist(), C.tolist(), E.tolist()
    ([1.0, 2.0], [[-1.0], [-2.0]], [[3.0]])
    """
    lay = design.layout
    m, b, nf = lay.n_models, lay.n_benchmarks, lay.n_free_slopes
    theta, delta, alpha = lay.unpack(x)
    mi, bi = design.model_idx, design.bench_idx
    a = alpha[bi]
    caa = curv * a * a
    D = np.bincount(mi, caa, m)
    check_allocation(8.0 * (m + b + nf) * (b + nf), f"the dense curvature blocks of {m} models x {b} benchmarks",
                     "fit with irt_elo.core.solve.solve, which keeps them sparse, or use fewer models or benchmarks")
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


def dense_hessian(D: np.ndarray, C: np.ndarray, E: np.ndarray) -> np.ndarray:
    """The dense symmetric matrix ``[[diag(D), C], [C^T, E]]`` of arrow blocks.

    Examples
    --------
    >>> dense_hessian(np.array([1.0, 2.0]), np.array([[-1.0], [-2.0]]), np.array([[3.0]])).tolist()
    [[1.0, 0.0, -1.0], [0.0, 2.0, -2.0], [-1.0, -2.0, 3.0]]
    """
    n = D.size + E.shape[0]
    check_allocation(8.0 * n * n, f"a dense ({n} x {n}) curvature matrix",
                     "use the structured curvature (irt_elo.core.solve.sparse_curvature) for this many parameters")
    return np.block([[np.diag(D), C], [C.T, E]])


@dataclass(frozen=True, eq=False)
class SparseBlocks:
    """The curvature ``[[diag(D), C], [C^T, E]]`` stored by its structure, in O(cells + models + benchmarks) memory.

    Each cell touches one model and one benchmark, so the capability block is diagonal (``D``), the coupling ``C``
    (models x (difficulties, free slopes)) has at most two non-zeros per observed (model, benchmark) pair (a sparse
    CSR matrix, duplicates summed), and the (difficulty, slope) block ``E`` is block-diagonal: a 2 x 2 block per
    benchmark with a free slope, 1 x 1 otherwise. ``E_diag`` (K,) is its diagonal and ``E_off`` (F,) the
    (difficulty, slope) entry of each free slope's block, the difficulty being ``layout.free[j]``.
    """

    layout: Layout
    D: np.ndarray
    C: sparse.csr_matrix
    E_diag: np.ndarray
    E_off: np.ndarray

    def dense(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The arrow blocks ``(D, C, E)`` as dense arrays (what :func:`hessian_blocks` returns)."""
        lay = self.layout
        b = lay.n_benchmarks
        E = np.diag(self.E_diag)
        E[lay.free, b + np.arange(lay.n_free_slopes)] = self.E_off
        E[b + np.arange(lay.n_free_slopes), lay.free] = self.E_off
        return self.D, self.C.toarray(), E

    def add_diagonal(self, diag: np.ndarray) -> SparseBlocks:
        """The same curvature plus ``diag`` (a full-length parameter vector) on the diagonal."""
        m = self.layout.n_models
        return SparseBlocks(self.layout, self.D + diag[:m], self.C, self.E_diag + diag[m:], self.E_off)


def hessian_sparse_blocks(x: np.ndarray, design: Design, curv: np.ndarray, grad: np.ndarray | None = None
                          ) -> SparseBlocks:
    """:func:`hessian_blocks` stored by its structure (:class:`SparseBlocks`): no (M x K) or (K x K) dense array,
    so memory and time grow with the number of cells, not with models x benchmarks.

    Examples
    --------
    >>> d = Design(Layout.one_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> [a.tolist() for a in hessian_sparse_blocks(np.zeros(3), d, np.array([1.0, 2.0])).dense()]
    [[1.0, 2.0], [[-1.0], [-2.0]], [[3.0]]]
    """
    theta, delta, alpha = design.layout.unpack(x)
    mi, bi = design.model_idx, design.bench_idx
    return _sparse_blocks(design, alpha[bi], theta[mi] - delta[bi], None, curv, grad)[1]


def _sparse_blocks(design: Design, a: np.ndarray, u: np.ndarray, gz: np.ndarray | None, curv: np.ndarray,
                   grad: np.ndarray | None) -> tuple[np.ndarray | None, SparseBlocks]:
    """Gradient (when ``gz`` is given) and :class:`SparseBlocks` from per-cell slopes ``a``, ``u = theta - delta``
    and derivatives; one pass over the cells shared by both (the same sums as :func:`gradient_blocks` and
    :func:`hessian_blocks`)."""
    lay = design.layout
    m, b, nf = lay.n_models, lay.n_benchmarks, lay.n_free_slopes
    mi, bi = design.model_idx, design.bench_idx
    cells, k = design.slope_cells()
    g = None
    if gz is not None:
        ga = gz * a
        parts = [np.bincount(mi, ga, m), -np.bincount(bi, ga, b)]
        if nf:
            parts.append(np.bincount(k, gz[cells] * u[cells], nf))
        g = np.concatenate(parts)
    caa = curv * a * a
    D = np.bincount(mi, caa, m)
    E_diag = np.empty(b + nf)
    E_diag[:b] = np.bincount(bi, caa, b)
    vals = [-caa]
    E_off = np.zeros(nf)
    if nf:
        uh, ch = u[cells], curv[cells]
        cross = ch * a[cells] * uh
        if grad is not None:
            cross = cross + grad[cells]
        vals.append(cross)
        E_off = np.bincount(k, -cross, nf)
        E_diag[b:] = np.bincount(k, ch * uh * uh, nf)
    indices, indptr, position, nnz = design.coupling_pattern()
    if nnz == position.size:  # every entry has its own slot: scatter
        data = np.empty(nnz)
        data[position[:a.size]] = vals[0]
        if len(vals) > 1:
            data[position[a.size:]] = vals[1]
    else:
        data = np.bincount(position, np.concatenate(vals), nnz)  # sums the duplicates of a resampled cell
    C = sparse.csr_matrix((data, indices, indptr), shape=(m, b + nf))
    return g, SparseBlocks(lay, D, C, E_diag, E_off)


def objective_sparse_blocks(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray | None, loss: str,
                            lam: float, form: PenaltyForm, phi: np.ndarray | None = None, *, exact: bool = False
                            ) -> tuple[float, np.ndarray, SparseBlocks]:
    """:func:`objective_blocks` with the curvature as :class:`SparseBlocks` (the same numbers, stored by structure),
    the per-cell quantities gathered once for the value, gradient and curvature.

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> f, g, H = objective_sparse_blocks(np.zeros(2), d, np.array([0.75]), None, "bernoulli", 0.0, "none")
    >>> g.tolist(), [a.tolist() for a in H.dense()]
    ([-0.25, 0.25], [[0.25], [[-0.25]], [[0.25]]])
    """
    theta, delta, alpha = design.layout.unpack(x)
    mi, bi = design.model_idx, design.bench_idx
    a = alpha[bi]
    u = theta[mi] - delta[bi]
    z = a * u  # = design.linear_predictor(x)
    if loss == "least_squares" and not exact and weight is None:
        # Epoch's loss, unweighted: the terms of cell_terms and _loss_value from one link evaluation, without the
        # unit weights (multiplying by 1.0 is exact, so the numbers are the same).
        mu = expit(z)
        r = mu - y
        d1 = mu * (1.0 - mu)
        gz, curv = r * d1, d1 * d1
        f = 0.5 * float(r @ r)
    else:
        w = np.ones_like(y) if weight is None else weight
        _, gz, curv_exact, curv_fisher = cell_terms(z, y, w, loss, phi, value=False)
        f = _loss_value(z, y, w, loss, phi)
        curv = curv_exact if exact else curv_fisher
    g, H = _sparse_blocks(design, a, u, gz, curv, gz if exact else None)
    f, g, _ = add_penalty(x, design.layout, lam, form, f, g)
    if lam > 0 and form != "none":
        H = H.add_diagonal(0.5 * lam / design.layout.n_params * penalty_hessian(x, design.layout, form, exact=exact))
    return f, g, H


# ----------------------------------------------------------------------------------------------------------------
# The penalised objective ``loss + 0.5 * lam * P / n_params`` for the Newton solver (:mod:`irt_elo.core.optim`).


def objective_value(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray | None, loss: str,
                    lam: float, form: PenaltyForm, phi: np.ndarray | None = None) -> float:
    """Penalised loss ``sum_i l_i + 0.5 * lam * P(x) / n_params`` (arguments as :func:`loss_cells`).

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> objective_value(np.array([1.0, 0.0]), d, np.array([0.5]), None, "least_squares", 2.0, "l2") > 0.5
    True
    """
    w = np.ones_like(y) if weight is None else weight
    return add_penalty(x, design.layout, lam, form, _loss_value(design.linear_predictor(x), y, w, loss, phi))[0]


def objective_blocks(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray | None, loss: str,
                     lam: float, form: PenaltyForm, phi: np.ndarray | None = None, *, exact: bool = False,
                     hess: bool = True) -> tuple[float, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """Penalised loss, gradient and (if ``hess``) its curvature as arrow blocks ``(D, C, E)`` (see
    :func:`hessian_blocks`): the exact Hessian, or with ``exact=False`` the positive semi-definite Gauss-Newton /
    Fisher matrix plus :func:`penalty_curvature`.

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> f, g, (D, C, E) = objective_blocks(np.zeros(2), d, np.array([0.75]), None, "bernoulli", 0.0, "none")
    >>> g.tolist(), D.tolist(), C.tolist(), E.tolist()
    ([-0.25, 0.25], [0.25], [[-0.25]], [[0.25]])
    """
    f, gz, curv = loss_cells(x, design, y, weight, loss, phi, exact=exact)
    blocks = hessian_blocks(x, design, curv, gz if exact else None) if hess else None
    return add_penalty(x, design.layout, lam, form, f, gradient_blocks(x, design, gz), blocks, exact)


def objective(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray | None, loss: str, lam: float,
              form: PenaltyForm, phi: np.ndarray | None = None, *, exact: bool = False, hess: bool = True
              ) -> tuple[float, np.ndarray, np.ndarray | None]:
    """:func:`objective_blocks` with the curvature as one dense matrix (the form :func:`irt_elo.core.optim.minimize_box`
    and the standard errors take).

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> objective(np.zeros(2), d, np.array([0.75]), None, "bernoulli", 0.0, "none")[2].tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    f, g, blocks = objective_blocks(x, design, y, weight, loss, lam, form, phi, exact=exact, hess=hess)
    return f, g, None if blocks is None else dense_hessian(*blocks)


# Named forms of :func:`objective` / :func:`objective_value` for least squares and the binomial (Gauss-Newton /
# Fisher curvature).


def ls_value(x: np.ndarray, design: Design, y: np.ndarray, w: np.ndarray | None, lam: float,
             form: PenaltyForm) -> float:
    """``0.5 * sum w (p - y)^2 + 0.5 * lam * P / n_params`` (the cost of :func:`ls_residuals`).

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> ls_value(np.zeros(2), d, np.array([1.0]), None, 0.0, "none")
    0.125
    """
    return objective_value(x, design, y, w, "least_squares", lam, form)


def ls_objective(x: np.ndarray, design: Design, y: np.ndarray, w: np.ndarray | None, lam: float,
                 form: PenaltyForm, hess: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Least-squares value, gradient and (if ``hess``) Gauss-Newton matrix ``J^T W J`` + penalty curvature
    (``objective(..., 'least_squares', ...)``).

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> ls_objective(np.zeros(2), d, np.array([1.0]), None, 0.0, "none")[2].tolist()
    [[0.0625, -0.0625], [-0.0625, 0.0625]]
    """
    return objective(x, design, y, w, "least_squares", lam, form, hess=hess)


def binomial_value(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, lam: float,
                   form: PenaltyForm) -> float:
    """Binomial negative log-likelihood (``weight``: trials x cell weight) plus the ridge penalty.

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> round(binomial_value(np.zeros(2), d, np.array([0.5]), np.array([10.0]), 0.0, "none"), 6)
    6.931472
    """
    return objective_value(x, design, y, weight, "binomial", lam, form)


def binomial_objective(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, lam: float,
                       form: PenaltyForm, hess: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Binomial negative log-likelihood, gradient and (if ``hess``) Fisher information + penalty curvature
    (``objective(..., 'binomial', ...)``).

    Examples
    --------
    >>> d = Design(Layout.one_pl(1, 1), np.array([0]), np.array([0]))
    >>> binomial_objective(np.zeros(2), d, np.array([0.5]), np.array([10.0]), 0.0, "none")[2].tolist()
    [[2.5, -2.5], [-2.5, 2.5]]
    """
    return objective(x, design, y, weight, "binomial", lam, form, hess=hess)


# ----------------------------------------------------------------------------------------------------------------
# Beta precision


def beta_precision(x: np.ndarray, design: Design, y: np.ndarray, weight: np.ndarray, groups: np.ndarray,
                   n_groups: int, start: np.ndarray | None = None, bounds: tuple[float, float] = (1e-2, 1e7),
                   max_iter: int = 100) -> np.ndarray:
    """Maximum-likelihood beta precision per group of cells (e.g. per benchmark) for fixed means.

    The log-likelihood is concave in ``phi`` (its second derivative ``psi1(phi) - mu^2 psi1(mu phi) -
    (1-mu)^2 psi1((1-mu) phi)`` is negative), so a safeguarded Newton iteration on all groups at once converges.
    Groups without cells keep ``start`` (or 1). Starts from the method-of-moments value when ``start`` is None.

    Examples
    --------
    >>> y = np.random.default_rng(0).beta(20.0, 20.0, 2000)  # mean 0.5, precision 40
    >>> d = Design(Layout.one_pl(1, 1), np.zeros(2000, int), np.zeros(2000, int))
    >>> phi = beta_precision(np.zeros(2), d, y, np.ones(2000), np.zeros(2000, int), 1)
    >>> bool(35 < phi[0] < 45)
    True
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
