"""How well does a fitted capability model describe the data? Residuals, fit statistics, cross-validation.

Everything here works on the observed cells only (sparse data, no imputation) and is a pure function of a fitted
:class:`~irt_elo.fit.Fitter` or a :class:`~irt_elo.data.ScoreTable`: no printing, no files.

Fit statistics for continuous scores
------------------------------------
For an observed cell i (model m, benchmark b) with score ``y_i`` and prediction ``p_i`` the residual is
``r_i = y_i - p_i``. Aggregate scores are fractions, not 0/1 answers, so the Rasch mean squares are adapted by
giving each cell the variance a fraction would have if it behaved like one Bernoulli answer,
``v_i = max(p_i (1 - p_i), v_min)`` (``v_min`` = 0.01 keeps near-certain cells from dominating), and by normalising
with the dataset's own dispersion, because a score averaged over many questions varies far less than one answer:

* outfit (unweighted mean square): ``outfit_g = mean_{i in g}(r_i^2 / v_i) / phi_out``,
  ``phi_out = mean_{all i}(r_i^2 / v_i)``;
* infit (information-weighted): ``infit_g = (sum_{i in g} r_i^2 / sum_{i in g} v_i) / phi_in``,
  ``phi_in = sum_{all i} r_i^2 / sum_{all i} v_i``.

Both average 1 over the data; a benchmark (or model) with infit 2 misfits twice as much as a typical one, after
allowing for where its cells sit on the curve. Outfit is sensitive to single surprising cells (e.g. a model scoring
far below its capability on an easy benchmark), infit to systematic misfit near the middle of the curve. Also
reported per group: n, RMSE, MAE and the mean residual (positive = the model underpredicts).

Predictive intervals
--------------------
:func:`predictive_check` holds out cells the same way and checks that the predictive intervals of
:meth:`irt_elo.fit.Fitter.predict` (parameter draws plus residual spread) cover held-out scores at their level.

Cross-validation
----------------
:func:`cross_validate` holds out observed cells in K folds (seeded; every model and benchmark keeps cells in every
training fold, see :func:`kfold_cells`), refits each candidate on the rest and scores the held-out predictions:
``CV R^2 = 1 - sum (y - yhat)^2 / sum (y - mean y)^2`` over all held-out cells, as in Ho et al. (2025), Appendix E.4.
Candidates by default (:func:`cv_candidates`): 2PL sigmoid (the base fitter), 2PL clipped-linear, 1PL sigmoid, and
2PL with a binomial likelihood (fractional, one trial per cell, when the table has no question counts).

The clipped-linear link (:class:`ClippedLinearFitter`) is the paper's alternative:
``score = clip(alpha_b (C_m - D_b) + offset, 0, 1)`` with ``offset = 0`` as in the paper's code.
"""
from __future__ import annotations

import inspect
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.core import model as M
from irt_elo.core.optim import minimize_box
from irt_elo.core.solve import Problem, SolveResult
from irt_elo.data.table import ScoreTable
from irt_elo.errors import IrtEloError, check_number
from irt_elo.fit.executor import parallel_map
from irt_elo.fit.fitter import Fitter, questions_per_cell

VARIANCE_FLOOR = 0.01


# --------------------------------------------------------------------------------------------------------------------
# The clipped-linear link


def clipped_linear_predict(x: np.ndarray, design: M.Design, offset: float = 0.0) -> np.ndarray:
    """``clip(alpha_b (theta_m - delta_b) + offset, 0, 1)`` for every observed cell.

    Examples
    --------
    >>> d = M.Design(M.Layout.one_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> clipped_linear_predict(np.array([0.3, 2.0, 0.0]), d).tolist()
    [0.3, 1.0]
    """
    return np.clip(design.linear_predictor(x) + offset, 0.0, 1.0)


def clipped_linear_value(x: np.ndarray, design: M.Design, y: np.ndarray, w: np.ndarray | None, lam: float,
                         form: M.PenaltyForm, offset: float = 0.0) -> float:
    """``0.5 * sum w (p - y)^2 + 0.5 * lam * P(x) / n_params`` for the clipped-linear link.

    Examples
    --------
    >>> d = M.Design(M.Layout.one_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> round(clipped_linear_value(np.array([0.3, 2.0, 0.0]), d, np.array([0.5, 0.5]), None, 0.0, "none"), 6)
    0.145
    """
    r = clipped_linear_predict(x, design, offset) - y
    f = 0.5 * float((r * r) @ (np.ones_like(r) if w is None else w))
    return M.add_penalty(x, design.layout, lam, form, f)[0]


