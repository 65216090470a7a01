"""How far one group of models trails another: Epoch's and CAISI's gap procedures, with intervals.

Three procedures, each on any grouping of a :class:`~irt_elo.analysis.capabilities.Capabilities` table (open vs
closed weights by default; countries or organisations via ``by=``):

``epoch-2026`` (Epoch data insight, 29 May 2026)
    For each day in the window, take the trailing group's best model released by then and find the latest date on
    which the leading group's running best ("SOTA") was *not significantly better* than it. Horizontal gap = days
    since that date; vertical gap = leading SOTA minus trailing best that day. Both averaged over the days.
``epoch-2025`` (Epoch data insight, 30 Oct 2025; procedure as re-implemented by IAPS)
    On a grid of ``n_levels`` capability levels spanning the range both frontiers cover, the time from the leading
    frontier's first model at or above the level to the trailing frontier's first model that is at or above it or
    not significantly below that leading model (can be negative). Vertical gap = daily SOTA difference over the
    dates both frontiers exist.
``caisi`` (CAISI, May 2026)
    Per-group frontier records, a least-squares line through each group's records; on each day the horizontal gap is
    how long before that day the leader's line reached the trailer's line level, the vertical gap the distance
    between the lines.

:func:`model_lag` answers CAISI's question about one named model: how long before its release the leading group
first reached its level.

:func:`gap_trend` asks whether a gap is widening: the least-squares slope of the gap series over calendar time
(months and points per year) with a percentile interval over the same capability draws, and a verdict ('widening',
'narrowing', 'no detectable trend' at the level). :func:`gap_range` gives the smallest and largest per-day gap in a
window ("between 3 and 7 months since DeepSeek R1"). :func:`gap` fills both in (``GapResult.trend``/``range``).

The catch-up criterion is explicit (``criterion=``): ``'two-sided'`` (not significantly different at a two-sided
``alpha``, Epoch/IAPS), ``'one-sided'`` (not significantly better at a one-sided ``alpha``) or ``'point'`` (the point
estimate actually reached). Significance uses paired bootstrap draws when the table has them, otherwise a z-test on
CI-derived sigmas, ``sigma = (ci_high - ci_low) / (2 * 1.645)`` for 90% intervals, models independent.

Intervals on the averages come from re-running the whole procedure (frontiers recomputed) on each capability draw,
keeping the significance thresholds of the central estimate: bootstrap draws when present, otherwise independent
split-normal draws matching each model's interval. They are percentile intervals at ``level``. Separately, the 5th-95th
percentile *spread* of the per-day (or per-level) gaps is reported as ``spread_*``: that is what Epoch's Oct-2025
insight calls its "90% CI" (1.1-5.3 months; 0-14 points).

Months are days / 30.5 (IAPS's convention) unless ``days_per_month`` says otherwise.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.special import ndtri  # normal quantile; scipy.stats costs 0.4 s of import time

from irt_elo.analysis.capabilities import (
    Capabilities,
    dates_from_days,
    day_number,
    day_numbers,
    format_date,
    frontier,
    frontier_records,
    to_date,
)
from irt_elo.analysis.trends import line_fit
from irt_elo.core.memory import check_allocation
from irt_elo.data.published import PUBLISHED
from irt_elo.data.records import jsonable, records
from irt_elo.errors import IrtEloError, normalise_name

Method = Literal["epoch-2026", "epoch-2025", "caisi"]
Criterion = Literal["two-sided", "one-sided", "point"]

METHODS = ("epoch-2026", "epoch-2025", "caisi")
CRITERIA = ("two-sided", "one-sided", "point")
DAYS_PER_MONTH = 30.5
CRITERION_TEXT = {
    "two-sided": "not significantly different (two-sided {alpha:.0%} test)",
    "one-sided": "not significantly better (one-sided {alpha:.0%} test)",
    "point": "point estimate reached",
}
METHOD_TEXT = {
    "epoch-2026": "Epoch, May 2026: day by day, latest date the leader was not significantly better",
    "epoch-2025": "Epoch, Oct 2025: averaged over the capability range both frontiers cover",
    "caisi": "CAISI: least-squares trends through each group's frontier records",
    "model-lag": "months since the leading group first reached one model's level",
}
# Default (lead, trail) groups per grouping; other groupings default to open/closed labels.
DEFAULT_GROUPS = {"open": ("closed", "open"), "country": ("United States of America", "China"),
                  "closed-us": ("closed US", "open")}
# Windows of the published analyses (start, end); None = from the data.
DEFAULT_WINDOWS: dict[str, tuple[str | None, str | None]] = {
    "epoch-2026": ("2026-01-01", "2026-05-28"),
    "epoch-2025": ("2023-01-01", "2025-10-30"),
    "caisi": (None, None),
}



@dataclass
class GapResult:
    """One gap estimate: averages with intervals, the series behind them and how they were computed.

    ``gap_months_low``/``high`` and ``gap_points_low``/``high`` are sampling intervals at ``level`` (see
    ``interval``); ``spread_*`` are the percentiles of the per-day / per-level values (what Epoch's Oct-2025 insight
    reports as its "90% CI").

    For :func:`gap` results, ``trend`` is :func:`gap_trend` of the series (is the gap widening?), ``range`` is
    :func:`gap_range` over the window (smallest and largest per-day gap) and ``draws`` holds the series on each
    capability draw that the trend's interval comes from. All three are None for :func:`model_lag`, whose answer
    is one number at one date, not a series over time.
    """

    method: str
    window: tuple[pd.Timestamp | None, pd.Timestamp | None]
    data: str
    gap_months: float
    gap_months_low: float
    gap_months_high: float
    gap_points: float
    gap_points_low: float
    gap_points_high: float
    series: pd.DataFrame
    details: dict[str, Any] = field(default_factory=dict)
    criterion: str = "two-sided"
    lead: str = "closed"
    trail: str = "open"
    model: str | None = None
    level: float = 0.90
    alpha: float = 0.05
    interval: str = ""
    uncertainty: str = ""
    days_per_month: float = DAYS_PER_MONTH
    scale: str = "ECI"
    spread_months_low: float = float("nan")
    spread_months_high: float = float("nan")
    spread_points_low: float = float("nan")
    spread_points_high: float = float("nan")
    levels: pd.DataFrame | None = None
    frontiers: dict[str, pd.DataFrame] = field(default_factory=dict)
    trend: GapTrend | None = None
    range: GapRange | None = None
    draws: GapDraws | None = field(default=None, repr=False, compare=False)

    @property
    def criterion_text(self) -> str:
        return CRITERION_TEXT.get(self.criterion, self.criterion).format(alpha=self.alpha)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: headline numbers, method, window, criterion, data vintage and the series."""
        out: dict[str, Any] = {
            "method": self.method, "method_description": METHOD_TEXT.get(self.method, ""),
            "data": self.data, "scale": self.scale,
            "window": [jsonable(self.window[0]), jsonable(self.window[1])],
            "lead": self.lead, "trail": self.trail, "model": self.model,
            "criterion": self.criterion, "criterion_description": self.criterion_text, "alpha": self.alpha,
            "level": self.level, "days_per_month": self.days_per_month,
            "gap_months": self.gap_months, "gap_months_low": self.gap_months_low,
            "gap_months_high": self.gap_months_high,
            "gap_points": self.gap_points, "gap_points_low": self.gap_points_low,
            "gap_points_high": self.gap_points_high,
            "spread_months_low": self.spread_months_low, "spread_months_high": self.spread_months_high,
            "spread_points_low": self.spread_points_low, "spread_points_high": self.spread_points_high,
            "interval": self.interval, "uncertainty": self.uncertainty,
            "details": self.details,
            "series": records(self.series),
        }
        if self.levels is not None:
            out["levels"] = records(self.levels)
        if self.frontiers:
            out["frontiers"] = {k: records(v) for k, v in self.frontiers.items()}
        out["trend"] = self.trend.to_dict() if self.trend is not None else None
        out["range"] = self.range.to_dict() if self.range is not None else None
        return jsonable(out)


VERDICTS = ("widening", "narrowing", "no detectable trend")


@dataclass(frozen=True, eq=False)  # eq=False: array fields make a field-wise == ambiguous
class GapDraws:
    """The gap series of a :class:`GapResult` re-computed on each capability draw (what :func:`gap_trend` fits).

    Rows are draws, columns points of the series; NaN pads rows of unequal length. ``months_t``/``points_t`` hold the
    day numbers (days since 1970-01-01) of each value: one row shared by all draws for the per-day series, one row
    per draw for 'epoch-2025', whose levels (dated by the leader's first model at the level) and vertical-gap days
    move with each draw.
    """

    months_t: np.ndarray
    months: np.ndarray  # horizontal gap in months
    points_t: np.ndarray
    points: np.ndarray  # vertical gap in points
    text: str  # where the draws came from


