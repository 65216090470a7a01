"""The same gap question asked of every data vintage, and why its answer moved from one release to the next.

Each vintage is a :class:`~irt_elo.analysis.capabilities.Capabilities` table (a release's published scores, or a
refit). :func:`gap_by_vintage` answers one :class:`~irt_elo.analysis.compare.Question` on each, oldest first, and
splits each change between consecutive vintages into what the later release did to the models both releases have
(revised scores) and what its new models did: the later vintage is asked the question once more on the earlier
vintage's models only, so

    change = (later on the earlier's models - earlier)  +  (later - later on the earlier's models)
           =            revised scores                  +              new models

exactly (models the later release dropped are counted with its revisions).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.analysis.capabilities import Capabilities
from irt_elo.analysis.compare import EPOCH_QUESTION, Question
from irt_elo.data.records import records
from irt_elo.errors import IrtEloError

GAP_COLUMNS = ("gap_months", "gap_months_low", "gap_months_high", "gap_points", "gap_points_low", "gap_points_high")


@dataclass
class VintageGaps:
    """One question answered on several vintages (oldest first) and what moved the answer between them.

    ``frame``: one row per vintage (its date, size, the gap with its interval, or why it could not be answered);
    ``changes``: one row per consecutive pair (models added, dropped and revised, the change in months and its
    split into revised scores and new models); ``results``: the :class:`~irt_elo.analysis.gap.GapResult` of each
    answered vintage.
    """

    question: Question
    frame: pd.DataFrame
    changes: pd.DataFrame
    results: dict[str, Any] = field(repr=False)
    level: float = 0.90

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question.label, "criterion": self.question.criterion, "level": self.level,
                "vintages": records(self.frame), "changes": records(self.changes),
                "results": {k: r.to_dict() for k, r in self.results.items()}}


def vintage_capabilities(vintage: Any) -> Capabilities:
    """The published capabilities of one data vintage (an :class:`irt_elo.data.vintages.Vintage`): a bundled ECI
    release's ``eci_scores.csv``, or a fetched release with Epoch's bootstrap draws, labelled by the vintage's date."""
    return vintage_data(vintage)[0]


def vintage_data(vintage: Any) -> tuple[Capabilities, list[str] | None]:
    """(published capabilities, the fit input's benchmarks or None when the vintage has no fit input)."""
    from irt_elo.data.datasets import LATEST_ECI, load_epoch_eci
    from irt_elo.data.readers.epoch_release import is_release, read_release

    path = Path(vintage.path)
    if vintage.kind == "bundled":
        caps = Capabilities.from_scores(path / "eci_scores.csv")  # labelled by its dated folder
        bench = list(load_epoch_eci(vintage.date).benchmark_names) if vintage.date == LATEST_ECI else None
        return caps, bench
    if not is_release(path):
        raise IrtEloError(f"vintage {vintage.name} ({path}) is not in Epoch's release layout (an "
                          "epoch_capabilities_index/ folder); it cannot be read as a vintage")
    release = read_release(path)
    caps = replace(Capabilities.from_release(release), source=f"Epoch release {vintage.date}")
    return caps, list(release.table.benchmark_names)


def gap_all_vintages(question: Question = EPOCH_QUESTION, *, cache_dir: Any = None, level: float = 0.90,
                     seed: int = 12345) -> VintageGaps:
    """``question`` asked of every vintage available offline (the bundled releases and every ``irt-elo fetch``
    download), oldest first. A vintage that cannot be read gets its row with the reason, like one that cannot
    answer."""
    from irt_elo.data.vintages import list_vintages

    caps: dict[str, Capabilities | str] = {}
    benchmarks: dict[str, list[str]] = {}
    for v in reversed(list_vintages(cache_dir)):  # newest first there; oldest first here
        try:
            caps[v.name], bench = vintage_data(v)
        except IrtEloError as e:
            caps[v.name] = str(e)
            continue
        if bench is not None:
            benchmarks[v.name] = bench
    return gap_by_vintage(caps, question, level=level, seed=seed, benchmarks=benchmarks)


