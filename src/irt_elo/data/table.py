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

import csv
import io
import os
import re
import shlex
import stat
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from irt_elo.errors import IrtEloError, did_you_mean

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
# Largest input file read into memory (a CSV of every model on every public benchmark is a few MB; this guards
# against a device such as /dev/zero or a runaway export exhausting memory).
MAX_INPUT_BYTES = 256 * 2**20
# Plausible release dates of a model: nothing before 2000 (a typo such as 1850 or year 1, or a day-first date read
# the wrong way), nothing more than a year ahead of today (announced models).
EARLIEST_RELEASE = pd.Timestamp("2000-01-01")
LATEST_RELEASE_AHEAD = pd.Timedelta(days=366)
SEPARATORS = (",", ";", "\t")  # tried on the header row; the one that splits it into the most columns wins
BENCH_META = ("domain", "n_items")
CELL_META = ("source", "optimized", "n_items")


def column_key(col: str) -> str:
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
    preset : str or None
        The fit preset this data is meant for (e.g. ``'eci'`` for the fit input of an Epoch ECI release), set by
        the reader that knows; None when the layout does not say. Not part of equality; subsets keep it.
    """

    scores: pd.DataFrame
    models: pd.DataFrame
    benchmarks: pd.DataFrame
    name: str = "data"
    preset: str | None = field(default=None, compare=False)
    model_idx: np.ndarray = field(init=False, repr=False)
    bench_idx: np.ndarray = field(init=False, repr=False)
    score: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for what, index in (("model", self.models.index), ("benchmark", self.benchmarks.index)):
            if not index.is_unique:
                raise IrtEloError(f"{self.name}: {what} {index[index.duplicated()][0]!r} has two metadata rows")
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
        """Number of observed benchmarks for each model.

        Examples
        --------
        >>> t = from_frame(pd.DataFrame({"model": ["a", "a", "b"], "benchmark": ["x", "y", "x"],
        ...                              "score": [.2, .5, .4]}))
        >>> t.benchmarks_per_model().tolist(), t.models_per_benchmark().tolist()
        ([2, 1], [2, 1])
        """
        return pd.Series(np.bincount(self.model_idx, minlength=self.n_models), index=self.model_names,
                         name="n_benchmarks")

    def models_per_benchmark(self) -> pd.Series:
        """Number of observed models for each benchmark (see :meth:`benchmarks_per_model` for an example)."""
        return pd.Series(np.bincount(self.bench_idx, minlength=self.n_benchmarks), index=self.benchmark_names,
                         name="n_models")

    def __repr__(self) -> str:
        return (f"ScoreTable({self.name!r}: {self.n_models} models × {self.n_benchmarks} benchmarks, "
                f"{self.n_obs} scores, {self.n_obs / max(1, self.n_models * self.n_benchmarks):.0%} observed)")

    # -- views -----------------------------------------------------------------------------------------------------
    def to_wide(self) -> pd.DataFrame:
        """Models × benchmarks matrix of scores (NaN where unobserved).

        Examples
        --------
        >>> t = from_frame(pd.DataFrame({"model": ["a", "a", "b"], "benchmark": ["x", "y", "x"],
        ...                              "score": [.2, .5, .4]}))
        >>> t.to_wide().to_numpy().tolist()
        [[0.2, 0.5], [0.4, nan]]
        """
        # Indexed assignment, not a pivot: a resampled table (:meth:`rows`) repeats cells, always with one value.
        out = np.full((self.n_models, self.n_benchmarks), np.nan)
        out[self.model_idx, self.bench_idx] = self.score
        return pd.DataFrame(out, index=self.model_names, columns=self.benchmark_names)

    def rows(self, rows: np.ndarray) -> ScoreTable:
        """A table made of the given score rows (repeats allowed), keeping every model and benchmark.

        Used by the bootstrap: indices stay aligned with this table so warm starts stay valid.

        Examples
        --------
        >>> t = from_frame(pd.DataFrame({"model": ["a", "a", "b"], "benchmark": ["x", "y", "x"],
        ...                              "score": [.2, .5, .4]}))
        >>> r = t.rows([0, 0, 2])
        >>> r.n_models, r.model_idx.tolist(), r.score.tolist()
        (2, [0, 0, 1], [0.2, 0.2, 0.4])
        """
        return ScoreTable(self.scores.iloc[np.asarray(rows)].reset_index(drop=True), self.models, self.benchmarks,
                          self.name, preset=self.preset)

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
        keep = row_mask(mask, self.n_obs, self.name)
        if models is not None:
            models = name_list(models)
            self._check_names(models, self.model_names, "model")
            keep &= self.scores["model"].isin(models).to_numpy()
        if benchmarks is not None:
            benchmarks = name_list(benchmarks)
            self._check_names(benchmarks, self.benchmark_names, "benchmark")
            keep &= self.scores["benchmark"].isin(benchmarks).to_numpy()
        if exclude_benchmarks is not None:
            exclude_benchmarks = name_list(exclude_benchmarks)
            self._check_names(exclude_benchmarks, self.benchmark_names, "benchmark")
            keep &= ~self.scores["benchmark"].isin(exclude_benchmarks).to_numpy()
        if since is not None or until is not None:
            dates = (self.models["release_date"] if "release_date" in self.models
                     else pd.Series(pd.NaT, self.models.index))
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
                          self.benchmarks.loc[self.benchmarks.index.isin(used_b)], self.name, preset=self.preset)

    def _check_names(self, names: Sequence[str], known: pd.Index, what: str) -> None:
        check_names(names, known, what, self.name)

    def components(self) -> list[tuple[list[str], list[str]]]:
        """Connected components of the model–benchmark graph, largest first, as (models, benchmarks) lists.

        Examples
        --------
        >>> t = from_frame(pd.DataFrame({"model": ["a", "b", "c"], "benchmark": ["x", "x", "y"],
        ...                              "score": [.2, .5, .4]}))
        >>> t.components()
        [(['a', 'b'], ['x']), (['c'], ['y'])]
        """
        return component_lists(self.model_idx, self.bench_idx, self.model_names, self.benchmark_names)

    def check_connected(self) -> None:
        """Raise if the model–benchmark graph splits: capabilities in different parts are not comparable.

        Examples
        --------
        >>> t = from_frame(pd.DataFrame({"model": ["a", "b"], "benchmark": ["x", "y"], "score": [.2, .5]}))
        >>> t.check_connected()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        irt_elo.errors.IrtEloError: data: the model–benchmark graph splits into 2 disconnected parts, ...
        """
        if n_components(self.model_idx, self.bench_idx, self.n_models, self.n_benchmarks) > 1:
            comps = self.components()
            parts = "; ".join(
                f"[{short_list(ms, 3)} | benchmarks {short_list(bs, 3)}]" for ms, bs in comps[:4])
            raise IrtEloError(
                f"{self.name}: the model–benchmark graph splits into {len(comps)} disconnected parts, so "
                f"capabilities across them are not comparable: {parts}. Add scores that link them or fit each part "
                "separately (filter(models=...)).")


# Helpers shared with :mod:`irt_elo.data.responses` (its models × items table has the same shape of problems).


def name_list(names: Iterable[str] | str) -> list[str]:
    """A list of names; one name given as a plain string is one name, not its characters."""
    return [names] if isinstance(names, str) else list(names)


def row_mask(mask: np.ndarray | pd.Series | None, n: int, label: str) -> np.ndarray:
    """A writable boolean row mask of length ``n`` (all True when ``mask`` is None)."""
    if mask is None:
        return np.ones(n, dtype=bool)
    keep = np.asarray(mask, dtype=bool).copy()
    if keep.shape != (n,):
        raise IrtEloError(f"{label}: mask has {keep.size} values but the table has {n} rows; give one per row")
    return keep


def check_names(names: Iterable[str], known: pd.Index, what: str, label: str) -> None:
    for n in names:
        if n not in known:
            raise IrtEloError(f"{label}: unknown {what} {n!r}{did_you_mean(n, known)}")


def _graph(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> tuple[int, np.ndarray]:
    """Connected components of the bipartite graph with an edge per (row, col) pair: (count, label per node)."""
    n = n_rows + n_cols
    adj = sparse.coo_matrix((np.ones(rows.size, dtype=np.int8), (rows, n_rows + cols)), shape=(n, n))
    return connected_components(adj, directed=False)


def n_components(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> int:
    return int(_graph(rows, cols, n_rows, n_cols)[0])


def component_lists(rows: np.ndarray, cols: np.ndarray, row_names: pd.Index, col_names: pd.Index
                ) -> list[tuple[list[str], list[str]]]:
    """Components as (row names, column names) lists, largest first (ties: order of first node)."""
    n_rows = len(row_names)
    k, labels = _graph(rows, cols, n_rows, len(col_names))
    names = np.array([str(x) for x in row_names] + [str(x) for x in col_names], dtype=object)
    order = np.argsort(labels, kind="stable")  # nodes grouped by component, in node order within each
    cuts = np.cumsum(np.bincount(labels, minlength=k))[:-1]
    comps = [(names[g[g < n_rows]].tolist(), names[g[g >= n_rows]].tolist()) for g in np.split(order, cuts)]
    comps.sort(key=lambda rc: -(len(rc[0]) + len(rc[1])))
    return comps


def short_list(names: Sequence[str], k: int) -> str:
    s = ", ".join(names[:k])
    return s + (f", … (+{len(names) - k})" if len(names) > k else "")


def _to_timestamp(value: str | pd.Timestamp, what: str) -> pd.Timestamp:
    try:  # ISO only for text: pd.Timestamp('01/02/2024') would guess month-first
        return pd.to_datetime(value, format="ISO8601") if isinstance(value, str) else pd.Timestamp(value)
    except (ValueError, TypeError):
        raise IrtEloError(f"{what}: cannot read {value!r} as a date; use YYYY-MM-DD") from None


# --------------------------------------------------------------------------------------------------------------------
# Reading files


def read_csv_strict(path: str | os.PathLike) -> pd.DataFrame:
    r"""Read a CSV as strings, with a ``_line`` column holding the line of the file each row starts on.

    Header names are stripped of surrounding spaces, rows whose cells are all blank are dropped, and cells that
    span several lines (quoted line breaks, common in Epoch's notes columns) count all their lines.

    Raises
    ------
    IrtEloError
        For a missing path, a directory, an empty or non-UTF-8 file, a column name used twice, or a row with
        more (non-blank) fields than the header -- naming the file and line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text('model,benchmark,note\na,x,"two\nlines"\n\nb,x,\n')
    >>> read_csv_strict(p).to_dict("list")
    {'model': ['a', 'b'], 'benchmark': ['x', 'x'], 'note': ['two\nlines', ''], '_line': [2, 5]}
    """
    p = Path(path)
    return parse_csv_text(decode_bytes(read_bytes_limited(p), str(p)), str(p))


def read_bytes_limited(path: str | os.PathLike, where: str | None = None, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file, refusing folders, devices and anything larger than ``limit`` before it fills memory.

    A regular file is checked by its size before it is read; a pipe (``<(...)``) is read up to ``limit`` bytes.

    Examples
    --------
    >>> read_bytes_limited("/dev/zero")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    irt_elo.errors.IrtEloError: /dev/zero: is a device, not a file; ...
    """
    p = Path(path)
    where = where or str(p)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise IrtEloError(f"{where}: no such file") from None
    except OSError as e:
        raise IrtEloError(f"{where}: cannot read it ({e.strerror or e})") from None
    if stat.S_ISDIR(st.st_mode):
        raise IrtEloError(f"{where}: is a directory; give the path of a CSV file")
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) or stat.S_ISSOCK(st.st_mode):
        raise IrtEloError(f"{where}: is a device, not a file; give the path of a CSV file")
    too_big = (f"{where}: larger than {limit / 2**20:,.0f} MB, the most irt-elo reads into memory; a score table is "
               "a few MB, so check that this is the right file (or split it)")
    if stat.S_ISREG(st.st_mode) and st.st_size > limit:
        raise IrtEloError(too_big)
    try:
        with open(p, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as e:
        raise IrtEloError(f"{where}: cannot read it ({e.strerror or e})") from None
    if len(data) > limit:
        raise IrtEloError(too_big)
    return data


def decode_bytes(raw: bytes, where: str) -> str:
    """UTF-8 text of a file's bytes (a byte-order mark is dropped); an error naming the first bad line otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise IrtEloError(f"{where}: line {line} is not valid UTF-8 (byte {e.start}); re-save the file as "
                          "UTF-8") from None


def detect_separator(body: str) -> str:
    r"""The column separator of CSV text: whichever of comma, semicolon and tab splits the header row into the most
    columns (comma on a tie, so a one-column file stays comma-separated).

    Examples
    --------
    >>> detect_separator("model;ARC;MMLU\na;0,5;0,7\n"), detect_separator("model\tARC\n"), detect_separator("a,b;c\n")
    (';', '\t', ',')
    """
    head = body.split("\n", 1)[0]
    best, n_best = ",", 0
    for sep in SEPARATORS:
        try:
            n = len(next(csv.reader(io.StringIO(head, newline=""), delimiter=sep), []))
        except csv.Error:
            continue
        if n > n_best:
            best, n_best = sep, n
    return best


def parse_csv_text(text: str, where: str) -> pd.DataFrame:
    """CSV text -> strings frame plus ``_line`` (see :func:`read_csv_strict`).

    The separator (comma, semicolon or tab) is detected from the header row (:func:`detect_separator`).
    pandas' C parser reads well-formed text; text it refuses or would misalign (rows longer than the header, which
    pandas would silently turn into an index) goes through the csv module, which names the first such row.
    """
    body = text.lstrip("\r\n")
    if not body.strip():
        raise IrtEloError(f"{where}: the file is empty; expected a CSV with a header row")
    first = text[: len(text) - len(body)].count("\n") + 1  # line of the header
    sep = detect_separator(body)
    try:
        header = next(csv.reader(io.StringIO(body, newline=""), delimiter=sep, skipinitialspace=True))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                df = pd.read_csv(io.StringIO(body), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True,
                                 index_col=False, skip_blank_lines=False)
            if df.iloc[:, 0].isna().any():  # blank lines are the only missing values
                df = df.fillna("")
            if df.shape[1] != len(header):
                raise pd.errors.ParserError("header width")
            # A record starts after the previous records and the line breaks inside their quoted cells.
            breaks = np.zeros(len(df), dtype=np.int64)
            if '"' in body:
                for c in df.columns:
                    breaks += df[c].str.count("\n").to_numpy(dtype=np.int64)
            lines = first + sum(h.count("\n") for h in header) + 1 + np.arange(len(df)) + np.cumsum(breaks) - breaks
            df.columns = range(len(header))
        except (pd.errors.ParserWarning, pd.errors.ParserError):
            df, lines = _parse_csv_records(body, where, first, len(header), sep)
    except csv.Error as e:
        raise IrtEloError(f"{where}: not a readable CSV ({e})") from None
    if '"' in body and len(lines):
        _check_last_record_closed(body, int(lines[-1]), first, where, sep)
    names = [h.strip() or f"Unnamed: {i}" for i, h in enumerate(header)]
    dup = pd.Index(names)[pd.Index(names).duplicated()]
    if len(dup):
        raise IrtEloError(f"{where}: line {first}: column {dup[0]!r} appears more than once in the header; rename "
                          "or drop one")
    df.columns = names
    df["_line"] = lines
    # Drop rows with nothing in them (blank lines, rows of commas and spaces) and unnamed columns with nothing in
    # them (a trailing comma on the header). Spaces after a comma are already skipped, so blank cells are "".
    maybe = np.flatnonzero(df.iloc[:, 0].eq("").to_numpy())
    if maybe.size:
        empty = df.iloc[maybe, :-1].eq("").all(axis=1).to_numpy()
        df = df.drop(index=df.index[maybe[empty]])
    unnamed = [n for i, n in enumerate(names) if not header[i].strip() and df[n].eq("").all()]
    return df.drop(columns=unnamed).reset_index(drop=True)


def _check_last_record_closed(body: str, line: int, first: int, where: str, sep: str = ",") -> None:
    """Both parsers read a quote that is never closed as one cell holding the rest of the file; the csv module's
    strict mode, run on the last record only, tells that apart from a quoted cell that ends properly."""
    tail = body.split("\n", line - first)[-1]
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=sep, strict=True):
            pass
    except csv.Error as e:
        if "unexpected end of data" in str(e):
            raise IrtEloError(f"{where}: line {line}: a quote opened in this row is never closed, so the rest of the "
                              "file would be read as one cell; close or remove the quote") from None


def _parse_csv_records(body: str, where: str, first: int, width: int, sep: str = ","
                       ) -> tuple[pd.DataFrame, np.ndarray]:
    """The csv-module reader for text pandas refused: ragged rows, each with the line it starts on."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep, skipinitialspace=True)
    next(reader)
    rows, lines = [], []
    start = reader.line_num + 1
    try:
        for rec in reader:
            rows.append(rec)
            lines.append(start + first - 1)
            start = reader.line_num + 1
    except csv.Error as e:
        raise IrtEloError(f"{where}: line {reader.line_num + first - 1}: not a readable CSV ({e})") from None
    for rec, line in zip(rows, lines):
        if len(rec) > width and any(c.strip() for c in rec[width:]):
            raise IrtEloError(f"{where}: line {line} has {len(rec)} fields but the header has {width}; fix the "
                              "quoting of that row or name the extra column in the header")
    data = [(rec + [""] * width)[:width] for rec in rows]
    return pd.DataFrame(data, columns=range(width), dtype=str), np.asarray(lines, dtype=np.int64)


