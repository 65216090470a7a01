"""Benchmark-choice robustness: the headline gap over random benchmark subsets and without each benchmark.

Critics attribute CAISI's gap to a few of its nine benchmarks (METHODS.md §4). :func:`subset_gaps` refits a method on
many random ``k``-benchmark subsets of the data (``k = 9`` as CAISI) and answers the questions on each fit;
:func:`leave_one_out` drops one benchmark at a time. Both run their refits through
:func:`irt_elo.fit.executor.parallel_map` (serial, joblib processes, or a Dask cluster), each task carrying its own
subset, so results do not depend on ``n_jobs`` or the scheduler.

A subset fit can lose what the full fit relied on; the rules are those of :func:`irt_elo.analysis.compare.fit_method`
(missing anchor benchmark: standardised identification; missing scale anchor model: unanchored Elo, or logit scale
for ECI, whose points are then not reported) plus: a subset whose model-benchmark graph is disconnected is skipped
and counted; a question that cannot be answered on a subset (the named model or a group missing from it) gives NaN
for that question and is counted.

By default no bootstrap runs inside the subsets (``n_boot=0``), so the questions use the point-estimate catch-up
criterion (:data:`POINT_QUESTIONS`); the full-data reference is computed the same way.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.analysis.compare import (
    CAISI_QUESTION,
    EPOCH_QUESTION,
    PUBLISHED_HEADLINES,
    MethodSpec,
    Question,
    fit_method,
    run_method,
)
from irt_elo.data.datasets import table_or_default
from irt_elo.data.records import records
from irt_elo.data.table import ScoreTable
from irt_elo.errors import IrtEloError, did_you_mean

POINT_QUESTIONS = (EPOCH_QUESTION.with_(criterion="point"), CAISI_QUESTION)


@dataclass(frozen=True, eq=False)
class _SubsetTask:
    """Fit one benchmark subset and answer the questions; picklable, shared inputs sent once per worker."""

    table: ScoreTable
    spec: MethodSpec
    questions: tuple[Question, ...]
    n_boot: int
    seed: int
    level: float
    mode: str  # 'keep': fit these benchmarks; 'drop': fit all but these

    def __call__(self, task: tuple[int, tuple[str, ...]]) -> dict[str, Any]:
        i, names = task
        spec = self.spec.with_(benchmarks=names) if self.mode == "keep" else self.spec.with_(
            exclude_benchmarks=names)
        out: dict[str, Any] = {"subset": i, "benchmarks": " | ".join(names), "status": "ok", "notes": ""}
        try:
            fit = fit_method(spec, self.table)
            res = run_method(spec, self.table, self.questions, n_boot=self.n_boot, seed=self.seed, level=self.level,
                             n_jobs=1, fit=fit)
        except IrtEloError as e:
            msg = str(e)
            out["status"] = "disconnected" if "disconnected" in msg else "failed"
            out["notes"] = msg
            for q in self.questions:
                out[f"{q.key}_months"] = out[f"{q.key}_points"] = np.nan
            return out
        out.update(n_models=res.fitter.table_.n_models, n_benchmarks=res.fitter.table_.n_benchmarks,
                   notes="; ".join(res.notes + [f"{k}: {v}" for k, v in res.errors.items()]))
        for q in self.questions:
            row = res.row(q.key)
            out[f"{q.key}_months"] = row["gap_months"]
            out[f"{q.key}_points"] = row["gap_points"]
            out[f"{q.key}_elo"] = row["gap_elo"]
        return out


@dataclass
class SubsetResult:
    """Gaps on random benchmark subsets (or with one benchmark left out) next to the full-data gap."""

    frame: pd.DataFrame  # one row per subset
    full: dict[str, float]  # full-data gap per question (same criterion), keys '<q>_months', '<q>_points'
    questions: tuple[Question, ...]
    spec: MethodSpec
    k: int | None
    seed: int
    data: str
    pool: list[str] = field(default_factory=list)
    kind: str = "random"  # 'random' or 'leave-one-out'
    require_model: str | None = None

    def summary(self, level: float = 0.90) -> pd.DataFrame:
        """Per question: full-data gap, published headline, and the subsets' median, mean, percentiles, counts."""
        q0, q1 = 50 * (1 - level), 50 * (1 + level)
        rows = []
        for q in self.questions:
            v = self.frame[f"{q.key}_months"].to_numpy(float)
            ok = np.isfinite(v)
            pub = PUBLISHED_HEADLINES.get(q.key, {}).get("gap_months", np.nan)
            rows.append({
                "question": q.key, "criterion": q.criterion, "full_data_months": self.full.get(f"{q.key}_months"),
                "published_months": pub, "n_subsets": len(v), "n_answered": int(ok.sum()),
                "median": float(np.median(v[ok])) if ok.any() else np.nan,
                "mean": float(np.mean(v[ok])) if ok.any() else np.nan,
                f"p{q0:g}": float(np.percentile(v[ok], q0)) if ok.any() else np.nan,
                f"p{q1:g}": float(np.percentile(v[ok], q1)) if ok.any() else np.nan,
                "share_at_or_above_published": float(np.mean(v[ok] >= pub)) if ok.any() and np.isfinite(pub)
                else np.nan,
            })
        return pd.DataFrame(rows)

    def counts(self) -> dict[str, int]:
        """Subsets by status ('ok', 'disconnected', 'failed')."""
        return {str(k): int(v) for k, v in self.frame["status"].value_counts().items()}

    def influence(self, question: str | None = None) -> pd.DataFrame:
        """Leave-one-out: each benchmark's effect on the gap (gap without it minus full-data gap), largest first."""
        q = question or self.questions[0].key
        f = self.frame.copy()
        f["effect_months"] = f[f"{q}_months"] - self.full.get(f"{q}_months", np.nan)
        f["effect_points"] = f[f"{q}_points"] - self.full.get(f"{q}_points", np.nan)
        return f.reindex(f["effect_months"].abs().sort_values(ascending=False, na_position="last").index)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "data": self.data, "preset": self.spec.name, "sources": self.spec.sources,
                "k": self.k, "seed": self.seed, "pool": self.pool, "require_model": self.require_model,
                "full_data": self.full, "counts": self.counts(),
                "questions": {q.key: {"label": q.label, "criterion": q.criterion} for q in self.questions},
                "summary": records(self.summary()), "subsets": records(self.frame)}


