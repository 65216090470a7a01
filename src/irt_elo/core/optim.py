"""A small bounded Levenberg–Marquardt / damped-Newton minimiser for problems with up to a few thousand parameters.

Why not scipy alone: ``least_squares(method='trf')`` with a sparse Jacobian spends nearly all its time in Python
overhead of LSMR matrix-vector products, and with a dense finite-difference Jacobian in Jacobian evaluations.
For the capability model the parameter count ``P`` (models + benchmarks + slopes) is small, so forming the
``P × P`` Gauss-Newton (or Fisher) matrix and solving it with a Cholesky factorisation is both exact and ~50×
cheaper per iteration. Bounds are handled with an active set: variables at a bound whose gradient points outward
are frozen for the step, the step is projected onto the box, and convergence is measured on the projected gradient.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

from irt_elo.core.threads import blas_threads

Objective = Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]]
ValueOnly = Callable[[np.ndarray], float]


@dataclass(frozen=True)
class NewtonResult:
    """What :func:`minimize_box` returns: the solution, its value, iterations and objective evaluations, whether a
    stopping rule was met (and which), and the largest projected-gradient component at the solution."""

    x: np.ndarray
    fun: float
    n_iter: int
    n_fev: int
    success: bool
    message: str
    projected_gradient: float


class DenseCurvature:
    """A dense symmetric positive semi-definite curvature matrix ``H``."""

    def __init__(self, H: np.ndarray) -> None:
        self.H = H

    def diagonal(self) -> np.ndarray:
        return np.diag(self.H)

    def damped_solve(self, free: np.ndarray, mu: float, g: np.ndarray) -> np.ndarray:
        """Solve ``(H_ff + mu diag(H_ff)) s = -g_f`` (diagonal entries <= 0 damped by ``mu``); raises LinAlgError."""
        Hf = self.H[np.ix_(free, free)]
        diag = np.diag(Hf).copy()
        diag[diag <= 0] = 1.0
        c = cho_factor(Hf + mu * np.diag(diag), lower=False, check_finite=False)
        return -cho_solve(c, g[free], check_finite=False)

    def quadratic(self, s: np.ndarray) -> float:
        """``s^T H s``."""
        return float(s @ (self.H @ s))


class ArrowCurvature:
    """An arrow-shaped curvature: a diagonal leading block ``D`` (the first ``len(D)`` variables), a coupling block
    ``C`` and a dense trailing block ``E``, i.e. ``H = [[diag(D), C], [C^T, E]]``.

    The capability model's Hessian has this shape (capabilities only meet benchmark parameters), so a damped step
    costs one Cholesky of the trailing block's Schur complement instead of one of the whole matrix.
    """

    def __init__(self, D: np.ndarray, C: np.ndarray, E: np.ndarray) -> None:
        self.D, self.C, self.E = D, C, E
        self.m = D.size

    def diagonal(self) -> np.ndarray:
        return np.concatenate([self.D, np.diag(self.E)])

    def damped_solve(self, free: np.ndarray, mu: float, g: np.ndarray) -> np.ndarray:
        m = self.m
        ft, fr = free[:m], free[m:]
        dt = self.D[ft]
        dd = dt + mu * np.where(dt > 0, dt, 1.0)
        if np.any(dd <= 0):
            raise LinAlgError("leading block is not positive definite")
        Cf = self.C[np.ix_(ft, fr)]
        Ef = self.E[np.ix_(fr, fr)]
        ed = np.diag(Ef).copy()
        Ef[np.diag_indices_from(Ef)] += mu * np.where(ed > 0, ed, 1.0)
        gt, gr = g[:m][ft], g[m:][fr]
        W = Cf / dd[:, None]
        chol = cho_factor(Ef - Cf.T @ W, lower=False, check_finite=False)
        sr = -cho_solve(chol, gr - W.T @ gt, check_finite=False)
        return np.concatenate([-(gt + Cf @ sr) / dd, sr])

    def quadratic(self, s: np.ndarray) -> float:
        st, sr = s[:self.m], s[self.m:]
        return float(self.D @ (st * st) + 2.0 * st @ (self.C @ sr) + sr @ (self.E @ sr))


def minimize_box(
    objective: Objective,
    value: ValueOnly,
    x0: np.ndarray,
    lower: np.ndarray | float = -np.inf,
    upper: np.ndarray | float = np.inf,
    *,
    ftol: float = 1e-12,
    gtol: float = 1e-10,
    xtol: float = 1e-12,
    max_iter: int = 500,
) -> NewtonResult:
    """Minimise a smooth function with a positive semi-definite curvature model inside a box.

    Parameters
    ----------
    objective : callable
        ``x -> (f, gradient, H)`` with ``H`` a dense symmetric positive semi-definite curvature matrix
        (Gauss-Newton ``J^T J``, the Fisher information or an exact Hessian, plus penalty curvature), or any object
        with the methods of :class:`DenseCurvature` (e.g. :class:`ArrowCurvature`).
    value : callable
        ``x -> f`` only; used for trial steps.
    x0, lower, upper : ndarray
        Start and bounds (the start is projected into the box).
    ftol, gtol, xtol : float
        Stop when both the achieved and the predicted relative decrease of ``f`` are below ``ftol`` (MINPACK's rule),
        when the largest projected gradient component is below ``gtol``, or when the step is below
        ``xtol * (xtol + |x|)``.
    max_iter : int
        Maximum number of accepted-or-rejected steps.

    Returns
    -------
    NewtonResult

    Examples
    --------
    >>> f = lambda x: (float((x - 3) @ (x - 3)), 2 * (x - 3), 2 * np.eye(2))
    >>> r = minimize_box(f, lambda x: f(x)[0], np.zeros(2), 0.0, 2.0)
    >>> r.x.round(6).tolist(), r.success
    ([2.0, 2.0], True)
    """
    with blas_threads(1 if np.size(x0) <= SMALL_PROBLEM else None):
        return _minimize_box(objective, value, x0, lower, upper, ftol, gtol, xtol, max_iter)


SMALL_PROBLEM = 4000  # parameters; up to here the Newton system is small dense algebra, best on one BLAS thread


def _minimize_box(objective: Objective, value: ValueOnly, x0: np.ndarray, lower: np.ndarray | float,
                  upper: np.ndarray | float, ftol: float, gtol: float, xtol: float, max_iter: int) -> NewtonResult:
    lo = np.broadcast_to(np.asarray(lower, dtype=float), x0.shape)
    hi = np.broadcast_to(np.asarray(upper, dtype=float), x0.shape)
    x = np.clip(np.asarray(x0, dtype=float), lo, hi)

    def evaluate(v: np.ndarray) -> tuple[float, np.ndarray, Any]:
        f_, g_, H_ = objective(v)
        return f_, g_, DenseCurvature(H_) if isinstance(H_, np.ndarray) else H_

    f, g, H = evaluate(x)
    n_fev = 1
    mu = 1e-3 * max(float(np.max(H.diagonal(), initial=0.0)), 1e-12)
    nu = 2.0
    message = "maximum number of iterations reached"
    success = False
    it = 0
    pg = _projected_gradient(x, g, lo, hi)
    for it in range(1, max_iter + 1):
        if pg <= gtol:
            message, success = "projected gradient below gtol", True
            break
        free = ~(((x <= lo) & (g > 0)) | ((x >= hi) & (g < 0)))
        step = np.zeros_like(x)
        try:
            step[free] = H.damped_solve(free, mu, g)
        except LinAlgError:
            mu *= nu
            nu *= 2.0
            continue
        x_new = np.clip(x + step, lo, hi)
        s = x_new - x
        pred = -(g @ s + 0.5 * H.quadratic(s))
        f_new = value(x_new)
        n_fev += 1
        if not np.isfinite(f_new):
            mu *= nu
            nu *= 2.0
            continue
        actual = f - f_new
        rho = actual / pred if pred > 0 else -1.0
        if rho > 1e-4:
            small_step = np.linalg.norm(s) <= xtol * (xtol + np.linalg.norm(x))
            # MINPACK's rule: both the achieved and the predicted decrease are negligible.
            small_decrease = max(actual, pred) <= ftol * max(abs(f), 1e-300)
            x = x_new
            f, g, H = evaluate(x)
            n_fev += 1
            pg = _projected_gradient(x, g, lo, hi)
            mu *= max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
            nu = 2.0
            if small_decrease:
                message, success = "relative decrease below ftol", True
                break
            if small_step:
                message, success = "step below xtol", True
                break
        else:
            if np.linalg.norm(s) <= xtol * (xtol + np.linalg.norm(x)):
                message, success = "no further decrease possible (step below xtol)", True
                break
            mu *= nu
            nu *= 2.0
    return NewtonResult(x, float(f), it, n_fev, success, message, float(pg))


def _projected_gradient(x: np.ndarray, g: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Infinity norm of ``x - clip(x - g)``: zero exactly at a KKT point of the box-constrained problem."""
    return float(np.max(np.abs(x - np.clip(x - g, lo, hi)))) if x.size else 0.0
