"""Uncertainty of a fitted capability model: Epoch's stratified bootstrap and Hessian standard errors.

:func:`bootstrap` follows Epoch's published recipe (METHODS.md §1): every draw resamples each model's benchmark
scores with replacement (stratified by model, so every model keeps its number of scores), refits warm-started from
the central solution, re-identifies (anchor shift or standardisation) and re-calibrates the same scale spec on the
draw's own capabilities, so the two ECI anchor models get zero-width intervals. Where the identification fixes the
scale only up to a linear map (standardisation of a 2PL without an anchor benchmark), each draw is first mapped onto
the central fit's footing (:func:`irt_elo.core.scale.align_map`) so its percentiles describe the same quantity as the
point estimate. Intervals are percentiles of the draws. The draws are kept (:class:`BootstrapResult`) because gap
analyses need them.

:func:`standard_errors` gives delta-method standard errors from the observed information: the exact Hessian of the
penalised objective at the optimum (not the Gauss-Newton matrix, which drops the residual curvature and so
misstates the information of a least-squares fit with non-zero residuals), with the shift freedom of the raw
parameters profiled out, mapped through the identification and the scale calibration.

Pure computation: nothing here prints or writes files (a tqdm bar, when asked for, goes to the terminal).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from irt_elo.core.memory import check_allocation
from irt_elo.core.scale import Elo, LinearMap, Logit, TwoAnchor, align_map
from irt_elo.core.solve import loss_functions, sparse_curvature
from irt_elo.core.threads import blas_threads
from irt_elo.errors import IrtEloError, check_number
from irt_elo.fit.executor import parallel_map

if TYPE_CHECKING:
    from irt_elo.core.solve import Problem
    from irt_elo.data.table import ScoreTable
    from irt_elo.fit.fitter import Fitter

What = Literal["capability", "difficulty", "slope"]
WHATS = ("capability", "difficulty", "slope")


# --------------------------------------------------------------------------------------------------------------------
# Bootstrap


def stratified_rows(groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row indices of a resample with replacement within each group (each group keeps its size).

    Parameters
    ----------
    groups : ndarray of int
        Group of every row (e.g. the model index of every score).
    rng : numpy Generator

    Returns
    -------
    ndarray of int
        ``len(groups)`` row indices, grouped in ascending group order.

    Examples
    --------
    >>> rows = stratified_rows(np.array([0, 0, 1, 1, 1]), np.random.default_rng(0))
    >>> sorted(np.bincount(np.array([0, 0, 1, 1, 1])[rows]).tolist())
    [2, 3]
    """
    groups = np.asarray(groups)
    order = np.argsort(groups, kind="stable")
    counts = np.bincount(groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    g = groups[order]
    return order[starts[g] + np.floor(rng.random(g.size) * counts[g]).astype(np.intp)]


@dataclass(frozen=True, eq=False)
class _Draw:
    """One bootstrap refit; a picklable callable holding the shared inputs (sent once per worker/chunk)."""

    fitter: Fitter  # unfitted clone: identify() needs only its options
    table: ScoreTable
    problem: Problem
    x0: np.ndarray
    warm: bool
    reference: np.ndarray | None = None  # central identified capabilities, when the draw's footing must be aligned

    def __call__(self, seed: np.random.SeedSequence) -> tuple:
        rows = stratified_rows(self.problem.design.model_idx, np.random.default_rng(seed))
        prob = self.problem.with_rows(rows)
        # The fitter's own solver (its link); warm starts step with the exact Hessian, converging fastest near the
        # optimum.
        if self.warm:
            res = self.fitter._solve(replace(prob, curvature="exact"), self.x0)
        else:
            res = self.fitter._solve(prob, self.fitter.initial_params(prob.layout))
        layout = prob.layout
        theta, delta, alpha = self.fitter.identify(res.x, layout, self.table)
        if self.reference is not None:
            # Standardising each draw over its own capabilities puts it on its own footing (its SD includes the
            # resampling noise); map it onto the central fit's before the scale calibration.
            am = align_map(theta, self.reference)
            theta, delta, alpha = am.capability(theta), am.difficulty(delta), am.slope(alpha)
        lm = self.fitter._scale_spec().calibrate(pd.Series(theta, index=self.table.model_names))
        return (lm.capability(theta), lm.difficulty(delta), lm.slope(alpha), lm.intercept, lm.per_logit,
                res.success, res.nfev)


def _check_level(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float, np.floating)) or not 0.0 < float(level) < 1.0:
        raise IrtEloError(f"level must be a number strictly between 0 and 1 (e.g. 0.90), not {level!r}")
    return float(level)


def _check_what(what: str) -> None:
    if what not in WHATS:
        raise IrtEloError(f"what must be one of {', '.join(WHATS)}, not {what!r}")


def _check_fitted(fitter: Any) -> None:
    if not hasattr(fitter, "x_"):
        raise IrtEloError("this Fitter is not fitted yet; call .fit(table) first")


