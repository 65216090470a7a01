"""The numerical problem of the aggregate 2PL/1PL fit and its solver: a pure function of index arrays, scores and
options (numpy and scipy only; no pandas, no I/O).

:func:`solve` minimises the penalised loss of a :class:`Problem` from a start vector; :class:`irt_elo.fit.Fitter`,
the bootstrap and the robustness analyses all call it, the latter two with resampled rows and warm starts.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from scipy.optimize import least_squares, minimize

from irt_elo.core import model as M
from irt_elo.core.optim import SMALL_PROBLEM, ArrowCurvature, BipartiteCurvature, minimize_box
from irt_elo.core.threads import blas_threads
from irt_elo.errors import IrtEloError

Loss = Literal["least_squares", "binomial", "bernoulli", "beta"]


ModelForm = Literal["2pl", "1pl"]


LOSSES = M.LOSSES


Curvature = Literal["gauss_newton", "exact"]


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything :func:`solve` needs: cells, targets, weights and optimiser options.

    ``cell_weight`` multiplies each cell's loss (normalised to mean 1 so the ridge keeps its meaning);
    ``trials`` is the per-cell number of questions for the binomial loss. ``precision`` (beta loss): a
    per-benchmark array of fixed precisions, or ``'common'`` / ``'benchmark'`` (None means ``'common'``) to
    estimate one shared value or one per benchmark by maximum likelihood, alternating with the parameters.
    ``curvature``: the matrix the Newton solver steps with, ``'gauss_newton'`` (Gauss-Newton / Fisher: positive
    semi-definite, robust from a cold start) or ``'exact'`` (the observed Hessian: quadratic convergence near the
    optimum, so a warm-started ECI bootstrap refit takes about half the evaluations of Gauss-Newton steps: 36 vs 79
    on average over 40 draws, ~12 vs ~24 ms, measured on a busy 2-core machine).

    Examples
    --------
    >>> from irt_elo.core import model as M
    >>> d = M.Design(M.Layout.one_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> r = solve(Problem(d, np.array([0.8, 0.3]), ridge=0.0), np.zeros(3))
    >>> r.success, d.predict(r.x).round(4).tolist()
    (True, [0.8, 0.3])
    """

    design: M.Design
    y: np.ndarray
    loss: Loss = "least_squares"
    ridge: float = 0.1
    penalty: M.PenaltyForm = "l2"
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    cell_weight: np.ndarray | None = None
    trials: np.ndarray | None = None
    tol: float = 1e-8
    max_iter: int = 1000
    precision: np.ndarray | Literal["benchmark", "common"] | None = None
    curvature: Curvature = "gauss_newton"

    @property
    def layout(self) -> M.Layout:
        return self.design.layout

    def with_rows(self, rows: np.ndarray) -> Problem:
        """The same problem on a subset / resample of the cells (indices into the current cells)."""
        rows = np.asarray(rows)
        d = M.Design(self.layout, self.design.model_idx[rows], self.design.bench_idx[rows])

        def pick(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[rows]

        return replace(self, design=d, y=self.y[rows], cell_weight=pick(self.cell_weight), trials=pick(self.trials))


@dataclass(frozen=True)
class SolveResult:
    """What :func:`solve` returns: the raw solution ``x``, its penalised loss ``cost``, the number of objective
    evaluations, whether the solver met its tolerance (``success``, ``message``), the wall time and, for the beta
    loss, the per-benchmark precision."""

    x: np.ndarray = field(repr=False)
    cost: float
    nfev: int
    success: bool
    message: str
    seconds: float = field(default=0.0, compare=False)
    precision: np.ndarray | None = field(default=None, repr=False, compare=False)  # beta loss: per benchmark


# The Gauss-Newton phase of a sparse fit (many benchmarks) stops at tolerances this much looser, then exact-Hessian
# steps finish: on simulated 300-model tables with 1,000 / 2,000 / 5,000 benchmarks (eci options) 62 / 80 / 87-120
# evaluations instead of 113 / 116 / 167, at the same or a lower loss; 1e4 saved little, 1e12 (exact from the start)
# took more steps than Gauss-Newton.
HYBRID_LOOSEN = 1e8
DENSE_LIMIT = 4000  # the smaller side (models, or difficulties + slopes): up to here its dense Schur complement is
# cheap


def _loss_weight(problem: Problem) -> np.ndarray:
    w = np.ones_like(problem.y) if problem.cell_weight is None else problem.cell_weight
    if problem.loss == "binomial":
        if problem.trials is None:
            raise IrtEloError("loss='binomial' needs the number of questions per benchmark (n_items)")
        w = w * problem.trials
    return w


def _loss_args(problem: Problem, precision: np.ndarray | None) -> tuple:
    """The data arguments of :func:`irt_elo.core.model.objective` for this problem: (design, y, weight, loss, ridge,
    penalty, per-cell precision)."""
    if problem.loss not in LOSSES:
        raise IrtEloError(f"unknown loss {problem.loss!r}; use one of {', '.join(LOSSES)}")
    if problem.curvature not in ("gauss_newton", "exact"):
        raise IrtEloError(f"curvature must be 'gauss_newton' or 'exact', not {problem.curvature!r}")
    d = problem.design
    phi = None
    if problem.loss == "beta":
        if precision is None:
            raise IrtEloError("loss='beta' needs the precision per benchmark here")
        phi = np.asarray(precision, dtype=float)[d.bench_idx]
    return d, problem.y, _loss_weight(problem), problem.loss, problem.ridge, problem.penalty, phi


def loss_functions(problem: Problem, precision: np.ndarray | None = None, curvature: Curvature | None = None
                   ) -> tuple[Any, Any]:
    """``(objective, value)`` of the problem's penalised loss.

    Parameters
    ----------
    problem : Problem
    precision : ndarray, optional
        Beta loss only: per-benchmark precision, held fixed.
    curvature : {'gauss_newton', 'exact'}, optional
        The matrix ``objective`` returns (default: the problem's).

    Returns
    -------
    objective : callable
        ``objective(x, hess=True) -> (f, gradient, H)``, ``H`` a dense matrix (None without ``hess``).
    value : callable
        ``value(x) -> f``.

    Examples
    --------
    >>> import irt_elo
    >>> f = irt_elo.fit()
    >>> objective, value = loss_functions(f.problem_)
    >>> bool(value(f.x_) == f.result_.cost)
    True
    """
    args = _loss_args(problem, precision)
    exact = (curvature or problem.curvature) == "exact"
    return ((lambda x, hess=True: M.objective(x, *args, exact=exact, hess=hess)),
            (lambda x: M.objective_value(x, *args)))


def sparse_curvature(problem: Problem, x: np.ndarray, precision: np.ndarray | None = None,
                     curvature: Curvature | None = None) -> BipartiteCurvature:
    """The curvature of the problem's penalised loss at ``x`` stored by its structure (exact Hessian, or
    Gauss-Newton / Fisher): the same matrix as ``loss_functions(...)[0](x)[2]`` without any (P x P) array, with
    :meth:`~irt_elo.core.optim.BipartiteCurvature.factor` for solves and the diagonal of the inverse.

    Examples
    --------
    >>> import irt_elo
    >>> f = irt_elo.fit()
    >>> H = sparse_curvature(f.problem_, f.x_, curvature="exact")
    >>> dense = loss_functions(f.problem_, curvature="exact")[0](f.x_)[2]
    >>> bool(np.allclose(H.matvec(f.x_), dense @ f.x_, rtol=1e-12, atol=1e-12))
    True
    """
    args = _loss_args(problem, precision)
    exact = (curvature or problem.curvature) == "exact"
    lay = problem.layout
    H = M.objective_sparse_blocks(x, *args, exact=exact)[2]
    return BipartiteCurvature(H.D, H.C, H.E_diag, H.E_off, lay.free, lay.n_benchmarks + np.arange(lay.n_free_slopes))


def solve(problem: Problem, x0: np.ndarray) -> SolveResult:
    """Minimise the problem's penalised loss from ``x0`` with analytic derivatives.

    With up to :data:`DENSE_LIMIT` difficulties and slopes: bounded Levenberg-Marquardt / Fisher scoring
    (:func:`irt_elo.core.optim.minimize_box`) with Gauss-Newton / Fisher steps or, with ``curvature='exact'``,
    exact-Hessian Newton steps; either way the (diagonal) capability block is eliminated, so a step costs a
    factorisation of the benchmark block only. Larger problems: scipy's trust-region-reflective least squares with
    the sparse analytic Jacobian, or L-BFGS-B with the analytic gradient for the likelihood losses. The beta loss
    with estimated precision alternates between the parameters and the precisions (each step lowers the same
    objective) until the precisions settle. The Newton solver runs on one BLAS thread (see :mod:`irt_elo.core.threads`).

    Examples
    --------
    >>> import irt_elo
    >>> f = irt_elo.fit()
    >>> r = solve(f.problem_, f.x_)  # warm start at the optimum: converges at once
    >>> r.success, bool(abs(r.cost - f.result_.cost) <= 1e-12 * f.result_.cost)
    (True, True)
    """
    t0 = time.perf_counter()
    lo = problem.lower if problem.lower is not None else np.full(x0.shape, -np.inf)
    hi = problem.upper if problem.upper is not None else np.full(x0.shape, np.inf)
    x0 = np.clip(np.asarray(x0, dtype=float), lo, hi)
    if problem.loss != "beta":
        x, cost, nfev, ok, msg = _minimize(problem, x0, lo, hi)
        return SolveResult(x, cost, nfev, ok, msg, time.perf_counter() - t0)

    lay, d = problem.layout, problem.design
    mode = "common" if problem.precision is None else problem.precision
    if not isinstance(mode, str):
        phi = np.broadcast_to(np.asarray(mode, dtype=float), (lay.n_benchmarks,)).copy()
        x, cost, nfev, ok, msg = _minimize(problem, x0, lo, hi, phi)
        return SolveResult(x, cost, nfev, ok, msg, time.perf_counter() - t0, phi)
    if mode not in ("benchmark", "common"):
        raise IrtEloError(f"precision must be a positive number, 'benchmark' or 'common', not {mode!r}")
    groups, n_groups = (d.bench_idx, lay.n_benchmarks) if mode == "benchmark" else (np.zeros_like(d.bench_idx), 1)
    w = _loss_weight(problem)
    est = np.asarray(M.beta_precision(x0, d, problem.y, w, groups, n_groups))
    x, total, ok, msg = x0, 0, False, "precision did not settle"
    for i in range(100):
        phi = est if mode == "benchmark" else np.full(lay.n_benchmarks, est[0])
        # After the first round every solve starts near its optimum: exact-Hessian Newton converges fastest there.
        x, cost, nfev, ok_x, msg_x = _minimize(problem if i == 0 else replace(problem, curvature="exact"),
                                               x, lo, hi, phi)
        total += nfev
        new = M.beta_precision(x, d, problem.y, w, groups, n_groups, start=est)
        settled = np.max(np.abs(np.log(new / est))) <= 1e-7
        est = new
        if settled:
            ok, msg = ok_x, msg_x
            break
    phi = est if mode == "benchmark" else np.full(lay.n_benchmarks, est[0])
    cost = M.objective_value(x, *_loss_args(problem, phi))
    return SolveResult(x, float(cost), total, ok, msg, time.perf_counter() - t0, phi)


def _minimize(problem: Problem, x0: np.ndarray, lo: np.ndarray, hi: np.ndarray,
              precision: np.ndarray | None = None) -> tuple[np.ndarray, float, int, bool, str]:
    args = _loss_args(problem, precision)
    exact = problem.curvature == "exact"
    lay = problem.layout
    k = lay.n_benchmarks + lay.n_free_slopes
    newton = None
    hybrid = False
    if k <= min(lay.n_models, DENSE_LIMIT) and lay.n_models * k <= DENSE_LIMIT ** 2:
        # Few benchmarks: the dense arrow blocks are small and the (K x K) Schur complement is the smaller side.
        def newton(x: np.ndarray) -> tuple[float, np.ndarray, ArrowCurvature]:
            f, g, blocks = M.objective_blocks(x, *args, exact=exact)
            return f, g, ArrowCurvature(*blocks)
    elif min(lay.n_models, k) <= DENSE_LIMIT:
        # Many benchmarks (or models): keep the curvature sparse, factor the Schur complement of the smaller side.
        pair_rows, pair_cols = lay.free, lay.n_benchmarks + np.arange(lay.n_free_slopes)

        def newton(x: np.ndarray, exact: bool = exact) -> tuple[float, np.ndarray, BipartiteCurvature]:
            f, g, H = M.objective_sparse_blocks(x, *args, exact=exact)
            return f, g, BipartiteCurvature(H.D, H.C, H.E_diag, H.E_off, pair_rows, pair_cols)

        hybrid = not exact
    if newton is not None:
        # The dense algebra is the Schur complement of the smaller side: one BLAS thread up to SMALL_PROBLEM (threads
        # only add overhead there and are many times slower on a busy machine), whatever the parameter count.
        value = lambda x: M.objective_value(x, *args)  # noqa: E731
        ftol, gtol = problem.tol * 1e-4, problem.tol * 1e-2
        with blas_threads(1 if min(lay.n_models, k) <= SMALL_PROBLEM else None):
            if hybrid:
                # Gauss-Newton is robust from a cold start but converges linearly; on many benchmarks its tail (the
                # benchmarks of extreme difficulty) took 2.5x the steps. Stop it early and finish with the exact
                # Hessian, which converges quadratically near the optimum: the same optimum, fewer evaluations.
                r1 = minimize_box(newton, value, x0, lo, hi, ftol=ftol * HYBRID_LOOSEN, gtol=gtol * HYBRID_LOOSEN,
                                  max_iter=problem.max_iter)
                r = minimize_box(lambda x: newton(x, True), value, r1.x, lo, hi, ftol=ftol, gtol=gtol,
                                 max_iter=max(1, problem.max_iter - r1.n_fev))
                return r.x, r.fun, r1.n_fev + r.n_fev, r.success, r.message
            r = minimize_box(newton, value, x0, lo, hi, ftol=ftol, gtol=gtol, max_iter=problem.max_iter)
        return r.x, r.fun, r.n_fev, r.success, r.message
    if problem.loss == "least_squares":
        lam, form, d, y, w = problem.ridge, problem.penalty, problem.design, problem.y, problem.cell_weight
        sw = None if w is None else np.sqrt(w)
        res = least_squares(
            M.ls_residuals, x0, jac=M.ls_jacobian, bounds=(lo, hi), method="trf", tr_solver="lsmr",
            tr_options={"atol": 1e-12, "btol": 1e-12}, ftol=problem.tol, xtol=problem.tol, gtol=problem.tol,
            max_nfev=problem.max_iter, args=(d, y, sw, lam, form))
        return res.x, float(res.cost), int(res.nfev), bool(res.success), str(res.message)

    def fun_grad(x: np.ndarray) -> tuple[float, np.ndarray]:
        f, g, _ = M.objective_blocks(x, *args, hess=False)
        return f, g

    res = minimize(fun_grad, x0, jac=True, method="L-BFGS-B", bounds=list(zip(lo, hi)),
                   options={"maxiter": problem.max_iter, "ftol": problem.tol * 1e-4, "gtol": 1e-9, "maxcor": 30})
    return res.x, float(res.fun), int(res.nfev), bool(res.success), str(res.message)


__all__ = ["Problem", "SolveResult", "solve", "loss_functions", "sparse_curvature", "Loss", "ModelForm", "Curvature",
           "LOSSES", "DENSE_LIMIT"]
