"""Capability against release date for a fitted model."""
from __future__ import annotations

from typing import Any

import numpy as np

from irt_elo.plots._style import GROUP_LABELS, PALETTE, literal_text, new_axes


@literal_text
def plot_capabilities(fitter: Any, ax: Any = None, *, label_top: int = 3) -> Any:
    """Fitted capability against release date, open and closed weights in separate colours.

    The ``label_top`` most capable models of each group are named; intervals (``ci_low``/``ci_high`` after a
    bootstrap or a Bayesian fit) are drawn as error bars.

    Parameters
    ----------
    fitter : Fitter
        A fitted :class:`~irt_elo.fit.Fitter`.
    ax : matplotlib Axes, optional
    label_top : int

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import irt_elo
    >>> fig = irt_elo.fit().plot()
    >>> len(fig.axes)
    1
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
                if {"ci_low", "ci_high"} <= set(models.columns):  # intervals from a bootstrap or posterior
                    m = models.loc[sel]
                    err = np.vstack([m["capability"] - m["ci_low"], m["ci_high"] - m["capability"]])
                    ax.errorbar(m["release_date"], m["capability"], yerr=np.nan_to_num(err), fmt="none",
                                ecolor=PALETTE[g], alpha=0.35, lw=0.8)
        named = [models[np.asarray(group == g)].nlargest(label_top, "capability") for g in ("closed", "open")]
        for top in named:
            # Staggered offsets keep near-tied leaders' names apart.
            for k, (_, r) in enumerate(top.iterrows()):
                ax.annotate(r["model"], (r["release_date"], r["capability"]), fontsize=7,
                            xytext=(-8, 8 - 12 * k), textcoords="offset points", ha="right",
                            arrowprops={"arrowstyle": "-", "lw": 0.5, "color": PALETTE["grey"]})
        ax.set_xlabel("release date")
        ax.legend(loc="upper left", frameon=False)
    ax.set_ylabel(f"capability ({fitter.scale_.name})")
    ax.set_title(f"{fitter.name} fit of {fitter.table_.name}: {fitter.table_.n_models} models, "
                 f"{fitter.table_.n_benchmarks} benchmarks", fontsize=10)
    ax.grid(alpha=0.3)
    return fig
