"""Score tables: read, validate and index model × benchmark scores.

A :class:`ScoreTable` is the one input every fitter takes. It holds

* ``scores``: one row per observed (model, benchmark) cell, with ``score`` as a fraction in [0, 1] and any per-cell
  columns the source had (``source``, ``n_items``, ``optimized``);
* ``models``: per-model metadata indexed by model name (``release_date``, ``organization``, ``country``,
  ``accessibility``, ``open_weights``, ``group``, plus any published values a reader found);
* ``benchmarks``: per-benchmark metadata indexed by benchmark name (``release_date``, ``domain``, ``n_items``...);
* integer index arrays ``model_idx`` / ``bench_idx`` and the ``score`` vector, which is all the math needs.

Models and benchmarks keep the order in which they first appear in the input, so a seeded start is the same as in
a reference implementation that enumerates the same file.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .errors import IrtEloError, did_you_mean

ScoreScale = Literal["fraction", "percent", "auto"]
Aggregate = Literal["max", "mean", "error"]

# Accepted spellings of each standard column, compared after lower-casing and dropping spaces/underscores.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "model": ("model", "modelname", "modelgroup", "modelversion"),
    "benchmark": ("benchmark", "benchmarkname", "task", "eval", "evaluation"),
    "score": ("score", "performance", "accuracy", "value"),
    "release_date": ("releasedate", "date", "modelreleasedate", "versionreleasedate"),
    "organization": ("organization", "organisation", "org", "developer"),
    "country": ("country", "countryoforganization"),
    "open_weights": ("openweights", "isopen", "open"),
    "accessibility": ("accessibility", "modelaccessibility", "accessibilitygroup", "group", "weights"),
    "source": ("source",),
    "domain": ("domain", "category"),
    "n_items": ("nitems", "nquestions", "ntasks", "items"),
    "optimized": ("optimized",),
}
MODEL_META = ("release_date", "organization", "country", "open_weights", "accessibility")
BENCH_META = ("domain", "n_items")
CELL_META = ("source", "optimized", "n_items")


def _key(col: str) -> str:
    return "".join(ch for ch in str(col).lower() if ch.isalnum())


# --------------------------------------------------------------------------------------------------------------------
# The table


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """Validated long-format scores with model and benchmark metadata.

    Build one with :func:`read_table`, :func:`from_frame` or :func:`from_wide` rather than directly.

    Attributes
    ----------
    scores : DataFrame
        Columns ``model``, ``benchmark``, ``score`` (fraction in [0, 1]) and optional per-cell columns.
    models : DataFrame
        Per-model metadata, index = model name, in order of first appearance.
    benchmarks : DataFrame
        Per-benchmark metadata, index = benchmark name, in order of first appearance.
    name : str
        Where the data came from (file name or dataset vintage); printed in outputs and plot titles.
    """

    scores: pd.DataFrame
    models: pd.DataFrame
    benchmarks: pd.DataFrame
    name: str = "data"
    model_idx: np.ndarray = field(init=False, repr=False)
    bench_idx: np.ndarray = field(init=False, repr=False)
    score: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        mi = pd.Index(self.models.index).get_indexer(self.scores["model"])
        bi = pd.Index(self.benchmarks.index).get_indexer(self.scores["benchmark"])
        if (mi < 0).any() or (bi < 0).any():
            raise IrtEloError(f"{self.name}: score rows refer to models or benchmarks missing from the metadata")
        object.__setattr__(self, "model_idx", mi.astype(np.intp))
        object.__setattr__(self, "bench_idx", bi.astype(np.intp))
        object.__setattr__(self, "score", self.scores["score"].to_numpy(dtype=float))

    # -- sizes and names -------------------------------------------------------------------------------------------
    @property
    def n_models(self) -> int:
        return len(self.models)

    @property
    def n_benchmarks(self) -> int:
        return len(self.benchmarks)

    @property
    def n_obs(self) -> int:
        return len(self.scores)

    @property
    def model_names(self) -> pd.Index:
        return pd.Index(self.models.index, name="model")

    @property
    def benchmark_names(self) -> pd.Index:
        return pd.Index(self.benchmarks.index, name="benchmark")

    def benchmarks_per_model(self) -> pd.Series:
        """Number of observed benchmarks for each model."""
        return pd.Series(np.bincount(self.model_idx, minlength=self.n_models), index=self.model_names,
                         name="n_benchmarks")

    def models_per_benchmark(self) -> pd.Series:
        """Number of observed models for each benchmark."""
        return pd.Series(np.bincount(self.bench_idx, minlength=self.n_benchmarks), index=self.benchmark_names,
                         name="n_models")

    def __repr__(self) -> str:
        return (f"ScoreTable({self.name!r}: {self.n_models} models × {self.n_benchmarks} benchmarks, "
                f"{self.n_obs} scores, {self.n_obs / max(1, self.n_models * self.n_benchmarks):.0%} observed)")

    # -- views -----------------------------------------------------------------------------------------------------
    def to_wide(self) -> pd.DataFrame:
        """Models × benchmarks matrix of scores (NaN where unobserved)."""
        wide = self.scores.pivot(index="model", columns="benchmark", values="score")
        return wide.reindex(index=self.model_names, columns=self.benchmark_names)

    def rows(self, rows: np.ndarray) -> ScoreTable:
        """A table made of the given score rows (repeats allowed), keeping every model and benchmark.

        Used by the bootstrap: indices stay aligned with this table so warm starts stay valid.
        """
        return ScoreTable(self.scores.iloc[np.asarray(rows)].reset_index(drop=True), self.models, self.benchmarks,
                          self.name)

    def filter(
        self,
        *,
        models: Iterable[str] | None = None,
        benchmarks: Iterable[str] | None = None,
        exclude_benchmarks: Iterable[str] | None = None,
        min_benchmarks: int | None = None,
        since: str | pd.Timestamp | None = None,
        until: str | pd.Timestamp | None = None,
        mask: np.ndarray | pd.Series | None = None,
    ) -> ScoreTable:
        """Return a sub-table; models and benchmarks left without scores are dropped.

        Parameters
        ----------
        models, benchmarks : iterable of str, optional
            Keep only these (unknown names are an error naming close matches).
        exclude_benchmarks : iterable of str, optional
            Drop these benchmarks.
        min_benchmarks : int, optional
            Drop models observed on fewer benchmarks (applied after the other filters, once, as Epoch does).
        since, until : date-like, optional
            Keep models released in ``[since, until]``; models without a release date are dropped when either is set.
        mask : bool array, optional
            Row mask over ``scores``.

        Examples
        --------
        >>> from irt_elo.datasets import load_epoch_eci
        >>> t = load_epoch_eci().filter(min_benchmarks=10, since="2025-01-01")
        >>> bool(t.benchmarks_per_model().min() >= 10)
        True
        """
        keep = np.ones(self.n_obs, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).copy()
        if models is not None:
            models = list(models)
            self._check_names(models, self.model_names, "model")
            keep &= self.scores["model"].isin(models).to_numpy()
        if benchmarks is not None:
            benchmarks = list(benchmarks)
            self._check_names(benchmarks, self.benchmark_names, "benchmark")
            keep &= self.scores["benchmark"].isin(benchmarks).to_numpy()
        if exclude_benchmarks is not None:
            exclude_benchmarks = list(exclude_benchmarks)
            self._check_names(exclude_benchmarks, self.benchmark_names, "benchmark")
            keep &= ~self.scores["benchmark"].isin(exclude_benchmarks).to_numpy()
        if since is not None or until is not None:
            dates = self.models["release_date"] if "release_date" in self.models else pd.Series(pd.NaT, self.models.index)
            ok = dates.notna()
            if since is not None:
                ok &= dates >= _to_timestamp(since, "since")
            if until is not None:
                ok &= dates <= _to_timestamp(until, "until")
            keep &= ok.to_numpy()[self.model_idx]
        if min_benchmarks is not None and min_benchmarks > 1:
            counts = np.bincount(self.model_idx[keep], minlength=self.n_models)
            keep &= counts[self.model_idx] >= min_benchmarks
        if not keep.any():
            raise IrtEloError(f"{self.name}: no scores left after filtering; loosen the filters")
        scores = self.scores[keep].reset_index(drop=True)
        used_m = pd.unique(scores["model"])
        used_b = pd.unique(scores["benchmark"])
        return ScoreTable(scores, self.models.loc[self.models.index.isin(used_m)],
                          self.benchmarks.loc[self.benchmarks.index.isin(used_b)], self.name)

    def _check_names(self, names: Sequence[str], known: pd.Index, what: str) -> None:
        for n in names:
            if n not in known:
                raise IrtEloError(f"{self.name}: unknown {what} {n!r}{did_you_mean(n, known)}")

    def components(self) -> list[tuple[list[str], list[str]]]:
        """Connected components of the model–benchmark graph, largest first, as (models, benchmarks) lists."""
        m, b = self.n_models, self.n_benchmarks
        adj = sparse.coo_matrix((np.ones(self.n_obs), (self.model_idx, m + self.bench_idx)), shape=(m + b, m + b))
        n, labels = connected_components(adj, directed=False)
        comps = []
        for c in range(n):
            idx = np.flatnonzero(labels == c)
            comps.append(([str(self.model_names[i]) for i in idx if i < m],
                          [str(self.benchmark_names[i - m]) for i in idx if i >= m]))
        comps.sort(key=lambda mb: -(len(mb[0]) + len(mb[1])))
        return comps

    def check_connected(self) -> None:
        """Raise if the model–benchmark graph splits: capabilities in different parts are not comparable."""
        comps = self.components()
        if len(comps) > 1:
            parts = "; ".join(
                f"[{_short(ms, 3)} | benchmarks {_short(bs, 3)}]" for ms, bs in comps[:4])
            raise IrtEloError(
                f"{self.name}: the model–benchmark graph splits into {len(comps)} disconnected parts, so "
                f"capabilities across them are not comparable: {parts}. Add scores that link them or fit each part "
                "separately (filter(models=...)).")


def _short(names: Sequence[str], k: int) -> str:
    s = ", ".join(names[:k])
    return s + (f", … (+{len(names) - k})" if len(names) > k else "")


def _to_timestamp(value: str | pd.Timestamp, what: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        raise IrtEloError(f"{what}: cannot read {value!r} as a date; use YYYY-MM-DD") from None


# --------------------------------------------------------------------------------------------------------------------
# Reading files


def read_csv_strict(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV as strings, with a ``_line`` column holding each row's line number in the file.

    Raises :class:`IrtEloError` for a missing path, a directory, an empty or non-UTF-8 file.
    """
    p = Path(path)
    if p.is_dir():
        raise IrtEloError(f"{p}: is a directory; give the path of a CSV file")
    if not p.exists():
        raise IrtEloError(f"{p}: no such file")
    raw = p.read_bytes()
    if not raw.strip():
        raise IrtEloError(f"{p}: the file is empty; expected a CSV with a header row")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise IrtEloError(f"{p}: line {line} is not valid UTF-8 (byte {e.start}); re-save the file as UTF-8") from None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.ParserError as e:
        raise IrtEloError(f"{p}: not a readable CSV ({str(e).strip().splitlines()[-1]})") from None
    except pd.errors.EmptyDataError:
        raise IrtEloError(f"{p}: the file is empty; expected a CSV with a header row") from None
    # Line numbers: header is line 1; multi-line quoted cells are rare in score tables and would only shift the hint.
    df["_line"] = np.arange(2, len(df) + 2)
    return df


