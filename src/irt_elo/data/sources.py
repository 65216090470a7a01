"""Where each score came from: Epoch's own runs, external leaderboards, developers' reports or unattributed rows.

The harness analysis and method specs filter score rows by these kinds.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.data.readers.epoch_eci import UNSPECIFIED_SOURCE
from irt_elo.data.table import ScoreTable
from irt_elo.errors import IrtEloError

KINDS = ("epoch", "unattributed", "leaderboard", "developer")


UNIFORM_KINDS = ("epoch",)


EPOCH_LABEL = "Epoch evaluations"


_LEADERBOARD_WORDS = ("leaderboard", "dashboard", "github", "http", "website", "helm", "metr", "paperswithcode",
                      "lmcouncil", "crfm", "creator", "results")


def source_kind(source: Any) -> str:
    """Kind of one score row's source: 'epoch', 'unattributed', 'leaderboard' or 'developer'.

    Examples
    --------
    >>> source_kind("Epoch evaluations"), source_kind("unspecified"), source_kind(None)
    ('epoch', 'unattributed', 'unattributed')
    >>> source_kind("ARC Prize Leaderboard"), source_kind("DeepSeek-V3 Technical Report")
    ('leaderboard', 'developer')
    """
    s = "" if source is None or (isinstance(source, float) and np.isnan(source)) or source is pd.NA else str(source)
    s = s.strip()
    if not s or s == UNSPECIFIED_SOURCE:
        return "unattributed"
    if s == EPOCH_LABEL:
        return "epoch"
    low = s.lower()
    if any(w in low for w in _LEADERBOARD_WORDS):
        return "leaderboard"
    return "developer"


def source_kinds(table: ScoreTable) -> pd.Series:
    """Source kind of every score row of ``table`` (aligned with ``table.scores``).

    Raises :class:`IrtEloError` when the table has no ``source`` column.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> source_kinds(load_epoch_eci()).value_counts()["epoch"]
    np.int64(691)
    """
    if "source" not in table.scores:
        raise IrtEloError(f"{table.name}: no 'source' column, so evaluations cannot be told apart by harness; "
                          "add a source column (e.g. 'Epoch evaluations', 'DeepSeek-V3 Technical Report')")
    kinds = [source_kind(s) for s in table.scores["source"]]
    return pd.Series(kinds, index=table.scores.index, name="source_kind", dtype=object)


def source_kinds_arg(which: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(which, str):
        if which == "all":
            return KINDS
        if which == "uniform":
            return UNIFORM_KINDS
        if which == "reported":
            return tuple(k for k in KINDS if k not in UNIFORM_KINDS)
        which = [which]
    kinds = tuple(which)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise IrtEloError(f"unknown source kind {bad[0]!r}; use 'all', 'uniform', 'reported' or some of "
                          f"{', '.join(KINDS)}")
    return kinds


def filter_sources(table: ScoreTable, which: str | Iterable[str] = "all") -> ScoreTable:
    """Keep the score rows of some source kinds: ``'all'``, ``'uniform'`` (Epoch's own runs), ``'reported'``
    (everything else), or a list of kinds.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> filter_sources(load_epoch_eci(), "uniform").n_benchmarks
    12
    """
    kinds = source_kinds_arg(which)
    if set(kinds) == set(KINDS):
        return table
    mask = source_kinds(table).isin(kinds).to_numpy()
    if not mask.any():
        raise IrtEloError(f"{table.name}: no score rows from source kind(s) {', '.join(kinds)}")
    return table.filter(mask=mask)


__all__ = ["KINDS", "UNIFORM_KINDS", "EPOCH_LABEL", "source_kind", "source_kinds", "source_kinds_arg",
           "filter_sources"]
