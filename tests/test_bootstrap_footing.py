"""Bootstrap draws on the same footing as the central fit.

(a) On a 1,500-model x 6-benchmark table shaped like the Open LLM Leaderboard v1 (every model has all six, scores in
percent with the benchmarks' chance floors and some misfit), no model's point estimate lies outside its own 90%
interval, for every identification the presets use. (b) On a simulation with known truth, 90% intervals cover
85-95% of the true capabilities mapped onto the fit's identification.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from irt_elo.core.scale import Elo, TwoAnchor, align_map
from irt_elo.data.simulate import simulate_scores
from irt_elo.data.table import from_frame
from irt_elo.fit import Fitter
from irt_elo.fit.uncertainty import bootstrap

OLL_BENCHMARKS = ["ARC", "HellaSwag", "MMLU", "TruthfulQA", "Winogrande", "GSM8K"]
OLL_FLOORS = np.array([0.25, 0.25, 0.25, 0.2, 0.5, 0.0])  # multiple-choice chance levels; GSM8K has none


def open_llm_leaderboard_like(n_models: int = 1500, seed: int = 0, misfit: float = 0.5) -> pd.DataFrame:
    """Wide percent table: a skewed capability distribution (many weak fine-tunes, a few strong models), chance
    floors the 2PL does not model, and ``misfit`` logits of cell noise; rounded to two decimals as published."""
    rs = np.random.default_rng(seed)
    theta = rs.normal(0.0, 1.0, n_models) + 0.7 * rs.standard_exponential(n_models)
    delta = np.array([0.0, -0.8, 0.5, 0.8, -0.3, 1.8]) + rs.normal(0.0, 0.2, 6)
    alpha = np.array([1.5, 1.8, 1.3, 0.7, 1.2, 2.2])
    z = alpha * (theta[:, None] - delta) + rs.normal(0.0, misfit, (n_models, 6))
    pct = np.round(100.0 * (OLL_FLOORS + (1.0 - OLL_FLOORS) / (1.0 + np.exp(-z))), 2)
    df = pd.DataFrame(pct, columns=OLL_BENCHMARKS)
    df.insert(0, "model", [f"org{i % 97}/model-{i}" for i in range(n_models)])
    return df


@pytest.fixture(scope="module")
def oll_table():
    wide = open_llm_leaderboard_like()
    long = wide.melt(id_vars="model", var_name="benchmark", value_name="score")
    long["score"] = long["score"] / 100.0
    return from_frame(long, name="open-llm-leaderboard-like")


def _fitters(table) -> dict[str, Fitter]:
    cap = table.scores.groupby("model")["score"].mean().sort_values()
    low, high = cap.index[len(cap) // 4], cap.index[3 * len(cap) // 4]
    return {
        # standardised 2PL (the preset for a user's own table)
        "default": Fitter.from_preset("default"),
        # eci: Winogrande anchor, two anchor models re-calibrated per draw (anchors from this table)
        "eci": Fitter.from_preset("eci", since=None, scale=TwoAnchor(((low, 130.0), (high, 150.0)))),
        # rosetta: Winogrande anchor, logit scale, no ridge
        "rosetta": Fitter.from_preset("rosetta", since=None),
        # caisi's identification: 1PL centred, Elo with one anchor model (its benchmark subset does not apply)
        "caisi": Fitter(model="1pl", loss="bernoulli", ridge=1e-3, scale=Elo(anchor=(high, 999.0))),
        # standardised 2PL on an Elo scale without anchor (mean model = 1000)
        "default-elo": Fitter.from_preset("default", scale="elo"),
    }


@pytest.mark.parametrize("preset", ["default", "eci", "rosetta", "caisi", "default-elo"])
def test_no_point_estimate_lies_outside_its_own_interval_on_an_open_llm_leaderboard_like_table(oll_table, preset):
    f = _fitters(oll_table)[preset].fit(oll_table)
    ci = bootstrap(f, n_boot=100, seed=1, n_jobs=1).ci(0.90)
    outside = ci[(ci["estimate"] < ci["ci_low"] - 1e-9) | (ci["estimate"] > ci["ci_high"] + 1e-9)]
    assert f.table_.n_models == 1500 and outside.empty, f"{preset}: {len(outside)} outside\n{outside.head()}"


def test_standardised_draws_are_aligned_to_the_central_fit(oll_table):
    """The aligned draws keep the central mean exactly and an SD near the central one: no draw is on its own footing."""
    f = Fitter.from_preset("default").fit(oll_table)
    draws = bootstrap(f, n_boot=20, seed=3, n_jobs=1).capability
    assert np.allclose(draws.mean(axis=1), f.capability_.mean(), atol=1e-9)
    ratio = draws.std(axis=1, ddof=0) / f.capability_.std(ddof=0)
    assert ((ratio > 0.9) & (ratio < 1.1)).all() and not np.allclose(ratio, 1.0)


def test_align_map_inverts_a_linear_gauge_and_refuses_nothing_degenerate():
    rs = np.random.default_rng(0)
    ref = rs.normal(size=50)
    m = align_map(3.0 + 0.5 * ref, ref)
    assert np.allclose(m.capability(3.0 + 0.5 * ref), ref) and np.isclose(float(m.slope(1.0)), 0.5)
    for bad in (np.zeros(50), -ref):  # no variation, reversed: left as they are
        assert align_map(bad, ref).per_logit == 1.0 and align_map(bad, ref).intercept == 0.0


def _truth_on_fit(f: Fitter, truth: dict[str, pd.Series]) -> pd.Series:
    t = truth["theta"].reindex(f.table_.model_names)
    if f.anchor_benchmark is not None:  # anchor's slope 1 and difficulty 0: theta' = a_anchor * (theta - d_anchor)
        a, d = truth["alpha"][f.anchor_benchmark], truth["delta"][f.anchor_benchmark]
        return f.scale_.capability(a * (t - d))
    return f.scale_.capability((t - t.mean()) / t.std(ddof=0))  # mean 0, SD 1 over the fitted models


@pytest.mark.parametrize("options", [dict(), dict(anchor_benchmark="b0")], ids=["standardised", "anchor-benchmark"])
def test_90_percent_intervals_cover_85_to_95_percent_of_the_truth(options):
    hits = []
    for seed in (0, 1, 2):
        table, truth = simulate_scores(300, 40, missing=0.4, n_items=(200, 1000), random_state=seed)
        f = Fitter(model="2pl", loss="binomial", ridge=1e-3, clip=0.0, **options).fit(table)
        ci = bootstrap(f, n_boot=150, seed=seed, n_jobs=1).ci(0.90)
        target = _truth_on_fit(f, truth)
        hits.append(((ci["ci_low"] <= target) & (target <= ci["ci_high"])).to_numpy())
    coverage = float(np.mean(np.concatenate(hits)))
    assert 0.85 <= coverage <= 0.95, f"coverage {coverage:.3f}"