def bootstrap(
    fitter: Fitter,
    n_boot: int = 500,
    seed: int = 12345,
    level: float = 0.90,
    *,
    n_jobs: int | str | None = "auto",
    scheduler: Any = None,
    progress: bool = False,
    warm_start: bool = True,
) -> BootstrapResult:
    """Epoch's stratified bootstrap of a fitted model: percentile intervals for every parameter.

    Every draw is identified as the central fit is: with an anchor benchmark (``eci``, ``rosetta``) by the same
    anchor shift, with a 1PL (``caisi``) by the same centring, and then the scale spec is re-calibrated on the draw
    (so ECI's two anchor models have zero width, Epoch's recipe). A 2PL without an anchor benchmark (``default``) is
    identified only up to a linear map; standardising each draw over its own capabilities would divide by an SD
    inflated or deflated by the resampling noise and put the draws on a footing other than the point estimate's
    (top models' estimates above their own intervals). Such draws are mapped onto the central fit by the linear map
    estimated by regressing the draw's capabilities on the central ones (:func:`irt_elo.core.scale.align_map`), so
    percentiles and estimate describe the same quantity.

    Parameters
    ----------
    fitter : Fitter
        A fitted :class:`~irt_elo.fit.Fitter` (not modified).
    n_boot : int
        Number of draws (Epoch: 500). At least 2.
    seed : int
        Seed; draw ``i`` uses ``np.random.SeedSequence(seed).spawn(n_boot)[i]``, so results do not depend on
        ``n_jobs`` or the scheduler.
    level : float
        Default interval level of the result (Epoch: 0.90); :meth:`BootstrapResult.ci` takes others.
    n_jobs : int, 'auto' or None
        Local worker processes ('auto', the default: serial unless the first draw's time shows that the rest would
        run clearly faster on the free cores; -1: all cores; 1: serial). See
        :func:`irt_elo.fit.executor.parallel_map`.
    scheduler : str, distributed.Client or cluster, optional
        Run the draws on a Dask cluster instead.
    progress : bool
        tqdm progress bar on the terminal.
    warm_start : bool
        Refit each draw from the central solution with exact-Hessian Newton steps (Epoch's warm start; default),
        or from the fitter's seeded cold start with its usual solver (slower; the baseline of the benchmark).

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> import irt_elo
    >>> f = irt_elo.fit()
    >>> b = bootstrap(f, n_boot=20, seed=1, n_jobs=1)
    >>> b.ci().loc["GPT-5", ["ci_low", "ci_high"]].tolist()
    [150.0, 150.0]
    """
    _check_fitted(fitter)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise IrtEloError(f"n_boot must be an integer >= 2 (Epoch uses 500), not {n_boot!r}")
    level = _check_level(level)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise IrtEloError(f"seed must be a non-negative integer, not {seed!r}")
    table = fitter.table_
    # Anchor-benchmark identifications (eci, rosetta) and the 1PL's centring fix each draw's scale exactly as the
    # central fit's; a standardised 2PL fixes it only up to a linear map, which each draw aligns to the central fit.
    aligned = fitter.anchor_benchmark is None and fitter.model == "2pl"
    reference = fitter.theta_.to_numpy(dtype=float) if aligned else None
    draw = _Draw(fitter.clone(), table, fitter.problem_, np.asarray(fitter.x_, dtype=float), bool(warm_start),
                 reference)
    seeds = np.random.SeedSequence(int(seed)).spawn(int(n_boot))
    out = parallel_map(draw, seeds, n_jobs=n_jobs, scheduler=scheduler, progress=progress, desc="bootstrap",
                       blas_threads=1)
    cap, dif, slo, icpt, per, ok, nfev = (np.array(v) for v in zip(*out))
    idx = pd.RangeIndex(int(n_boot), name="draw")
    models, benches = table.model_names, table.benchmark_names
    res = BootstrapResult(
        capability=pd.DataFrame(cap, index=idx, columns=models),
        difficulty=pd.DataFrame(dif, index=idx, columns=benches),
        slope=pd.DataFrame(slo, index=idx, columns=benches),
        scale=pd.DataFrame({"intercept": icpt, "per_logit": per}, index=idx),
        estimate={"capability": fitter.capability_.copy(), "difficulty": fitter.difficulty_.copy(),
                  "slope": fitter.slope_.copy()},
        level=level, seed=int(seed), converged=ok.astype(bool), nfev=nfev.astype(int),
        scale_name=fitter.scale_.name,
    )
    if not res.converged.all():
        warnings.warn(f"bootstrap: {int((~res.converged).sum())} of {n_boot} refits stopped before meeting the "
                      "tolerance (kept in the draws); see BootstrapResult.converged", RuntimeWarning, stacklevel=2)
    return res


