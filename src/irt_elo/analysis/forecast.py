"""Where the two frontiers are heading: projections with prediction intervals, the gap forward, catch-up dates, and
a backtest that says how far such forecasts have been right.

What is forecast is each group's *frontier level*: the capability of its best model released on or before a date
(the running maximum, a step function). Its trend is a least-squares line fitted to that step function sampled
weekly: one line, or two pieces joined at a break chosen among the frontier records where their BIC prefers it and
a year of data lies on each side. The projection continues the last piece, as the process that made it: records
arrive at that piece's rate (a Poisson process) and each moves the frontier by one of that piece's record jumps,
resampled. Each simulated path draws its own rate (gamma posterior) and its own bootstrap of the jumps, so the
intervals carry the uncertainty of the slope, the scatter of the records (when they land and by how much) and the
plain fact that a frontier is flat until the next record - a line with normal errors has none of these shapes and,
on Epoch's data, covered barely half of what happened.

From the same paths: the gap in points (leading minus trailing level) and in months (how long before each date the
leading frontier was last not above the trailing one's level, as ``irt-elo gap --criterion point`` counts it: its
recorded history, then its projected path), the date
the trailing frontier reaches the leader's level at the forecast date, and whether the gap closes within the
horizon.

:func:`backtest` cuts the data at past release dates, forecasts from each cut with the same function, and scores the
forecasts against what the data show happened; :func:`vintage_backtest` forecasts from an earlier data release and
scores against a later one. Both report the coverage of the intervals and the median error in months.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from irt_elo.analysis.capabilities import (
    Capabilities,
    dates_from_days,
    day_number,
    day_numbers,
    format_date,
    frontier_records,
    to_date,
)
from irt_elo.analysis.gap import DAYS_PER_MONTH  # the gap's convention (IAPS, Epoch)
from irt_elo.analysis.trends import DAYS_PER_YEAR, line_fit, scan_breaks
from irt_elo.errors import IrtEloError

TrendForm = Literal["auto", "linear", "breakpoint"]
TREND_FORMS = ("auto", "linear", "breakpoint")
VINTAGE_EVERY = "1m"  # a vintage backtest has one forecast date: score it every month
SAMPLE_DAYS = 7  # the step function is sampled weekly
MIN_SEGMENT = 3  # frontier records on each side of a break (the break record counts on both)
MIN_SEGMENT_DAYS = 365  # data on each side of a break
MIN_RECORDS = 4  # a trend with a scatter estimate needs a few records
DRAWS_TEXT = ("{n} simulated paths per frontier (seed {seed}): records arrive at the rate of the trend's last piece, "
              "each moving the frontier by a resampled past jump; rate and jumps drawn per path. Capabilities at "
              "their estimates (their noise is part of the jumps' scatter)")
CLOSE_VERDICTS = ("closes within the horizon", "not within the horizon", "undetermined within the horizon")
_UNITS = {"d": "days", "day": "days", "days": "days", "w": "weeks", "wk": "weeks", "week": "weeks",
          "weeks": "weeks", "m": "months", "mo": "months", "month": "months", "months": "months", "y": "years",
          "yr": "years", "year": "years", "years": "years"}


# --------------------------------------------------------------------------------------------------------------------
# Horizons


@dataclass(frozen=True)
class Horizon:
    """A forecast horizon: a count of calendar days, weeks, months or years."""

    value: int
    unit: str  # days | weeks | months | years

    @property
    def text(self) -> str:
        return f"{self.value} {self.unit[:-1] if self.value == 1 else self.unit}"

    def end(self, start: Any) -> pd.Timestamp:
        """The date ``self`` after ``start`` (calendar months and years)."""
        start = to_date(start, "forecast date")
        offset = {"days": pd.DateOffset(days=self.value), "weeks": pd.DateOffset(weeks=self.value),
                  "months": pd.DateOffset(months=self.value), "years": pd.DateOffset(years=self.value)}[self.unit]
        return (start + offset).normalize()


def parse_horizon(text: str | Horizon) -> Horizon:
    """``'12m'``, ``'18 months'``, ``'2y'``, ``'90d'``, ``'6w'`` as a :class:`Horizon`.

    Examples
    --------
    >>> parse_horizon("12m"), parse_horizon("2 years").text
    (Horizon(value=12, unit='months'), '2 years')
    """
    if isinstance(text, Horizon):
        return text
    m = re.fullmatch(r"\s*(\d{1,4})\s*([A-Za-z]+)\s*", str(text))
    unit = _UNITS.get(m.group(2).lower()) if m else None
    if m is None or unit is None or int(m.group(1)) == 0:
        raise IrtEloError(f"horizon {text!r} is not a duration; give a positive whole number and a unit, e.g. 12m, "
                          "18m, 2y, 26w or 90d")
    value = int(m.group(1))
    days = value * {"days": 1, "weeks": 7, "months": 30.5, "years": 365.25}[unit]
    if days > 20 * 365.25:
        raise IrtEloError(f"horizon {text!r} is more than 20 years; a trend projection means nothing that far out")
    return Horizon(value, unit)


# --------------------------------------------------------------------------------------------------------------------
# Pure trend machinery on (day, value) arrays


@dataclass(frozen=True)
class StepTrend:
    """A trend fitted to one frontier's step function: ``trend(x) = trend_design(form, xb, x) @ beta`` (one line:
    ``xb`` is then the last record's day; or two pieces joined at ``xb``)."""

    form: str  # 'linear' | 'breakpoint'
    xb: float
    beta: np.ndarray
    scatter: float  # residual standard deviation of the step function around the trend
    n_records: int

    @property
    def slope(self) -> float:
        """The last piece's slope, points per day."""
        return float(self.beta[-1])


