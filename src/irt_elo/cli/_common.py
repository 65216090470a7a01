"""Shared pieces of the command line: atomic output files, input/output checks and table printing."""
from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.errors import IrtEloError
from irt_elo.data.records import jsonable as _jsonable
from irt_elo.data.records import records

FIGURE_TYPES = ("png", "svg", "pdf")


def check_outputs(*paths: str | os.PathLike | None, inputs: Sequence[str | os.PathLike | None] = ()) -> None:
    """Refuse unusable output paths before any work is done, so a failing command writes nothing.

    Each given path must name a file (not a folder) in an existing, writable folder, differ from the other outputs
    and from every input file.
    """
    seen: dict[Path, str] = {}
    for p in paths:
        if not p:
            continue
        out = Path(p)
        if out.is_dir():
            raise IrtEloError(f"{out}: is a directory; give a file name for the output")
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            raise IrtEloError(f"{out}: folder {parent} does not exist; create it first")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise IrtEloError(f"{out}: folder {parent} is not writable; choose another output path")
        key = out.resolve()
        if key in seen:
            raise IrtEloError(f"{out}: given for two outputs ({seen[key]} and {p}); give each output its own file")
        seen[key] = str(p)
        for i in inputs:
            if i is not None and Path(i).exists() and key == Path(i).resolve():
                raise IrtEloError(f"{out}: refusing to overwrite an input file; choose another output path")


def check_figure_path(path: str | os.PathLike, *, inputs: Sequence[str | os.PathLike | None] = ()) -> None:
    """:func:`check_outputs` plus a figure type that :func:`save_figure` can write (.png, .svg, .pdf)."""
    out = Path(path)
    if out.suffix.lower().lstrip(".") not in FIGURE_TYPES:
        raise IrtEloError(f"{out}: unsupported figure type {out.suffix or '(none)'!r}; use .png, .svg or .pdf")
    check_outputs(out, inputs=inputs)


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None], *, inputs: Sequence[str | os.PathLike] = ()
                 ) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path`` and rename it into place.

    Nothing is left at ``path`` if ``write`` fails, and an input file is never overwritten.
    """
    out = Path(path)
    check_outputs(out, inputs=inputs)
    parent = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent)
    except OSError as e:
        raise IrtEloError(f"{out}: cannot write in folder {parent} ({e.strerror or e}); choose another output "
                          "path") from None
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts (dates as YYYY-MM-DD, NaN/NA as null)."""
    return records(df)


def dumps(obj: Any) -> str:
    return json.dumps(_jsonable(obj), indent=2, ensure_ascii=False) + "\n"


def write_frame(df: pd.DataFrame, path: str | os.PathLike, *, meta: dict[str, Any] | None = None,
                key: str = "rows", inputs: Sequence[str | os.PathLike] = ()) -> Path:
    """Write a table atomically as CSV (by default) or JSON (``.json``: ``{"meta": ..., key: [rows]}``)."""
    out = Path(path)
    if out.suffix.lower() == ".json":
        text = dumps({"meta": meta or {}, key: frame_records(df)})
    else:
        text = df.to_csv(index=False, date_format="%Y-%m-%d", float_format=None, lineterminator="\n")
    return atomic_write(out, lambda p: p.write_text(text, encoding="utf-8"), inputs=inputs)


def write_json(obj: Any, path: str | os.PathLike, *, inputs: Sequence[str | os.PathLike] = ()) -> Path:
    text = dumps(obj)
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"), inputs=inputs)


def format_table(df: pd.DataFrame, floats: dict[str, str] | None = None, max_width: int = 38) -> str:
    """Plain fixed-width table for the terminal."""
    floats = floats or {}
    cols = list(df.columns)
    cells: list[list[str]] = []
    for _, row in df.iterrows():
        line = []
        for c in cols:
            v = row[c]
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
                s = ""
            elif isinstance(v, pd.Timestamp):
                s = v.strftime("%Y-%m-%d")
            elif isinstance(v, (float, np.floating)):
                s = format(float(v), floats.get(c, ".2f"))
            else:
                s = str(v)
            line.append(s if len(s) <= max_width else s[: max_width - 1] + "…")
        cells.append(line)
    widths = [max([len(str(c))] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in cols]

    def fmt(vals: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(vals, widths, numeric)).rstrip()

    return "\n".join([fmt([str(c) for c in cols]), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells])


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keep the worked examples' line breaks and show defaults (but not an uninformative None or False)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def save_figure(fig: Any, path: str | os.PathLike, *, dpi: int = 150,
                inputs: Sequence[str | os.PathLike] = ()) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix (.png, .svg, .pdf)."""
    import matplotlib

    out = Path(path)
    check_figure_path(out, inputs=inputs)
    fmt = out.suffix.lower().lstrip(".")

    def write(p: Path) -> None:
        # A fixed salt makes SVG element ids (otherwise random per run) the same for the same figure.
        with matplotlib.rc_context({"svg.hashsalt": "irt-elo"}):
            fig.savefig(p, format=fmt, dpi=dpi, metadata=_fixed_metadata(fmt))

    return atomic_write(out, write, inputs=inputs)


def _fixed_metadata(fmt: str) -> dict[str, Any]:
    # No creation dates or software versions in the file, so the same inputs give byte-identical figures.
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    return {"CreationDate": None, "Creator": None, "Producer": None}
