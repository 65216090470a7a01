"""Simulators shared by tests, benchmarks and power analyses: aggregate score tables and item-level responses drawn
from the 2PL/1PL model with known parameters (the truth rides along in the result's metadata)."""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from irt_elo.data.responses import ResponseTable
from irt_elo.data.table import ScoreTable, from_frame
from irt_elo.errors import IrtEloError


def simulate_scores(
    n_models: int,
    n_benchmarks: int,
    *,
    missing: float = 0.0,
    model: Literal["2pl", "1pl"] = "2pl",
    difficulty_sd: float = 1.5,
    slope_logmean: float = 0.3,
    slope_logsd: float = 0.4,
    n_items: int | tuple[int, int] = (50, 500),
    with_n_items: bool = True,
    random_state: int = 0,
) -> tuple[ScoreTable, dict[str, pd.Series]]:
    """Aggregate scores from a known 2PL: each cell is the fraction solved of its benchmark's ``n_items`` questions.

    Capabilities ~ N(0, 1), difficulties ~ N(0, ``difficulty_sd``^2), slopes ~ LogNormal(``slope_logmean``,
    ``slope_logsd``) (all 1 for a 1PL), question counts uniform on ``n_items`` = (low, high) or fixed; each cell is
    observed with probability ``1 - missing`` and scored Binomial(n, p) / n. Models are named ``m0, m1, ...`` and
    benchmarks ``b0, b1, ...``.

    Returns
    -------
    table : ScoreTable
        With an ``n_items`` column when ``with_n_items``.
    truth : dict of Series
        ``theta``, ``delta``, ``alpha`` and ``n_items``, indexed by name.

    Examples
    --------
    >>> t, truth = simulate_scores(30, 8, missing=0.2, random_state=1)
    >>> t.n_models, t.n_benchmarks, round(float(truth["alpha"].loc["b0"]), 3) > 0
    (30, 8, True)
    """
    if model not in ("2pl", "1pl"):
        raise IrtEloError(f"model must be '2pl' or '1pl', not {model!r}")
    if not 0.0 <= missing < 1.0:
        raise IrtEloError(f"missing must be in [0, 1), not {missing!r}")
    rs = np.random.default_rng(random_state)
    theta, delta = rs.normal(0.0, 1.0, n_models), rs.normal(0.0, difficulty_sd, n_benchmarks)
    alpha = np.exp(rs.normal(slope_logmean, slope_logsd, n_benchmarks))
    if model == "1pl":
        alpha = np.ones(n_benchmarks)
    n = rs.integers(n_items[0], n_items[1], n_benchmarks) if isinstance(n_items, tuple) \
        else np.full(n_benchmarks, int(n_items))
    mi, bi = (a.ravel() for a in np.meshgrid(np.arange(n_models), np.arange(n_benchmarks), indexing="ij"))
    keep = rs.random(mi.size) >= missing
    mi, bi = mi[keep], bi[keep]
    k = rs.binomial(n[bi], 1.0 / (1.0 + np.exp(-alpha[bi] * (theta[mi] - delta[bi]))))
    models = np.array([f"m{i}" for i in range(n_models)], dtype=object)
    benches = np.array([f"b{j}" for j in range(n_benchmarks)], dtype=object)
    df = pd.DataFrame({"model": models[mi], "benchmark": benches[bi], "score": k / n[bi]})
    if with_n_items:
        df["n_items"] = n[bi]
    truth = {"theta": pd.Series(theta, index=models, name="theta"),
             "delta": pd.Series(delta, index=benches, name="delta"),
             "alpha": pd.Series(alpha, index=benches, name="alpha"),
             "n_items": pd.Series(n, index=benches, name="n_items")}
    return from_frame(df, name="simulated"), truth


