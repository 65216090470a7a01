"""Figures for new models: the next-benchmark simulation and a new model's place among the fitted ones."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from irt_elo.plots._style import PALETTE, literal_text, new_axes

RULE_STYLE = {"next-benchmark rule": (PALETTE["closed"], "o", "-"), "random": (PALETTE["grey"], "s", "--"),
              "most-run first": (PALETTE["accent3"], "^", ":")}


@literal_text
def plot_next_benchmark_simulation(errors: pd.DataFrame, ax: Any = None, *, scale: str = "ECI",
                                   title: str | None = None) -> Any:
    """Capability error against the number of benchmarks run, one line per selection rule.

    ``errors``: :attr:`irt_elo.analysis.newmodels.NextBenchmarkSimulation.errors` (``rule``, ``k``, ``error``).
    Lines: the median absolute error over models (and random orders); bands: the 25-75% range.

    Examples
    --------
    >>> e = pd.DataFrame({"rule": ["random", "random", "most-run first", "most-run first"], "k": [1, 2, 1, 2],
    ...                   "error": [2.0, 1.0, 1.5, 0.5]})
    >>> ax = plot_next_benchmark_simulation(e).axes[0]
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['most-run first', 'random']
    """
    fig, ax = new_axes(ax, figsize=(8.0, 5.0))
    for rule, g in errors.groupby("rule", sort=False):
        q = g.groupby("k")["error"].quantile([0.25, 0.5, 0.75]).unstack()
        colour, marker, line = RULE_STYLE.get(str(rule), (PALETTE["other"], "x", "-"))
        ax.plot(q.index, q[0.5], color=colour, marker=marker, linestyle=line, label=str(rule))
        ax.fill_between(q.index, q[0.25], q[0.75], color=colour, alpha=0.12, linewidth=0)
    ks = np.sort(errors["k"].unique())
    ax.set_xticks(ks)
    ax.set_xlabel("benchmarks run (k)")
    ax.set_ylabel(f"capability error, {scale} points (median; band 25-75%)")
    ax.set_ylim(bottom=0)
    n_models = errors["model"].nunique() if "model" in errors else None
    ax.set_title(title or "Which benchmarks to run: error of a frontier model's capability from k of its benchmarks"
                 + (f"\n({n_models} frontier models, each left out of the fit)" if n_models else ""), fontsize=10)
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return fig


__all__ = ["plot_next_benchmark_simulation"]
