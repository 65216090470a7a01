"""Data of "A Rosetta Stone for AI Benchmarks" (Ho et al., arXiv 2512.00193; repository
epoch-research/benchmark-stitching), bundled as ``data/benchmarks/epoch_benchmark_stitching_2025-11``.

Layout: ``benchmarks_runs.csv`` (Epoch's own runs: ``task``, ``model`` = model-version id, ``Best score (across
scorers)``), one ``external_benchmark_<name>.csv`` per leaderboard (``Model version``, a benchmark-specific score
column, mostly strings such as "86.0%"), ``model_versions.csv`` (version id -> model family and release date) and
``website_2025-11-07/epoch_capabilities_index.csv`` (organisation, country and accessibility for the versions on
Epoch's site at the time).

The paper's pipeline (``data_loader.py`` at commit 3448f18, the one its sigmoid-vs-clipped-linear notebook ran),
re-implemented here as data, not copied:

1. each benchmark's score column becomes a fraction: "%"-strings and plain percentages are divided by 100, Lech
   Mazur Writing's 0-10 grade by 10; rows without a model version, a score or (for every external file but
   Balrog's) a ``Source`` are dropped -- the paper's ``dropna`` over those three columns;
2. models are model *versions* (no grouping into families); keep those with more than 3 distinct benchmarks;
3. keep versions listed in ``model_versions.csv`` and released on or after 2022-11-01;
4. take the max over repeated (version, benchmark) rows;
5. **no** random-baseline subtraction (unlike the current ECI).

SuperGLUE stays in while BoolQ (one of its tasks) is left out, MCBench (an arena win rate) and METR time horizons
(minutes) are left out, as in the paper. The repository's later ``data_loader.py`` (HEAD fb69b6e) changed the
benchmark list and the duplicate rule (``min``) and dropped the date filter; the CV figure of the paper comes from
the version described above.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from irt_elo.data.readers.epoch_hub import parse_hub_score
from irt_elo.data.table import ScoreTable, from_frame, read_csv_strict, require_columns
from irt_elo.errors import IrtEloError, did_you_mean

RUNS_FILE = "benchmarks_runs.csv"
VERSIONS_FILE = "model_versions.csv"
WEBSITE_INDEX = "website_2025-11-07/epoch_capabilities_index.csv"
START_DATE = "2022-11-01"


@dataclass(frozen=True)
class RosettaBenchmark:
    """Where one benchmark of the paper lives and how its score becomes a fraction."""

    benchmark: str
    file: str  # file name, or "benchmarks_runs.csv:<task>" for Epoch's own runs
    column: str
    scale_max: float = 100.0
    needs_source: bool = True


def _ext(stem: str, benchmark: str, column: str, scale_max: float = 100.0, needs_source: bool = True):
    return RosettaBenchmark(benchmark, f"external_benchmark_{stem}.csv", column, scale_max, needs_source)


_BEST = "Best score (across scorers)"
# The 40 benchmarks of the paper's fit, in its order (Epoch runs first).
PAPER_BENCHMARKS: tuple[RosettaBenchmark, ...] = tuple(
    [RosettaBenchmark(t, f"{RUNS_FILE}:{t}", _BEST, 1.0, False) for t in (
        "GPQA diamond", "FrontierMath-2025-02-28-Private", "MATH level 5", "OTIS Mock AIME 2024-2025",
        "FrontierMath-Tier-4-2025-07-01-Private", "SWE-Bench verified")]
    + [
        _ext("aider_polyglot", "Aider polyglot", "Percent correct"),
        _ext("anli", "ANLI", "Score"),
        _ext("arc_agi", "ARC-AGI", "Score"),
        _ext("arc_ai2", "ARC AI2", "Challenge score"),
        _ext("balrog", "Balrog", "Average progress", needs_source=False),  # the paper did not select its Source
        _ext("bbh", "BBH", "Average"),
        _ext("cadeval", "CadEval", "Overall pass (%)"),
        _ext("csqa2", "CSQA2", "Score"),
        _ext("cybench", "Cybench", "Unguided % Solved"),
        _ext("deepresearch", "DeepResearch Bench", "Average score"),
        _ext("factorio_learning_environment", "Factorio learning environment", "Lab Success %"),
        _ext("fictionlivebench", "Fiction.LiveBench", "16k token score"),
        _ext("geobench", "GeoBench", "ACW Country %"),
        _ext("gsm8k", "GSM8K", "EM"),
        _ext("gso_bench", "GSO-Bench", "Score OPT@1"),
        _ext("hellaswag", "HellaSwag", "Overall accuracy"),
        _ext("lambada", "LAMBADA", "Score"),
        _ext("lech_mazur_writing", "Lech Mazur Writing", "Mean score", scale_max=10.0),
        _ext("livebench", "LiveBench", "Global average"),
        _ext("mmlu", "MMLU", "EM"),
        _ext("openbookqa", "OpenBookQA", "Accuracy"),
        _ext("os_world", "OSWorld", "Score"),
        _ext("osuniverse", "OSUniverse", "Weighted Score"),
        _ext("piqa", "PIQA", "Score"),
        _ext("scienceqa", "ScienceQA", "Score"),
        _ext("simple_bench", "SimpleBench", "Score (AVG@5)"),
        _ext("superglue", "SuperGLUE", "Score"),
        _ext("terminal_bench", "Terminal Bench", "Accuracy mean"),
        _ext("the_agent_company", "The Agent Company", "% Resolved"),
        _ext("triviaqa", "TriviaQA", "EM"),
        _ext("videomme", "VideoMME", "Overall (no subtitles)"),
        _ext("vpct", "VPCT", "Correct"),
        _ext("weirdml", "WeirdML", "Accuracy"),
        _ext("winogrande", "Winogrande", "Accuracy"),
    ])


def rosetta_scores(path: str | os.PathLike, benchmarks: Iterable[str] | None = None,
                   require_source: bool = True) -> pd.DataFrame:
    """All score rows of the selected benchmarks, before any model filter.

    Columns: ``model`` (version id), ``benchmark``, ``score`` (fraction), ``source``, ``file``, ``line``.

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> s = rosetta_scores(bundled_path("epoch_benchmark_stitching_2025-11"))
    >>> s["benchmark"].nunique()
    40
    """
    root = Path(path)
    if not root.is_dir():
        raise IrtEloError(f"{root}: not a folder; give the benchmark-stitching data folder (it holds {RUNS_FILE})")
    specs = _select(benchmarks)
    runs = None
    parts = []
    for spec in specs:
        if spec.file.startswith(RUNS_FILE):
            if runs is None:
                runs = _read(root / RUNS_FILE, ("task", "model", _BEST))
            task = spec.file.split(":", 1)[1]
            df = runs[runs["task"].str.strip() == task]
            model, raw = df["model"].str.strip(), df[_BEST].str.strip()
            source = pd.Series("Epoch evaluations", index=df.index)
            keep = model.ne("") & raw.ne("")
        else:
            df = _read(root / spec.file, ("Model version", spec.column))
            model, raw = df["Model version"].str.strip(), df[spec.column].str.strip()
            source = df["Source"].str.strip() if "Source" in df.columns else pd.Series("", index=df.index)
            keep = model.ne("") & raw.ne("")
            if spec.needs_source and require_source:
                keep &= source.ne("")
        frac = parse_hub_score(raw[keep], spec.scale_max)
        bad = ~np.isfinite(frac)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            line = df.loc[keep, "_line"].iloc[i]
            raise IrtEloError(f"{root / spec.file.split(':')[0]}: line {line}, column {spec.column!r}: "
                              f"{raw[keep].iloc[i]!r} is not a number")
        parts.append(pd.DataFrame({
            "model": model[keep].to_numpy(), "benchmark": spec.benchmark, "score": frac,
            "source": source[keep].replace("", pd.NA).to_numpy(), "file": spec.file.split(":")[0],
            "line": df.loc[keep, "_line"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def _select(benchmarks: Iterable[str] | None) -> list[RosettaBenchmark]:
    if benchmarks is None:
        return list(PAPER_BENCHMARKS)
    known = {b.benchmark: b for b in PAPER_BENCHMARKS}
    out = []
    for name in benchmarks:
        if name not in known:
            raise IrtEloError(f"unknown Rosetta benchmark {name!r}{did_you_mean(name, known)}")
        out.append(known[name])
    return out


def _read(path: Path, need: Iterable[str]) -> pd.DataFrame:
    df = read_csv_strict(path)
    require_columns(df, need, str(path), "not the layout of the benchmark-stitching data")
    return df


def read_rosetta(
    path: str | os.PathLike,
    *,
    benchmarks: Iterable[str] | None = None,
    min_benchmarks: int = 4,
    since: str | None = START_DATE,
    aggregate: str = "max",
    require_source: bool = True,
    name: str | None = None,
) -> ScoreTable:
    """Read the Rosetta Stone paper's data with the paper's pipeline (see the module docstring).

    Parameters
    ----------
    path : path-like
        The data folder (``epoch_benchmark_stitching_2025-11``).
    benchmarks : list of str, optional
        A subset of the paper's 40 benchmarks (default: all of them).
    min_benchmarks : int
        Keep versions with at least this many distinct benchmarks (the paper: more than 3, i.e. 4).
    since : str or None
        Keep versions released on or after this date (the paper: 2022-11-01); None keeps undated versions too.
    aggregate : {'max', 'mean', 'error'}
        Repeated (version, benchmark) rows: the paper keeps the max.
    require_source : bool
        Drop external rows without a ``Source`` (the paper's ``dropna``).
    name : str, optional
        Label of the table.

    Returns
    -------
    ScoreTable
        Models are version ids with ``release_date``, ``family`` (``model_versions.Model``), ``display_name``
        and, where Epoch's 2025-11-07 site index lists the version, ``organization``, ``country``,
        ``accessibility``, ``open_weights`` and ``eci_published`` (that index's ECI Score).

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> t = read_rosetta(bundled_path("epoch_benchmark_stitching_2025-11"))
    >>> bool(t.benchmarks_per_model().min() >= 4), bool(t.models["release_date"].min() >= pd.Timestamp("2022-11-01"))
    (True, True)
    """
    root = Path(path)
    rows = rosetta_scores(root, benchmarks, require_source)
    # Paper order: benchmark-count filter on every row, then the model_versions join and the date filter.
    counts = rows.groupby("model")["benchmark"].nunique()
    rows = rows[rows["model"].map(counts) >= min_benchmarks]
    versions = _read(root / VERSIONS_FILE, ("id", "Model", "Version release date"))
    versions = versions.assign(id=versions["id"].str.strip()).drop_duplicates("id").set_index("id")
    rows = rows[rows["model"].isin(versions.index)]
    dates = pd.to_datetime(versions["Version release date"].str.strip().replace("", None), errors="coerce",
                           format="mixed")
    if since is not None:
        ok = dates.index[dates >= pd.Timestamp(since)]
        rows = rows[rows["model"].isin(ok)]
    if rows.empty:
        raise IrtEloError(f"{root}: no scores left after the paper's filters; loosen min_benchmarks/since")
    long = rows.assign(release_date=rows["model"].map(dates).dt.strftime("%Y-%m-%d").fillna(""))
    meta = pd.DataFrame({
        "family": versions["Model"].str.strip().replace("", pd.NA),
        "display_name": versions.get("Display name", pd.Series("", index=versions.index)).str.strip()
        .replace("", pd.NA),
    }).astype("string")
    site = root / WEBSITE_INDEX
    if site.exists():
        w = _read(site, ("Model version", "Organization", "Country", "Model accessibility", "ECI Score"))
        w = w.assign(v=w["Model version"].str.strip()).drop_duplicates("v").set_index("v")
        meta = meta.join(pd.DataFrame({
            "organization": w["Organization"].str.strip().replace("", pd.NA).astype("string"),
            "country": w["Country"].str.strip().replace("", pd.NA).astype("string"),
            "accessibility": w["Model accessibility"].str.strip().replace("", pd.NA).astype("string"),
            "eci_published": pd.to_numeric(w["ECI Score"].str.strip().replace("", np.nan), errors="coerce"),
        }), how="left")
    return from_frame(long[["model", "benchmark", "score", "source", "release_date"]], score_scale="fraction",
                      aggregate=aggregate, name=name or root.name, models_extra=meta, source_label=str(root))


__all__ = ["read_rosetta", "rosetta_scores", "PAPER_BENCHMARKS", "RosettaBenchmark"]
