"""Figures for the ECI-vs-CAISI comparison: the decomposition waterfall and the benchmark-subset distribution."""
from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from irt_elo.data.published import PUBLISHED_HEADLINES
from irt_elo.plots._style import PALETTE, literal_text, new_axes

UP, DOWN, TOTAL, OFF = PALETTE["closed"], PALETTE["open"], PALETTE["grey"], PALETTE["accent2"]
PUBLISHED_STYLE = {"epoch": (PALETTE["accent"], "--"), "caisi": (PALETTE["accent3"], ":")}


@literal_text
def plot_waterfall(decomposition: Any, ax: Any = None, *, published: bool = True) -> Any:
    """Waterfall of a :class:`~irt_elo.analysis.compare.Decomposition`: the headline gap in months after each step.

    The first bar is the starting headline (ECI, Epoch's question), each following bar the change one step makes
    (blue: longer lag, vermillion: shorter), then a bar for the end headline (CAISI's question with the caisi
    preset); off-path steps (e.g. the harness filter) are hatched bars standing on the end headline. Error bars on
    the total bars are the bootstrap intervals; dashed / dotted lines mark Epoch's and CAISI's published headlines.

    Returns the matplotlib Figure; one bar per step plus the end total.

    Examples
    --------
    >>> from irt_elo.analysis.compare import decompose, default_steps
    >>> d = decompose(n_boot=0, steps=[s for s in default_steps() if s.question.criterion == "point"][:2])
    >>> ax = plot_waterfall(d).axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['criterion: point estimate', "benchmarks: CAISI's subset", 'CAISI headline']
    """
    f = decomposition.frame
    on = f[f["on_path"]].reset_index(drop=True)
    off = f[~f["on_path"]].reset_index(drop=True)
    n = len(on) + 1 + len(off)
    fig, ax = new_axes(ax, figsize=(max(8.0, 0.95 * n + 2.0), 5.8))
    labels, x = [], np.arange(n)
    months = on["gap_months"].to_numpy(float)
    for i, r in on.iterrows():
        if i == 0:
            ax.bar(x[i], months[0], color=TOTAL, width=0.7)
            _err(ax, x[i], r)
        else:
            d = months[i] - months[i - 1]
            base = months[i - 1]
            ax.bar(x[i], d if np.isfinite(d) else 0.0, bottom=base if np.isfinite(base) else 0.0,
                   color=UP if d >= 0 else DOWN, width=0.7)
            ax.annotate(f"{d:+.1f}" if np.isfinite(d) else "n/a", (x[i], max(base, months[i]) if np.isfinite(d)
                        else 0.0), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
        labels.append(str(r["step"]))
    end = months[-1]
    k = len(on)
    ax.bar(x[k], end, color=TOTAL, width=0.7)
    _err(ax, x[k], on.iloc[-1])
    labels.append("CAISI headline")
    for j, r in off.iterrows():
        d = float(r["gap_months"]) - end
        ax.bar(x[k + 1 + j], d, bottom=end, color="white", edgecolor=OFF, hatch="//", width=0.7)
        ax.annotate(f"{d:+.1f}", (x[k + 1 + j], max(end, end + d)), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
        labels.append(f"{r['step']}\n(off path)")
    for i in (0, k):
        v = months[0] if i == 0 else end
        ax.annotate(f"{v:.1f}", (x[i], v), xytext=(6, 3), textcoords="offset points", ha="left", fontsize=8,
                    fontweight="bold")
    if published:
        for key, (color, ls) in PUBLISHED_STYLE.items():
            v = PUBLISHED_HEADLINES[key]["gap_months"]
            ax.axhline(v, color=color, ls=ls, lw=1.3, label=f"published {key.upper() if key == 'caisi' else 'Epoch'}"
                       f" headline ({v:g} months)")
        ax.legend(loc="upper right", frameon=False, fontsize=8)
    tops = [months.max(), end, *(off["gap_months"].to_numpy(float) if len(off) else [])]
    tops += [float(v) for v in on.get("gap_months_high", []) if np.isfinite(v)]
    if published:
        tops += [PUBLISHED_HEADLINES[k]["gap_months"] for k in PUBLISHED_STYLE]
    top = np.nanmax(np.asarray(tops, dtype=float))
    ax.set_ylim(min(0.0, np.nanmin(months)) * 1.1, top * 1.18 + 0.2)
    ax.set_xticks(x, labels, rotation=35, ha="right", fontsize=8)
    ax.set_ylabel("headline gap (months)")
    ax.axhline(0, color="black", lw=0.6)
    ax.grid(axis="y", alpha=0.3)
    boot = f"{decomposition.n_boot} bootstrap draws, {decomposition.level:.0%} intervals" if decomposition.n_boot \
        else "no bootstrap"
    ax.set_title(f"From Epoch's ECI headline to CAISI's, one method choice at a time\n"
                 f"data: {decomposition.data}; {boot}; steps are cumulative", fontsize=10)
    return fig


def _err(ax: Any, x: float, row: Any) -> None:
    lo, hi, v = row.get("gap_months_low"), row.get("gap_months_high"), row.get("gap_months")
    if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
        ax.errorbar(x, v, yerr=[[max(v - lo, 0.0)], [max(hi - v, 0.0)]], color="black", capsize=4, lw=1)


@literal_text
def plot_subsets(result: Any, axes: Any = None, *, bins: int = 20) -> Any:
    """Distribution of the headline gap over random benchmark subsets, one panel per question.

    Each panel: a histogram of the subset gaps (months), a solid line at the full-data gap computed the same way
    and a dashed line at the published headline. Returns the matplotlib Figure.

    Examples
    --------
    >>> from irt_elo.analysis.robustness import leave_one_out
    >>> fig = plot_subsets(leave_one_out(spec="caisi"))
    >>> len(fig.axes), fig.get_suptitle().splitlines()[1]
    (2, 'data: epoch_eci_2026-08-11/eci_benchmarks.csv')
    """
    import matplotlib.pyplot as plt

    qs = list(result.questions)
    if axes is None:
        fig, axes = plt.subplots(1, len(qs), figsize=(5.2 * len(qs), 4.6), layout="constrained", squeeze=False)
        axes = axes[0]
    else:
        axes = np.atleast_1d(axes)
        fig = axes[0].figure
    colors = [PALETTE["closed"], PALETTE["open"], PALETTE["accent"]]
    for ax, q, c in zip(axes, qs, colors * 3):
        v = result.frame[f"{q.key}_months"].to_numpy(float)
        v = v[np.isfinite(v)]
        if len(v):
            ax.hist(v, bins=bins, color=c, alpha=0.75, edgecolor="white", label=f"{len(v)} subsets")
        else:
            ax.text(0.5, 0.5, "no subset answered this question", transform=ax.transAxes, ha="center")
        full = result.full.get(f"{q.key}_months", np.nan)
        if np.isfinite(full):
            ax.axvline(full, color="black", lw=1.6, label=f"all benchmarks: {full:.1f}")
        pub = PUBLISHED_HEADLINES.get(q.key, {}).get("gap_months")
        if pub is not None:
            ax.axvline(pub, color=PALETTE["accent3"], lw=1.6, ls="--", label=f"published headline: {pub:g}")
        ax.set_xlabel(f"gap (months), criterion: {q.criterion}")
        ax.set_ylabel("subsets")
        ax.set_title(textwrap.fill(q.label, 60), fontsize=9)
        ax.legend(frameon=False, fontsize=8)
        ax.grid(alpha=0.3)
    n = len(result.frame)
    what = (f"refitted on {n} random {result.k}-benchmark subsets" if result.kind == "random"
            else f"refitted with each of its {n} benchmarks left out in turn")
    req = f", each keeping {result.require_model}" if getattr(result, "require_model", None) else ""
    fig.suptitle(f"{result.spec.name} preset {what}{req} (seed {result.seed})\ndata: {result.data}",
                 fontsize=10)
    return fig


__all__ = ["plot_waterfall", "plot_subsets"]
