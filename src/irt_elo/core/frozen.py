"""Capability of a model on a frozen scale: the one-parameter problem left when every benchmark's difficulty and
slope are held fixed (numpy only; no pandas, no I/O).

A new model with scores ``y_k`` on benchmarks with slope ``s_k`` and difficulty ``d_k`` (on any linear scale, e.g.
ECI points) gets the capability ``c`` that minimises the fit's own loss over its cells plus the fit's ridge on it::

    f(c) = sum_k l(s_k (c - d_k); y_k, w_k) + 0.5 * ridge * (c - centre)^2

so a model already in the fit, scored from its own scores against the fit's benchmark parameters, gets back its
fitted value: at the joint optimum each capability is the minimiser of exactly this function (the ridge of the joint
fit on that model's raw capability, mapped onto the scale, is ``ridge`` and ``centre``).

:func:`place` solves many such problems at once, one per row of ``(rows, cells)`` arrays (rows = models, or models
x bootstrap draws), with cells of zero weight as padding. :func:`estimator_variance` is the sandwich variance of that
estimate under a residual model ``Var(y_k) = v_k``, the quantity the choice of the next benchmark minimises.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from irt_elo.core.model import LOSSES, cell_terms
from irt_elo.errors import IrtEloError

GRID_POINTS = 97  # start search: the objective of a few saturated benchmarks can have flat stretches


@dataclass(frozen=True)
class Placement:
    """What :func:`place` returns, one entry per row.

    ``value``: the minimiser (NaN for a row with no weighted cell); ``at_lower``/``at_upper``: the minimiser sits on
    the search bound with the objective still falling beyond it (the data put no limit on that side, e.g. every score
    at the ceiling); ``converged``: the Newton steps met the tolerance; ``n_iter``: iterations of the slowest row.
    """

    value: np.ndarray
    at_lower: np.ndarray
    at_upper: np.ndarray
    converged: np.ndarray
    n_iter: int


def _terms(c: np.ndarray, y: np.ndarray, w: np.ndarray, s: np.ndarray, d: np.ndarray, loss: str,
           phi: np.ndarray | None, ridge: float, centre: float, derivatives: bool = True
           ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Objective per row and, with ``derivatives``, its gradient and Newton curvature (the exact second derivative
    where it is positive, else the Fisher one: Newton near the optimum, Fisher scoring off the convex part)."""
    z = s * (c[:, None] - d)
    value, gz, he, hf = cell_terms(z, y, w, loss, phi)
    dc = c - centre
    f = value.sum(axis=1) + 0.5 * ridge * dc * dc
    if not derivatives:
        return f, None, None
    s2 = s * s
    h_exact, h_fisher = (s2 * he).sum(axis=1), (s2 * hf).sum(axis=1)
    h = np.where(h_exact > 1e-12 * h_fisher, h_exact, h_fisher) + ridge
    return f, (s * gz).sum(axis=1) + ridge * dc, h


def _rows(a: np.ndarray | float, shape: tuple[int, int]) -> np.ndarray:
    return np.broadcast_to(np.asarray(a, dtype=float), shape)


def _take(a: np.ndarray | float | None, shape: tuple[int, int], rows: np.ndarray | None, k: int
          ) -> np.ndarray | None:
    """The first ``k`` cells of ``rows`` (None: every row) of an array broadcast to ``shape`` (None stays None)."""
    if a is None:
        return None
    full = _rows(a, shape)
    return full[:, :k] if rows is None else full[rows, :k]