def read_table(
    path: str | os.PathLike,
    *,
    score_scale: ScoreScale = "fraction",
    aggregate: Aggregate = "max",
    format: Literal["auto", "long", "wide", "epoch-eci"] = "auto",
) -> ScoreTable:
    """Read a score table from a CSV file.

    Parameters
    ----------
    path : path-like
        A long CSV (one row per model × benchmark: ``model``, ``benchmark``, ``score`` and optional
        ``release_date``, ``organization``, ``open_weights``/``accessibility``, ``source``, ``domain``, ``n_items``),
        a wide CSV (a ``model`` column, one column per benchmark), or Epoch's ``eci_benchmarks.csv``
        (joined with ``eci_scores.csv`` found beside it); or a folder / zip in a known layout: Epoch's
        Benchmarking Hub ``benchmark_data.zip`` or the Rosetta Stone paper's data folder (see :mod:`irt_elo.readers`).
    score_scale : {'fraction', 'percent', 'auto'}
        Scores are fractions in [0, 1] (a value above 1 is an error), percentages in [0, 100], or guessed
        from the maximum.
    aggregate : {'max', 'mean', 'error'}
        What to do with repeated (model, benchmark) pairs: keep the best (Epoch's rule), average, or refuse.
    format : {'auto', 'long', 'wide', 'epoch-eci'}
        Layout; ``auto`` recognises Epoch's files and tells long from wide by the presence of a benchmark column.

    Returns
    -------
    ScoreTable

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> t = read_table(bundled_path("epoch_eci_2026-08-11/eci_benchmarks.csv"))
    >>> t.n_models, t.n_benchmarks
    (222, 57)
    """
    p = Path(path)
    if format == "auto" and (p.is_dir() or p.suffix.lower() == ".zip"):
        from .readers.epoch_hub import read_layout  # Epoch hub zip/folder or the Rosetta paper's folder

        table = read_layout(p)
        if table is not None:
            return table
    df = read_csv_strict(p)
    keys = {_key(c) for c in df.columns}
    if format == "auto":
        if {"modelid", "benchmarkid", "performance"} <= keys:
            format = "epoch-eci"
        elif {"eci", "ecicilow"} <= keys or ({"eci"} <= keys and "benchmark" not in keys):
            raise IrtEloError(
                f"{p}: this is a table of fitted capabilities (it has an 'eci' column), not benchmark scores; "
                "pass it to `irt-elo gap`, or give the score table (e.g. eci_benchmarks.csv) to `irt-elo fit`")
        else:
            format = "long" if _find_column(df, "benchmark") or _find_column(df, "score") else "wide"
    if format == "epoch-eci":
        from .readers.epoch_eci import epoch_eci_frame
        long, models_extra, bench_extra = epoch_eci_frame(df, p)
        return from_frame(long, score_scale=score_scale, aggregate=aggregate, name=_vintage(p),
                          models_extra=models_extra, benchmarks_extra=bench_extra, source_label=str(p))
    if format == "wide":
        return from_wide(df, score_scale=score_scale, name=_vintage(p), source_label=str(p))
    return from_frame(df, score_scale=score_scale, aggregate=aggregate, name=_vintage(p), source_label=str(p))


