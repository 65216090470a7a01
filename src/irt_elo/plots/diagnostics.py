"""Figures for model checking: item characteristic and information curves, fit statistics, cross-validation."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import expit

from irt_elo.plots._style import CYCLE as _CYCLE
from irt_elo.plots._style import PALETTE, literal_text, new_axes


def _curve(fitter: Any, benchmark: str, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Predicted score and its derivative along capabilities ``c`` (output scale) for one benchmark."""
    s = float(fitter.slope_[benchmark])
    z = s * (c - float(fitter.difficulty_[benchmark]))
    if getattr(fitter, "link", "sigmoid") == "clipped-linear":  # irt_elo.analysis.diagnostics.ClippedLinearFitter
        z = z + fitter.offset
        return np.clip(z, 0.0, 1.0), np.where((z >= 0) & (z <= 1), s, 0.0)
    p = expit(z)
    return p, s * p * (1.0 - p)


def _pick(fitter: Any, benchmarks: Sequence[str] | None, k: int) -> list[str]:
    if benchmarks is not None:
        names = list(benchmarks)
        missing = [b for b in names if b not in fitter.difficulty_.index]
        if missing:
            from irt_elo.errors import IrtEloError, did_you_mean

            hint = did_you_mean(missing[0], fitter.difficulty_.index)
            raise IrtEloError(f"benchmark {missing[0]!r} was not fitted{hint}")
        return names
    # Default: the k most-observed benchmarks, shown in order of difficulty.
    n = fitter.table_.models_per_benchmark().sort_values(ascending=False, kind="stable")
    return list(fitter.difficulty_[n.index[:k]].sort_values().index)


def _grid(fitter: Any) -> np.ndarray:
    cap = fitter.capability_.to_numpy()
    lo, hi = float(cap.min()), float(cap.max())
    pad = 0.15 * (hi - lo if hi > lo else 1.0)
    return np.linspace(lo - pad, hi + pad, 400)


@literal_text
def plot_item_curves(fitter: Any, benchmarks: Sequence[str] | None = None, ax: Any = None, *,
                     points: bool = True, max_benchmarks: int = 6) -> Any:
    """Item characteristic curves: predicted score against capability for some benchmarks, with observed scores.

    Parameters
    ----------
    fitter : Fitter
        A fitted model (sigmoid or clipped-linear link).
    benchmarks : list of str, optional
        Which curves (default: the ``max_benchmarks`` most-observed benchmarks).
    points : bool
        Overlay each model's observed score at its fitted capability.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> from irt_elo import fit
    >>> fig = plot_item_curves(fit(), ["GPQA diamond", "MMLU"])
    >>> len(fig.axes)
    1
    """
    names = _pick(fitter, benchmarks, max_benchmarks)
    fig, ax = new_axes(ax)
    c = _grid(fitter)
    scores = fitter.table_.scores
    for i, b in enumerate(names):
        col = _CYCLE[i % len(_CYCLE)]
        p, _ = _curve(fitter, b, c)
        ax.plot(c, p, color=col, lw=2, label=f"{b} (difficulty {float(fitter.difficulty_[b]):.1f})")
        if points:
            s = scores[scores["benchmark"] == b]
            ax.scatter(fitter.capability_.reindex(s["model"]).to_numpy(), s["score"], color=col, s=12, alpha=0.6)
    ax.set_xlabel(f"capability ({fitter.scale_.name})")
    ax.set_ylabel("score (fraction)")
    ax.set_ylim(-0.03, 1.03)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title(f"Item characteristic curves: {fitter.name} fit of {fitter.table_.name}", fontsize=10)
    return fig


def item_information(fitter: Any, capability: np.ndarray, benchmarks: Sequence[str] | None = None,
                     variance_floor: float = 0.01) -> dict[str, np.ndarray]:
    """Fisher information of each benchmark along ``capability`` (output scale), as for one Bernoulli answer:
    ``I(c) = (dp/dc)^2 / max(p (1 - p), v_min)`` -- ``slope^2 p (1 - p)`` for the sigmoid.

    Examples
    --------
    >>> from irt_elo import fit
    >>> f = fit()
    >>> info = item_information(f, np.array([130.0, 150.0]), ["GPQA diamond"])
    >>> info["GPQA diamond"].shape
    (2,)
    """
    names = list(fitter.difficulty_.index) if benchmarks is None else list(benchmarks)
    out = {}
    for b in names:
        p, dp = _curve(fitter, b, np.asarray(capability, dtype=float))
        out[b] = dp ** 2 / np.maximum(p * (1.0 - p), variance_floor)
    return out