def place(y: np.ndarray, weight: np.ndarray, slope: np.ndarray, difficulty: np.ndarray, *,
          loss: str = "least_squares", phi: np.ndarray | None = None, ridge: float = 0.0, centre: float = 0.0,
          bounds: tuple[float, float] = (-np.inf, np.inf), start: np.ndarray | None = None, max_iter: int = 100,
          tol: float = 1e-10, steps: int | None = None, finish: bool = True) -> Placement:
    """Capability per row that minimises the row's loss with the benchmark parameters held fixed.

    Parameters
    ----------
    y, weight : ndarray, shape (rows, cells)
        Scores (fractions) and per-cell loss weights; a weight of 0 marks padding (its score is ignored but must be
        finite and, for the beta loss, inside (0, 1)). Rows are solved in groups of equal cell counts, so pad at the
        end of each row: a row with ``n`` weighted cells should have them in its first ``n`` columns.
    slope, difficulty : ndarray, broadcastable to (rows, cells)
        Benchmark parameters on the capability's scale (``score = sigmoid(slope (c - difficulty))``).
    loss : {'least_squares', 'binomial', 'bernoulli', 'beta'}
        The fit's loss (binomial: ``weight`` already multiplied by the question counts).
    phi : ndarray, optional
        Beta precision per cell.
    ridge, centre : float
        The fit's ridge on this capability: ``0.5 * ridge * (c - centre)^2``.
    bounds : (float, float)
        Search interval (the fit's capability bounds mapped onto the scale). A start search over a grid needs
        finite bounds; with ``start`` given they may be infinite.
    start : ndarray, optional
        Start per row (e.g. the central estimate, for bootstrap rows); default: the best point of a grid over
        ``bounds``.
    max_iter, tol : int, float
        Newton iterations and the relative step size at which a row has converged.
    steps : int, optional
        First take up to this many plain Newton steps from ``start`` (no line search: fast when the start is close,
        as the central estimate is for bootstrap rows); rows that have not converged by then, or whose steps leave
        the convex part or touch a bound, continue with the safeguarded iterations. Same answer, less work.
    finish : bool
        With ``steps``: finish those rows here (default), or leave them NaN and unconverged for the caller to solve
        together with others (one call for many blocks costs less than many small ones).

    Returns
    -------
    Placement

    Examples
    --------
    >>> y = np.array([[0.5, 0.9]]); w = np.array([[1.0, 0.0]])  # second cell is padding
    >>> r = place(y, w, np.ones((1, 2)), np.array([[3.0, 0.0]]), bounds=(-10.0, 10.0))
    >>> round(float(r.value[0]), 8), bool(r.converged[0])
    (3.0, True)
    >>> r = place(np.array([[0.999]]), np.ones((1, 1)), 1.0, 0.0, bounds=(-5.0, 5.0))  # ceiling: no upper limit
    >>> float(r.value[0]), bool(r.at_upper[0])
    (5.0, True)
    """
    if loss not in LOSSES:
        raise IrtEloError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")
    y = np.atleast_2d(np.asarray(y, dtype=float))
    shape = y.shape
    w = np.asarray(_rows(weight, shape))
    lo, hi = float(bounds[0]), float(bounds[1])
    if start is None and not (np.isfinite(lo) and np.isfinite(hi)):
        raise IrtEloError("place: a start search needs finite bounds; give start= or finite bounds")
    n_cells = (w > 0).sum(axis=1)
    value = np.full(shape[0], np.nan)
    at_lo, at_hi = np.zeros(shape[0], bool), np.zeros(shape[0], bool)
    converged = n_cells == 0
    n_iter = 0
    starts = None if start is None else np.broadcast_to(np.asarray(start, dtype=float), shape[:1])
    for k in np.unique(n_cells[n_cells > 0]):  # one group per cell count: no work on padding
        rows = np.flatnonzero(n_cells == k)
        every = rows.size == shape[0]  # one group (callers often group by cell count): no copies
        args = (*(_take(a, shape, None if every else rows, k) for a in (y, w, slope, difficulty)), loss,
                _take(phi, shape, None if every else rows, k), ridge, centre)
        st = None if starts is None else starts[rows]
        if steps is not None and st is not None:
            c, ok, it = _k_steps(args, lo, hi, st, steps, max_iter, tol, finish)
        else:
            c, ok, it = _newton(args, lo, hi, st, max_iter, tol)
        value[rows], converged[rows], n_iter = c, ok, max(n_iter, it)
        span = max(hi - lo, 1.0) if np.isfinite(hi - lo) else 1.0
        edge = np.flatnonzero((c <= lo + 1e-9 * span) | (c >= hi - 1e-9 * span))
        if edge.size:  # on a bound: is the objective still falling beyond it?
            _, g, _ = _terms(c[edge], *(a[edge] if isinstance(a, np.ndarray) else a for a in args))
            at_lo[rows[edge]] = (c[edge] <= lo + 1e-9 * span) & (g > 0)
            at_hi[rows[edge]] = (c[edge] >= hi - 1e-9 * span) & (g < 0)
    return Placement(value, at_lo, at_hi, converged, n_iter)