@dataclass(frozen=True, eq=False)
class BootstrapResult:
    """Bootstrap draws of a fit, on the fit's output scale.

    Attributes
    ----------
    capability : DataFrame
        Draws x models.
    difficulty, slope : DataFrame
        Draws x benchmarks.
    scale : DataFrame
        Each draw's own scale map (``intercept``, ``per_logit``): ``theta = (capability - intercept) / per_logit``.
    estimate : dict of Series
        The central fit's ``capability``, ``difficulty`` and ``slope``.
    level : float
        Default interval level.
    seed : int
    converged : ndarray of bool
        Whether each refit met the solver tolerance.
    nfev : ndarray of int
        Objective evaluations per refit.
    """

    capability: pd.DataFrame
    difficulty: pd.DataFrame
    slope: pd.DataFrame
    scale: pd.DataFrame
    estimate: dict[str, pd.Series] = field(repr=False)
    level: float = 0.90
    seed: int = 0
    converged: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)
    nfev: np.ndarray = field(default_factory=lambda: np.zeros(0, int), repr=False)
    scale_name: str = ""

    @property
    def n_boot(self) -> int:
        return len(self.capability)

    def draws(self, what: What = "capability") -> pd.DataFrame:
        """The draws of ``capability``, ``difficulty`` or ``slope`` (draws x names)."""
        _check_what(what)
        return getattr(self, what)

    def ci(self, level: float | None = None, what: What = "capability") -> pd.DataFrame:
        """Percentile intervals: ``estimate``, ``ci_low``, ``ci_high`` (and bootstrap ``se``) per name.

        ``level`` defaults to the result's level; the interval runs from the ``(1 - level) / 2`` to the
        ``(1 + level) / 2`` quantile of the draws (linear interpolation, as ``numpy.percentile``).
        """
        level = self.level if level is None else _check_level(level)
        d = self.draws(what)
        q = np.percentile(d.to_numpy(), [50.0 * (1.0 - level), 50.0 * (1.0 + level)], axis=0)
        est = self.estimate[what].reindex(d.columns)
        return pd.DataFrame({"estimate": est.to_numpy(), "ci_low": q[0], "ci_high": q[1],
                             "se": d.std(axis=0, ddof=1).to_numpy()}, index=d.columns)

    @property
    def summary(self) -> pd.DataFrame:
        """Models ranked by capability with their intervals at the default level."""
        c = self.ci()
        out = c.rename(columns={"estimate": "capability"}).rename_axis("model").reset_index()
        out = out.sort_values("capability", ascending=False, kind="stable").reset_index(drop=True)
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        return out

    def to_frame(self, what: What = "capability") -> pd.DataFrame:
        """Long table of the draws: ``draw``, name, value."""
        d = self.draws(what)
        key = "model" if what == "capability" else "benchmark"
        return d.rename_axis(columns=key).stack().rename(what).reset_index()

    def __repr__(self) -> str:
        return (f"BootstrapResult({self.n_boot} draws, seed {self.seed}, {self.capability.shape[1]} models, "
                f"{self.difficulty.shape[1]} benchmarks, scale {self.scale_name!r}, level {self.level:g})")


# --------------------------------------------------------------------------------------------------------------------
# Standard errors from the observed information


@dataclass(frozen=True, eq=False)
class StandardErrors:
    """Delta-method standard errors of a fit (output scale and identified logit scale).

    Attributes
    ----------
    capability, difficulty, slope : Series
        Standard errors on the output scale (NaN where a parameter is at a bound or not identified).
    theta, delta, alpha : Series
        The same on the identified logit scale.
    estimate : dict of Series
        Central ``capability``, ``difficulty``, ``slope``.
    dispersion : float
        Scale factor of the inverse information: the residual variance for least squares, the Pearson dispersion
        for the fractional Bernoulli, 1 for the binomial and beta likelihoods.
    condition_number : float
        Of the information matrix with the shift freedom profiled out.
    at_bound : list of str
        Parameters at a box bound (held fixed; SE NaN).
    """

    capability: pd.Series
    difficulty: pd.Series
    slope: pd.Series
    theta: pd.Series
    delta: pd.Series
    alpha: pd.Series
    estimate: dict[str, pd.Series] = field(repr=False)
    dispersion: float = 1.0
    condition_number: float = float("nan")
    at_bound: list[str] = field(default_factory=list)
    singular: list[str] = field(default_factory=list)

    def ci(self, level: float = 0.90, what: What = "capability") -> pd.DataFrame:
        """Normal (Wald) intervals ``estimate ± z * se``."""
        from scipy.stats import norm

        level = _check_level(level)
        _check_what(what)
        est, se = self.estimate[what], getattr(self, what)
        z = float(norm.ppf(0.5 + level / 2.0))
        return pd.DataFrame({"estimate": est, "se": se, "ci_low": est - z * se, "ci_high": est + z * se})


def _param_names(fitter: Fitter) -> list[str]:
    t, lay = fitter.table_, fitter.problem_.layout
    return ([f"capability[{m}]" for m in t.model_names] + [f"difficulty[{b}]" for b in t.benchmark_names]
            + [f"slope[{t.benchmark_names[k]}]" for k in lay.free])


