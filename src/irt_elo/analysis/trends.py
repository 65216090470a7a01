"""How fast the frontier moves: slope per year, breakpoint scan and slope ratio, each with an interval.

All three fit least-squares lines to the running-best ("frontier") models of a group (all models by default)
against release date:

* :func:`frontier_trend` - one line; slope in capability points per year.
* :func:`breakpoint_scan` - a two-piece line, continuous at the break, with the break placed at the frontier
  release date that minimises the squared error (Ho et al., "A Rosetta Stone for AI Benchmarks": break at
  2024-05-13, 0.364 -> 0.614 raw units/yr, ratio 1.69x on the paper's data).
* :func:`slope_ratio` - the same two-piece fit split at a chosen model or date (Anthropic's "slope ratio": late
  slope / early slope, > 1 means acceleration).

Intervals: the whole fit (frontier recomputed, break re-scanned) is repeated on each capability draw - bootstrap
draws when the table has them, otherwise independent split-normal draws from each model's interval - and the
percentile interval at ``level`` is reported. For the single line the ordinary least-squares interval is given too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student t quantile, without importing scipy.stats

from irt_elo.analysis.capabilities import (
    Capabilities,
    dates_from_days,
    day_number,
    day_numbers,
    format_date,
    frontier_records,
    to_date,
)
from irt_elo.errors import IrtEloError

DAYS_PER_YEAR = 365.25


@dataclass
class TrendResult:
    """A frontier trend: one line (``kind='linear'``) or two pieces (``'breakpoint'``, ``'slope-ratio'``).

    Slopes are in capability points per year (``slope_*``); ``raw_*`` gives them per logit-scale unit when the
    capability scale's points per logit is known (``Capabilities.per_logit``).
    """

    kind: str
    data: str
    scale: str
    group: str | None
    window: tuple[pd.Timestamp, pd.Timestamp]
    points: pd.DataFrame
    fit: pd.DataFrame
    slope: float = float("nan")
    slope_low: float = float("nan")
    slope_high: float = float("nan")
    break_date: pd.Timestamp | None = None
    break_model: str | None = None
    slope_before: float = float("nan")
    slope_before_low: float = float("nan")
    slope_before_high: float = float("nan")
    slope_after: float = float("nan")
    slope_after_low: float = float("nan")
    slope_after_high: float = float("nan")
    ratio: float = float("nan")
    ratio_low: float = float("nan")
    ratio_high: float = float("nan")
    level: float = 0.90
    interval: str = ""
    per_logit: float | None = None
    scan: pd.DataFrame | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def raw(self, value: float) -> float:
        """A slope converted to logit-scale units per year (nan when the scale's points per logit is unknown)."""
        return float(value) / self.per_logit if self.per_logit else float("nan")

    def to_dict(self) -> dict[str, Any]:
        from irt_elo.data.records import jsonable

        out = {k: getattr(self, k) for k in (
            "kind", "data", "scale", "group", "slope", "slope_low", "slope_high", "break_date", "break_model",
            "slope_before", "slope_before_low", "slope_before_high", "slope_after", "slope_after_low",
            "slope_after_high", "ratio", "ratio_low", "ratio_high", "level", "interval", "per_logit", "details")}
        out["window"] = list(self.window)
        out["units"] = f"{self.scale} points per year"
        if self.per_logit:
            out["raw_slope"] = self.raw(self.slope)
            out["raw_slope_before"] = self.raw(self.slope_before)
            out["raw_slope_after"] = self.raw(self.slope_after)
        out["points"] = self.points.to_dict(orient="records")
        if self.scan is not None:
            out["scan"] = self.scan.to_dict(orient="records")
        return jsonable(out)


# --------------------------------------------------------------------------------------------------------------------
# Pure fits on (day, value) arrays


def line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least-squares ``y = a + b x``: returns (a, b, residual sum of squares).

    Examples
    --------
    >>> a, b, sse = line_fit(np.array([0., 1., 2.]), np.array([1., 3., 5.]))
    >>> round(a, 6), round(b, 6), round(sse, 9)
    (1.0, 2.0, 0.0)
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if len(x) < 2 or np.ptp(x) == 0:
        return float("nan"), float("nan"), float("nan")
    xc = x - x.mean()
    b = float(xc @ (y - y.mean()) / (xc @ xc))
    a = float(y.mean() - b * x.mean())
    return a, b, float(np.sum((y - a - b * x) ** 2))


def hinge_fit(x: np.ndarray, y: np.ndarray, xb: float) -> tuple[float, float, float, float]:
    """Two-piece line continuous at ``xb``: ``y = c + b1 min(x - xb, 0) + b2 max(x - xb, 0)``.

    Returns (c, b1, b2, sse); c is the value at the break.

    Examples
    --------
    >>> x = np.array([0., 1., 2., 3., 4.]); y = np.where(x < 2, x, 2 + 3 * (x - 2))
    >>> [round(v, 6) for v in hinge_fit(x, y, 2.0)]
    [2.0, 1.0, 3.0, 0.0]
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    X = np.column_stack([np.ones_like(x), np.minimum(x - xb, 0.0), np.maximum(x - xb, 0.0)])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    sse = float(np.sum((y - X @ coef) ** 2))
    return float(coef[0]), float(coef[1]), float(coef[2]), sse


def scan_breaks(x: np.ndarray, y: np.ndarray, min_segment: int = 3) -> tuple[int, np.ndarray]:
    """Try every point as the break (at least ``min_segment`` points on each side; the break point counts on
    both). Returns (index of the best break in ``x``, SSE per candidate; inf where not allowed).

    Examples
    --------
    >>> x = np.arange(7.0); y = np.where(x < 3, x, 3 + 2 * (x - 3))
    >>> k, sse = scan_breaks(x, y)
    >>> int(k), bool(np.isinf(sse[0]))
    (3, True)
    """
    n = len(x)
    sse = np.full(n, np.inf)
    for k in range(n):
        left = np.sum(x <= x[k])
        right = np.sum(x >= x[k])
        if left >= min_segment and right >= min_segment and np.ptp(x[x <= x[k]]) > 0 and np.ptp(x[x >= x[k]]) > 0:
            sse[k] = hinge_fit(x, y, x[k])[3]
    if not np.isfinite(sse).any():
        raise IrtEloError(f"too few frontier models for a breakpoint scan ({n}; need at least "
                          f"{2 * min_segment - 1} with {min_segment} on each side)")
    return int(np.argmin(sse)), sse


# --------------------------------------------------------------------------------------------------------------------
# Public functions


def frontier_trend(caps: Capabilities, group: str | None = None, *, start: Any = None, end: Any = None,
                   level: float = 0.90, n_draws: int = 500, seed: int = 12345) -> TrendResult:
    """Least-squares slope per year of the frontier, with a percentile interval over capability draws.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> r = frontier_trend(caps, n_draws=50)
    >>> 10 < r.slope < 30
    True
    """
    sub, days, vals, recs, win = _setup(caps, group, start, end)
    a, b, sse = line_fit(days[recs], vals[recs])
    n = len(recs)
    se = np.sqrt(sse / (n - 2) / np.sum((days[recs] - days[recs].mean()) ** 2)) if n > 2 else float("nan")
    tq = stdtrit(n - 2, 0.5 + level / 2.0) if n > 2 else float("nan")
    draws, draw_text = _draws(sub, n_draws, seed)
    slopes = np.array([line_fit(days[r], v[r])[1] for v in draws for r in [frontier_records(days, v)]])
    lo, hi = _pct(slopes * DAYS_PER_YEAR, level)
    pts = _points(sub, recs)
    fit = _fit_frame(days[recs], lambda x: a + b * x)
    return TrendResult(
        kind="linear", data=caps.source, scale=caps.scale, group=group, window=win, points=pts, fit=fit,
        slope=b * DAYS_PER_YEAR, slope_low=lo, slope_high=hi, level=level, per_logit=caps.per_logit,
        interval=f"{level:.0%} percentile interval over {draw_text}; frontier recomputed per draw",
        details={"n_frontier_models": n, "ols_slope_low": (b - tq * se) * DAYS_PER_YEAR,
                 "ols_slope_high": (b + tq * se) * DAYS_PER_YEAR, "intercept_at_start": a + b * days[recs][0]})


def breakpoint_scan(caps: Capabilities, group: str | None = None, *, start: Any = None, end: Any = None,
                    min_segment: int = 3, level: float = 0.90, n_draws: int = 500, seed: int = 12345) -> TrendResult:
    """Two-piece linear fit of the frontier, continuous at a break chosen among frontier release dates.

    Parameters
    ----------
    caps : Capabilities
    group : str, optional
        Group whose frontier is fitted (None = all models).
    start, end : date-like, optional
        Only models released in the window.
    min_segment : int
        Frontier models required on each side of the break (the break model counts on both).
    level, n_draws, seed
        Interval level and the parametric draws used when the table has no bootstrap draws.

    Returns
    -------
    TrendResult
        ``break_date``/``break_model``, ``slope_before``, ``slope_after`` (points per year), ``ratio`` (after /
        before), each with a percentile interval (break re-scanned in each draw); ``scan`` holds the SSE of every
        candidate break.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> r = breakpoint_scan(caps, n_draws=20)
    >>> r.kind, r.details["sse"] <= r.details["linear_sse"]
    ('breakpoint', True)
    """
    sub, days, vals, recs, win = _setup(caps, group, start, end)
    x, y = days[recs], vals[recs]
    k, sse = scan_breaks(x, y, min_segment)
    c0, b1, b2, _ = hinge_fit(x, y, x[k])
    draws, draw_text = _draws(sub, n_draws, seed)
    res = []
    for v in draws:
        r = frontier_records(days, v)
        try:
            kk, _ = scan_breaks(days[r], v[r], min_segment)
        except IrtEloError:
            continue
        _, d1, d2, _ = hinge_fit(days[r], v[r], days[r][kk])
        res.append((d1, d2, days[r][kk]))
    res_a = np.array(res, dtype=float).reshape(-1, 3)
    names = sub.frame.index.to_numpy()
    scan = pd.DataFrame({"model": names[recs], "release_date": dates_from_days(x), "capability": y, "sse": sse})
    br_dates = dates_from_days(res_a[:, 2].astype(np.int64)) if len(res_a) else pd.DatetimeIndex([])
    details = {
        "n_frontier_models": len(recs), "min_segment": min_segment, "sse": float(sse[k]),
        "linear_sse": line_fit(x, y)[2], "n_draws_used": int(len(res_a)),
        "break_date_low": format_date(br_dates.sort_values()[int((1 - level) / 2 * (len(br_dates) - 1))])
        if len(br_dates) else None,
        "break_date_high": format_date(br_dates.sort_values()[int((1 + level) / 2 * (len(br_dates) - 1))])
        if len(br_dates) else None,
        "break_date_mode": format_date(pd.Series(br_dates).mode().iloc[0]) if len(br_dates) else None,
    }
    return _two_piece_result("breakpoint", caps, group, win, sub, recs, x, k, c0, b1, b2, res_a, level,
                             draw_text + "; frontier recomputed and break re-scanned per draw", scan, details)


def slope_ratio(caps: Capabilities, split: Any, group: str | None = None, *, start: Any = None, end: Any = None,
                continuous: bool = True, level: float = 0.90, n_draws: int = 500, seed: int = 12345) -> TrendResult:
    """Late / early frontier slope with the split at a chosen model (its release date) or date.

    ``continuous=True`` fits one two-piece line joined at the split; ``False`` fits separate lines to the frontier
    models before and on/after the split.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
    >>> r = slope_ratio(caps, "2024-04-01", n_draws=50)
    >>> r.slope_after > r.slope_before
    True
    """
    sub, days, vals, recs, win = _setup(caps, group, start, end)
    split_model = None
    if isinstance(split, str) and split in caps.frame.index or (isinstance(split, str) and not _looks_like_date(split)):
        split_model = caps.resolve_model(split)
        d = caps.frame.loc[split_model, "release_date"]
        if pd.isna(d):
            raise IrtEloError(f"split model {split_model!r} has no release date")
        xb = float(day_number(d))
    else:
        xb = float(day_number(to_date(split, "split date")))
    x, y = days[recs], vals[recs]
    if np.sum(x < xb) < 2 or np.sum(x >= xb) < 2:
        split = format_date(dates_from_days(np.array([int(xb)]))[0])
        raise IrtEloError(f"split at {split} leaves fewer than 2 frontier models on "
                          f"one side ({int(np.sum(x < xb))} before, {int(np.sum(x >= xb))} on/after); move it")

    def fit(xx: np.ndarray, yy: np.ndarray) -> tuple[float, float, float]:
        if continuous:
            c0_, s1, s2, _ = hinge_fit(xx, yy, xb)
            return c0_, s1, s2
        _, s1, _ = line_fit(xx[xx < xb], yy[xx < xb])
        _, s2, _ = line_fit(xx[xx >= xb], yy[xx >= xb])
        return float("nan"), s1, s2

    c0, b1, b2 = fit(x, y)
    draws, draw_text = _draws(sub, n_draws, seed)
    res = []
    for v in draws:
        r = frontier_records(days, v)
        if np.sum(days[r] < xb) >= 2 and np.sum(days[r] >= xb) >= 2:
            res.append((*fit(days[r], v[r])[1:], xb))
    res_a = np.array(res, dtype=float).reshape(-1, 3)
    k = None
    details = {"continuous": continuous, "n_before": int(np.sum(x < xb)), "n_after": int(np.sum(x >= xb)),
               "n_draws_used": int(len(res_a))}
    out = _two_piece_result("slope-ratio", caps, group, win, sub, recs, x, k, c0, b1, b2, res_a, level,
                            draw_text + "; frontier recomputed per draw", None, details, xb=xb)
    out.break_model = split_model
    if not continuous:
        a1, s1, _ = line_fit(x[x < xb], y[x < xb])
        a2, s2, _ = line_fit(x[x >= xb], y[x >= xb])
        xs = np.sort(x)
        out.fit = pd.DataFrame({"release_date": dates_from_days(xs.astype(np.int64)),
                                "fitted": np.where(xs < xb, a1 + s1 * xs, a2 + s2 * xs)})
    return out


# --------------------------------------------------------------------------------------------------------------------
# Helpers


def _two_piece_result(kind: str, caps: Capabilities, group: str | None, win: tuple, sub: Capabilities,
                      recs: np.ndarray, x: np.ndarray, k: int | None, c0: float, b1: float, b2: float,
                      res_a: np.ndarray, level: float, interval: str, scan: pd.DataFrame | None,
                      details: dict[str, Any], xb: float | None = None) -> TrendResult:
    xb = float(x[k]) if k is not None else float(xb)
    names = sub.frame.index.to_numpy()
    ratio = b2 / b1 if b1 > 0 else float("nan")
    r_draw = np.where(res_a[:, 0] > 0, res_a[:, 1] / np.where(res_a[:, 0] > 0, res_a[:, 0], 1.0), np.nan)
    lo1, hi1 = _pct(res_a[:, 0] * DAYS_PER_YEAR, level)
    lo2, hi2 = _pct(res_a[:, 1] * DAYS_PER_YEAR, level)
    lor, hir = _pct(r_draw, level)
    fit = _fit_frame(x, lambda t: c0 + b1 * np.minimum(t - xb, 0) + b2 * np.maximum(t - xb, 0))
    if np.isnan(c0):
        fit = _fit_frame(x, lambda t: np.full(len(t), np.nan))
    return TrendResult(
        kind=kind, data=caps.source, scale=caps.scale, group=group, window=win, points=_points(sub, recs), fit=fit,
        break_date=dates_from_days(np.array([int(round(xb))]))[0],
        break_model=str(names[recs][k]) if k is not None else None,
        slope_before=b1 * DAYS_PER_YEAR, slope_before_low=lo1, slope_before_high=hi1,
        slope_after=b2 * DAYS_PER_YEAR, slope_after_low=lo2, slope_after_high=hi2,
        ratio=ratio, ratio_low=lor, ratio_high=hir, level=level, per_logit=caps.per_logit,
        interval=f"{level:.0%} percentile interval over {interval}", scan=scan, details=details)


def _setup(caps: Capabilities, group: str | None, start: Any, end: Any
           ) -> tuple[Capabilities, np.ndarray, np.ndarray, np.ndarray, tuple[pd.Timestamp, pd.Timestamp]]:
    sub = caps
    if group is not None:
        g = caps.resolve_group(group)
        sub = caps.subset((caps.frame["group"] == g).to_numpy(dtype=bool, na_value=False))
    if start is not None and end is not None and to_date(start, "start date") > to_date(end, "end date"):
        raise IrtEloError(f"start date {start} is after end date {end}; swap them")
    sub = sub.select(since=start, until=end)
    sub = sub.subset(sub.frame["release_date"].notna().to_numpy())
    if len(sub.frame) < 2:
        raise IrtEloError(f"fewer than 2 dated models{' in group ' + repr(group) if group else ''} in the window")
    days = day_numbers(sub.frame["release_date"])
    vals = sub.frame["capability"].to_numpy(float)
    recs = frontier_records(days, vals)
    if len(recs) < 3:
        raise IrtEloError(f"only {len(recs)} frontier model(s) in the window; a trend needs at least 3")
    win = (sub.frame["release_date"].min(), sub.frame["release_date"].max())
    return sub, days, vals, recs, win


def _draws(sub: Capabilities, n_draws: int, seed: int) -> tuple[np.ndarray, str]:
    if not sub.has_intervals:
        return np.empty((0, len(sub.frame))), "no draws (the table has no intervals)"
    return sub.draw_matrix(n_draws, seed)


def _points(sub: Capabilities, recs: np.ndarray) -> pd.DataFrame:
    f = sub.frame.iloc[recs]
    cols = [c for c in ("release_date", "capability", "ci_low", "ci_high", "group", "organization") if c in f]
    return f[cols].reset_index()


def _fit_frame(x: np.ndarray, fn: Any) -> pd.DataFrame:
    xs = np.linspace(float(np.min(x)), float(np.max(x)), 200)
    return pd.DataFrame({"release_date": dates_from_days(np.round(xs).astype(np.int64)), "fitted": fn(xs)})


def _pct(x: np.ndarray, level: float) -> tuple[float, float]:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    lo, hi = np.percentile(x, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return float(lo), float(hi)


def _looks_like_date(s: str) -> bool:
    try:
        pd.Timestamp(s)
        return any(ch.isdigit() for ch in s) and ("-" in s or "/" in s)
    except (ValueError, TypeError):
        return False


__all__ = ["TrendResult", "frontier_trend", "breakpoint_scan", "slope_ratio", "line_fit", "hinge_fit", "scan_breaks"]
