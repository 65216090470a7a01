"""The checks behind frozen-scale scoring, on the bundled data: a later release, held-out cells, and the
next-benchmark rule against random choice.

The bounds below come from the first run of each check (noted beside them), not from tuning afterwards.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import irt_elo
from irt_elo.analysis.diagnostics import predictive_check
from irt_elo.analysis.newmodels import (
    RULES,
    frozen_vs_refit,
    later_release_check,
    next_benchmark_simulation,
    place_new_models,
)
from irt_elo.datasets import load_epoch_eci, load_epoch_eci_scores, load_epoch_hub
from irt_elo.plots import plot_next_benchmark_simulation


@pytest.fixture(scope="module")
def eci():
    return irt_elo.fit()


def test_frozen_scoring_reproduces_the_full_fit_for_models_with_five_or_more_benchmarks(eci):
    d = frozen_vs_refit(eci, min_benchmarks=5)
    assert len(d) == int((eci.table_.benchmarks_per_model() >= 5).sum())
    assert d["difference"].abs().max() < 0.05  # first run: 8.6e-6


def test_scoring_new_models_of_a_later_release_predicts_its_published_values():
    """Fit the April 2026 hub data, score the models that first appear in the 2026-08-11 input from their
    2026-08-11 scores, compare with 2026-08-11's published ECI. First run (500 draws, seed 12345; scoring seed 0):
    70 models, median error 0.80, max 10.44 (stablelm-tuned-alpha-7b, a weak 2023 model), 69 of 70 inside."""
    hub = load_epoch_hub(group_by="eci")
    f = irt_elo.fit(hub)
    r = later_release_check(f, hub, load_epoch_eci(), load_epoch_eci_scores(), seed=0, n_boot=500)
    assert r.n_models == 70
    assert r.median_abs_error < 1.0
    assert r.max_abs_error < 11.0
    assert r.coverage >= 0.85  # the goal for the 90% intervals
    assert "CritPt" in r.ignored_benchmarks  # new in 2026-08: the frozen April fit cannot place it


def test_predictive_intervals_cover_held_out_scores_at_their_level(eci):
    """10 folds over the bundled 2026-08-11 input; first run (100 draws per fold, seed 0): 89.8% of 2249 cells."""
    pc = predictive_check(eci, n_folds=10, level=0.9, n_boot=100, seed=0, n_jobs=-1)
    assert len(pc.cells) == eci.table_.n_obs
    assert 0.85 <= pc.coverage <= 0.95
    assert abs(pc.below - pc.above) < 0.03  # neither tail carries the misses
    assert pc.by_prediction["n"].sum() == len(pc.cells)


def test_the_next_benchmark_rule_beats_random_choice_at_every_k_from_3_to_10():
    """With the fit's 500 bootstrap draws (seed 12345) weighing each benchmark's parameter spread. First run: rule
    0.90, 0.61, 0.45, 0.37, 0.39, 0.38, 0.28, 0.25 vs random 1.22, 1.00, 0.87, 0.76, 0.65, 0.53, 0.46, 0.35 ECI
    points at k = 3..10 (20 frontier models, 30 random orders each)."""
    f = irt_elo.fit()
    f.bootstrap(n_boot=500, seed=12345, n_jobs=-1)
    sim = next_benchmark_simulation(f, n_random=30, seed=0)
    assert len(sim.models) == 20 and "GPT-5" not in sim.models  # a scale anchor is fixed by definition
    assert list(sim.medians.index) == list(RULES) and list(sim.medians.columns) == list(range(1, 11))
    assert sim.beats_random(range(3, 11))
    e = sim.errors
    assert (e.groupby(["model", "rule", "k", "repeat"]).size() == 1).all()
    assert (e.loc[e["rule"] == "random", "repeat"].nunique()) == 30
    fig = plot_next_benchmark_simulation(e)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert sorted(labels) == sorted(RULES)


def test_a_new_model_is_placed_with_the_months_it_trails_the_closed_frontier(eci):
    """CAISI's question asked of DeepSeek-V4-Pro re-scored on the frozen fit: the same answer as
    `irt-elo gap --model` gives for it in the fit (GPT-5 first reached its level, 8.6 months)."""
    from irt_elo.analysis.capabilities import Capabilities
    from irt_elo.analysis.gap import model_lag

    cells = eci.table_.scores.query("model == 'DeepSeek-V4-Pro'")
    p = place_new_models(eci, cells, replace=True, n_boot=100, seed=1)
    row = p.summary.iloc[0]
    ref = model_lag(Capabilities.from_fitter(eci), "DeepSeek-V4-Pro")
    assert row["frontier_reached_by"] == ref.details["first_better"] == "GPT-5"
    assert row["months_behind"] == pytest.approx(ref.gap_months, abs=1e-9)
    assert row["months_low"] <= row["months_behind"] <= row["months_high"]


def test_a_new_model_without_a_release_date_gets_no_months(eci):
    cells = eci.table_.scores.query("model == 'Kimi K3'").assign(model="Undated")
    row = place_new_models(eci, cells[["model", "benchmark", "score"]], n_boot=50).summary.iloc[0]
    assert np.isfinite(row["capability"]) and np.isnan(row["months_behind"])


def test_new_models_enter_the_capabilities_with_paired_draws(eci):
    cells = eci.table_.scores.query("model == 'Kimi K3'")[["model", "benchmark", "score"]].assign(model="K3 copy")
    new = pd.concat([cells.assign(release_date="2026-11-01", open_weights=True)])
    p = place_new_models(eci, new, n_boot=50, seed=2)
    caps = p.capabilities
    assert "K3 copy" in caps.frame.index and caps.frame.loc["K3 copy", "group"] == "open"
    # the fitter's own bootstrap when it has one (an earlier test ran it), else one of n_boot draws
    assert caps.draws is not None and caps.draws.shape == (eci.bootstrap_.n_boot, eci.table_.n_models + 1)
    assert np.isfinite(p.summary.loc[0, "months_behind"])


def test_a_models_months_do_not_depend_on_other_new_models_in_the_file(eci):
    cells = eci.table_.scores.query("model == 'Kimi K3'")[["model", "benchmark", "score"]]
    b = cells.assign(model="B", release_date="2026-11-01", open_weights=True)
    a = cells.assign(model="A", release_date="2025-01-01", open_weights=False)
    alone = place_new_models(eci, b, n_boot=50, seed=3).summary.set_index("model")
    both = place_new_models(eci, pd.concat([a, b]), n_boot=50, seed=3).summary.set_index("model")
    assert alone.loc["B", "months_behind"] == both.loc["B", "months_behind"]
    assert both.loc["B", "frontier_reached_by"] != "A"