def path_label(p: Path) -> str:
    """A short label for outputs: parent folder (often a dated snapshot) and file name."""
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def find_column(df: pd.DataFrame, std: str) -> str | None:
    for c in df.columns:
        if column_key(c) in COLUMN_ALIASES[std] or c == std:
            return c
    return None


def standardise_columns(df: pd.DataFrame, label: str, required: Sequence[str]) -> pd.DataFrame:
    """Rename known aliases to the standard names; error naming missing required columns."""
    for std in required:  # 'Score' beside 'score': which one holds the scores is a guess, so refuse
        same = [c for c in df.columns if column_key(c) == column_key(std)]
        if len(same) > 1:
            raise IrtEloError(f"{label}: columns {same[0]!r} and {same[1]!r} both name the {std}; keep one (drop the "
                              "other with --drop-columns, or choose the model column with --model-column)")
    rename: dict[str, str] = {}
    for std in COLUMN_ALIASES:
        if std in df.columns:
            continue
        c = find_column(df, std)
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


def require_columns(df: pd.DataFrame, need: Iterable[str], where: str, what: str) -> None:
    """A one-line error naming the columns of ``need`` that ``df`` lacks, what the file should be and what it has."""
    missing = [c for c in need if c not in df.columns]
    if missing:
        found = ", ".join(str(c) for c in df.columns if c != "_line") or "none"
        raise IrtEloError(f"{where}: missing column(s) {', '.join(map(repr, missing))}; {what} (found: {found})")