def clipped_linear_objective(x: np.ndarray, design: M.Design, y: np.ndarray, w: np.ndarray | None, lam: float,
                             form: M.PenaltyForm, offset: float = 0.0,
                             hess: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Value, analytic gradient and Gauss-Newton matrix of the clipped-linear least-squares loss.

    ``dp/dz`` is 1 inside ``0 <= z + offset <= 1`` and 0 where the prediction is clipped, so a cell contributes
    ``w (p - y) dz`` to the gradient and ``w dz dz^T`` to the Gauss-Newton matrix only inside (a subgradient at the
    two kinks, taken as 1 so a cell on the edge can re-enter).

    Examples
    --------
    >>> d = M.Design(M.Layout.one_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> f, g, H = clipped_linear_objective(np.array([0.3, 2.0, 0.0]), d, np.array([0.5, 0.5]), None, 0.0, "none")
    >>> g.round(6).tolist(), H.tolist()  # the second cell is clipped: no gradient, no curvature
    ([-0.2, 0.0, 0.2], [[1.0, 0.0, -1.0], [0.0, 0.0, 0.0], [-1.0, 0.0, 1.0]])
    """
    z = design.linear_predictor(x) + offset
    ww = np.ones_like(y) if w is None else w
    r = np.clip(z, 0.0, 1.0) - y
    inside = ((z >= 0.0) & (z <= 1.0)).astype(float)
    f = 0.5 * float(r @ (ww * r))
    blocks = M.hessian_blocks(x, design, ww * inside) if hess else None
    f, g, blocks = M.add_penalty(x, design.layout, lam, form, f, M.gradient_blocks(x, design, ww * r * inside), blocks)
    return f, g, None if blocks is None else M.dense_hessian(*blocks)


def solve_clipped_linear(problem: Problem, x0: np.ndarray, offset: float = 0.0) -> SolveResult:
    """Minimise the clipped-linear least-squares problem (bounded Levenberg-Marquardt, analytic derivatives).

    Examples
    --------
    >>> d = M.Design(M.Layout.one_pl(2, 1), np.array([0, 1]), np.array([0, 0]))
    >>> r = solve_clipped_linear(Problem(d, np.array([0.8, 0.3]), ridge=0.0), np.zeros(3))
    >>> r.success, clipped_linear_predict(r.x, d).round(6).tolist()
    (True, [0.8, 0.3])
    """
    if problem.loss != "least_squares":
        raise IrtEloError("the clipped-linear link is fitted by least squares only (a likelihood is undefined where "
                          "it predicts exactly 0 or 1); use loss='least_squares'")
    t0 = time.perf_counter()
    lo = problem.lower if problem.lower is not None else np.full(x0.shape, -np.inf)
    hi = problem.upper if problem.upper is not None else np.full(x0.shape, np.inf)
    args = (problem.design, problem.y, problem.cell_weight, problem.ridge, problem.penalty, offset)
    r = minimize_box(lambda x: clipped_linear_objective(x, *args), lambda x: clipped_linear_value(x, *args),
                     np.clip(np.asarray(x0, dtype=float), lo, hi), lo, hi, ftol=problem.tol * 1e-4,
                     gtol=problem.tol * 1e-2, max_iter=problem.max_iter)
    return SolveResult(r.x, r.fun, r.n_fev, r.success, r.message, time.perf_counter() - t0)


class ClippedLinearFitter(Fitter):
    """The capability model with the paper's clipped-linear link, ``score = clip(alpha_b (C_m - D_b) + offset, 0, 1)``.

    Same options, identification and scales as :class:`~irt_elo.fit.Fitter` (least squares only), plus ``offset``:
    0 as in Ho et al.'s code (``D_b`` is where the line leaves 0), 0.5 to make ``D_b`` the 50% point as in the
    sigmoid. The start puts every prediction near 0.5, inside the linear part, so no cell starts with a zero
    gradient.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> f = ClippedLinearFitter.from_preset("eci").fit(load_epoch_eci())
    >>> bool(f.result_.success), float(f.predict().to_numpy().max()) <= 1.0
    (True, True)
    """

    def __init__(self, *, offset: float = 0.0, **options: Any) -> None:
        check_number("offset", offset, np.isfinite, "a finite number")
        self.offset = float(offset)
        super().__init__(**options)

    @classmethod
    def from_fitter(cls, fitter: Fitter, offset: float = 0.0) -> ClippedLinearFitter:
        """The same options as ``fitter`` with the clipped-linear link."""
        return cls(offset=offset, **_base_params(fitter))

    def get_params(self) -> dict[str, Any]:
        return {**_base_params(self), "offset": self.offset}

    def _check_options(self) -> None:
        super()._check_options()
        if self.loss != "least_squares":
            raise IrtEloError("ClippedLinearFitter supports loss='least_squares' only")

    def initial_params(self, layout: M.Layout) -> np.ndarray:
        x = super().initial_params(layout)
        m, b = layout.n_models, layout.n_benchmarks
        x[m:m + b] += self.offset - 0.5  # z = theta - delta + offset ~ 0.5 with unit slopes
        return x

    def _solve(self, problem: Problem, x0: np.ndarray) -> SolveResult:
        return solve_clipped_linear(problem, x0, self.offset)

    link = "clipped-linear"

    def _link(self, z: np.ndarray) -> np.ndarray:
        return np.clip(z + self.offset, 0.0, 1.0)


def _base_params(fitter: Fitter) -> dict[str, Any]:
    """The :class:`~irt_elo.fit.Fitter` constructor options of any fitter (subclass extras left out)."""
    return {k: getattr(fitter, k) for k in inspect.signature(Fitter.__init__).parameters if k != "self"}


def link_name(fitter: Fitter) -> str:
    """'clipped-linear' or 'sigmoid'.

    Examples
    --------
    >>> link_name(ClippedLinearFitter()), link_name(Fitter())
    ('clipped-linear', 'sigmoid')
    """
    return fitter.link


def predict_cells(fitter: Fitter, models: Sequence[str], benchmarks: Sequence[str]) -> np.ndarray:
    """Predicted score for each (model, benchmark) pair, with the fitter's link (names must have been fitted).

    Examples
    --------
    >>> from irt_elo import fit
    >>> f = fit()
    >>> p = predict_cells(f, ["GPT-5"], ["Winogrande"])
    >>> bool(p[0] == f.predict(["GPT-5"], ["Winogrande"]).iloc[0, 0])
    True
    """
    th = fitter.theta_.reindex(list(models)).to_numpy()
    de = fitter.delta_.reindex(list(benchmarks)).to_numpy()
    al = fitter.alpha_.reindex(list(benchmarks)).to_numpy()
    if np.isnan(th).any() or np.isnan(de).any():
        raise IrtEloError("predict_cells: some models or benchmarks were not in the fitted table")
    return fitter._link(al * (th - de))


# --------------------------------------------------------------------------------------------------------------------
# Residuals and fit statistics


def cell_residuals(fitter: Fitter, variance_floor: float = VARIANCE_FLOOR) -> pd.DataFrame:
    """One row per fitted cell: score, prediction, residual, Bernoulli-like variance and standardised residual.

    Examples
    --------
    >>> from irt_elo import fit
    >>> r = cell_residuals(fit())
    >>> list(r.columns)[:5]
    ['model', 'benchmark', 'score', 'predicted', 'residual']
    """
    out = fitter.residuals().reset_index(drop=True)
    p = out["predicted"].to_numpy()
    out["variance"] = np.maximum(p * (1.0 - p), variance_floor)
    out["std_residual"] = out["residual"] / np.sqrt(out["variance"])
    return out


def fit_statistics(cells: pd.DataFrame, by: str, *, top: float = 0.9) -> pd.DataFrame:
    """Per-group fit statistics of :func:`cell_residuals` output (``by`` = 'benchmark' or 'model').

    Columns: ``n``, ``rmse``, ``mae``, ``mean_residual``, ``infit``, ``outfit`` (see the module docstring),
    ``mean_score`` and ``share_top`` (share of scores >= ``top``). Sorted by infit, worst first.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"benchmark": ["a", "a", "b", "b"], "score": [0.5, 0.6, 0.9, 0.2],
    ...                       "residual": [0.0, 0.1, 0.3, -0.3], "variance": [0.25, 0.25, 0.25, 0.25]})
    >>> fit_statistics(cells, "benchmark")["infit"].round(2).tolist()
    [1.89, 0.11]
    """
    r2 = cells["residual"].to_numpy() ** 2
    v = cells["variance"].to_numpy()
    phi_out = float(np.mean(r2 / v))
    phi_in = float(r2.sum() / v.sum())
    d = pd.DataFrame({by: cells[by].to_numpy(), "r": cells["residual"].to_numpy(), "r2": r2, "v": v,
                      "z2": r2 / v, "score": cells["score"].to_numpy(),
                      "top": (cells["score"].to_numpy() >= top).astype(float)})
    g = d.groupby(by, sort=False)
    out = pd.DataFrame({
        "n": g.size(),
        "rmse": np.sqrt(g["r2"].mean()),
        "mae": g["r"].apply(lambda s: float(np.abs(s).mean())),
        "mean_residual": g["r"].mean(),
        "infit": (g["r2"].sum() / g["v"].sum()) / (phi_in if phi_in > 0 else 1.0),
        "outfit": g["z2"].mean() / (phi_out if phi_out > 0 else 1.0),
        "mean_score": g["score"].mean(),
        "share_top": g["top"].mean(),
    })
    out.index.name = by
    return out.sort_values(["infit", "rmse"], ascending=False, kind="stable")


@dataclass(frozen=True)
class Diagnostics:
    """Result of :func:`diagnose`.

    Attributes
    ----------
    overall : dict
        ``n_obs``, ``n_models``, ``n_benchmarks``, ``rmse``, ``mae``, ``r2`` (in-sample), ``mean_residual``,
        ``dispersion`` (``phi_in``: residual variance relative to a one-answer Bernoulli), ``link``, ``converged``.
    cells : DataFrame
        :func:`cell_residuals`.
    benchmarks, models : DataFrame
        :func:`fit_statistics` per benchmark / model (worst infit first), with ``n_models`` / ``n_benchmarks`` and,
        for benchmarks, the fitted ``difficulty`` and ``slope``; models carry ``capability``.
    warnings : DataFrame
        ``kind`` ('few_benchmarks', 'saturated', 'misfit'), ``name``, ``value``, ``message``.
    """

    overall: dict[str, Any]
    cells: pd.DataFrame = field(repr=False)
    benchmarks: pd.DataFrame = field(repr=False)
    models: pd.DataFrame = field(repr=False)
    warnings: pd.DataFrame = field(repr=False)

    def worst_benchmarks(self, n: int = 10, by: str = "infit") -> pd.DataFrame:
        """The ``n`` benchmarks with the largest ``by`` (infit, outfit, rmse or mae)."""
        return _worst(self.benchmarks, n, by)

    def worst_models(self, n: int = 10, by: str = "infit") -> pd.DataFrame:
        """The ``n`` models with the largest ``by`` (infit, outfit, rmse or mae)."""
        return _worst(self.models, n, by)

    def to_dict(self, top: int = 10) -> dict[str, Any]:
        """JSON-ready summary: overall numbers, all per-benchmark / per-model rows, the worst ``top`` and warnings."""
        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            return df.reset_index().to_dict(orient="records")

        return {
            "overall": dict(self.overall),
            "worst_benchmarks": records(self.worst_benchmarks(top)),
            "worst_models": records(self.worst_models(top)),
            "benchmarks": records(self.benchmarks),
            "models": records(self.models),
            "warnings": self.warnings.to_dict(orient="records"),
        }


def _worst(df: pd.DataFrame, n: int, by: str) -> pd.DataFrame:
    if by not in ("infit", "outfit", "rmse", "mae"):
        raise IrtEloError(f"sort by infit, outfit, rmse or mae, not {by!r}")
    return df.sort_values(by, ascending=False, kind="stable").head(n)


def diagnose(
    fitter: Fitter,
    *,
    few_benchmarks: int = 5,
    top: float = 0.9,
    saturated_share: float = 0.5,
    misfit: float = 2.0,
    variance_floor: float = VARIANCE_FLOOR,
) -> Diagnostics:
    """Residuals, per-benchmark and per-model fit statistics and warnings for a fitted model.

    Parameters
    ----------
    fitter : Fitter
        A fitted :class:`~irt_elo.fit.Fitter` (or :class:`ClippedLinearFitter`).
    few_benchmarks : int
        Warn about models fitted on fewer benchmarks than this (their capability rests on few numbers).
    top, saturated_share : float
        Warn about benchmarks where at least ``saturated_share`` of the scores are >= ``top`` (saturated at the top:
        they no longer tell strong models apart).
    misfit : float
        Warn about benchmarks and models whose infit or outfit exceeds this.
    variance_floor : float
        ``v_min`` of the mean squares.

    Returns
    -------
    Diagnostics

    Examples
    --------
    >>> from irt_elo import fit
    >>> d = diagnose(fit())
    >>> d.overall["n_obs"], len(d.worst_benchmarks(5))
    (2249, 5)
    """
    if not hasattr(fitter, "x_"):
        raise IrtEloError("diagnose needs a fitted model; call .fit(table) first")
    cells = cell_residuals(fitter, variance_floor)
    y = cells["score"].to_numpy()
    r = cells["residual"].to_numpy()
    tss = float(((y - y.mean()) ** 2).sum())
    t = fitter.table_
    bench = fit_statistics(cells, "benchmark", top=top)
    bench = bench.join(pd.DataFrame({"difficulty": fitter.difficulty_, "slope": fitter.slope_}))
    models = fit_statistics(cells, "model", top=top).join(fitter.capability_.rename("capability"))
    phi_in = float((r ** 2).sum() / cells["variance"].sum())
    overall = {
        "n_obs": int(t.n_obs), "n_models": int(t.n_models), "n_benchmarks": int(t.n_benchmarks),
        "rmse": float(np.sqrt(np.mean(r ** 2))), "mae": float(np.mean(np.abs(r))),
        "r2": float(1.0 - (r ** 2).sum() / tss) if tss > 0 else float("nan"),
        "mean_residual": float(r.mean()), "dispersion": phi_in, "link": link_name(fitter),
        "model": fitter.model, "loss": fitter.loss, "converged": bool(fitter.result_.success),
    }
    warn = fit_warnings(bench, models, few_benchmarks=few_benchmarks, top=top, saturated_share=saturated_share,
                        misfit=misfit)
    return Diagnostics(overall, cells, bench, models, warn)


def fit_warnings(benchmarks: pd.DataFrame, models: pd.DataFrame, *, few_benchmarks: int = 5, top: float = 0.9,
                 saturated_share: float = 0.5, misfit: float = 2.0) -> pd.DataFrame:
    """Warnings from per-benchmark and per-model statistics (:func:`fit_statistics` frames).

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"n": [10], "share_top": [0.8], "infit": [1.0], "outfit": [1.0]}, index=["MMLU"])
    >>> m = pd.DataFrame({"n": [4], "infit": [1.0], "outfit": [1.0]}, index=["m1"])
    >>> fit_warnings(b, m)["kind"].tolist()
    ['few_benchmarks', 'saturated']
    """
    rows = []
    for name, n in models["n"].items():
        if n < few_benchmarks:
            rows.append(("few_benchmarks", name, float(n),
                         f"model {name!r} is fitted on {int(n)} benchmark(s) (< {few_benchmarks}); its capability "
                         "is uncertain and sensitive to any one score"))
    for name, share in benchmarks["share_top"].items():
        if share >= saturated_share:
            rows.append(("saturated", name, float(share),
                         f"benchmark {name!r} is saturated at the top: {share:.0%} of its scores are >= {top:g}, so "
                         "it no longer separates strong models"))
    for what, frame in (("benchmark", benchmarks), ("model", models)):
        worst = frame[["infit", "outfit"]].max(axis=1)
        for name, val in worst[worst > misfit].items():
            rows.append(("misfit", name, float(val),
                         f"{what} {name!r} fits poorly (infit {frame.loc[name, 'infit']:.2f}, outfit "
                         f"{frame.loc[name, 'outfit']:.2f}; 1 = typical)"))
    return pd.DataFrame(rows, columns=["kind", "name", "value", "message"])


# --------------------------------------------------------------------------------------------------------------------
# Cross-validation


def kfold_cells(table: ScoreTable, n_folds: int = 10, random_state: int = 0) -> np.ndarray:
    """Fold number (0..K-1) of every observed cell, or -1 for cells that are never held out.

    Cells are visited in a seeded random order and each goes to the fold that holds the fewest cells of its model,
    then of its benchmark, then overall (ties broken at random), so every model and benchmark is spread over the
    folds. A cell is never held out (-1) when it is the only one of its model or benchmark, so every fit keeps
    data for every parameter and no prediction is an extrapolation to an unseen model.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> f = kfold_cells(load_epoch_eci(), 5, random_state=0)
    >>> sorted(set(f[f >= 0].tolist()))
    [0, 1, 2, 3, 4]
    """
    if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)) or n_folds < 2:
        raise IrtEloError(f"need at least 2 folds for cross-validation, not {n_folds!r}")
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)) or random_state < 0:
        raise IrtEloError(f"random_state must be a non-negative integer, not {random_state!r}")
    k = int(n_folds)
    rng = np.random.default_rng(random_state)
    mi, bi = table.model_idx, table.bench_idx
    n_m = np.bincount(mi, minlength=table.n_models)
    n_b = np.bincount(bi, minlength=table.n_benchmarks)
    cm = np.zeros((table.n_models, k), dtype=np.int64)
    cb = np.zeros((table.n_benchmarks, k), dtype=np.int64)
    size = np.zeros(k, dtype=np.int64)
    fold = np.full(table.n_obs, -1, dtype=np.int64)
    for i in rng.permutation(table.n_obs):
        m, b = mi[i], bi[i]
        if n_m[m] < 2 or n_b[b] < 2:
            continue
        # Folds in lexicographic order (fewest of this model, then benchmark, then overall; random tie-breaks); the
        # first that leaves the model and the benchmark at least one training cell wins.
        order = np.lexsort((rng.random(k), size, cb[b], cm[m]))
        ok = order[(cm[m, order] + 1 < n_m[m]) & (cb[b, order] + 1 < n_b[b])]
        if ok.size == 0:
            continue
        f = int(ok[0])
        fold[i] = f
        cm[m, f] += 1
        cb[b, f] += 1
        size[f] += 1
    return fold


# A fold's refit: the data options were applied once to the whole table; the scale is irrelevant to predictions.
REFIT_ON_FOLD = dict(min_benchmarks=1, since=None, until=None, benchmarks=None, exclude_benchmarks=None, scale="logit")


def cv_candidates(base: Fitter | None = None, table: ScoreTable | None = None) -> dict[str, Fitter]:
    """The model forms compared by default: link (sigmoid vs clipped-linear), 1PL vs 2PL, least squares vs binomial.

    Each is ``base`` with one option changed (so data filters, ridge and bounds are shared). The binomial candidate
    uses each benchmark's question count when ``table`` has ``n_items`` for every cell, else a fractional Bernoulli
    likelihood (one trial per cell).

    Examples
    --------
    >>> for name in cv_candidates(Fitter.from_preset("eci")):
    ...     print(name)
    2PL sigmoid, least squares
    2PL clipped-linear, least squares
    1PL sigmoid, least squares
    2PL sigmoid, binomial (n=1)
    """
    base = base if base is not None else Fitter.from_preset("default")
    sigmoid = Fitter(**{**_base_params(base), "loss": "least_squares", "model": "2pl"})
    likelihood = "bernoulli"
    if table is not None and not np.isnan(questions_per_cell(table)).any():
        likelihood = "binomial"
    label = "binomial" if likelihood == "binomial" else "binomial (n=1)"
    return {
        "2PL sigmoid, least squares": sigmoid,
        "2PL clipped-linear, least squares": ClippedLinearFitter.from_fitter(sigmoid),
        "1PL sigmoid, least squares": sigmoid.clone(model="1pl"),
        f"2PL sigmoid, {label}": sigmoid.clone(loss=likelihood),
    }




@dataclass(frozen=True)
class CVResult:
    """Result of :func:`cross_validate`.

    Attributes
    ----------
    table : DataFrame
        One row per candidate: ``candidate``, ``link``, ``model``, ``loss``, ``cv_r2``, ``cv_rmse``, ``cv_mae``,
        ``in_sample_r2``, ``n_params``, ``n_test`` (held-out cells), ``n_folds``, ``folds_converged``.
    predictions : DataFrame
        Every held-out cell (``model``, ``benchmark``, ``score``, ``fold``) with one column of out-of-fold
        predictions per candidate.
    folds : ndarray
        Fold of each cell of the cross-validated table (-1 = never held out).
    n_folds, random_state : int
    """

    table: pd.DataFrame
    predictions: pd.DataFrame = field(repr=False)
    folds: np.ndarray = field(repr=False)
    n_folds: int = 10
    random_state: int = 0

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


@dataclass(frozen=True)
class _CVTask:
    """One (candidate, fold) refit; holds its own inputs so it can run in another process."""

    name: str
    fitter: Fitter
    table: ScoreTable
    train: np.ndarray
    test: np.ndarray
    fold: int


def _run_cv_task(task: _CVTask) -> tuple[str, int, np.ndarray, bool]:
    f = task.fitter.clone().fit(task.table.rows(task.train))
    t = task.table.scores.iloc[task.test]
    pred = predict_cells(f, t["model"].tolist(), t["benchmark"].tolist())
    return task.name, task.fold, pred, bool(f.result_.success)


def cross_validate(
    table: ScoreTable,
    fitters: Mapping[str, Fitter] | None = None,
    *,
    n_folds: int = 10,
    random_state: int = 0,
    n_jobs: int | str | None = 1,
    scheduler: Any = None,
    progress: bool = False,
) -> CVResult:
    """K-fold cross-validation over observed cells, comparing model forms.

    Parameters
    ----------
    table : ScoreTable
        The data. It is first filtered by the first candidate's data options (``min_benchmarks``, ``since``...);
        the folds split the remaining cells, and every candidate refits each training part with those filters off,
        so all candidates are scored on the same held-out cells.
    fitters : mapping of name -> Fitter, optional
        Candidates (default: :func:`cv_candidates` of the ``'default'`` preset). Their scale is irrelevant (scores
        are predicted from the logit-scale parameters) and is set to ``'logit'``.
    n_folds : int
        K.
    random_state : int
        Seed of the fold assignment (:func:`kfold_cells`); same seed, same table and same candidates give the same
        result, whatever ``n_jobs``.
    n_jobs, scheduler, progress
        Passed to :func:`irt_elo.fit.executor.parallel_map` (serial by default).

    Returns
    -------
    CVResult

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> cv = cross_validate(load_epoch_eci(), {"2PL": Fitter.from_preset("eci")}, n_folds=3)
    >>> bool(0.5 < cv.table.loc[0, "cv_r2"] < 1)
    True
    """
    fitters = dict(fitters) if fitters is not None else cv_candidates(Fitter.from_preset("default"), table)
    if not fitters:
        raise IrtEloError("cross_validate needs at least one candidate fitter")
    first = next(iter(fitters.values()))
    data = first.prepare(table)
    cands = {name: f.clone(**REFIT_ON_FOLD) for name, f in fitters.items()}
    folds = kfold_cells(data, n_folds, random_state)
    tasks = []
    for name, f in cands.items():
        for k in range(int(n_folds)):
            test = np.flatnonzero(folds == k)
            if test.size:
                tasks.append(_CVTask(name, f, data, np.flatnonzero(folds != k), test, k))
    results = parallel_map(_run_cv_task, tasks, n_jobs=n_jobs, scheduler=scheduler, progress=progress,
                           desc="cross-validation")
    held = folds >= 0
    y = data.score
    pred_cols: dict[str, np.ndarray] = {name: np.full(data.n_obs, np.nan) for name in cands}
    converged: dict[str, int] = {name: 0 for name in cands}
    for (name, k, pred, ok), task in zip(results, tasks):
        pred_cols[name][task.test] = pred
        converged[name] += int(ok)
    yt = y[held]
    tss = float(((yt - yt.mean()) ** 2).sum())
    rows = []
    for name, f in cands.items():
        e = yt - pred_cols[name][held]
        full = f.clone().fit(data)
        r_in = full.residuals()["residual"].to_numpy()
        rows.append({
            "candidate": name, "link": link_name(f), "model": f.model, "loss": f.loss,
            "cv_r2": float(1.0 - (e ** 2).sum() / tss), "cv_rmse": float(np.sqrt(np.mean(e ** 2))),
            "cv_mae": float(np.mean(np.abs(e))),
            "in_sample_r2": float(1.0 - (r_in ** 2).sum() / float(((y - y.mean()) ** 2).sum())),
            "n_params": int(full.problem_.layout.n_params), "n_test": int(held.sum()), "n_folds": int(n_folds),
            "folds_converged": converged[name],
        })
    preds = data.scores.loc[held, ["model", "benchmark", "score"]].copy()
    preds["fold"] = folds[held]
    for name, col in pred_cols.items():
        preds[name] = col[held]
    return CVResult(pd.DataFrame(rows), preds.reset_index(drop=True), folds, int(n_folds), int(random_state))


# --------------------------------------------------------------------------------------------------------------------
# Calibration of predictive intervals


@dataclass(frozen=True)
class PredictiveCheck:
    """Result of :func:`predictive_check`.

    Attributes
    ----------
    cells : DataFrame
        Every held-out cell: ``model``, ``benchmark``, ``fold``, ``observed``, ``predicted``, ``pi_low``,
        ``pi_high``, ``inside``.
    coverage : float
        Share of held-out scores inside their predictive interval (the goal: ``level``).
    below, above : float
        Shares below / above the interval.
    by_prediction : DataFrame
        Coverage by band of the predicted score (``band``, ``n``, ``coverage``).
    level : float
    n_folds, n_boot, seed : int
    """

    cells: pd.DataFrame = field(repr=False)
    coverage: float
    below: float
    above: float
    by_prediction: pd.DataFrame = field(repr=False)
    level: float
    n_folds: int
    n_boot: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "n_folds": self.n_folds, "n_boot": self.n_boot, "seed": self.seed,
                "n_cells": int(len(self.cells)), "coverage": self.coverage, "below": self.below,
                "above": self.above, "by_prediction": self.by_prediction.to_dict(orient="records")}


@dataclass(frozen=True)
class _PredictTask:
    fitter: Fitter
    table: ScoreTable
    train: np.ndarray
    test: np.ndarray
    fold: int
    level: float
    n_boot: int
    seed: int


def _run_predict_task(task: _PredictTask) -> pd.DataFrame:
    from irt_elo.fit.frozen import predict_cells

    f = task.fitter.clone().fit(task.table.rows(task.train))
    f.bootstrap(n_boot=task.n_boot, seed=task.seed, n_jobs=1)
    cells = task.table.scores.iloc[task.test][["model", "benchmark", "score"]]
    out = predict_cells(f.freeze(), cells, interval=task.level, seed=task.seed)
    out.insert(2, "fold", task.fold)
    return out


PREDICTION_BANDS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)


def predictive_check(fitter: Fitter, *, n_folds: int = 10, level: float = 0.90, n_boot: int = 200, seed: int = 0,
                     n_jobs: int | str | None = 1, scheduler: Any = None, progress: bool = False) -> PredictiveCheck:
    """Out-of-sample calibration of :meth:`irt_elo.fit.Fitter.predict`'s intervals: K-fold over observed cells.

    The fitted table's cells are split as in :func:`cross_validate` (:func:`kfold_cells`: every model and benchmark
    keeps training cells); each fold is refitted without its cells (data filters off, as there), bootstrapped
    (``n_boot`` draws, seed ``seed + fold``) and asked for ``level`` predictive intervals of the held-out cells. A
    calibrated interval covers about ``level`` of them.

    Examples
    --------
    >>> import irt_elo
    >>> pc = predictive_check(irt_elo.fit(), n_folds=3, n_boot=20)
    >>> bool(0.6 < pc.coverage <= 1.0), pc.n_folds
    (True, 3)
    """
    fitter._check_fitted()
    check_number("level", level, lambda v: 0 < v < 1, "strictly between 0 and 1")
    check_number("n_boot", n_boot, lambda v: v >= 2 and float(v).is_integer(), "an integer >= 2")
    data = fitter.table_
    folds = kfold_cells(data, n_folds, seed)
    base = fitter.clone(**REFIT_ON_FOLD)
    tasks = [_PredictTask(base, data, np.flatnonzero(folds != k), np.flatnonzero(folds == k), k, float(level),
                          int(n_boot), int(seed) + k) for k in range(int(n_folds)) if (folds == k).any()]
    parts = parallel_map(_run_predict_task, tasks, n_jobs=n_jobs, scheduler=scheduler, progress=progress,
                         desc="predictive check")
    cells = pd.concat(parts, ignore_index=True)
    cells["inside"] = (cells["observed"] >= cells["pi_low"]) & (cells["observed"] <= cells["pi_high"])
    band = pd.cut(cells["predicted"], list(PREDICTION_BANDS), include_lowest=True)
    by = cells.groupby(band, observed=True)["inside"].agg(["size", "mean"]).reset_index()
    by.columns = ["band", "n", "coverage"]
    by["band"] = by["band"].astype(str)
    return PredictiveCheck(cells, float(cells["inside"].mean()), float((cells["observed"] < cells["pi_low"]).mean()),
                           float((cells["observed"] > cells["pi_high"]).mean()), by, float(level), int(n_folds),
                           int(n_boot), int(seed))


__all__ = [
    "ClippedLinearFitter", "clipped_linear_predict", "clipped_linear_objective", "clipped_linear_value",
    "solve_clipped_linear", "predict_cells", "link_name",
    "cell_residuals", "fit_statistics", "fit_warnings", "diagnose", "Diagnostics",
    "kfold_cells", "cv_candidates", "cross_validate", "CVResult", "REFIT_ON_FOLD",
    "predictive_check", "PredictiveCheck", "PREDICTION_BANDS",
]
