"""Where a new model stands: its place on a frozen scale with the months it trails the closed frontier, and the
checks behind the method.

* :func:`place_new_models`: :meth:`irt_elo.fit.Fitter.score` plus CAISI's question asked of each new model -- how
  many months it trails the closed frontier (:func:`irt_elo.analysis.gap.model_lag`, point criterion: the day the
  closed frontier first reached its level), with an interval from the same paired draws.
* :func:`frozen_vs_refit`: every fitted model re-scored from its own scores on the frozen scale, against its value
  in the fit (they agree to solver tolerance; the check guards the scoring against drifting from the fit).
* :func:`later_release_check`: fit one release, score the models that first appear in a later one from their later
  scores, compare with the later release's published values.
* :func:`next_benchmark_simulation`: for each frontier model, hide all but k of its benchmarks, chosen by the
  next-benchmark rule, at random, or most-run first, and measure the capability error.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.analysis.gap import model_lag
from irt_elo.core.scale import anchor_models
from irt_elo.data.table import ScoreTable, from_frame
from irt_elo.errors import IrtEloError, check_number
from irt_elo.fit.fitter import Fitter
from irt_elo.fit.frozen import FrozenScale, Scored, choose_next, score_models


@dataclass(frozen=True, eq=False)
class Placed:
    """What :func:`place_new_models` returns.

    ``summary``: :attr:`irt_elo.fit.frozen.Scored.summary` plus ``months_behind`` (the closed frontier's lead, in
    months, on the model's release day, against the fit's models only; NaN without a release date or a finite
    capability), ``months_low``, ``months_high`` (its interval), ``frontier_reached_by`` (the leader model that
    first reached its level) and ``months_note`` (why there is no value).
    ``capabilities``: the fit's capabilities with the new models added (draws paired), the input of any gap
    question. ``scored``: the scoring itself.
    """

    summary: pd.DataFrame
    capabilities: Capabilities = field(repr=False)
    scored: Scored = field(repr=False)
    lead: str = "closed"

    @property
    def ignored(self) -> dict[str, list[str]]:
        """Benchmarks the fit does not know -> the new models that ran them."""
        return self.scored.ignored


def _with_new_models(fz: FrozenScale, fitter: Fitter, scored: Scored) -> Capabilities:
    """The fit's capabilities (with the frozen draws) plus the scored models; a re-scored model replaces its row."""
    caps = Capabilities.from_fitter(fitter, bootstrap=fz.draws["capability"] if fz.draws else None,
                                    level=scored.level)
    s = scored.summary.set_index("model")
    new = pd.DataFrame(index=s.index)
    new["capability"] = s["capability"]
    new["ci_low"], new["ci_high"] = s["ci_low"], s["ci_high"]
    for col in ("release_date", "organization", "country", "open_weights", "display_name"):
        if col in s:
            new[col] = s[col]
    if "open_weights" in new:
        new["group"] = new["open_weights"].map({True: "open", False: "closed"}).astype("string")
    # A re-scored model keeps what the fit knew about it (release date, group...) unless the new file says otherwise.
    old = caps.frame.reindex(new.index)
    for col in ("release_date", "organization", "country", "open_weights", "display_name", "group"):
        if col in old:
            new[col] = new[col].where(new[col].notna(), old[col]) if col in new else old[col]
    new = new[new["capability"].notna()]
    frame = pd.concat([caps.frame.drop(index=[m for m in new.index if m in caps.frame.index]), new])
    draws = caps.draws
    if draws is not None and scored.draws is not None:
        draws = pd.concat([draws.drop(columns=[m for m in new.index if m in draws.columns]),
                           scored.draws[list(new.index)]], axis=1)
    return replace(caps, frame=frame, draws=draws)