def _identify_jacobian(fitter: Fitter, x: np.ndarray) -> np.ndarray:
    """d(theta', delta', alpha')/dx of :meth:`Fitter.identify` (rows: M models, B benchmarks, B slopes)."""
    lay = fitter.problem_.layout
    m, b, nf = lay.n_models, lay.n_benchmarks, lay.n_free_slopes
    theta, delta, alpha = lay.unpack(x)
    J = np.zeros((m + 2 * b, lay.n_params))
    free_rows = m + b + lay.free
    free_cols = m + b + np.arange(nf)
    if fitter.anchor_benchmark is not None:
        a = m + int(fitter.table_.benchmark_names.get_loc(fitter.anchor_benchmark))
        J[np.arange(m + b), np.arange(m + b)] = 1.0
        J[:m + b, a] -= 1.0
        J[free_rows, free_cols] = 1.0
        return J
    mu = theta.mean()
    standardise = fitter.model == "2pl" and m > 1 and theta.std() > 0
    sd = float(theta.std()) if standardise else 1.0
    ds = (theta - mu) / (m * sd) if standardise else np.zeros(m)  # d sd / d theta_j
    # theta'_i = (theta_i - mu) / sd
    J[:m, :m] = (np.eye(m) - 1.0 / m) / sd - np.outer(theta - mu, ds) / sd ** 2
    # delta'_b = (delta_b - mu) / sd
    J[m:m + b, m:m + b] = np.eye(b) / sd
    J[m:m + b, :m] = -1.0 / (m * sd) - np.outer(delta - mu, ds) / sd ** 2
    # alpha'_b = alpha_b * sd (fixed slopes too)
    J[free_rows, free_cols] = sd
    J[m + b:, :m] = np.outer(alpha, ds)
    return J


def _scale_jacobian(spec: Any, theta_id: pd.Series) -> tuple[LinearMap, np.ndarray, np.ndarray]:
    """The calibrated map and the derivatives of its intercept and per-logit factor w.r.t. identified theta."""
    lm = spec.calibrate(theta_id)
    m = theta_id.size
    dA, dB = np.zeros(m), np.zeros(m)
    if isinstance(spec, TwoAnchor):
        (n1, _), (n2, _) = spec.anchors
        i1, i2 = theta_id.index.get_loc(n1), theta_id.index.get_loc(n2)
        t1, t2 = float(theta_id.iloc[i1]), float(theta_id.iloc[i2])
        B = lm.per_logit
        dB[i1] += B / (t2 - t1)
        dB[i2] -= B / (t2 - t1)
        dA = -t1 * dB
        dA[i1] -= B
    elif isinstance(spec, Elo):
        k = lm.per_logit
        if spec.anchor is None:
            dA[:] = -k / m
        else:
            dA[theta_id.index.get_loc(spec.anchor[0])] = -k
    elif not isinstance(spec, Logit):
        raise IrtEloError(f"standard errors support the eci (TwoAnchor), elo and logit scales, not "
                          f"{type(spec).__name__}; fit with scale='logit' and map the results yourself")
    return lm, dA, dB


def output_jacobian(fitter: Fitter) -> np.ndarray:
    """Derivatives of the reported quantities with respect to the raw solution ``fitter.x_``.

    Rows: capability (M), difficulty (B), slope (B) on the output scale, then theta (M), delta (B), alpha (B) on
    the identified logit scale; columns: the raw parameters. Composes the identification (anchor shift, or
    standardisation) with the scale calibration (e.g. ECI's two anchor models), both differentiated analytically.

    Examples
    --------
    >>> import irt_elo
    >>> f = irt_elo.fit()
    >>> J = output_jacobian(f)
    >>> J.shape == (2 * f.table_.n_models + 4 * f.table_.n_benchmarks, f.x_.size)
    True
    >>> bool(np.abs(J[f.table_.model_names.get_loc("GPT-5")]).max() < 1e-9)  # an ECI anchor does not move
    True
    """
    lay = fitter.problem_.layout
    m, b = lay.n_models, lay.n_benchmarks
    check_allocation(8.0 * 3 * (2 * m + 4 * b) * lay.n_params,
                     f"the dense output Jacobian of {m} models x {b} benchmarks",
                     "use standard_errors, which keeps it structured")
    J_id = _identify_jacobian(fitter, np.asarray(fitter.x_, dtype=float))
    theta_id = fitter.theta_
    lm, dA, dB = _scale_jacobian(fitter._scale_spec(), theta_id)
    th, de, al = theta_id.to_numpy(), fitter.delta_.to_numpy(), fitter.alpha_.to_numpy()
    Jt, Jd, Ja = J_id[:m], J_id[m:m + b], J_id[m + b:]
    dAx, dBx = dA @ Jt, dB @ Jt
    J_cap = lm.per_logit * Jt + dAx[None, :] + th[:, None] * dBx[None, :]
    J_dif = lm.per_logit * Jd + dAx[None, :] + de[:, None] * dBx[None, :]
    J_slo = Ja / lm.per_logit - (al / lm.per_logit ** 2)[:, None] * dBx[None, :]
    return np.vstack([J_cap, J_dif, J_slo, Jt, Jd, Ja])


def _dispersion(fitter: Fitter, n_free: int) -> float:
    p = fitter.problem_
    loss = p.loss
    if loss in ("binomial", "beta"):
        return 1.0
    dof = p.design.n_obs - n_free
    if dof <= 0:
        return float("nan")
    pred = p.design.predict(fitter.x_)
    w = np.ones_like(p.y) if p.cell_weight is None else p.cell_weight
    r = p.y - pred
    if loss == "least_squares":
        return float(w @ (r * r)) / dof
    return float(w @ (r * r / (pred * (1.0 - pred)))) / dof  # bernoulli: Pearson dispersion


