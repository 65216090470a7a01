"""Palette and small helpers shared by the plot modules."""
from __future__ import annotations

from typing import Any

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = {
    "closed": "#0072B2",  # blue
    "open": "#D55E00",  # vermillion
    "other": "#999999",
    "accent": "#009E73",  # bluish green
    "accent2": "#CC79A7",  # reddish purple
    "accent3": "#E69F00",  # orange
    "grey": "#555555",
}
GROUP_LABELS = {"closed": "Closed weights", "open": "Open weights", "other": "Unknown / other"}
# Okabe-Ito in the order used for several same-kind series (curves of different benchmarks, ...).
CYCLE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#555555", "#F0E442")


def new_axes(ax: Any = None, figsize: tuple[float, float] = (9.0, 5.5)) -> tuple[Any, Any]:
    """Return (figure, axes), creating a constrained-layout figure when ``ax`` is None.

    Examples
    --------
    >>> fig, ax = new_axes()
    >>> new_axes(ax) == (fig, ax)
    True
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax
