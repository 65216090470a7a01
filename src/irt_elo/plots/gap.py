"""Figures for the gap and trend analyses: frontiers with interval bands, gap over time, frontier trends."""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from irt_elo.plots._style import CYCLE, GROUP_LABELS, PALETTE, literal_text

LEAD_COLOR = PALETTE["closed"]
TRAIL_COLOR = PALETTE["open"]


def _label(group: str) -> str:
    return GROUP_LABELS.get(group, group)


def _subplots(nrows: int, figsize: tuple[float, float], sharex: bool = False) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, 1, figsize=figsize, layout="constrained", sharex=sharex, squeeze=False)
    return fig, axes[:, 0]


def _grouped_like(caps: Any, result: Any) -> Any:
    """``caps`` grouped as the analysis that produced ``result`` grouped it (e.g. by country for 'caisi')."""
    d = result.details or {}
    g, unknown = d.get("grouping"), d.get("unknown_group_as")
    # Any named grouping the analysis used (not a custom mapping, which the result cannot carry).
    if g not in (None, "custom") and (g != caps.grouping or unknown is not None):
        return caps.regroup(g, unknown=unknown)
    return caps


def _label_newest(ax: Any, front: pd.DataFrame, color: str, *, n: int, below: bool = False,
                  min_days: int = 120) -> None:
    """Name the ``n`` newest frontier models, newest first, to the left of their points.

    A model released within ``min_days`` of the one labelled just before it gets its name one line further out (with
    a leader line), so near-simultaneous records do not print over each other.
    """
    last_x, step = None, 0
    for _, r in front.tail(n).iloc[::-1].iterrows():
        step = step + 1 if last_x is not None and (last_x - r["release_date"]).days < min_days else 0
        dy = -(11 + 10 * step) if below else 5 + 10 * step
        ax.annotate(str(r["model"]), (r["release_date"], r["capability"]), fontsize=7, color=color, ha="right",
                    xytext=(-3, dy), textcoords="offset points",
                    arrowprops={"arrowstyle": "-", "lw": 0.4, "color": color} if step else None)
        last_x = r["release_date"]


def _step_with_band(ax: Any, front: pd.DataFrame, end: pd.Timestamp, color: str, label: str) -> None:
    """Running best as a step line, its interval as a band, from each record to the next (or ``end``)."""
    if front.empty:
        return
    x = list(front["release_date"]) + [max(pd.Timestamp(end), front["release_date"].iloc[-1])]
    y = list(front["capability"]) + [front["capability"].iloc[-1]]
    ax.step(x, y, where="post", color=color, lw=2.0, label=f"{label} frontier")
    lo = front["ci_low"].fillna(front["capability"]).to_list()
    hi = front["ci_high"].fillna(front["capability"]).to_list()
    ax.fill_between(x, lo + [lo[-1]], hi + [hi[-1]], step="post", color=color, alpha=0.18, lw=0,
                    label=f"{label} frontier interval")


@literal_text
def plot_frontiers(caps: Any, lead: str = "closed", trail: str = "open", *, result: Any = None, ax: Any = None,
                   start: Any = None, end: Any = None, label_records: bool = True) -> Any:
    """Capability against release date for two groups: every model, both frontiers (step lines) with interval bands.

    When ``result`` (a :class:`~irt_elo.analysis.gap.GapResult`) is given its groups and window are used and the
    window is shaded; for a :func:`~irt_elo.analysis.gap.model_lag` result the second group is the named model's own
    (none when it has no group or is in the leading one). Returns the Figure.

    Examples
    --------
    >>> from irt_elo.analysis.capabilities import Capabilities
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> fig = plot_frontiers(Capabilities.from_scores(load_epoch_eci_scores()))
    >>> len(fig.axes)
    1
    """
    trail_g: str | None
    if result is not None:
        caps = _grouped_like(caps, result)
        lead_g = caps.resolve_group(result.lead)
        if result.method == "model-lag":
            own = caps.frame.loc[result.model, "group"]
            trail_g = None if pd.isna(own) or str(own) == lead_g else str(own)
        else:
            trail_g = caps.resolve_group(result.trail)
    else:
        lead_g, trail_g = caps.resolve_group(lead), caps.resolve_group(trail)
    if ax is None:
        fig, axes = _subplots(1, (10.0, 5.5))
        ax = axes[0]
    fig = ax.figure
    groups = [(lead_g, LEAD_COLOR)] + ([(trail_g, TRAIL_COLOR)] if trail_g is not None else [])
    f = caps.select(since=start, until=end).frame
    last = f["release_date"].max()
    for g, color in groups:
        sel = f[(f["group"] == g).fillna(False)]
        ax.scatter(sel["release_date"], sel["capability"], s=14, color=color, alpha=0.45, lw=0,
                   label=f"{_label(g)} models ({len(sel)})")
    for g, color in groups:
        fr = caps.frontier(g, start=start, end=end)
        _step_with_band(ax, fr, last, color, _label(g))
        if label_records:
            _label_newest(ax, fr, color, n=3, below=g != lead_g)
    if result is not None and result.window[0] is not None and result.method != "model-lag":
        ax.axvspan(result.window[0], result.window[1], color=PALETTE["grey"], alpha=0.08, lw=0,
                   label=f"window {result.window[0]:%Y-%m-%d}..{result.window[1]:%Y-%m-%d}")
    ax.set_xlabel("release date")
    ax.set_ylabel(f"capability ({caps.scale})")
    method = f", method {result.method}" if result is not None else ""
    title = f"{_label(lead_g)} vs {_label(trail_g)} frontiers\ndata {caps.source}{method}"
    if result is not None and result.method == "model-lag":
        title = _mark_model_lag(ax, caps, result)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return fig


