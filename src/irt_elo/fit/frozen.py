"""New models on a frozen scale: score them, predict what they have not run, choose what to run next.

A fit is frozen into a :class:`FrozenScale`: every benchmark's difficulty and slope on the fit's output scale (ECI
points, Elo...), the fit's loss, clip, per-benchmark weights and ridge, the map from the fit's raw capabilities to
its scale, a residual model and, when there are any, parameter draws (the fit's bootstrap, or Epoch's own draws of a
release). Nothing in the fit moves when a model is scored against it.

* :func:`score_models`: each new model's capability is the minimiser of the fit's own loss over its cells with the
  benchmark parameters fixed (:func:`irt_elo.core.frozen.place`). Its interval carries both its own measurement
  error and the benchmark parameters' uncertainty: for every parameter draw the model's scores are simulated from
  the residual model around their fitted values and the model is re-placed with that draw's benchmark parameters;
  the interval is the percentiles of those placements. A model already in the fit, scored from its own scores,
  gets its fitted value back (to solver tolerance).
* :func:`predict_cells`: expected score of any (model, benchmark) cell with a predictive interval from the same
  draws plus the residual spread.
* :func:`next_benchmarks`: the benchmarks a model has not run, ranked by how much each would narrow its interval.

The residual model (:class:`ResidualModel`): a score's variance is ``v_b mu (1 - mu)`` around its expected value
``mu``, with ``v_b`` per benchmark from the fit's Pearson residuals (degrees-of-freedom corrected, shrunk toward the
pooled value). Its calibration is checked out of sample by :func:`irt_elo.analysis.diagnostics.predictive_check`.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.special import expit

from irt_elo.core.frozen import estimator_variance, place
from irt_elo.core.scale import LinearMap
from irt_elo.data.table import ScoreTable, from_frame, short_list
from irt_elo.errors import IrtEloError, check_number, did_you_mean

if TYPE_CHECKING:
    from irt_elo.fit.fitter import Fitter

SHRINK_CELLS = 10.0  # prior weight, in cells, of the pooled residual variance in each benchmark's estimate
VARIANCE_FLOOR = 0.02 * 0.98  # mu (1 - mu) floor: a near-certain prediction still has some spread


def score_variance(v: np.ndarray | float, mu: np.ndarray) -> np.ndarray:
    """The residual model's variance of a score with expected value ``mu`` on a benchmark with factor ``v``:
    ``v mu (1 - mu)``, with ``mu (1 - mu)`` floored at :data:`VARIANCE_FLOOR`.

    Examples
    --------
    >>> score_variance(0.04, np.array([0.5, 1.0])).round(6).tolist()
    [0.01, 0.000784]
    """
    return v * np.maximum(mu * (1.0 - mu), VARIANCE_FLOOR)


def _check_level(level: float) -> float:
    check_number("level", level, lambda v: 0 < v < 1, "strictly between 0 and 1 (e.g. 0.9)")
    return float(level)


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise IrtEloError(f"seed must be a non-negative integer, not {seed!r}")
    return int(seed)


@dataclass(frozen=True)
class ResidualModel:
    """``Var(score) = variance[b] * mu (1 - mu)`` around the expected score ``mu`` of a cell on benchmark ``b``.

    ``variance`` is indexed by benchmark; ``pooled`` is the value for all cells together and ``dof_factor`` the
    degrees-of-freedom correction ``n_cells / (n_cells - n_params)`` already applied to both.
    """

    variance: pd.Series
    pooled: float
    dof_factor: float

    @classmethod
    def from_fitter(cls, fitter: Fitter, shrink: float = SHRINK_CELLS) -> ResidualModel:
        """From a fitted :class:`~irt_elo.fit.Fitter`'s residuals (observed minus expected score, unclipped).

        Examples
        --------
        >>> import irt_elo
        >>> f = irt_elo.fit()
        >>> rm = ResidualModel.from_fitter(f)
        >>> bool(0 < rm.pooled < 0.1), len(rm.variance) == f.table_.n_benchmarks
        (True, True)
        """
        r = fitter.residuals()
        mu = r["predicted"].to_numpy()
        pearson2 = r["residual"].to_numpy() ** 2 / np.maximum(mu * (1 - mu), VARIANCE_FLOOR)
        n, p = len(r), fitter.problem_.layout.n_params
        dof = n / max(n - p, 1.0) if n > p else float(n)
        pooled = float(pearson2.mean() * dof)
        per = pd.Series(pearson2, index=r["benchmark"].to_numpy()).groupby(level=0, sort=False)
        v = (per.sum() * dof + shrink * pooled) / (per.size() + shrink)
        return cls(v.reindex(fitter.table_.benchmark_names).fillna(pooled).rename("residual_variance"), pooled, dof)

    def sd(self, benchmarks: np.ndarray | pd.Index, mu: np.ndarray) -> np.ndarray:
        """Standard deviation of scores with expected values ``mu`` on ``benchmarks`` (same shape, or broadcast)."""
        b = np.asarray(benchmarks)
        v = self.variance.reindex(b.ravel()).fillna(self.pooled).to_numpy(dtype=float).reshape(b.shape)
        return np.sqrt(score_variance(v, mu))


@dataclass(frozen=True, eq=False)
class FrozenScale:
    """The benchmark side of a fit, frozen, plus what scoring needs to behave as the fit did.

    Attributes
    ----------
    benchmarks : Index
        Benchmark names.
    difficulty, slope : Series
        Central benchmark parameters on the scale (``score = sigmoid(slope (capability - difficulty))``).
    weight : Series
        Per-benchmark loss weight, normalised as in the fit (CAISI: equal domains).
    n_items, precision : Series or None
        Question counts (binomial loss) and beta precisions (beta loss).
    loss, clip : str, float
        The fit's loss and score clip.
    ridge, centre : float
        The fit's ridge on one raw capability, on the scale: ``0.5 ridge (c - centre)^2``.
    bounds : (float, float)
        The fit's capability bounds on the scale.
    residuals : ResidualModel
    capability : Series
        Fitted capabilities of the fit's models.
    draws : dict of DataFrame, optional
        ``capability`` (draws x models), ``difficulty`` and ``slope`` (draws x benchmarks), paired by row.
    draws_source : str
        Where the draws come from ('bootstrap of this fit', "Epoch's own draws", or '' without draws).
    scale_name : str
    name : str
        What was frozen (the fit's label and its data).
    """

    benchmarks: pd.Index
    difficulty: pd.Series
    slope: pd.Series
    weight: pd.Series
    loss: str
    clip: float
    ridge: float
    centre: float
    bounds: tuple[float, float]
    residuals: ResidualModel
    capability: pd.Series
    n_items: pd.Series | None = None
    precision: pd.Series | None = None
    draws: dict[str, pd.DataFrame] | None = field(default=None, repr=False)
    draws_source: str = ""
    scale_name: str = "logit"
    name: str = ""
    raw_map: LinearMap | None = None

    @classmethod
    def from_fitter(cls, fitter: Fitter, draws: Any = None) -> FrozenScale:
        """Freeze a fitted :class:`~irt_elo.fit.Fitter` (2PL/1PL on aggregate scores).

        ``draws``: parameter draws with ``capability``, ``difficulty`` and ``slope`` frames on the fit's scale (a
        :class:`~irt_elo.fit.uncertainty.BootstrapResult`, or an
        :class:`~irt_elo.data.readers.epoch_release.EciDraws` of the release the fit reproduces); default: the
        fitter's own ``bootstrap_`` when it has one.
        """
        fitter._check_fitted()
        if getattr(fitter, "link", "sigmoid") != "sigmoid":
            raise IrtEloError(f"a fit with the {fitter.link} link cannot be frozen: scoring, prediction and the next "
                              "benchmark assume the sigmoid link")
        t, prob = fitter.table_, fitter.problem_
        names = t.benchmark_names
        raw_theta = prob.layout.unpack(fitter.x_)[0]
        cap = fitter.capability_.to_numpy()
        # Raw capability -> scale is affine (identification, then the scale's calibration); read it off the fit.
        if raw_theta.size >= 2 and np.ptp(raw_theta) > 0:
            per, icpt = np.polyfit(raw_theta, cap, 1)
        else:
            per, icpt = 1.0, float(cap[0] - raw_theta[0]) if cap.size else 0.0
        raw_map = LinearMap(float(icpt), float(per), fitter.scale_.name)
        w = np.ones(t.n_obs) if prob.cell_weight is None else prob.cell_weight
        weight = pd.Series(w, index=t.scores["benchmark"].to_numpy()).groupby(level=0, sort=False).first()
        ridge = 0.0
        if fitter.penalty != "none" and fitter.ridge > 0:
            ridge = fitter.ridge / prob.layout.n_params / per ** 2
        lo, hi = sorted(raw_map.capability(np.array(fitter.theta_bounds, dtype=float)))
        n_items = precision = None
        if prob.trials is not None:  # binomial: the question counts the fit used, per benchmark
            n_items = pd.Series(prob.trials, index=t.scores["benchmark"].to_numpy()).groupby(
                level=0, sort=False).median().reindex(names)
        if fitter.loss == "beta":
            precision = fitter.precision_.reindex(names)
        source = ""
        if draws is None and getattr(fitter, "bootstrap_", None) is not None:
            draws, source = fitter.bootstrap_, f"bootstrap of this fit ({fitter.bootstrap_.n_boot} draws)"
        dd = None
        if draws is not None:
            source = source or getattr(draws, "source", "") or "given draws"
            dd = _draw_frames(draws, names, t.model_names)
        return cls(
            benchmarks=names, difficulty=fitter.difficulty_.copy(), slope=fitter.slope_.copy(),
            weight=weight.reindex(names).fillna(1.0), loss=fitter.loss, clip=float(fitter.clip), ridge=float(ridge),
            centre=float(icpt), bounds=(float(lo), float(hi)), residuals=ResidualModel.from_fitter(fitter),
            capability=fitter.capability_.copy(), n_items=n_items, precision=precision, draws=dd,
            draws_source=source, scale_name=str(fitter.scale_.name), name=f"{fitter.name} fit of {t.name}",
            raw_map=raw_map)

    @property
    def n_draws(self) -> int:
        return 0 if self.draws is None else len(self.draws["difficulty"])

    def residual_variance(self) -> np.ndarray:
        """The residual model's ``v_b`` in benchmark order."""
        return self.residuals.variance.reindex(self.benchmarks).fillna(self.residuals.pooled).to_numpy(dtype=float)

    def cell_weight(self, benchmarks: np.ndarray) -> np.ndarray:
        """The loss weight of cells on ``benchmarks`` (binomial: times the question count)."""
        w = self.weight.reindex(benchmarks).to_numpy(dtype=float)
        if self.n_items is not None:
            w = w * self.n_items.reindex(benchmarks).to_numpy(dtype=float)
        return w

    def clipped(self, y: np.ndarray) -> np.ndarray:
        return y if self.clip <= 0 else np.clip(y, self.clip, 1.0 - self.clip)


