"""Harness control: who ran an evaluation, and a capability model with a per-source offset.

CAISI runs every model in one harness with one token budget; many rows of Epoch's data are instead reported by the
model's developer (each lab's preferred setup) or by a third-party leaderboard. The ``source`` column of a score
table tells them apart. This module

* classifies each score row into a *source kind* (:func:`source_kinds`): ``'epoch'`` (Epoch's own runs: one harness
  for every model), ``'unattributed'`` (blank source in Epoch's file), ``'leaderboard'`` (a third-party leaderboard,
  repository or website) and ``'developer'`` (a technical report, model card, paper or announcement by the lab);
* filters a table to some kinds (:func:`filter_sources`);
* fits the capability model with an additive offset on the capability for cells of a source kind
  (:class:`SourceOffsetFitter`): ``z = alpha_b * (theta_m + gamma_k(cell) - delta_b)``, with analytic derivatives,
  on top of :mod:`irt_elo.core.model`'s penalty and :func:`irt_elo.core.optim.minimize_box`.

Blank sources are not Epoch runs: in Epoch's 2026-08-11 file the blank-source rows all sit on external benchmarks
(ARC-AGI-2 from ARC Prize, HLE, CritPt, APEX-Agents, ...); the reader keeps them as ``'unspecified'``
(:data:`irt_elo.data.readers.epoch_eci.UNSPECIFIED_SOURCE`), and they are classed ``'unattributed'`` here.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit, log_expit

from irt_elo.core import model as M
from irt_elo.core.optim import ArrowCurvature, minimize_box
from irt_elo.core.scale import scale_label
from irt_elo.data.datasets import table_or_default
from irt_elo.data.sources import KINDS, filter_sources, source_kinds
from irt_elo.data.table import ScoreTable
from irt_elo.errors import IrtEloError

# --------------------------------------------------------------------------------------------------------------------
# The capability model with per-source offsets: x = [theta (M), delta (B), free alpha (F), gamma (K)].


@dataclass(frozen=True, eq=False)
class OffsetDesign:
    """Cells of a score table with the offset each cell carries (``offset_idx`` = -1: none).

    Examples
    --------
    Two models on one benchmark (slope fixed at 1); the second model's cell carries offset 0:

    >>> d = OffsetDesign(M.Layout(2, 1, np.array([1.0])), np.array([0, 1]), np.array([0, 0]), np.array([-1, 0]), 1)
    >>> x = np.array([0.0, 0.0, 0.0, 1.0])  # theta_0, theta_1, delta_0, gamma_0
    >>> d.linear_predictor(x).tolist()
    [0.0, 1.0]
    """

    layout: M.Layout
    model_idx: np.ndarray
    bench_idx: np.ndarray
    offset_idx: np.ndarray
    n_offsets: int

    @property
    def n_params(self) -> int:
        return self.layout.n_params + self.n_offsets

    def split(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = self.layout.n_params
        return x[:k], x[k:]

    def linear_predictor(self, x: np.ndarray) -> np.ndarray:
        base, gamma = self.split(x)
        theta, delta, alpha = self.layout.unpack(base)
        g = np.where(self.offset_idx >= 0, np.concatenate([gamma, [0.0]])[self.offset_idx], 0.0)
        return alpha[self.bench_idx] * (theta[self.model_idx] + g - delta[self.bench_idx])

    def dz_dx(self, x: np.ndarray, row_scale: np.ndarray | None = None) -> sparse.csr_matrix:
        """Sparse Jacobian of z: columns theta_m (alpha), delta_b (-alpha), free alpha_b (u), gamma_k (alpha)."""
        lay = self.layout
        base, gamma = self.split(x)
        theta, delta, alpha = lay.unpack(base)
        m, b = lay.n_models, lay.n_benchmarks
        n = self.model_idx.size
        rows = np.arange(n)
        a = alpha[self.bench_idx]
        has_g = self.offset_idx >= 0
        g = np.zeros(n)
        g[has_g] = gamma[self.offset_idx[has_g]]
        u = theta[self.model_idx] + g - delta[self.bench_idx]
        s = np.ones(n) if row_scale is None else row_scale
        fp = lay.free_pos[self.bench_idx]
        has_a = fp >= 0
        r = [rows, rows, rows[has_a], rows[has_g]]
        c = [self.model_idx, m + self.bench_idx, m + b + fp[has_a], lay.n_params + self.offset_idx[has_g]]
        v = [a * s, -a * s, (u * s)[has_a], (a * s)[has_g]]
        return sparse.csr_matrix((np.concatenate(v), (np.concatenate(r), np.concatenate(c))),
                                 shape=(n, self.n_params))


def _penalty(x: np.ndarray, design: OffsetDesign, lam: float, form: M.PenaltyForm
             ) -> tuple[float, np.ndarray, np.ndarray]:
    """``0.5 lam / P * (P(base) + |gamma|^2)``, its gradient and a PSD diagonal curvature."""
    base, gamma = design.split(x)
    if lam <= 0 or form == "none":
        z = np.zeros_like(x)
        return 0.0, z, z
    c = 0.5 * lam / design.n_params
    pb, gb = M.penalty(base, design.layout, form)
    cb = M.penalty_curvature(base, design.layout, form)
    f = c * (pb + float(gamma @ gamma))
    g = c * np.concatenate([gb, 2.0 * gamma])
    h = c * np.concatenate([cb, np.full(gamma.size, 2.0)])
    return f, g, h


def offset_objective(x: np.ndarray, design: OffsetDesign, y: np.ndarray, w: np.ndarray, loss: str, lam: float,
                     form: M.PenaltyForm, hess: bool = True) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Value, gradient and Gauss-Newton (least squares) or Fisher (binomial/Bernoulli) matrix.

    Examples
    --------
    The design of :class:`OffsetDesign`'s example with both scores 0.5: the value is ``(sigmoid(1) - 0.5)^2 / 2``
    and the offset's gradient ``(sigmoid(1) - 0.5) sigmoid(1) (1 - sigmoid(1))``:

    >>> d = OffsetDesign(M.Layout(2, 1, np.array([1.0])), np.array([0, 1]), np.array([0, 0]), np.array([-1, 0]), 1)
    >>> f, g, H = offset_objective(np.array([0.0, 0.0, 0.0, 1.0]), d, np.full(2, 0.5), np.ones(2), "least_squares",
    ...                            0.0, "l2")
    >>> round(f, 6), round(float(g[-1]), 6), H.shape
    (0.026694, 0.045429, (4, 4))
    """
    z = design.linear_predictor(x)
    p = expit(z)
    if loss == "least_squares":
        r = p - y
        f = 0.5 * float(r @ (w * r))
        d1 = p * (1.0 - p)
        gz, cz = w * r * d1, w * d1 * d1
    else:
        f = -float(w @ (y * log_expit(z) + (1.0 - y) * log_expit(-z)))
        gz, cz = w * (p - y), w * p * (1.0 - p)
    J = design.dz_dx(x)
    g = J.T @ gz
    H = None
    if hess:
        Js = design.dz_dx(x, np.sqrt(cz))
        H = (Js.T @ Js).toarray()
    pf, pg, ph = _penalty(x, design, lam, form)
    if H is not None:
        H[np.diag_indices_from(H)] += ph
    return f + pf, g + pg, H


