"""CAISI's published DeepSeek V4 Pro table (1 May 2026): nine benchmarks × four models, and CAISI's IRT-Elo.

Files (bundled under ``caisi_2026-05-01/``, see its README): ``caisi_scores.csv`` (long: model, caisi_name,
benchmark, domain, score in percent) and ``caisi_models.csv`` (CAISI's Elo with 95% CI half-width, plus release
date / organisation / country / open-weights flag taken from Epoch's data for the same models).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from irt_elo.data.table import ScoreTable, from_frame, parse_bool, parse_dates, read_csv_strict, require_columns
from irt_elo.errors import IrtEloError

SCORES_FILE = "caisi_scores.csv"
MODELS_FILE = "caisi_models.csv"


def _paths(path: str | os.PathLike | None) -> tuple[Path, Path]:
    if path is None:
        from irt_elo.data.bundled import bundled_path

        return bundled_path(f"caisi_2026-05-01/{SCORES_FILE}"), bundled_path(f"caisi_2026-05-01/{MODELS_FILE}")
    p = Path(path)
    if p.is_dir():
        return p / SCORES_FILE, p / MODELS_FILE
    return p, p.with_name(MODELS_FILE)


def read_caisi_models(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """CAISI's published IRT-Elo per model, indexed by model (Epoch's spelling).

    Columns: ``caisi_name``, ``caisi_elo``, ``caisi_elo_ci95`` (half-width of the 95% CI), ``release_date``,
    ``organization``, ``country``, ``open_weights``, ``group``.

    Examples
    --------
    >>> m = read_caisi_models()
    >>> m["caisi_elo"].sort_values(ascending=False).index.tolist()
    ['GPT-5.5', 'Claude Opus 4.6', 'DeepSeek-V4-Pro', 'GPT-5.4 Mini']
    """
    _, mp = _paths(path)
    raw = read_csv_strict(mp)
    require_columns(raw, ["model", "caisi_elo", "caisi_elo_ci95"], str(mp), "not a CAISI models file")
    out = raw.assign(model=raw["model"].str.strip())
    for c in ("caisi_elo", "caisi_elo_ci95"):
        vals = pd.to_numeric(out[c], errors="coerce")
        if vals.isna().any():
            i = int(np.flatnonzero(vals.isna().to_numpy())[0])
            raise IrtEloError(f"{mp}: line {out['_line'].iloc[i]}, column {c!r}: {out[c].iloc[i]!r} is not a number")
        out[c] = vals.astype(float)
    if "release_date" in out:
        out["release_date"] = parse_dates(out["release_date"], out["_line"].to_numpy(), str(mp), "release_date")
    if "open_weights" in out:
        out["open_weights"] = parse_bool(out["open_weights"], out["_line"].to_numpy(), str(mp), "open_weights")
        out["group"] = out["open_weights"].map({True: "open", False: "closed"}).astype("string")
    return out.drop(columns="_line").set_index("model")


def read_caisi_table(path: str | os.PathLike | None = None) -> ScoreTable:
    """CAISI's published scores as a :class:`~irt_elo.data.ScoreTable` (fractions; ``domain`` per benchmark).

    Parameters
    ----------
    path : path-like, optional
        ``caisi_scores.csv`` or the folder holding it and ``caisi_models.csv``; default: the bundled copy.

    Examples
    --------
    >>> t = read_caisi_table()
    >>> t.n_models, t.n_benchmarks, t.n_obs
    (4, 9, 35)
    """
    sp, mp = _paths(path)
    df = read_csv_strict(sp)
    require_columns(df, ["domain"], str(sp), "not a CAISI scores file")
    extra = None
    if mp.exists():
        models = read_caisi_models(mp)
        extra = models[sorted(models.columns, key=lambda c: c != "release_date")]  # release date first, as usual
    return from_frame(df.drop(columns=["caisi_name"], errors="ignore"), score_scale="percent", aggregate="error",
                      name=f"{sp.parent.name}/{sp.name}", models_extra=extra, source_label=str(sp))