def _draw_frames(draws: Any, benchmarks: pd.Index, models: pd.Index) -> dict[str, pd.DataFrame]:
    out = {}
    for what, names in (("difficulty", benchmarks), ("slope", benchmarks), ("capability", models)):
        d = getattr(draws, what, None)
        if not isinstance(d, pd.DataFrame):
            raise IrtEloError(f"parameter draws need a '{what}' table (draws x names); got {type(draws).__name__}")
        missing = [n for n in names if n not in d.columns]
        if missing:
            kind = "model" if what == "capability" else "benchmark"
            raise IrtEloError(f"the parameter draws have no {what} for {len(missing)} fitted {kind}(s), e.g. "
                              f"{missing[0]!r}; use draws of this fit (e.g. its bootstrap)")
        out[what] = d.reindex(columns=names).astype(float).reset_index(drop=True)
    if len({len(v) for v in out.values()}) != 1:
        raise IrtEloError("parameter draws: capability, difficulty and slope have different numbers of draws")
    return out


# --------------------------------------------------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True, eq=False)
class Scored:
    """What :func:`score_models` returns.

    ``summary``: one row per new model: ``model``, ``capability`` (NaN where the data set no finite point, e.g. all
    scores at the ceiling), ``ci_low``/``ci_high`` (±inf on a side the data leave open), ``interval`` (text),
    ``n_benchmarks`` (used), ``status`` ('ok', 'ceiling', 'floor', 'no known benchmark'), ``note`` and the
    model metadata the input had. ``draws``: draws x new models, paired row by row with the frozen fit's capability
    draws. ``ignored``: benchmark -> models that ran it, for benchmarks the fit does not know.
    """

    summary: pd.DataFrame
    draws: pd.DataFrame | None
    ignored: dict[str, list[str]]
    level: float
    frozen: FrozenScale = field(repr=False)
    table: ScoreTable = field(repr=False)