def _vintage(p: Path) -> str:
    """A short label for outputs: parent folder (often a dated snapshot) and file name."""
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def _find_column(df: pd.DataFrame, std: str) -> str | None:
    for c in df.columns:
        if _key(c) in COLUMN_ALIASES[std] or c == std:
            return c
    return None


def _standardise_columns(df: pd.DataFrame, label: str, required: Sequence[str]) -> pd.DataFrame:
    """Rename known aliases to the standard names; error naming missing required columns."""
    rename: dict[str, str] = {}
    for std in COLUMN_ALIASES:
        if std in df.columns:
            continue
        c = _find_column(df, std)
        if c is not None and c not in rename:
            rename[c] = std
    out = df.rename(columns=rename)
    for std in required:
        if std not in out.columns:
            cols = [c for c in df.columns if c != "_line"]
            raise IrtEloError(
                f"{label}: missing column {std!r} (found columns: {', '.join(map(str, cols)) or 'none'})"
                f"{did_you_mean(std, cols)}; rename it to {std!r}")
    return out


def _where(label: str, line: object, col: str) -> str:
    return f"{label}: line {line}, column {col!r}"


def _parse_scores(df: pd.DataFrame, label: str, score_scale: ScoreScale, col: str = "score") -> np.ndarray:
    raw = df[col].astype(str).str.strip()
    pct = raw.str.endswith("%")
    vals = pd.to_numeric(raw.str.rstrip("%"), errors="coerce").to_numpy(dtype=float)
    vals = np.where(pct.to_numpy(), vals / 100.0, vals)
    lines = df["_line"].to_numpy() if "_line" in df else np.arange(2, len(df) + 2)
    bad = ~np.isfinite(vals)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "empty" if raw.iloc[i] in ("", "nan", "NaN", "NA") else f"{raw.iloc[i]!r} is not a number"
        raise IrtEloError(f"{_where(label, lines[i], col)}: score {what} ({int(bad.sum())} such rows); "
                          "fill or drop these rows")
    if (vals < 0).any():
        i = int(np.flatnonzero(vals < 0)[0])
        raise IrtEloError(f"{_where(label, lines[i], col)}: negative score {vals[i]:g}; scores must be fractions in "
                          "[0, 1] or percentages in [0, 100]")
    plain = ~pct.to_numpy()
    if score_scale == "auto":
        score_scale = "percent" if (vals[plain] > 1).any() else "fraction"
    if score_scale == "percent":
        if (vals[plain] > 100).any():
            i = int(np.flatnonzero(plain & (vals > 100))[0])
            raise IrtEloError(f"{_where(label, lines[i], col)}: score {vals[i]:g} is above 100; percentages must lie "
                              "in [0, 100]")
        vals = np.where(plain, vals / 100.0, vals)
    elif score_scale == "fraction":
        if (vals > 1).any():
            i = int(np.flatnonzero(vals > 1)[0])
            raise IrtEloError(f"{_where(label, lines[i], col)}: score {vals[i]:g} is above 1 but scores were declared "
                              "fractions; pass --percent (score_scale='percent') if the file holds percentages")
    else:
        raise IrtEloError(f"score_scale must be 'fraction', 'percent' or 'auto', not {score_scale!r}")
    return vals