def _newton_sums(c: np.ndarray, y: np.ndarray, w: np.ndarray, s: np.ndarray, d: np.ndarray, loss: str,
                 phi: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the loss's first and exact second derivative in ``c`` (no ridge)."""
    _, gz, he, _ = cell_terms(s * (c[:, None] - d), y, w, loss, phi, value=False)
    he *= s
    return np.einsum("ij,ij->i", s, gz), np.einsum("ij,ij->i", s, he)  # fused multiply-and-sum


def _ls_newton_sums(c: np.ndarray, y: np.ndarray, w: np.ndarray, s: np.ndarray, d: np.ndarray, loss: str,
                    phi: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_newton_sums` for least squares, in place: the same numbers as :func:`cell_terms` with half the
    passes over memory (this is the inner loop of scoring many models under many draws).

    With ``mu = sigmoid(s (c - d))``, ``q = mu (1 - mu)`` and ``r = mu - y``: ``dl/dc = s w r q`` and
    ``d2l/dc2 = s^2 w q (q + r (1 - 2 mu))``."""
    mu = np.subtract(c[:, None], d)
    mu *= s
    expit(mu, out=mu)
    r = mu - y
    q = 1.0 - mu
    q *= mu  # mu (1 - mu)
    mu *= -2.0
    mu += 1.0  # 1 - 2 mu
    mu *= r
    mu += q  # q + r (1 - 2 mu)
    q *= w
    q *= s  # s w q
    g = np.einsum("ij,ij->i", q, r)
    q *= s
    return g, np.einsum("ij,ij->i", q, mu)


def _k_steps(args: tuple, lo: float, hi: float, start: np.ndarray, steps: int, max_iter: int, tol: float,
             finish: bool = True) -> tuple[np.ndarray, np.ndarray, int]:
    """Up to ``steps`` plain Newton steps (exact curvature) from ``start``, each on the rows still moving; rows that
    meet a non-positive curvature, a bound or a growing step, or have not converged to ``tol``, finish in
    :func:`_newton`."""
    y, w, s, d, loss, phi, ridge, centre = args
    c = np.clip(np.asarray(start, dtype=float), lo, hi)
    ok = np.zeros(c.size, dtype=bool)
    bad = ~np.isfinite(c)
    prev = np.full(c.size, np.inf)
    act = np.flatnonzero(~bad)  # the rows the cell arrays hold
    if act.size < c.size:
        y, w, s, d = y[act], w[act], s[act], d[act]
        phi = None if phi is None else phi[act]
    live = np.ones(act.size, dtype=bool)  # which of those are still moving
    it = 0
    for it in range(1, steps + 1):  # noqa: B007 - the count is reported
        if not live.any():
            break
        if live.mean() < 0.5:  # gather the moving rows once most have stopped; before that, masking is cheaper
            keep = np.flatnonzero(live)
            y, w, s, d, act = y[keep], w[keep], s[keep], d[keep], act[keep]
            phi = None if phi is None else phi[keep]
            live = np.ones(act.size, dtype=bool)
        ca = c[act]
        g, h = (_ls_newton_sums if loss == "least_squares" else _newton_sums)(ca, y, w, s, d, loss, phi)
        h += ridge
        step = -(g + ridge * (ca - centre)) / np.where(h > 0, h, 1.0)
        new = ca + step
        size = np.abs(step)
        pa = prev[act]
        off = live & (~(h > 0) | (new <= lo) | (new >= hi) | ~np.isfinite(new) | (size > pa))
        upd = live & ~off
        c[act] = np.where(upd, new, ca)
        prev[act] = np.where(live, size, pa)
        bad[act[off]] = True
        # Newton converges quadratically: once the steps shrink like e_(k+1) = C e_k^2 (C read off the last two
        # steps, the next one predicted below the tolerance), this point is as good as the next one.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            predicted = np.where(np.isfinite(pa) & (size < 0.1 * pa), size * size * size / (pa * pa), np.inf)
        done = upd & (np.minimum(size, predicted) <= tol * (1.0 + np.abs(new)))
        ok[act[done]] = True
        live &= ~off & ~done
    bad[act[live]] = True  # still moving after the plain steps
    if bad.any() and not finish:
        c[bad] = np.nan
    elif bad.any():
        idx = np.flatnonzero(bad)
        sub = tuple(a[idx] if isinstance(a, np.ndarray) else a for a in args)
        c[idx], ok[idx], extra = _newton(sub, lo, hi, start[idx], max_iter, tol)
        it += extra
    return c, ok, it


def _newton(args: tuple, lo: float, hi: float, start: np.ndarray | None, max_iter: int, tol: float
            ) -> tuple[np.ndarray, np.ndarray, int]:
    """Bounded, monotone Newton iterations for one group of rows; each iteration evaluates the cells once (more
    only for rows whose step had to be shortened)."""
    def sub(idx: np.ndarray) -> tuple:
        return tuple(a[idx] if isinstance(a, np.ndarray) else a for a in args)

    n = args[0].shape[0]
    if start is None:
        grid = np.linspace(lo, hi, GRID_POINTS)
        vals = np.stack([_terms(np.full(n, g), *args, derivatives=False)[0] for g in grid])
        c = grid[np.argmin(vals, axis=0)]
    else:
        c = np.clip(np.where(np.isfinite(start), start, np.clip(0.0, lo, hi)), lo, hi)
    f, g, h = _terms(c, *args)
    ok = np.zeros(n, dtype=bool)
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        act = np.flatnonzero(~ok)
        if act.size == 0:
            break
        ca, step = c[act], -g[act] / np.maximum(h[act], 1e-300)
        cn = np.clip(ca + step, lo, hi)
        fn, gn, hn = _terms(cn, *sub(act))
        worse = fn > f[act] + 1e-13 * np.abs(f[act])
        t = 1.0
        for _ in range(60):  # shorten the steps that raised the objective
            if not worse.any():
                break
            t *= 0.5
            wi = np.flatnonzero(worse)
            cn[wi] = np.clip(ca[wi] + t * step[wi], lo, hi)
            fw, gw, hw = _terms(cn[wi], *sub(act[wi]))
            fn[wi], gn[wi], hn[wi] = fw, gw, hw
            worse[wi] = fw > f[act][wi] + 1e-13 * np.abs(f[act][wi])
        stuck = worse  # no decrease along the step: the current point is a minimum to rounding
        cn[stuck], fn[stuck], gn[stuck], hn[stuck] = ca[stuck], f[act][stuck], g[act][stuck], h[act][stuck]
        done = stuck | (np.abs(cn - ca) <= tol * (1.0 + np.abs(ca)))
        c[act], f[act], g[act], h[act] = cn, fn, gn, hn
        ok[act[done]] = True
    return c, ok, it


def estimator_variance(c: np.ndarray, slope: np.ndarray, difficulty: np.ndarray, weight: np.ndarray,
                       variance: np.ndarray, *, loss: str = "least_squares", phi: np.ndarray | None = None,
                       ridge: float = 0.0) -> np.ndarray:
    """Sandwich variance of :func:`place`'s estimate at ``c`` when each score has variance ``variance``.

    The estimate solves ``sum_k s_k l'_k = 0``; a small change ``e_k`` in the scores moves it by
    ``-sum_k s_k (dl'_k/dy) e_k / H`` with ``H`` the curvature, so ``Var = sum_k s_k^2 (dl'_k/dy)^2 v_k / H^2``,
    evaluated at the expected scores ``y = sigmoid(s (c - d))``. Arrays as in :func:`place` (rows x cells).

    Examples
    --------
    >>> # one least-squares cell at its midpoint: Var = v / (s^2 (mu(1 - mu))^2) = 0.01 / 0.0625
    >>> float(estimator_variance(np.array([0.0]), 1.0, np.zeros((1, 1)), np.ones((1, 1)), 0.01)[0])
    0.16
    """
    d = np.atleast_2d(np.asarray(difficulty, dtype=float))
    c = np.asarray(c, dtype=float)
    shape = np.broadcast_shapes(d.shape, (c.size, 1))
    s, d, w, v = (np.array(_rows(a, shape)) for a in (slope, d, weight, variance))
    z = s * (c[:, None] - d)
    mu = expit(z)
    ph = None if phi is None else np.array(_rows(phi, shape))
    _, _, _, h = cell_terms(z, mu, w, loss, ph, value=False)
    dmu = mu * (1.0 - mu)
    if loss == "least_squares":  # l' = w (mu - y) mu'
        sens = w * dmu
    elif loss in ("binomial", "bernoulli"):  # l' = w (p - y)
        sens = w
    else:  # beta: l' = w phi (digamma(a) - digamma(b) - log y + log(1 - y)) mu'
        y = np.clip(mu, 1e-9, 1 - 1e-9)
        sens = w * ph * dmu / (y * (1.0 - y))
    num = (s * s * sens * sens * v).sum(axis=1)
    den = (s * s * h).sum(axis=1) + ridge
    return num / np.maximum(den, 1e-300) ** 2


__all__ = ["Placement", "place", "estimator_variance", "GRID_POINTS"]
