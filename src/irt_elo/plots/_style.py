"""Palette and small helpers shared by the plot modules."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

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


def literal_text(func: F) -> F:
    """Draw every text the plot function creates literally: model and benchmark names come from users' files, and a
    ``$`` in one (``"Cost $5 per $M"``, ``"x $\\frac$"``) would otherwise be parsed as matplotlib mathtext, drawn
    wrong or raise at save time. The figures use no mathtext of their own; texts outside the call are untouched.

    Examples
    --------
    >>> @literal_text
    ... def fig_with(name):
    ...     fig, ax = new_axes()
    ...     ax.set_title(name)
    ...     return fig
    >>> fig = fig_with("x $\\frac$ y")
    >>> fig.axes[0].title.get_parse_math()
    False
    """
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def fixed_metadata(fmt: str) -> dict[str, Any]:
    """``savefig`` metadata without creation dates or software versions, so the same inputs give byte-identical
    figures (``fmt``: png, svg or pdf).

    Examples
    --------
    >>> fixed_metadata("png")
    {'Software': None}
    """
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    return {"CreationDate": None, "Creator": None, "Producer": None}
