"""The ledger of published gap claims (METHODS.md section 6): reading and validating claim files.

The shipped ledger (``irt_elo/data/ledger/claims.csv``) holds one row per published claim about the open-vs-closed
(or US-vs-China) gap: who said it and when (``source``, ``date``, ``quote``, ``url``), the question as parameters
(``kind``, ``compare``, ``lead``, ``trail``, ``model``, the window, ``method``, ``criterion``, ``rule``,
``benchmarks``, ``scale``), the published number (``published_value`` with ``published_low``/``published_high``
and its ``unit``; ``interval`` says whether low/high are a confidence interval, a spread of per-day values or a
stated range; ``published_points*`` the vertical gap where one is given), a published ``direction`` of the gap,
the bundled ``vintage`` closest to the data the claim was made on, and what a check ``needs``.

Sources: the publishers' own pages where ``url`` is given (Epoch AI's data insights, CAISI's V4 Pro evaluation);
rows marked ``[2nd]`` in ``source`` are known from a secondary description of the primary. Dates whose day is not
known are the first of the month (``needs`` says so).

Users add their own rows in the same columns (:func:`read_claims`); every cell is checked and a bad one is an
:class:`~irt_elo.errors.IrtEloError` naming the file, line and column and what to do.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from irt_elo.data.table import read_csv_strict
from irt_elo.errors import IrtEloError

COLUMNS = ("id", "source", "date", "quote", "url", "kind", "compare", "lead", "trail", "model", "model_released",
           "matched", "window_start", "window_end", "method", "criterion", "rule", "benchmarks", "scale",
           "published_value", "published_low", "published_high", "unit", "interval", "published_points",
           "published_points_low", "published_points_high", "direction", "vintage", "needs")
REQUIRED = ("id", "source", "date", "kind", "compare", "unit")  # cells that may not be blank
KINDS = ("gap", "gap-range", "model-lag", "harness", "threshold")
COMPARE = ("open-vs-closed", "closed-us-vs-open", "country")  # the grouping the gap is measured between
METHODS = ("epoch-2025", "epoch-2026", "caisi", "model-lag")
CRITERIA = ("two-sided", "one-sided", "point")
RULES = ("matched-model", "trend-line", "both")
BENCHMARKS = ("all", "caisi", "cyber", "public", "private")
SCALES = ("ECI", "Elo")
UNITS = ("months", "points", "elo", "fraction")
INTERVALS = ("ci", "spread", "range")
DIRECTIONS = ("widening", "narrowing", "no detectable trend")
CHOICES = {"kind": KINDS, "compare": COMPARE, "method": METHODS, "criterion": CRITERIA, "rule": RULES,
           "benchmarks": BENCHMARKS, "scale": SCALES, "unit": UNITS, "interval": INTERVALS, "direction": DIRECTIONS}
DATES = ("date", "model_released", "window_start", "window_end", "vintage")
NUMBERS = ("published_value", "published_low", "published_high", "published_points", "published_points_low",
           "published_points_high")
# What each column holds, for the error messages.
WHAT = {"kind": "what is measured", "compare": "the grouping compared", "unit": "the published number's unit"}


def ledger_path() -> Path:
    """Path of the shipped ledger.

    Examples
    --------
    >>> ledger_path().name
    'claims.csv'
    """
    return Path(__file__).resolve().parent / "ledger" / "claims.csv"


def load_claims() -> pd.DataFrame:
    """The shipped ledger of published gap claims, one row per claim (validated like any claims file).

    Examples
    --------
    >>> c = load_claims()
    >>> c["id"].tolist()
    ['E1', 'E2', 'E3', 'S1', 'C1', 'C2', 'C3', 'H1', 'I1', 'L1']
    """
    return read_claims(ledger_path())


def read_claims(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate a claims CSV in the ledger's columns.

    Returns a frame with the ledger's columns: strings (``None`` where blank), dates as ``YYYY-MM-DD`` strings,
    numbers as floats (NaN where blank), and ``_line`` (the file line of each row). Columns a file lacks are an
    error except the optional ones (everything but ``id``, ``source``, ``date``, ``kind``, ``compare``, ``unit``,
    which may be left out and are then blank).

    Raises
    ------
    IrtEloError
        One line naming the file, line and column: a required column missing, a blank required cell, an unknown
        ``kind``/``compare``/``method``/... value, a date not in YYYY-MM-DD, a number that is not one, a claim
        without any published number, or an id used twice.
    """
    p = Path(path)
    raw = read_csv_strict(p)
    where = str(p)
    cols = [c for c in raw.columns if c != "_line"]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise IrtEloError(f"{where}: line 1: missing column(s) {', '.join(missing)}; a claims file needs the ledger's "
                          f"columns ({', '.join(COLUMNS)})")
    unknown = [c for c in cols if c not in COLUMNS]
    if unknown:
        raise IrtEloError(f"{where}: line 1: unknown column {unknown[0]!r}; use the ledger's columns "
                          f"({', '.join(COLUMNS)})")
    if len(raw) == 0:
        raise IrtEloError(f"{where}: no claim rows; add one row per claim under the header")
    out: dict[str, list] = {c: [] for c in (*COLUMNS, "_line")}
    seen: dict[str, int] = {}
    for _, row in raw.iterrows():
        line = int(row["_line"])
        rec = {c: _cell(row.get(c)) for c in COLUMNS}
        for c in REQUIRED:
            if rec[c] is None:
                raise IrtEloError(f"{where}: line {line}, column {c}: blank; every claim needs {WHAT.get(c, c)}")
        for c, allowed in CHOICES.items():
            v = rec[c]
            if v is None:
                continue
            match = [a for a in allowed if a.lower() == v.lower()]
            if not match:
                what = "grouping" if c == "compare" else c
                raise IrtEloError(f"{where}: line {line}, column {c}: unknown {what} {v!r}; use one of "
                                  f"{', '.join(allowed)}")
            rec[c] = match[0]
        for c in DATES:
            if rec[c] is not None:
                rec[c] = _date(rec[c], where, line, c)
        for c in NUMBERS:
            rec[c] = _number(rec[c], where, line, c)
        if all(math.isnan(rec[c]) for c in NUMBERS):
            raise IrtEloError(f"{where}: line {line}: claim {rec['id']} gives no published number; fill "
                              "published_value (or published_low/published_high for a range)")
        for lo, hi in (("published_low", "published_high"), ("published_points_low", "published_points_high")):
            if rec[lo] > rec[hi]:
                raise IrtEloError(f"{where}: line {line}, column {lo}: {rec[lo]:g} is above {hi} {rec[hi]:g}; "
                                  "swap them")
        if rec["window_start"] and rec["window_end"] and rec["window_start"] > rec["window_end"]:
            raise IrtEloError(f"{where}: line {line}, column window_start: {rec['window_start']} is after "
                              f"window_end {rec['window_end']}; swap them")
        if rec["kind"] == "model-lag" and rec["model"] is None:
            raise IrtEloError(f"{where}: line {line}, column model: blank; a model-lag claim names its model")
        if rec["kind"] in ("gap", "gap-range") and rec["method"] in (None, "model-lag"):
            raise IrtEloError(f"{where}: line {line}, column method: a {rec['kind']} claim needs a gap method "
                              "(epoch-2025, epoch-2026 or caisi)")
        key = rec["id"].lower()
        if key in seen:
            raise IrtEloError(f"{where}: line {line}, column id: claim id {rec['id']!r} already used on line "
                              f"{seen[key]}; give every claim its own id")
        seen[key] = line
        for c in COLUMNS:
            out[c].append(rec[c])
        out["_line"].append(line)
    return pd.DataFrame(out)


def combine_claims(*frames: pd.DataFrame) -> pd.DataFrame:
    """Several validated claim frames as one; an id in two of them is an error.

    Examples
    --------
    >>> len(combine_claims(load_claims()))
    10
    """
    if not frames:
        raise IrtEloError("no claims given")
    seen: set[str] = set()
    for f in frames:
        for i in f["id"]:
            if str(i).lower() in seen:
                raise IrtEloError(f"claim id {i!r} appears in the shipped ledger and in your claims file; rename "
                                  "yours")
            seen.add(str(i).lower())
    return pd.concat(frames, ignore_index=True)


def _cell(v: object) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _date(v: str, where: str, line: int, col: str) -> str:
    try:
        ts = pd.Timestamp(v) if len(v) == 10 and v[4] == "-" and v[7] == "-" else None
    except ValueError:
        ts = None
    if ts is None:
        raise IrtEloError(f"{where}: line {line}, column {col}: {v!r} is not a date; write YYYY-MM-DD")
    return ts.strftime("%Y-%m-%d")


def _number(v: str | None, where: str, line: int, col: str) -> float:
    if v is None:
        return float("nan")
    try:
        x = float(v)
    except ValueError:
        x = float("nan")
    if not math.isfinite(x):
        raise IrtEloError(f"{where}: line {line}, column {col}: {v!r} is not a number; write e.g. 4.5 or leave "
                          "it blank")
    return x


__all__ = ["load_claims", "read_claims", "combine_claims", "ledger_path", "COLUMNS", "KINDS", "COMPARE", "UNITS",
           "NUMBERS", "DATES", "CHOICES"]
