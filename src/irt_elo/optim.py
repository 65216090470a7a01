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

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve

Objective = Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]]
ValueOnly = Callable[[np.ndarray], float]


@dataclass(frozen=True)
class NewtonResult:
    x: np.ndarray
    fun: float
    n_iter: int
    n_fev: int
    success: bool
    message: str
    projected_gradient: float


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
        (Gauss-Newton ``J^T J`` or the Fisher information, plus penalty curvature).
    value : callable
        ``x -> f`` only; used for trial steps.
    x0, lower, upper : ndarray
        Start and bounds (the start is projected into the box).
    ftol, gtol, xtol : float
        Stop when the relative decrease of ``f`` is below ``ftol`` after an accepted step, when the largest projected
        gradient component is below ``gtol``, or when the step is below ``xtol * (xtol + |x|)``.
    max_iter : int
        Maximum number of accepted-or-rejected steps.

    Returns
    -------
    NewtonResult
    """
    lo = np.broadcast_to(np.asarray(lower, dtype=float), x0.shape)
    hi = np.broadcast_to(np.asarray(upper, dtype=float), x0.shape)
    x = np.clip(np.asarray(x0, dtype=float), lo, hi)
    f, g, H = objective(x)
    n_fev = 1
    mu = 1e-3 * max(float(np.max(np.diag(H))), 1e-12)
    nu = 2.0
    message = "maximum number of iterations reached"
    success = False
    it = 0
    pg = _projected_gradient(x, g, lo, hi)
    for it in range(1, max_iter + 1):
        if pg <= gtol:
            message, success = "projected gradient below gtol", True
            break
        at_lo = (x <= lo) & (g > 0)
        at_hi = (x >= hi) & (g < 0)
        free = ~(at_lo | at_hi)
        Hf = H[np.ix_(free, free)]
        gf = g[free]
        diag = np.diag(Hf).copy()
        diag[diag <= 0] = 1.0
        step = np.zeros_like(x)
        try:
            c = cho_factor(Hf + mu * np.diag(diag), lower=False, check_finite=False)
            step[free] = -cho_solve(c, gf, check_finite=False)
        except LinAlgError:
            mu *= nu
            nu *= 2.0
            continue
        x_new = np.clip(x + step, lo, hi)
        s = x_new - x
        pred = -(g @ s + 0.5 * s @ (H @ s))
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
            f, g, H = objective(x)
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