def standard_errors(fitter: Fitter, *, dispersion: float | Literal["auto"] = "auto",
                    rtol: float = 1e-10) -> StandardErrors:
    """Delta-method standard errors of capability, difficulty and slope from the observed information.

    The covariance of the raw parameters is ``dispersion * H^-1`` with ``H`` the exact Hessian of the penalised
    objective at ``fitter.x_``. The raw parameters can all be shifted together (capabilities and difficulties by the
    same amount) without changing the fit; that direction is profiled out (Schur complement), which is exact for the
    shift-invariant identified parameters and stays well defined without a ridge. The result is mapped through the
    identification (anchor shift, or standardisation) and the scale calibration (e.g. ECI's two anchor models) with
    their analytic Jacobians, so the anchors' capabilities have zero standard error.

    Parameters
    ----------
    fitter : Fitter
        A fitted Fitter (not modified).
    dispersion : float or 'auto'
        ``'auto'``: the residual variance ``sum w r^2 / (n - p)`` for least squares (the loss is a Gaussian
        likelihood up to that factor), the Pearson dispersion for the fractional Bernoulli quasi-likelihood, and 1
        for the binomial and beta likelihoods. Beta SEs treat the estimated precision as known.
    rtol : float
        Eigenvalues of the information below ``rtol`` times the largest count as zero (not identified).

    Returns
    -------
    StandardErrors

    Warns
    -----
    RuntimeWarning
        When the information matrix is singular or ill-conditioned (naming the parameters involved; their SEs are
        NaN), or when parameters sit at a bound (held fixed; SEs NaN).

    Examples
    --------
    >>> import irt_elo
    >>> se = standard_errors(irt_elo.fit())
    >>> float(se.capability["GPT-5"]) == 0.0 and bool(se.capability.drop(["GPT-5", "Claude 3.5 Sonnet"]).gt(0).all())
    True
    """
    _check_fitted(fitter)
    if fitter.link != "sigmoid":
        raise IrtEloError(f"standard errors are derived for the sigmoid link, not the {fitter.link} one; use the "
                          "bootstrap for its intervals")
    if not (isinstance(dispersion, str) and dispersion == "auto"):
        check_number("dispersion", dispersion, lambda v: 0 < v < np.inf, "'auto' or a positive number")
    check_number("rtol", rtol, lambda v: 0 <= v < 1, "in [0, 1)")
    prob, x = fitter.problem_, np.asarray(fitter.x_, dtype=float)
    lay, table = prob.layout, fitter.table_
    precision = getattr(fitter.result_, "precision", None)
    with blas_threads(1 if min(lay.n_models, lay.n_params - lay.n_models) <= 2000 else None):
        # small dense algebra (the dense path's matrix, or the structured path's Schur complement): one thread
        if lay.n_params > SE_DENSE_LIMIT:
            res = _standard_errors_structured(fitter, prob, x, lay, table, precision, dispersion, rtol)
            if res is not None:
                return res
        n_out = 2 * lay.n_models + 4 * lay.n_benchmarks
        check_allocation(8.0 * (4 * lay.n_params ** 2 + 3 * n_out * lay.n_params),
                         f"standard errors of {lay.n_params} parameters with a dense information matrix (it is not "
                         "positive definite, so the structured path cannot be used)",
                         "add a ridge, drop the models or benchmarks with few scores, or use the bootstrap")
        return _standard_errors(fitter, prob, x, lay, table, precision, dispersion, rtol)


SE_DENSE_LIMIT = 1500  # parameters; up to here the dense eigen-decomposition (full null-space diagnostics) is cheap