def _full(table: ScoreTable, spec: MethodSpec, questions: Sequence[Question], n_boot: int, seed: int,
          level: float, n_jobs: Any, scheduler: Any) -> tuple[dict[str, float], list[str]]:
    res = run_method(spec, table, questions, n_boot=n_boot, seed=seed, level=level, n_jobs=n_jobs,
                     scheduler=scheduler)
    full: dict[str, float] = {}
    for q in questions:
        row = res.row(q.key)
        full[f"{q.key}_months"] = row["gap_months"]
        full[f"{q.key}_points"] = row["gap_points"]
    return full, [str(b) for b in res.fitter.table_.benchmark_names]


RECENT_SINCE = "2025-06-01"
RECENT_MIN_MODELS = 5


def benchmark_pool(table: ScoreTable, spec: MethodSpec, pool: str | Sequence[str] = "recent", *,
                   since: str = RECENT_SINCE, min_models: int = RECENT_MIN_MODELS) -> list[str]:
    """Benchmarks random subsets are drawn from, in data order.

    ``'all'``: every benchmark of the (source-filtered) data. ``'recent'``: those scored for at least
    ``min_models`` models released on or after ``since`` (2025-06-01), i.e. the benchmarks that can say anything
    about 2026 gaps; old benchmarks such as PIQA have no recent model and only shrink the fitted model set.
    A list: those benchmarks.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> len(benchmark_pool(load_epoch_eci(), MethodSpec("eci"), "recent"))
    42
    """
    from irt_elo.data.sources import filter_sources

    t = filter_sources(table, spec.sources)
    names = [str(b) for b in t.benchmark_names]
    if not isinstance(pool, str):
        pool = list(pool)
        t._check_names(pool, t.benchmark_names, "benchmark")
        return [b for b in names if b in set(pool)]
    if pool == "all":
        return names
    if pool != "recent":
        raise IrtEloError(f"pool must be 'all', 'recent' or a list of benchmarks, not {pool!r}")
    rel = t.models["release_date"] if "release_date" in t.models else pd.Series(pd.NaT, index=t.models.index)
    recent = (rel >= pd.Timestamp(since)).to_numpy(dtype=bool, na_value=False)[t.model_idx]
    counts = np.bincount(t.bench_idx[recent], minlength=t.n_benchmarks)
    return [b for b, c in zip(names, counts) if c >= min_models]