def location(label: str, line: object, col: str) -> str:
    return f"{label}: line {line}, column {col!r}"


def _parse_scores(df: pd.DataFrame, label: str, score_scale: ScoreScale, col: str = "score") -> np.ndarray:
    raw = df[col].astype(str).str.strip()
    pct = raw.str.endswith("%")
    vals = pd.to_numeric(raw.str.rstrip("%"), errors="coerce").to_numpy(dtype=float)
    vals = np.where(pct.to_numpy(), vals / 100.0, vals)
    lines = df["_line"].to_numpy() if "_line" in df else np.arange(2, len(df) + 2)
    # A wide table's scores come from many columns: messages name the column of the file, not 'score'.
    cols = df["_col"].astype(str).to_numpy() if "_col" in df else np.full(len(df), col, dtype=object)

    def where(i: int) -> str:
        return location(label, lines[i], cols[i])

    bad = ~np.isfinite(vals)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "empty" if raw.iloc[i] in ("", "nan", "NaN", "NA") else f"{raw.iloc[i]!r} is not a number"
        hint = ("; this looks like a decimal comma: write 0.85, not 0,85" if re.fullmatch(r"\d+,\d+%?", raw.iloc[i])
                else "")
        raise IrtEloError(f"{where(i)}: score {what} ({int(bad.sum())} such rows){hint}; fill or drop these rows")
    if (vals < 0).any():
        i = int(np.flatnonzero(vals < 0)[0])
        raise IrtEloError(f"{where(i)}: negative score {vals[i]:g}; scores must be fractions in "
                          "[0, 1] or percentages in [0, 100]")
    plain = ~pct.to_numpy()
    if (vals[~plain] > 1).any():
        i = int(np.flatnonzero(~plain & (vals > 1))[0])
        raise IrtEloError(f"{where(i)}: score {raw.iloc[i]!r} is above 100%; percentages must lie "
                          "in [0, 100]")
    if score_scale == "auto":
        score_scale = _guess_scale(vals, plain, df, lines, cols, label)
    if score_scale not in ("fraction", "percent"):
        raise IrtEloError(f"score_scale must be 'fraction', 'percent' or 'auto', not {score_scale!r}")
    if score_scale == "percent":
        if (vals[plain] > 100).any():
            i = int(np.flatnonzero(plain & (vals > 100))[0])
            raise IrtEloError(f"{where(i)}: score {vals[i]:g} is above 100; percentages must lie "
                              "in [0, 100]")
        vals = np.where(plain, vals / 100.0, vals)
    elif (vals > 1).any():
        i = int(np.flatnonzero(vals > 1)[0])
        raise IrtEloError(f"{where(i)}: score {vals[i]:g} is above 1 but scores were declared "
                          "fractions; pass --percent (score_scale='percent') if the file holds percentages")
    return vals


