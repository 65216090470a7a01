"""Item-level 1PL/2PL IRT on sparse binary responses: marginal ML (Bock–Aitkin EM) and joint MAP.

Model, for a response of model ``m`` to item ``i``::

    P(correct) = sigmoid(slope_i * (theta_m - difficulty_i))        (1PL: slope_i = 1)

Internally every item is a logistic regression on a standard latent ``u ~ N(0, 1)``: ``z = a_i * u + c_i``
(slope–intercept form, concave in ``(a_i, c_i)``). For a 2PL ``theta = u``, ``slope = a``, ``difficulty = -c/a``;
for a 1PL all ``a_i`` share one value ``s`` (the population SD in logits): ``theta = s * u`` and
``difficulty = -c``, so capabilities are in logits and map straight to Elo points.

Marginal ML (``method='mml'``)
    EM over a fixed grid of ``n_quadrature`` nodes on [-6, 6] (N(0, 1) weights). Because
    ``log P(y | z) = y z - softplus(z)`` and ``z`` is affine in the node, the E-step needs one product
    ``W @ softplus(Z)`` (``W`` = models × items response weights, sparse unless the data are dense; ``Z`` = items ×
    nodes) plus rank-one terms, and the M-step's expected counts are one product ``[W; W*y].T @ H``. The item
    update is a vectorised 2 × 2 Newton step per item (1PL: an arrowhead system, items plus the shared scale) with
    step halving. Two accelerations: PX-EM (after each M-step the population mean and SD are estimated as if free
    and the latent re-standardised; this is the slow direction of plain EM, and with sharp posteriors plain EM all
    but stops along it) and SQUAREM extrapolation, checked for ascent.

    A model that answers thousands of items has a posterior far narrower than the node spacing (SD ~0.03 against
    0.2). On the grid its posterior collapses onto the nearest node. For the item update this is rounding
    ``theta`` by at most half a spacing, a measurement error of variance spacing^2/12 that attenuates slopes by
    ~0.3% at the default 61 nodes (measured: mean slope within 0.2% of a 121-node fit on 2000 x 1000 and
    300 x 3000 designs). For the scores it is fatal (EAPs rounded to the grid, posterior SDs near zero), so with
    ``adaptive`` (the default) scores, standard errors and the marginal log-likelihood are computed off the grid:
    Newton to each model's posterior mode, then Gauss–Hermite nodes centred there and scaled by its Laplace SD —
    the integral is taken at the scale where each posterior lives, whether it is 3 responses wide or 30,000.

Joint MAP (``method='jmap'``)
    Alternating Newton steps on ``theta`` (one per model, responses sorted by model) and on item parameters (one
    2 × 2 step per item, responses sorted by item), every sum a run-sum over sorted responses. The capability
    prior is ``N(0, sigma^2)`` with ``sigma`` re-estimated each sweep (an empirical-Bayes step); each sweep
    centres the capabilities and, for a 2PL, rescales them to ``sigma = 1``. The reported capabilities are the
    MAPs given the final items, so scoring the same data again returns them.

Item priors (both methods): ``difficulty ~ N(m_b, prior_sd^2)`` and ``log(slope) ~ N(m_a, slope_prior^2)``
(the SD BILOG uses for log-slopes, 0.5), centred on the items' own current means. They keep an item that every
model (or none) solves finite and shrink slopes estimated from few responses. A fixed centre would not do for AI
evaluations, where items outnumber models: thousands of small pulls towards a fixed centre add up to a pull on the
whole latent scale that outweighs the population's N(0, 1) (measured: capabilities stretched by ~25% on a
300-model × 3000-item simulation under a fixed LogNormal(0, 0.5) slope prior, whose mode is 0.78).

Weights multiply each response's log-likelihood; ``weights='domain'`` expresses CAISI's "benchmarks equal within a
domain, domains equal".
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.polynomial.hermite import hermgauss
from scipy import sparse
from scipy.special import expit, logsumexp

from irt_elo.core.scale import ELO_3X_PER_LOGIT, Elo, ScaleSpec, make_scale
from irt_elo.core.threads import blas_threads
from irt_elo.data.responses import ResponseTable, responses_from_frame
from irt_elo.errors import IrtEloError, did_you_mean
from irt_elo.fit.executor import progress_bar
from irt_elo.fit.fitter import OptionsMixin, RankedModelMixin

ModelForm = Literal["2pl", "1pl"]
Method = Literal["mml", "jmap"]
SLOPE_MIN, SLOPE_MAX = 1e-3, 50.0  # slopes stay positive; the cap only guards degenerate items without a prior
THETA_LIM = 6.0  # the EM grid spans [-6, 6] latent SDs
DENSE_MIN_DENSITY = 0.2  # above this fill (and below DENSE_MAX_CELLS) the products use dense BLAS
DENSE_MAX_CELLS = 20_000_000
JMAP_TOL_FLOOR = 1e-6  # the joint-MAP sweeps use float32 per response; changes below ~1e-7 are rounding
SUM_CHUNK = 256  # float32 per-model sums run over at most this many responses before switching to float64
SMALL_PRODUCT = 50_000_000  # below this many multiply-adds per product, BLAS threads cost more than they give


def _blas_threads(n_flops: float) -> contextlib.AbstractContextManager:
    """One BLAS thread for small products: on a busy 2-core machine, threaded GEMM on a 500 x 200 matrix waits
    on its own threads and runs 5x slower."""
    return blas_threads(1 if n_flops < SMALL_PRODUCT else None)


# --------------------------------------------------------------------------------------------------------------------
# Sparse data in the layout the algorithms need (no pandas)


@dataclass(frozen=True, eq=False)
class Segments:
    """Consecutive runs of a sorted response vector (one run per model, or per item) and fast sums over them.

    float32 vectors are summed in pieces of at most ``SUM_CHUNK`` responses and the pieces added in float64, so a
    model with 30,000 responses loses no accuracy to float32 rounding.
    """

    counts: np.ndarray
    starts: np.ndarray = field(init=False, repr=False)
    chunk_starts: np.ndarray = field(init=False, repr=False)
    chunk_group_starts: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.intp)
        n_chunks = -(-self.counts // SUM_CHUNK)
        first = np.repeat(starts, n_chunks)
        k = np.arange(first.size) - np.repeat(np.cumsum(n_chunks) - n_chunks, n_chunks)
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "chunk_starts", first + k * SUM_CHUNK)
        object.__setattr__(self, "chunk_group_starts", np.concatenate([[0], np.cumsum(n_chunks)[:-1]]).astype(np.intp))

    def sum(self, v: np.ndarray) -> np.ndarray:
        """Sum within each run, in float64 (every run must be non-empty)."""
        if v.dtype == np.float32:
            return np.add.reduceat(np.add.reduceat(v, self.chunk_starts).astype(np.float64), self.chunk_group_starts)
        return np.add.reduceat(v, self.starts)

    def spread(self, per_run: np.ndarray) -> np.ndarray:
        """A per-run vector repeated onto its responses."""
        return np.repeat(per_run, self.counts)


@dataclass(frozen=True, eq=False)
class ItemData:
    """Responses sorted by model, with the per-model segments and the weight matrices.

    Build with :func:`item_data`. ``W`` holds response weights and ``WY`` weights times outcomes (models × items;
    sparse CSR, or dense when the data are dense; ``Wt`` stacks both transposes), in float32: they only feed the
    grid products, whose rounding (~1e-7 relative) is far below anything the EM can resolve.
    """

    n_models: int
    n_items: int
    model_idx: np.ndarray
    item_idx: np.ndarray
    y: np.ndarray
    w: np.ndarray
    counts: np.ndarray
    starts: np.ndarray
    W: Any = field(repr=False)
    WY: Any = field(repr=False)
    Wt: Any = field(repr=False)  # [W.T; WY.T], (2 * n_items) x n_models
    by_model: Segments = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_model", Segments(self.counts))

    def model_sum(self, v: np.ndarray) -> np.ndarray:
        """Sum of a per-response vector within each model (responses are sorted by model), in float64."""
        return self.by_model.sum(v)

    def item_major(self) -> tuple[np.ndarray, Segments]:
        """The permutation that sorts responses by item (stable) and the per-item segments; items without a
        response are an error here (the joint-MAP item step needs every item answered)."""
        order = np.argsort(self.item_idx, kind="stable")
        counts = np.bincount(self.item_idx, minlength=self.n_items)
        if (counts == 0).any():
            raise IrtEloError(f"item {int(np.flatnonzero(counts == 0)[0])} has no responses")
        return order, Segments(counts)

    def item_sum(self, v: np.ndarray) -> np.ndarray:
        """Sum of a per-response vector within each item."""
        return np.bincount(self.item_idx, weights=v, minlength=self.n_items)

    def spread(self, per_model: np.ndarray) -> np.ndarray:
        """A per-model vector repeated onto its responses."""
        return self.by_model.spread(per_model)

    def weighted_sum(self, per_item_node: np.ndarray) -> np.ndarray:
        """``W @ per_item_node``: for each model and node, the weighted sum over its answered items."""
        return np.asarray(self.W @ per_item_node.astype(np.float32), dtype=np.float64)

    def expected_counts(self, post: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(W.T @ post, WY.T @ post)``: expected responses and correct responses of each item at each node."""
        # Posterior tails below 1e-30 would be float32 denormals, on which the product runs ~10x slower.
        p32 = np.where(post > 1e-30, post, 0.0).astype(np.float32)
        both = np.asarray(self.Wt @ p32, dtype=np.float64)  # [W.T; WY.T] stacked: one product
        return both[:self.n_items], both[self.n_items:]