def gap_by_vintage(vintages: Mapping[str, Capabilities | str], question: Question = EPOCH_QUESTION, *,
                   level: float = 0.90, seed: int = 12345, revised: float = 0.5,
                   benchmarks: Mapping[str, Sequence[str]] | None = None) -> VintageGaps:
    """Answer ``question`` on every vintage and explain how the answer moved.

    Parameters
    ----------
    vintages : mapping label -> Capabilities
        Oldest first, e.g. ``{"2025-12-19": ..., "2026-08-11": ...}``; a string in place of the capabilities says
        why that vintage could not be read (it gets a row with that reason).
    question : Question
        Default: Epoch's May-2026 question (its fixed window; a vintage whose data end before the window cannot
        answer it and says so in its row).
    level, seed : interval level and the seed of its draws.
    revised : float
        A model counts as revised when its capability moved by more than this many points between two vintages.
    benchmarks : mapping label -> benchmark names, optional
        The fit input's benchmarks per vintage, when known, to count new and dropped benchmarks.

    Examples
    --------
    >>> from irt_elo.analysis.compare import EPOCH_QUESTION
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = {v: Capabilities.from_scores(load_epoch_eci_scores(v), source=f"epoch_eci_{v}")
    ...         for v in ("2025-12-19", "2026-08-11")}
    >>> q = EPOCH_QUESTION.with_(method="epoch-2025", start="2023-01-01", end="2025-10-30", criterion="point")
    >>> vg = gap_by_vintage(caps, q)
    >>> vg.frame["vintage"].tolist(), bool(vg.frame["gap_months"].notna().all())
    (['2025-12-19', '2026-08-11'], True)
    """
    if not vintages:
        raise IrtEloError("no vintage to compare: fetch one (`irt-elo fetch`) or use the bundled ones")
    labels = list(vintages)
    results: dict[str, Any] = {}
    rows = []
    for v in labels:
        caps = vintages[v]
        if isinstance(caps, str):
            rows.append({"vintage": v, "data": None, "n_models": 0, "last_release": None,
                         **{k: float("nan") for k in GAP_COLUMNS}, "error": caps})
            continue
        row: dict[str, Any] = {"vintage": v, "data": caps.source, "n_models": len(caps.frame),
                               "last_release": caps.frame["release_date"].max()}
        try:
            results[v] = question.answer(caps, level=level, seed=seed)
            row.update({k: float(getattr(results[v], k)) for k in GAP_COLUMNS}, error=None)
        except IrtEloError as e:
            row.update({k: float("nan") for k in GAP_COLUMNS}, error=str(e))
        rows.append(row)
    read = [v for v in labels if not isinstance(vintages[v], str)]
    changes = [_change(a, b, vintages, results, question, level, seed, revised, benchmarks)
               for a, b in zip(read, read[1:])]
    cols = ["from", "to", "new_models", "dropped_models", "revised_models", "median_abs_revision",
            "new_benchmarks", "dropped_benchmarks", "change_months", "revised_scores_months", "new_models_months",
            "examples_new"]
    return VintageGaps(question, pd.DataFrame(rows), pd.DataFrame(changes, columns=cols), results, level)


def _change(a: str, b: str, vintages: Mapping[str, Any], results: Mapping[str, Any], question: Question,
            level: float, seed: int, revised: float, benchmarks: Mapping[str, Sequence[str]] | None
            ) -> dict[str, Any]:
    """What changed from vintage ``a`` to vintage ``b``, and how the answer moved."""
    fa, fb = vintages[a].frame, vintages[b].frame
    common = fa.index.intersection(fb.index)
    new = fb.index.difference(fa.index)
    delta = (fb.loc[common, "capability"] - fa.loc[common, "capability"]).abs()
    out: dict[str, Any] = {
        "from": a, "to": b, "new_models": len(new), "dropped_models": len(fa.index.difference(fb.index)),
        "revised_models": int((delta > revised).sum()),
        "median_abs_revision": float(delta.median()) if len(delta) else float("nan"),
        "new_benchmarks": None, "dropped_benchmarks": None,
        "change_months": float("nan"), "revised_scores_months": float("nan"), "new_models_months": float("nan"),
        "examples_new": ", ".join(fb.loc[new].sort_values("capability", ascending=False).index[:3].astype(str)),
    }
    if benchmarks is not None and a in benchmarks and b in benchmarks:
        ba, bb = set(benchmarks[a]), set(benchmarks[b])
        out["new_benchmarks"], out["dropped_benchmarks"] = len(bb - ba), len(ba - bb)
    if a in results and b in results:
        out["change_months"] = results[b].gap_months - results[a].gap_months
        try:
            # The later release asked again on the earlier release's models: only its revisions differ.
            on_old = question.answer(vintages[b].subset(np.asarray(fb.index.isin(fa.index))), level=level,
                                     seed=seed).gap_months
            out["revised_scores_months"] = on_old - results[a].gap_months
            out["new_models_months"] = results[b].gap_months - on_old
        except IrtEloError:
            pass  # e.g. the earlier release had no model of a group in the window: no split, the change stands
    return out


__all__ = ["VintageGaps", "gap_by_vintage", "gap_all_vintages", "vintage_capabilities", "vintage_data", "GAP_COLUMNS"]
