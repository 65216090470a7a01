"""Matplotlib figures, one module per analysis. Each function takes results and returns a Figure; no file I/O.

Shared style: the Okabe-Ito palette (safe for the common colour-vision deficiencies), titles that state the data
vintage and the method.
"""
from __future__ import annotations

from irt_elo.plots._style import PALETTE, fixed_metadata
from irt_elo.plots.capabilities import plot_capabilities
from irt_elo.plots.compare import plot_subsets, plot_waterfall
from irt_elo.plots.diagnostics import (
    plot_cv,
    plot_eci_comparison,
    plot_fit_statistics,
    plot_information,
    plot_item_curves,
)
from irt_elo.plots.gap import plot_frontiers, plot_gap, plot_gap_by_vintage, plot_gap_over_time, plot_trend
from irt_elo.plots.newmodels import plot_next_benchmark_simulation

__all__ = [
    "PALETTE", "fixed_metadata", "plot_capabilities",
    "plot_frontiers", "plot_gap", "plot_gap_over_time", "plot_trend", "plot_gap_by_vintage",
    "plot_waterfall", "plot_subsets",
    "plot_item_curves", "plot_information", "plot_fit_statistics", "plot_cv", "plot_eci_comparison",
    "plot_next_benchmark_simulation",
]
