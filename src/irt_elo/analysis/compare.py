"""Epoch's and CAISI's headline gaps side by side, and which method choice moves one into the other.

Epoch says open-weights models lag the closed frontier by about 4 months (the best open model at each date of
2026-01-01..2026-05-28, "caught up" meaning not significantly different); CAISI says DeepSeek V4 Pro lags the US
frontier by about 8 months (one named model, "caught up" meaning the leader's point estimate reached it, on a 1PL
Elo fit of nine benchmarks). They differ partly by *what* is measured and partly by *how*.

* :class:`Question` — what is measured: the average open-frontier lag (:data:`EPOCH_QUESTION`) or one model's lag
  (:data:`CAISI_QUESTION`), each with its catch-up criterion.
* :class:`MethodSpec` — how: a preset plus option overrides plus a source (harness) filter.
* :func:`compare` — both presets, both questions, with bootstrap intervals (:class:`Comparison`).
* :func:`decompose` — change one method choice at a time from the ``eci`` preset to the ``caisi`` preset and report
  the headline after each step (:class:`Decomposition`); the first step is the ECI headline, the last the CAISI
  headline.
* :func:`caisi_table_elo` — the CAISI preset on CAISI's own published four-model table, against CAISI's Elo.

Benchmark-subset robustness lives in :mod:`irt_elo.analysis.robustness`, harness control in
:mod:`irt_elo.analysis.harness`.
Nothing here prints or writes files.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.core.scale import ELO_PER_LOGIT, Elo, Logit, TwoAnchor, anchor_models
from irt_elo.data.datasets import table_or_default
from irt_elo.data.published import PUBLISHED_HEADLINES
from irt_elo.data.records import records
from irt_elo.data.table import ScoreTable
from irt_elo.errors import IrtEloError
from irt_elo.fit.fitter import Fitter
from irt_elo.fit.presets import benchmark_domains, caisi_epoch_benchmarks, caisi_scale, get_preset

CAISI_MODEL = "DeepSeek-V4-Pro"
EPOCH_WINDOW = ("2026-01-01", "2026-05-28")
GAP_KEYS = ("gap_months", "gap_months_low", "gap_months_high", "gap_points", "gap_points_low", "gap_points_high")


# --------------------------------------------------------------------------------------------------------------------
# What is measured


@dataclass(frozen=True)
class Question:
    """What a headline measures.

    Parameters
    ----------
    key : str
        Short name used in outputs ('epoch', 'caisi').
    label : str
        One line for readers.
    kind : {'open-frontier', 'model-lag'}
        The average lag of the trailing group's best model over a window (:func:`irt_elo.analysis.gap.gap`), or how long
        before one named model's release the leading group reached its level (:func:`irt_elo.analysis.gap.model_lag`).
    method : str
        Gap procedure for 'open-frontier' ('epoch-2026', 'epoch-2025', 'caisi').
    start, end : str, optional
        Window for 'open-frontier'.
    model : str
        The named model for 'model-lag'.
    lead : {'closed', 'closed-us'}
        Leading group: closed-weights models, or closed-weights models from the United States (CAISI's frontier).
    criterion : {'two-sided', 'one-sided', 'point'}
        When the trailing side counts as caught up.
    uncertainty : {'sigma', 'draws'}
        How the catch-up test and the intervals treat uncertainty: 'sigma' (Epoch's procedure) takes each model's
        interval as an independent normal sigma; 'draws' uses paired bootstrap draws, which know that two models'
        errors move together and so find the leader significantly better sooner (longer gaps).
    """

    key: str
    label: str
    kind: str = "open-frontier"
    method: str = "epoch-2026"
    start: str | None = EPOCH_WINDOW[0]
    end: str | None = EPOCH_WINDOW[1]
    model: str = CAISI_MODEL
    lead: str = "closed"
    criterion: str = "two-sided"
    uncertainty: str = "sigma"

    def __post_init__(self) -> None:
        if self.kind not in ("open-frontier", "model-lag"):
            raise IrtEloError(f"question kind must be 'open-frontier' or 'model-lag', not {self.kind!r}")
        if self.lead not in ("closed", "closed-us"):
            raise IrtEloError(f"lead must be 'closed' or 'closed-us', not {self.lead!r}")
        if self.uncertainty not in ("sigma", "draws"):
            raise IrtEloError(f"uncertainty must be 'sigma' or 'draws', not {self.uncertainty!r}")

    def with_(self, **changes: Any) -> Question:
        return replace(self, **changes)

    def answer(self, caps: Any, level: float = 0.90, seed: int = 12345) -> Any:
        """The :class:`~irt_elo.analysis.gap.GapResult` of this question on a
        :class:`~irt_elo.analysis.capabilities.Capabilities`."""
        from irt_elo.analysis.gap import gap, model_lag

        if self.kind == "model-lag":
            lead = "closed"
            if self.lead == "closed-us":
                caps, lead = closed_us(caps), "closed US"
            return model_lag(caps, self.model, lead=lead, criterion=self.criterion, level=level, seed=seed,
                             uncertainty=self.uncertainty)
        return gap(caps, self.method, start=self.start, end=self.end, lead="closed", trail="open",
                   criterion=self.criterion, level=level, seed=seed, uncertainty=self.uncertainty)


def closed_us(caps: Any) -> Any:
    """Regroup capabilities into 'closed US' (closed weights, organisation in the United States), 'open' and other.

    Examples
    --------
    >>> from irt_elo.analysis.capabilities import Capabilities
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = closed_us(Capabilities.from_scores(load_epoch_eci_scores()))
    >>> [str(g) for g in caps.frame.loc[["GPT-5", "DeepSeek-V4-Pro"], "group"]]
    ['closed US', 'open']
    """
    return caps.regroup("closed-us")


EPOCH_QUESTION = Question(
    "epoch", "average lag of the best open-weights model, 2026-01-01..2026-05-28 (Epoch's question)",
    kind="open-frontier", method="epoch-2026", criterion="two-sided")
CAISI_QUESTION = Question(
    "caisi", f"months {CAISI_MODEL} lags the closed US frontier (CAISI's question)",
    kind="model-lag", lead="closed-us", criterion="point")
QUESTIONS = (EPOCH_QUESTION, CAISI_QUESTION)
HEADLINE_QUESTION = {"eci": "epoch", "caisi": "caisi"}


# --------------------------------------------------------------------------------------------------------------------
# How it is computed


@dataclass(frozen=True)
class MethodSpec:
    """A preset, option overrides, and which evaluations to use (``sources``: 'all', 'uniform', 'reported').

    Examples
    --------
    >>> MethodSpec("eci").with_(model="1pl").options()["model"]
    '1pl'
    """

    preset: str
    overrides: Mapping[str, Any] = field(default_factory=dict)
    sources: str = "all"
    label: str = ""

    def __post_init__(self) -> None:
        get_preset(self.preset)
        if self.sources not in ("all", "uniform", "reported"):
            raise IrtEloError(f"sources must be 'all', 'uniform' or 'reported', not {self.sources!r}")

    def options(self) -> dict[str, Any]:
        return {**get_preset(self.preset).options, **self.overrides}

    def with_(self, **overrides: Any) -> MethodSpec:
        return replace(self, overrides={**self.overrides, **overrides})

    def fitter(self, **more: Any) -> Fitter:
        return Fitter.from_preset(self.preset, **{**self.overrides, **more})

    @property
    def name(self) -> str:
        return self.label or self.preset

    def key(self) -> str:
        """A string that identifies the fit (for caching)."""
        items = sorted((k, repr(v)) for k, v in self.overrides.items())
        return f"{self.preset}|{self.sources}|{items}"


@dataclass
class FitOutcome:
    """A fitted method on one table, with the anchor fallbacks it needed."""

    fitter: Fitter
    notes: list[str]
    points_ok: bool  # False when the scale fell back to logits (gap points not on the method's scale)


def fit_method(spec: MethodSpec, data: ScoreTable, *, x0: np.ndarray | None = None) -> FitOutcome:
    """Fit ``spec`` to ``data``, falling back when a subset of the data lacks an anchor.

    Fallbacks (each recorded in ``notes``): an anchor benchmark that the filtered table lacks is dropped (the fit
    is then identified by standardisation; months are unaffected); a scale anchor model that the filtered table
    lacks turns an Elo scale into an unanchored Elo scale (differences keep their meaning) and the two-anchor ECI
    scale into the logit scale (``points_ok`` False: gap points are then not ECI points). A disconnected
    model-benchmark graph is an :class:`IrtEloError`.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> out = fit_method(MethodSpec("caisi"), load_epoch_eci())
    >>> out.points_ok, out.notes, out.fitter.scale_.name
    (True, [], 'elo')
    """
    from irt_elo.data.sources import filter_sources

    table = filter_sources(data, spec.sources)
    opts = spec.options()
    probe = spec.fitter(anchor_benchmark=None, scale=Logit(), benchmark_weights=None)
    prepared = probe.prepare(table)
    notes: list[str] = []
    extra: dict[str, Any] = {}
    ab = opts.get("anchor_benchmark")
    if ab is not None and ab not in prepared.benchmark_names:
        extra["anchor_benchmark"] = None
        notes.append(f"anchor benchmark {ab!r} not in the fitted data: identified by standardisation instead")
    spec_scale = opts.get("scale", "logit")
    scale = spec.fitter()._scale_spec()
    missing = [m for m in anchor_models(scale) if m not in prepared.model_names]
    points_ok = True
    if missing:
        if isinstance(scale, Elo):
            extra["scale"] = Elo(scale.points_per_logit, None, scale.base)
            notes.append(f"scale anchor {missing[0]!r} not in the fitted data: Elo scale centred on the mean model")
        elif isinstance(scale, TwoAnchor):
            extra["scale"] = Logit()
            points_ok = False
            notes.append(f"scale anchor {missing[0]!r} not in the fitted data: logit scale, points not on the "
                         f"{getattr(spec_scale, 'name', spec_scale)} scale")
    fitter = spec.fitter(**extra).fit(table, x0=x0)
    if not fitter.result_.success:
        notes.append(f"solver did not converge: {fitter.result_.message}")
    return FitOutcome(fitter, notes, points_ok)


def _elo_factor(fitter: Fitter) -> float:
    """Elo points (400/ln 10 per logit) per point of the fitter's output scale."""
    return ELO_PER_LOGIT / float(fitter.scale_.per_logit)


@dataclass
class MethodResult:
    """One method's fit and its answers to the questions."""

    spec: MethodSpec
    fitter: Fitter = field(repr=False)
    caps: Any = field(repr=False)
    answers: dict[str, Any]
    errors: dict[str, str]
    notes: list[str]
    points_ok: bool
    n_boot: int

    @property
    def scale(self) -> str:
        return self.caps.scale

    def row(self, key: str) -> dict[str, Any]:
        """Headline numbers of one question as a flat dict (NaN where it could not be answered)."""
        r = self.answers.get(key)
        out: dict[str, Any] = {"preset": self.spec.name, "question": key}
        if r is None:
            out.update({k: float("nan") for k in GAP_KEYS})
            out.update(gap_elo=float("nan"), gap_elo_low=float("nan"), gap_elo_high=float("nan"), criterion=None,
                       method=None, scale=self.scale, error=self.errors.get(key))
            return out
        out.update({k: float(getattr(r, k)) for k in GAP_KEYS})
        f = _elo_factor(self.fitter) if self.points_ok else float("nan")
        if not self.points_ok:
            for k in GAP_KEYS[3:]:
                out[k] = float("nan")
        out["gap_elo"] = out["gap_points"] * f
        out["gap_elo_low"] = out["gap_points_low"] * f
        out["gap_elo_high"] = out["gap_points_high"] * f
        out.update(criterion=r.criterion, method=r.method, scale=self.scale, error=None)
        return out


def run_method(spec: MethodSpec, data: ScoreTable, questions: Sequence[Question] = QUESTIONS, *,
               n_boot: int = 100, seed: int = 12345, level: float = 0.90, n_jobs: int | str | None = 1,
               scheduler: Any = None, progress: bool = False, fit: FitOutcome | None = None) -> MethodResult:
    """Fit a method (with ``n_boot`` bootstrap draws for intervals; 0 = none) and answer the questions.

    A question that cannot be answered on this fit (e.g. the named model is not in it, or a significance
    criterion without intervals) gets ``None`` and its reason in ``errors``.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> r = run_method(MethodSpec("caisi"), load_epoch_eci(), [CAISI_QUESTION, EPOCH_QUESTION], n_boot=0)
    >>> r.scale, r.row("caisi")["criterion"], r.answers["epoch"], "needs capability intervals" in r.errors["epoch"]
    ('Elo', 'point', None, True)
    """
    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.fit.uncertainty import bootstrap

    fit = fit or fit_method(spec, data)
    boot = None
    if n_boot:
        boot = bootstrap(fit.fitter, n_boot=n_boot, seed=seed, level=level, n_jobs=n_jobs, scheduler=scheduler,
                         progress=progress)
    caps = Capabilities.from_fitter(fit.fitter, boot, level=level)
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        try:
            answers[q.key] = q.answer(caps, level=level, seed=seed)
        except IrtEloError as e:
            answers[q.key] = None
            errors[q.key] = str(e)
    return MethodResult(spec, fit.fitter, caps, answers, errors, list(fit.notes), fit.points_ok, int(n_boot or 0))


# --------------------------------------------------------------------------------------------------------------------
# Side by side


@dataclass
class Comparison:
    """Each preset's answers to each question."""

    results: list[MethodResult]
    questions: tuple[Question, ...]
    data: str
    level: float
    n_boot: int
    seed: int

    def to_frame(self) -> pd.DataFrame:
        """One row per (preset, question): gap months and points with intervals, Elo-equivalent points, sizes."""
        rows = []
        for r in self.results:
            for q in self.questions:
                row = r.row(q.key)
                row.update(n_models=r.fitter.table_.n_models, n_benchmarks=r.fitter.table_.n_benchmarks,
                           headline=HEADLINE_QUESTION.get(r.spec.preset) == q.key)
                rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """One object per preset: its headline question's gap keys at the top, every question under ``questions``."""
        presets = []
        for r in self.results:
            head = HEADLINE_QUESTION.get(r.spec.preset, self.questions[0].key)
            obj: dict[str, Any] = {"preset": r.spec.name, "description": get_preset(r.spec.preset).description,
                                   "headline_question": head, "scale": r.scale,
                                   "scale_definition": r.fitter.scale_.description,
                                   "n_models": r.fitter.table_.n_models,
                                   "n_benchmarks": r.fitter.table_.n_benchmarks,
                                   "benchmarks": [str(b) for b in r.fitter.table_.benchmark_names],
                                   "n_boot": r.n_boot, "notes": r.notes}
            hd = r.row(head)
            obj.update({k: hd[k] for k in (*GAP_KEYS, "gap_elo", "gap_elo_low", "gap_elo_high")})
            qs = {}
            for q in self.questions:
                g = r.answers.get(q.key)
                d = g.to_dict() if g is not None else {"error": r.errors.get(q.key)}
                if g is not None and not r.points_ok:
                    for k in GAP_KEYS[3:]:
                        d[k] = None
                row = r.row(q.key)
                d.update(question=q.label, gap_elo=row["gap_elo"], gap_elo_low=row["gap_elo_low"],
                         gap_elo_high=row["gap_elo_high"])
                qs[q.key] = d
            obj["questions"] = qs
            presets.append(obj)
        return {"data": self.data, "level": self.level, "n_boot": self.n_boot, "seed": self.seed,
                "questions": {q.key: q.label for q in self.questions}, "published": PUBLISHED_HEADLINES,
                "presets": presets}


def compare(data: ScoreTable | None = None, presets: Sequence[str | MethodSpec] = ("eci", "caisi"),
            questions: Sequence[Question] = QUESTIONS, *, n_boot: int = 100, seed: int = 12345,
            level: float = 0.90, n_jobs: int | str | None = 1, scheduler: Any = None, progress: bool = False,
            sources: str = "all", common_models: bool = False) -> Comparison:
    """Fit each preset to the same data and answer every question with bootstrap intervals.

    Parameters
    ----------
    data : ScoreTable, optional
        Default: the bundled Epoch 2026-08-11 snapshot.
    presets : sequence of preset names or :class:`MethodSpec`
    questions : sequence of :class:`Question`
        Default: Epoch's (average open-frontier lag) and CAISI's (DeepSeek-V4-Pro's lag).
    n_boot, seed, level : bootstrap draws per preset (0: none; significance criteria then fail), seed, level.
    n_jobs, scheduler, progress : passed to :func:`irt_elo.fit.uncertainty.bootstrap`.
    sources : {'all', 'uniform', 'reported'}
        Which evaluations every preset uses (see :mod:`irt_elo.analysis.harness`).
    common_models : bool
        Answer the questions only on the models every preset fitted.

    Examples
    --------
    >>> c = compare(n_boot=0, questions=[EPOCH_QUESTION.with_(criterion="point")])
    >>> c.to_frame()["preset"].tolist()
    ['eci', 'caisi']
    """
    table = table_or_default(data)
    specs = [p if isinstance(p, MethodSpec) else MethodSpec(p, sources=sources) for p in presets]
    if not specs:
        raise IrtEloError("give at least one preset to compare")
    fits = [fit_method(s, table) for s in specs]
    if common_models:
        common = set.intersection(*(set(f.fitter.table_.model_names) for f in fits))
        if not common:
            raise IrtEloError("the presets fitted no model in common; drop common_models")
    results = []
    for s, f in zip(specs, fits):
        r = run_method(s, table, questions, n_boot=n_boot, seed=seed, level=level, n_jobs=n_jobs,
                       scheduler=scheduler, progress=progress, fit=f)
        if common_models:
            keep = r.caps.frame.index.isin(sorted(common))
            r.caps = r.caps.subset(keep)
            for q in questions:
                try:
                    r.answers[q.key] = q.answer(r.caps, level=level, seed=seed)
                    r.errors.pop(q.key, None)
                except IrtEloError as e:
                    r.answers[q.key], r.errors[q.key] = None, str(e)
            r.notes.append(f"questions answered on the {len(common)} models every preset fitted")
        results.append(r)
    return Comparison(results, tuple(questions), table.name, level, int(n_boot), seed)


# --------------------------------------------------------------------------------------------------------------------
# One method choice at a time


@dataclass(frozen=True)
class Step:
    """One state on the path from one method to another: a method, a question, and what changed to reach it."""

    name: str
    change: str
    spec: MethodSpec
    question: Question
    on_path: bool = True


# Options that only choose the solver's start point (the 1PL Bernoulli problem is strictly convex) or describe
# the run; they may differ at the end of the path.
_PATH_IGNORED = {"name", "random_state", "init_sd", "slope_bounds", "anchor_difficulty", "anchor_slope"}


def default_steps(model: str = CAISI_MODEL, *, harness: bool = True, end: MethodSpec | None = None,
                  sources: str = "all", uncertainty: str = "sigma", test_step: bool = True) -> list[Step]:
    """The path from the ``eci`` preset and Epoch's question to the ``caisi`` preset and CAISI's question.

    1. what is measured: one named model instead of the best open model at each date;
    2. catch-up criterion: the leader's point estimate reached it, instead of "not significantly different";
    3. benchmarks: CAISI's subset (Epoch's names, stand-ins included) and its data rule (>= 3 benchmarks);
    4. model form: 1PL; 5. loss: fractional Bernoulli; 6. weighting: equal per domain;
    7. ridge: 1e-3; 8. scale: Elo with Claude Opus 4.6 = 999 (= the ``caisi`` preset).
    Every question treats uncertainty as ``uncertainty`` says ('sigma': Epoch's independent CI-derived sigmas).
    With ``test_step``, an off-path step right after the first answers Epoch's question with the other treatment
    (paired bootstrap draws instead of independent sigmas, or the reverse): the choice that separated `irt-elo gap`
    (4.4 months) from the first `irt-elo compare` (6.4) on the bundled data. With ``harness``, an extra off-path
    step keeps only Epoch's own (uniform-harness) evaluations. ``end`` replaces the ``caisi`` spec (e.g. with the
    3x-odds Elo scale); ``sources`` applies to every step.

    Examples
    --------
    >>> steps = default_steps()
    >>> len(steps), steps[0].spec.preset, steps[1].on_path, steps[-2].spec.preset, steps[-1].on_path
    (11, 'eci', False, 'caisi', False)
    """
    eci = MethodSpec("eci", sources=sources)
    q_epoch = EPOCH_QUESTION.with_(uncertainty=uncertainty)
    q_named = CAISI_QUESTION.with_(model=model, criterion="two-sided", uncertainty=uncertainty)
    q_caisi = CAISI_QUESTION.with_(model=model, uncertainty=uncertainty)
    s3 = eci.with_(benchmarks=tuple(caisi_epoch_benchmarks()), min_benchmarks=3, anchor_benchmark=None)
    s4 = s3.with_(model="1pl")
    s5 = s4.with_(loss="bernoulli")
    s6 = s5.with_(benchmark_weights=benchmark_domains())
    s7 = s6.with_(ridge=1e-3)
    caisi = replace(end or MethodSpec("caisi"), sources=sources)
    sc = caisi.options().get("scale")
    scale_text = (f"Elo, {sc.points_per_logit:.1f} points per logit, {sc.anchor[0]} = {sc.anchor[1]:g}"
                  if isinstance(sc, Elo) and sc.anchor else f"scale {sc!r}")
    steps = [
        Step("ECI, Epoch's question", "eci preset; average lag of the best open model (Epoch, May 2026)",
             eci, q_epoch),
        *([_test_step(eci, q_epoch)] if test_step else []),
        Step("what: one named model", f"measure {model}'s lag behind the closed US frontier instead", eci, q_named),
        Step("criterion: point estimate", "caught up = the leader's point estimate reached it (not a 5% test)",
             eci, q_caisi),
        Step("benchmarks: CAISI's subset",
             f"fit only {', '.join(caisi_epoch_benchmarks())}; models with >= 3 of them; no Winogrande anchor",
             s3, q_caisi),
        Step("model: 1PL", "all slopes fixed at 1", s4, q_caisi),
        Step("loss: Bernoulli", "fractional Bernoulli likelihood instead of least squares", s5, q_caisi),
        Step("weights: per domain", "each benchmark equal within its domain, each domain equal", s6, q_caisi),
        Step("ridge: 1e-3", "ridge 0.1 -> 1e-3", s7, q_caisi),
        Step("scale: Elo (= caisi preset)", scale_text, caisi, q_caisi),
    ]
    if harness and sources == "all":
        steps.append(Step("harness: Epoch-run only", "off the path: the caisi preset on Epoch's own uniform-harness "
                          "evaluations only", replace(caisi, sources="uniform"), q_caisi, on_path=False))
    return steps


def _test_step(spec: MethodSpec, question: Question) -> Step:
    """Off the path: the same fit and question with the other treatment of uncertainty."""
    if question.uncertainty == "sigma":
        return Step("test: paired bootstrap draws", "off the path: paired test on bootstrap draws instead of "
                    "independent CI-derived sigmas", spec, question.with_(uncertainty="draws"), on_path=False)
    return Step("test: independent sigmas", "off the path: independent CI-derived sigmas (Epoch's procedure) "
                "instead of the paired test on bootstrap draws", spec, question.with_(uncertainty="sigma"),
                on_path=False)


def path_mismatches(steps: Sequence[Step]) -> dict[str, tuple[Any, Any]]:
    """Options (and question fields) in which the last on-path step differs from the one before it *plus* the
    scale change, i.e. what the path leaves unexplained; empty when the path is complete.

    The last on-path step is usually a preset itself; the step before is built by overrides. Options that only set
    the solver's start (``random_state``...) are ignored.

    Examples
    --------
    >>> path_mismatches(default_steps())
    {}
    >>> sorted(path_mismatches([s for s in default_steps() if not s.name.startswith("ridge")]))
    ['ridge']
    """
    on = [s for s in steps if s.on_path]
    if len(on) < 2:
        return {}
    prev, last = on[-2], on[-1]
    a = {**prev.spec.options(), "scale": last.spec.options().get("scale")}
    b = last.spec.options()
    out = {}
    for k in sorted(set(a) | set(b)):
        if k in _PATH_IGNORED:
            continue
        va, vb = _canon(k, a.get(k)), _canon(k, b.get(k))
        if va != vb:
            out[k] = (a.get(k), b.get(k))
    if prev.spec.sources != last.spec.sources:
        out["sources"] = (prev.spec.sources, last.spec.sources)
    if replace(prev.question, label="") != replace(last.question, label=""):
        out["question"] = (prev.question, last.question)
    return out


def _canon(key: str, v: Any) -> Any:
    if key == "benchmarks" and v is not None:
        from irt_elo.fit.presets import caisi_benchmarks

        epoch_names = set(caisi_epoch_benchmarks())
        caisi_names = set(caisi_benchmarks()["caisi_benchmark"])
        return tuple(sorted(b for b in v if b in epoch_names or b not in caisi_names))
    if isinstance(v, Mapping):
        return tuple(sorted((str(k), str(x)) for k, x in v.items()))
    return v


@dataclass
class Decomposition:
    """The headline after each step of a path between two methods."""

    frame: pd.DataFrame
    steps: list[Step]
    data: str
    level: float
    n_boot: int

    def to_dict(self) -> dict[str, Any]:
        return {"data": self.data, "level": self.level, "n_boot": self.n_boot, "steps": records(self.frame)}

    @property
    def total_months(self) -> float:
        """Last on-path minus first headline, in months (equals the sum of the step effects)."""
        on = self.frame[self.frame["on_path"]]
        return float(on["gap_months"].iloc[-1] - on["gap_months"].iloc[0])


def decompose(data: ScoreTable | None = None, steps: Sequence[Step] | None = None, *, n_boot: int = 100,
              seed: int = 12345, level: float = 0.90, n_jobs: int | str | None = 1, scheduler: Any = None,
              progress: bool = False, reuse: Sequence[MethodResult] = ()) -> Decomposition:
    """The headline gap after each one-at-a-time change from the ``eci`` preset to the ``caisi`` preset.

    Steps are cumulative (each keeps the changes before it), so the first row is the ECI headline (Epoch's question)
    and the last on-path row the CAISI headline (CAISI's question); ``delta_months`` is each step's effect and the
    effects add up to the difference. The effect of a step depends on the order; fits shared by several steps are
    computed once, and ``reuse`` passes fits already made with the same ``n_boot``, ``seed`` and ``level`` (e.g. a
    :class:`Comparison`'s results).

    Examples
    --------
    >>> d = decompose(n_boot=0, steps=[s for s in default_steps() if s.question.criterion == "point"][:2])
    >>> d.frame["step"].tolist()
    ['criterion: point estimate', "benchmarks: CAISI's subset"]
    """
    table = table_or_default(data)
    steps = list(steps) if steps is not None else default_steps()
    if not steps:
        raise IrtEloError("no decomposition steps given")
    cache: dict[str, MethodResult] = {r.spec.key(): r for r in reuse if r.n_boot == int(n_boot or 0)}
    rows = []
    prev_months = None
    for i, st in enumerate(steps):
        key = st.spec.key()
        if key not in cache:
            cache[key] = run_method(st.spec, table, (), n_boot=n_boot, seed=seed, level=level, n_jobs=n_jobs,
                                    scheduler=scheduler, progress=progress)
        base = cache[key]
        r = replace(base, answers={}, errors={}, notes=list(base.notes))
        try:
            r.answers[st.question.key] = st.question.answer(base.caps, level=level, seed=seed)
        except IrtEloError as e:
            r.answers[st.question.key] = None
            r.errors[st.question.key] = str(e)
        row = r.row(st.question.key)
        months = row["gap_months"]
        row.update(step_no=i, step=st.name, change=st.change, on_path=st.on_path, question_label=st.question.label,
                   n_models=base.fitter.table_.n_models, n_benchmarks=base.fitter.table_.n_benchmarks,
                   notes="; ".join(base.notes))
        # Off-path steps are measured against the last on-path state before them.
        row["delta_months"] = months - prev_months if prev_months is not None else float("nan")
        if st.on_path:
            prev_months = months
        rows.append(row)
    cols = ["step_no", "step", "change", "on_path", "question", "criterion", "gap_months", "gap_months_low",
            "gap_months_high", "delta_months", "gap_points", "gap_points_low", "gap_points_high", "scale",
            "gap_elo", "gap_elo_low", "gap_elo_high", "n_models", "n_benchmarks", "notes", "error",
            "question_label"]
    frame = pd.DataFrame(rows)[cols]
    return Decomposition(frame, steps, table.name, level, int(n_boot))


# --------------------------------------------------------------------------------------------------------------------
# CAISI's own table


@dataclass
class CaisiTableResult:
    """The CAISI preset (and 2PL variants) on CAISI's four-model table, against CAISI's published Elo."""

    frame: pd.DataFrame  # one row per model: CAISI's Elo and each variant's Elo
    differences: pd.DataFrame  # adjacent differences in CAISI's order, per variant, with ratio to CAISI's
    slopes: pd.DataFrame  # slope used per benchmark by the 2PL variant and where it came from
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"models": records(self.frame.rename_axis("model").reset_index()),
                "differences": records(self.differences),
                "slopes": records(self.slopes.rename_axis("benchmark").reset_index()), "notes": self.notes}


def caisi_table_elo(table: ScoreTable | None = None, reference: ScoreTable | Fitter | None = None, *,
                    three_x: bool = False) -> CaisiTableResult:
    """Fit CAISI's published table and compare with CAISI's Elo (1260 / 999 / 800 / 749).

    Variants, all anchored so that Claude Opus 4.6 = 999 (CAISI's rating; its offset is not published):

    ``1pl``
        The ``caisi`` preset as is: 1PL, fractional Bernoulli, equal weights per benchmark within domain and per
        domain. Aggregate scores are averages over items of spread-out difficulty, which flattens each benchmark's
        curve: a 1PL on them compresses capability differences relative to CAISI's item-level 1PL.
    ``2pl-epoch-slopes``
        The same with each benchmark's slope frozen at the slope Epoch's 2PL (the ``eci`` preset on ``reference``,
        default the bundled Epoch data) estimates for its counterpart (``caisi_benchmarks.csv``); benchmarks without
        one take the mean slope of their domain's counterparts (``reference`` may also be an already fitted
        2PL Fitter). Slopes are divided by the largest of them, i.e. the
        steepest benchmark is treated as having items of a single difficulty (slope 1 in item-logit units). True
        item-level slopes are at most 1, so this is a *lower* bound on the item-level spread.

    Returns
    -------
    CaisiTableResult

    Examples
    --------
    >>> r = caisi_table_elo()
    >>> r.frame.sort_values("1pl", ascending=False).index.tolist()
    ['GPT-5.5', 'Claude Opus 4.6', 'DeepSeek-V4-Pro', 'GPT-5.4 Mini']
    """
    from irt_elo.core import model as M
    from irt_elo.core.solve import Problem, solve
    from irt_elo.data.datasets import load_caisi_table
    from irt_elo.fit.presets import caisi_benchmarks

    table = table if table is not None else load_caisi_table()
    if "caisi_elo" not in table.models:
        raise IrtEloError(f"{table.name}: no 'caisi_elo' column; load CAISI's table with load_caisi_table()")
    scale = caisi_scale(three_x=three_x)
    one = Fitter.from_preset("caisi", scale=scale).fit(table)
    frame = pd.DataFrame({"caisi_elo": table.models["caisi_elo"].astype(float),
                          "caisi_elo_ci95": table.models["caisi_elo_ci95"].astype(float)})
    frame["1pl"] = one.capability_.reindex(frame.index)

    # Slopes from Epoch's 2PL for the counterparts.
    if isinstance(reference, Fitter):
        eci = reference
        if not hasattr(eci, "alpha_"):
            raise IrtEloError("reference Fitter is not fitted yet; fit it first or pass a ScoreTable")
    else:
        ref = reference
        if ref is None:
            from irt_elo.data.datasets import load_epoch_eci

            ref = load_epoch_eci()
        eci = Fitter.from_preset("eci").fit(ref)
    cb = caisi_benchmarks().set_index("caisi_benchmark")
    slopes = pd.DataFrame(index=one.table_.benchmark_names)
    slopes["domain"] = [benchmark_domains()[b] for b in slopes.index]
    src, val = [], []
    for b in slopes.index:
        e = cb.loc[b, "epoch_benchmark"] if b in cb.index else ""
        if e and e in eci.alpha_.index:
            val.append(float(eci.alpha_[e]))
            src.append(f"Epoch 2PL slope of {e!r} ({cb.loc[b, 'match']})")
        else:
            val.append(np.nan)
            src.append("")
    slopes["epoch_slope_logit"] = val
    dom_mean = slopes.groupby("domain")["epoch_slope_logit"].transform("mean")
    fill = slopes["epoch_slope_logit"].isna()
    slopes.loc[fill, "epoch_slope_logit"] = dom_mean[fill]
    src = [s if s else f"mean slope of the {d} domain's counterparts" for s, d in zip(src, slopes["domain"])]
    slopes["source"] = src
    if slopes["epoch_slope_logit"].isna().any():
        bad = slopes.index[slopes["epoch_slope_logit"].isna()][0]
        raise IrtEloError(f"no Epoch slope for {bad!r} nor for any benchmark of its domain")
    slopes["slope_item_units"] = slopes["epoch_slope_logit"] / slopes["epoch_slope_logit"].max()

    prob = one.problem_
    layout = M.Layout(prob.layout.n_models, prob.layout.n_benchmarks, slopes["slope_item_units"].to_numpy(float))
    design = M.Design(layout, prob.design.model_idx, prob.design.bench_idx)
    p2 = Problem(design, prob.y, loss=prob.loss, ridge=prob.ridge, penalty=prob.penalty, lower=prob.lower,
                 upper=prob.upper, cell_weight=prob.cell_weight, tol=prob.tol)
    res = solve(p2, one.x_)
    theta = pd.Series(layout.unpack(res.x)[0], index=one.table_.model_names)
    lm = scale.calibrate(theta)
    frame["2pl-epoch-slopes"] = pd.Series(lm.capability(theta.to_numpy()), index=theta.index).reindex(frame.index)

    order = frame["caisi_elo"].sort_values(ascending=False).index
    diffs = []
    for a, b in zip(order[:-1], order[1:]):
        row = {"higher": a, "lower": b, "caisi": frame.loc[a, "caisi_elo"] - frame.loc[b, "caisi_elo"]}
        for v in ("1pl", "2pl-epoch-slopes"):
            row[v] = frame.loc[a, v] - frame.loc[b, v]
            row[f"{v}_ratio"] = row[v] / row["caisi"]
        diffs.append(row)
    top, bottom = order[0], order[-1]
    span = {"higher": top, "lower": bottom, "caisi": frame.loc[top, "caisi_elo"] - frame.loc[bottom, "caisi_elo"]}
    for v in ("1pl", "2pl-epoch-slopes"):
        span[v] = frame.loc[top, v] - frame.loc[bottom, v]
        span[f"{v}_ratio"] = span[v] / span["caisi"]
    diffs.append(span)
    notes = [
        f"scale: {lm.description}",
        "CAISI's Elo comes from item-level data on 16 benchmarks x 35 models (not public); this is the 4-model "
        "aggregate table of its report, so only the order and the relative spacing are comparable",
        "2pl-epoch-slopes: slopes in item-logit units assume the steepest benchmark has items of one difficulty; "
        "a lower bound on the spread an item-level fit would show",
    ]
    if not res.success:
        notes.append(f"2PL refit did not converge: {res.message}")
    return CaisiTableResult(frame, pd.DataFrame(diffs), slopes, notes)


__all__ = ["Question", "EPOCH_QUESTION", "CAISI_QUESTION", "QUESTIONS", "MethodSpec", "FitOutcome", "fit_method",
           "MethodResult", "run_method", "Comparison", "compare", "Step", "default_steps", "path_mismatches",
           "Decomposition", "decompose", "CaisiTableResult", "caisi_table_elo", "closed_us", "PUBLISHED_HEADLINES",
           "CAISI_MODEL", "EPOCH_WINDOW"]