def _mark_model_lag(ax: Any, caps: Any, result: Any) -> str:
    """Star the model and draw its lag as an arrow back to the day the leader was last not better."""
    d = result.details
    when = pd.Timestamp(d["model_release_date"])
    v = d["model_capability"]
    ax.scatter([when], [v], marker="*", s=220, color=PALETTE["accent"], edgecolor="black", lw=0.6, zorder=5,
               label=result.model)
    since = d.get("not_better_until") or d.get("trend_reached_on")
    if since is not None:
        since = pd.Timestamp(since)
        ax.annotate("", xy=(when, v), xytext=(since, v),
                    arrowprops=dict(arrowstyle="<->", color=PALETTE["accent"], lw=1.5))
        ax.text(since + (when - since) / 2, v + 1.0, f"{result.gap_months:.1f} months", ha="center", va="bottom",
                fontsize=9, color=PALETTE["accent"])
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return (f"{result.model} behind the {_label(result.lead)} frontier: {result.gap_months:.1f} months "
            f"({result.level:.0%} interval {result.gap_months_low:.1f}-{result.gap_months_high:.1f})\n"
            f"data {result.data}, caught up = {result.criterion_text}")


@literal_text
def plot_gap_over_time(result: Any, axes: Any = None) -> Any:
    """The gap behind a :class:`~irt_elo.analysis.gap.GapResult`: vertical gap (points) and horizontal gap (months).

    Daily series are drawn with their per-day interval band and the window average as a dashed line; for the
    'epoch-2025' procedure the months panel shows the gap at each capability level. Returns the Figure.

    Examples
    --------
    >>> from irt_elo.analysis.capabilities import Capabilities
    >>> from irt_elo.analysis.gap import gap
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
    >>> fig = plot_gap_over_time(gap(caps, "epoch-2025", criterion="point", n_draws=20))
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['date', 'capability level (ECI)']
    """
    if result.method == "model-lag":
        from irt_elo.errors import IrtEloError

        raise IrtEloError("a model-lag result has no series over time; plot the frontiers instead")
    if axes is None:
        fig, axes = _subplots(2, (10.0, 6.5))
    fig = axes[0].figure
    s = result.series
    ax_p, ax_m = axes[0], axes[1]
    ax_p.plot(s["date"], s["gap_points"], color=PALETTE["accent"], lw=1.6, label="vertical gap (daily)")
    if "gap_points_low" in s:
        ax_p.fill_between(s["date"], s["gap_points_low"], s["gap_points_high"], color=PALETTE["accent"], alpha=0.2,
                          lw=0, label=f"{result.level:.0%} interval (per day)")
    ax_p.axhline(result.gap_points, color=PALETTE["grey"], ls="--", lw=1,
                 label=f"average {result.gap_points:.1f} points [{result.gap_points_low:.1f}, "
                       f"{result.gap_points_high:.1f}]")
    ax_p.set_ylabel(f"gap ({result.scale} points)")
    ax_p.set_xlabel("date")
    if result.method == "epoch-2025" and result.levels is not None:
        lv = result.levels
        ax_m.plot(lv["level"], lv["gap_months"], color=PALETTE["accent2"], lw=1.6, marker=".", ms=3,
                  label="horizontal gap per capability level")
        ax_m.set_xlabel(f"capability level ({result.scale})")
    else:
        ax_m.plot(s["date"], s["gap_months"], color=PALETTE["accent2"], lw=1.6, label="horizontal gap (daily)")
        if "gap_months_low" in s:
            ax_m.fill_between(s["date"], s["gap_months_low"], s["gap_months_high"], color=PALETTE["accent2"],
                              alpha=0.2, lw=0, label=f"{result.level:.0%} interval (per day)")
        ax_m.set_xlabel("date")
    ax_m.axhline(result.gap_months, color=PALETTE["grey"], ls="--", lw=1,
                 label=f"average {result.gap_months:.1f} months [{result.gap_months_low:.1f}, "
                       f"{result.gap_months_high:.1f}]")
    ax_m.set_ylabel("gap (months)")
    for ax in (ax_p, ax_m):
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", frameon=False, fontsize=8)
    crit = ("least-squares trend lines through each group's frontier models" if result.criterion == "trend"
            else f"caught up = {result.criterion_text}")
    ax_p.set_title(f"{_label(result.trail)} behind {_label(result.lead)}: data {result.data}, method "
                   f"{result.method}\n{crit}", fontsize=10)
    return fig