def item_data(model_idx: np.ndarray, item_idx: np.ndarray, y: np.ndarray, w: np.ndarray | None,
              n_models: int, n_items: int) -> ItemData:
    """Sort responses by model and build the weight matrices used by the EM.

    Every model needs at least one response (``ResponseTable`` guarantees it).

    Examples
    --------
    >>> d = item_data(np.array([1, 0, 1]), np.array([0, 1, 1]), np.array([1., 0., 1.]), None, 2, 2)
    >>> d.counts.tolist(), d.model_idx.tolist(), d.W.tolist()  # 3 of 4 cells answered: dense products
    ([1, 2], [0, 1, 1], [[0.0, 1.0], [1.0, 1.0]])
    """
    mi = np.asarray(model_idx, dtype=np.intp)
    if mi.size > 1 and (np.diff(mi) < 0).any():
        order = np.argsort(mi, kind="stable")
        mi = mi[order]
        ii = np.asarray(item_idx, dtype=np.intp)[order]
        yy = np.asarray(y, dtype=float)[order]
        ww = np.ones(mi.size) if w is None else np.asarray(w, dtype=float)[order]
    else:
        ii = np.asarray(item_idx, dtype=np.intp)
        yy = np.asarray(y, dtype=float)
        ww = np.ones(mi.size) if w is None else np.asarray(w, dtype=float)
    counts = np.bincount(mi, minlength=n_models)
    if (counts == 0).any():
        raise IrtEloError(f"model {int(np.flatnonzero(counts == 0)[0])} has no responses")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    shape = (n_models, n_items)
    w32, wy32 = ww.astype(np.float32), (ww * yy).astype(np.float32)
    if mi.size >= DENSE_MIN_DENSITY * n_models * n_items and n_models * n_items <= DENSE_MAX_CELLS:
        flat = mi * n_items + ii
        W = np.zeros(shape, dtype=np.float32)
        W.ravel()[flat] = w32
        WY = np.zeros(shape, dtype=np.float32)
        WY.ravel()[flat] = wy32
        Wt = np.concatenate([W.T, WY.T], axis=0)  # C-contiguous (2 items) x models
    else:
        indptr = np.concatenate([[0], np.cumsum(counts)])
        W = sparse.csr_matrix((w32, ii, indptr), shape=shape)
        WY = sparse.csr_matrix((wy32, ii, indptr), shape=shape)
        Wt = sparse.vstack([W.T, WY.T], format="csr")
    return ItemData(n_models, n_items, mi, ii, yy, ww, counts, starts, W, WY, Wt)


# --------------------------------------------------------------------------------------------------------------------
# Priors and the per-item objective (shared by the EM M-step and the joint-MAP item step)


def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + exp(z)), stable; in the dtype of ``z`` (numpy's SIMD exp/log1p: ~3x scipy's log_expit)."""
    out = np.abs(z)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(z, 0)
    return out


@dataclass(frozen=True)
class ItemPriors:
    """Normal priors on item difficulties and log-slopes, centred on the items' own current means.

    Centring on the items (an empirical-Bayes centre) matters for AI evaluations, where items outnumber models:
    thousands of items each pulled towards a fixed centre would add up to a pull on the whole latent scale that
    outweighs the population's N(0, 1) and move every capability. Centred priors only shrink items towards each
    other: enough to keep an item that every model solves (or none does) finite.
    """

    difficulty_sd: float | None = 3.0
    log_slope_sd: float | None = 0.5
    difficulty_center: float = 0.0
    log_slope_center: float = 0.0

    def centred(self, a: np.ndarray, c: np.ndarray) -> ItemPriors:
        """The same priors centred on the current items (``a``, ``c`` in slope–intercept form)."""
        return ItemPriors(self.difficulty_sd, self.log_slope_sd, float(np.mean(-c / a)), float(np.mean(np.log(a))))


def _prior_terms(a: np.ndarray, c: np.ndarray, pr: ItemPriors, one_pl: bool) -> tuple[np.ndarray, ...]:
    """Log prior of each item and its gradient / negative-definite curvature in ``(a, c)``.

    ``difficulty = -c/a ~ N(centre, sd^2)`` (Gauss–Newton curvature); ``log a ~ N(centre, sd^2)`` as a density on
    ``log a`` (2PL only; its Gauss–Newton curvature keeps the Newton matrix negative definite).
    """
    lp = np.zeros_like(c)
    ga, gc = np.zeros_like(c), np.zeros_like(c)
    haa, hac, hcc = np.zeros_like(c), np.zeros_like(c), np.zeros_like(c)
    if pr.difficulty_sd is not None:
        v = pr.difficulty_sd ** 2
        r = -c / a - pr.difficulty_center
        db_da, db_dc = c / a ** 2, -1.0 / a
        lp -= 0.5 * r ** 2 / v
        ga -= r / v * db_da
        gc -= r / v * db_dc
        haa -= db_da ** 2 / v
        hac -= db_da * db_dc / v
        hcc -= db_dc ** 2 / v
    if pr.log_slope_sd is not None and not one_pl:
        v = pr.log_slope_sd ** 2
        r = np.log(a) - pr.log_slope_center
        lp -= 0.5 * r ** 2 / v
        ga -= r / (v * a)
        haa -= 1.0 / (v * a ** 2)
    return lp, ga, gc, haa, hac, hcc


def _grid_value(a: np.ndarray, c: np.ndarray, Nq: np.ndarray, Rq: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Expected complete-data log-likelihood of each item on the grid: sum_q R z - N softplus(z)."""
    Z = a[:, None] * X[None, :] + c[:, None]
    return (Rq * Z - Nq * _softplus(Z)).sum(axis=1)


def _newton_2x2(ga, gc, haa, hac, hcc, max_a: float = 1.0, max_c: float = 2.0):
    """Newton ascent step for a negative-definite 2 x 2 curvature, per item, with clamped lengths."""
    det = haa * hcc - hac ** 2
    det = np.where(det > 1e-12, det, 1e-12)
    da = -(hcc * ga - hac * gc) / det
    dc = -(haa * gc - hac * ga) / det
    return np.clip(da, -max_a, max_a), np.clip(dc, -max_c, max_c)


