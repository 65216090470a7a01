"""Capability against release date for a fitted model."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._style import GROUP_LABELS, PALETTE, new_axes


def plot_capabilities(fitter: Any, ax: Any = None, *, label_top: int = 8) -> Any:
    """Fitted capability against release date, open and closed weights in separate colours.

    Returns the matplotlib Figure.
    """
    models = fitter.models_
    fig, ax = new_axes(ax)
    if "release_date" not in models or models["release_date"].isna().all():
        x = np.arange(len(models))
        ax.scatter(x, models["capability"], color=PALETTE["closed"], s=18)
        ax.set_xlabel("model (data order)")
    else:
        group = models["group"].astype(object).where(models["group"].notna(), "other") \
            if "group" in models else np.full(len(models), "other")
        for g, lab in GROUP_LABELS.items():
            sel = np.asarray(group == g)
            if sel.any():
                ax.scatter(models.loc[sel, "release_date"], models.loc[sel, "capability"], s=18, alpha=0.85,
                           color=PALETTE[g], label=f"{lab} ({int(sel.sum())})")
        top = models.nlargest(label_top, "capability")
        for _, r in top.iterrows():
            ax.annotate(r["model"], (r["release_date"], r["capability"]), fontsize=7, xytext=(3, 2),
                        textcoords="offset points")
        ax.set_xlabel("release date")
        ax.legend(loc="upper left", frameon=False)
    ax.set_ylabel(f"capability ({fitter.scale_.name})")
    ax.set_title(f"{fitter.name} fit of {fitter.table_.name}: {fitter.table_.n_models} models, "
                 f"{fitter.table_.n_benchmarks} benchmarks", fontsize=10)
    ax.grid(alpha=0.3)
    return fig
