"""Tables of fitted capabilities: Epoch's ``eci_scores.csv`` or a generic layout (model, capability, ci_low, ci_high,
release_date, group), read and checked into one standard frame. The input of the gap and trend analyses when no fit
is run."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from irt_elo.data.readers.epoch_eci import SCORES_COLUMNS, read_eci_scores
from irt_elo.data.table import open_weights_from_accessibility, parse_dates, read_csv_strict
from irt_elo.errors import IrtEloError


def is_capability_table(columns: Sequence[str]) -> bool:
    """True when the columns look like fitted capabilities (Epoch's ``eci_scores.csv`` or model/capability/...).

    Examples
    --------
    >>> is_capability_table(["model", "capability", "ci_low"]), is_capability_table(["model", "benchmark", "score"])
    (True, False)
    """
    cols = {str(c).strip().lower() for c in columns}
    epoch = "eci" in cols and "model" in cols
    generic = "capability" in cols and "model" in cols and "benchmark" not in cols
    return epoch or generic


def read_capability_file(path: str | Path, *, date_format: str | None = None) -> pd.DataFrame:
    """Read a capability table: Epoch's ``eci_scores.csv`` or a generic layout (see ``Capabilities.from_scores``);
    ``date_format``: the one strftime format of a generic table's ``release_date`` column (default ISO).

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> df = read_capability_file(bundled_path("epoch_eci_2026-08-11/eci_scores.csv"))
    >>> float(df.set_index("model").loc["Claude 3.5 Sonnet", "capability"])
    130.0
    """
    p = Path(path)
    raw = read_csv_strict(p)
    if "Model" in raw.columns and "eci" in raw.columns:
        return read_eci_scores(p)
    if not is_capability_table(raw.columns):
        raise IrtEloError(f"{p}: not a capability table (need columns model, capability and ideally ci_low, "
                          f"ci_high, release_date, group; found {', '.join(c for c in raw.columns if c != '_line')})")
    return standard_capability_frame(raw, str(p), date_format=date_format)


def standard_capability_frame(df: pd.DataFrame, label: str, *, date_format: str | None = None) -> pd.DataFrame:
    """A capability table in the standard columns (model, capability, ci_low, ci_high, release_date, group,
    open_weights), checked row by row: one line naming the row and column of the first bad value."""
    out = df.copy()
    if "Model" in out.columns and "eci" in out.columns:
        out = out.rename(columns=SCORES_COLUMNS)
    else:
        out = out.rename(columns={c: str(c).strip().lower() for c in out.columns})
        out = out.rename(columns={"date": "release_date", "eci": "capability", "name": "model"})
    if "model" not in out or "capability" not in out:
        raise IrtEloError(f"{label}: a capability table needs columns 'model' and 'capability' "
                          f"(found {', '.join(map(str, df.columns))})")
    lines = out["_line"].to_numpy() if "_line" in out else np.arange(2, len(out) + 2)
    for c in ("capability", "ci_low", "ci_high"):
        if c in out:
            vals = pd.to_numeric(out[c].replace("", np.nan), errors="coerce")
            bad = vals.isna() & out[c].notna() & out[c].astype(str).str.strip().ne("") & \
                out[c].astype(str).str.lower().ne("nan")
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise IrtEloError(f"{label}: line {lines[i]}, column {c!r}: {out[c].iloc[i]!r} is not a number")
            out[c] = vals
    if out["capability"].isna().any():
        i = int(np.flatnonzero(out["capability"].isna().to_numpy())[0])
        raise IrtEloError(f"{label}: line {lines[i]}: model {out['model'].iloc[i]!r} has no capability; drop the row")
    for c in ("capability", "ci_low", "ci_high"):  # an infinite value would silently drive every frontier
        if c in out and np.isinf(out[c].to_numpy(dtype=float)).any():
            i = int(np.flatnonzero(np.isinf(out[c].to_numpy(dtype=float)))[0])
            raise IrtEloError(f"{label}: line {lines[i]}, column {c!r}: {out[c].iloc[i]:g} is not a finite number; "
                              "give a finite value or leave the cell empty")
    if "ci_low" in out and "ci_high" in out:
        rev = (out["ci_low"] > out["ci_high"]).to_numpy()
        if rev.any():
            i = int(np.flatnonzero(rev)[0])
            raise IrtEloError(f"{label}: line {lines[i]}: model {out['model'].iloc[i]!r} has ci_low "
                              f"{out['ci_low'].iloc[i]:g} above ci_high {out['ci_high'].iloc[i]:g}; swap the columns "
                              "or fix the row")
    if "release_date" in out and not pd.api.types.is_datetime64_any_dtype(out["release_date"]):
        # One format for the column (ISO) and plausible release dates, as in score tables: never cell by cell.
        out["release_date"] = parse_dates(out["release_date"], lines, label, "release_date", date_format=date_format)
    if "group" not in out or out["group"].isna().all():
        src = next((c for c in ("open_weights", "accessibility_group", "accessibility") if c in out), None)
        if src is not None:
            ow = out[src].map(open_weights_from_accessibility).astype("boolean")
            out["open_weights"] = ow
            out["group"] = ow.map({True: "open", False: "closed"}).astype("string")
    elif "open_weights" not in out:
        g = out["group"].astype("string").str.lower()
        out["open_weights"] = g.map({"open": True, "closed": False}).astype("boolean")
    if out["model"].duplicated().any():
        i = int(np.flatnonzero(out["model"].duplicated().to_numpy())[0])
        raise IrtEloError(f"{label}: line {lines[i]}: model {out['model'].iloc[i]!r} appears twice; keep one row")
    return out.drop(columns=["_line", "model_versions"], errors="ignore")


__all__ = ["is_capability_table", "read_capability_file", "standard_capability_frame"]