def mstep_2pl(Nq: np.ndarray, Rq: np.ndarray, X: np.ndarray, a: np.ndarray, c: np.ndarray, priors: ItemPriors,
              n_newton: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """M-step for all 2PL items at once: Newton on ``(a_i, c_i)``; items whose full step does not increase their
    objective halve it (only those items are re-evaluated).

    ``Nq``/``Rq`` are the expected numbers of responses / correct responses of each item at each node. A couple
    of Newton steps from the previous EM iterate suffice (an ECM step; the EM does not need an exact M-step).

    Examples
    --------
    >>> X = np.array([-1.0, 0.0, 1.0])
    >>> Nq = np.array([[10.0, 10.0, 10.0]])
    >>> Rq = Nq * 1 / (1 + np.exp(-(2.0 * X - 0.5)))  # expected counts of an item with slope 2, intercept -0.5
    >>> a, c = mstep_2pl(Nq, Rq, X, np.ones(1), np.zeros(1), ItemPriors(None, None), n_newton=20)
    >>> np.round([a[0], c[0]], 6).tolist()
    [2.0, -0.5]
    """
    a, c = a.copy(), c.copy()
    # Nodes that carry no expected response (far tails) drop out of every sum.
    mass = Nq.sum(axis=0)
    live = mass > 1e-12 * mass.sum()
    if not live.all():
        X, Nq, Rq = X[live], Nq[:, live], Rq[:, live]
    X2 = X * X

    def value(a_: np.ndarray, c_: np.ndarray, Nq_: np.ndarray, Rq_: np.ndarray) -> tuple[np.ndarray, ...]:
        Z = a_[:, None] * X[None, :] + c_[:, None]
        sp = _softplus(Z)
        f = (Rq_ * Z - Nq_ * sp).sum(axis=1) + _prior_terms(a_, c_, priors, False)[0]
        return f, Z, sp

    f, Z, sp = value(a, c, Nq, Rq)
    for _ in range(n_newton):
        P = np.exp(Z - sp)  # expit(Z) from the softplus already computed
        NP = Nq * P
        resid = Rq - NP
        info = NP * (1.0 - P)
        _, pga, pgc, phaa, phac, phcc = _prior_terms(a, c, priors, False)
        ga, gc = resid @ X + pga, resid.sum(axis=1) + pgc
        haa, hac, hcc = -(info @ X2) + phaa, -(info @ X) + phac, -info.sum(axis=1) + phcc
        da, dc = _newton_2x2(ga, gc, haa, hac, hcc)
        a1 = np.clip(a + da, SLOPE_MIN, SLOPE_MAX)
        c1 = c + dc
        f1, Z1, sp1 = value(a1, c1, Nq, Rq)
        bad = np.flatnonzero(f1 < f - 1e-10 * np.abs(f))
        t = 1.0
        while bad.size and t > 1e-9:  # step halving, only for the items that did not improve
            t *= 0.5
            ab = np.clip(a[bad] + t * da[bad], SLOPE_MIN, SLOPE_MAX)
            cb = c[bad] + t * dc[bad]
            fb, Zb, spb = value(ab, cb, Nq[bad], Rq[bad])
            ok = fb >= f[bad] - 1e-10 * np.abs(f[bad])
            done = bad[ok]
            a1[done], c1[done], f1[done], Z1[done], sp1[done] = ab[ok], cb[ok], fb[ok], Zb[ok], spb[ok]
            bad = bad[~ok]
        if bad.size:  # no ascent found: keep the old values
            a1[bad], c1[bad], f1[bad], Z1[bad], sp1[bad] = a[bad], c[bad], f[bad], Z[bad], sp[bad]
        step = max(np.abs(a1 - a).max(initial=0.0), np.abs(c1 - c).max(initial=0.0))
        a, c, f, Z, sp = a1, c1, f1, Z1, sp1
        if step < 1e-10:
            break
    return a, c


def mstep_1pl(Nq: np.ndarray, Rq: np.ndarray, X: np.ndarray, s: float, c: np.ndarray, priors: ItemPriors,
              n_newton: int = 3) -> tuple[float, np.ndarray]:
    """M-step for a 1PL: intercepts ``c_i`` and the shared scale ``s`` by arrowhead Newton, global step halving.

    Examples
    --------
    >>> X = np.array([-1.0, 0.0, 1.0])
    >>> Nq = np.full((2, 3), 10.0)
    >>> Rq = Nq / (1 + np.exp(-(1.5 * X[None, :] + np.array([[0.5], [-1.0]]))))  # shared scale 1.5
    >>> s, c = mstep_1pl(Nq, Rq, X, 1.0, np.zeros(2), ItemPriors(None, None), n_newton=20)
    >>> round(s, 6), np.round(c, 6).tolist()
    (1.5, [0.5, -1.0])
    """
    c = c.copy()
    mass = Nq.sum(axis=0)
    live = mass > 1e-12 * mass.sum()
    if not live.all():
        X, Nq, Rq = X[live], Nq[:, live], Rq[:, live]
    X2 = X * X
    pv = np.inf if priors.difficulty_sd is None else priors.difficulty_sd ** 2
    c0 = -priors.difficulty_center  # 1PL difficulties are -c (logits)

    def value(s_: float, c_: np.ndarray) -> float:
        return float(_grid_value(np.full(c_.size, s_), c_, Nq, Rq, X).sum() - 0.5 * ((c_ - c0) ** 2).sum() / pv)

    f = value(s, c)
    for _ in range(n_newton):
        P = expit(s * X[None, :] + c[:, None])
        resid = Rq - Nq * P
        info = Nq * P * (1.0 - P)
        gc = resid.sum(axis=1) - (c - c0) / pv
        gs = float((resid @ X).sum())
        d = -info.sum(axis=1) - 1.0 / pv  # diagonal (negative)
        e = -(info @ X)  # cross terms with s
        h = -float((info @ X2).sum())
        # Schur complement of the arrowhead system [[diag(d), e], [e', h]] [dc; ds] = -[gc; gs].
        schur = h - float((e * e / d).sum())
        ds = (-gs + float((e * gc / d).sum())) / schur
        dc = (-gc - e * ds) / d
        t = 1.0
        for _h in range(30):
            s1 = min(max(s + t * ds, SLOPE_MIN), SLOPE_MAX)
            c1 = c + t * dc
            f1 = value(s1, c1)
            if f1 >= f - 1e-10 * abs(f):
                break
            t *= 0.5
        else:
            break
        s, c, f = s1, c1, f1
        if max(abs(t * ds), np.abs(t * dc).max(initial=0.0)) < 1e-10:
            break
    return s, c


# --------------------------------------------------------------------------------------------------------------------
# Marginal maximum likelihood by EM


@dataclass(frozen=True)
class MMLResult:
    """Raw EM output on the standard latent scale (``z = a * u + c``, ``u ~ N(0, 1)``)."""

    a: np.ndarray = field(repr=False)
    c: np.ndarray = field(repr=False)
    nodes: np.ndarray = field(repr=False)
    posterior: np.ndarray = field(repr=False)  # models x nodes, from the last E-step
    loglik_grid: float
    n_iter: int
    converged: bool
    seconds: float = field(default=0.0, compare=False)


def population_moments(H: np.ndarray, X: np.ndarray) -> tuple[float, float]:
    """Mean and SD of the latent population implied by the models' grid posteriors (the PX-EM expansion step).

    Examples
    --------
    >>> H = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # one model sure to sit at -1, one at +1
    >>> population_moments(H, np.array([-1.0, 0.0, 1.0]))
    (0.0, 1.0)
    """
    mu = float((H @ X).mean())
    return mu, float(np.sqrt(max(float((H @ (X * X)).mean()) - mu * mu, 1e-12)))


def quadrature_grid(n: int, lim: float = THETA_LIM) -> tuple[np.ndarray, np.ndarray]:
    """Equally spaced nodes on [-lim, lim] and log weights of a discretised N(0, 1).

    Examples
    --------
    >>> x, log_w = quadrature_grid(5)
    >>> x.tolist(), round(float(np.exp(log_w).sum()), 12), bool(log_w[2] == log_w.max())
    ([-6.0, -3.0, 0.0, 3.0, 6.0], 1.0, True)
    """
    x = np.linspace(-lim, lim, n)
    lw = -0.5 * x * x
    return x, lw - logsumexp(lw)


def e_step(data: ItemData, a: np.ndarray, c: np.ndarray, X: np.ndarray, log_w: np.ndarray
           ) -> tuple[np.ndarray, float]:
    """Posterior of every model on the grid (models × nodes) and the grid marginal log-likelihood.

    ``log L[m, q] = sum_i w y z_iq - w softplus(z_iq)``; the first sum is rank one (``z`` is affine in the node),
    the second is one sparse product. A model whose posterior is narrower than the node spacing puts all its mass
    on the nearest node; for the item update that is rounding ``theta`` by at most half a spacing (see the module
    notes), and scores are recomputed off the grid by :func:`score_models`.

    Examples
    --------
    >>> d = item_data(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.array([1., 1., 0., 0.]), None, 2, 2)
    >>> X, log_w = quadrature_grid(61)
    >>> H, loglik = e_step(d, np.ones(2), np.zeros(2), X, log_w)
    >>> np.allclose(H.sum(axis=1), 1), bool((H @ X)[0] > 0 > (H @ X)[1])  # all right / all wrong
    (True, True)
    """
    Z = a[:, None] * X[None, :] + c[:, None]
    lin = np.asarray(data.WY @ np.stack([a, c], axis=1).astype(np.float32), dtype=np.float64)  # sum_i w y (a_i, c_i)
    logp = np.outer(lin[:, 0], X) + lin[:, 1:2] - data.weighted_sum(_softplus(Z))
    logp += log_w[None, :]
    mx = logp.max(axis=1, keepdims=True)
    H = np.exp(logp - mx)
    tot = H.sum(axis=1, keepdims=True)
    H /= tot
    return H, float((mx + np.log(tot)).sum())


def initial_items(data: ItemData) -> tuple[np.ndarray, np.ndarray]:
    """Start: slopes 1, intercepts from smoothed proportions correct (probit-corrected for the N(0, 1) latent)."""
    k = data.item_sum(data.w * data.y)
    n = data.item_sum(data.w)
    p = (k + 0.5) / (n + 1.0)
    return np.ones(data.n_items), np.log(p / (1 - p)) * np.sqrt(1.0 + np.pi / 8.0)


def fit_mml(data: ItemData, *, one_pl: bool = False, n_quadrature: int = 61, priors: ItemPriors | None = None,
            max_iter: int = 500, tol: float = 1e-4, a0: np.ndarray | None = None, c0: np.ndarray | None = None,
            accelerate: bool = True, expand: bool = True, progress: bool = False) -> MMLResult:
    """Bock–Aitkin EM for the 2PL (or the 1PL with a shared scale) on a fixed N(0, 1) grid.

    Each EM map: E-step on the grid, M-step (Newton) with the item priors centred on the current items, then the
    PX-EM expansion (``expand``): the latent population's mean and SD are estimated from the posteriors as if free
    and the latent re-standardised to N(0, 1) (``z = a u + c``, ``u = mu + sd u'``). Without it EM creeps along the
    scale direction, and with sharp posteriors all but stops there. ``accelerate`` wraps the map in SQUAREM
    (Varadhan & Roland 2008, scheme S3), keeping an extrapolation only if it shrinks the fixed-point residual.
    Stops when one map moves no parameter by more than ``tol``; ``n_iter`` counts maps. ``progress``: a progress bar
    of the maps (at most ``max_iter``) on the terminal.

    Examples
    --------
    >>> from irt_elo.data.simulate import simulate_responses
    >>> t, truth = simulate_responses(300, 20, random_state=1)
    >>> res = fit_mml(item_data(t.model_idx, t.item_idx, t.correct, None, t.n_models, t.n_items))
    >>> res.converged, bool(np.corrcoef(-res.c / res.a, truth["difficulty"])[0, 1] > 0.95)
    (True, True)
    """
    with _blas_threads(float(data.n_models) * data.n_items * n_quadrature):
        with progress_bar(max_iter, progress, "EM", unit="iteration") as bar:
            return _fit_mml(data, one_pl, n_quadrature, ItemPriors() if priors is None else priors, max_iter, tol,
                            a0, c0, accelerate, expand, bar)


def _fit_mml(data: ItemData, one_pl: bool, n_quadrature: int, priors: ItemPriors, max_iter: int, tol: float,
             a0: np.ndarray | None, c0: np.ndarray | None, accelerate: bool, expand: bool, bar: Any) -> MMLResult:
    t0 = time.perf_counter()
    X, log_w = quadrature_grid(n_quadrature)
    a_init, c_init = initial_items(data)
    a = a_init if a0 is None else np.asarray(a0, dtype=float).copy()
    c = c_init if c0 is None else np.asarray(c0, dtype=float).copy()
    n_i = data.n_items
    # Parameter vector: [a (2PL) or the shared scale s (1PL), c].
    p = np.concatenate([[float(np.mean(a))] if one_pl else a, c])
    n_a = 1 if one_pl else n_i

    def unpack(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a_ = np.full(n_i, v[0]) if one_pl else v[:n_i]
        return np.clip(a_, SLOPE_MIN, SLOPE_MAX), v[n_a:]

    state: dict[str, Any] = {"n": 0}

    def em_map(v: np.ndarray) -> np.ndarray:
        """One EM iteration (E-step, M-step, PX standardisation) from ``v``."""
        a_, c_ = unpack(v)
        H, _ = e_step(data, a_, c_, X, log_w)
        state["n"] += 1
        bar.update(1)
        Nq, Rq = data.expected_counts(H)
        pr = priors.centred(a_, c_)
        if one_pl:
            s_, c_new = mstep_1pl(Nq, Rq, X, float(a_[0]), c_, ItemPriors(pr.difficulty_sd, None,
                                                                           float(np.mean(-c_)), 0.0))
            a_new = np.array([s_])
        else:
            a_new, c_new = mstep_2pl(Nq, Rq, X, a_, c_, pr)
        if expand:
            mu, sd = population_moments(H, X)
            c_new = c_new + (a_new if not one_pl else a_new[0]) * mu
            a_new = a_new * sd
        return np.concatenate([a_new, c_new])

    def feasible(v: np.ndarray) -> np.ndarray:
        v = v.copy()
        v[:n_a] = np.clip(v[:n_a], SLOPE_MIN, SLOPE_MAX)
        return v

    converged = False
    while state["n"] < max_iter:
        p1 = em_map(p)
        res0 = float(np.abs(p1 - p).max())
        if res0 < tol:
            p, converged = p1, True
            break
        if not accelerate or state["n"] + 2 > max_iter:
            p = p1
            continue
        p2 = em_map(p1)
        if np.abs(p2 - p1).max() < tol:
            p, converged = p2, True
            break
        r, v = p1 - p, p2 - 2 * p1 + p
        nv = float(np.sqrt(v @ v))
        alpha = -max(1.0, float(np.sqrt(r @ r)) / nv) if nv > 0 else -1.0
        while True:
            q = feasible(p - 2 * alpha * r + alpha * alpha * v) if alpha < -1 else p2
            p3 = em_map(q)
            moved = float(np.abs(p3 - q).max())
            if alpha >= -1 or moved < res0:  # keep the extrapolation only if it brought us nearer a fixed point
                break
            alpha = (alpha - 1.0) / 2.0
            if alpha > -1.05:
                alpha = -1.0
        p = p3
        if moved < tol:
            converged = True
            break
    a, c = unpack(p)
    H, ll = e_step(data, a, c, X, log_w)
    return MMLResult(a.copy(), c.copy(), X, H, ll, int(state["n"]), converged, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------------------------------
# Scoring models against fixed item parameters


@dataclass(frozen=True)
class Scores:
    """Per-model scores on the standard latent scale."""

    eap: np.ndarray
    psd: np.ndarray
    map: np.ndarray
    map_se: np.ndarray
    loglik: np.ndarray  # log marginal likelihood of each model's responses (adaptive Gauss–Hermite)


def score_models(data: ItemData, a: np.ndarray, c: np.ndarray, *, prior_mean: float = 0.0, prior_sd: float = 1.0,
                 n_nodes: int = 9, theta0: np.ndarray | None = None, max_newton: int = 100,
                 posterior_mean: bool = True) -> Scores:
    """MAP (Newton) and EAP (adaptive Gauss–Hermite around the mode) for every model, items held fixed.

    ``z = a_i * u + c_i``; the prior on ``u`` is ``N(prior_mean, prior_sd^2)``. The Gauss–Hermite nodes of model
    ``m`` are ``mode_m + sqrt(2) * sd_m * t_k`` with ``sd_m`` the Laplace SD, so a posterior of any width (a model
    with 3 responses or with 30,000) is integrated at the scale where it lives.

    Examples
    --------
    >>> import numpy as np
    >>> d = item_data(np.zeros(3, int), np.arange(3), np.array([1., 0., 1.]), None, 1, 3)
    >>> s = score_models(d, np.ones(3), np.zeros(3))
    >>> bool(0 < s.eap[0] < 1 and 0 < s.psd[0] < 1)
    True
    """
    # Per-response terms in float32 (sums accumulate in float64): the posterior needs ~1e-6 relative accuracy.
    f32 = np.float32
    a_obs, c_obs = a[data.item_idx].astype(f32), c[data.item_idx].astype(f32)
    w32, y32 = data.w.astype(f32), data.y.astype(f32)
    wa, wa2 = w32 * a_obs, w32 * a_obs * a_obs
    inv_v = 1.0 / prior_sd ** 2
    th = np.full(data.n_models, prior_mean) if theta0 is None else np.asarray(theta0, dtype=float).copy()
    th = np.clip(th, prior_mean - 8 * prior_sd, prior_mean + 8 * prior_sd)

    def grad_hess(th_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = expit(a_obs * data.spread(th_.astype(f32)) + c_obs)
        g = data.model_sum(wa * (y32 - p)) - (th_ - prior_mean) * inv_v
        h = data.model_sum(wa2 * p * (1 - p)) + inv_v
        return g, h

    hess = np.full(data.n_models, inv_v)
    for _ in range(max_newton):
        g, hess = grad_hess(th)
        step = np.clip(g / hess, -1.0, 1.0)
        th = th + step
        if np.abs(step).max() < 1e-6 * prior_sd:
            break  # the curvature one tiny step back is the curvature at the mode to ~1e-6
    sd = 1.0 / np.sqrt(hess)
    if not posterior_mean:
        return Scores(th.copy(), sd.copy(), th, sd, np.full(th.size, np.nan))
    t, wt = hermgauss(n_nodes)
    nodes = th[:, None] + np.sqrt(2.0) * sd[:, None] * t[None, :]  # models x K
    lin_a = data.model_sum(w32 * y32 * a_obs)
    lin_c = data.model_sum(w32 * y32 * c_obs)
    logf = np.empty_like(nodes)
    for k in range(n_nodes):
        z = a_obs * data.spread(nodes[:, k].astype(f32)) + c_obs
        logf[:, k] = nodes[:, k] * lin_a + lin_c - data.model_sum(w32 * _softplus(z))
    logf += -0.5 * ((nodes - prior_mean) / prior_sd) ** 2 - np.log(prior_sd * np.sqrt(2 * np.pi))
    logf += t[None, :] ** 2 + np.log(wt)[None, :] + np.log(np.sqrt(2.0) * sd)[:, None]
    ll = logsumexp(logf, axis=1)
    post = np.exp(logf - ll[:, None])
    eap = (post * nodes).sum(axis=1)
    psd = np.sqrt(np.maximum((post * (nodes - eap[:, None]) ** 2).sum(axis=1), 0.0))
    return Scores(eap, psd, th, sd, ll)


# --------------------------------------------------------------------------------------------------------------------
# Joint MAP


@dataclass(frozen=True)
class JMAPResult:
    """Raw joint-MAP output on the logit scale (``z = a * theta + c``)."""

    theta: np.ndarray = field(repr=False)
    theta_se: np.ndarray = field(repr=False)
    a: np.ndarray = field(repr=False)
    c: np.ndarray = field(repr=False)
    theta_sd: float
    n_iter: int
    converged: bool
    seconds: float = field(default=0.0, compare=False)


def fit_jmap(data: ItemData, *, one_pl: bool = False, priors: ItemPriors | None = None, max_iter: int = 500,
             tol: float = 1e-4, progress: bool = False) -> JMAPResult:
    """Joint MAP by alternating vectorised Newton steps on capabilities and on items.

    The capability step works on responses sorted by model, the item step on the same responses sorted by item,
    so every sum is a run-sum (no scatter). Capabilities have the prior ``N(0, sigma^2)`` with ``sigma``
    re-estimated each sweep (mean squared estimate plus mean posterior variance, an empirical-Bayes step); item
    priors are centred on the current items. The likelihood does not fix the location (nor, for a 2PL, the scale),
    so each sweep centres the capabilities and, for a 2PL, rescales them to ``sigma = 1`` (slopes and intercepts
    adjusted so predictions are unchanged) — the same identification as the marginal fit. ``tol`` below 1e-6 is
    raised to 1e-6 (float32 rounding of the per-response sums). ``progress``: a progress bar of the sweeps.

    Examples
    --------
    >>> from irt_elo.data.simulate import simulate_responses
    >>> t, truth = simulate_responses(300, 20, random_state=1)
    >>> res = fit_jmap(item_data(t.model_idx, t.item_idx, t.correct, None, t.n_models, t.n_items))
    >>> res.converged, bool(np.corrcoef(-res.c / res.a, truth["difficulty"])[0, 1] > 0.95)
    (True, True)
    """
    priors = ItemPriors() if priors is None else priors
    t0 = time.perf_counter()
    f32 = np.float32
    order, by_item = data.item_major()
    # Model-major arrays (capability step) and item-major arrays (item step), float32 per response.
    ii = data.item_idx
    y_m, w_m = data.y.astype(f32), data.w.astype(f32)
    mi_i = data.model_idx[order]
    y_i, w_i = y_m[order], w_m[order]
    k = data.model_sum(data.w * data.y)
    n = data.model_sum(data.w)
    pm = (k + 0.5) / (n + 1.0)
    th = np.log(pm / (1 - pm))
    th = (th - th.mean()) / (th.std() if th.std() > 0 else 1.0)
    a, c = initial_items(data)
    c = c / np.sqrt(1.0 + np.pi / 8.0)
    sig2 = 1.0
    converged, it = False, 0

    def capability_curvature(th_: np.ndarray, a_: np.ndarray, c_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a_obs = a_.astype(f32)[ii]
        p = expit(a_obs * data.spread(th_.astype(f32)) + c_.astype(f32)[ii])
        wa = w_m * a_obs
        return data.model_sum(wa * (y_m - p)), data.model_sum(wa * a_obs * p * (1 - p))

    with progress_bar(max_iter, progress, "joint MAP", unit="sweep") as bar:
        for it in range(1, max_iter + 1):
            bar.update(1)
            th_old, a_old, c_old = th.copy(), a.copy(), c.copy()
            # Capabilities: one Newton step each, then the population's mean and SD.
            g, h = capability_curvature(th, a, c)
            hess = h + 1.0 / sig2
            th = th + np.clip((g - th / sig2) / hess, -2.0, 2.0)
            mu = float(th.mean())
            sig2 = float(((th - mu) ** 2).mean() + (1.0 / hess).mean())
            th, c = th - mu, c + a * mu
            if not one_pl:
                sd = float(np.sqrt(sig2))
                th, a, sig2 = th / sd, a * sd, 1.0
            # Items: one Newton step each, priors centred on the current items.
            pr = priors.centred(a, c)
            th_obs = th.astype(f32)[mi_i]
            p = expit(by_item.spread(a.astype(f32)) * th_obs + by_item.spread(c.astype(f32)))
            r = w_i * (y_i - p)
            v = w_i * p * (1 - p)
            if one_pl:
                pv = np.inf if pr.difficulty_sd is None else pr.difficulty_sd ** 2
                gc = by_item.sum(r) - (c + pr.difficulty_center) / pv
                hc = -by_item.sum(v) - 1.0 / pv
                c = c - np.clip(gc / hc, -2.0, 2.0)
            else:
                _, pga, pgc, phaa, phac, phcc = _prior_terms(a, c, pr, False)
                vt = v * th_obs
                ga = by_item.sum(r * th_obs) + pga
                gc = by_item.sum(r) + pgc
                haa = -by_item.sum(vt * th_obs) + phaa
                hac = -by_item.sum(vt) + phac
                hcc = -by_item.sum(v) + phcc
                da, dc = _newton_2x2(ga, gc, haa, hac, hcc, max_a=0.5, max_c=1.0)
                a = np.clip(a + da, SLOPE_MIN, SLOPE_MAX)
                c = c + dc
            change = max(np.abs(th - th_old).max(), np.abs(a - a_old).max(), np.abs(c - c_old).max())
            if change < max(tol, JMAP_TOL_FLOOR):
                converged = True
                break
    hess = capability_curvature(th, a, c)[1] + 1.0 / sig2  # standard errors of the capabilities given the items
    return JMAPResult(th, 1.0 / np.sqrt(hess), a, c, float(np.sqrt(sig2)), it, converged, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------------------------------
# The fitter


class ItemFitter(OptionsMixin, RankedModelMixin):
    """1PL/2PL IRT on item-level binary responses (:class:`~irt_elo.data.responses.ResponseTable`).

    Parameters
    ----------
    model : {'2pl', '1pl'}
        Free slope per item, or every slope 1 (Rasch; capabilities in logits, as CAISI's IRT-Elo).
    method : {'mml', 'jmap'}
        Marginal maximum likelihood by EM (items integrated over a N(0, 1) population), or joint MAP.
    n_quadrature : int
        EM grid nodes on [-6, 6] latent SDs (mirt's default: 61).
    adaptive : bool or int
        Score models (EAP, SE, marginal log-likelihood) by adaptive Gauss–Hermite quadrature around each posterior
        mode (``True`` = 9 nodes, an int = that many); ``False`` reports the EM grid's EAP and posterior SD, which
        are wrong for models whose posterior is narrower than the grid spacing.
    prior_sd : float or None
        SD of the normal prior on item difficulties, centred on their mean (latent units; a 1PL's are logits).
        None: no prior.
    slope_prior : float or None
        SD of the normal prior on log-slopes (2PL), centred on their mean. None: no prior (slopes stay positive).
    weights : None, 'domain', 'benchmark', mapping or array
        Multipliers of each response's log-likelihood. ``'domain'``: benchmarks equal within a domain and domains
        equal (CAISI); ``'benchmark'``: benchmarks equal; a mapping of benchmark (or item) name to weight (others
        1); an array of per-response weights. Benchmark/domain weights are rescaled to average 1 per response. A
        ``weight`` column in the data multiplies them.
    scoring : {'eap', 'map'}
        What ``theta_`` holds for ``method='mml'`` (joint MAP always reports its MAP).
    scale : {'logit', 'elo', 'eci'} or scale spec
        Scale of ``capability_``, ``difficulty_``, ``slope_`` (see :mod:`irt_elo.core.scale`).
    max_iter, tol : int, float
        Stop when no parameter moves by more than ``tol`` in an iteration, or after ``max_iter`` iterations.
    random_state : int
        No step of these fitters is random (starts are data-driven); kept for the common fitter interface.
    progress : bool
        A progress bar of the EM iterations (``mml``) or sweeps (``jmap``) on the terminal.
    name : str
        Label used in outputs.

    Attributes
    ----------
    theta_, theta_se_ : Series
        Capabilities and their standard errors on the logit scale (EAP and posterior SD, or MAP and curvature SE).
    delta_, alpha_ : Series
        Item difficulties and slopes on the logit scale.
    capability_, capability_se_, difficulty_, slope_ : Series
        The same on the output ``scale``.
    scale_ : LinearMap
    models_, items_ : DataFrame
    summary : DataFrame
        Models ranked by capability.
    log_likelihood_ : float
        Weighted marginal log-likelihood (MML, adaptive quadrature) or joint log-likelihood at the MAP.
    prior_ : (float, float)
        Mean and SD of the capability prior on the logit scale (N(0, 1) for a 2PL; a 1PL's SD is estimated), used
        by :meth:`score`.
    item_weights_ : Series
        Per-item log-likelihood weights (1 without ``weights``).
    table_, result_ : ResponseTable, MMLResult or JMAPResult
        The data fitted and the raw solver output (latent-scale item parameters, iterations).
    n_iter_, converged_, seconds_ : int, bool, float

    Examples
    --------
    >>> from irt_elo.data.simulate import simulate_responses
    >>> table, truth = simulate_responses(200, 50, random_state=0)
    >>> f = ItemFitter(model="2pl").fit(table)
    >>> bool(np.corrcoef(f.theta_, truth["theta"])[0, 1] > 0.9)  # 50 items: posterior SDs ~0.4
    True
    >>> list(f.summary.columns[:4])
    ['rank', 'model', 'capability', 'capability_se']
    """

    def __init__(
        self,
        *,
        model: ModelForm = "2pl",
        method: Method = "mml",
        n_quadrature: int = 61,
        adaptive: bool | int = True,
        prior_sd: float | None = 3.0,
        slope_prior: float | None = 0.5,
        weights: None | str | Mapping[str, float] | np.ndarray = None,
        scoring: Literal["eap", "map"] = "eap",
        scale: str | ScaleSpec = "logit",
        max_iter: int = 500,
        tol: float = 1e-4,
        random_state: int = 0,
        progress: bool = False,
        name: str = "items",
    ) -> None:
        self.model = model
        self.method = method
        self.n_quadrature = n_quadrature
        self.adaptive = adaptive
        self.prior_sd = prior_sd
        self.slope_prior = slope_prior
        self.weights = weights
        self.scoring = scoring
        self.scale = scale
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.progress = progress
        self.name = name
        self._check_options()

    # -- construction --------------------------------------------------------------------------------------------
    @classmethod
    def caisi(cls, **overrides: Any) -> ItemFitter:
        """CAISI's IRT-Elo: 1PL, marginal ML, benchmarks equal within domains and domains equal, Elo points
        at 200 per tripling of the odds (mean model = 1000; CAISI's offset is unpublished).

        Examples
        --------
        >>> ItemFitter.caisi().model, ItemFitter.caisi().weights
        ('1pl', 'domain')
        """
        opts: dict[str, Any] = {"model": "1pl", "method": "mml", "weights": "domain",
                                "scale": Elo(ELO_3X_PER_LOGIT), "name": "caisi-items"}
        return cls(**{**opts, **overrides})

    def _check_options(self) -> None:
        if self.model not in ("2pl", "1pl"):
            raise IrtEloError(f"model must be '2pl' or '1pl', not {self.model!r}")
        if self.method not in ("mml", "jmap"):
            raise IrtEloError(f"method must be 'mml' or 'jmap', not {self.method!r}")
        if not (isinstance(self.n_quadrature, (int, np.integer)) and 5 <= self.n_quadrature <= 1001):
            raise IrtEloError(f"n_quadrature must be an integer in [5, 1001], not {self.n_quadrature!r}")
        if not isinstance(self.adaptive, (bool, int, np.integer)) or (
                not isinstance(self.adaptive, bool) and not 1 <= self.adaptive <= 101):
            raise IrtEloError(f"adaptive must be True/False or a node count in [1, 101], not {self.adaptive!r}")
        if self.prior_sd is not None and not (self.prior_sd > 0):
            raise IrtEloError(f"prior_sd must be positive or None, not {self.prior_sd!r}")
        if self.slope_prior is not None and not (isinstance(self.slope_prior, (int, float)) and self.slope_prior > 0):
            raise IrtEloError(f"slope_prior must be the SD of log-slopes (a positive number) or None, not "
                              f"{self.slope_prior!r}")
        if self.scoring not in ("eap", "map"):
            raise IrtEloError(f"scoring must be 'eap' or 'map', not {self.scoring!r}")
        if not (self.max_iter >= 1 and self.tol > 0):
            raise IrtEloError("max_iter must be >= 1 and tol > 0")
        if isinstance(self.weights, str) and self.weights not in ("domain", "benchmark"):
            raise IrtEloError(f"weights must be None, 'domain', 'benchmark', a mapping or an array, not "
                              f"{self.weights!r}")

    def _scale_spec(self) -> ScaleSpec:
        return make_scale(self.scale) if isinstance(self.scale, str) else self.scale

    @property
    def _n_adaptive(self) -> int:
        return 9 if self.adaptive is True else int(self.adaptive)

    # -- weights --------------------------------------------------------------------------------------------------
    def item_weights(self, table: ResponseTable) -> pd.Series | None:
        """Per-item log-likelihood weights implied by ``weights`` (mean 1 over responses), or None.

        Examples
        --------
        >>> from irt_elo.data.simulate import simulate_responses
        >>> t, _ = simulate_responses(30, 60, n_benchmarks=4, n_domains=2, random_state=0)
        >>> w = ItemFitter(weights="domain").item_weights(t)
        >>> per_bench = (w * t.responses_per_item()).groupby(t.items["benchmark"]).sum()
        >>> bool(np.allclose(per_bench, per_bench.iloc[0]))
        True
        """
        wt = self.weights
        if wt is None or not isinstance(wt, (str, Mapping)):
            return None
        items = table.items
        if isinstance(wt, str):
            if "benchmark" not in items or items["benchmark"].isna().any():
                raise IrtEloError(f"{table.name}: weights={wt!r} needs a benchmark for every item; add a benchmark "
                                  "column")
            bench = items["benchmark"].astype(str)
            n_b = bench.map(bench.value_counts())
            if wt == "benchmark":
                per = 1.0 / (n_b * bench.nunique())
            else:
                if "domain" not in items or items["domain"].isna().any():
                    missing = bench[items.get("domain", pd.Series(index=items.index)).isna()].unique()
                    raise IrtEloError(f"{table.name}: weights='domain' needs a domain for every benchmark; missing "
                                      f"for {', '.join(map(repr, missing[:5]))}")
                dom = items["domain"].astype(str)
                bench_dom = pd.DataFrame({"b": bench, "d": dom}).drop_duplicates("b")
                n_bench_in_dom = dom.map(bench_dom["d"].value_counts())
                per = 1.0 / (n_b * n_bench_in_dom * dom.nunique())
            # Benchmarks count equally by their items, so the weight is per item (independent of who answered).
            # Items not answered by every model still get their share: the normalisation is per response.
        else:
            try:
                given = pd.Series({str(k): float(v) for k, v in wt.items()}, dtype=float)
            except (TypeError, ValueError):
                raise IrtEloError("weights: a mapping needs a number for each benchmark or item name") from None
            benches = items["benchmark"].astype(str) if "benchmark" in items else pd.Series(dtype=str)
            if len(given) and given.index.isin(benches).all():
                per = benches.map(given).fillna(1.0)
            elif given.index.isin(items.index.astype(str)).all():
                per = pd.Series(items.index.astype(str).map(given), index=items.index).fillna(1.0)
            else:
                unknown = given.index[~given.index.isin(items.index.astype(str)) & ~given.index.isin(benches)]
                if len(unknown):
                    cands = list(pd.unique(benches)) + list(items.index[:1000])
                    raise IrtEloError(f"weights: {unknown[0]!r} is neither a benchmark nor an item"
                                      f"{did_you_mean(unknown[0], cands)}")
                raise IrtEloError("weights: a mapping names either benchmarks or items, not a mix of both")
            if (per < 0).any() or not np.isfinite(per).all() or per.sum() <= 0:
                raise IrtEloError("weights must be finite, non-negative and not all zero")
        per = per.to_numpy(dtype=float)
        mean_per_response = float(per[table.item_idx].mean())
        if mean_per_response <= 0:
            raise IrtEloError(f"{table.name}: every answered item has weight 0; give some a positive weight")
        return pd.Series(per / mean_per_response, index=table.item_names, name="weight")

    def _response_weights(self, table: ResponseTable) -> np.ndarray | None:
        w = table.weight
        per_item = self.item_weights(table)
        if per_item is not None:
            iw = per_item.to_numpy()[table.item_idx]
            w = iw if w is None else w * iw
        elif self.weights is not None and not isinstance(self.weights, (str, Mapping)):
            arr = np.asarray(self.weights, dtype=float)
            if arr.shape != (table.n_obs,):
                raise IrtEloError(f"weights: an array needs one weight per response ({table.n_obs}), got "
                                  f"{arr.size}")
            if (~np.isfinite(arr) | (arr < 0)).any() or arr.sum() <= 0:
                raise IrtEloError("weights must be finite, non-negative and not all zero")
            w = arr if w is None else w * arr
        return w

    # -- fitting --------------------------------------------------------------------------------------------------
    def fit(self, data: ResponseTable | pd.DataFrame) -> ItemFitter:
        """Fit item parameters and score every model. Returns ``self``.

        Parameters
        ----------
        data : ResponseTable or DataFrame
            Item-level binary responses (a DataFrame is read with :func:`~irt_elo.data.responses.responses_from_frame`).

        Examples
        --------
        >>> from irt_elo.data.simulate import simulate_responses
        >>> table, truth = simulate_responses(100, 30, model="1pl", random_state=0)
        >>> f = ItemFitter(model="1pl").fit(table)
        >>> f.converged_, bool(np.corrcoef(f.theta_, truth["theta"])[0, 1] > 0.85)
        (True, True)
        """
        t0 = time.perf_counter()
        table = _as_responses(data)
        table.check_connected()
        one_pl = self.model == "1pl"
        w = self._response_weights(table)
        d = item_data(table.model_idx, table.item_idx, table.correct, w, table.n_models, table.n_items)
        priors = ItemPriors(None if self.prior_sd is None else float(self.prior_sd),
                            None if self.slope_prior is None else float(self.slope_prior))
        if self.method == "mml":
            res = fit_mml(d, one_pl=one_pl, n_quadrature=int(self.n_quadrature), priors=priors,
                          max_iter=self.max_iter, tol=self.tol, progress=self.progress)
            a_std, c_std = res.a, res.c
            grid_eap = res.posterior @ res.nodes
            if self.adaptive is False:
                theta_u = grid_eap
                se_u = np.sqrt(np.maximum(res.posterior @ res.nodes ** 2 - grid_eap ** 2, 0.0))
                loglik = res.loglik_grid
            else:
                sc = score_models(d, a_std, c_std, n_nodes=self._n_adaptive, theta0=grid_eap)
                theta_u, se_u = (sc.eap, sc.psd) if self.scoring == "eap" else (sc.map, sc.map_se)
                loglik = float(sc.loglik.sum())
            # Standard latent -> logits: a 1PL's shared slope is the population SD in logits.
            k = float(a_std[0]) if one_pl else 1.0
            theta, theta_se = k * theta_u, k * se_u
            alpha = a_std / k
            delta = -c_std / a_std * k  # 2PL: -c/a; 1PL: -c (logits)
            self.prior_ = (0.0, k)  # capability prior on the logit scale: N(0, k^2)
            self.n_iter_, self.converged_ = res.n_iter, res.converged
            self.result_ = res
        else:
            res = fit_jmap(d, one_pl=one_pl, priors=priors, max_iter=self.max_iter, tol=self.tol,
                           progress=self.progress)
            # Report each capability as its MAP given the final items (what score() returns for the same data).
            sc = score_models(d, res.a, res.c, prior_sd=res.theta_sd, theta0=res.theta, posterior_mean=False)
            theta, theta_se = sc.map, sc.map_se
            alpha, delta = res.a.copy(), -res.c / res.a
            z = res.a[d.item_idx] * d.spread(theta) + res.c[d.item_idx]
            loglik = float((d.w * (d.y * z - _softplus(z))).sum())
            self.prior_ = (0.0, res.theta_sd)
            self.n_iter_, self.converged_ = res.n_iter, res.converged
            self.result_ = res
        self.table_ = table
        self.response_weights_ = w
        iw = self.item_weights(table)
        self.item_weights_ = iw if iw is not None else pd.Series(1.0, index=table.item_names, name="weight")
        self.log_likelihood_ = loglik
        self.theta_ = pd.Series(theta, index=table.model_names, name="theta")
        self.theta_se_ = pd.Series(theta_se, index=table.model_names, name="theta_se")
        self.delta_ = pd.Series(delta, index=table.item_names, name="delta")
        self.alpha_ = pd.Series(alpha, index=table.item_names, name="alpha")
        self.scale_spec_ = self._scale_spec()
        self.scale_ = self.scale_spec_.calibrate(self.theta_)
        self.capability_ = pd.Series(self.scale_.capability(theta), index=table.model_names, name="capability")
        self.capability_se_ = pd.Series(theta_se * abs(self.scale_.per_logit), index=table.model_names,
                                        name="capability_se")
        self.difficulty_ = pd.Series(self.scale_.difficulty(delta), index=table.item_names, name="difficulty")
        self.slope_ = pd.Series(self.scale_.slope(alpha), index=table.item_names, name="slope")
        self.identification_ = self.identification()
        self.models_, self.items_ = self.frames()
        self.seconds_ = time.perf_counter() - t0
        return self

    def identification(self) -> str:
        """One sentence saying how the fitted scale is pinned down."""
        if self.method == "mml":
            return ("capabilities of the population ~ N(0, 1) (2PL)" if self.model == "2pl" else
                    "1PL in logits (all slopes 1); population ~ N(0, sigma^2) with sigma estimated")
        return ("joint MAP 2PL; capabilities centred and scaled to an estimated population N(0, 1)"
                if self.model == "2pl" else
                "joint MAP 1PL in logits; capabilities centred, prior N(0, sigma^2) with sigma estimated")

    # -- outputs --------------------------------------------------------------------------------------------------
    def frames(self, scale: ScaleSpec | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per-model and per-item result tables on the fitted scale or another one.

        Returns
        -------
        models : DataFrame
            ``model``, ``capability``, ``capability_se``, ``n_responses``, ``proportion_correct``, model metadata.
        items : DataFrame
            ``item``, ``difficulty``, ``slope``, ``n_responses``, ``proportion_correct``, ``weight``, item metadata.

        Examples
        --------
        >>> from irt_elo.data.simulate import simulate_responses
        >>> t, _ = simulate_responses(50, 10, model="1pl", random_state=0)
        >>> f = ItemFitter(model="1pl").fit(t)
        >>> models, items = f.frames("elo")
        >>> round(float(models["capability"].mean()), 6), len(items)  # Elo: the mean model at 1000
        (1000.0, 10)
        """
        self._check_fitted()
        lm = self.scale_ if scale is None else (make_scale(scale) if isinstance(scale, str) else scale).calibrate(
            self.theta_)
        t = self.table_
        models = pd.DataFrame({
            "model": t.model_names,
            "capability": lm.capability(self.theta_.to_numpy()),
            "capability_se": self.theta_se_.to_numpy() * abs(lm.per_logit),
            "n_responses": t.responses_per_model().to_numpy(),
            "proportion_correct": t.proportion_correct("model").to_numpy(),
        })
        models = pd.concat([models, t.models.reset_index(drop=True)], axis=1)
        items = pd.DataFrame({
            "item": t.item_names,
            "difficulty": lm.difficulty(self.delta_.to_numpy()),
            "slope": lm.slope(self.alpha_.to_numpy()),
            "n_responses": t.responses_per_item().to_numpy(),
            "proportion_correct": t.proportion_correct("item").to_numpy(),
            "weight": self.item_weights_.to_numpy(),
        })
        items = pd.concat([items, t.items.reset_index(drop=True)], axis=1)
        return models, items

    def predict(self, models: Sequence[str] | None = None, items: Sequence[str] | None = None) -> pd.DataFrame:
        """Probability of a correct response for each requested model × item (dense frame; subset large fits).

        Examples
        --------
        >>> from irt_elo.data.simulate import simulate_responses
        >>> t, _ = simulate_responses(50, 10, random_state=0)
        >>> p = ItemFitter().fit(t).predict(models=["m00", "m01"])
        >>> p.shape, bool(((p > 0) & (p < 1)).all().all())
        ((2, 10), True)
        """
        return self._predict_frame(models, items)

    def score(self, responses: ResponseTable | pd.DataFrame, method: Literal["eap", "map"] | None = None, *,
              unknown_items: Literal["error", "ignore"] = "error") -> pd.DataFrame:
        """Score models against the frozen item parameters (e.g. new models, or a held-out subset of items).

        Parameters
        ----------
        responses : ResponseTable or DataFrame
            Item-level responses; their items must be among the fitted items.
        method : {'eap', 'map'}, optional
            Posterior mean and SD (adaptive Gauss–Hermite), or posterior mode and curvature SE. Default: EAP for
            MML fits, MAP for joint-MAP fits.
        unknown_items : {'error', 'ignore'}
            What to do with responses to items the fit has not seen.

        Per-item weights of the fit (``'domain'``, ``'benchmark'``, a mapping) apply to the new responses too, times
        their own ``weight`` column; a per-response weight array given to the fit does not carry over.

        Returns
        -------
        DataFrame
            ``model``, ``theta``, ``theta_se`` (logits), ``capability``, ``capability_se`` (fitted scale),
            ``n_responses``.

        Examples
        --------
        >>> from irt_elo.data.simulate import simulate_responses
        >>> table, _ = simulate_responses(100, 40, random_state=0)
        >>> f = ItemFitter().fit(table.filter(models=table.model_names[:80]))
        >>> new = f.score(table.filter(models=table.model_names[80:]))
        >>> len(new), list(new.columns[:3])
        (20, ['model', 'theta', 'theta_se'])
        """
        self._check_fitted()
        new = _as_responses(responses)
        method = method or ("eap" if self.method == "mml" else "map")
        if method not in ("eap", "map"):
            raise IrtEloError(f"method must be 'eap' or 'map', not {method!r}")
        if unknown_items not in ("error", "ignore"):
            raise IrtEloError(f"unknown_items must be 'error' or 'ignore', not {unknown_items!r}")
        pos = self.table_.item_names.get_indexer(new.item_names)
        if (pos < 0).any():
            unknown = new.item_names[pos < 0]
            if unknown_items == "error":
                raise IrtEloError(f"{new.name}: {unknown.size} item(s) were not in the fitted data, e.g. "
                                  f"{unknown[0]!r}; pass unknown_items='ignore' to score on the known items only")
            keep = pos[new.item_idx] >= 0
            if not keep.any():
                raise IrtEloError(f"{new.name}: none of the items were in the fitted data")
            new = new.filter(mask=keep)
            pos = self.table_.item_names.get_indexer(new.item_names)
        w = new.weight
        iw = self.item_weights_.to_numpy()[pos][new.item_idx]
        w = iw if w is None else w * iw
        d = item_data(new.model_idx, pos[new.item_idx], new.correct, w, new.n_models, self.table_.n_items)
        # Work on the logit scale: z = alpha (theta - delta) = alpha theta + c.
        a = self.alpha_.to_numpy()
        c = -a * self.delta_.to_numpy()
        mu, sd = self.prior_
        sc = score_models(d, a, c, prior_mean=mu, prior_sd=sd, n_nodes=self._n_adaptive)
        theta, se = (sc.eap, sc.psd) if method == "eap" else (sc.map, sc.map_se)
        return pd.DataFrame({
            "model": new.model_names,
            "theta": theta,
            "theta_se": se,
            "capability": self.scale_.capability(theta),
            "capability_se": se * abs(self.scale_.per_logit),
            "n_responses": new.responses_per_model().to_numpy(),
        })

    def _check_fitted(self) -> None:
        if not hasattr(self, "theta_"):
            raise IrtEloError("this ItemFitter is not fitted yet; call .fit(responses) first")

    def __repr__(self) -> str:
        state = f"fitted on {self.table_!r}" if hasattr(self, "theta_") else "not fitted"
        return f"ItemFitter(name={self.name!r}, model={self.model!r}, method={self.method!r}; {state})"


def _as_responses(data: object) -> ResponseTable:
    if isinstance(data, ResponseTable):
        return data
    if isinstance(data, pd.DataFrame):
        return responses_from_frame(data)
    raise IrtEloError(f"item-level fits take a ResponseTable or a DataFrame of responses, not {type(data).__name__}; "
                      "for benchmark scores (a ScoreTable) use irt_elo.Fitter")


__all__ = ["ItemFitter", "ItemPriors", "ItemData", "Segments", "item_data", "fit_mml", "fit_jmap", "score_models",
           "quadrature_grid", "e_step", "mstep_2pl", "mstep_1pl", "population_moments", "MMLResult", "JMAPResult",
           "Scores"]
