"""Format detection: the one module that knows every input layout.

:func:`read_table` looks at a path (file, folder or zip) and hands it to the reader of its layout: a long or wide
score CSV (:mod:`irt_elo.data.table`), Epoch's ECI files (:mod:`irt_elo.data.readers.epoch_eci`), Epoch's
``benchmark_data.zip`` as published since September 2026 (:mod:`irt_elo.data.readers.epoch_release`) or before
(:mod:`irt_elo.data.readers.epoch_hub`), or the Rosetta Stone paper's folder (:mod:`irt_elo.data.readers.rosetta`).
Readers never import this module.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import pandas as pd

from irt_elo.data.readers import caisi
from irt_elo.data.readers.capabilities import is_capability_table
from irt_elo.data.readers.epoch_eci import epoch_eci_frame
from irt_elo.data.readers.epoch_hub import is_hub, read_epoch_hub
from irt_elo.data.readers.epoch_release import is_release, read_release_table
from irt_elo.data.readers.rosetta import read_rosetta
from irt_elo.data.table import (
    Aggregate,
    ScoreScale,
    ScoreTable,
    check_names,
    column_key,
    find_column,
    from_frame,
    from_wide,
    path_label,
    read_csv_strict,
)
from irt_elo.errors import IrtEloError


def read_table(
    path: str | os.PathLike,
    *,
    score_scale: ScoreScale = "fraction",
    aggregate: Aggregate = "max",
    format: Literal["auto", "long", "wide", "epoch-eci"] = "auto",
    model_column: str | None = None,
    benchmarks: Iterable[str] | str | None = None,
    drop_columns: Iterable[str] | str | None = None,
    date_format: str | None = None,
) -> ScoreTable:
    """Read a score table from a CSV file.

    Parameters
    ----------
    path : path-like
        A long CSV (one row per model × benchmark: ``model``, ``benchmark``, ``score`` and optional
        ``release_date``, ``organization``, ``open_weights``/``accessibility``, ``source``, ``domain``, ``n_items``),
        a wide CSV (a ``model`` column, one column per benchmark), or Epoch's ``eci_benchmarks.csv``
        (joined with ``eci_scores.csv`` found beside it); or a folder / zip in a known layout: Epoch's
        ``benchmark_data.zip`` (the September-2026 layout with ``epoch_capabilities_index/``, read as its ECI fit
        input with ``preset='eci'``, or the earlier Benchmarking Hub layout), the Rosetta Stone paper's data folder
        or CAISI's published table (see :mod:`irt_elo.data.readers`). The column separator of a CSV (comma,
        semicolon or tab) is detected from its header row.
    score_scale : {'fraction', 'percent', 'auto'}
        Scores are fractions in [0, 1] (a value above 1 is an error), percentages in [0, 100], or ``auto``:
        fractions when no score exceeds 1, percentages when the scores are unambiguously percentages; a mix
        (e.g. one 85 among fractions) is an error naming the rows, never a silent rescaling.
    aggregate : {'max', 'mean', 'error'}
        What to do with repeated (model, benchmark) pairs: keep the best (Epoch's rule), average, or refuse.
    format : {'auto', 'long', 'wide', 'epoch-eci'}
        Layout; ``auto`` recognises Epoch's files and tells long from wide by the presence of a benchmark column.
    model_column : str, optional
        The column holding the model names of a long or wide CSV (default: ``model`` or an alias; in a wide file,
        else the first column).
    benchmarks : list of str or 'A,B', optional
        In a wide CSV, the benchmark columns (every other column is ignored); in any other layout, keep only
        these benchmarks.
    drop_columns : list of str or 'A,B', optional
        Columns of a long or wide CSV to ignore (a URL, a size, an average of the other columns...).
    date_format : str, optional
        The one strftime format of the release-date column (default ISO, ``YYYY-MM-DD``), e.g. ``'%d/%m/%Y'``.

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
    if format not in ("auto", "long", "wide", "epoch-eci"):
        raise IrtEloError(f"format must be 'auto', 'long', 'wide' or 'epoch-eci', not {format!r}")
    chosen = _names(benchmarks)
    drop = _names(drop_columns)
    csv_only = [o for o, v in (("--model-column", model_column), ("--drop-columns", drop),
                               ("--date-format", date_format)) if v]
    if format == "auto" and (p.is_dir() or p.suffix.lower() == ".zip"):
        table = read_layout(p)  # Epoch release or hub zip/folder, the Rosetta paper's folder, CAISI's table
        if table is not None:
            if csv_only:
                raise IrtEloError(f"{p}: {', '.join(csv_only)} appl{'y' if len(csv_only) > 1 else 'ies'} to a CSV "
                                  "score table, not to a folder or zip in a known layout; leave "
                                  f"{'them' if len(csv_only) > 1 else 'it'} out")
            return table.filter(benchmarks=chosen) if chosen else table
        if p.is_file():
            raise IrtEloError(f"{p}: a zip with neither Epoch's epoch_capabilities_index/ folder nor its "
                              "epoch_capabilities_index.csv is not a known layout; unpack it and give the score CSV")
    df = read_csv_strict(p)
    columns = [c for c in df.columns if c != "_line"]
    if len(columns) == 1:
        raise IrtEloError(f"{p}: the header row has one column only ({columns[0][:60]!r}); separate columns with "
                          "commas, semicolons or tabs (detected from the header row)")
    if drop:
        check_names(drop, pd.Index(columns), "column to drop (--drop-columns)", str(p))
        df = df.drop(columns=drop)
    keys = {column_key(c) for c in df.columns}
    if format == "auto":
        if {"modelid", "benchmarkid", "performance"} <= keys:
            format = "epoch-eci"
        elif is_capability_table(df.columns) and "benchmark" not in keys:
            raise IrtEloError(
                f"{p}: this is a table of fitted capabilities (model and capability or eci columns), not benchmark "
                f"scores; "
                "pass it to `irt-elo gap`, or give the score table (e.g. eci_benchmarks.csv) to `irt-elo fit`")
        else:
            format = "long" if find_column(df, "benchmark") or find_column(df, "score") else "wide"
    if format == "wide":
        return from_wide(df, score_scale=score_scale, name=path_label(p), source_label=str(p),
                         model_column=model_column, benchmarks=chosen,
                         date_format=date_format)
    if format == "epoch-eci":
        if model_column or date_format:
            raise IrtEloError(f"{p}: Epoch's eci_benchmarks.csv names its own model column and date format; leave "
                              "out --model-column and --date-format")
        long, models_extra, bench_extra = epoch_eci_frame(df, p)
        table = from_frame(long, score_scale=score_scale, aggregate=aggregate, name=path_label(p),
                           models_extra=models_extra, benchmarks_extra=bench_extra, source_label=str(p))
    else:
        if model_column is not None:
            check_names([model_column], pd.Index(columns), "model column (--model-column)", str(p))
            other = find_column(df.drop(columns=model_column), "model")
            if other is not None:
                raise IrtEloError(f"{p}: --model-column {model_column!r}, but column {other!r} also names models; "
                                  f"drop it with --drop-columns {other}")
            df = df.rename(columns={model_column: "model"})
        table = from_frame(df, score_scale=score_scale, aggregate=aggregate, name=path_label(p), source_label=str(p),
                           date_format=date_format)
    return table.filter(benchmarks=chosen) if chosen else table


def _names(value: Iterable[str] | str | None) -> list[str] | None:
    """A list of names from a list or a comma-separated string ('A,B'); None when none are given."""
    if value is None:
        return None
    names = [n.strip() for n in value.split(",")] if isinstance(value, str) else [str(n).strip() for n in value]
    return [n for n in names if n] or None


def read_layout(path: str | os.PathLike) -> ScoreTable | None:
    """Read a folder or zip in a known layout (Epoch's release since September 2026, Epoch hub, Rosetta paper data,
    CAISI's published table); None when it is none of them.

    A folder or zip with Epoch's ``epoch_capabilities_index/`` folder (or the root ``model_metadata.csv`` /
    ``benchmark_metadata.csv`` of that layout) is read by :func:`~irt_elo.data.readers.epoch_release.read_release`;
    an incomplete one is an error naming the missing file, not a fall-through to the older layouts.

    Used by :func:`read_table` so that ``irt-elo fit FOLDER_OR_ZIP`` works.

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> read_layout(bundled_path("epoch_benchmark_stitching_2025-11")).n_obs
    1324
    >>> read_layout(bundled_path("caisi_2026-05-01")).n_obs
    35
    """
    p = Path(path)
    if p.is_dir() and (p / "benchmarks_runs.csv").is_file() and (p / "model_versions.csv").is_file():
        return read_rosetta(p)
    if p.is_dir() and (p / caisi.SCORES_FILE).is_file() and (p / caisi.MODELS_FILE).is_file():
        return caisi.read_caisi_table(p)
    if is_release(p):
        return read_release_table(p)
    if is_hub(p):
        return read_epoch_hub(p)
    return None


__all__ = ["read_table", "read_layout"]