def simulate_responses(
    n_models: int,
    n_items: int,
    model: Literal["2pl", "1pl"] = "2pl",
    missing: float = 0.0,
    random_state: int = 0,
    *,
    n_benchmarks: int = 1,
    n_domains: int = 1,
    theta_sd: float = 1.0,
    difficulty_sd: float = 1.0,
    slope_log_sd: float = 0.5,
    name: str = "simulated",
) -> tuple[ResponseTable, dict[str, pd.Series]]:
    """Simulate binary responses from a 2PL (or 1PL) with known parameters.

    ``P(correct) = sigmoid(slope_i * (theta_m - difficulty_i))`` with ``theta ~ N(0, theta_sd^2)``,
    ``difficulty ~ N(0, difficulty_sd^2)``, ``slope ~ LogNormal(0, slope_log_sd^2)`` (1PL: slope 1); the default
    slope spread is BILOG's slope prior, the one :class:`irt_elo.fit.items.ItemFitter` uses. How well slopes can be
    recovered depends mostly on that spread: at 500 models x 200 items even an oracle that knows every ``theta``
    reaches a slope correlation of only ~0.91 with ``slope_log_sd=0.3``, ~0.95 with 0.4 and ~0.97 with 0.5. Each cell is
    missing completely at random with probability ``missing``; every model and item keeps at least one response.
    Items are split into ``n_benchmarks`` consecutive benchmarks of unequal size, assigned round-robin to
    ``n_domains`` domains.

    Returns
    -------
    table : ResponseTable
    truth : dict of Series
        ``theta`` (by model), ``difficulty`` and ``slope`` (by item), on the logit scale.

    Examples
    --------
    >>> t, truth = simulate_responses(50, 20, missing=0.3, random_state=0)
    >>> t.n_models, t.n_items, round(t.n_obs / 1000, 1)
    (50, 20, 0.7)
    """
    if model not in ("2pl", "1pl"):
        raise IrtEloError(f"model must be '2pl' or '1pl', not {model!r}")
    if not (0 <= missing < 1):
        raise IrtEloError(f"missing must be in [0, 1), not {missing!r}")
    if n_models < 1 or n_items < 1 or not (1 <= n_benchmarks <= n_items) or not (1 <= n_domains <= n_benchmarks):
        raise IrtEloError("need n_models >= 1, 1 <= n_benchmarks <= n_items and 1 <= n_domains <= n_benchmarks")
    rng = np.random.default_rng(random_state)
    theta = rng.normal(0.0, theta_sd, n_models)
    diff = rng.normal(0.0, difficulty_sd, n_items)
    slope = np.exp(rng.normal(0.0, slope_log_sd, n_items)) if model == "2pl" else np.ones(n_items)
    mnames = [f"m{i:0{len(str(n_models - 1))}d}" for i in range(n_models)]
    inames = [f"i{j:0{len(str(n_items - 1))}d}" for j in range(n_items)]

    # Row blocks keep memory at O(block x items) even for very large designs.
    mi_parts, ii_parts, y_parts = [], [], []
    block = max(1, 4_000_000 // n_items)
    for s in range(0, n_models, block):
        th = theta[s:s + block]
        obs = rng.random((th.size, n_items)) >= missing
        r, c = np.nonzero(obs)
        p = 1.0 / (1.0 + np.exp(-slope[c] * (th[r] - diff[c])))
        y_parts.append((rng.random(r.size) < p).astype(np.int8))
        mi_parts.append(r + s)
        ii_parts.append(c)
    mi, ii, y = np.concatenate(mi_parts), np.concatenate(ii_parts), np.concatenate(y_parts)
    # Guarantee one response per model and per item (only bites for tiny designs with heavy missingness).
    extra_m, extra_i = [], []
    for lone in np.flatnonzero(np.bincount(mi, minlength=n_models) == 0):
        extra_m.append(lone)
        extra_i.append(int(rng.integers(n_items)))
    have = np.bincount(np.concatenate([ii, np.asarray(extra_i, dtype=np.intp)]), minlength=n_items)
    for lone in np.flatnonzero(have == 0):
        extra_m.append(int(rng.integers(n_models)))
        extra_i.append(lone)
    if extra_m:
        em, ei = np.asarray(extra_m, dtype=np.intp), np.asarray(extra_i, dtype=np.intp)
        # No pair can repeat: a lone model had no response at all, and a lone item none even after the models' extras.
        p = 1.0 / (1.0 + np.exp(-slope[ei] * (theta[em] - diff[ei])))
        mi = np.concatenate([mi, em])
        ii = np.concatenate([ii, ei])
        y = np.concatenate([y, (rng.random(em.size) < p).astype(np.int8)])
        order = np.lexsort((ii, mi))
        mi, ii, y = mi[order], ii[order], y[order]

    # Unequal benchmark sizes (so weighting schemes differ from plain averaging).
    cuts = np.sort(rng.choice(np.arange(1, n_items), n_benchmarks - 1, replace=False)) if n_benchmarks > 1 else []
    bench_of_item = np.searchsorted(np.asarray(cuts), np.arange(n_items), side="right")
    bnames = np.array([f"b{b:0{len(str(n_benchmarks - 1))}d}" for b in range(n_benchmarks)], dtype=object)
    dnames = np.array([f"d{d}" for d in range(n_domains)], dtype=object)
    items = pd.DataFrame({"benchmark": bnames[bench_of_item], "domain": dnames[bench_of_item % n_domains]},
                         index=pd.Index(inames, name="item"))
    table = ResponseTable.from_codes(mi, ii, y, mnames, inames, items=items, name=name, check_duplicates=False)
    truth = {
        "theta": pd.Series(theta, index=table.model_names, name="theta"),
        "difficulty": pd.Series(diff, index=table.item_names, name="difficulty"),
        "slope": pd.Series(slope, index=table.item_names, name="slope"),
    }
    return table, truth


__all__ = ["simulate_scores", "simulate_responses"]