@literal_text
def plot_gap(result: Any, caps: Any) -> Any:
    """One figure: both frontiers (top), vertical gap (middle), horizontal gap (bottom).

    Examples
    --------
    >>> from irt_elo.analysis.capabilities import Capabilities
    >>> from irt_elo.analysis.gap import gap
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> fig = plot_gap(gap(caps, n_draws=20), caps)
    >>> len(fig.axes)
    3
    """
    fig, axes = _subplots(3, (10.0, 11.0))
    plot_frontiers(caps, result.lead, result.trail, result=result, ax=axes[0])
    plot_gap_over_time(result, axes=axes[1:])
    if result.method == "caisi":
        s = result.series
        axes[0].plot(s["date"], s["lead_trend"], color=LEAD_COLOR, ls=":", lw=1.5, label="leader trend")
        axes[0].plot(s["date"], s["trail_trend"], color=TRAIL_COLOR, ls=":", lw=1.5, label="trailer trend")
        axes[0].legend(loc="lower right", frameon=False, fontsize=8)
    return fig


TREND_METHOD = {
    "linear": "least-squares line through the frontier models",
    "breakpoint": "two-piece least-squares line, break scanned over the frontier release dates",
    "slope-ratio": "two-piece least-squares line split at a chosen date",
}


@literal_text
def plot_trend(trend: Any, ax: Any = None) -> Any:
    """Frontier models and the fitted line(s) of a :class:`~irt_elo.analysis.trends.TrendResult`. Returns the Figure.

    The three newest frontier models are named; the title gives the group, the data vintage and the fit.

    Examples
    --------
    >>> from irt_elo.analysis.capabilities import Capabilities
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> from irt_elo.analysis.trends import breakpoint_scan
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores(), source="epoch_eci_2026-08-11")
    >>> fig = plot_trend(breakpoint_scan(caps, n_draws=20))
    >>> fig.axes[0].get_title().splitlines()[1]
    'data epoch_eci_2026-08-11; two-piece least-squares line, break scanned over the frontier release dates'
    """
    if ax is None:
        fig, axes = _subplots(1, (10.0, 5.5))
        ax = axes[0]
    fig = ax.figure
    p = trend.points
    yerr = None
    if p["ci_low"].notna().any():
        lo = (p["capability"] - p["ci_low"]).fillna(0).clip(lower=0)
        hi = (p["ci_high"] - p["capability"]).fillna(0).clip(lower=0)
        yerr = np.vstack([lo.to_numpy(), hi.to_numpy()])
    ax.errorbar(p["release_date"], p["capability"], yerr=yerr, fmt="o", ms=4, color=PALETTE["closed"],
                ecolor=PALETTE["closed"], alpha=0.8, capsize=2, label=f"frontier models ({len(p)})")
    if trend.kind == "linear":
        lab = (f"least squares: {trend.slope:.1f} {trend.scale}/yr "
               f"[{trend.slope_low:.1f}, {trend.slope_high:.1f}]")
    else:
        lab = (f"two-piece: {trend.slope_before:.1f} -> {trend.slope_after:.1f} {trend.scale}/yr, ratio "
               f"{trend.ratio:.2f} [{trend.ratio_low:.2f}, {trend.ratio_high:.2f}]")
    ax.plot(trend.fit["release_date"], trend.fit["fitted"], color=PALETTE["accent3"], lw=2, label=lab)
    if trend.break_date is not None:
        where = f" ({trend.break_model})" if trend.break_model else ""
        ax.axvline(trend.break_date, color=PALETTE["grey"], ls="--", lw=1,
                   label=f"break {trend.break_date:%Y-%m-%d}{where}")
    _label_newest(ax, p, PALETTE["grey"], n=3)
    ax.set_xlabel("release date")
    ax.set_ylabel(f"capability ({trend.scale})")
    who = f"group {trend.group}" if trend.group else "all models"
    how = TREND_METHOD.get(trend.kind, trend.kind)
    if trend.kind == "slope-ratio" and not trend.details.get("continuous", True):
        how = "separate least-squares lines before and after a chosen date"
    ax.set_title(f"Frontier trend of {who}\ndata {trend.data}; {how}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return fig



@literal_text
def plot_gap_by_vintage(result: Any) -> Any:
    """The same question as each data vintage answered it: the headline gap per vintage with its interval (top),
    and each vintage's daily vertical gap (bottom), so a reader sees how the answer moved from release to release.

    ``result`` is a :class:`~irt_elo.analysis.vintages.VintageGaps`; vintages that could not answer are listed in
    the title.

    Examples
    --------
    >>> from irt_elo.analysis.capabilities import Capabilities
    >>> from irt_elo.analysis.compare import EPOCH_QUESTION
    >>> from irt_elo.analysis.vintages import gap_by_vintage
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = {v: Capabilities.from_scores(load_epoch_eci_scores(v), source=v) for v in ("2025-12-19", "2026-08-11")}
    >>> q = EPOCH_QUESTION.with_(method="epoch-2025", start="2023-01-01", end="2025-10-30", criterion="point")
    >>> fig = plot_gap_by_vintage(gap_by_vintage(caps, q))
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['gap (months)', 'gap (ECI points)']
    """
    f = result.frame
    answered = f[f["error"].isna()]
    if answered.empty:
        from irt_elo.errors import IrtEloError

        raise IrtEloError("no vintage could answer this question: " + str(f["error"].iloc[-1]))
    fig, (ax_h, ax_s) = _subplots(2, (10.0, 7.5))
    x = pd.to_datetime(answered["vintage"].str[:10])  # fetched vintages are named DATE_SHA
    m = answered["gap_months"].to_numpy(float)
    lo = np.nan_to_num(m - answered["gap_months_low"].to_numpy(float))
    hi = np.nan_to_num(answered["gap_months_high"].to_numpy(float) - m)
    ax_h.errorbar(x, m, yerr=[lo, hi], fmt="o-", color=PALETTE["accent2"], capsize=4, lw=1.4,
                  label=f"headline gap with its {result.level:.0%} interval")
    for xi, mi in zip(x, m):
        ax_h.annotate(f"{mi:.1f}", (xi, mi), xytext=(6, 4), textcoords="offset points", fontsize=8)
    ax_h.set_ylabel("gap (months)")
    ax_h.set_xlabel("data vintage")
    scale = "ECI"
    for (v, r), color in zip(result.results.items(), itertools.cycle(CYCLE)):
        scale = r.scale
        ax_s.plot(r.series["date"], r.series["gap_points"], color=color, lw=1.5, label=f"vintage {v}")
    ax_s.set_ylabel(f"gap ({scale} points)")
    ax_s.set_xlabel("date")
    for ax in (ax_h, ax_s):
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", frameon=False, fontsize=8)
    missing = f.loc[f["error"].notna(), "vintage"].tolist()
    note = f"; could not answer: {', '.join(missing)}" if missing else ""
    ax_h.set_title(f"{result.question.label}\ncaught up = {result.question.criterion}{note}", fontsize=10)
    return fig

__all__ = ["plot_frontiers", "plot_gap_over_time", "plot_gap", "plot_trend", "plot_gap_by_vintage"]
