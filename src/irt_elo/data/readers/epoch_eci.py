"""Epoch AI's published ECI files: ``eci_benchmarks.csv`` (fit input) and ``eci_scores.csv`` (fitted output).

Join rule (see data/benchmarks/README.md): ``eci_benchmarks.model`` (the model group) equals ``eci_scores.Model``.
``eci_benchmarks.Model`` is a coarser family name and must not be used for the join.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from irt_elo.data.table import open_weights_from_accessibility, parse_dates, read_csv_strict, require_columns
from irt_elo.errors import IrtEloError

UNSPECIFIED_SOURCE = "unspecified"

SCORES_COLUMNS = {
    "Model": "model",
    "Display name": "display_name",
    "eci": "capability",
    "eci_ci_low": "ci_low",
    "eci_ci_high": "ci_high",
    "date": "release_date",
    "Organization": "organization",
    "Country (of organization)": "country",
    "Model accessibility": "accessibility",
    "Accessibility group": "accessibility_group",
}


def epoch_eci_frame(df: pd.DataFrame, path: Path, *, scores: pd.DataFrame | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """Turn a raw ``eci_benchmarks.csv`` frame into the long format, plus per-model and per-benchmark metadata.

    Metadata comes from ``scores`` (a :func:`read_eci_scores` frame) when given, else from ``eci_scores.csv`` in
    the same folder when it exists (organisation, country, accessibility, and the published ECI as
    ``eci_published``/``eci_published_low``/``eci_published_high``, see :func:`published_model_columns`).
    ``path`` names the input in messages. :func:`irt_elo.data.read_table` calls this for files in Epoch's layout and
    validates the result.

    Examples
    --------
    >>> from irt_elo.data import read_csv_strict
    >>> from irt_elo.datasets import bundled_path
    >>> p = bundled_path("epoch_eci_2026-08-11/eci_benchmarks.csv")
    >>> long, models, benchmarks = epoch_eci_frame(read_csv_strict(p), p)
    >>> len(long), float(models.loc["GPT-5", "eci_published"]), len(benchmarks)
    (2249, 150.0, 57)
    """
    require_columns(df, ["model", "benchmark", "performance", "date"], str(path), "not Epoch's eci_benchmarks layout")
    cols = {"model": "model", "benchmark": "benchmark", "performance": "score", "date": "release_date"}
    keep = ["_line", *cols]
    for extra in ("source", "optimized"):
        if extra in df.columns:
            keep.append(extra)
    long = df[keep].rename(columns=cols)
    if "source" in long:
        # Blank is NOT an Epoch run here: the blank rows are external leaderboards (ARC-AGI-2, HLE, CritPt, ...)
        # whose upstream Epoch did not record; Epoch's own runs say "Epoch evaluations".
        long["source"] = long["source"].replace("", UNSPECIFIED_SOURCE)
    if scores is None:
        scores_path = path.with_name("eci_scores.csv")
        if scores_path.exists():
            scores = read_eci_scores(scores_path)
    models_extra = None if scores is None else published_model_columns(scores)
    bench = df.assign(benchmark=df["benchmark"].str.strip()).drop_duplicates("benchmark").set_index("benchmark")
    bench_extra = pd.DataFrame(index=bench.index)
    if "benchmark_release_date" in bench:
        bench_extra["release_date"] = pd.to_datetime(bench["benchmark_release_date"].replace("", None), errors="coerce")
    return long, models_extra, bench_extra


def published_model_columns(scores: pd.DataFrame) -> pd.DataFrame:
    """A :func:`read_eci_scores` frame as per-model metadata of a score table: indexed by model, the published ECI
    as ``eci_published``/``eci_published_low``/``eci_published_high``, the release date left to the fit input."""
    pub = scores.set_index("model")
    return pub.rename(columns={"capability": "eci_published", "ci_low": "eci_published_low",
                               "ci_high": "eci_published_high"}).drop(columns=["release_date"], errors="ignore")


def read_eci_scores(path: str | Path) -> pd.DataFrame:
    """Read Epoch's ``eci_scores.csv`` (fitted ECI with 90% CI) into standard column names.

    Returns
    -------
    DataFrame
        ``model``, ``display_name``, ``capability`` (ECI), ``ci_low``, ``ci_high``, ``release_date``,
        ``organization``, ``country``, ``accessibility``, ``accessibility_group``, ``open_weights`` (True/False/NA)
        and ``group`` ('open'/'closed'/NA). The two anchor models have no interval (NaN).

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> s = read_eci_scores(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))
    >>> float(s.set_index("model").loc["GPT-5", "capability"])
    150.0
    """
    p = Path(path)
    return eci_scores_frame(read_csv_strict(p), str(p))


def eci_scores_frame(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    """:func:`read_eci_scores` on an ``eci_scores.csv`` already read as strings with ``_line``
    (:func:`~irt_elo.data.table.parse_csv_text`); ``where`` names the file in messages (a path, or one inside a zip)."""
    p = where
    require_columns(raw, ("Model", "eci"), str(p), "not an Epoch eci_scores file")
    out = raw.rename(columns=SCORES_COLUMNS)
    out["model"] = out["model"].str.strip()  # the join key with eci_benchmarks.model, which readers strip too
    lines = out["_line"].to_numpy()
    for c in ("capability", "ci_low", "ci_high"):
        if c in out:
            vals = pd.to_numeric(out[c].replace("", np.nan), errors="coerce")
            bad = vals.isna() & out[c].astype(str).str.strip().ne("")
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise IrtEloError(f"{p}: line {lines[i]}, column {c!r}: {out[c].iloc[i]!r} is not a number")
            out[c] = vals
    if out["capability"].isna().any():
        i = int(np.flatnonzero(out["capability"].isna().to_numpy())[0])
        raise IrtEloError(f"{p}: line {lines[i]}: model {out['model'].iloc[i]!r} has no 'eci' value; drop the row")
    if "release_date" in out:
        out["release_date"] = parse_dates(out["release_date"], lines, str(p), "date")
    for c in ("organization", "country", "accessibility", "accessibility_group", "display_name"):
        if c in out:
            out[c] = out[c].replace("", pd.NA).astype("string")
    label = out["accessibility_group"] if "accessibility_group" in out else out.get("accessibility")
    if label is not None:
        out["open_weights"] = label.map(open_weights_from_accessibility).astype("boolean")
        out["group"] = out["open_weights"].map({True: "open", False: "closed"}).astype("string")
    return out.drop(columns=["_line", "model_versions"], errors="ignore")