def _guess_scale(vals: np.ndarray, plain: np.ndarray, df: pd.DataFrame, lines: np.ndarray, cols: np.ndarray,
                 label: str) -> ScoreScale:
    """``score_scale='auto'``: fractions when no plain number exceeds 1; percentages when every benchmark with a
    score strictly between 0 and 1 has none above 1 and no benchmark looks like fractions. Anything else is a mix
    (one typo such as 85 among fractions, or a fraction among percentages) that no rule can read safely: an error
    naming the rows, never a silent rescaling of the whole file."""
    above = plain & (vals > 1)
    if not above.any():
        return "fraction"
    inside = plain & (vals > 0) & (vals < 1)
    groups = (df["benchmark"].astype(str).to_numpy() if "benchmark" in df else np.full(len(df), "", dtype=object))

    def rows(mask: np.ndarray) -> str:
        idx = np.flatnonzero(mask)
        shown = ", ".join(f"{lines[i]} ({vals[i]:g})" for i in idx[:5])
        return f"line{'s' if idx.size > 1 else ''} {shown}" + (f" and {idx.size - 5} more" if idx.size > 5 else "")

    how = "pass --percent or --fraction (score_scale=) to say which, or fix the rows on the other scale"
    for g in pd.unique(groups):
        in_g = groups == g
        hi, lo = above & in_g, inside & in_g
        what = f"benchmark {g!r}" if g else "the scores"
        if hi.any() and lo.any():
            few, many = (hi, lo) if hi.sum() <= lo.sum() else (lo, hi)
            kind = "above 1 (percentages?)" if few is hi else "between 0 and 1 (fractions?)"
            verb = "is" if few.sum() == 1 else "are"
            raise IrtEloError(f"{label}: --score-scale auto: {what} mixes scales: {rows(few)} {verb} {kind} among "
                              f"{int(many.sum())} on the other scale; {how}")
    frac_like = [g for g in pd.unique(groups) if not above[groups == g].any() and inside[groups == g].any()]
    if frac_like:
        pct_like = [g for g in pd.unique(groups) if above[groups == g].any()]
        lo = inside & np.isin(groups, frac_like)
        raise IrtEloError(f"{label}: --score-scale auto: benchmark(s) {short_list([repr(g) for g in frac_like], 3)} "
                          f"hold only scores up to 1 (fractions?, {rows(lo)}) while "
                          f"{short_list([repr(g) for g in pct_like], 3)} hold scores above 1 (percentages); {how}")
    return "percent"