def _arrow(fgh: tuple[float, np.ndarray, np.ndarray | None], m: int) -> tuple[float, np.ndarray, Any]:
    """The curvature of :func:`offset_objective` as arrow blocks for the solver: each cell touches one model, so the
    capability block is diagonal and a step factors only the (benchmarks, slopes, offsets) Schur complement."""
    f, g, H = fgh
    if H is None:
        return f, g, H
    return f, g, ArrowCurvature(np.diag(H)[:m].copy(), H[:m, m:], H[m:, m:].copy())


def offset_value(x: np.ndarray, design: OffsetDesign, y: np.ndarray, w: np.ndarray, loss: str, lam: float,
                 form: M.PenaltyForm) -> float:
    """The value of :func:`offset_objective` alone (for the solver's step acceptance).

    Examples
    --------
    >>> d = OffsetDesign(M.Layout(2, 1, np.array([1.0])), np.array([0, 1]), np.array([0, 0]), np.array([-1, 0]), 1)
    >>> round(offset_value(np.array([0.0, 0.0, 0.0, 1.0]), d, np.full(2, 0.5), np.ones(2), "least_squares", 0.0,
    ...                    "l2"), 6)
    0.026694
    """
    z = design.linear_predictor(x)
    if loss == "least_squares":
        r = expit(z) - y
        f = 0.5 * float(r @ (w * r))
    else:
        f = -float(w @ (y * log_expit(z) + (1.0 - y) * log_expit(-z)))
    return f + _penalty(x, design, lam, form)[0]