def _parse_dates(values: pd.Series, lines: np.ndarray, label: str, col: str) -> pd.Series:
    s = values.astype(str).str.strip()
    blank = s.isin(["", "nan", "NaT", "None", "NA"])
    out = pd.to_datetime(s.where(~blank), errors="coerce", format="mixed")
    bad = out.isna() & ~blank
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise IrtEloError(f"{_where(label, lines[i], col)}: cannot read {s.iloc[i]!r} as a date; use YYYY-MM-DD")
    return out


_TRUE = {"true", "yes", "y", "1", "open", "t"}
_FALSE = {"false", "no", "n", "0", "closed", "f"}


def open_weights_from_accessibility(value: object) -> object:
    """Map an accessibility label to True (open weights), False (closed) or NA (unknown / other).

    Epoch's labels: 'Open weights (...)' -> open; 'API access', 'Hosted access (no API)', 'Unreleased',
    'Closed weights' -> closed; 'Unknown', 'Other', blank -> NA.

    Examples
    --------
    >>> open_weights_from_accessibility("Open weights (restricted use)"), open_weights_from_accessibility("API access")
    (True, False)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return pd.NA
    s = str(value).strip().lower()
    if not s or s in ("unknown", "other", "nan"):
        return pd.NA
    if s in _TRUE or s.startswith("open"):
        return True
    if s in _FALSE or s.startswith(("api", "closed", "hosted", "unreleased", "proprietary")):
        return False
    return pd.NA


def _parse_bool(values: pd.Series, lines: np.ndarray, label: str, col: str) -> pd.Series:
    s = values.astype(str).str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[s.isin(_TRUE)] = True
    out[s.isin(_FALSE)] = False
    bad = ~(s.isin(_TRUE | _FALSE) | s.isin(["", "nan", "na", "unknown", "other"]))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise IrtEloError(f"{_where(label, lines[i], col)}: {values.iloc[i]!r} is not true/false")
    return out


def from_frame(
    df: pd.DataFrame,
    *,
    score_scale: ScoreScale = "fraction",
    aggregate: Aggregate = "max",
    name: str = "data",
    models_extra: pd.DataFrame | None = None,
    benchmarks_extra: pd.DataFrame | None = None,
    source_label: str | None = None,
) -> ScoreTable:
    """Build a :class:`ScoreTable` from a long DataFrame (one row per model × benchmark).

    Parameters
    ----------
    df : DataFrame
        Columns ``model``, ``benchmark``, ``score`` (aliases such as ``performance`` or ``task`` are accepted) and
        optional metadata columns (see :func:`read_table`).
    score_scale, aggregate
        As in :func:`read_table`.
    name : str
        Label for messages and outputs.
    models_extra, benchmarks_extra : DataFrame, optional
        Extra per-model / per-benchmark metadata indexed by name, joined onto the table's metadata.
    source_label : str, optional
        How to name the input in error messages (defaults to ``name``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"model": ["a", "a", "b", "b"], "benchmark": ["x", "y", "x", "y"],
    ...                    "score": [0.2, 0.5, 0.4, 0.9]})
    >>> from_frame(df).n_obs
    4
    """
    label = source_label or name
    if df is None or len(df) == 0:
        raise IrtEloError(f"{label}: no rows; expected one row per model × benchmark")
    df = df.copy()
    if "_line" not in df:
        df["_line"] = np.arange(2, len(df) + 2)
    df = _standardise_columns(df, label, ("model", "benchmark", "score"))
    lines = df["_line"].to_numpy()
    for col in ("model", "benchmark"):
        names = df[col].astype("string").str.strip()
        blank = names.isna() | (names == "")
        if blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise IrtEloError(f"{_where(label, lines[i], col)}: empty {col} name; fill or drop the row")
        df[col] = names.astype(object)
    df["score"] = _parse_scores(df, label, score_scale)
    if "release_date" in df:
        df["release_date"] = _parse_dates(df["release_date"], lines, label, "release_date")
    if "open_weights" in df:
        df["open_weights"] = _parse_bool(df["open_weights"], lines, label, "open_weights")
    if "n_items" in df:
        n = pd.to_numeric(df["n_items"].replace("", np.nan), errors="coerce")
        bad = (n.isna() & df["n_items"].astype(str).str.strip().ne("") & df["n_items"].notna()) | (n <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise IrtEloError(f"{_where(label, lines[i], 'n_items')}: {df['n_items'].iloc[i]!r} is not a positive "
                              "question count")
        df["n_items"] = n
    if "optimized" in df:
        df["optimized"] = _parse_bool(df["optimized"], lines, label, "optimized")

    df = _aggregate(df, aggregate, label)

    model_order = pd.unique(df["model"])
    bench_order = pd.unique(df["benchmark"])
    models = _first_per_key(df, "model", [c for c in MODEL_META if c in df], model_order)
    if "accessibility" in models and "open_weights" not in models:
        models["open_weights"] = models["accessibility"].map(open_weights_from_accessibility).astype("boolean")
    if models_extra is not None:
        extra = models_extra.loc[:, [c for c in models_extra.columns if c not in models.columns]]
        models = models.join(extra, how="left")
        if "open_weights" not in models and "accessibility" in models:
            models["open_weights"] = models["accessibility"].map(open_weights_from_accessibility).astype("boolean")
    if "open_weights" in models:
        models["group"] = models["open_weights"].map({True: "open", False: "closed"}).astype("string")
    benchmarks = _first_per_key(df, "benchmark", [c for c in BENCH_META if c in df], bench_order)
    if benchmarks_extra is not None:
        extra = benchmarks_extra.loc[:, [c for c in benchmarks_extra.columns if c not in benchmarks.columns]]
        benchmarks = benchmarks.join(extra, how="left")
    cell_cols = ["model", "benchmark", "score"] + [c for c in CELL_META if c in df]
    scores = df[cell_cols].reset_index(drop=True)
    return ScoreTable(scores, models, benchmarks, name)


def _aggregate(df: pd.DataFrame, how: Aggregate, label: str) -> pd.DataFrame:
    dup = df.duplicated(["model", "benchmark"], keep=False)
    if not dup.any():
        return df
    if how == "error":
        i = int(np.flatnonzero(dup.to_numpy())[0])
        r = df.iloc[i]
        raise IrtEloError(f"{label}: line {r['_line']}: ({r['model']!r}, {r['benchmark']!r}) appears more than once; "
                          "pass aggregate='max' or 'mean' (--aggregate) to combine repeats")
    if how == "max":
        # Keep the best row (and its source) per pair; stable so ties keep the first occurrence.
        order = np.lexsort((np.arange(len(df)), -df["score"].to_numpy()))
        best = df.iloc[order].drop_duplicates(["model", "benchmark"], keep="first")
        return best.sort_values("_line", kind="stable")
    if how == "mean":
        first = df.drop_duplicates(["model", "benchmark"], keep="first").set_index(["model", "benchmark"])
        first["score"] = df.groupby(["model", "benchmark"], sort=False)["score"].mean()
        return first.reset_index()
    raise IrtEloError(f"aggregate must be 'max', 'mean' or 'error', not {how!r}")


def _first_per_key(df: pd.DataFrame, key: str, cols: list[str], order: np.ndarray) -> pd.DataFrame:
    """First non-missing value of each metadata column per key, in the given order."""
    if cols:
        out = df.groupby(key, sort=False)[cols].first()
    else:
        out = pd.DataFrame(index=pd.Index(order))
    out = out.reindex(order)
    out.index.name = key
    return out


def from_wide(
    df: pd.DataFrame,
    *,
    score_scale: ScoreScale = "fraction",
    name: str = "data",
    source_label: str | None = None,
) -> ScoreTable:
    """Build a :class:`ScoreTable` from a wide matrix: one row per model, one column per benchmark.

    The model column is ``model`` (or the first column); known metadata columns (``release_date``,
    ``organization``, ``open_weights``, ``accessibility``...) are kept as metadata; every other column is a
    benchmark. Empty cells are unobserved.

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"model": ["a", "b"], "x": [0.2, 0.4], "y": [0.5, None]})
    >>> from_wide(w).n_obs
    3
    """
    label = source_label or name
    if df is None or len(df) == 0:
        raise IrtEloError(f"{label}: no rows; expected one row per model")
    df = df.copy()
    if "_line" not in df:
        df["_line"] = np.arange(2, len(df) + 2)
    mcol = _find_column(df, "model") or df.columns[0]
    meta = {mcol: "model"}
    for std in MODEL_META:
        c = _find_column(df, std)
        if c is not None and c != mcol:
            meta[c] = std
    bench_cols = [c for c in df.columns if c not in meta and c != "_line"]
    if not bench_cols:
        raise IrtEloError(f"{label}: no benchmark columns found next to {mcol!r}; expected one column per benchmark")
    for c in bench_cols:
        col = df[c].astype(str).str.strip()
        if (col.isin(["", "nan", "NaN", "NA"]) | df[c].isna()).all():
            raise IrtEloError(f"{label}: benchmark column {c!r} has no scores; drop the column")
    long = df.rename(columns=meta).melt(id_vars=["_line", *meta.values()], value_vars=bench_cols,
                                         var_name="benchmark", value_name="score")
    s = long["score"].astype(str).str.strip()
    long = long[~(s.isin(["", "nan", "NaN", "NA"]) | long["score"].isna())]
    seen = set(long["model"])
    for i, m in enumerate(df[mcol]):
        if m not in seen:
            raise IrtEloError(f"{label}: line {df['_line'].iloc[i]}: model {m!r} has no scores; drop the row")
    long = long.sort_values("_line", kind="stable")
    return from_frame(long, score_scale=score_scale, aggregate="error", name=name, source_label=label)