def random_subsets(pool: Sequence[str], k: int, n_subsets: int, seed: int, *,
                   cover: tuple[Sequence[str], int] | None = None, max_tries: int = 1000) -> list[tuple[str, ...]]:
    """``n_subsets`` random ``k``-subsets of ``pool`` (seeded; each in pool order).

    ``cover=(names, m)`` keeps only subsets with at least ``m`` of ``names`` (rejection sampling, so subsets are
    uniform among those that qualify); e.g. the benchmarks a named model was evaluated on, so that it stays in the
    fit.

    Examples
    --------
    >>> random_subsets(["a", "b", "c", "d"], 2, 3, seed=0)
    [('c', 'd'), ('a', 'b'), ('a', 'd')]
    """
    pool = list(pool)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise IrtEloError(f"k must be a positive integer, not {k!r}")
    if k > len(pool):
        raise IrtEloError(f"k = {k} is larger than the number of benchmarks available ({len(pool)}); "
                          f"choose k <= {len(pool)}")
    if isinstance(n_subsets, bool) or not isinstance(n_subsets, (int, np.integer)) or n_subsets < 1:
        raise IrtEloError(f"the number of subsets must be a positive integer, not {n_subsets!r}")
    rng = np.random.default_rng(seed)
    need = None
    if cover is not None:
        names, m = set(cover[0]), int(cover[1])
        need = (np.array([b in names for b in pool]), m)
        if need[0].sum() < m or k < m:
            raise IrtEloError(f"no {k}-subset of the {len(pool)} benchmarks holds {m} of the required ones "
                              f"({int(need[0].sum())} available); lower k or drop the requirement")
    out = []
    tries = 0
    while len(out) < int(n_subsets):
        idx = np.sort(rng.choice(len(pool), size=int(k), replace=False))
        tries += 1
        if need is not None and need[0][idx].sum() < need[1]:
            if tries > max_tries * int(n_subsets):
                raise IrtEloError(f"could not draw {n_subsets} subsets meeting the requirement in {tries} tries; "
                                  "lower k's requirement or use a larger pool")
            continue
        out.append(tuple(pool[i] for i in idx))
    return out