def parse_dates(values: pd.Series, lines: np.ndarray, label: str, col: str, *, date_format: str | None = None,
                release: bool = True) -> pd.Series:
    """Dates of one column, all in one format: ISO 8601 (``YYYY-MM-DD``, a time allowed) unless ``date_format``
    (strftime codes, e.g. ``'%d/%m/%Y'``) names another. A cell in any other format is an error naming its line;
    one column is never read cell by cell (``01/02/2024`` and ``13/02/2024`` would be read day-first in one row and
    month-first in the other). ``release``: the dates are models' release dates, so a date before
    :data:`EARLIEST_RELEASE` or more than a year from today is an error too. Blank cells are missing (NaT).

    Examples
    --------
    >>> parse_dates(pd.Series(["2024-02-01", ""]), np.array([2, 3]), "f.csv", "date").tolist()
    [Timestamp('2024-02-01 00:00:00'), NaT]
    >>> parse_dates(pd.Series(["01/02/2024"]), np.array([2]), "f.csv", "date", date_format="%d/%m/%Y").tolist()
    [Timestamp('2024-02-01 00:00:00')]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = pd.Series(values, copy=False)
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert(None)
        s = out.astype(str)
    else:
        s = values.astype(str).str.strip()
        blank = s.isin(["", "nan", "NaT", "None", "NA", "<NA>"])
        how = "ISO8601" if date_format is None else date_format
        try:
            # utc=True reads offsets ("...Z", "+02:00") alongside plain dates; naive dates are unchanged by it.
            out = pd.to_datetime(s.where(~blank), errors="coerce", format=how, utc=True).dt.tz_convert(None)
        except (ValueError, TypeError) as e:
            raise IrtEloError(f"{label}: column {col!r}: cannot read dates with the format {how!r} ({e}); give a "
                              "strftime format such as %Y-%m-%d or %d/%m/%Y") from None
        bad = out.isna() & ~blank
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            n = int(bad.sum())
            more = f" ({n} such rows)" if n > 1 else ""
            year = s.iloc[i][:5].rstrip("-")
            if release and year.isdigit() and int(year) < EARLIEST_RELEASE.year:  # beyond pandas' range (1677)
                raise IrtEloError(f"{location(label, lines[i], col)}: {s.iloc[i]!r} is not a plausible release date "
                                  f"(accepted: from {EARLIEST_RELEASE:%Y-%m-%d}); fix the date")
            if date_format is None:
                raise IrtEloError(f"{location(label, lines[i], col)}: cannot read {s.iloc[i]!r} as a date: not ISO "
                                  f"(YYYY-MM-DD){more}; write ISO dates or give the column's one format with "
                                  "--date-format (date_format=), e.g. %d/%m/%Y")
            raise IrtEloError(f"{location(label, lines[i], col)}: cannot read {s.iloc[i]!r} as a date in the format "
                              f"{date_format!r}{more}; one column holds dates in one format")
    if release:
        latest = pd.Timestamp.now().normalize() + LATEST_RELEASE_AHEAD
        odd = (out < EARLIEST_RELEASE) | (out > latest)
        if odd.any():
            i = int(np.flatnonzero(odd.to_numpy())[0])
            raise IrtEloError(f"{location(label, lines[i], col)}: {s.iloc[i]!r} is not a plausible "
                              f"release date (accepted: {EARLIEST_RELEASE:%Y-%m-%d} to "
                              f"{latest:%Y-%m-%d}); fix the date" + ("" if date_format else
                                                                  " or check --date-format"))
    return out


_TRUE = {"true", "yes", "y", "1", "1.0", "open", "t"}
_FALSE = {"false", "no", "n", "0", "0.0", "closed", "f"}
_UNKNOWN = {"", "nan", "na", "none", "unknown", "other"}


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


def parse_bool(values: pd.Series, lines: np.ndarray, label: str, col: str) -> pd.Series:
    s = values.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[s.isin(_TRUE).fillna(False).to_numpy(dtype=bool)] = True
    out[s.isin(_FALSE).fillna(False).to_numpy(dtype=bool)] = False
    bad = ~(s.isna() | s.isin(_TRUE | _FALSE | _UNKNOWN)).to_numpy(dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise IrtEloError(f"{location(label, lines[i], col)}: {values.iloc[i]!r} is not true/false")
    return out


def primary_country(country: pd.Series) -> pd.Series:
    """The first listed country of a comma-joined country string (``'Hong Kong,China'`` -> ``'Hong Kong'``), the
    one countries are grouped by (``Capabilities.regroup('country')``, CAISI's closed US frontier); NA stays NA.

    Examples
    --------
    >>> primary_country(pd.Series(["Hong Kong,China", "France", None])).tolist()
    ['Hong Kong', 'France', <NA>]
    """
    s = pd.Series(country, copy=False).astype("string").str.split(",").str[0].str.strip()
    return s.mask(s == "").astype("string")


def from_frame(
    df: pd.DataFrame,
    *,
    score_scale: ScoreScale = "fraction",
    aggregate: Aggregate = "max",
    name: str = "data",
    models_extra: pd.DataFrame | None = None,
    benchmarks_extra: pd.DataFrame | None = None,
    source_label: str | None = None,
    date_format: str | None = None,
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
    date_format : str, optional
        The one strftime format of the ``release_date`` column (default: ISO, ``YYYY-MM-DD``); see
        :func:`parse_dates`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"model": ["a", "a", "b", "b"], "benchmark": ["x", "y", "x", "y"],
    ...                    "score": [0.2, 0.5, 0.4, 0.9]})
    >>> from_frame(df).n_obs
    4
    """
    label = source_label or name
    if aggregate not in ("max", "mean", "error"):
        raise IrtEloError(f"aggregate must be 'max', 'mean' or 'error', not {aggregate!r}")
    check_frame(df, label, "one row per model × benchmark")
    df = df.copy()
    if "_line" not in df:
        df["_line"] = np.arange(2, len(df) + 2)
    df = standardise_columns(df, label, ("model", "benchmark", "score"))
    lines = df["_line"].to_numpy()
    for col in ("model", "benchmark"):
        names = df[col].astype("string").str.strip()
        blank = names.isna() | (names == "")
        if blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise IrtEloError(f"{location(label, lines[i], col)}: empty {col} name; fill or drop the row")
        df[col] = names.astype(object)
    df["score"] = _parse_scores(df, label, score_scale)
    if "release_date" in df:
        df["release_date"] = parse_dates(df["release_date"], lines, label, "release_date", date_format=date_format)
    if "open_weights" in df:
        df["open_weights"] = parse_bool(df["open_weights"], lines, label, "open_weights")
    if "n_items" in df:
        n = pd.to_numeric(df["n_items"].replace("", np.nan), errors="coerce")
        given = df["n_items"].notna() & df["n_items"].astype(str).str.strip().ne("")
        bad = given & ~(np.isfinite(n) & (n > 0))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise IrtEloError(f"{location(label, lines[i], 'n_items')}: {df['n_items'].iloc[i]!r} is not a positive "
                              "question count")
        df["n_items"] = n
    if "optimized" in df:
        df["optimized"] = parse_bool(df["optimized"], lines, label, "optimized")

    df = _aggregate(df, aggregate, label)

    models = model_frame(df, models_extra, label)
    benchmarks = first_per_key(df, "benchmark", [c for c in BENCH_META if c in df], pd.unique(df["benchmark"]))
    if benchmarks_extra is not None:
        benchmarks = _join_extra(benchmarks, benchmarks_extra, "benchmark", label)
    cell_cols = ["model", "benchmark", "score"] + [c for c in CELL_META if c in df]
    scores = df[cell_cols].reset_index(drop=True)
    return ScoreTable(scores, models, benchmarks, name)


def check_frame(df: object, label: str, expected: str) -> None:
    """Refuse what is not a non-empty DataFrame with unique column names, in one line: a path (read it with
    :func:`irt_elo.read_table`, the reader the command line uses), another object, no rows, a column twice.

    Examples
    --------
    >>> check_frame("scores.csv", "data", "a table")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    irt_elo.errors.IrtEloError: 'scores.csv' is a path, not a table; read it with irt_elo.read_table('scores.csv') ...
    """
    if isinstance(df, (str, os.PathLike)):
        raise IrtEloError(f"{str(df)!r} is a path, not a table; read it with irt_elo.read_table({str(df)!r}) (the "
                          "reader the command line uses) and pass the ScoreTable")
    if not isinstance(df, pd.DataFrame):
        raise IrtEloError(f"expected a ScoreTable or a pandas DataFrame ({expected}), not {type(df).__name__}; "
                          "read a file with irt_elo.read_table(PATH)")
    if len(df) == 0:
        raise IrtEloError(f"{label}: no rows; expected {expected}")
    dup = df.columns[df.columns.duplicated()]
    if len(dup):
        raise IrtEloError(f"{label}: column {dup[0]!r} appears more than once; rename or drop one")


def _aggregate(df: pd.DataFrame, how: Aggregate, label: str) -> pd.DataFrame:
    dup = df.duplicated(["model", "benchmark"], keep=False)
    if not dup.any():
        return df
    if how == "error":
        i = int(np.flatnonzero(df.duplicated(["model", "benchmark"], keep="first").to_numpy())[0])
        r = df.iloc[i]
        first = df[(df["model"] == r["model"]) & (df["benchmark"] == r["benchmark"])]["_line"].iloc[0]
        raise IrtEloError(f"{label}: line {r['_line']}: ({r['model']!r}, {r['benchmark']!r}) appears more than once "
                          f"(first on line {first}); keep one row per model and benchmark")
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


def model_frame(df: pd.DataFrame, models_extra: pd.DataFrame | None, label: str) -> pd.DataFrame:
    """Per-model metadata in order of first appearance: each ``MODEL_META`` column's first non-missing value, then
    the columns of ``models_extra`` the data lack, then ``open_weights`` (from ``accessibility`` when not given)
    and ``group``. Shared by score tables and response tables."""
    df = df.copy()
    for c in MODEL_META:  # a blank cell is a missing value: it must not hide a model's value given in another row
        if c in df and (df[c].dtype == object or pd.api.types.is_string_dtype(df[c])):
            df[c] = df[c].mask(df[c].astype("string").str.strip().fillna("").eq(""))
    check_one_value_per_model(df, [c for c in MODEL_META if c in df], label)
    models = first_per_key(df, "model", [c for c in MODEL_META if c in df], pd.unique(df["model"]))
    for extra in (None, models_extra):  # the data's own accessibility wins over an extra open_weights column
        if extra is not None:
            models = _join_extra(models, extra, "model", label)
        if "open_weights" not in models and "accessibility" in models:
            models["open_weights"] = models["accessibility"].map(open_weights_from_accessibility).astype("boolean")
    if "open_weights" in models:
        models["group"] = models["open_weights"].map({True: "open", False: "closed"}).astype("string")
    return models


def check_one_value_per_model(df: pd.DataFrame, cols: Sequence[str], label: str) -> None:
    """Refuse a model whose rows give two values of one metadata column (two release dates, open and closed):
    keeping either would be a silent guess. Missing and blank cells do not count.

    Examples
    --------
    >>> df = pd.DataFrame({"model": ["a", "a"], "release_date": ["2024-01-01", "2024-02-01"], "_line": [2, 3]})
    >>> check_one_value_per_model(df, ["release_date"], "f.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    irt_elo.errors.IrtEloError: f.csv: model 'a' has two release_date values, '2024-01-01' (line 2) and ...
    """
    for c in cols:
        v = df[c]
        given = v.notna().to_numpy(dtype=bool)
        if v.dtype == object or pd.api.types.is_string_dtype(v):
            given = given & v.astype("string").str.strip().fillna("").ne("").to_numpy(dtype=bool)
        if not given.any():
            continue
        sub = pd.DataFrame({"model": df["model"].to_numpy()[given], "v": v.to_numpy()[given]})
        n = sub.groupby("model", sort=False)["v"].nunique()
        if (n <= 1).all():
            continue
        model = n.index[n.to_numpy() > 1][0]
        rows = np.flatnonzero(given)[sub["model"].to_numpy() == model]
        vals = v.iloc[rows]
        first = rows[0]
        other = rows[np.flatnonzero((vals != vals.iloc[0]).to_numpy(dtype=bool))[0]]
        lines = df["_line"].to_numpy() if "_line" in df else np.arange(2, len(df) + 2)

        def shown(x: object) -> str:
            if isinstance(x, pd.Timestamp):
                return repr(f"{x:%Y-%m-%d}")
            return repr(x.item() if isinstance(x, np.generic) else x)

        raise IrtEloError(f"{label}: model {model!r} has two {c} values, {shown(v.iloc[first])} (line "
                          f"{lines[first]}) and {shown(v.iloc[other])} (line {lines[other]}); give each model one "
                          f"{c} (or rename one of the models if they differ)")


def _join_extra(meta: pd.DataFrame, extra: pd.DataFrame, what: str, label: str) -> pd.DataFrame:
    """Left-join the columns of ``extra`` (indexed by name) that ``meta`` lacks."""
    dup = extra.index[extra.index.duplicated()]
    if len(dup):
        raise IrtEloError(f"{label}: the {what} metadata lists {dup[0]!r} more than once; keep one row per {what}")
    return meta.join(extra.loc[:, [c for c in extra.columns if c not in meta.columns]], how="left")


def first_per_key(df: pd.DataFrame, key: str, cols: list[str], order: np.ndarray) -> pd.DataFrame:
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
    model_column: str | None = None,
    benchmarks: Iterable[str] | None = None,
    drop_columns: Iterable[str] | None = None,
    date_format: str | None = None,
) -> ScoreTable:
    """Build a :class:`ScoreTable` from a wide matrix: one row per model, one column per benchmark.

    The model column is ``model_column``, else ``model`` (or an alias), else the first column; known metadata
    columns (``release_date``, ``organization``, ``open_weights``, ``accessibility``...) are kept as metadata; the
    benchmark columns are ``benchmarks`` when given (other columns are ignored), else every other column not in
    ``drop_columns``. Empty cells are unobserved.

    A column of text among the benchmark columns (a URL, a licence) is an error naming it; a numeric column that is
    (nearly) the row mean of the others (a leaderboard's "Average") gets a warning saying to drop it.

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"model": ["a", "b"], "x": [0.2, 0.4], "y": [0.5, None]})
    >>> from_wide(w).n_obs
    3
    >>> w = pd.DataFrame({"id": ["a", "b"], "x": [0.2, 0.4], "y": [0.5, None], "url": ["u/a", "u/b"]})
    >>> from_wide(w, model_column="id", drop_columns=["url"]).n_obs
    3
    """
    label = source_label or name
    check_frame(df, label, "one row per model")
    df = df.copy()
    if "_line" not in df:
        df["_line"] = np.arange(2, len(df) + 2)
    columns = [c for c in df.columns if c != "_line"]
    opt = "--drop-columns (drop_columns=)"
    if drop_columns is not None:
        drop = name_list(drop_columns)
        check_names(drop, pd.Index(columns), f"column to drop ({opt})", label)
        df = df.drop(columns=drop)
        columns = [c for c in columns if c not in drop]
    if model_column is not None:
        check_names([model_column], pd.Index(columns), "model column (--model-column)", label)
        mcol = model_column
    else:
        named = [c for c in columns if column_key(c) in COLUMN_ALIASES["model"]]
        if len(named) > 1:
            raise IrtEloError(f"{label}: columns {named[0]!r} and {named[1]!r} both look like the model column; "
                              "choose one with --model-column (model_column=) and drop the other with --drop-columns")
        mcol = find_column(df[columns], "model") or columns[0]
    meta = {mcol: "model"}
    for std in MODEL_META:
        c = find_column(df[[c for c in columns if c != mcol]], std)
        if c is not None:
            meta[c] = std
    if benchmarks is not None:
        bench_cols = name_list(benchmarks)
        check_names(bench_cols, pd.Index(columns), "benchmark column (--benchmarks)", label)
        clash = [c for c in bench_cols if c in meta]
        if clash:
            raise IrtEloError(f"{label}: {clash[0]!r} is the model or a metadata column, not a benchmark; leave it "
                              "out of --benchmarks")
    else:
        bench_cols = [c for c in columns if c not in meta]
        long_like = [c for c in bench_cols if column_key(c) in COLUMN_ALIASES["benchmark"] + COLUMN_ALIASES["score"]]
        if long_like:
            raise IrtEloError(f"{label}: read as a wide table (one column per benchmark), but it has a "
                              f"{long_like[0]!r} column, so it looks long (one row per model × benchmark); use "
                              "--format long (format='long') or auto")
    if not bench_cols:
        raise IrtEloError(f"{label}: no benchmark columns found next to {mcol!r}; expected one column per benchmark")
    lines = df["_line"].to_numpy()
    values = {}
    text_cols = []
    for c in bench_cols:
        col = df[c].astype(str).str.strip()
        blank = (col.isin(["", "nan", "NaN", "NA"]) | df[c].isna()).to_numpy()
        if blank.all():
            raise IrtEloError(f"{label}: benchmark column {c!r} has no scores; drop the column ({opt})")
        num = pd.to_numeric(col.str.rstrip("%"), errors="coerce").to_numpy(dtype=float)
        if benchmarks is None and np.isnan(num[~blank]).mean() > 0.5:
            i = int(np.flatnonzero(~blank & np.isnan(num))[0])
            text_cols.append((c, lines[i], col.iloc[i]))
        values[c] = np.where(col.str.endswith("%").to_numpy(), num / 100.0, num)
    if text_cols:
        names = [c for c, _, _ in text_cols]
        c, line, v = text_cols[0]
        if re.fullmatch(r"\d+,\d+%?", v):
            raise IrtEloError(f"{location(label, line, c)}: {v!r} uses a decimal comma; write {v.replace(',', '.')} "
                              "(scores are read with a decimal point, whatever the column separator)")
        many = len(names) > 1
        raise IrtEloError(
            f"{label}: column{'s' if many else ''} {short_list([repr(n) for n in names], 6)} hold"
            f"{'' if many else 's'} text, not scores (line {line}, {c!r}: {v[:40]!r}); in a wide table every column "
            f"but the model ({mcol!r}) and known metadata is read as a benchmark: drop {'them' if many else 'it'} "
            f"with --drop-columns {shlex.quote(','.join(names))} (drop_columns=), or name the benchmark columns with "
            "--benchmarks A,B,... (benchmarks=)")
    warn_average_columns(values, label)
    keep = ["_line", *meta]
    part = df[keep + bench_cols].rename(columns=meta)
    long = part.melt(id_vars=["_line", *meta.values()], value_vars=bench_cols, var_name="_col", value_name="_score")
    s = long["_score"].astype(str).str.strip()
    long = long[~(s.isin(["", "nan", "NaN", "NA"]) | long["_score"].isna())]
    long = long.assign(benchmark=long["_col"].astype(str), score=long["_score"]).drop(columns="_score")
    empty = np.flatnonzero(~df[mcol].isin(long["model"]).to_numpy())
    if empty.size:
        i = int(empty[0])
        raise IrtEloError(f"{label}: line {df['_line'].iloc[i]}: model {df[mcol].iloc[i]!r} has no scores; drop the "
                          "row")
    long = long.sort_values("_line", kind="stable")
    return from_frame(long, score_scale=score_scale, aggregate="error", name=name, source_label=label,
                      date_format=date_format)


