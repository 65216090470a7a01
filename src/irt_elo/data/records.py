"""JSON-ready values: numpy scalars to Python numbers, NaN/NA to None, dates to YYYY-MM-DD.

Every result's ``to_dict()`` and every JSON output goes through :func:`jsonable` / :func:`records`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, np.ndarray)):
        return [jsonable(x) for x in v]
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.strftime("%Y-%m-%d")
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else pd.Timestamp(v).strftime("%Y-%m-%d")
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(float(v)) else None
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    return v


def records(df: pd.DataFrame | None) -> list[dict[str, Any]] | None:
    """Rows of a frame as JSON-ready dicts (NaN/NA -> None, dates -> YYYY-MM-DD); None for no frame."""
    return None if df is None else [{str(k): jsonable(v) for k, v in r.items()} for r in df.to_dict(orient="records")]


__all__ = ["jsonable", "records"]