def place_new_models(fitter: Fitter, new: ScoreTable | pd.DataFrame, *, draws: Any = None, level: float = 0.90,
                     seed: int = 12345, replace: bool = False, lead: str = "closed", n_boot: int = 500) -> Placed:
    """Score new models on the fit's frozen scale and say how many months each trails the ``lead`` frontier.

    Parameters
    ----------
    fitter : Fitter
        A fitted aggregate :class:`~irt_elo.fit.Fitter` (its bootstrap is run first when it has none and no
        ``draws`` are given).
    new : ScoreTable or DataFrame
        The new models' scores; a ``release_date`` column dates them (needed for the months), ``open_weights``
        groups them.
    draws, level, seed, replace, n_boot
        As in :meth:`irt_elo.fit.Fitter.score`.
    lead : str
        The leading group ('closed': CAISI's question).

    Returns
    -------
    Placed

    Examples
    --------
    >>> import irt_elo
    >>> from irt_elo.datasets import load_epoch_eci
    >>> f = irt_elo.fit()
    >>> v4 = load_epoch_eci().scores.query("model == 'DeepSeek-V4-Pro'")
    >>> p = place_new_models(f, v4, replace=True, n_boot=50)
    >>> p.summary.loc[0, "frontier_reached_by"], round(float(p.summary.loc[0, "months_behind"]), 1)
    ('GPT-5', 8.6)
    """
    scored = fitter.score(new, draws=draws, level=level, seed=seed, replace=replace, n_boot=n_boot)
    fz = scored.frozen
    caps = _with_new_models(fz, fitter, scored)
    rows = []
    for m, cap in zip(scored.summary["model"], scored.summary["capability"]):
        rec = {"months_behind": np.nan, "months_low": np.nan, "months_high": np.nan, "frontier_reached_by": None,
               "months_note": ""}
        date = caps.frame["release_date"].get(m, pd.NaT) if m in caps.frame.index else pd.NaT
        if not np.isfinite(cap):
            rec["months_note"] = "no point value"
        elif pd.isna(date):
            rec["months_note"] = "no release_date"
        else:
            # The fit's models plus this one only: the other new models of the file are not its competitors.
            others = [x for x in scored.summary["model"] if x != m and x not in fitter.capability_.index]
            own = caps.subset(~caps.frame.index.isin(others))
            try:
                r = model_lag(own, m, lead, criterion="point", level=level,
                              uncertainty="draws" if own.draws is not None else "sigma", seed=seed)
            except IrtEloError as e:  # e.g. no leader model released before it: nothing to trail
                r, rec["months_note"] = None, str(e)
            if r is not None:
                rec.update(months_behind=r.gap_months, months_low=r.gap_months_low, months_high=r.gap_months_high,
                           frontier_reached_by=r.details.get("first_better"))
        rows.append(rec)
    extra = pd.DataFrame(rows)
    summary = scored.summary.copy()
    at = summary.columns.get_loc("n_benchmarks") + 1
    for i, col in enumerate(extra.columns):
        summary.insert(at + i, col, extra[col].to_numpy())
    return Placed(summary, caps, scored, lead)


# --------------------------------------------------------------------------------------------------------------------
# Checks


def frozen_vs_refit(fitter: Fitter, *, min_benchmarks: int = 5) -> pd.DataFrame:
    """Every fitted model re-scored from its own scores on the fit's frozen scale, beside its fitted value.

    Columns: ``model``, ``n_benchmarks``, ``fitted``, ``scored``, ``difference``; models with fewer than
    ``min_benchmarks`` benchmarks are left out.

    Examples
    --------
    >>> import irt_elo
    >>> d = frozen_vs_refit(irt_elo.fit())
    >>> bool(d["difference"].abs().max() < 0.05)
    True
    """
    fz = replace(FrozenScale.from_fitter(fitter), draws=None)  # points only: the check is about the central value
    t = fitter.table_
    s = score_models(fz, t.scores[["model", "benchmark", "score"]], replace=True).summary.set_index("model")
    out = pd.DataFrame({"model": t.model_names, "n_benchmarks": t.benchmarks_per_model().to_numpy(),
                        "fitted": fitter.capability_.to_numpy(),
                        "scored": s["capability"].reindex(t.model_names).to_numpy()})
    out["difference"] = out["scored"] - out["fitted"]
    return out[out["n_benchmarks"] >= min_benchmarks].reset_index(drop=True)


