"""Format detection: the one module that knows every input layout.

:func:`read_table` looks at a path (file, folder or zip) and hands it to the reader of its layout: a long or wide
score CSV (:mod:`irt_elo.data.table`), Epoch's ECI files (:mod:`irt_elo.data.readers.epoch_eci`), Epoch's
``benchmark_data.zip`` as published since September 2026 (:mod:`irt_elo.data.readers.epoch_release`) or before
(:mod:`irt_elo.data.readers.epoch_hub`), or the Rosetta Stone paper's folder (:mod:`irt_elo.data.readers.rosetta`).
Readers never import this module.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

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
        or CAISI's published table (see :mod:`irt_elo.data.readers`).
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
    if format not in ("auto", "long", "wide", "epoch-eci"):
        raise IrtEloError(f"format must be 'auto', 'long', 'wide' or 'epoch-eci', not {format!r}")
    if format == "auto" and (p.is_dir() or p.suffix.lower() == ".zip"):
        table = read_layout(p)  # Epoch release or hub zip/folder, the Rosetta paper's folder, CAISI's table
        if table is not None:
            return table
        if p.is_file():
            raise IrtEloError(f"{p}: a zip with neither Epoch's epoch_capabilities_index/ folder nor its "
                              "epoch_capabilities_index.csv is not a known layout; unpack it and give the score CSV")
    df = read_csv_strict(p)
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
    if format == "epoch-eci":
        long, models_extra, bench_extra = epoch_eci_frame(df, p)
        return from_frame(long, score_scale=score_scale, aggregate=aggregate, name=path_label(p),
                          models_extra=models_extra, benchmarks_extra=bench_extra, source_label=str(p))
    if format == "wide":
        return from_wide(df, score_scale=score_scale, name=path_label(p), source_label=str(p))
    return from_frame(df, score_scale=score_scale, aggregate=aggregate, name=path_label(p), source_label=str(p))


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