def subset_gaps(data: ScoreTable | None = None, spec: MethodSpec | str = "eci", *, k: int = 9,
                n_subsets: int = 200, seed: int = 0, questions: Sequence[Question] = POINT_QUESTIONS,
                pool: str | Sequence[str] = "recent", require_model: str | None = None, n_boot: int = 0,
                level: float = 0.90, n_jobs: int | str | None = 1, scheduler: Any = None,
                progress: bool = False) -> SubsetResult:
    """The headline gaps refitted on ``n_subsets`` random ``k``-benchmark subsets.

    Parameters
    ----------
    data : ScoreTable, optional
        Default: the bundled Epoch snapshot.
    spec : MethodSpec or preset name
        The method; its own benchmark subset is replaced by each random subset (drawn from all the data's
        benchmarks).
    k : int
        Benchmarks per subset (CAISI: 9).
    n_subsets, seed : int
        Number of subsets and the seed that draws them.
    questions : sequence of Question
        Default: Epoch's and CAISI's questions with the point-estimate criterion.
    pool : {'recent', 'all'} or list of str
        Benchmarks to draw from (see :func:`benchmark_pool`).
    require_model : str, optional
        Keep only subsets holding at least the method's ``min_benchmarks`` of this model's benchmarks, so that the
        model stays in the fit (CAISI's question needs it). Subsets are uniform among those that qualify.
    n_boot : int
        Bootstrap draws inside each subset (0: none; then the questions need the 'point' criterion).
    n_jobs, scheduler, progress
        See :func:`irt_elo.fit.executor.parallel_map`.

    Examples
    --------
    >>> r = subset_gaps(k=9, n_subsets=2, seed=1)
    >>> len(r.frame), sorted(r.counts())[:1]
    (2, ['ok'])
    """
    from irt_elo.fit.executor import parallel_map

    table = table_or_default(data)
    spec = spec if isinstance(spec, MethodSpec) else MethodSpec(spec)
    questions = tuple(questions)
    pool = benchmark_pool(table, spec, pool)
    cover = None
    if require_model is not None:
        if require_model not in table.model_names:
            raise IrtEloError(f"{table.name}: unknown model {require_model!r}"
                              f"{did_you_mean(require_model, table.model_names)}")
        own = table.scores.loc[table.scores["model"] == require_model, "benchmark"]
        cover = (list(own), max(1, int(spec.options().get("min_benchmarks", 1) or 1)))
    subsets = random_subsets(pool, k, n_subsets, seed, cover=cover)
    full, _ = _full(table, spec, questions, n_boot, seed, level, n_jobs, scheduler)
    task = _SubsetTask(table, spec, questions, int(n_boot), seed, level, "keep")
    rows = parallel_map(task, list(enumerate(subsets)), n_jobs=n_jobs, scheduler=scheduler, progress=progress,
                        desc="benchmark subsets")
    return SubsetResult(pd.DataFrame(rows), full, questions, spec, int(k), seed, table.name, pool, "random",
                        require_model)


def leave_one_out(data: ScoreTable | None = None, spec: MethodSpec | str = "eci", *,
                  questions: Sequence[Question] = POINT_QUESTIONS, n_boot: int = 0, seed: int = 0,
                  level: float = 0.90, n_jobs: int | str | None = 1, scheduler: Any = None,
                  progress: bool = False) -> SubsetResult:
    """The headline gaps refitted without each benchmark of the method's fit in turn.

    ``SubsetResult.influence()`` ranks benchmarks by how much dropping them moves the gap.

    Examples
    --------
    >>> r = leave_one_out(spec="caisi")
    >>> len(r.frame)
    6
    """
    from irt_elo.fit.executor import parallel_map

    table = table_or_default(data)
    spec = spec if isinstance(spec, MethodSpec) else MethodSpec(spec)
    questions = tuple(questions)
    full, fitted = _full(table, spec, questions, n_boot, seed, level, n_jobs, scheduler)
    if len(fitted) < 2:
        raise IrtEloError("leave-one-out needs a fit with at least 2 benchmarks")
    task = _SubsetTask(table, spec, questions, int(n_boot), seed, level, "drop")
    rows = parallel_map(task, [(i, (b,)) for i, b in enumerate(fitted)], n_jobs=n_jobs, scheduler=scheduler,
                        progress=progress, desc="leave one benchmark out")
    return SubsetResult(pd.DataFrame(rows), full, questions, spec, None, seed, table.name, fitted, "leave-one-out")


__all__ = ["subset_gaps", "leave_one_out", "random_subsets", "benchmark_pool", "SubsetResult", "POINT_QUESTIONS"]