@dataclass(frozen=True)
class LaterReleaseCheck:
    """What :func:`later_release_check` returns: ``cells`` (one row per new model with a published value:
    ``model``, ``capability``, ``ci_low``, ``ci_high``, ``n_benchmarks``, ``published``, ``error``, ``inside``) and
    the summary figures."""

    cells: pd.DataFrame
    n_models: int
    median_abs_error: float
    max_abs_error: float
    n_inside: int
    coverage: float
    level: float
    ignored_benchmarks: list[str]


def later_release_check(fitter: Fitter, earlier: ScoreTable, later: ScoreTable, published: pd.DataFrame, *,
                        level: float = 0.90, seed: int = 0, n_boot: int = 500) -> LaterReleaseCheck:
    """Score the models that first appear in ``later`` (not in ``earlier``, the table ``fitter`` was fitted to),
    from their ``later`` scores, and compare with ``published`` (``model``, ``capability``), the later release's
    own values.

    Benchmarks that are new in the later release are ignored (the frozen fit cannot place them). Scale drift
    between the two releases counts as error: the question is how well the frozen scale predicts what the later
    release published.
    """
    new_cells = later.scores[~later.scores["model"].isin(set(earlier.model_names))]
    if new_cells.empty:
        raise IrtEloError(f"{later.name}: no model that is not already in the fit")
    models = later.models.reindex(pd.unique(new_cells["model"]))
    table = from_frame(new_cells[["model", "benchmark", "score"]].assign(_line=np.arange(len(new_cells)) + 2),
                       aggregate="error", name=f"new models of {later.name}",
                       models_extra=models.drop(columns=[c for c in models.columns if c not in
                                                         ("release_date", "open_weights", "organization")]))
    known = table.scores["benchmark"].isin(fitter.table_.benchmark_names)
    table = table.rows(np.flatnonzero(known.to_numpy()))
    scored = fitter.score(table, level=level, seed=seed, n_boot=n_boot)
    pub = published.set_index("model")["capability"]
    s = scored.summary.set_index("model")
    s = s[s.index.isin(pub.index) & s["capability"].notna()]
    cells = s[["capability", "ci_low", "ci_high", "n_benchmarks"]].copy()
    cells["published"] = pub.reindex(cells.index)
    cells["error"] = cells["capability"] - cells["published"]
    cells["inside"] = (cells["published"] >= cells["ci_low"]) & (cells["published"] <= cells["ci_high"])
    cells = cells.reset_index()
    ignored = sorted(set(new_cells["benchmark"]) - set(fitter.table_.benchmark_names))
    err = cells["error"].abs()
    return LaterReleaseCheck(cells, len(cells), float(err.median()), float(err.max()), int(cells["inside"].sum()),
                             float(cells["inside"].mean()), level, ignored)


# --------------------------------------------------------------------------------------------------------------------
# The next-benchmark rule, tested by simulation


RULES = ("next-benchmark rule", "random", "most-run first")


@dataclass(frozen=True)
class NextBenchmarkSimulation:
    """What :func:`next_benchmark_simulation` returns.

    ``errors``: one row per (model, rule, k, repeat): ``model``, ``rule``, ``k``, ``repeat`` (random orders; 0
    otherwise), ``benchmarks`` (the k chosen, ';'-joined), ``capability`` (scored from them), ``truth`` and
    ``error`` (absolute, scale points). ``medians``: median error per rule (rows) and k (columns). ``models``: the
    frontier models simulated.
    """

    errors: pd.DataFrame
    medians: pd.DataFrame
    models: list[str]
    scale: str

    def beats_random(self, ks: Any = range(3, 11)) -> bool:
        """Whether the rule's median error is below random's at every k in ``ks``."""
        m = self.medians
        return bool(all(m.loc[RULES[0], k] < m.loc["random", k] for k in ks))


def _placed(fz: FrozenScale, cells: pd.DataFrame) -> pd.Series:
    """Central placements (no intervals) of the models in ``cells``, by model name."""
    s = score_models(replace(fz, draws=None), cells, replace=True)
    return s.summary.set_index("model")["capability"]