@dataclass(frozen=True)
class GapTrend:
    """Is the gap widening? The least-squares slope of the gap over calendar time, with a percentile interval.

    ``months_per_year`` is months of gap gained per year of calendar time (negative: narrowing), ``points_per_year``
    the same for the vertical gap. The interval (``*_low``/``*_high`` at ``level``) is the spread of the slope over
    the capability draws, each draw's whole gap series re-computed: it carries the uncertainty of the capability
    estimates, not the chance timing of releases (the sawtooth of a per-day gap). ``verdict`` is 'widening' when the
    months interval lies above 0, 'narrowing' when below, else 'no detectable trend' (at ``level``). ``basis`` says
    which series the line is fitted to, ``n_points`` how many values, ``start``/``end`` their first and last date.
    """

    months_per_year: float
    months_per_year_low: float
    months_per_year_high: float
    points_per_year: float
    points_per_year_low: float
    points_per_year_high: float
    verdict: str
    level: float
    basis: str
    n_points: int
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    interval: str = ""

    @property
    def verdict_text(self) -> str:
        """The verdict with its level, e.g. 'no detectable trend at 90%'."""
        return f"{self.verdict} at {self.level:.0%}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the fields, plus ``verdict_text``."""
        return jsonable({**asdict(self), "verdict_text": self.verdict_text})


@dataclass(frozen=True)
class GapRange:
    """The smallest and largest per-day gap in a window (e.g. "between 3 and 7 months since DeepSeek R1").

    For 'epoch-2025' results the months are per capability level, dated by the leader's first model at the level;
    ``n_days`` counts the days of the vertical-gap series in the window.
    """

    months_min: float
    months_max: float
    points_min: float
    points_max: float
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    n_days: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the fields."""
        return jsonable(asdict(self))


# --------------------------------------------------------------------------------------------------------------------
# Significance thresholds


def thresholds(caps: Capabilities, rows: np.ndarray, cols: np.ndarray, *, criterion: Criterion = "two-sided",
               alpha: float = 0.05, uncertainty: str = "sigma") -> tuple[np.ndarray, str]:
    """Matrix ``K`` such that model ``rows[a]`` is significantly better than ``cols[b]`` iff ``c_a - c_b > K[a, b]``.

    ``rows``/``cols`` index ``caps.frame``. With bootstrap draws (paired) ``K = (c_a - c_b) - q(D_ab)``, ``q`` the
    ``alpha/2`` (two-sided) or ``alpha`` (one-sided) quantile of the paired differences ``D_ab`` across draws, so the
    central test is exactly "that quantile is above 0". Without draws ``K = z sqrt(sigma_a^2 + sigma_b^2)`` with
    CI-derived sigmas. ``'point'`` gives ``K = 0``. Returns ``(K, description)``.

    Examples
    --------
    >>> caps = Capabilities(pd.DataFrame({"capability": [10.0, 8.0], "ci_low": [8.355, 6.355],
    ...                                   "ci_high": [11.645, 9.645]}, index=["a", "b"]))
    >>> K, how = thresholds(caps, np.array([0]), np.array([1]), criterion="two-sided")
    >>> round(float(K[0, 0]), 2)   # 1.96 * sqrt(1 + 1)
    2.77
    """
    rows = np.asarray(rows, dtype=int)
    cols = np.asarray(cols, dtype=int)
    crit = check_criterion(criterion)
    if not 0.0 < alpha < 0.5:
        raise IrtEloError(f"alpha {alpha!r} must lie in (0, 0.5), e.g. 0.05")
    if crit == "point":
        return np.zeros((len(rows), len(cols))), "point estimates compared (no significance test)"
    tail = alpha / 2.0 if crit == "two-sided" else alpha
    use_draws = _use_draws(caps, uncertainty)
    if use_draws:
        d = caps.draws.to_numpy(dtype=float)
        c = caps.frame["capability"].to_numpy(float)
        K = np.empty((len(rows), len(cols)))
        dc = d[:, cols]
        for a, i in enumerate(rows):
            diff = d[:, [i]] - dc
            K[a] = (c[i] - c[cols]) - np.quantile(diff, tail, axis=0)
        return K, f"paired bootstrap test on {len(d)} draws ({crit}, alpha {alpha:g})"
    if not caps.has_intervals:
        raise IrtEloError(f"criterion {crit!r} needs capability intervals, and this table has none (no ci_low/ci_high, "
                          "no bootstrap draws): fit with a bootstrap (irt-elo gap --bootstrap N) or use "
                          "criterion 'point'")
    s = caps.sigma.to_numpy(float)
    z = float(ndtri(1.0 - tail))
    K = z * np.sqrt(s[rows][:, None] ** 2 + s[cols][None, :] ** 2)
    return K, (f"z-test on CI-derived sigma = (ci_high - ci_low)/(2*{_z_level(caps.level):.3f}), models independent "
               f"({crit}, alpha {alpha:g}, z {z:.3f})")


def check_criterion(criterion: str) -> str:
    """The canonical name of a catch-up criterion (a few spellings accepted); :class:`IrtEloError` when unknown.

    Examples
    --------
    >>> check_criterion("two_sided"), check_criterion("reached")
    ('two-sided', 'point')
    """
    c = str(criterion).strip().lower().replace("_", "-")
    c = {"two": "two-sided", "twosided": "two-sided", "one": "one-sided", "onesided": "one-sided",
         "reached": "point", "point-estimate": "point"}.get(c, c)
    if c not in CRITERIA:
        raise IrtEloError(f"unknown catch-up criterion {criterion!r}; choose one of {', '.join(CRITERIA)}")
    return c


def check_method(method: str) -> str:
    """The gap method ``method`` names (case-insensitive); :class:`IrtEloError` when unknown.

    Examples
    --------
    >>> check_method("Epoch-2025")
    'epoch-2025'
    """
    m = str(method).strip().lower()
    if m not in METHODS:
        raise IrtEloError(f"unknown gap method {method!r}; choose one of {', '.join(METHODS)}")
    return m


# --------------------------------------------------------------------------------------------------------------------
# The three statistics on one capability vector (pure numpy; called once centrally and once per draw)


def _daily_stat(vL: np.ndarray, dL: np.ndarray, vT: np.ndarray, dT: np.ndarray, K: np.ndarray, days: np.ndarray,
                rL: np.ndarray | None = None, rT: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Epoch May-2026: per-day vertical gap and days since the leader was last not significantly better."""
    rL = frontier_records(dL, vL) if rL is None else rL
    rT = frontier_records(dT, vT) if rT is None else rT
    recdL, recdT = dL[rL], dT[rT]
    kL = np.searchsorted(recdL, days, side="right") - 1
    kT = np.searchsorted(recdT, days, side="right") - 1
    ok = (kL >= 0) & (kT >= 0)
    lead_id = rL[np.clip(kL, 0, None)]
    trail_id = rT[np.clip(kT, 0, None)]
    vertical = vL[lead_id] - vT[trail_id]
    # notsig[r, day]: lead record r (already released that day) is not significantly better than the trailing best.
    notsig = (vL[rL][:, None] - vT[trail_id][None, :]) <= K[np.ix_(rL, trail_id)]
    notsig &= np.arange(len(rL))[:, None] <= kL[None, :]
    matched = notsig.any(axis=0)
    last = np.where(matched, len(rL) - 1 - np.argmax(notsig[::-1], axis=0), -1)
    # The leader stayed "not better" until the day before its next record (or today if none came since).
    nxt = np.minimum(last + 1, len(rL) - 1)
    t = np.where(last == kL, days, recdL[nxt] - 1)
    t = np.where(matched, t, recdL[0] - 1)  # never matched: the day before the leader's first record (a bound)
    gap_days = (days - t).astype(float)
    vertical = np.where(ok, vertical, np.nan)
    gap_days = np.where(ok, gap_days, np.nan)
    return dict(points=vertical, days=gap_days, lead_id=lead_id, trail_id=trail_id, ok=ok,
                censored=ok & ~matched, matched_id=np.where(last >= 0, rL[np.clip(last, 0, None)], -1))