OffsetScheme = Literal["open", "all", "both"]


class SourceOffsetFitter:
    """A fitter's model plus an additive capability offset for cells of each non-reference source kind.

    ``z = alpha_b * (theta_m + gamma - delta_b)``: ``gamma`` is how much more capable a model *looks* when a score
    comes from that kind of source rather than from the reference kind (Epoch's uniform harness). ``theta`` is then
    the capability as the reference harness would measure it.

    Parameters
    ----------
    base : Fitter
        Supplies everything else (model form, loss, ridge, filters, anchors, scale). Its ``'binomial'`` loss is fitted
        as fractional Bernoulli (one trial per cell).
    scheme : {'open', 'all', 'both'}
        Offsets for open-weights models only (``'open'``: the relative advantage an open model gets from a
        non-uniform harness, identified against closed models on the same benchmarks), for every model (``'all'``:
        identified only by benchmarks scored by several kinds of source), or both sets.
    kinds : {'binary', 'detailed'}
        One offset for every non-reference source ('reported': leaderboard, developer and unattributed rows
        together), or one per source kind.
    reference : str
        Source kind without offset.
    offset_bound : float
        Offsets are bounded to ``[-offset_bound, offset_bound]`` logits.

    Examples
    --------
    >>> from irt_elo import Fitter
    >>> from irt_elo.datasets import load_epoch_eci
    >>> f = SourceOffsetFitter(Fitter.from_preset("eci")).fit(load_epoch_eci())
    >>> f.offset_.index.tolist()
    ['open, reported']
    """

    def __init__(self, base: Any, *, scheme: OffsetScheme = "open", kinds: str = "binary",
                 reference: str = "epoch", offset_bound: float = 5.0) -> None:
        if scheme not in ("open", "all", "both"):
            raise IrtEloError(f"scheme must be 'open', 'all' or 'both', not {scheme!r}")
        if kinds not in ("binary", "detailed"):
            raise IrtEloError(f"kinds must be 'binary' or 'detailed', not {kinds!r}")
        self.kinds = kinds
        if reference not in KINDS:
            raise IrtEloError(f"reference must be one of {', '.join(KINDS)}, not {reference!r}")
        self.base = base
        self.scheme = scheme
        self.reference = reference
        self.offset_bound = float(offset_bound)
        self.name = f"{getattr(base, 'name', 'fit')} + source offsets"

    # -- building the problem -----------------------------------------------------------------------------------
    def _offsets(self, table: ScoreTable) -> tuple[np.ndarray, list[str]]:
        kinds = source_kinds(table).to_numpy(dtype=object)
        if self.kinds == "binary":
            kinds = np.where(kinds == self.reference, self.reference, "reported").astype(object)
            others = ["reported"] if (kinds == "reported").any() else []
        else:
            others = [k for k in KINDS if k != self.reference and (kinds == k).any()]
        is_open = np.zeros(table.n_obs, dtype=bool)
        if "open_weights" in table.models:
            ow = table.models["open_weights"].astype("boolean").fillna(False).to_numpy(dtype=bool)
            is_open = ow[table.model_idx]
        labels: list[str] = []
        idx = np.full(table.n_obs, -1, dtype=np.intp)
        if self.scheme in ("all", "both"):
            for k in others:
                sel = kinds == k
                if self.scheme == "both":
                    sel = sel & ~is_open
                if sel.any():
                    idx[sel] = len(labels)
                    labels.append(f"all, {k}" if self.scheme == "all" else f"closed, {k}")
        if self.scheme in ("open", "both"):
            for k in others:
                sel = (kinds == k) & is_open
                if sel.any():
                    idx[sel] = len(labels)
                    labels.append(f"open, {k}")
        if not labels:
            raise IrtEloError(f"{table.name}: every score comes from the reference source kind {self.reference!r}; "
                              "there is no offset to estimate")
        return idx, labels

    def fit(self, data: ScoreTable, x0: np.ndarray | None = None) -> SourceOffsetFitter:
        """Fit to a score table with a ``source`` column. Returns ``self``."""
        base = self.base
        table = base.prepare(data)
        problem = base.problem(table)
        layout = problem.layout
        idx, labels = self._offsets(table)
        design = OffsetDesign(layout, table.model_idx, table.bench_idx, idx, len(labels))
        y = problem.y
        w = np.ones_like(y) if problem.cell_weight is None else problem.cell_weight
        loss = "least_squares" if problem.loss == "least_squares" else "bernoulli"
        lo = np.concatenate([problem.lower, np.full(len(labels), -self.offset_bound)])
        hi = np.concatenate([problem.upper, np.full(len(labels), self.offset_bound)])
        if x0 is None:
            x0 = np.concatenate([base.initial_params(layout), np.zeros(len(labels))])
        args = (design, y, w, loss, problem.ridge, problem.penalty)
        self._solver = dict(ftol=problem.tol * 1e-4, gtol=problem.tol * 1e-2, max_iter=problem.max_iter)
        res = minimize_box(lambda x: _arrow(offset_objective(x, *args), layout.n_models),
                           lambda x: offset_value(x, *args), x0, lo, hi,
                           **self._solver)
        self.table_, self.design_, self.labels_ = table, design, labels
        self.result_, self.x_ = res, res.x
        self._args = args
        self._bounds = (lo, hi)
        self._set_params(res.x)
        return self

    def refit(self, rows: np.ndarray) -> tuple[pd.Series, pd.Series]:
        """Refit on a resample of the fitted cells (warm start); returns (capability, offset) on the output scale."""
        design, y, w, loss, lam, form = self._args
        d = OffsetDesign(design.layout, design.model_idx[rows], design.bench_idx[rows], design.offset_idx[rows],
                         design.n_offsets)
        args = (d, y[rows], w[rows], loss, lam, form)
        lo, hi = self._bounds
        m = design.layout.n_models
        r = minimize_box(lambda x: _arrow(offset_objective(x, *args), m), lambda x: offset_value(x, *args), self.x_,
                         lo, hi,
                         **self._solver)
        cap, off, _ = self._identified(r.x)
        return cap, off

    def _identified(self, x: np.ndarray) -> tuple[pd.Series, pd.Series, Any]:
        base_x, gamma = self.design_.split(x)
        layout, table = self.design_.layout, self.table_
        theta_raw = layout.unpack(base_x)[0]
        theta, delta, alpha = self.base.identify(base_x, layout, table)
        sd_raw = float(np.std(theta_raw))
        ratio = float(np.std(theta)) / sd_raw if sd_raw > 0 else 1.0  # identification may rescale (no anchor, 2PL)
        th = pd.Series(theta, index=table.model_names, name="theta")
        lm = self.base._scale_spec().calibrate(th)
        cap = pd.Series(lm.capability(theta), index=table.model_names, name="capability")
        off = pd.Series(gamma * ratio * lm.per_logit, index=self.labels_, name="offset")
        return cap, off, (th, delta, alpha, lm, gamma * ratio)

    def _set_params(self, x: np.ndarray) -> None:
        cap, off, (th, delta, alpha, lm, gamma_id) = self._identified(x)
        t = self.table_
        self.theta_ = th
        self.scale_ = lm
        self.capability_ = cap
        self.offset_ = off
        self.offset_logit_ = pd.Series(gamma_id, index=self.labels_, name="offset_logit")
        counts = np.bincount(self.design_.offset_idx[self.design_.offset_idx >= 0], minlength=len(self.labels_))
        self.offset_cells_ = pd.Series(counts, index=self.labels_, name="n_cells")
        models = pd.DataFrame({"model": t.model_names, "capability": cap.to_numpy(),
                               "n_benchmarks": t.benchmarks_per_model().to_numpy()})
        self.models_ = pd.concat([models, t.models.reset_index(drop=True)], axis=1)

    def preferred(self, kind: str = "reported") -> pd.Series:
        """Capabilities as a harness of source ``kind`` would show them: open models gain their offset.

        With scheme 'open' this is the uniform-harness capability plus, for open-weights models, the estimated
        advantage of a ``kind`` report; closed models are unchanged (their reports are the reference).
        """
        label = f"open, {kind}"
        if label not in self.offset_.index:
            raise IrtEloError(f"no offset for {label!r}; fitted offsets: {', '.join(self.offset_.index)}")
        cap = self.capability_.copy()
        ow = self.table_.models["open_weights"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
            if "open_weights" in self.table_.models else np.zeros(len(cap), dtype=bool)
        cap[ow] = cap[ow] + float(self.offset_[label])
        return cap


def _offset_draw(fitter: SourceOffsetFitter, seed: Any) -> tuple[np.ndarray, np.ndarray]:
    from irt_elo.fit.uncertainty import stratified_rows

    rows = stratified_rows(fitter.design_.model_idx, np.random.default_rng(seed))
    cap, off = fitter.refit(rows)
    return cap.to_numpy(), off.to_numpy()


def offset_bootstrap(fitter: SourceOffsetFitter, n_boot: int = 200, seed: int = 12345, *, n_jobs: int | str | None = 1,
                     scheduler: str | None = None, progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bootstrap draws (stratified by model, warm-started) of a fitted :class:`SourceOffsetFitter`.

    Returns ``(capability_draws, offset_draws)``, draws x models and draws x offsets, on the output scale. Runs
    through :func:`irt_elo.fit.executor.parallel_map`.

    Examples
    --------
    >>> from irt_elo import Fitter
    >>> from irt_elo.datasets import load_epoch_eci
    >>> f = SourceOffsetFitter(Fitter.from_preset("caisi")).fit(load_epoch_eci())
    >>> caps, offs = offset_bootstrap(f, n_boot=2, seed=1)
    >>> caps.shape == (2, len(f.capability_)), offs.columns.tolist()
    (True, ['open, reported'])
    """
    from irt_elo.fit.executor import parallel_map

    if n_boot < 2:
        raise IrtEloError(f"n_boot must be at least 2, got {n_boot}")
    seeds = np.random.SeedSequence(seed).spawn(int(n_boot))
    out = parallel_map(_offset_draw_task, [(fitter, s) for s in seeds], n_jobs=n_jobs, scheduler=scheduler,
                       progress=progress)
    caps = pd.DataFrame([o[0] for o in out], columns=fitter.capability_.index)
    offs = pd.DataFrame([o[1] for o in out], columns=fitter.offset_.index)
    return caps, offs


def _offset_draw_task(task: tuple[SourceOffsetFitter, Any]) -> tuple[np.ndarray, np.ndarray]:
    return _offset_draw(*task)


# --------------------------------------------------------------------------------------------------------------------
# The harness-control analysis


@dataclass
class HarnessResult:
    """Gaps by evaluation source, the per-source offset, and what it implies for a preferred-harness re-run."""

    by_source: pd.DataFrame  # one row per (sources, question)
    offsets: pd.DataFrame  # one row per offset: points on the method's scale, interval, cells
    rerun: pd.DataFrame  # one row per question: uniform-harness gap, preferred-harness gap, shrink fraction
    verdict: str
    data: str
    preset: str
    n_boot: int
    level: float

    def to_dict(self) -> dict[str, Any]:
        from irt_elo.data.records import records

        return {"data": self.data, "preset": self.preset, "n_boot": self.n_boot, "level": self.level,
                "by_source": records(self.by_source), "offsets": records(self.offsets),
                "rerun": records(self.rerun), "verdict": self.verdict,
                "claim": "a re-run with each model's preferred harness would shrink the open-closed gap by about "
                         "half (prediction on record, May 2026; METHODS.md section 4)"}


def _point_caps(frame: pd.DataFrame, values: np.ndarray, source: str, scale: str) -> Any:
    from irt_elo.analysis.capabilities import Capabilities

    f = frame.copy()
    f["capability"] = values
    f["ci_low"] = f["ci_high"] = np.nan
    return Capabilities(f, scale=scale, source=source)


def _point_answer(q: Any, caps: Any) -> tuple[float, float]:
    try:
        r = q.with_(criterion="point").answer(caps)
    except IrtEloError:
        return float("nan"), float("nan")
    return float(r.gap_months), float(r.gap_points)


def _point_gap(q: Any, frame: pd.DataFrame, values: np.ndarray, source: str, scale: str) -> tuple[float, float]:
    return _point_answer(q, _point_caps(frame, values, source, scale))


@dataclass(frozen=True, eq=False)
class _ShrinkTask:
    """One bootstrap draw of the harness re-run: every question's point gap on the draw's uniform-harness and
    preferred-harness capabilities (each built once for all questions); picklable for parallel_map."""

    frame: pd.DataFrame
    is_open: np.ndarray
    questions: tuple[Any, ...]
    source: str
    scale: str

    def __call__(self, task: tuple[np.ndarray, float]) -> list[tuple[float, float, float, float]]:
        u, offset = task
        uni = _point_caps(self.frame, u, self.source, self.scale)
        pref = _point_caps(self.frame, u + np.where(self.is_open, offset, 0.0), self.source, self.scale)
        return [_point_answer(q, uni) + _point_answer(q, pref) for q in self.questions]


def harness_control(data: ScoreTable | None = None, spec: Any = "eci", questions: Sequence[Any] | None = None, *,
                    n_boot: int = 100, seed: int = 12345, level: float = 0.90, scheme: OffsetScheme = "open",
                    n_jobs: int | str | None = 1, scheduler: Any = None, progress: bool = False) -> HarnessResult:
    """Does a preferred-harness re-run shrink the open-closed gap by about half?

    1. The method fitted on all evaluations, on Epoch's own uniform-harness runs only, and on the reported ones
       only; each question answered with bootstrap intervals.
    2. :class:`SourceOffsetFitter` with one offset for open-weights models on reported (non-uniform-harness)
       scores: how much better an open model looks, relative to closed models, when its score comes from a
       developer, a leaderboard or an unattributed source instead of Epoch's harness. Its capabilities are the
       uniform-harness ones; adding the offset to open models gives the preferred-harness ones.
    3. Each question on both, with the shrink fraction ``1 - preferred / uniform`` (gap months with the
       point-estimate criterion, and gap points) and a bootstrap interval (the offset model refitted per draw).

    The verdict compares the shrink fraction's interval with one half.

    Examples
    --------
    >>> r = harness_control(n_boot=4, questions=[])
    >>> r.offsets["offset"].tolist(), r.offsets["scale"].tolist()
    (['open, reported'], ['ECI'])
    """
    from irt_elo.analysis.compare import QUESTIONS, MethodSpec, run_method

    table = table_or_default(data)
    spec = spec if isinstance(spec, MethodSpec) else MethodSpec(spec)
    questions = tuple(QUESTIONS if questions is None else questions)
    rows = []
    for which in ("all", "uniform", "reported"):
        sp = MethodSpec(spec.preset, spec.overrides, sources=which)
        try:
            res = run_method(sp, table, questions, n_boot=n_boot, seed=seed, level=level, n_jobs=n_jobs,
                             scheduler=scheduler, progress=progress)
        except IrtEloError as e:
            for q in questions:
                rows.append({"sources": which, "question": q.key, "error": str(e)})
            continue
        for q in questions:
            row = res.row(q.key)
            row.update(sources=which, n_models=res.fitter.table_.n_models,
                       n_benchmarks=res.fitter.table_.n_benchmarks, n_scores=res.fitter.table_.n_obs,
                       notes="; ".join(res.notes))
            rows.append(row)
    by_source = pd.DataFrame(rows)

    base = spec.fitter()
    off = SourceOffsetFitter(base, scheme=scheme).fit(filter_sources(table, spec.sources))
    cap_draws = off_draws = None
    if n_boot:
        cap_draws, off_draws = offset_bootstrap(off, n_boot, seed, n_jobs=n_jobs, scheduler=scheduler,
                                                progress=progress)
    q_lo, q_hi = 50 * (1 - level), 50 * (1 + level)
    offsets = pd.DataFrame({"offset": off.offset_.index, "points": off.offset_.to_numpy(),
                            "logit": off.offset_logit_.to_numpy(), "n_cells": off.offset_cells_.to_numpy()})
    if off_draws is not None:
        offsets["points_low"] = np.percentile(off_draws.to_numpy(), q_lo, axis=0)
        offsets["points_high"] = np.percentile(off_draws.to_numpy(), q_hi, axis=0)
    scale_name = scale_label(off.scale_.name)
    offsets["scale"] = scale_name

    frame = off.models_.set_index("model").drop(columns=["capability"])
    is_open = frame["open_weights"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
        if "open_weights" in frame else np.zeros(len(frame), dtype=bool)
    label = "open, reported" if "open, reported" in off.offset_.index else None
    source = f"{spec.name} + source offsets, {table.name}"
    uni = off.capability_.to_numpy()
    pref = off.preferred().to_numpy() if label else uni
    per_draw = None
    if cap_draws is not None and label:
        # The draws' gaps dominate the cost (two Capabilities and an answer per question and draw): build each
        # draw's capabilities once for all questions, and spread the draws over the workers like the refits.
        from irt_elo.fit.executor import parallel_map

        offs = off_draws[label].to_numpy(dtype=float)
        per_draw = parallel_map(_ShrinkTask(frame, is_open, tuple(questions), source, scale_name),
                                [(cap_draws.iloc[b].to_numpy(), float(offs[b])) for b in range(len(cap_draws))],
                                n_jobs=n_jobs, scheduler=scheduler, progress=progress, desc="harness re-run draws")
    rr = []
    for i, q in enumerate(questions):
        mu, pu = _point_gap(q, frame, uni, source, scale_name)
        mp, pp = _point_gap(q, frame, pref, source, scale_name)
        row = {"question": q.key, "criterion": "point", "uniform_months": mu, "preferred_months": mp,
               "uniform_points": pu, "preferred_points": pp,
               "shrink_months": 1 - mp / mu if mu else np.nan, "shrink_points": 1 - pp / pu if pu else np.nan}
        if per_draw is not None:
            sm, sp_ = [], []
            for draw in per_draw:
                a1, a2, b1, b2 = draw[i]
                sm.append(1 - b1 / a1 if a1 else np.nan)
                sp_.append(1 - b2 / a2 if a2 else np.nan)
            for name, v in (("shrink_months", sm), ("shrink_points", sp_)):
                v = np.asarray(v, float)
                v = v[np.isfinite(v)]
                row[f"{name}_low"] = float(np.percentile(v, q_lo)) if len(v) else np.nan
                row[f"{name}_high"] = float(np.percentile(v, q_hi)) if len(v) else np.nan
        rr.append(row)
    rerun = pd.DataFrame(rr)
    verdict = _verdict(rerun, offsets, level)
    return HarnessResult(by_source, offsets, rerun, verdict, table.name, spec.name, int(n_boot), level)


def _verdict(rerun: pd.DataFrame, offsets: pd.DataFrame, level: float) -> str:
    parts = []
    for _, r in rerun.iterrows():
        for what in ("points", "months"):
            lo, hi = r.get(f"shrink_{what}_low", np.nan), r.get(f"shrink_{what}_high", np.nan)
            est = r[f"shrink_{what}"]
            if not np.isfinite(est):
                continue
            if np.isfinite(lo) and np.isfinite(hi):
                if lo <= 0.5 <= hi and lo > 0:
                    v = "consistent with about half"
                elif lo <= 0.5 <= hi:
                    v = "inconclusive (the interval holds both no shrink and half)"
                elif hi < 0:
                    v = "not supported: the gap would widen, not shrink"
                elif hi < 0.5:
                    v = "not supported: less than half" + ("; no change is within the interval" if lo <= 0 else "")
                else:
                    v = "more than half"
                parts.append(f"{r['question']} question, gap {what}: shrink {est:.0%} ({level:.0%} interval "
                             f"{lo:.0%} to {hi:.0%}): {v}")
            else:
                parts.append(f"{r['question']} question, gap {what}: shrink {est:.0%} (no interval)")
    if not parts:
        return "no verdict: the gaps could not be computed"
    head = ""
    if len(offsets):
        o = offsets.iloc[0]
        ci = (f", {level:.0%} interval {o['points_low']:.2f} to {o['points_high']:.2f}"
              if "points_low" in offsets else "")
        head = (f"open models' reported scores look {o['points']:+.2f} {o['scale']} points relative to closed "
                f"models' (offset {o['offset']!r}{ci}, {int(o['n_cells'])} cells). ")
    return head + "; ".join(parts) + "."


__all__ = ["SourceOffsetFitter",
           "OffsetDesign", "offset_objective", "offset_value", "offset_bootstrap", "harness_control",
           "HarnessResult"]