def next_benchmark_simulation(fitter: Fitter, *, ks: Any = range(1, 11), n_random: int = 30, seed: int = 0,
                              groups: tuple[str, ...] = ("closed", "open")) -> NextBenchmarkSimulation:
    """For each frontier model, hide all but k of its benchmarks and score it from those on a fit without it.

    The models: the frontier records (running best by release date) of each of ``groups``, with more benchmarks
    than the largest k (so every rule has a choice) and not a scale anchor (an anchor's value is fixed by
    definition). Each is left out of the fit (refit without its scores), then placed from k of its own benchmarks
    chosen (a) by the next-benchmark rule, one at a time, each choice using the scores revealed so far
    (:func:`irt_elo.fit.frozen.choose_next`); (b) at random (``n_random`` orders per model, seeded); (c) most-run
    first (benchmarks by how many fitted models ran them). The error is the distance to its value in the full fit.
    """
    check_number("n_random", n_random, lambda v: v >= 1 and float(v).is_integer(), "a positive integer")
    ks = sorted({int(k) for k in ks})
    if not ks or ks[0] < 1:
        raise IrtEloError("ks must be positive numbers of benchmarks")
    kmax = ks[-1]
    t = fitter.table_
    caps = Capabilities.from_fitter(fitter)
    fronts = []
    for g in groups:
        try:
            fronts.append(caps.frontier(g))
        except IrtEloError:
            continue
    if not fronts:
        raise IrtEloError(f"no frontier model in groups {', '.join(groups)}")
    n_b = t.benchmarks_per_model()
    anchors = set(anchor_models(fitter.scale_spec_))
    models = [m for m in pd.unique(pd.concat(fronts)["model"]) if n_b[m] > kmax and m not in anchors]
    if not models:
        raise IrtEloError(f"no frontier model has more than {kmax} benchmarks; use smaller k")
    most_run = t.models_per_benchmark()
    boot = getattr(fitter, "bootstrap_", None)
    rng = np.random.default_rng(seed)
    rows = []
    for m in models:
        keep = np.flatnonzero(t.scores["model"].to_numpy() != m)
        # The full fit's parameter draws stand in for the refit's (refitting 500 bootstraps per model would cost
        # minutes): they say how uncertain each benchmark's parameters are, which the rule weighs.
        fz = FrozenScale.from_fitter(fitter.clone().fit(t.rows(keep)), draws=boot)
        cells = t.scores.loc[t.scores["model"] == m, ["model", "benchmark", "score"]].reset_index(drop=True)
        truth = float(fitter.capability_[m])
        ran = list(cells["benchmark"])
        orders: list[tuple[str, int, list[str]]] = []
        chosen: list[str] = []
        for _ in range(kmax):
            chosen.append(choose_next(fz, cells[cells["benchmark"].isin(chosen)],
                                      [b for b in ran if b not in chosen]))
        orders.append((RULES[0], 0, chosen))
        orders.append((RULES[2], 0, sorted(ran, key=lambda b: (-most_run[b], b))[:kmax]))
        for r in range(int(n_random)):
            orders.append(("random", r, [ran[i] for i in rng.permutation(len(ran))[:kmax]]))
        # Every (rule, repeat, k) subset becomes one pseudo-model; all are placed in one call.
        subsets = [(rule, rep, k, order[:k]) for rule, rep, order in orders for k in ks]
        frame = pd.concat([cells[cells["benchmark"].isin(pick)].assign(model=str(i))
                           for i, (_, _, _, pick) in enumerate(subsets)], ignore_index=True)
        caps_k = _placed(fz, frame)
        for i, (rule, rep, k, pick) in enumerate(subsets):
            cap = caps_k[str(i)]
            rows.append((m, rule, k, rep, ";".join(pick), cap, truth, abs(cap - truth)))
    errors = pd.DataFrame(rows, columns=["model", "rule", "k", "repeat", "benchmarks", "capability", "truth",
                                         "error"])
    medians = errors.groupby(["rule", "k"])["error"].median().unstack("k").reindex(list(RULES))
    return NextBenchmarkSimulation(errors, medians, models, str(fitter.scale_.name))


__all__ = ["Placed", "place_new_models", "frozen_vs_refit", "LaterReleaseCheck", "later_release_check",
           "NextBenchmarkSimulation", "next_benchmark_simulation", "RULES"]