def _new_table(new: ScoreTable | pd.DataFrame) -> ScoreTable:
    if isinstance(new, ScoreTable):
        return new
    if isinstance(new, pd.DataFrame):
        return from_frame(new, aggregate="error", name="new models")
    raise IrtEloError(f"new-model scores must be a ScoreTable or a long DataFrame (model, benchmark, score), not "
                      f"{type(new).__name__}")


def _padded(table: ScoreTable, known: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(y, benchmark position, mask) arrays of shape (models, max cells) over the benchmarks in ``known``, one row
    per model of ``table`` in its order, each row's cells first."""
    b = known.get_indexer(table.scores["benchmark"])
    keep = b >= 0
    m = np.asarray(table.model_idx)[keep]
    b, score = b[keep], table.score[keep]
    order = np.argsort(m, kind="stable")
    m, b, score = m[order], b[order], score[order]
    counts = np.bincount(m, minlength=table.n_models)
    col = np.arange(m.size) - np.repeat(np.cumsum(counts) - counts, counts)
    k = max(int(counts.max(initial=0)), 1)
    y = np.full((table.n_models, k), 0.5)
    pos = np.zeros((table.n_models, k), dtype=np.intp)
    mask = np.zeros((table.n_models, k), dtype=bool)
    y[m, col], pos[m, col], mask[m, col] = score, b, True
    return y, pos, mask


def _place_rows(fz: FrozenScale, y: np.ndarray, pos: np.ndarray, mask: np.ndarray, difficulty: np.ndarray,
                slope: np.ndarray, start: np.ndarray | None = None) -> Any:
    names = fz.benchmarks.to_numpy()[pos]
    w = np.where(mask, fz.cell_weight(names.ravel()).reshape(pos.shape), 0.0)
    phi = None if fz.precision is None else fz.precision.to_numpy(dtype=float)[pos]
    return place(fz.clipped(y), w, slope, difficulty, loss=fz.loss, phi=phi, ridge=fz.ridge, centre=fz.centre,
                 bounds=fz.bounds, start=start)


def _interval_text(lo: float, hi: float, digits: int = 1) -> str:
    if np.isnan(lo) or np.isnan(hi):
        return ""
    a = "-inf" if np.isneginf(lo) else f"{lo:.{digits}f}"
    b = "+inf" if np.isposinf(hi) else f"{hi:.{digits}f}"
    return f"[{a}, {b}]"


CHUNK_CELLS = 1 << 16  # cells per block of draw placements: the temporaries stay in cache


def model_rng(seed: int, model: str) -> np.random.Generator:
    """The random stream of one model's simulated scores: fixed by the seed and the model's name, so a model's
    interval does not change when other models are scored with it."""
    return np.random.default_rng([int(seed), zlib.crc32(model.encode("utf-8"))])


def _draw_placements(fz: FrozenScale, y: np.ndarray, pos: np.ndarray, n_used: np.ndarray, central: np.ndarray,
                     models: list[str], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each model re-placed under every parameter draw from scores simulated around its fitted values
    (draws x models), with the flags of placements stuck on the lower / upper bound.

    Models with the same number of cells are placed together, in blocks of about :data:`CHUNK_CELLS` cells (small
    enough for the temporaries to stay in cache: four times faster than one large block), starting from the
    central estimate."""
    D, M = fz.n_draws, len(models)
    val = np.full((D, M), np.nan)
    lo_b, hi_b = np.zeros((D, M), bool), np.zeros((D, M), bool)
    dif, slo = fz.draws["difficulty"].to_numpy(), fz.draws["slope"].to_numpy()
    d0, s0 = fz.difficulty.to_numpy(dtype=float), fz.slope.to_numpy(dtype=float)
    var, wgt = fz.residual_variance(), fz.cell_weight(fz.benchmarks.to_numpy())
    phi_all = None if fz.precision is None else fz.precision.to_numpy(dtype=float)
    for k in np.unique(n_used[n_used > 0]):
        idx = np.flatnonzero(n_used == k)
        p = pos[idx, :k]  # (m, k)
        c0 = central[idx]
        mu = expit(s0[p] * (c0[:, None] - d0[p]))
        sd = np.sqrt(score_variance(var[p], mu))
        # (D, m, k); single precision is plenty for a noise draw and twice as fast to make
        noise = np.stack([model_rng(seed, models[i]).standard_normal((D, k), dtype=np.float32) for i in idx], axis=1)
        sim = fz.clipped(np.clip(mu[None] + sd[None] * noise, 0.0, 1.0))
        per = max(1, CHUNK_CELLS // (k * len(idx)))  # draws per block
        # tol: 1e-6 of the value (about 1e-4 ECI points), far below the draws' Monte Carlo error
        kw = dict(loss=fz.loss, ridge=fz.ridge, centre=fz.centre, bounds=fz.bounds, tol=1e-6)
        left: list[tuple[np.ndarray, np.ndarray]] = []  # (draw, model position) of rows the quick steps left
        for d in range(0, D, per):
            e = min(D, d + per)
            n = (e - d) * len(idx)
            pp = np.broadcast_to(p, (e - d, *p.shape)).reshape(n, k)
            r = place(sim[d:e].reshape(n, k), wgt[pp], slo[d:e][:, p].reshape(n, k),
                      dif[d:e][:, p].reshape(n, k), phi=None if phi_all is None else phi_all[pp],
                      start=np.tile(c0, e - d), steps=10, finish=False, **kw)
            val[d:e, idx] = r.value.reshape(e - d, -1)
            lo_b[d:e, idx] = r.at_lower.reshape(e - d, -1)
            hi_b[d:e, idx] = r.at_upper.reshape(e - d, -1)
            rest = np.flatnonzero(~r.converged & np.isnan(r.value))
            left.append((d + rest // len(idx), rest % len(idx)))
        dr, mi = (np.concatenate(a) for a in zip(*left))
        if dr.size:  # one safeguarded solve for all of this group's leftovers
            pp = p[mi]
            r = place(sim[dr, mi], wgt[pp], slo[dr[:, None], pp], dif[dr[:, None], pp],
                      phi=None if phi_all is None else phi_all[pp], start=c0[mi], **kw)
            val[dr, idx[mi]], lo_b[dr, idx[mi]], hi_b[dr, idx[mi]] = r.value, r.at_lower, r.at_upper
    return val, lo_b, hi_b


def score_models(frozen: FrozenScale, new: ScoreTable | pd.DataFrame, *, level: float = 0.90, seed: int = 0,
                 replace: bool = False) -> Scored:
    """Place new models on a frozen scale, with intervals from the frozen fit's parameter draws.

    Parameters
    ----------
    frozen : FrozenScale
    new : ScoreTable or DataFrame
        The new models' scores (``model``, ``benchmark``, ``score`` and optional metadata such as
        ``release_date``).
    level : float
        Interval level.
    seed : int
        Seed of the simulated measurement error (the same seed gives the same intervals).
    replace : bool
        Score models whose names are already in the fit (from these scores) instead of refusing.

    Returns
    -------
    Scored

    Examples
    --------
    >>> import irt_elo
    >>> from irt_elo.fit.frozen import FrozenScale
    >>> f = irt_elo.fit()
    >>> new = irt_elo.datasets.load_epoch_eci().scores.query("model == 'GPT-5'")
    >>> s = score_models(FrozenScale.from_fitter(f), new, replace=True)
    >>> round(float(s.summary.loc[0, "capability"]), 3)
    150.0
    """
    level, seed = _check_level(level), _check_seed(seed)
    table = _new_table(new)
    fz = frozen
    models = list(table.model_names)
    clash = [m for m in models if m in fz.capability.index]
    if clash and not replace:
        m = clash[0]
        raise IrtEloError(f"{table.name}: model {m!r} is already in the fit ({fz.capability[m]:.2f} on its scale); "
                          "rename it, or pass replace=True (--replace) to re-score it from these scores")
    cells = table.scores
    unknown = cells.loc[~cells["benchmark"].isin(fz.benchmarks)]
    ignored = {b: list(pd.unique(g["model"])) for b, g in unknown.groupby("benchmark", sort=False)}
    if len(unknown) == len(cells):
        b = str(unknown["benchmark"].iloc[0])
        raise IrtEloError(f"{table.name}: none of its benchmarks is in the fit ({short_list(list(ignored), 4)}); "
                          f"the fit knows {short_list(list(fz.benchmarks), 6)}{did_you_mean(b, fz.benchmarks)}")
    y, pos, mask = _padded(table, fz.benchmarks)
    d0, s0 = fz.difficulty.to_numpy(dtype=float)[pos], fz.slope.to_numpy(dtype=float)[pos]
    central = _place_rows(fz, y, pos, mask, d0, s0)
    n_used = mask.sum(axis=1)
    lo_q, hi_q = 50.0 * (1.0 - level), 50.0 * (1.0 + level)
    ci = np.full((len(models), 2), np.nan)
    draws = None
    if fz.n_draws:
        val, lo_b, hi_b = _draw_placements(fz, y, pos, n_used, central.value, models, seed)
        ci = np.percentile(val, [lo_q, hi_q], axis=0).T
        # An interval end that lands among draws stuck on the search bound has no finite value: the data do not
        # limit that side.
        ci[:, 0] = np.where(lo_b.mean(axis=0) > lo_q / 100.0, -np.inf, ci[:, 0])
        ci[:, 1] = np.where(hi_b.mean(axis=0) > lo_q / 100.0, np.inf, ci[:, 1])
        draws = pd.DataFrame(val, columns=models)
    # Every score at the top (bottom) of the scale -- after the fit's clip -- says only that the model is at least
    # (at most) where those benchmarks saturate: the point the clip produces is an artefact, not an estimate.
    edge = fz.clip if fz.clip > 0 else 0.0
    top = (np.where(mask, y, 1.0) >= 1.0 - edge - 1e-12).all(axis=1) | central.at_upper
    bottom = (np.where(mask, y, 0.0) <= edge + 1e-12).all(axis=1) | central.at_lower
    status, notes, cap = [], [], central.value.copy()
    for i in range(len(models)):
        used = int(n_used[i])
        if used == 0:
            status.append("no known benchmark")
            notes.append("none of its benchmarks is in the fit: nothing can be said")
            cap[i], ci[i] = np.nan, (np.nan, np.nan)
        elif top[i]:
            status.append("ceiling")
            cap[i], ci[i, 1] = np.nan, np.inf
            notes.append("its scores sit at the ceiling of every benchmark it ran: no upper limit"
                         + (f"; at least {ci[i, 0]:.1f} ({lo_q:g}th percentile of the draws)"
                            if np.isfinite(ci[i, 0]) else ""))
        elif bottom[i]:
            status.append("floor")
            cap[i], ci[i, 0] = np.nan, -np.inf
            notes.append("its scores sit at the floor of every benchmark it ran: no lower limit"
                         + (f"; at most {ci[i, 1]:.1f} ({hi_q:g}th percentile of the draws)"
                            if np.isfinite(ci[i, 1]) else ""))
        else:
            status.append("ok")
            notes.append("" if fz.n_draws else "no parameter draws: no interval")
    out = pd.DataFrame({"model": models, "capability": cap, "ci_low": ci[:, 0], "ci_high": ci[:, 1]})
    out["interval"] = [_interval_text(a, b) for a, b in ci]
    out["n_benchmarks"] = n_used.astype(int)
    out["status"] = status
    out["note"] = notes
    meta = table.models.reindex(models).reset_index(drop=True)
    out = pd.concat([out, meta.drop(columns=[c for c in meta.columns if c in out.columns])], axis=1)
    return Scored(out, draws, ignored, level, fz, table)


# --------------------------------------------------------------------------------------------------------------------
# Prediction


def predict_cells(frozen: FrozenScale, cells: pd.DataFrame, *, capability_draws: pd.DataFrame | None = None,
                  capability: pd.Series | None = None, interval: float = 0.90, seed: int = 0) -> pd.DataFrame:
    """Expected score of (model, benchmark) cells with predictive intervals.

    Parameters
    ----------
    frozen : FrozenScale
        Needs parameter draws.
    cells : DataFrame
        ``model`` and ``benchmark`` columns (and ``score`` when observed: kept as ``observed``).
    capability_draws : DataFrame, optional
        Draws x models for models not in the frozen fit (e.g. :attr:`Scored.draws`), paired with its draws.
    capability : Series, optional
        Central capabilities of those models.
    interval : float
        Level of the predictive interval.
    seed : int
        Seed of the simulated residuals.

    Returns
    -------
    DataFrame
        ``model``, ``benchmark``, ``predicted`` (expected score at the central fit), ``pi_low``, ``pi_high``
        (percentiles of draw-wise expected score plus a residual draw, clipped to [0, 1]) and ``observed`` when
        given.
    """
    level, seed = _check_level(interval), _check_seed(seed)
    fz = frozen
    if not fz.n_draws:
        raise IrtEloError("predictive intervals need parameter draws: bootstrap the fit first (Fitter.bootstrap())")
    cap = fz.capability if capability is None else pd.concat([fz.capability, capability])
    cdraws = fz.draws["capability"] if capability_draws is None else pd.concat(
        [fz.draws["capability"], capability_draws.reset_index(drop=True)], axis=1)
    models, benches = cells["model"].astype(str).to_numpy(), cells["benchmark"].astype(str).to_numpy()
    for what, names, known in (("model", models, cap.index), ("benchmark", benches, fz.benchmarks)):
        bad = [n for n in pd.unique(names) if n not in known]
        if bad:
            raise IrtEloError(f"unknown {what} {bad[0]!r}{did_you_mean(bad[0], known)}")
    bi = fz.benchmarks.get_indexer(benches)
    c0 = cap.reindex(models).to_numpy(dtype=float)
    mu0 = expit(fz.slope.to_numpy()[bi] * (c0 - fz.difficulty.to_numpy()[bi]))
    cd = cdraws.reindex(columns=models).to_numpy(dtype=float)
    mud = expit(fz.draws["slope"].to_numpy()[:, bi] * (cd - fz.draws["difficulty"].to_numpy()[:, bi]))
    # One random stream per cell (seed, model, benchmark): a cell's interval does not depend on what else is asked.
    noise = np.stack([model_rng(seed, f"{m}\x1f{b}").standard_normal(len(mud)) for m, b in zip(models, benches)],
                     axis=1) if len(models) else np.zeros(mud.shape)
    sim = np.clip(mud + fz.residuals.sd(benches, mud) * noise, 0.0, 1.0)
    q = np.nanpercentile(sim, [50.0 * (1.0 - level), 50.0 * (1.0 + level)], axis=0)
    out = pd.DataFrame({"model": models, "benchmark": benches, "predicted": mu0, "pi_low": q[0], "pi_high": q[1]})
    if "score" in cells:
        out["observed"] = cells["score"].to_numpy(dtype=float)
    return out


# --------------------------------------------------------------------------------------------------------------------
# The next benchmark


def _item_variance(fz: FrozenScale, c: float, y: np.ndarray, pos: np.ndarray) -> float:
    """Variance over the parameter draws of the placement from scores ``y`` on benchmarks ``pos``."""
    if not fz.n_draws or pos.size == 0:
        return 0.0
    D = fz.n_draws
    Y = np.broadcast_to(y, (D, y.size))
    P = np.broadcast_to(pos, (D, pos.size))
    r = _place_rows(fz, Y, P, np.ones_like(P, dtype=bool), fz.draws["difficulty"].to_numpy()[:, pos],
                    fz.draws["slope"].to_numpy()[:, pos], start=np.full(D, c))
    v = r.value[np.isfinite(r.value)]
    return float(np.var(v, ddof=1)) if v.size > 1 else 0.0


def _meas_variance(fz: FrozenScale, c: float, pos: np.ndarray) -> float:
    names = fz.benchmarks.to_numpy()[pos]
    s, d = fz.slope.to_numpy()[pos], fz.difficulty.to_numpy()[pos]
    mu = expit(s * (c - d))
    v = fz.residuals.sd(names, mu) ** 2
    phi = None if fz.precision is None else fz.precision.to_numpy()[pos][None]
    return float(estimator_variance(np.array([c]), s[None], d[None], fz.cell_weight(names)[None], v[None],
                                    loss=fz.loss, phi=phi, ridge=fz.ridge)[0])


SPREAD_DRAWS = 100  # parameter draws used for the spread of a benchmark's expected score in :func:`information`


def information(frozen: FrozenScale, capability: float | np.ndarray) -> pd.DataFrame | pd.Series:
    """Information about the capability that one score on each benchmark carries, at one capability (a Series by
    benchmark) or at several (a DataFrame, capabilities x benchmarks): ``(d mu / d c)^2 / Var(score)`` per squared
    scale point, with ``mu = sigmoid(slope (c - difficulty))``.

    ``Var(score)`` is the residual model's ``v_b mu (1 - mu)`` plus, when the frozen fit has parameter draws, the
    spread of ``mu`` over the draws (the first :data:`SPREAD_DRAWS`): a score on a benchmark whose own difficulty
    and slope are uncertain says less about the model, however steep the benchmark.

    Examples
    --------
    >>> import irt_elo
    >>> fz = FrozenScale.from_fitter(irt_elo.fit())
    >>> info = information(fz, 155.0)
    >>> info.idxmax() in set(fz.benchmarks), bool((info >= 0).all())
    (True, True)
    """
    fz = frozen
    c = np.atleast_1d(np.asarray(capability, dtype=float))
    s, d = fz.slope.to_numpy(), fz.difficulty.to_numpy()
    mu = expit(s[None] * (c[:, None] - d[None]))
    q = mu * (1.0 - mu)
    var = score_variance(fz.residual_variance()[None], mu)
    if fz.n_draws:
        sd_, dd = (fz.draws[k].to_numpy()[:SPREAD_DRAWS] for k in ("slope", "difficulty"))
        var = var + expit(sd_[:, None, :] * (c[None, :, None] - dd[:, None, :])).var(axis=0, ddof=1)
    info = (s[None] * q) ** 2 / var
    if np.ndim(capability) == 0:
        return pd.Series(info[0], index=fz.benchmarks, name="information")
    return pd.DataFrame(info, index=c, columns=fz.benchmarks)


def posterior_weights(frozen: FrozenScale, scores: pd.DataFrame, grid: np.ndarray) -> np.ndarray:
    """What the scores so far say about the capability, on a grid: the population of fitted capabilities as prior
    (normal, their mean and SD) times the residual model's likelihood of each score, normalised to sum to 1."""
    fz = frozen
    cap = fz.capability.to_numpy(dtype=float)
    sd0 = float(cap.std()) if cap.size > 1 and cap.std() > 0 else float(np.ptp(grid)) / 4
    logw = -0.5 * ((grid - float(cap.mean())) / sd0) ** 2
    known = scores[scores["benchmark"].isin(fz.benchmarks)]
    if len(known):
        pos = fz.benchmarks.get_indexer(known["benchmark"])
        y = known["score"].to_numpy(dtype=float)
        mu = expit(fz.slope.to_numpy()[pos][None] * (grid[:, None] - fz.difficulty.to_numpy()[pos][None]))
        var = score_variance(fz.residual_variance()[pos][None], mu)
        logw = logw + (-0.5 * (y[None] - mu) ** 2 / var - 0.5 * np.log(var)).sum(axis=1)
    w = np.exp(logw - logw.max())
    return w / w.sum()


@dataclass(frozen=True, eq=False)
class NextChoice:
    """What :func:`next_benchmarks` returns.

    ``ranking``: the benchmarks the model has not run, most useful first: ``benchmark``, ``information``
    (:func:`information` averaged over what its scores so far leave uncertain; the ranking key),
    ``information_at_estimate``, ``expected_score``,
    ``width_after`` (predicted interval width with that one added) and ``narrows_by``. ``path``: the shortest way
    to a narrow interval, adding each time the benchmark that leaves the narrowest predicted interval: ``n_added``,
    ``benchmark``, ``width`` (predicted). ``width_now``: the predicted width today (inf without a usable
    benchmark). ``needed``: how many benchmarks along the path reach ``target_width`` (None when no target is given
    or the path does not reach it). ``status``: as in :func:`score_models`; with 'ceiling' or 'floor' the
    ``capability`` is only where the fit's clip puts the model (no estimate), with 'no known benchmark' the prior
    mean. Widths are normal approximations (``2 z sd``); :func:`score_models` gives percentile intervals.
    """

    model: str
    capability: float
    width_now: float
    ranking: pd.DataFrame
    path: pd.DataFrame
    target_width: float | None
    needed: int | None
    level: float
    status: str = "ok"  # as in score_models: 'ok', 'ceiling', 'floor' or 'no known benchmark'


GRID = 401  # capability grid of the posterior weights


def next_benchmarks(frozen: FrozenScale, model_scores: pd.DataFrame, *, level: float = 0.90,
                    target_width: float | None = None, max_path: int = 15) -> NextChoice:
    """Rank the benchmarks a model has not run by how much each would narrow its capability interval.

    The key is the information one more score would carry (:func:`information`: the residual model's spread plus
    the spread of the benchmark's own parameters over the draws; the standard rule of computerised adaptive
    testing), averaged over the capabilities its scores so far leave plausible ("posterior-weighted information",
    van der Linden 1998; prior: the fitted models' capabilities). With several scores that is the information at
    the current estimate; with none or one it does not stake everything on a poorly known point. In the simulation
    on the bundled data (:func:`irt_elo.analysis.newmodels.next_benchmark_simulation`) this rule beat random choice
    at every k from 1 to 10; ordering by the predicted measurement variance alone did no better than random at
    k = 4.

    ``width_after`` and the path give the predicted interval width: the estimate's measurement variance (sandwich
    variance under the residual model) plus the benchmark parameters' variance (the spread of the placement over the
    parameter draws, the new score set to its expected value). A steep benchmark whose own difficulty is uncertain
    can carry much information yet widen the interval; the path to ``target_width`` therefore adds, each time, the
    benchmark that leaves the narrowest predicted interval.

    Parameters
    ----------
    frozen : FrozenScale
    model_scores : DataFrame
        The model's observed cells (``model``, ``benchmark``, ``score``); may be empty.
    level : float
        Level of the predicted interval widths.
    target_width : float, optional
        Interval width (scale points) to reach; ``needed`` says how many benchmarks along the path get there.
    max_path : int
        Length of the path evaluated (at most the number of benchmarks not run).

    Returns
    -------
    NextChoice
    """
    from scipy.stats import norm

    level = _check_level(level)
    if target_width is not None:
        check_number("target_width", target_width, lambda v: 0 < v < np.inf, "> 0 (scale points)")
    fz = frozen
    z = float(norm.ppf(0.5 + level / 2.0))
    ran = model_scores[model_scores["benchmark"].isin(fz.benchmarks)]
    pos = fz.benchmarks.get_indexer(ran["benchmark"]).astype(np.intp)
    y = fz.clipped(ran["score"].to_numpy(dtype=float))
    model = str(model_scores["model"].iloc[0]) if "model" in model_scores and len(model_scores) else "new model"
    if "model" in model_scores and len(model_scores) and model_scores["model"].nunique() > 1:
        raise IrtEloError(f"next_benchmarks: the scores hold {model_scores['model'].nunique()} models; give one")
    grid = np.linspace(*fz.bounds, GRID)
    w = posterior_weights(fz, ran, grid)
    edge = fz.clip if fz.clip > 0 else 0.0
    status = "no known benchmark" if pos.size == 0 else "ceiling" if (y >= 1 - edge - 1e-12).all() else \
        "floor" if (y <= edge + 1e-12).all() else "ok"
    if pos.size:
        c = float(_place_rows(fz, y[None], pos[None], np.ones((1, pos.size), bool),
                              fz.difficulty.to_numpy()[pos][None], fz.slope.to_numpy()[pos][None]).value[0])
    else:
        c = float(w @ grid)  # no score yet: the prior mean

    def width(p: np.ndarray, yy: np.ndarray) -> float:
        if p.size == 0:
            return float("inf")
        return float(2 * z * np.sqrt(_meas_variance(fz, c, p) + _item_variance(fz, c, yy, p)))

    now = width(pos, y)
    pwi = pd.Series(w @ information(fz, grid).to_numpy(), index=fz.benchmarks)
    at_c = information(fz, c)
    done = set(ran["benchmark"])
    cand = [b for b in fz.benchmarks if b not in done]
    expected = {b: float(expit(fz.slope[b] * (c - fz.difficulty[b]))) for b in cand}
    rows = []
    for b in cand:
        w2 = width(np.append(pos, fz.benchmarks.get_loc(b)), np.append(y, fz.clipped(np.array([expected[b]]))))
        rows.append((b, float(pwi[b]), float(at_c[b]), expected[b], w2))
    ranking = pd.DataFrame(rows, columns=["benchmark", "information", "information_at_estimate", "expected_score",
                                         "width_after"])
    ranking = ranking.sort_values(["information", "benchmark"], ascending=[False, True], kind="stable")
    ranking["narrows_by"] = now - ranking["width_after"]
    ranking = ranking.reset_index(drop=True)
    # The path to a target width adds, each time, the benchmark that leaves the narrowest predicted interval: a steep
    # benchmark whose own difficulty is uncertain can carry much information and still widen the interval.
    path, p_cur, y_cur = [], pos, y
    left = list(ranking["benchmark"])
    needed = 0 if target_width is not None and now <= target_width else None
    for k in range(1, min(max_path, len(left)) + 1):
        trial = {b: width(np.append(p_cur, fz.benchmarks.get_loc(b)),
                          np.append(y_cur, fz.clipped(np.array([expected[b]])))) for b in left}
        b = min(left, key=lambda x: (trial[x], left.index(x)))
        left.remove(b)
        p_cur = np.append(p_cur, fz.benchmarks.get_loc(b))
        y_cur = np.append(y_cur, fz.clipped(np.array([expected[b]])))
        path.append((k, b, trial[b]))
        if needed is None and target_width is not None and trial[b] <= target_width:
            needed = k
    return NextChoice(model, c, now, ranking, pd.DataFrame(path, columns=["n_added", "benchmark", "width"]),
                      target_width, needed, level, status)


def choose_next(frozen: FrozenScale, model_scores: pd.DataFrame, candidates: list[str]) -> str:
    """The one benchmark among ``candidates`` that :func:`next_benchmarks` would run next (its ranking key only:
    no interval widths, so it is cheap enough for simulations)."""
    grid = np.linspace(*frozen.bounds, GRID)
    w = posterior_weights(frozen, model_scores, grid)
    info = information(frozen, grid)[list(candidates)]
    pwi = w @ info.to_numpy()
    order = np.lexsort((np.arange(len(candidates)), -pwi))  # most informative, first listed on ties
    return str(candidates[int(order[0])])


__all__ = ["FrozenScale", "ResidualModel", "score_variance", "Scored", "NextChoice", "score_models", "predict_cells",
           "next_benchmarks", "choose_next", "information", "posterior_weights", "model_rng"]