def _output_jacobian_parts(fitter: Fitter) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`output_jacobian` by its structure: ``J = S + L R^T``, ``S`` holding ``s[i]`` at column ``own[i]``
    (-1: none) and ``R`` (P x 5) a few dense columns (the mean and spread of the capabilities, the anchor, the scale's
    intercept and factor). O((M + B) x 5) memory instead of O((M + B)^2)."""
    lay = fitter.problem_.layout
    m, b, nf, P = lay.n_models, lay.n_benchmarks, lay.n_free_slopes, lay.n_params
    theta, delta, alpha = lay.unpack(np.asarray(fitter.x_, dtype=float))
    n_id = m + 2 * b
    s_id, own_id = np.zeros(n_id), np.full(n_id, -1)
    own_id[:m + b] = np.arange(m + b)
    own_id[m + b + lay.free] = m + b + np.arange(nf)
    R_id, L_id = np.zeros((P, 3)), np.zeros((n_id, 3))
    if fitter.anchor_benchmark is not None:
        a = m + int(fitter.table_.benchmark_names.get_loc(fitter.anchor_benchmark))
        s_id[:m + b] = 1.0
        s_id[m + b + lay.free] = 1.0
        R_id[a, 2] = 1.0
        L_id[:m + b, 2] = -1.0
    else:
        mu = theta.mean()
        standardise = fitter.model == "2pl" and m > 1 and theta.std() > 0
        sd = float(theta.std()) if standardise else 1.0
        ds = (theta - mu) / (m * sd) if standardise else np.zeros(m)
        s_id[:m + b] = 1.0 / sd
        s_id[m + b + lay.free] = sd
        R_id[:m, 0], R_id[:m, 1] = 1.0, ds
        L_id[:m + b, 0] = -1.0 / (m * sd)
        L_id[:m, 1] = -(theta - mu) / sd ** 2
        L_id[m:m + b, 1] = -(delta - mu) / sd ** 2
        L_id[m + b:, 1] = alpha
    lm, dA, dB = _scale_jacobian(fitter._scale_spec(), fitter.theta_)
    pl = lm.per_logit
    th, de, al = fitter.theta_.to_numpy(), fitter.delta_.to_numpy(), fitter.alpha_.to_numpy()
    dAx, dBx = R_id @ (L_id[:m].T @ dA), R_id @ (L_id[:m].T @ dB)
    dAx[:m] += dA * s_id[:m]
    dBx[:m] += dB * s_id[:m]
    R = np.column_stack([R_id, dAx, dBx])
    t, d_, a_ = slice(0, m), slice(m, m + b), slice(m + b, n_id)
    z = lambda n: np.zeros((n, 1))  # noqa: E731
    L = np.vstack([
        np.hstack([pl * L_id[t], np.ones((m, 1)), th[:, None]]),
        np.hstack([pl * L_id[d_], np.ones((b, 1)), de[:, None]]),
        np.hstack([L_id[a_] / pl, z(b), -(al / pl ** 2)[:, None]]),
        np.hstack([L_id, z(n_id), z(n_id)])])
    s = np.concatenate([pl * s_id[t], pl * s_id[d_], s_id[a_] / pl, s_id])
    own = np.concatenate([own_id, own_id])
    return s, own, L, R


def _row_max_abs(s: np.ndarray, own: np.ndarray, L: np.ndarray, R: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """max_j |J[i, j]| of ``J = S + L R^T`` (:func:`_output_jacobian_parts`) where it can be small, a lower bound
    (``||J[i]|| / sqrt(columns)``) elsewhere: row norms come from the (r x r) Gram matrix in O(rows x r); only rows
    whose norm is within 1e-6 of zero (the candidates for "fixed by construction") are densified."""
    support = np.flatnonzero(np.any(R != 0, axis=1))
    where = np.full(R.shape[0], -1)
    where[support] = np.arange(support.size)
    Rs = R[support]
    o = np.maximum(own, 0)
    RL_own = np.where(own >= 0, np.einsum("ij,ij->i", R[o], L), 0.0)
    norm2 = np.einsum("ij,jk,ik->i", L, Rs.T @ Rs, L) + 2.0 * s * RL_own + s * s
    norm = np.sqrt(np.maximum(norm2, 0.0))
    out = norm / np.sqrt(support.size + 1.0)
    scale = max(float(np.abs(s).max(initial=0.0)), float(out.max(initial=0.0)), 1e-300)
    cand = np.flatnonzero(norm <= 1e-6 * scale)
    for lo in range(0, cand.size, chunk):
        rows = cand[lo:lo + chunk]
        Q = L[rows] @ Rs.T
        pos = np.where(own[rows] >= 0, where[o[rows]], -1)
        inside = pos >= 0
        Q[np.flatnonzero(inside), pos[inside]] += s[rows][inside]
        mx = np.abs(Q).max(axis=1) if Q.shape[1] else np.zeros(rows.size)
        out[rows] = np.where(inside, mx, np.maximum(mx, np.abs(s[rows])))
    return out


def _extreme_eigenvalue(matvec: Any, n: int) -> tuple[float, np.ndarray]:
    """Largest eigenvalue (and its vector) of a symmetric positive semi-definite operator, by Lanczos."""
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

    op = LinearOperator((n, n), matvec=matvec, dtype=float)
    v0 = np.ones(n) / np.sqrt(n)  # a fixed start: the same answer on every run
    try:
        lam, vec = eigsh(op, k=1, which="LA", tol=1e-10, v0=v0, maxiter=max(1000, 10 * n))
    except ArpackNoConvergence as e:
        if not len(e.eigenvalues):
            return float("nan"), np.full(n, np.nan)
        lam, vec = e.eigenvalues, e.eigenvectors
    return float(lam[-1]), vec[:, -1]


def _standard_errors_structured(fitter: Fitter, prob: Problem, x: np.ndarray, lay: Any, table: ScoreTable,
                                precision: Any, dispersion: float | str, rtol: float) -> StandardErrors | None:
    """:func:`_standard_errors` from the structured Hessian: a Cholesky factorisation through the Schur complement
    of the smaller side, the diagonal of the inverse and five solves, never a (P x P) matrix. The same numbers as
    the dense path (shift profiled out: the reported quantities are shift-invariant, so their covariance is
    ``J H^-1 J^T`` on the free parameters, with the pivot held when the shift is not identified at all). Returns
    None when the information is not positive definite or is ill-conditioned beyond ``rtol``: the dense path then
    names the null directions."""
    from scipy.linalg import LinAlgError

    m, b, P = lay.n_models, lay.n_benchmarks, lay.n_params
    names = np.array(_param_names(fitter))
    H = sparse_curvature(prob, x, precision, curvature="exact")
    lo = prob.lower if prob.lower is not None else np.full(x.shape, -np.inf)
    hi = prob.upper if prob.upper is not None else np.full(x.shape, np.inf)
    tol_b = 1e-8 * (1.0 + np.abs(x))
    bound = (x - lo <= tol_b) | (hi - x <= tol_b)
    keep = ~bound
    n_free = int(keep.sum())
    v = np.zeros(P)
    v[:m + b] = 1.0
    gauge = not bound[:m + b].any()
    pivot = m + fitter._anchor_index(table)
    profiled = False
    if gauge:
        hcc = float(v @ H.matvec(v))
        scale_h = float(np.max(np.abs(H.diagonal()[keep]))) if n_free else 1.0
        profiled = hcc > 1e-12 * scale_h * (m + b)
        if not profiled:
            keep[pivot] = False  # the shift is a null direction: hold the pivot (the dense path drops it too)
    try:
        F = H.factor(keep)
    except LinAlgError:
        return None
    # Condition number of the information with the shift profiled out (as the dense path reports it).
    idx = np.flatnonzero(keep)
    if profiled:
        idx = idx[idx != pivot]
        vk = v[idx]
        h = H.matvec(v)[idx]

        def emb(y: np.ndarray) -> np.ndarray:
            z = np.zeros(P)
            z[idx] = y
            return z

        def s_mv(y: np.ndarray) -> np.ndarray:
            return H.matvec(emb(y))[idx] - h * (h @ y) / hcc

        def sinv_mv(y: np.ndarray) -> np.ndarray:
            z = emb(y)
            z[pivot] = -(vk @ y)
            w = F.solve(z)
            return w[idx] - w[pivot] * vk
    else:
        def s_mv(y: np.ndarray) -> np.ndarray:
            z = np.zeros(P)
            z[idx] = y
            return H.matvec(z)[idx]

        def sinv_mv(y: np.ndarray) -> np.ndarray:
            z = np.zeros(P)
            z[idx] = y
            return F.solve(z)[idx]
    lam_max, _ = _extreme_eigenvalue(lambda y: s_mv(np.ravel(y)), idx.size)
    inv_max, weak = _extreme_eigenvalue(lambda y: sinv_mv(np.ravel(y)), idx.size)
    cond = lam_max * inv_max
    if not (np.isfinite(cond) and inv_max > 0 and 1.0 / inv_max > rtol * lam_max):
        return None  # (nearly) singular: the dense path finds and names the null directions
    disp = _dispersion(fitter, n_free - (1 if gauge else 0)) if dispersion == "auto" else float(dispersion)

    s, own, L, R = _output_jacobian_parts(fitter)
    Rk = R * keep[:, None]
    SR = F.solve(Rk)
    SR[~keep] = 0.0
    diag = np.where(keep, F.inverse_diagonal(), 0.0)
    o = np.maximum(own, 0)
    sk = np.where((own >= 0) & keep[o], s, 0.0)
    var = sk * sk * diag[o] + 2.0 * sk * np.einsum("ij,ij->i", SR[o], L) + np.einsum("ij,jk,ik->i", L, Rk.T @ SR, L)
    se = np.sqrt(np.maximum(disp * var, 0.0))
    at_bnd = (own >= 0) & bound[o]
    se[at_bnd] = np.nan
    row_max = _row_max_abs(s, own, L, R)
    se[row_max <= 1e-12 * (row_max.max() + 1e-300)] = 0.0  # exactly fixed by construction (scale anchors, ...)

    if cond > 1e8:
        worst = idx[np.argsort(-np.abs(weak))[:5]]
        warnings.warn(f"standard errors: the information matrix is ill-conditioned (condition number {cond:.2g}); "
                      f"weakly identified: {_short(names[worst].tolist())}; treat their SEs with caution",
                      RuntimeWarning, stacklevel=3)
    return _se_result(fitter, table, se, names, bound, disp, cond, [])


def _standard_errors(fitter: Fitter, prob: Problem, x: np.ndarray, lay: Any, table: ScoreTable, precision: Any,
                     dispersion: float | str, rtol: float) -> StandardErrors:
    m, b = lay.n_models, lay.n_benchmarks
    names = np.array(_param_names(fitter))
    _, _, H = loss_functions(prob, precision, curvature="exact")[0](x)

    lo = prob.lower if prob.lower is not None else np.full(x.shape, -np.inf)
    hi = prob.upper if prob.upper is not None else np.full(x.shape, np.inf)
    tol_b = 1e-8 * (1.0 + np.abs(x))
    bound = (x - lo <= tol_b) | (hi - x <= tol_b)
    free = np.flatnonzero(~bound)
    Hf = H[np.ix_(free, free)]
    # Shift direction: all capabilities and difficulties together. Profiled out unless a bound pins it.
    v = np.zeros(lay.n_params)
    v[:m + b] = 1.0
    gauge = not bound[:m + b].any()
    if gauge:
        vf = v[free]
        # psi_j = x_j - x_pivot for the shift-variant coordinates; pivot on the anchor / unit benchmark's difficulty
        pivot = int(np.searchsorted(free, m + fitter._anchor_index(table)))
        keep = np.delete(np.arange(free.size), pivot)
        Hv = Hf @ vf
        Hpp, h, hcc = Hf[np.ix_(keep, keep)], Hv[keep], float(vf @ Hv)
        scale_h = float(np.max(np.abs(np.diag(Hf)))) if free.size else 1.0
        S = Hpp - np.outer(h, h) / hcc if hcc > 1e-12 * scale_h * vf.size else Hpp
        cols = free[keep]
    else:
        S, cols = Hf, free
    disp = _dispersion(fitter, free.size - (1 if gauge else 0)) if dispersion == "auto" else float(dispersion)
    lam, U = np.linalg.eigh(S)
    lam_max = float(np.max(np.abs(lam))) if lam.size else 1.0
    good = lam > rtol * lam_max
    cond = float(lam_max / lam[good].min()) if good.any() else float("inf")

    J_all = output_jacobian(fitter)
    Jc = J_all[:, cols]  # psi coordinates: x_j = psi_j + c * v_j, so d(out)/d(psi) is the kept column block
    Ug, Un = U[:, good], U[:, ~good]
    P = Jc @ Ug
    var = disp * np.einsum("ij,j,ij->i", P, 1.0 / lam[good], P)
    se = np.sqrt(np.maximum(var, 0.0))
    # Quantities touched by a (numerically) null direction are NaN; so is a parameter held at a bound (the others'
    # SEs are then conditional on it).
    row_norm = np.linalg.norm(Jc, axis=1) + 1e-300
    unident = (np.linalg.norm(Jc @ Un, axis=1) > 1e-6 * row_norm) if Un.size else np.zeros(len(se), bool)
    own = np.full(2 * m + 4 * b, -1)  # raw parameter behind each output row (-1: a fixed slope)
    for start in (0, m + 2 * b):
        own[start:start + m + b] = np.arange(m + b)
        own[start + m + b + lay.free] = m + b + np.arange(lay.n_free_slopes)
    at_bnd = (own >= 0) & bound[np.maximum(own, 0)]
    se[unident | at_bnd] = np.nan
    tiny = np.abs(J_all).max(axis=1) <= 1e-12 * (np.abs(J_all).max() + 1e-300)
    se[tiny] = 0.0  # exactly fixed by construction (scale anchors, fixed slopes)

    out_names = ([f"capability[{n}]" for n in table.model_names]
                 + [f"difficulty[{n}]" for n in table.benchmark_names]
                 + [f"slope[{n}]" for n in table.benchmark_names])
    singular: list[str] = []
    if Un.size:
        singular = [out_names[i] for i in np.flatnonzero(unident[:len(out_names)])]
        warnings.warn(f"standard errors: the information matrix is singular or not positive definite "
                      f"({int((~good).sum())} null direction(s)); parameters not identified: {_short(singular)}. "
                      "Their SEs (and those of quantities depending on them) are NaN; add a ridge, fix or drop them",
                      RuntimeWarning, stacklevel=3)
    elif cond > 1e8:
        worst = cols[np.argsort(-np.abs(U[:, int(np.argmin(np.where(good, lam, np.inf)))]))[:5]]
        warnings.warn(f"standard errors: the information matrix is ill-conditioned (condition number {cond:.2g}); "
                      f"weakly identified: {_short(names[worst].tolist())}; treat their SEs with caution",
                      RuntimeWarning, stacklevel=3)
    return _se_result(fitter, table, se, names, bound, disp, cond, singular)


def _se_result(fitter: Fitter, table: ScoreTable, se: np.ndarray, names: np.ndarray, bound: np.ndarray,
               disp: float, cond: float, singular: list[str]) -> StandardErrors:
    """Warn about parameters at a bound and a missing dispersion, and split ``se`` (capability, difficulty, slope,
    theta, delta, alpha blocks) into the result: what the dense and the structured path share."""
    at_bound = names[bound].tolist()
    if at_bound:
        warnings.warn(f"standard errors: {len(at_bound)} parameter(s) at a bound, held fixed (SE NaN): "
                      f"{_short(at_bound)}", RuntimeWarning, stacklevel=4)
    if not np.isfinite(disp):
        warnings.warn("standard errors: no residual degrees of freedom to estimate the dispersion; SEs are NaN",
                      RuntimeWarning, stacklevel=4)
    models, benches = table.model_names, table.benchmark_names
    m, b = len(models), len(benches)
    k = [0, m, m + b, m + 2 * b, 2 * m + 2 * b, 2 * m + 3 * b, 2 * m + 4 * b]

    def block(i: int, index: Any, name: str) -> pd.Series:
        return pd.Series(se[k[i]:k[i + 1]], index=index, name=name)

    return StandardErrors(
        capability=block(0, models, "capability_se"), difficulty=block(1, benches, "difficulty_se"),
        slope=block(2, benches, "slope_se"), theta=block(3, models, "theta_se"), delta=block(4, benches, "delta_se"),
        alpha=block(5, benches, "alpha_se"),
        estimate={"capability": fitter.capability_.copy(), "difficulty": fitter.difficulty_.copy(),
                  "slope": fitter.slope_.copy()},
        dispersion=disp, condition_number=cond, at_bound=names[bound].tolist(), singular=singular)


def _short(names: Sequence[str], k: int = 8) -> str:
    names = list(names)
    s = ", ".join(names[:k])
    return s + (f" and {len(names) - k} more" if len(names) > k else "")


__all__ = ["bootstrap", "BootstrapResult", "standard_errors", "StandardErrors", "stratified_rows", "output_jacobian"]
