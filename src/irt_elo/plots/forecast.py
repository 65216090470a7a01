"""Figures for the forecast: both frontiers with their projected bands, the gap in months, and the backtest."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from irt_elo.plots._style import GROUP_LABELS, PALETTE, literal_text

LEAD_COLOR = PALETTE["closed"]
TRAIL_COLOR = PALETTE["open"]


@literal_text
def plot_forecast(result: Any, *, backtest: bool = True) -> Any:
    """Frontier records and projections with their intervals (top), the gap in months (middle) and, when the
    result carries backtests and ``backtest``, each backtest target's forecast error in months against how far
    ahead it was made (bottom; hollow markers fell outside the interval).

    Examples
    --------
    >>> from irt_elo.analysis.capabilities import Capabilities
    >>> from irt_elo.analysis.forecast import forecast
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> fig = plot_forecast(forecast(Capabilities.from_scores(load_epoch_eci_scores(), source="eci"), n_draws=50))
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt

    has_bt = backtest and any(len(b.rows) for b in result.backtests)
    n = 3 if has_bt else 2
    fig, axes = plt.subplots(n, 1, figsize=(9.0, 4.0 * n), layout="constrained", squeeze=False)
    axes = axes[:, 0]
    plot_frontier_projection(result, axes[0])
    plot_gap_projection(result, axes[1])
    if has_bt:
        plot_backtest(result.backtests, axes[2])
    return fig


@literal_text
def plot_frontier_projection(result: Any, ax: Any) -> Any:
    """Each group's frontier records (steps) and its projected median with the prediction band."""
    start = result.as_of - pd.DateOffset(years=3)
    for g, color in ((result.lead, LEAD_COLOR), (result.trail, TRAIL_COLOR)):
        h = result.history[(result.history["group"] == g) & (result.history["release_date"] >= start)]
        if len(h):
            x = list(h["release_date"]) + [result.as_of]
            y = list(h["capability"]) + [h["capability"].iloc[-1]]
            ax.step(x, y, where="post", color=color, lw=1.8, label=f"{GROUP_LABELS.get(g, g)} frontier")
            ax.plot(h["release_date"], h["capability"], "o", color=color, ms=3.5)
        p = result.path
        x = [result.as_of, *p["date"]]
        now = result.trends[g].level_now
        ax.plot(x, [now, *p[g]], color=color, lw=1.5, ls="--", label=f"{GROUP_LABELS.get(g, g)}: projected median")
        ax.fill_between(x, [now, *p[f"{g}_low"]], [now, *p[f"{g}_high"]], color=color, alpha=0.18, lw=0,
                        label=f"{result.level:.0%} prediction interval")
    ax.axvline(result.as_of, color=PALETTE["grey"], lw=0.8, ls=":")
    ax.set_ylabel(f"capability ({result.scale})")
    ax.set_title(f"Frontiers projected {result.horizon} from {result.as_of:%Y-%m-%d}", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    ax.grid(alpha=0.3)
    return ax


@literal_text
def plot_gap_projection(result: Any, ax: Any) -> Any:
    """The gap in months: now, and its projected median with the prediction band."""
    p = result.path
    x = [result.as_of, *p["date"]]
    now = result.gap_now_months
    ax.plot(x, [now, *p["gap_months"]], color=PALETTE["accent"], lw=1.8, label="projected median")
    ax.fill_between(x, [now, *p["gap_months_low"]], [now, *p["gap_months_high"]], color=PALETTE["accent"],
                    alpha=0.2, lw=0, label=f"{result.level:.0%} prediction interval")
    ax.axhline(0, color=PALETTE["grey"], lw=0.8)
    ax.set_ylabel("gap (months)")
    ax.set_title(f"How long ago the {result.lead} frontier stood where the {result.trail} frontier stands",
                 fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    return ax


@literal_text
def plot_backtest(backtests: Any, ax: Any = None) -> Any:
    """Forecast error (months; positive = the forecast ran ahead of what happened) against months ahead, one
    marker per backtest target; filled inside the interval, hollow outside."""
    from irt_elo.plots._style import new_axes

    fig, ax = new_axes(ax, figsize=(9.0, 4.0))
    markers = {"release-date cuts": "o", "vintage": "s"}
    colors = {}
    palette = [LEAD_COLOR, TRAIL_COLOR, PALETTE["accent2"], PALETTE["accent"]]
    for b in backtests:
        r = b.rows
        if not len(r):
            continue
        for q, rq in r.groupby("quantity", sort=False):
            c = colors.setdefault(q, palette[len(colors) % len(palette)])
            inside = rq["inside"].fillna(False).astype(bool).to_numpy()
            x = rq["months_ahead"].to_numpy(float)
            y = rq["error_months"].to_numpy(float)
            cov = b.summary.set_index("quantity").loc[q, "coverage"] if q in set(b.summary["quantity"]) else np.nan
            share = f"{cov:.0%} inside" if np.isfinite(cov) else "no targets"
            ax.scatter(x[inside], y[inside], marker=markers.get(b.kind, "o"), color=c, s=18,
                       label=f"{q}, {b.kind} ({share})")
            ax.scatter(x[~inside], y[~inside], marker=markers.get(b.kind, "o"), facecolors="none", edgecolors=c, s=18)
    ax.axhline(0, color=PALETTE["grey"], lw=0.8)
    ax.set_xlabel("months ahead")
    ax.set_ylabel("forecast error (months)")
    ax.set_title("Backtest: forecasts made in the past against what happened (hollow: outside the interval)",
                 fontsize=10)
    ax.legend(fontsize=6.5, ncol=2, loc="best")
    ax.grid(alpha=0.3)
    return ax


__all__ = ["plot_forecast", "plot_frontier_projection", "plot_gap_projection", "plot_backtest"]