def _grid_stat(vL: np.ndarray, dL: np.ndarray, vT: np.ndarray, dT: np.ndarray, K: np.ndarray, n_levels: int,
               rL: np.ndarray | None = None, rT: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Epoch Oct-2025: horizontal gap on a grid of levels, vertical gap over the dates both frontiers exist."""
    rL = frontier_records(dL, vL) if rL is None else rL
    rT = frontier_records(dT, vT) if rT is None else rT
    lvL, lvT = vL[rL], vT[rT]
    lo, hi = max(lvL.min(), lvT.min()), min(lvL.max(), lvT.max())
    if hi < lo:
        levels = np.empty(0)
    else:
        levels = np.linspace(lo, hi, n_levels)
    # The leader's first record at or above the level (records are increasing; fp guard at the top).
    iL = np.minimum(np.searchsorted(np.maximum.accumulate(lvL), levels - 1e-12, side="left"), len(rL) - 1)
    lead_id = rL[iL]
    reach = lvT[None, :] >= levels[:, None] - 1e-12
    close = (vL[lead_id][:, None] - lvT[None, :]) <= K[np.ix_(lead_id, rT)]
    match = reach | close
    has = match.any(axis=1)
    j = np.argmax(match, axis=1)
    trail_id = rT[j]
    gap_days = np.where(has, (dT[trail_id] - dL[lead_id]).astype(float), np.nan)
    # Vertical: every day from the later first record to the earlier last record.
    d0, d1 = max(dL[rL].min(), dT[rT].min()), min(dL[rL].max(), dT[rT].max())
    days = np.arange(d0, d1 + 1) if d1 >= d0 else np.empty(0, dtype=np.int64)
    kL = np.searchsorted(dL[rL], days, side="right") - 1
    kT = np.searchsorted(dT[rT], days, side="right") - 1
    vertical = vL[rL][kL] - vT[rT][kT] if len(days) else np.empty(0)
    return dict(levels=levels, level_days=gap_days, lead_id=lead_id, trail_id=trail_id, reached=reach[
        np.arange(len(levels)), j] if len(levels) else np.empty(0, bool), days=days, points=vertical,
        day_lead_id=rL[kL] if len(days) else np.empty(0, int), day_trail_id=rT[kT] if len(days) else np.empty(0, int))


def _trend_stat(vL: np.ndarray, dL: np.ndarray, vT: np.ndarray, dT: np.ndarray, days: np.ndarray,
                rL: np.ndarray | None = None, rT: np.ndarray | None = None) -> dict[str, Any]:
    """CAISI: least-squares lines through each group's frontier records; gaps between the lines."""
    rL = frontier_records(dL, vL) if rL is None else rL
    rT = frontier_records(dT, vT) if rT is None else rT
    aL, bL, _ = line_fit(dL[rL], vL[rL])
    aT, bT, _ = line_fit(dT[rT], vT[rT])
    lead_line = aL + bL * days
    trail_line = aT + bT * days
    vertical = lead_line - trail_line
    gap_days = vertical / bL if bL > 0 else np.full(len(days), np.nan)
    return dict(points=vertical, days=gap_days, lead_line=lead_line, trail_line=trail_line,
                lead_fit=(aL, bL), trail_fit=(aT, bT), rL=rL, rT=rT)


def _procedure_stat(s: _GapSetup, v: np.ndarray, K: np.ndarray,
                    fixed: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, Any]:
    """``s.method``'s statistic on the capability vector ``v`` (``fixed``: the frontier records to keep)."""
    rL, rT = fixed if fixed is not None else (None, None)
    vL, dL, vT, dT = v[s.L], s.rel[s.L], v[s.T], s.rel[s.T]
    if s.method == "epoch-2026":
        return _daily_stat(vL, dL, vT, dT, K, s.days, rL, rT)
    if s.method == "epoch-2025":
        return _grid_stat(vL, dL, vT, dT, K, s.n_levels, rL, rT)
    return _trend_stat(vL, dL, vT, dT, s.days, rL, rT)


# --------------------------------------------------------------------------------------------------------------------
# The question a call asks, resolved and validated once (models, groups, window)


@dataclass(frozen=True, eq=False)  # eq=False: array fields make a field-wise == ambiguous
class _GapSetup:
    """One :func:`gap` question: each group's models, the window and the days the per-day gaps are taken on."""

    method: str
    caps: Capabilities  # regrouped when ``by``/``unknown`` asked for it
    lead: str
    trail: str
    L: np.ndarray  # rows of caps.frame: the leading group's models released in the window
    T: np.ndarray  # the same for the trailing group
    rel: np.ndarray  # release day of every row (see _days)
    c: np.ndarray  # central capability of every row
    start: pd.Timestamp | None  # the window reported; 'caisi' fills missing ends from the data
    end: pd.Timestamp | None
    days: np.ndarray  # empty for 'epoch-2025', whose horizontal gaps are per level
    n_levels: int
    last_release: pd.Timestamp
    data_label: str  # the data as error messages and notes name it


@dataclass(frozen=True, eq=False)
class _LagSetup:
    """One :func:`model_lag` question: the model and the leader's models released by its release day."""

    caps: Capabilities
    name: str
    lead: str
    m: int  # the model's row in caps.frame
    L: np.ndarray  # the leader's rows it is compared with
    rel: np.ndarray
    c: np.ndarray


def _gap_setup(caps: Capabilities, method: str, start: Any, end: Any, lead: str | None, trail: str | None,
               by: str | Mapping[str, str] | None, unknown: str | None, n_levels: int) -> _GapSetup:
    """Regroup, resolve both groups and the window, select each group's models; one-line errors when impossible."""
    if method == "caisi" and by is None and lead is None and trail is None:
        by = "country"
    caps = _regrouped(caps, by, unknown)
    default_lead, default_trail = DEFAULT_GROUPS.get(caps.grouping, ("closed", "open"))
    lead = caps.resolve_group(lead or default_lead)
    trail = caps.resolve_group(trail or default_trail)
    if lead == trail:
        raise IrtEloError(f"lead and trail are the same group ({lead!r}); choose two different groups")
    start_ts, end_ts = _window(method, start, end)

    fr = caps.frame
    grp = _group_array(fr)
    rel = _days(fr["release_date"])
    in_win = fr["release_date"].notna().to_numpy().copy()
    if end_ts is not None:
        in_win &= rel <= day_number(end_ts)
    if method in ("epoch-2025", "caisi") and start_ts is not None:
        in_win &= rel >= day_number(start_ts)
    L = np.flatnonzero(in_win & (grp == lead))
    T = np.flatnonzero(in_win & (grp == trail))
    last_release = fr["release_date"].max()
    data = caps.source or "the data"
    if method == "epoch-2026":
        when = f"by {format_date(end_ts)}"  # earlier models set the frontiers the window starts with
    else:
        when = (f"between {format_date(start_ts) or 'the start of the data'} "
                f"and {format_date(end_ts) or 'the end of the data'}")
    for name, idx in ((lead, L), (trail, T)):
        if len(idx) == 0:
            raise IrtEloError(f"no model of group {name!r} released {when} in {data} (data run "
                              f"{format_date(fr['release_date'].min())} to {format_date(last_release)}); "
                              "pass --from/--to dates inside the data")
    if method == "epoch-2026" and start_ts > last_release:
        raise IrtEloError(f"window starts {start_ts:%Y-%m-%d}, after the last release in {data} "
                          f"({last_release:%Y-%m-%d}); pass --from/--to dates inside the data")

    c = fr["capability"].to_numpy(float)
    s0, s1 = start_ts, end_ts  # Epoch's windows always have both ends: the defaults
    if method == "caisi":  # open ends from the data: both groups' lines exist, up to the last release
        first = max(rel[L][frontier_records(rel[L], c[L])][0], rel[T][frontier_records(rel[T], c[T])][0])
        s0 = start_ts if start_ts is not None else _ts(first)
        s1 = end_ts if end_ts is not None else _ts(max(rel[L].max(), rel[T].max()))
    days = np.arange(day_number(s0), day_number(s1) + 1) if method != "epoch-2025" else np.empty(0, dtype=np.int64)
    return _GapSetup(method=method, caps=caps, lead=lead, trail=trail, L=L, T=T, rel=rel, c=c, start=s0, end=s1,
                     days=days, n_levels=n_levels, last_release=last_release, data_label=data)


def _window(method: str, start: Any, end: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The window's ends: the dates given, else the method's published window (None: from the data)."""
    w0, w1 = DEFAULT_WINDOWS[method]
    start_ts = to_date(start, "start date") if start is not None else (pd.Timestamp(w0) if w0 else None)
    end_ts = to_date(end, "end date") if end is not None else (pd.Timestamp(w1) if w1 else None)
    if start_ts is not None and end_ts is not None and start_ts > end_ts:
        # Say which end came from the default window, so the user knows which date to add.
        if start is None:
            raise IrtEloError(f"end date {end_ts:%Y-%m-%d} is before {start_ts:%Y-%m-%d}, where the {method} method's "
                              "default window starts; give a start date too (--from)")
        if end is None:
            raise IrtEloError(f"start date {start_ts:%Y-%m-%d} is after {end_ts:%Y-%m-%d}, where the {method} method's "
                              "default window ends; give an end date too (--to)")
        raise IrtEloError(f"start date {start_ts:%Y-%m-%d} is after end date {end_ts:%Y-%m-%d}; swap them")
    return start_ts, end_ts


def _lag_setup(caps: Capabilities, model: str, lead: str, by: str | None, unknown: str | None,
               end: Any) -> _LagSetup:
    """Regroup, resolve the model and the leading group, select the leader's models; one-line errors."""
    caps = _regrouped(caps, by, unknown)
    name = caps.resolve_model(model)
    lead = caps.resolve_group(lead)
    fr = caps.frame
    if pd.isna(fr.loc[name, "release_date"]):
        raise IrtEloError(f"model {name!r} has no release date; cannot date its lag")
    rel = _days(fr["release_date"])
    grp = _group_array(fr)
    m = int(fr.index.get_loc(name))
    ok = fr["release_date"].notna().to_numpy() & (grp == lead) & (np.arange(len(fr)) != m)
    if end is not None:
        ok &= rel <= day_number(to_date(end, "end date"))
    ok &= rel <= rel[m]  # only what the leader had released by the model's release day matters
    L = np.flatnonzero(ok)
    if len(L) == 0:
        raise IrtEloError(f"no model of group {lead!r} released on or before {name!r} "
                          f"({format_date(fr.loc[name, 'release_date'])}) to compare it with")
    return _LagSetup(caps=caps, name=name, lead=lead, m=m, L=L, rel=rel, c=fr["capability"].to_numpy(float))


# --------------------------------------------------------------------------------------------------------------------
# Public functions


def gap(caps: Capabilities, method: Method = "epoch-2026", start: Any = None, end: Any = None, lead: str | None = None,
        trail: str | None = None, criterion: Criterion = "two-sided", level: float = 0.90, *, alpha: float = 0.05,
        by: str | Mapping[str, str] | None = None, unknown: str | None = None, uncertainty: str = "sigma",
        n_draws: int = 500, seed: int = 12345, days_per_month: float = DAYS_PER_MONTH, n_levels: int = 100,
        frontier_draws: str = "recompute") -> GapResult:
    """The average gap between two groups' frontiers by one of the published procedures, with intervals.

    Parameters
    ----------
    caps : Capabilities
        Fitted capabilities with intervals (or bootstrap draws) and release dates.
    method : {'epoch-2026', 'epoch-2025', 'caisi'}
        The procedure (see the module docstring).
    start, end : date-like, optional
        Window. Defaults: the published ones for Epoch's methods (2026-01-01..2026-05-28;
        2023-01-01..2025-10-30), the span where both groups have models for 'caisi'.
    lead, trail : str, optional
        Group labels. Default 'closed'/'open'; with ``by='country'`` (the default for 'caisi') the US and China.
    criterion : {'two-sided', 'one-sided', 'point'}
        When the trailing group counts as having caught up (ignored by 'caisi', which compares trend lines).
    level : float
        Level of the sampling intervals (and of the reported spread), 0.90 as Epoch.
    alpha : float
        Significance level of the catch-up test (0.05).
    by, unknown : optional
        Regroup first (see :meth:`Capabilities.regroup`): 'open', 'country', 'organization'; ``unknown='closed'``
        counts models of unknown accessibility as closed.
    uncertainty : {'sigma', 'draws', 'auto'}
        'sigma' (Epoch's procedure, the default of every command): each model's interval as an independent normal
        sigma, for the catch-up test and for parametric draws of the interval; 'draws': paired bootstrap draws
        (the table must have them); 'auto': draws when present, else sigmas.
    n_draws, seed : int
        Parametric draws used for the interval when the table has no bootstrap draws.
    days_per_month : float
        Months = days / this (30.5 as IAPS).
    n_levels : int
        Grid size of the 'epoch-2025' procedure (100 as IAPS).
    frontier_draws : {'recompute', 'fixed'}
        In each draw, recompute which models are on the frontiers (default) or keep the central frontier models.

    Returns
    -------
    GapResult

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> r = gap(caps, "epoch-2026", n_draws=50)
    >>> round(r.gap_points, 1), r.window[0].strftime("%Y-%m-%d")
    (9.4, '2026-01-01')
    """
    method = check_method(method)
    crit = check_criterion(criterion)
    _check_common(level, days_per_month, uncertainty, frontier_draws)
    s = _gap_setup(caps, method, start, end, lead, trail, by, unknown, n_levels)
    est = _central_estimate(s, crit, alpha, uncertainty, days_per_month)
    iv = _gap_interval(s, est.K, level=level, uncertainty=uncertainty, n_draws=n_draws, seed=seed,
                       dpm=days_per_month, frontier_draws=frontier_draws)
    series, levels_df = _series_frames(s, est.stat, days_per_month, iv.band)
    details = _gap_details(s, est, days_per_month, unknown=unknown, frontier_draws=frontier_draws, alpha=alpha,
                           uncertainty=uncertainty)
    q = _percentiles(level)
    spread_m, spread_p = _pct(est.months, q), _pct(est.points, q)  # what Epoch's Oct-2025 insight calls a CI
    res = GapResult(
        method=method, window=(s.start, s.end), data=s.caps.source, gap_months=_nanmean(est.months),
        gap_months_low=iv.months[0], gap_months_high=iv.months[1], gap_points=_nanmean(est.points),
        gap_points_low=iv.points[0], gap_points_high=iv.points[1], series=series, details=details,
        criterion=est.criterion, lead=s.lead, trail=s.trail, level=level, alpha=alpha, interval=iv.text,
        uncertainty=est.significance, days_per_month=days_per_month, scale=s.caps.scale,
        spread_months_low=spread_m[0], spread_months_high=spread_m[1], spread_points_low=spread_p[0],
        spread_points_high=spread_p[1], levels=levels_df,
        frontiers={"lead": _group_frontier(s.caps, s.L), "trail": _group_frontier(s.caps, s.T)}, draws=iv.draws)
    res.trend, res.range = _or_none(gap_trend, res), _or_none(gap_range, res)
    return res


def model_lag(caps: Capabilities, model: str, lead: str = "closed", *, criterion: Criterion = "point",
              how: str = "record", level: float = 0.90, alpha: float = 0.05, by: str | None = None,
              unknown: str | None = None, end: Any = None, uncertainty: str = "sigma", n_draws: int = 500,
              seed: int = 12345, days_per_month: float = DAYS_PER_MONTH) -> GapResult:
    """How many months a named model lags the leading group (CAISI's question about DeepSeek V4 Pro).

    With ``how='record'`` the lag is Epoch's May-2026 rule applied to this one model on its release day: the time
    since the latest date on which the leader's running best was not significantly better than the model. With
    ``criterion='point'`` that is the day before the leader's first model *above* the model's estimate, i.e. CAISI's
    "when the leader reached its level" (plus one day). Significance criteria give shorter lags: the leader must be
    significantly better. With ``how='trend'`` the lag is how long before the model's release the least-squares line
    through the leader's frontier records reached the model's value (CAISI's trend lines; criterion ignored).

    Parameters
    ----------
    caps : Capabilities
    model : str
        The model (e.g. ``'DeepSeek-V4-Pro'``); close matches are suggested when unknown.
    lead : str
        Leading group label ('closed'; with ``by='country'``, e.g. 'US').
    criterion : {'point', 'two-sided', 'one-sided'}
    how : {'record', 'trend'}
    end : date-like, optional
        Only leader models released on or before this date are considered (default: all).
    uncertainty, level, alpha, n_draws, seed, days_per_month, by, unknown
        As in :func:`gap` ('sigma', Epoch's independent CI-derived sigmas, by default).

    Returns
    -------
    GapResult
        ``gap_months``: months from that date to the model's release; ``gap_points``: leader's best (or trend value)
        at the model's release minus the model's value. ``series``: the leader's frontier, with
        ``significantly_better`` flagging the records that beat the model under the criterion.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> r = model_lag(caps, "DeepSeek-V4-Pro", n_draws=50)
    >>> r.details["first_better"], round(r.gap_months, 2)
    ('GPT-5', 8.56)
    """
    crit = check_criterion(criterion)
    if how not in ("record", "trend"):
        raise IrtEloError(f"how={how!r}: use 'record' (leader's frontier models) or 'trend' (its least-squares line)")
    _check_common(level, days_per_month, uncertainty, "recompute")
    s = _lag_setup(caps, model, lead, by, unknown, end)
    if how == "record":
        K, k_text = thresholds(s.caps, s.L, np.array([s.m]), criterion=crit, alpha=alpha, uncertainty=uncertainty)
    else:  # the trend line is compared as it stands: the criterion does not apply
        K, k_text = np.zeros((len(s.L), 1)), "least-squares line through the leader's frontier records"
        crit = "trend"
    lag = _lag_stat(s, s.c, K, how)
    iv = _lag_interval(s, K, how, level=level, uncertainty=uncertainty, n_draws=n_draws, seed=seed,
                       dpm=days_per_month)
    lead_front = _lag_frontier(s, K, days_per_month)
    details = _lag_details(s, lead_front, lag, how, k_text, dpm=days_per_month, unknown=unknown)
    window = (_ts(s.rel[s.L].min()), s.caps.frame.loc[s.name, "release_date"])
    return GapResult(
        method="model-lag", window=window, data=s.caps.source, gap_months=lag.days / days_per_month,
        gap_months_low=iv.months[0], gap_months_high=iv.months[1], gap_points=lag.points,
        gap_points_low=iv.points[0], gap_points_high=iv.points[1], series=lead_front, details=details,
        criterion=crit, lead=s.lead, trail=s.name, model=s.name, level=level, alpha=alpha, interval=iv.text,
        uncertainty=k_text, days_per_month=days_per_month, scale=s.caps.scale, frontiers={"lead": lead_front})


def criterion_table(caps: Capabilities, method: Method = "epoch-2026", **kwargs: Any) -> pd.DataFrame:
    """The same gap under each catch-up criterion, with intervals: one row per criterion.

    Keyword arguments go to :func:`gap`.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> t = criterion_table(caps, n_draws=20)
    >>> t["criterion"].tolist(), t["gap_months"].round(1).tolist()  # METHODS.md section 4: ~4.4, ~6.2, ~8.0
    (['two-sided', 'one-sided', 'point'], [4.4, 6.2, 8.0])
    """
    rows = []
    for crit in CRITERIA:
        r = gap(caps, method, criterion=crit, **kwargs)
        rows.append({"criterion": crit, "gap_months": r.gap_months, "gap_months_low": r.gap_months_low,
                     "gap_months_high": r.gap_months_high, "gap_points": r.gap_points,
                     "gap_points_low": r.gap_points_low, "gap_points_high": r.gap_points_high})
    return pd.DataFrame(rows)


def gap_trend(result: GapResult, start: Any = None, end: Any = None, level: float | None = None) -> GapTrend:
    """Is the gap widening? The least-squares slope of ``result``'s gap series over time, with an interval.

    The line is fitted to the gap on each day of the window ('epoch-2026', 'caisi') or, for 'epoch-2025', the
    horizontal gap at each capability level dated by the leader's first model at that level (and the vertical gap
    on each day). The time axis matters: a lag that grows ``r`` days per day of the trailer's releases grows
    ``r / (1 - r)`` days per day of the leader's, so 'epoch-2025' reads a steeper slope than the per-day methods.

    The interval is the percentile interval at ``level`` of the slopes fitted to the same series re-computed on
    each capability draw (the draws behind ``result``'s own interval, so the same seed gives the same numbers). It
    says how sure the slope is given the capability estimates; it does not model the timing of releases, which
    makes a per-day gap a sawtooth: a short window's slope can follow one release.

    Parameters
    ----------
    result : GapResult
        From :func:`gap` (not :func:`model_lag`, which has no series over time).
    start, end : date-like, optional
        Fit only the values dated inside this sub-window (default: all of ``result``'s series).
    level : float, optional
        Interval level (default ``result.level``).

    Returns
    -------
    GapTrend

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> t = gap_trend(gap(caps, "epoch-2026", n_draws=50))
    >>> t.verdict in VERDICTS, t.n_points, t.start.strftime("%Y-%m-%d")
    (True, 148, '2026-01-01')
    """
    level = result.level if level is None else float(level)
    if not 0.0 < level < 1.0:
        raise IrtEloError(f"level {level!r} must lie strictly between 0 and 1 (e.g. 0.90)")
    tm, ym, tp, yp = _central_series(result)
    lo, hi = _window_days(start, end)
    tm, tp = _masked(tm, lo, hi), _masked(tp, lo, hi)
    ok = np.isfinite(tm) & np.isfinite(ym)
    if ok.sum() < 2:
        raise IrtEloError(f"fewer than two gap values between {format_date(_ts_or_none(lo)) or 'the start'} and "
                          f"{format_date(_ts_or_none(hi)) or 'the end'}: no trend to fit; widen the window")
    per_year = 365.25
    m_slope = float(_ols_slopes(tm, ym)) * per_year
    p_slope = float(_ols_slopes(tp, yp)) * per_year
    q = _percentiles(level)
    m_iv = p_iv = (float("nan"), float("nan"))
    text = "no interval: the table has no intervals or draws"
    if result.draws is not None:
        d = result.draws
        m_iv = _pct(_ols_slopes(_masked(d.months_t, lo, hi), d.months) * per_year, q)
        p_iv = _pct(_ols_slopes(_masked(d.points_t, lo, hi), d.points) * per_year, q)
        text = f"{level:.0%} percentile interval of the slope over {d.text}; the gap series re-computed on each draw"
    t0, t1 = int(tm[ok].min()), int(tm[ok].max())
    return GapTrend(months_per_year=m_slope, months_per_year_low=m_iv[0], months_per_year_high=m_iv[1],
                    points_per_year=p_slope, points_per_year_low=p_iv[0], points_per_year_high=p_iv[1],
                    verdict=_verdict(*m_iv), level=level, basis=_trend_basis(result, tm[ok], tp, yp),
                    n_points=int(ok.sum()), start=_ts(t0), end=_ts(t1), interval=text)


def gap_range(result: GapResult, start: Any = None, end: Any = None) -> GapRange:
    """The smallest and largest gap of ``result``'s per-day series inside a window (default: the whole series).

    For claims such as "the gap roughly stays between 3 and 7 months since DeepSeek R1": run :func:`gap` over the
    period and read the range, or pass a sub-window here.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> r = gap(caps, "epoch-2026", n_draws=20)
    >>> g = gap_range(r, "2026-02-01", "2026-02-28")
    >>> g.n_days, g.months_min <= g.months_max
    (28, True)
    """
    tm, ym, tp, yp = _central_series(result)
    lo, hi = _window_days(start, end)
    tm, tp = _masked(tm, lo, hi), _masked(tp, lo, hi)
    m = ym[np.isfinite(tm) & np.isfinite(ym)]
    okp = np.isfinite(tp) & np.isfinite(yp)
    if len(m) == 0 or not okp.any():
        raise IrtEloError(f"no gap values between {format_date(_ts_or_none(lo)) or 'the start'} and "
                          f"{format_date(_ts_or_none(hi)) or 'the end'} in this result (window "
                          f"{format_date(result.window[0])}..{format_date(result.window[1])})")
    return GapRange(months_min=float(m.min()), months_max=float(m.max()), points_min=float(yp[okp].min()),
                    points_max=float(yp[okp].max()), start=_ts(int(tp[okp].min())), end=_ts(int(tp[okp].max())),
                    n_days=int(okp.sum()))


def _or_none(fn: Any, result: GapResult) -> Any:
    """``fn(result)`` (:func:`gap_trend` or :func:`gap_range`), None when the series is too short for it."""
    try:
        return fn(result)
    except IrtEloError:
        return None


def _central_series(result: GapResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(days, months, days, points) of a gap result's central series, days as float day numbers."""
    ser = result.series
    if result.method == "model-lag" or not {"date", "gap_points"} <= set(ser.columns):
        raise IrtEloError(f"a {result.method} result has no gap series over time; use gap() with a method "
                          f"({', '.join(METHODS)})")
    tp = day_numbers(ser["date"]).astype(float)
    yp = ser["gap_points"].to_numpy(float)
    if result.levels is not None:  # epoch-2025: horizontal gaps per level, dated by the leader's model
        return (day_numbers(result.levels["lead_date"]).astype(float), result.levels["gap_months"].to_numpy(float),
                tp, yp)
    return tp, ser["gap_months"].to_numpy(float), tp, yp


def _trend_basis(result: GapResult, tm: np.ndarray, tp: np.ndarray, yp: np.ndarray) -> str:
    """What series a trend was fitted to, in words."""
    ok = np.isfinite(tp) & np.isfinite(yp)
    days = f"{format_date(_ts(int(tp[ok].min())))}..{format_date(_ts(int(tp[ok].max())))}" if ok.any() else "none"
    span = f"{format_date(_ts(int(tm.min())))}..{format_date(_ts(int(tm.max())))}"
    if result.levels is not None:
        return (f"the horizontal gap at each of {len(tm)} capability levels, dated by the leader's first model at "
                f"the level ({span}); the vertical gap on each day {days}")
    if result.method == "caisi":
        return f"the gap between the groups' trend lines on each day {span} ({len(tm)} days)"
    return f"the gap on each day {span} ({len(tm)} days)"


def _ols_slopes(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slope of ``y`` on ``t`` along the last axis (rows broadcast), ignoring NaN pairs.

    NaN where a row has fewer than two distinct ``t``.

    Examples
    --------
    >>> _ols_slopes(np.array([[0.0, 1.0, 2.0, np.nan]]), np.array([[1.0, 3.0, 5.0, 9.0], [0.0, 0.0, 0.0, 0.0]]))
    array([2., 0.])
    """
    t, y = np.broadcast_arrays(np.asarray(t, dtype=float), np.asarray(y, dtype=float))
    ok = np.isfinite(t) & np.isfinite(y)
    n = ok.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        tz, yz = np.where(ok, t, 0.0), np.where(ok, y, 0.0)
        dt = np.where(ok, t - (tz.sum(axis=-1) / n)[..., None], 0.0)
        dy = np.where(ok, y - (yz.sum(axis=-1) / n)[..., None], 0.0)
        sxx = (dt * dt).sum(axis=-1)
        return np.where((n >= 2) & (sxx > 0), (dt * dy).sum(axis=-1) / sxx, np.nan)


def _verdict(low: float, high: float) -> str:
    """'widening' / 'narrowing' when the interval excludes 0 on that side, else 'no detectable trend'.

    Examples
    --------
    >>> _verdict(0.4, 5.9), _verdict(-3.0, -0.1), _verdict(-1.0, 2.0), _verdict(float("nan"), float("nan"))
    ('widening', 'narrowing', 'no detectable trend', 'no detectable trend')
    """
    if low > 0:
        return "widening"
    if high < 0:
        return "narrowing"
    return "no detectable trend"


def _window_days(start: Any, end: Any) -> tuple[float, float]:
    """A window's ends as day numbers (-inf/+inf when open); :class:`IrtEloError` when reversed."""
    lo = float(day_number(to_date(start, "start date"))) if start is not None else -np.inf
    hi = float(day_number(to_date(end, "end date"))) if end is not None else np.inf
    if lo > hi:
        raise IrtEloError(f"start date {format_date(_ts(int(lo)))} is after end date {format_date(_ts(int(hi)))}; "
                          "swap them")
    return lo, hi


def _masked(t: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Day numbers outside ``[lo, hi]`` set to NaN."""
    t = np.asarray(t, dtype=float)
    return np.where((t >= lo) & (t <= hi), t, np.nan)


def _ts_or_none(day: float) -> pd.Timestamp | None:
    return _ts(int(day)) if np.isfinite(day) else None


# --------------------------------------------------------------------------------------------------------------------
# gap(): the central estimate, the interval over draws, the series and the details


@dataclass(frozen=True, eq=False)
class _Estimate:
    """The procedure on the central capabilities, with the thresholds every draw then reuses."""

    stat: dict[str, Any]  # the procedure's own output (_daily_stat, _grid_stat or _trend_stat)
    months: np.ndarray  # horizontal gap per day, or per level for 'epoch-2025'
    points: np.ndarray  # vertical gap per day
    K: np.ndarray  # significance thresholds (see thresholds)
    significance: str  # how K was obtained
    criterion: str  # the catch-up criterion, or 'trend' for 'caisi'


@dataclass(frozen=True)
class _Interval:
    """Percentile intervals of the averages over capability draws (NaN without draws), and per-day bands."""

    months: tuple[float, float] = (float("nan"), float("nan"))
    points: tuple[float, float] = (float("nan"), float("nan"))
    band: tuple[np.ndarray, np.ndarray] | None = None  # per-day (months, points) percentiles
    text: str = "no interval: the table has no intervals or draws"
    draws: GapDraws | None = None  # the gap series on each draw (for gap_trend)


def _central_estimate(s: _GapSetup, crit: str, alpha: float, uncertainty: str, dpm: float) -> _Estimate:
    """Thresholds for the criterion and the procedure on the central capabilities."""
    if s.method == "caisi":  # trend lines are compared as they stand: no catch-up test
        K = np.zeros((len(s.L), len(s.T)))
        k_text = "trend lines compared (no significance test)"
        crit = "trend"
    else:
        K, k_text = thresholds(s.caps, s.L, s.T, criterion=crit, alpha=alpha, uncertainty=uncertainty)
    stat = _procedure_stat(s, s.c, K)
    if s.method == "epoch-2025" and len(stat["levels"]) == 0:
        raise IrtEloError(f"the {s.lead} and {s.trail} frontiers cover no common capability range in the window")
    per_unit = stat["level_days"] if s.method == "epoch-2025" else stat["days"]
    return _Estimate(stat=stat, months=per_unit / dpm, points=stat["points"], K=K, significance=k_text,
                     criterion=crit)


def _gap_interval(s: _GapSetup, K: np.ndarray, *, level: float, uncertainty: str, n_draws: int, seed: int,
                  dpm: float, frontier_draws: str) -> _Interval:
    """The whole procedure re-run on each capability draw, keeping the central thresholds ``K``."""
    if not s.caps.has_intervals:
        return _Interval()
    _check_draw_memory(s.caps, uncertainty, n_draws, len(s.days))
    draws, draw_text = _draws(s.caps, uncertainty, n_draws, seed)
    fixed = None
    if frontier_draws == "fixed":
        fixed = (frontier_records(s.rel[s.L], s.c[s.L]), frontier_records(s.rel[s.T], s.c[s.T]))
    by_day = s.method != "epoch-2025"  # epoch-2025's horizontal gaps are per level: no per-day band
    stats_m = np.empty(len(draws))
    stats_p = np.empty(len(draws))
    per_day_m = np.empty((len(draws), len(s.days))) if by_day else None
    per_day_p = np.empty((len(draws), len(s.days))) if by_day else None
    per_level: list[tuple[np.ndarray, ...]] = []  # epoch-2025: (level dates, months, days, points) per draw
    for b, v in enumerate(draws):
        r = _procedure_stat(s, v, K, fixed)
        if by_day:
            per_day_m[b] = r["days"] / dpm
            per_day_p[b] = r["points"]
            stats_m[b] = _nanmean(per_day_m[b])
            stats_p[b] = _nanmean(per_day_p[b])
        else:
            stats_m[b] = _nanmean(r["level_days"] / dpm)
            stats_p[b] = _nanmean(r["points"])
            per_level.append((s.rel[s.L][r["lead_id"]], r["level_days"] / dpm, r["days"], r["points"]))
    q = _percentiles(level)
    band = (_nanpercentile_cols(per_day_m, q), _nanpercentile_cols(per_day_p, q)) if by_day else None
    text = (f"{level:.0%} percentile interval over {draw_text}; the procedure is re-run on each draw "
            f"({'frontiers recomputed' if frontier_draws == 'recompute' else 'central frontier models'}"
            f"{', central significance thresholds' if s.method != 'caisi' else ''})")
    if by_day:
        t = s.days[None, :].astype(float)
        gd = GapDraws(months_t=t, months=per_day_m, points_t=t, points=per_day_p, text=draw_text)
    else:
        lt, lm, dt, dp = (_padded([x[k] for x in per_level]) for k in range(4))
        gd = GapDraws(months_t=lt, months=lm, points_t=dt, points=dp, text=draw_text)
    return _Interval(months=_pct(stats_m, q), points=_pct(stats_p, q), band=band, text=text, draws=gd)


def _gap_details(s: _GapSetup, est: _Estimate, dpm: float, *, unknown: str | None, frontier_draws: str,
                 alpha: float, uncertainty: str) -> dict[str, Any]:
    """How the numbers were obtained, counts and caveats, and (Epoch's methods) the gap under each criterion."""
    st, months, points = est.stat, est.months, est.points
    details: dict[str, Any] = {
        "method_description": METHOD_TEXT[s.method],
        "significance": est.significance,
        "months": f"days / {dpm:g}",
        "n_lead_models": int(len(s.L)), "n_trail_models": int(len(s.T)),
        "grouping": s.caps.grouping, "unknown_group_as": unknown,
        "frontier_draws": frontier_draws,
        "published": PUBLISHED.get(s.method),
        **_unknown_group_details(s.caps, unknown),
    }
    if s.method != "epoch-2025" and s.end > s.last_release:
        details["window_note"] = (f"the window ends {s.end:%Y-%m-%d}, after the last release in {s.data_label} "
                                  f"({s.last_release:%Y-%m-%d}): the days after it assume no later release")
    if s.method == "epoch-2026":
        details["n_days"] = int(len(s.days))
        details["n_days_never_matched"] = int(st["censored"].sum())
        if st["censored"].any():
            details["note"] = ("on some days the leader was significantly better than the trailing best since its "
                               "first model; those days count from the day before that first model (a lower bound)")
    if s.method == "epoch-2025":
        details["n_levels"] = int(len(st["levels"]))
        details["n_negative_levels"] = int(np.sum(st["level_days"] < 0))
        details["n_vertical_days"] = int(len(st["days"]))
        details["vertical_window"] = [format_date(_ts(st["days"][0])), format_date(_ts(st["days"][-1]))] \
            if len(st["days"]) else None
    if s.method == "caisi":
        (_, bL), (_, bT) = st["lead_fit"], st["trail_fit"]
        names = s.caps.frame.index.to_numpy()
        details.update(
            lead_slope_per_year=bL * 365.25, trail_slope_per_year=bT * 365.25,
            gap_months_at_end=float(months[-1]) if len(months) else float("nan"),
            gap_points_at_end=float(points[-1]) if len(points) else float("nan"),
            gap_months_at_start=float(months[0]) if len(months) else float("nan"),
            widening_points_per_year=(bL - bT) * 365.25,
            lead_records=[str(x) for x in names[s.L][st["rL"]]],
            trail_records=[str(x) for x in names[s.T][st["rT"]]])
    else:
        details["by_criterion"] = _by_criterion(s, alpha, uncertainty, dpm)
    return details


def _by_criterion(s: _GapSetup, alpha: float, uncertainty: str, dpm: float) -> dict[str, Any]:
    """Central gap under each criterion (no intervals): the sensitivity users most need to see."""
    out: dict[str, Any] = {}
    for crit in CRITERIA:
        try:
            K, _ = thresholds(s.caps, s.L, s.T, criterion=crit, alpha=alpha, uncertainty=uncertainty)
        except IrtEloError:
            out[crit] = None
            continue
        r = _procedure_stat(s, s.c, K)
        per_unit = r["days"] if s.method == "epoch-2026" else r["level_days"]
        out[crit] = {"gap_months": _nanmean(per_unit / dpm), "gap_points": _nanmean(r["points"])}
    return out


def _series_frames(s: _GapSetup, st: dict[str, Any], dpm: float,
                   band: tuple[np.ndarray, np.ndarray] | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The per-day series (with the sampling band when there is one) and, for 'epoch-2025', the per-level table."""
    if s.method == "epoch-2025":
        return _grid_frames(s, st, dpm)
    if s.method == "epoch-2026":
        series = _daily_series(s, st, dpm)
    else:
        series = pd.DataFrame({"date": dates_from_days(s.days), "lead_trend": st["lead_line"],
                               "trail_trend": st["trail_line"], "gap_points": st["points"],
                               "gap_months": st["days"] / dpm})
    if band is not None:
        (m_lo, m_hi), (p_lo, p_hi) = band
        series["gap_points_low"], series["gap_points_high"] = p_lo, p_hi
        series["gap_months_low"], series["gap_months_high"] = m_lo, m_hi
    return series, None


def _daily_series(s: _GapSetup, st: dict[str, Any], dpm: float) -> pd.DataFrame:
    """'epoch-2026' day by day: both groups' best models, the gaps and the leader's last not-better record."""
    names = s.caps.frame.index.to_numpy()
    namesL, namesT, cL, cT = names[s.L], names[s.T], s.c[s.L], s.c[s.T]
    ok = st["ok"]
    return pd.DataFrame({
        "date": dates_from_days(s.days),
        "lead_model": np.where(ok, namesL[st["lead_id"]], None),
        "lead_capability": np.where(ok, cL[st["lead_id"]], np.nan),
        "trail_model": np.where(ok, namesT[st["trail_id"]], None),
        "trail_capability": np.where(ok, cT[st["trail_id"]], np.nan),
        "gap_points": st["points"],
        "gap_months": st["days"] / dpm,
        "last_not_better": np.where(st["matched_id"] >= 0, namesL[np.clip(st["matched_id"], 0, None)], None),
        "never_matched": st["censored"],
    })


def _grid_frames(s: _GapSetup, st: dict[str, Any], dpm: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """'epoch-2025': the vertical gap day by day and the horizontal gap level by level."""
    names = s.caps.frame.index.to_numpy()
    namesL, namesT, cL, cT = names[s.L], names[s.T], s.c[s.L], s.c[s.T]
    d = st["days"]
    series = pd.DataFrame({
        "date": dates_from_days(d),
        "lead_model": namesL[st["day_lead_id"]] if len(d) else [],
        "lead_capability": cL[st["day_lead_id"]] if len(d) else [],
        "trail_model": namesT[st["day_trail_id"]] if len(d) else [],
        "trail_capability": cT[st["day_trail_id"]] if len(d) else [],
        "gap_points": st["points"],
    })
    levels = pd.DataFrame({
        "level": st["levels"],
        "lead_model": namesL[st["lead_id"]],
        "lead_date": dates_from_days(s.rel[s.L][st["lead_id"]]),
        "trail_model": namesT[st["trail_id"]],
        "trail_capability": cT[st["trail_id"]],
        "trail_reached_level": st["reached"],
        "gap_months": st["level_days"] / dpm,
    })
    return series, levels


def _group_frontier(caps: Capabilities, rows: np.ndarray) -> pd.DataFrame:
    """The frontier (running best) of the models at ``rows`` of ``caps.frame``."""
    return frontier(caps.subset(np.isin(np.arange(len(caps.frame)), rows)), None)


# --------------------------------------------------------------------------------------------------------------------
# model_lag(): the lag on one capability vector, its interval, the leader's frontier and the details


class _Lag(NamedTuple):
    """One model's lag on one capability vector."""

    days: float  # lag in days (NaN when the leader's trend never rises)
    points: float  # leader's best (or trend value) on the model's release day minus the model
    matched: int  # position in L of the leader's last record not better than the model; -1 if none or 'trend'
    censored: bool  # the leader was better from its first model on: ``days`` is a lower bound


def _lag_stat(s: _LagSetup, v: np.ndarray, K: np.ndarray, how: str) -> _Lag:
    """Epoch's May-2026 rule on the model's release day (``how='record'``) or CAISI's trend line (``'trend'``)."""
    L, rel, m = s.L, s.rel, s.m
    day = np.array([rel[m]])
    if how == "trend":
        r = frontier_records(rel[L], v[L])
        a, b, _ = line_fit(rel[L][r], v[L][r])
        if not b > 0:  # a flat or falling line never reaches the model
            return _Lag(float("nan"), float("nan"), -1, False)
        return _Lag(float(day[0] - (v[m] - a) / b), float(a + b * day[0] - v[m]), -1, False)
    M = np.array([m])
    st = _daily_stat(v[L], rel[L], v[M], rel[M], K, day)
    return _Lag(float(st["days"][0]), float(st["points"][0]), int(st["matched_id"][0]), bool(st["censored"][0]))


def _lag_interval(s: _LagSetup, K: np.ndarray, how: str, *, level: float, uncertainty: str, n_draws: int,
                  seed: int, dpm: float) -> _Interval:
    """The lag re-computed on each capability draw (leader's frontier recomputed, central thresholds kept)."""
    if not s.caps.has_intervals:
        return _Interval()
    _check_draw_memory(s.caps, uncertainty, n_draws, 0)
    draws, draw_text = _draws(s.caps, uncertainty, n_draws, seed)
    res = np.array([_lag_stat(s, v, K, how)[:2] for v in draws], dtype=float)
    q = _percentiles(level)
    return _Interval(months=_pct(res[:, 0] / dpm, q), points=_pct(res[:, 1], q),
                     text=f"{level:.0%} percentile interval over {draw_text}; leader frontier recomputed per draw")


def _lag_frontier(s: _LagSetup, K: np.ndarray, dpm: float) -> pd.DataFrame:
    """The leader's frontier, flagging the records significantly better than the model (the central test)."""
    lead_front = _group_frontier(s.caps, s.L)
    li = {n: i for i, n in enumerate(s.caps.frame.index[s.L])}
    vm = s.c[s.m]
    lead_front["significantly_better"] = [bool(x - vm > K[li[n], 0]) for n, x in
                                          zip(lead_front["model"], lead_front["capability"])]
    lead_front["months_before_model"] = (s.rel[s.m] - _days(lead_front["release_date"])) / dpm
    return lead_front


def _lag_details(s: _LagSetup, lead_front: pd.DataFrame, lag: _Lag, how: str, k_text: str, *, dpm: float,
                 unknown: str | None) -> dict[str, Any]:
    """The model, how the lag was found, and the leader's records that bound it (or the trend's slope)."""
    fr = s.caps.frame
    details: dict[str, Any] = {
        "method_description": METHOD_TEXT["model-lag"],
        "model_capability": float(s.c[s.m]), "model_release_date": format_date(fr.loc[s.name, "release_date"]),
        "how": how, "significance": k_text, "months": f"days / {dpm:g}",
        "grouping": s.caps.grouping, "unknown_group_as": unknown,
        "published": PUBLISHED["caisi"] if normalise_name(s.name) == normalise_name("DeepSeek-V4-Pro") else None,
        **_unknown_group_details(s.caps, unknown),
    }
    g_days, rel_m = lag.days, s.rel[s.m]
    if how == "trend":
        L, rel, c = s.L, s.rel, s.c
        r = frontier_records(rel[L], c[L])
        _, b, _ = line_fit(rel[L][r], c[L][r])
        details.update(trend_slope_per_year=b * 365.25,
                       trend_reached_on=format_date(_ts(int(round(rel_m - g_days)))) if np.isfinite(g_days) else None)
        return details
    last_ok = str(fr.index[s.L][lag.matched]) if lag.matched >= 0 else None
    recs = lead_front.set_index("model")
    later = recs.index[recs.index.get_loc(last_ok) + 1:] if last_ok is not None else recs.index
    first_better = next((x for x in later if recs.loc[x, "significantly_better"]), None)
    details.update(
        last_not_better=last_ok,
        first_better=first_better,
        first_better_date=format_date(recs.loc[first_better, "release_date"]) if first_better else None,
        first_better_capability=float(recs.loc[first_better, "capability"]) if first_better else None,
        not_better_until=format_date(_ts(rel_m - g_days)) if np.isfinite(g_days) else None)
    if lag.censored:
        details["note"] = (f"the {s.lead} group was significantly better than {s.name} from its first model on; "
                           "the lag counts from the day before that model (a lower bound)")
    return details


# --------------------------------------------------------------------------------------------------------------------
# Helpers


def _check_common(level: float, dpm: float, uncertainty: str, frontier_draws: str) -> None:
    if not 0.0 < float(level) < 1.0:
        raise IrtEloError(f"level {level!r} must lie strictly between 0 and 1 (e.g. 0.90)")
    if not float(dpm) > 0:
        raise IrtEloError(f"days_per_month must be positive, got {dpm!r}")
    if uncertainty not in ("auto", "draws", "sigma"):
        raise IrtEloError(f"uncertainty={uncertainty!r}: use 'auto', 'draws' or 'sigma'")
    if frontier_draws not in ("recompute", "fixed"):
        raise IrtEloError(f"frontier_draws={frontier_draws!r}: use 'recompute' or 'fixed'")


def _unknown_group_details(caps: Capabilities, unknown: str | None) -> dict[str, Any]:
    """How many dated models no group holds (left out of every frontier), and how to include them."""
    fr = caps.frame
    dated = fr["release_date"].notna().to_numpy()
    g = fr["group"].astype("string").str.strip()
    n = int(((g.isna() | g.eq("")).fillna(True).to_numpy(dtype=bool) & dated).sum())
    out: dict[str, Any] = {"n_unknown_group": n}
    if n:
        what = {"open": "open/closed status"}.get(str(caps.grouping), f"{caps.grouping} group")
        out["unknown_note"] = (f"{n} of {int(dated.sum())} dated models have no known {what} and are left out of "
                               "both frontiers; pass --unknown-as GROUP (API: unknown='GROUP') to count them in one")
    return out


def _regrouped(caps: Capabilities, by: Any, unknown: str | None) -> Capabilities:
    """``caps`` regrouped ``by`` (default: its own standard grouping, else open/closed) when either option is given."""
    if by is None and unknown is None:
        return caps
    if by is None:
        by = caps.grouping if caps.grouping != "custom" else "open"
    return caps.regroup(by, unknown=unknown)


def _use_draws(caps: Capabilities, uncertainty: str) -> bool:
    if uncertainty == "draws" and caps.draws is None:
        raise IrtEloError("uncertainty='draws' but this table has no bootstrap draws; fit with a bootstrap or use "
                          "uncertainty='sigma'")
    return caps.draws is not None and uncertainty != "sigma"


def _check_draw_memory(caps: Capabilities, uncertainty: str, n_draws: int, n_days: int) -> None:
    """One clear line, before allocating, when the draws would not fit in memory (``--draws 10000000``)."""
    rows = len(caps.draws) if _use_draws(caps, uncertainty) else int(n_draws)
    # parametric draws: normals, the split-normal result and a temporary (3 x models); per-day months and points
    # and their sorted copies for the percentiles (4 x days)
    n_bytes = 8.0 * rows * (3 * len(caps.frame) + 4 * n_days)
    check_allocation(n_bytes, f"the gap interval over {rows} draws ({len(caps.frame)} models, {n_days} days)",
                     "use fewer draws (--draws; 500 is Epoch's number)")


def _draws(caps: Capabilities, uncertainty: str, n_draws: int, seed: int) -> tuple[np.ndarray, str]:
    if _use_draws(caps, uncertainty):
        return caps.draw_matrix()
    if caps.draws is not None:  # forced sigma: parametric draws from the intervals, ignoring the bootstrap
        from dataclasses import replace

        return replace(caps, draws=None).draw_matrix(n_draws, seed)
    return caps.draw_matrix(n_draws, seed)


def _group_array(fr: pd.DataFrame) -> np.ndarray:
    """Group labels as an object array with None (never equal to a label) where unknown."""
    g = fr["group"].astype(object)
    return g.where(fr["group"].notna(), None).to_numpy()


def _z_level(level: float) -> float:
    return float(ndtri(0.5 + level / 2.0))


def _days(dates: pd.Series) -> np.ndarray:
    """Dates as integer days since 1970-01-01 (NaT -> a huge sentinel never inside a window)."""
    return np.where(pd.isna(dates).to_numpy(), np.iinfo(np.int64).max // 2, day_numbers(dates))


def _ts(day: int | np.integer) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))


def _nanpercentile_cols(x: np.ndarray, q: list[float]) -> np.ndarray:
    """Per-column percentiles ignoring NaN; NaN (without numpy's all-NaN warning) for days no draw covers."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        return np.nanpercentile(x, q, axis=0)


def _nanmean(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=float)
    return float(np.nanmean(x)) if np.isfinite(x).any() else float("nan")


def _padded(rows: list[np.ndarray]) -> np.ndarray:
    """Rows of unequal length as one float matrix, NaN-padded on the right.

    Examples
    --------
    >>> _padded([np.array([1, 2]), np.array([3])])
    array([[ 1.,  2.],
           [ 3., nan]])
    """
    out = np.full((len(rows), max((len(r) for r in rows), default=0)), np.nan)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out


def _percentiles(level: float) -> list[float]:
    """The percentiles (0-100) bounding a central interval at ``level``."""
    return [(1.0 - level) / 2.0 * 100.0, (1.0 + level) / 2.0 * 100.0]


def _pct(x: np.ndarray, q: list[float]) -> tuple[float, float]:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    lo, hi = np.percentile(x, q)
    return float(lo), float(hi)


__all__ = ["GapResult", "GapTrend", "GapRange", "GapDraws", "gap", "gap_trend", "gap_range", "model_lag",
           "criterion_table", "thresholds", "METHODS", "CRITERIA", "PUBLISHED",
           "DEFAULT_WINDOWS", "DAYS_PER_MONTH"]
