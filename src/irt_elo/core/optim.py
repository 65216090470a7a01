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
from scipy.linalg.blas import dsyrk as syrk

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


class BipartiteCurvature:
    """An arrow curvature whose trailing block is itself block-diagonal and whose coupling is sparse:
    ``H = [[diag(D), C], [C^T, E]]`` with ``C`` a scipy sparse (m x K) matrix and ``E`` made of 1 x 1 blocks
    (``E_diag``) and 2 x 2 blocks coupling ``pair_rows[j]`` with ``pair_cols[j]`` by ``E_off[j]``.

    The capability model has this shape (each cell touches one model and one benchmark; a benchmark's difficulty
    and slope form its 2 x 2 block), so a damped step eliminates whichever side is larger and factors a dense
    Schur complement of the smaller: O(cells x min(M, K)) work and O(min(M, K)^2) memory per step, instead of the
    O(M K^2 + K^3) of :class:`ArrowCurvature` with many benchmarks.
    """

    DENSE_FILL = 0.05  # coupling filled above this fraction: dense BLAS products beat sparse ones
    DENSE_CELLS = 25_000_000  # ... as long as the dense copy of the coupling stays this small (200 MB)

    def __init__(self, D: np.ndarray, C: Any, E_diag: np.ndarray, E_off: np.ndarray, pair_rows: np.ndarray,
                 pair_cols: np.ndarray) -> None:
        from scipy import sparse

        self.D, self.E_diag, self.E_off = D, E_diag, E_off
        self.C = sparse.csr_matrix(C)
        self.rows, self.cols = np.asarray(pair_rows, dtype=np.intp), np.asarray(pair_cols, dtype=np.intp)
        self.m, self.k = D.size, E_diag.size

    def diagonal(self) -> np.ndarray:
        return np.concatenate([self.D, self.E_diag])

    def _E_apply(self, v: np.ndarray, diag: np.ndarray, off: np.ndarray) -> np.ndarray:
        out = diag * v
        out[self.rows] += off * v[self.cols]
        out[self.cols] += off * v[self.rows]
        return out

    def _E_inverse(self, ed: np.ndarray, eo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Diagonal and pair entries of ``E^-1`` (block by block); raises LinAlgError unless positive definite."""
        if np.any(ed <= 0):
            raise LinAlgError("trailing block is not positive definite")
        inv_d = 1.0 / ed
        a, c = ed[self.rows], ed[self.cols]
        det = a * c - eo * eo
        if np.any(det <= 0):
            raise LinAlgError("trailing block is not positive definite")
        inv_d[self.rows] = c / det
        inv_d[self.cols] = a / det
        return inv_d, -eo / det

    def _as_sparse(self, diag: np.ndarray, off: np.ndarray) -> Any:
        from scipy import sparse

        r = np.concatenate([np.arange(self.k), self.rows, self.cols])
        c = np.concatenate([np.arange(self.k), self.cols, self.rows])
        return sparse.csr_matrix((np.concatenate([diag, off, off]), (r, c)), shape=(self.k, self.k))

    def _dense_coupling(self, C: Any) -> bool:
        cells = self.m * self.k
        return cells <= self.DENSE_CELLS and C.nnz >= self.DENSE_FILL * cells

    def damped_solve(self, free: np.ndarray, mu: float, g: np.ndarray) -> np.ndarray:
        from scipy import sparse

        m = self.m
        ft, fr = free[:m], free[m:]
        # Held variables: their rows and columns drop out, leaving identity there, so their step is 0.
        dd = self.D + mu * np.where(self.D > 0, self.D, 1.0)
        ed = self.E_diag + mu * np.where(self.E_diag > 0, self.E_diag, 1.0)
        dd[~ft], ed[~fr] = 1.0, 1.0
        eo = np.where(fr[self.rows] & fr[self.cols], self.E_off, 0.0)
        if np.any(dd <= 0):
            raise LinAlgError("leading block is not positive definite")
        C = self.C
        if not (ft.all() and fr.all()):
            C = sparse.diags(ft.astype(float)) @ C @ sparse.diags(fr.astype(float))
        gt, gr = np.where(ft, g[:m], 0.0), np.where(fr, g[m:], 0.0)
        dense = self._dense_coupling(C)
        if m <= self.k:
            # Eliminate the benchmark blocks: Schur complement onto the capabilities, (M x M).
            inv_d, inv_o = self._E_inverse(ed, eo)
            Einv = None if dense else self._as_sparse(inv_d, inv_o)
            if dense:
                # C E^-1 C^T = A A^T with A = C L, L the block Cholesky factor of E^-1: one symmetric rank-k update
                # (half the flops of a general product); only the upper triangle is formed, all cho_factor reads.
                Cd = C.toarray()
                l_d = np.sqrt(inv_d)
                l_o = inv_o / l_d[self.rows]
                l_d[self.cols] = np.sqrt(inv_d[self.cols] - l_o * l_o)
                A = Cd * l_d
                A[:, self.rows] += Cd[:, self.cols] * l_o
                S = syrk(-1.0, A.T, trans=1)
            else:
                S = -(C @ Einv @ C.T).toarray()
            S[np.diag_indices_from(S)] += dd
            chol = cho_factor(S, lower=False, check_finite=False)
            egr = self._E_apply(gr, inv_d, inv_o)
            st = cho_solve(chol, -gt + C @ egr, check_finite=False)
            sr = -self._E_apply(gr + C.T @ st, inv_d, inv_o)
        else:
            # Eliminate the (diagonal) capability block: Schur complement onto the benchmark side, (K x K).
            if dense:
                Cd = C.toarray()
                S = -(Cd.T @ (Cd / dd[:, None]))
            else:
                S = -(C.T @ sparse.diags(1.0 / dd) @ C).toarray()
            S += self._as_sparse(ed, eo).toarray()
            chol = cho_factor(S, lower=False, check_finite=False)
            sr = cho_solve(chol, -gr + C.T @ (gt / dd), check_finite=False)
            st = -(gt + C @ sr) / dd
        return np.concatenate([st[ft], sr[fr]])

    def quadratic(self, s: np.ndarray) -> float:
        st, sr = s[:self.m], s[self.m:]
        return float(self.D @ (st * st) + 2.0 * st @ (self.C @ sr) + sr @ self._E_apply(sr, self.E_diag, self.E_off))

    def matvec(self, s: np.ndarray) -> np.ndarray:
        """``H s``."""
        st, sr = s[:self.m], s[self.m:]
        return np.concatenate([self.D * st + self.C @ sr, self.C.T @ st + self._E_apply(sr, self.E_diag, self.E_off)])

    def factor(self, keep: np.ndarray) -> BipartiteFactor:
        """Factor ``H`` restricted to the variables ``keep`` (boolean), the others held (their rows and columns
        replaced by the identity), for repeated solves and the diagonal of the inverse. Raises LinAlgError unless
        the restricted matrix is positive definite."""
        return BipartiteFactor(self, keep)


class BipartiteFactor:
    """A Cholesky factorisation of :class:`BipartiteCurvature` through the Schur complement of its smaller side:
    solves and the diagonal of the inverse without forming any (P x P) matrix (see :meth:`BipartiteCurvature.factor`).
    """

    def __init__(self, H: BipartiteCurvature, keep: np.ndarray) -> None:
        from scipy import sparse

        m = H.m
        self.H, self.keep = H, np.asarray(keep, dtype=bool)
        ft, fr = self.keep[:m], self.keep[m:]
        dd, ed = np.where(ft, H.D, 1.0), np.where(fr, H.E_diag, 1.0)
        eo = np.where(fr[H.rows] & fr[H.cols], H.E_off, 0.0)
        if np.any(dd <= 0):
            raise LinAlgError("leading block is not positive definite")
        C = H.C if (ft.all() and fr.all()) else sparse.diags(ft.astype(float)) @ H.C @ sparse.diags(fr.astype(float))
        self.C, self.dd = sparse.csr_matrix(C), dd
        self.onto_models = m <= H.k
        if self.onto_models:
            self.inv_d, self.inv_o = H._E_inverse(ed, eo)
            Einv = H._as_sparse(self.inv_d, self.inv_o)
            S = -(self.C @ Einv @ self.C.T).toarray()
            S[np.diag_indices_from(S)] += dd
        else:
            S = -(self.C.T @ sparse.diags(1.0 / dd) @ self.C).toarray() + H._as_sparse(ed, eo).toarray()
        self.chol = cho_factor(S, lower=False, check_finite=False)

    def _e_solve(self, R: np.ndarray) -> np.ndarray:
        H = self.H
        out = self.inv_d[:, None] * R
        out[H.rows] += self.inv_o[:, None] * R[H.cols]
        out[H.cols] += self.inv_o[:, None] * R[H.rows]
        return out

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``H^-1 rhs`` (rhs: a vector or a (P, r) matrix; held variables: rhs passed through)."""
        vec = rhs.ndim == 1
        R = (rhs[:, None] if vec else rhs).astype(float)
        m = self.H.m
        gt, gr = R[:m], R[m:]
        if self.onto_models:
            st = cho_solve(self.chol, gt - self.C @ self._e_solve(gr), check_finite=False)
            sr = self._e_solve(gr - self.C.T @ st)
        else:
            sr = cho_solve(self.chol, gr - self.C.T @ (gt / self.dd[:, None]), check_finite=False)
            st = (gt - self.C @ sr) / self.dd[:, None]
        out = np.vstack([st, sr])
        return out[:, 0] if vec else out

    def inverse_diagonal(self, chunk: int = 2048) -> np.ndarray:
        """``diag(H^-1)``: the inverse of the small Schur complement, and for the eliminated side its own block
        inverse plus a low-rank correction, computed in column chunks (O(cells x min(M, K)) work)."""
        m, k = self.H.m, self.H.k
        n_small = m if self.onto_models else k
        Sinv = cho_solve(self.chol, np.eye(n_small), check_finite=False)
        small = np.diag(Sinv).copy()
        if self.onto_models:
            # (H^-1)_KK = E^-1 + W^T S^-1 W with W = C E^-1 (M x K)
            big = self.inv_d.copy()
            Einv = self.H._as_sparse(self.inv_d, self.inv_o).tocsc()
            chunk = max(1, min(chunk, 4_000_000 // max(m, 1)))  # (M x chunk) blocks of at most 32 MB
            for lo in range(0, k, chunk):
                idx = np.arange(lo, min(lo + chunk, k))
                W = (self.C @ Einv[:, idx]).toarray()
                big[idx] = np.einsum("ij,ij->j", W, Sinv @ W)
                big[idx] += self.inv_d[idx]
            return np.concatenate([small, big])
        # (H^-1)_MM = 1/d + V S^-1 V^T with V = C / d (M x K), in row chunks of at most 32 MB
        V_all = self.C.multiply(1.0 / self.dd[:, None]).tocsr()
        big = 1.0 / self.dd
        rows = max(1, min(chunk, 4_000_000 // max(k, 1)))
        for lo in range(0, m, rows):
            V = V_all[lo:lo + rows].toarray()
            big[lo:lo + rows] = big[lo:lo + rows] + np.einsum("ij,ij->i", V @ Sinv, V)
        return np.concatenate([big, small])


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
    for it in range(1, max_iter + 1):  # noqa: B007 (the count is reported after the loop)
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