@literal_text
def plot_information(fitter: Any, benchmarks: Sequence[str] | None = None, ax: Any = None, *,
                     max_benchmarks: int = 6, total: bool = True) -> Any:
    """Information curves of some benchmarks and (right axis) the total over all fitted benchmarks.

    Where the total is high, capabilities are pinned down by the data; where it falls off (the frontier), they rest on
    few benchmarks that are not yet saturated.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> from irt_elo import fit
    >>> fig = plot_information(fit(), max_benchmarks=3)
    >>> len(fig.axes)
    2
    """
    names = _pick(fitter, benchmarks, max_benchmarks)
    fig, ax = new_axes(ax)
    c = _grid(fitter)
    info = item_information(fitter, c, names)
    for i, b in enumerate(names):
        ax.plot(c, info[b], color=_CYCLE[i % len(_CYCLE)], lw=1.5, label=b)
    ax.set_xlabel(f"capability ({fitter.scale_.name})")
    ax.set_ylabel("information per benchmark")
    ax.grid(alpha=0.3)
    if total:
        tot = sum(item_information(fitter, c).values())
        ax2 = ax.twinx()
        ax2.plot(c, tot, color="black", lw=2.5, ls="--", label="total (all benchmarks)")
        ax2.set_ylabel("total information")
        ax2.legend(loc="upper right", fontsize=8, frameon=False)
        rug = fitter.capability_.to_numpy()
        ax.plot(rug, np.zeros_like(rug), "|", color=PALETTE["grey"], ms=8, alpha=0.5)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title(f"Information curves: {fitter.name} fit of {fitter.table_.name} (ticks: fitted models)",
                 fontsize=10)
    return fig


@literal_text
def plot_fit_statistics(diagnostics: Any, what: str = "benchmarks", stat: str = "infit", top: int = 20,
                        ax: Any = None, misfit: float = 2.0, *, data: str | None = None) -> Any:
    """Horizontal bars of a fit statistic for the worst ``top`` benchmarks or models (1 = typical misfit).

    ``data`` names the fit and its data vintage for the title (a :class:`~irt_elo.analysis.diagnostics.Diagnostics` does
    not carry it), e.g. ``"eci fit of epoch_eci_2026-08-11"``.

    Examples
    --------
    >>> from irt_elo import fit
    >>> from irt_elo.analysis.diagnostics import diagnose
    >>> f = fit()
    >>> fig = plot_fit_statistics(diagnose(f), top=10, data=f"{f.name} fit of {f.table_.name}")
    >>> fig.axes[0].get_title().splitlines()[0]
    'Worst-fitting benchmarks by infit: eci fit of epoch_eci_2026-08-11/eci_benchmarks.csv'
    """
    from irt_elo.errors import IrtEloError

    if what not in ("benchmarks", "models"):
        raise IrtEloError(f"what must be 'benchmarks' or 'models', not {what!r}")
    frame = getattr(diagnostics, what)
    if stat not in frame:
        raise IrtEloError(f"no statistic {stat!r}; use infit, outfit, rmse or mae")
    d = frame.sort_values(stat, ascending=False, kind="stable").head(top).iloc[::-1]
    fig, ax = new_axes(ax, figsize=(8.0, max(3.0, 0.28 * len(d) + 1.2)))
    colours = [PALETTE["open"] if v > misfit and stat in ("infit", "outfit") else PALETTE["closed"]
               for v in d[stat]]
    ax.barh([str(i) for i in d.index], d[stat], color=colours)
    if stat in ("infit", "outfit"):
        ax.axvline(1.0, color=PALETTE["grey"], lw=1, ls="--")
        ax.axvline(misfit, color=PALETTE["open"], lw=1, ls=":")
    ax.set_xlabel(stat)
    ax.tick_params(axis="y", labelsize=8)
    note = "\ndashed: typical = 1; dotted: warning at " + f"{misfit:g}" if stat in ("infit", "outfit") else ""
    ax.set_title(f"Worst-fitting {what} by {stat}{': ' + data if data else ''}{note}", fontsize=10)
    return fig


