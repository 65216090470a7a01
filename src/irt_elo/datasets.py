"""Bundled real data (see data/benchmarks/README.md for provenance, licence and citation).

Files are found inside an installed wheel (``irt_elo/_bundled``) or, for a source checkout / editable install,
in the repository's ``data/benchmarks`` folder.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .data import ScoreTable, read_table
from .errors import IrtEloError

LATEST_ECI = "2026-08-11"
ECI_VINTAGES = ("2026-08-11", "2025-12-19")


def bundled_dir() -> Path:
    """Folder holding the bundled data."""
    here = Path(__file__).resolve().parent
    for cand in (here / "_bundled", here.parents[1] / "data" / "benchmarks"):
        if cand.is_dir():
            return cand
    raise IrtEloError("bundled data not found: reinstall irt-elo (the wheel ships it under irt_elo/_bundled)")


def bundled_path(relative: str) -> Path:
    """Path of one bundled file, e.g. ``bundled_path("epoch_eci_2026-08-11/eci_scores.csv")``."""
    p = bundled_dir() / relative
    if not p.exists():
        raise IrtEloError(f"no bundled file {relative!r}; see {bundled_dir() / 'README.md'}")
    return p


def _eci_dir(vintage: str) -> str:
    if vintage not in ECI_VINTAGES:
        raise IrtEloError(f"no bundled ECI release {vintage!r}; choose one of {', '.join(ECI_VINTAGES)}")
    return f"epoch_eci_{vintage}"


def load_epoch_eci(vintage: str = LATEST_ECI) -> ScoreTable:
    """Epoch's ECI fit input (model × benchmark scores) joined with its published scores and metadata.

    Only the 2026-08-11 release ships its input scores; older releases exist only as fitted scores
    (:func:`load_epoch_eci_scores`).

    Examples
    --------
    >>> t = load_epoch_eci()
    >>> t.n_models, t.n_benchmarks, t.n_obs
    (222, 57, 2249)
    """
    if vintage != LATEST_ECI:
        _eci_dir(vintage)
        raise IrtEloError(f"the {vintage} ECI release is bundled as fitted scores only; use load_epoch_eci_scores")
    return read_table(bundled_path(f"{_eci_dir(vintage)}/eci_benchmarks.csv"))


def load_epoch_eci_scores(vintage: str = LATEST_ECI) -> pd.DataFrame:
    """Epoch's published ECI per model (``capability``, 90% ``ci_low``/``ci_high``, release date, accessibility).

    Examples
    --------
    >>> s = load_epoch_eci_scores("2025-12-19")
    >>> len(s)
    140
    """
    from .readers.epoch_eci import read_eci_scores

    return read_eci_scores(bundled_path(f"{_eci_dir(vintage)}/eci_scores.csv"))


def load_epoch_edi(vintage: str = LATEST_ECI) -> pd.DataFrame:
    """Epoch's published benchmark difficulties (``edi``) and slopes on the ECI scale, indexed by benchmark."""
    df = pd.read_csv(bundled_path(f"{_eci_dir(vintage)}/edi_scores.csv"))
    return df.rename(columns={"benchmark_name": "benchmark", "estimated_slope_scaled": "slope"}).set_index("benchmark")
