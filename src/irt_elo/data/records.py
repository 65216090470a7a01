"""JSON-ready values: numpy scalars to Python numbers, NaN/NA to None, dates to YYYY-MM-DD.

Every result's ``to_dict()`` and every JSON output goes through :func:`jsonable` / :func:`records`; printed tables
and the HTML report show a value with its interval through :func:`value_interval`.
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


def is_finite_number(v: Any) -> bool:
    """Whether ``v`` is a finite number (False for None, NaN, pd.NA, text).

    Examples
    --------
    >>> is_finite_number(1.5), is_finite_number(float("nan")), is_finite_number(None), is_finite_number(pd.NA)
    (True, False, False, False)
    """
    try:
        return v is not None and v is not pd.NA and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def value_interval(v: Any, lo: Any = None, hi: Any = None, fmt: str = ".1f", missing: str = "n/a") -> str:
    """``v [lo, hi]`` for tables; ``v`` alone without a finite interval, ``missing`` without a value.

    Examples
    --------
    >>> value_interval(4.42, 3.13, 6.37, ".2f"), value_interval(8.0, None, None), value_interval(None, 1, 2)
    ('4.42 [3.13, 6.37]', '8.0', 'n/a')
    """
    if not is_finite_number(v):
        return missing
    s = format(float(v), fmt)
    if is_finite_number(lo) and is_finite_number(hi):
        s += f" [{format(float(lo), fmt)}, {format(float(hi), fmt)}]"
    return s


__all__ = ["jsonable", "records", "is_finite_number", "value_interval"]