@literal_text
def plot_cv(cv: Any, ax: Any = None, *, data: str | None = None) -> Any:
    """Cross-validated R^2 of each candidate (bars) with its in-sample R^2 (dots).

    ``data`` names the data vintage for the title (a :class:`~irt_elo.analysis.diagnostics.CVResult` does not carry it).

    Examples
    --------
    >>> import pandas as pd
    >>> class R:  # any object with a CVResult-like .table
    ...     table = pd.DataFrame({"candidate": ["a", "b"], "cv_r2": [0.86, 0.87], "in_sample_r2": [0.92, 0.92]})
    ...     n_folds, random_state = 10, 0
    >>> fig = plot_cv(R(), data="epoch_benchmark_stitching_2025-11")
    >>> print(fig.axes[0].get_title())
    10-fold cross-validation over observed cells (fold seed 0)
    data: epoch_benchmark_stitching_2025-11
    """
    t = cv.table.iloc[::-1]
    fig, ax = new_axes(ax, figsize=(8.0, 0.6 * len(t) + 1.5))
    y = np.arange(len(t))
    ax.barh(y, t["cv_r2"], color=PALETTE["accent"], label="cross-validated R²")
    ax.scatter(t["in_sample_r2"], y, color="black", zorder=3, label="in-sample R²")
    for yi, v in zip(y, t["cv_r2"]):
        ax.text(v, yi, f" {v:.3f}", va="center", fontsize=8)
    ax.set_yticks(y, t["candidate"], fontsize=8)
    lo = float(min(t["cv_r2"].min(), t["in_sample_r2"].min()))
    ax.set_xlim(max(0.0, lo - 0.1), 1.0)
    ax.set_xlabel("R² of held-out scores")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    folds, seed = getattr(cv, "n_folds", None), getattr(cv, "random_state", None)
    how = (f"{folds}-fold cross-validation over observed cells" if folds else "Cross-validation") + \
        (f" (fold seed {seed})" if seed is not None else "")
    ax.set_title(how + (f"\ndata: {data}" if data else ""), fontsize=10)
    return fig


@literal_text
def plot_eci_comparison(comparison: Any, ax: Any = None, *, label_top: int = 5, data: str | None = None,
                        method: str = "Our fit") -> Any:
    """Our ECI against the published one (one dot per published model group), frontier models ringed.

    ``comparison`` is :func:`irt_elo.data.readers.epoch_hub.compare_eci` output; the ``label_top`` largest differences
    are named. ``method`` (e.g. ``"eci preset"``) and ``data`` (the data vintage, e.g. ``"epoch_hub_2026-04"``)
    go into the title; the comparison frame does not carry them.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"model": ["a", "b"], "eci_published": [120.0, 140.0], "eci": [120.2, 139.5],
    ...                   "abs_diff": [0.2, 0.5], "frontier": [True, False], "open_weights": [True, False],
    ...                   "in_fit": [True, True]})
    >>> fig = plot_eci_comparison(c, data="epoch_hub_2026-04", method="eci preset")
    >>> len(fig.axes[0].collections) >= 2, fig.axes[0].get_title().splitlines()[0]
    (True, 'eci preset vs published ECI, data epoch_hub_2026-04')
    """
    c = comparison[comparison["in_fit"]]
    fig, ax = new_axes(ax, figsize=(7.0, 6.5))
    ow = c["open_weights"].astype("boolean") if "open_weights" in c else None
    groups = {"open": ow.fillna(False).to_numpy(dtype=bool), "closed": (~ow).fillna(False).to_numpy(dtype=bool)} \
        if ow is not None else {"closed": np.ones(len(c), dtype=bool)}
    for g, sel in groups.items():
        if sel.any():
            ax.scatter(c.loc[sel, "eci_published"], c.loc[sel, "eci"], s=16, color=PALETTE[g], alpha=0.8,
                       label=f"{g} weights ({int(sel.sum())})")
    rest = np.ones(len(c), dtype=bool)
    for sel in groups.values():
        rest &= ~sel
    if rest.any():
        ax.scatter(c.loc[rest, "eci_published"], c.loc[rest, "eci"], s=16, color=PALETTE["other"], label="other")
    fr = c[c["frontier"]]
    ax.scatter(fr["eci_published"], fr["eci"], s=70, facecolors="none", edgecolors="black", lw=1,
               label=f"frontier at release ({len(fr)})")
    lo = float(min(c["eci_published"].min(), c["eci"].min()))
    hi = float(max(c["eci_published"].max(), c["eci"].max()))
    ax.plot([lo, hi], [lo, hi], color=PALETTE["grey"], lw=1, ls="--")
    for _, r in c.nlargest(label_top, "abs_diff").iterrows():
        ax.annotate(str(r["model"]), (r["eci_published"], r["eci"]), fontsize=7, xytext=(4, -8),
                    textcoords="offset points")
    d = c["eci"] - c["eci_published"]
    r = float(np.corrcoef(c["eci"], c["eci_published"])[0, 1]) if len(c) > 2 else float("nan")
    ax.set_xlabel("published ECI")
    ax.set_ylabel("our ECI (same data, our fit)")
    ax.set_title(f"{method} vs published ECI{', data ' + data if data else ''}\n"
                 f"r = {r:.5f}, mean |diff| {d.abs().mean():.2f}, max {d.abs().max():.2f}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


__all__ = ["plot_item_curves", "plot_information", "item_information", "plot_fit_statistics", "plot_cv",
           "plot_eci_comparison"]