def trend_design(form: str, xb: float, x: np.ndarray) -> np.ndarray:
    """The columns of :class:`StepTrend`'s least-squares fit at days ``x``: ``[1, x - xb]`` for one line,
    ``[1, min(x - xb, 0), max(x - xb, 0)]`` for two pieces joined at ``xb``."""
    x = np.asarray(x, float) - xb
    if form == "linear":
        return np.column_stack([np.ones_like(x), x])
    return np.column_stack([np.ones_like(x), np.minimum(x, 0.0), np.maximum(x, 0.0)])


def running_best(days: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Release days in order and the frontier level after each (the running maximum of ``values``)."""
    order = np.argsort(days, kind="stable")
    return np.asarray(days, float)[order], np.maximum.accumulate(np.asarray(values, float)[order])


def level_on(days: np.ndarray, values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The frontier level on each day of ``x``: the best of ``values`` released on or before it (nan before any)."""
    d, run = running_best(days, values)
    idx = np.searchsorted(d, np.asarray(x, float), side="right") - 1
    return np.where(idx >= 0, run[np.maximum(idx, 0)], np.nan)


def step_samples(days: np.ndarray, values: np.ndarray, first: float, last: float) -> tuple[np.ndarray, np.ndarray]:
    """The running maximum of ``values`` (released on ``days``) sampled every :data:`SAMPLE_DAYS` from ``first`` to
    ``last`` (both included).

    Examples
    --------
    >>> x, y = step_samples(np.array([0, 10]), np.array([1.0, 3.0]), 0, 14)
    >>> x.tolist(), y.tolist()
    ([0.0, 7.0, 14.0], [1.0, 1.0, 3.0])
    """
    x = np.arange(float(first), float(last), SAMPLE_DAYS)
    x = np.append(x, float(last)) if len(x) == 0 or x[-1] < last else x
    y = level_on(days, values, x)
    ok = np.isfinite(y)
    return x[ok], y[ok]


def choose_form(rec_x: np.ndarray, rec_y: np.ndarray, form: TrendForm = "auto", last: float | None = None
                ) -> tuple[str, float | None]:
    """One line or two pieces for these frontier records, and the break day. ``auto`` takes two pieces when the
    records' BIC prefers them (two more parameters: the second slope and the break's place).

    A break is allowed only where :data:`MIN_SEGMENT_DAYS` of data (to ``last``, default the last record) lie on
    each side: the projection continues the last piece, and a slope fitted to a few months after a jump projects
    that jump forward (seen in the backtest on Epoch's data: 3-month last pieces overshot by 5-10 months).

    Examples
    --------
    >>> x = 100.0 * np.arange(12); y = np.where(x < 500, 0.002 * x, 1 + 0.02 * (x - 500))  # days, points
    >>> choose_form(x, y)
    ('breakpoint', 500.0)
    """
    n = len(rec_x)
    if form == "linear" or (form == "auto" and n < 2 * MIN_SEGMENT + 1):
        return "linear", None
    last = float(np.max(rec_x)) if last is None else float(last)
    try:
        k, sse = scan_breaks(rec_x, rec_y, MIN_SEGMENT)
        sse = np.where((rec_x - np.min(rec_x) >= MIN_SEGMENT_DAYS) & (last - rec_x >= MIN_SEGMENT_DAYS), sse, np.inf)
        if not np.isfinite(sse).any():
            raise IrtEloError(f"no break leaves {MIN_SEGMENT_DAYS} days of data on each side")
        k = int(np.argmin(sse))
    except IrtEloError:
        if form == "breakpoint":
            raise IrtEloError(f"{n} frontier records: a two-piece trend needs at least {2 * MIN_SEGMENT - 1} with "
                              f"{MIN_SEGMENT} and {MIN_SEGMENT_DAYS} days of data on each side of the break; use the "
                              "linear trend") from None
        return "linear", None
    if form == "breakpoint":
        return "breakpoint", float(rec_x[k])
    lin_sse = line_fit(rec_x, rec_y)[2]
    tiny = 1e-12 * max(1.0, float(np.var(rec_y)) * n)
    bic_lin = n * np.log(max(lin_sse, tiny) / n) + 2 * np.log(n)
    bic_hinge = n * np.log(max(float(sse[k]), tiny) / n) + 4 * np.log(n)
    return ("breakpoint", float(rec_x[k])) if bic_hinge < bic_lin else ("linear", None)


def fit_step_trend(days: np.ndarray, values: np.ndarray, first: float, last: float, *,
                   form: TrendForm = "auto", xb: float | None = None, min_records: int = MIN_RECORDS) -> StepTrend:
    """Least-squares trend of the step function of ``values`` over [first, last] (see the module docstring).
    ``form='auto'`` chooses the form (:func:`choose_form`); ``xb=None`` with ``form='breakpoint'`` scans the break
    among these records."""
    keep = (days <= last) & np.isfinite(values)
    days, values = np.asarray(days, float)[keep], np.asarray(values, float)[keep]
    recs = frontier_records(days, values)
    recs = recs[days[recs] >= first]
    n_rec = len(recs)
    if n_rec < min_records:
        raise IrtEloError(f"only {n_rec} frontier record(s) in the window; a forecast needs at least {min_records}")
    if form in ("auto", "breakpoint") and xb is None:
        form, xb = choose_form(days[recs], values[recs], form, last)
    if form == "linear":
        xb = float(days[recs][-1])
    x, y = step_samples(days, values, first, last)
    X = trend_design(form, float(xb), x)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    s2 = float(resid @ resid) / max(len(y) - X.shape[1], 1)
    return StepTrend(form, float(xb), beta, float(np.sqrt(s2)), n_rec)


def record_jumps(days: np.ndarray, values: np.ndarray, first: float, last: float) -> tuple[np.ndarray, float]:
    """The frontier's record-to-record jumps in [first, last] and the span they happened over (days from the first
    record there to ``last``): a frontier moves only when a record lands, by one of these jumps."""
    keep = np.asarray(days, float) <= last
    d, v = np.asarray(days, float)[keep], np.asarray(values, float)[keep]
    recs = frontier_records(d, v)
    recs = recs[d[recs] >= first]
    if len(recs) < 2:
        return np.zeros(0), 0.0
    return np.diff(v[recs]), float(last - d[recs][0])


def simulate_paths(jumps: np.ndarray, span: float, level_now: float, grid: np.ndarray, n: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` projected paths of a frontier on ``grid`` (days, the first being today) and each path's drift in points
    per day.

    Records arrive as a Poisson process and each moves the frontier by a jump resampled from the past ones. The
    rate and the jump distribution are themselves drawn per path (a gamma posterior for the rate, a bootstrap of
    the jumps), so the paths carry the uncertainty of the drift as well as the scatter of record timing and size.
    """
    m = len(jumps)
    paths = np.full((n, len(grid)), float(level_now))
    if m == 0 or span <= 0:
        return paths, np.zeros(n)
    rates = rng.gamma(m, 1.0 / span, size=n)
    horizon = float(grid[-1] - grid[0])
    drift = np.empty(n)
    for i in range(n):
        boot = jumps[rng.integers(0, m, m)]
        drift[i] = rates[i] * boot.mean()
        k = rng.poisson(rates[i] * horizon)
        if k == 0:
            continue
        when = np.sort(rng.uniform(0.0, horizon, k)) + grid[0]
        size = boot[rng.integers(0, m, k)]
        idx = np.searchsorted(grid, when, side="left")  # a record on day x counts from day x on
        steps = np.zeros(len(grid) + 1)
        np.add.at(steps, idx, size)
        paths[i] += np.cumsum(steps[:-1])
    return paths, drift


def first_day_at(level: np.ndarray, days: np.ndarray, path: np.ndarray) -> np.ndarray:
    """The first of ``days`` on which the non-decreasing ``path`` stands at or above each ``level`` (nan: never)."""
    i = np.searchsorted(path, np.asarray(level, float), side="left")
    out = np.full(np.shape(level), np.nan)
    ok = (i < len(path)) & np.isfinite(level)
    out[ok] = np.asarray(days, float)[np.minimum(i[ok], len(days) - 1)]
    return out


def last_day_not_above(level: np.ndarray, days: np.ndarray, path: np.ndarray) -> np.ndarray:
    """The last day before the non-decreasing ``path`` (on ``days``) first rises above each ``level``: the latest
    date on which that frontier was not above the level, as ``irt-elo gap --criterion point`` counts a lag (nan:
    it never rises above it in ``days``)."""
    i = np.searchsorted(path, np.asarray(level, float), side="right")  # first index strictly above
    out = np.full(np.shape(level), np.nan)
    ok = (i < len(path)) & np.isfinite(level)
    out[ok] = np.asarray(days, float)[np.minimum(i[ok], len(days) - 1)] - 1.0
    return out


# --------------------------------------------------------------------------------------------------------------------
# Results


@dataclass
class GroupTrend:
    """One group's fitted frontier trend (central capabilities) and the draws' spread of its slope."""

    group: str
    form: str
    break_date: pd.Timestamp | None
    slope: float  # least-squares slope of the trend's last piece, points per year
    drift_low: float  # interval of the projected drift (record rate x mean jump, points per year) over the paths
    drift_high: float
    scatter: float
    n_records: int
    level_now: float  # frontier level at the forecast date
    leader_now: str
    drift: float  # median projected drift, points per year (record rate x mean jump)
    n_jumps: int  # record jumps the projection resamples

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class ForecastResult:
    """Both frontiers and the gap projected from ``as_of`` to ``end``; see :func:`forecast`.

    ``path`` has one row per projected date: each group's level with its interval, the gap in points and months.
    ``catch_up_*``: when the trailing frontier reaches the leader's level at ``as_of``; ``close_*``: whether (and
    when) the gap closes at the projected slopes.
    """

    data: str
    scale: str
    lead: str
    trail: str
    as_of: pd.Timestamp
    horizon: str
    end: pd.Timestamp
    level: float
    n_draws: int
    draws_text: str
    trends: dict[str, GroupTrend]
    path: pd.DataFrame
    gap_now_points: float
    gap_now_months: float
    catch_up_date: pd.Timestamp | None
    catch_up_low: pd.Timestamp | None
    catch_up_high: pd.Timestamp | None
    catch_up_share: float  # share of draws that reach the level within the horizon
    close_verdict: str
    close_share: float
    close_date: pd.Timestamp | None
    close_low: pd.Timestamp | None
    close_high: pd.Timestamp | None
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    backtests: list[BacktestResult] = field(default_factory=list)

    @property
    def catch_up_text(self) -> str:
        t = self.trends[self.trail]
        head = (f"{self.trail} reaches {self.lead}'s level at {format_date(self.as_of)} "
                f"({self.trends[self.lead].level_now:.1f}, {self.trends[self.lead].leader_now})")
        if t.level_now >= self.trends[self.lead].level_now:
            return f"{head}: already there"
        if self.catch_up_date is None or self.catch_up_share < 0.5:
            return (f"{head}: not within the horizon ({self.catch_up_share:.0%} of draws get there by "
                    f"{format_date(self.end)})")
        hi = format_date(self.catch_up_high) if self.catch_up_high is not None else f"after {format_date(self.end)}"
        return f"{head}: {format_date(self.catch_up_date)} [{format_date(self.catch_up_low)}, {hi}]"

    @property
    def close_text(self) -> str:
        sl, st = self.trends[self.lead].drift, self.trends[self.trail].drift
        by = format_date(self.end)
        head = f"the gap closes at the projected drift ({self.lead} {sl:+.1f}, {self.trail} {st:+.1f} per year)"
        if self.close_verdict == CLOSE_VERDICTS[0]:
            hi = format_date(self.close_high) if self.close_high is not None else "?"
            return (f"{head}: closes within the horizon, {format_date(self.close_date)} [{format_date(self.close_low)},"
                    f" {hi}] ({self.close_share:.0%} of draws)")
        if self.close_verdict == CLOSE_VERDICTS[1]:
            return f"{head}: not within the horizon ({self.close_share:.0%} of paths close it by {by})"
        return f"{head}: undetermined ({self.close_share:.0%} of paths close it by {by})"

    def to_frame(self) -> pd.DataFrame:
        return self.path.copy()

    def to_dict(self) -> dict[str, Any]:
        from irt_elo.data.records import jsonable

        keys = ("data", "scale", "lead", "trail", "as_of", "horizon", "end", "level", "n_draws", "draws_text",
                "gap_now_points", "gap_now_months", "catch_up_date", "catch_up_low", "catch_up_high",
                "catch_up_share", "close_verdict", "close_share", "close_date", "close_low", "close_high")
        out = {k: getattr(self, k) for k in keys}
        out["catch_up_text"] = self.catch_up_text
        out["close_text"] = self.close_text
        out["trends"] = {g: t.to_dict() for g, t in self.trends.items()}
        out["path"] = self.path.to_dict(orient="records")
        out["backtests"] = [b.to_dict() for b in self.backtests]
        return jsonable(out)


@dataclass
class BacktestResult:
    """Forecasts made at past dates scored against what happened.

    ``rows``: one row per (cut, target date, quantity) with the forecast's median and interval, the actual value,
    whether it fell inside, and the error in months (level errors converted at the rate the group's frontier rose
    over the two years to the last target, from the scoring data).
    ``summary``: per quantity, the number of targets, coverage of the intervals and the median absolute error in months.
    """

    kind: str  # 'release-date cuts' | 'vintage'
    description: str
    level: float
    horizon: str
    rows: pd.DataFrame
    summary: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.rows.copy()

    def to_dict(self) -> dict[str, Any]:
        from irt_elo.data.records import jsonable

        return jsonable({"kind": self.kind, "description": self.description, "level": self.level,
                         "horizon": self.horizon, "summary": self.summary.to_dict(orient="records"),
                         "rows": self.rows.to_dict(orient="records")})


# --------------------------------------------------------------------------------------------------------------------
# Forecast


@dataclass
class _Group:
    """One group: its history (release days, central capabilities) and each draw's projected path on the daily
    grid."""

    days: np.ndarray
    values: np.ndarray
    paths: np.ndarray  # draws x grid

    def behind(self, level: np.ndarray, path: np.ndarray, grid: np.ndarray) -> np.ndarray:
        """The last day this frontier was not above ``level``: from its history, then along the projected ``path``
        (:func:`last_day_not_above`)."""
        d, run = running_best(self.days, self.values)
        return last_day_not_above(level, np.concatenate([d, grid[1:]]),
                                  np.maximum.accumulate(np.concatenate([run, path[1:]])))


def forecast(caps: Capabilities, lead: str = "closed", trail: str = "open", *, horizon: str | Horizon = "12m",
             as_of: Any = None, start: Any = None, form: TrendForm = "auto", level: float = 0.90,
             n_draws: int = 500, seed: int = 12345, step_days: int = 30) -> ForecastResult:
    """Project both groups' frontiers and the gap ``horizon`` past ``as_of``.

    Parameters
    ----------
    caps : Capabilities
        Fitted capabilities with release dates and groups. Their point estimates make the frontiers; their noise
        enters through the scatter of the record jumps the paths resample (intervals and draws are not used).
    lead, trail : str
        The leading and trailing groups (default: closed and open weights).
    horizon : str or Horizon
        How far ahead: ``'12m'``, ``'2y'``, ``'90d'`` ...
    as_of : date-like, optional
        Forecast date; only models released on or before it are used (default: the newest release date of either
        group).
    start : date-like, optional
        First release date the trends are fitted on (default: each group's first frontier record).
    form : {'auto', 'linear', 'breakpoint'}
        Trend form; ``auto`` takes two pieces where the records' BIC prefers them.
    level : float
        Interval level.
    n_draws, seed : int
        Simulated paths per frontier, and the seed of every random step.
    step_days : int
        Spacing of the projected dates in ``path``.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> f = forecast(caps, horizon="12m", n_draws=100)
    >>> f.path.columns[:4].tolist(), f.close_verdict in CLOSE_VERDICTS
    (['date', 'closed', 'closed_low', 'closed_high'], True)
    """
    h = parse_horizon(horizon)
    if form not in TREND_FORMS:
        raise IrtEloError(f"trend form {form!r}: use one of {', '.join(TREND_FORMS)}")
    if not 0 < level < 1:
        raise IrtEloError(f"level {level}: give a number between 0 and 1, e.g. 0.9")
    if n_draws < 20:
        raise IrtEloError(f"{n_draws} draws are too few for a {level:.0%} interval; use at least 20 (default 500)")
    lead_g, trail_g = caps.resolve_group(lead), caps.resolve_group(trail)
    if lead_g == trail_g:
        raise IrtEloError(f"leading and trailing group are both {lead_g!r}; name two different groups")
    sub = caps.subset(caps.frame["group"].isin([lead_g, trail_g]).to_numpy(dtype=bool, na_value=False))
    sub = sub.subset(sub.frame["release_date"].notna().to_numpy())
    as_of_ts = sub.frame["release_date"].max() if as_of is None else to_date(as_of, "forecast date")
    sub = sub.select(until=as_of_ts)
    x_now = float(day_number(as_of_ts))
    end_ts = h.end(as_of_ts)
    grid = np.arange(x_now, float(day_number(end_ts)) + 1.0)
    x0 = float(day_number(to_date(start, "start date"))) if start is not None else -np.inf
    days_all = day_numbers(sub.frame["release_date"]).astype(float)
    groups = sub.frame["group"].to_numpy(dtype=object)
    central = sub.frame["capability"].to_numpy(float)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 20261203]))
    n = int(n_draws)
    by_group: dict[str, _Group] = {}
    trends: dict[str, GroupTrend] = {}
    for g in (lead_g, trail_g):
        m = groups == g
        if m.sum() == 0:
            raise IrtEloError(f"no dated models of group {g!r} on or before {format_date(as_of_ts)}")
        d, v = days_all[m], central[m]
        try:
            tr = fit_step_trend(d, v, max(x0, float(d.min())), x_now, form=form)
        except IrtEloError as e:
            window = f"from {format_date(start)} " if start is not None else ""
            raise IrtEloError(f"group {g!r} {window}to {format_date(as_of_ts)}: {e}"
                              + ("; start the trend window earlier" if start is not None else "")) from None
        # The projection continues the trend's last piece: records and their jumps since its start.
        piece = tr.xb if tr.form == "breakpoint" else max(x0, float(d.min()))
        jumps, span = record_jumps(d, v, piece, x_now)
        paths, drift = simulate_paths(jumps, span, float(v.max()), grid, n, rng)
        by_group[g] = _Group(d, v, paths)
        lo, hi = _pct(drift * DAYS_PER_YEAR, level)
        best = int(np.argmax(v))
        trends[g] = GroupTrend(
            group=g, form=tr.form,
            break_date=dates_from_days(np.array([int(round(tr.xb))]))[0] if tr.form == "breakpoint" else None,
            slope=tr.slope * DAYS_PER_YEAR, drift_low=lo, drift_high=hi, scatter=tr.scatter,
            n_records=tr.n_records, level_now=float(v[best]), leader_now=str(sub.frame.index[m][best]),
            drift=float(np.median(drift)) * DAYS_PER_YEAR, n_jumps=len(jumps))
    L, T = by_group[lead_g], by_group[trail_g]
    months = np.stack([(grid - L.behind(T.paths[i], L.paths[i], grid)) / DAYS_PER_MONTH for i in range(n)])
    path = _path(grid, step_days, level, {lead_g: L.paths, trail_g: T.paths, "gap_points": L.paths - T.paths,
                                          "gap_months": months})
    reach_now = L.behind(np.array([trends[trail_g].level_now]), L.paths[0, :1], grid[:1])[0]
    # Catch-up: the trailing frontier at the leader's level on the forecast date; close: at the leader's level then.
    catch = np.array([first_day_at(np.array([L.paths[i, 0]]), grid, T.paths[i])[0] for i in range(n)])
    closed_on = np.array([_first_true(T.paths[i] >= L.paths[i], grid) for i in range(n)])
    cu = _date_summary(catch, level)
    cl = _date_summary(closed_on, level)
    tail = (1 - level) / 2
    verdict = CLOSE_VERDICTS[0] if cl[3] >= 1 - tail else CLOSE_VERDICTS[1] if cl[3] <= tail else CLOSE_VERDICTS[2]
    return ForecastResult(
        data=caps.source, scale=caps.scale, lead=lead_g, trail=trail_g, as_of=as_of_ts, horizon=h.text, end=end_ts,
        level=level, n_draws=n, draws_text=DRAWS_TEXT.format(n=n, seed=seed), trends=trends, path=path,
        gap_now_points=trends[lead_g].level_now - trends[trail_g].level_now,
        gap_now_months=(x_now - reach_now) / DAYS_PER_MONTH if np.isfinite(reach_now) else float("nan"),
        catch_up_date=cu[0], catch_up_low=cu[1], catch_up_high=cu[2], catch_up_share=cu[3],
        close_verdict=verdict, close_share=cl[3], close_date=cl[0], close_low=cl[1], close_high=cl[2],
        history=_history(sub, lead_g, trail_g, x0))


def _first_true(mask: np.ndarray, grid: np.ndarray) -> float:
    i = int(np.argmax(mask))
    return float(grid[i]) if mask[i] else float("nan")


def _path(grid: np.ndarray, step: int, level: float, series: dict[str, np.ndarray]) -> pd.DataFrame:
    idx = np.unique(np.append(np.arange(step, len(grid), step), len(grid) - 1))
    out: dict[str, Any] = {"date": dates_from_days(grid[idx].astype(np.int64))}
    for name, arr in series.items():
        med, lo, hi = _quantiles(arr[:, idx], level)
        out[name], out[f"{name}_low"], out[f"{name}_high"] = med, lo, hi
    return pd.DataFrame(out)


def _date_summary(day: np.ndarray, level: float) -> tuple:
    """Median date and interval of per-draw dates (nan = not within the horizon), and the share within it. A
    percentile beyond the horizon is None."""
    day = np.where(np.isfinite(day), day, np.inf)
    share = float(np.mean(np.isfinite(day)))
    q = np.percentile(day, [50, (1 - level) / 2 * 100, (1 + level) / 2 * 100], method="inverted_cdf")

    def as_date(v: float) -> pd.Timestamp | None:
        return dates_from_days(np.array([int(round(v))]))[0] if np.isfinite(v) else None

    return as_date(q[0]), as_date(q[1]), as_date(q[2]), share


def _history(sub: Capabilities, lead: str, trail: str, x0: float) -> pd.DataFrame:
    """Each group's frontier records (central capabilities) released from ``x0`` on, for plots."""
    cols = ["group", "model", "release_date", "capability"]
    frames = [f.assign(group=g)[cols] for g in (lead, trail) for f in [sub.frontier(g)]]
    out = pd.concat(frames, ignore_index=True)
    return out[day_numbers(out["release_date"]) >= x0].reset_index(drop=True)


def _quantiles(arr: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and interval per column; nan where no path has a value (a gap in months is undefined on a path where
    the trailing frontier overtakes the leader beyond the leader's projected path)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanpercentile(arr, [50, (1 - level) / 2 * 100, (1 + level) / 2 * 100], axis=0)
    return q[0], q[1], q[2]


def _pct(x: np.ndarray, level: float) -> tuple[float, float]:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    lo, hi = np.percentile(x, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return float(lo), float(hi)


# --------------------------------------------------------------------------------------------------------------------
# Backtests


def actual_path(caps: Capabilities, lead: str, trail: str, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """What the data say happened: each group's frontier level on ``dates``, the gap in points, and the gap in months
    (how long before each date the leading frontier was last not above the trailing one's level, as
    ``irt-elo gap --criterion point`` counts it)."""
    lead_g, trail_g = caps.resolve_group(lead), caps.resolve_group(trail)
    f = caps.frame[caps.frame["release_date"].notna()]
    x = day_numbers(pd.Series(dates)).astype(float)
    out: dict[str, Any] = {"date": dates}
    for g in (lead_g, trail_g):
        fg = f[f["group"] == g]
        out[g] = level_on(day_numbers(fg["release_date"]).astype(float), fg["capability"].to_numpy(float), x)
    out["gap_points"] = out[lead_g] - out[trail_g]
    fl = f[f["group"] == lead_g]
    d, run = running_best(day_numbers(fl["release_date"]).astype(float), fl["capability"].to_numpy(float))
    out["gap_months"] = (x - last_day_not_above(out[trail_g], d, run)) / DAYS_PER_MONTH
    return pd.DataFrame(out)


def _score(fc: ForecastResult, actual: Capabilities, cut_label: str, targets: pd.DatetimeIndex) -> list[dict]:
    """Rows of a backtest: the forecast at each target date against what ``actual`` says happened."""
    if len(targets) == 0:
        return []
    px = day_numbers(pd.Series(fc.path["date"])).astype(float)
    tx = day_numbers(pd.Series(targets)).astype(float)
    act = actual_path(actual, fc.lead, fc.trail, targets)
    per_month = {g: _slope_per_month(actual, g, targets[-1]) for g in (fc.lead, fc.trail)}
    per_month["gap_points"], per_month["gap_months"] = per_month[fc.lead], 1.0
    rows = []
    for q in (fc.lead, fc.trail, "gap_points", "gap_months"):
        med = np.interp(tx, px, fc.path[q].to_numpy(float))
        lo = np.interp(tx, px, fc.path[f"{q}_low"].to_numpy(float))
        hi = np.interp(tx, px, fc.path[f"{q}_high"].to_numpy(float))
        a = act[q].to_numpy(float)
        for j, t in enumerate(targets):
            err = (med[j] - a[j]) / per_month[q] if per_month[q] > 0 else np.nan
            rows.append({"cut": cut_label, "target": t, "months_ahead": (tx[j] - day_number(fc.as_of)) / DAYS_PER_MONTH,
                         "quantity": _quantity_name(q, fc), "forecast": med[j], "low": lo[j], "high": hi[j],
                         "actual": a[j], "inside": bool(lo[j] <= a[j] <= hi[j]) if np.isfinite(a[j]) else None,
                         "error_months": err})
    return rows


def _slope_per_month(caps: Capabilities, group: str, until: pd.Timestamp) -> float:
    """Points per month of ``group``'s frontier over the two years to ``until`` (one line through its step
    function): the fixed rate at which a backtest turns level errors into months. The forecast's own slope would
    make a flat forecast's error look infinite."""
    f = caps.frame[(caps.frame["group"] == group) & caps.frame["release_date"].notna()]
    d = day_numbers(f["release_date"]).astype(float)
    x1 = float(day_number(until))
    try:
        tr = fit_step_trend(d, f["capability"].to_numpy(float), x1 - 2 * DAYS_PER_YEAR, x1, form="linear",
                            min_records=2)
    except IrtEloError:
        return float("nan")
    return tr.slope * DAYS_PER_MONTH


def _quantity_name(q: str, fc: ForecastResult) -> str:
    return {fc.lead: f"{fc.lead} frontier", fc.trail: f"{fc.trail} frontier", "gap_points": "gap (points)",
            "gap_months": "gap (months)"}[q]


def _summary(rows: pd.DataFrame) -> pd.DataFrame:
    out = []
    if rows.empty or "quantity" not in rows:
        return pd.DataFrame(out, columns=["quantity", "n", "coverage", "median_abs_error_months",
                                          "median_error_months"])
    for q, r in rows.groupby("quantity", sort=False):
        r = r[r["inside"].notna()]
        cover = float(r["inside"].astype(bool).mean()) if len(r) else np.nan
        out.append({"quantity": q, "n": len(r), "coverage": cover,
                    "median_abs_error_months": float(np.nanmedian(np.abs(r["error_months"]))) if len(r) else np.nan,
                    "median_error_months": float(np.nanmedian(r["error_months"])) if len(r) else np.nan})
    return pd.DataFrame(out, columns=["quantity", "n", "coverage", "median_abs_error_months", "median_error_months"])


def backtest(caps: Capabilities, lead: str = "closed", trail: str = "open", *, horizon: str | Horizon = "12m",
             cuts: Any = None, every: str | Horizon = "3m", start: Any = None, form: TrendForm = "auto",
             level: float = 0.90, n_draws: int = 200, seed: int = 12345, step_days: int = 30) -> BacktestResult:
    """Forecast from past release dates with :func:`forecast` and score against what the same data show later.

    Each cut keeps only the models released on or before it (their capabilities as this fit estimates them: the
    cut removes later models, not the later benchmarks older models were run on; :func:`vintage_backtest` checks
    against a real earlier release). Targets are every ``every`` after the cut up to the horizon, within the data.

    ``cuts`` default: every ``every`` from the first date both groups have 2 × MIN_SEGMENT records (on or after
    ``start``) until one ``every`` before the newest release.

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> b = backtest(caps, horizon="6m", cuts=["2025-06-01"], n_draws=50)
    >>> sorted(b.summary["quantity"])[:2]
    ['closed frontier', 'gap (months)']
    """
    h, step = parse_horizon(horizon), parse_horizon(every)
    lead_g, trail_g = caps.resolve_group(lead), caps.resolve_group(trail)
    last = caps.frame["release_date"].max()
    if cuts is None:
        cuts = _default_cuts(caps, lead_g, trail_g, step, last, start)
    cut_ts = [to_date(c, "cut date") for c in ([cuts] if isinstance(cuts, str) else list(cuts))]
    rows: list[dict] = []
    for k, c in enumerate(cut_ts):
        if c >= last:
            raise IrtEloError(f"cut date {format_date(c)} is not before the newest release ({format_date(last)}); "
                              "nothing to score the forecast against")
        fc = forecast(caps, lead_g, trail_g, horizon=h, as_of=c, start=start, form=form, level=level,
                      n_draws=n_draws, seed=seed + k, step_days=step_days)
        targets = _targets(c, min(fc.end, last), step)
        rows += _score(fc, caps, format_date(c), targets)
    df = pd.DataFrame(rows)
    desc = (f"{len(cut_ts)} cuts by release date ({format_date(cut_ts[0])}..{format_date(cut_ts[-1])}), forecasts "
            f"{h.text} ahead scored every {step.text}; same fit, later models removed")
    return BacktestResult("release-date cuts", desc, level, h.text, df, _summary(df))


def vintage_backtest(earlier: Capabilities, later: Capabilities, lead: str = "closed", trail: str = "open", *,
                     horizon: str | Horizon | None = None, as_of: Any = None, every: str | Horizon = VINTAGE_EVERY,
                     start: Any = None, form: TrendForm = "auto", level: float = 0.90, n_draws: int = 200,
                     seed: int = 12345, step_days: int = 30) -> BacktestResult:
    """Forecast from an earlier data release and score against a later one (what the later release says each
    frontier stood at, on its own scale). ``as_of`` default: the earlier release's newest release date; ``horizon``
    default: up to the later release's newest release date."""
    last = later.frame["release_date"].max()
    if as_of is None:
        as_of = earlier.frame["release_date"].max()
    as_of = to_date(as_of, "forecast date")
    if as_of >= last:
        raise IrtEloError(f"the forecast date {format_date(as_of)} ({earlier.source}) is not before the newest release "
                          f"of {later.source} ({format_date(last)}): nothing to score; forecast from an earlier "
                          "release")
    if horizon is None:
        months = max(1, int(np.ceil((last - as_of).days / DAYS_PER_MONTH)))
        horizon = Horizon(months, "months")
    h, step = parse_horizon(horizon), parse_horizon(every)
    fc = forecast(earlier, lead, trail, horizon=h, as_of=as_of, start=start, form=form, level=level,
                  n_draws=n_draws, seed=seed, step_days=step_days)
    targets = _targets(as_of, min(fc.end, last), step)
    df = pd.DataFrame(_score(fc, later, format_date(as_of), targets))
    desc = (f"forecast from {earlier.source} (as of {format_date(as_of)}) scored against {later.source}, every "
            f"{step.text} to {format_date(min(fc.end, last))}")
    return BacktestResult("vintage", desc, level, h.text, df, _summary(df))


def _targets(cut: pd.Timestamp, until: pd.Timestamp, step: Horizon) -> pd.DatetimeIndex:
    out, k = [], 1
    while True:
        t = Horizon(step.value * k, step.unit).end(cut)
        if t > until:
            break
        out.append(t)
        k += 1
    return pd.DatetimeIndex(out)


def _default_cuts(caps: Capabilities, lead: str, trail: str, step: Horizon, last: pd.Timestamp,
                  start: Any = None) -> list[pd.Timestamp]:
    firsts = []
    x0 = float(day_number(to_date(start, "start date"))) if start is not None else -np.inf
    for g in (lead, trail):
        f = caps.frame[(caps.frame["group"] == g) & caps.frame["release_date"].notna()]
        d = day_numbers(f["release_date"])
        recs = frontier_records(d, f["capability"].to_numpy(float))
        recs = recs[d[recs] >= x0]  # the records a forecast from the window can use
        if len(recs) < 2 * MIN_SEGMENT:
            raise IrtEloError(f"group {g!r} has only {len(recs)} frontier records; a backtest needs at least "
                              f"{2 * MIN_SEGMENT}")
        firsts.append(f["release_date"].iloc[recs[2 * MIN_SEGMENT - 1]])
    first = max(firsts)
    first = pd.Timestamp(year=first.year, month=first.month, day=1) + pd.DateOffset(months=1)
    stop = last - (step.end(last) - last)  # at least one scored target after the last cut
    cuts = []
    c = first
    while c < stop:
        cuts.append(c)
        c = step.end(c)
    if not cuts:
        raise IrtEloError("the data span too little time for a backtest; give cut dates explicitly")
    return cuts


__all__ = ["Horizon", "parse_horizon", "StepTrend", "trend_design", "step_samples", "choose_form", "fit_step_trend",
           "record_jumps", "simulate_paths", "first_day_at", "last_day_not_above", "running_best", "level_on",
           "GroupTrend", "ForecastResult", "BacktestResult", "forecast", "backtest", "vintage_backtest",
           "actual_path", "TREND_FORMS", "CLOSE_VERDICTS", "VINTAGE_EVERY"]