def warn_average_columns(values: dict[str, np.ndarray], label: str, tolerance: float = 0.01) -> list[str]:
    """Warn about (and return) the columns that are, to within ``tolerance`` of their range, the row mean of the
    other columns: a leaderboard's "Average" fitted as one more benchmark would count every score twice.

    Only rows where every column is observed are compared; at least three such rows and two other columns are
    needed.

    Examples
    --------
    >>> import warnings
    >>> v = {"x": np.array([.2, .4, .6]), "y": np.array([.4, .8, .2]), "avg": np.array([.3, .6, .4])}
    >>> with warnings.catch_warnings(record=True):
    ...     warn_average_columns(v, "t.csv")
    ['avg']
    """
    names = list(values)
    if len(names) < 3:
        return []
    m = np.column_stack([values[c] for c in names])
    full = np.isfinite(m).all(axis=1)
    if full.sum() < 3:
        return []
    m = m[full]
    k = m.shape[1]
    # Every column against the mean of the others at once, from the row totals: linear in the table's size.
    others = (m.sum(axis=1, keepdims=True) - m) / (k - 1)
    diffs = np.abs(m - others).max(axis=0)
    spreads = m.max(axis=0) - m.min(axis=0)
    found = []
    for j, c in enumerate(names):
        spread, diff = float(spreads[j]), float(diffs[j])
        if spread > 0 and diff <= tolerance * spread:
            found.append(c)
            warnings.warn(f"{label}: column {c!r} is the row mean of the other {len(names) - 1} benchmark columns "
                          f"(largest difference {diff:.3g}, {diff / spread:.1%} of its range): an average, not a "
                          "benchmark, and fitting it counts every score twice; drop it with --drop-columns "
                          f"{shlex.quote(c)} (drop_columns=)", UserWarning, stacklevel=3)
    return found


# --------------------------------------------------------------------------------------------------------------------
# Simulation (for tests, benchmarks and power analyses)


