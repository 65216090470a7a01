"""New models on a frozen scale: the one-parameter solver, scoring, predictive intervals and the next benchmark."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

import irt_elo
from irt_elo.core.frozen import estimator_variance, place
from irt_elo.data.simulate import simulate_scores
from irt_elo.datasets import load_epoch_eci
from irt_elo.errors import IrtEloError
from irt_elo.fit.frozen import FrozenScale, ResidualModel, next_benchmarks, predict_cells, score_models


@pytest.fixture(scope="module")
def eci():
    f = irt_elo.fit()
    f.bootstrap(n_boot=100, seed=7, n_jobs=1)
    return f


@pytest.fixture(scope="module")
def frozen(eci):
    return eci.freeze()


def cells_of(fitter, model):
    s = fitter.table_.scores
    return s.loc[s["model"] == model, ["model", "benchmark", "score"]].reset_index(drop=True)


# -- the one-parameter solver ----------------------------------------------------------------------------------------


def test_one_score_places_the_model_where_the_curve_meets_it():
    y = np.array([[0.8, 0.3]])
    r = place(y, np.array([[1.0, 0.0]]), np.array([[0.5, 1.0]]), np.array([[2.0, 0.0]]), bounds=(-50, 50))
    assert r.value[0] == pytest.approx(2.0 + logit(0.8) / 0.5, abs=1e-8)  # padding cell ignored
    assert r.converged[0] and not r.at_upper[0] and not r.at_lower[0]


def test_scores_at_the_ceiling_or_floor_leave_that_side_open_and_an_empty_row_is_nan():
    y = np.array([[0.999, 0.999], [0.001, 0.001], [0.5, 0.5]])
    w = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    r = place(y, w, 1.0, np.array([[0.0, 1.0]]), bounds=(-5.0, 5.0))
    assert r.at_upper.tolist() == [True, False, False] and r.at_lower.tolist() == [False, True, False]
    assert r.value[0] == 5.0 and r.value[1] == -5.0 and np.isnan(r.value[2])


def test_newton_steps_from_a_start_give_the_full_solve(frozen):
    rng = np.random.default_rng(3)
    b = rng.choice(len(frozen.benchmarks), size=(400, 6))
    d, s = frozen.difficulty.to_numpy()[b], frozen.slope.to_numpy()[b]
    c = rng.uniform(60, 170, size=400)
    y = np.clip(expit(s * (c[:, None] - d)) + rng.normal(0, 0.08, d.shape), 0, 1)
    kw = dict(ridge=frozen.ridge, centre=frozen.centre, bounds=frozen.bounds)
    full = place(y, np.ones_like(y), s, d, **kw)
    fast = place(y, np.ones_like(y), s, d, start=full.value + rng.normal(0, 3, 400), steps=8, **kw)
    assert np.max(np.abs(fast.value - full.value)) < 1e-5


def test_sandwich_variance_matches_the_spread_of_placements_under_simulated_noise():
    s, d = np.array([[0.08, 0.05, 0.12]]), np.array([[140.0, 150.0, 160.0]])
    c, v = 150.0, np.array([[0.004, 0.006, 0.003]])
    mu = expit(s * (c - d))
    rng = np.random.default_rng(11)
    y = mu + rng.normal(0, np.sqrt(v), (20000, 3))
    r = place(y, np.ones_like(y), s, d, bounds=(0.0, 300.0), start=np.full(20000, c))
    assert np.var(r.value) == pytest.approx(estimator_variance(np.array([c]), s, d, np.ones((1, 3)), v)[0], rel=0.1)


# -- scoring ---------------------------------------------------------------------------------------------------------


def test_every_fitted_model_rescored_from_its_own_scores_gets_its_fitted_value(eci, frozen):
    """The issue's first criterion: frozen scoring reproduces the refit for models already in the fit (same table,
    within 0.05 ECI for every model with >= 5 benchmarks). Measured: within 1e-5 for all 222."""
    s = score_models(frozen, eci.table_.scores, replace=True).summary.set_index("model")
    n = eci.table_.benchmarks_per_model()
    diff = (s["capability"] - eci.capability_).abs()
    assert diff[n >= 5].max() < 0.05
    assert diff.max() < 1e-3


@pytest.mark.parametrize("loss", ["binomial", "beta", "bernoulli"])
def test_rescoring_reproduces_the_fit_for_every_loss(loss):
    table, _ = simulate_scores(40, 8, missing=0.2, random_state=5)
    f = irt_elo.Fitter(loss=loss, ridge=0.05, clip=1e-3).fit(table)
    s = score_models(FrozenScale.from_fitter(f), f.table_.scores, replace=True).summary.set_index("model")
    assert (s["capability"] - f.capability_).abs().max() < 1e-4


def test_a_model_already_in_the_fit_is_refused_unless_replaced(frozen, eci):
    with pytest.raises(IrtEloError, match=r"'GPT-5' is already in the fit.*--replace"):
        score_models(frozen, cells_of(eci, "GPT-5"))


def test_unknown_benchmarks_are_listed_and_ignored_and_all_unknown_is_an_error(frozen, eci):
    new = cells_of(eci, "Kimi K3").assign(model="New")
    extra = pd.DataFrame({"model": ["New"], "benchmark": ["Brand New Bench"], "score": [0.4]})
    s = score_models(frozen, pd.concat([new, extra]))
    assert s.ignored == {"Brand New Bench": ["New"]}
    assert s.summary.loc[0, "n_benchmarks"] == len(new)
    with pytest.raises(IrtEloError, match="none of its benchmarks is in the fit"):
        score_models(frozen, extra)


def test_fewer_benchmarks_give_a_wider_interval_that_still_holds_the_full_estimate(frozen, eci):
    cells = cells_of(eci, "GLM-5.2").assign(model="New")
    few = cells.head(3).assign(model="New (3)")
    s = score_models(frozen, pd.concat([cells, few]), seed=2).summary.set_index("model")
    width = s["ci_high"] - s["ci_low"]
    assert width["New (3)"] > 1.5 * width["New"]
    assert s.loc["New (3)", "ci_low"] <= eci.capability_["GLM-5.2"] <= s.loc["New (3)", "ci_high"]


def test_all_scores_at_the_ceiling_give_a_lower_bound_not_a_point(frozen):
    new = pd.DataFrame({"model": "Saturator", "benchmark": ["MMLU", "GSM8K", "HellaSwag"], "score": 1.0})
    row = score_models(frozen, new).summary.iloc[0]
    assert row["status"] == "ceiling" and np.isnan(row["capability"])
    assert np.isposinf(row["ci_high"]) and np.isfinite(row["ci_low"]) and "no upper limit" in row["note"]
    low = pd.DataFrame({"model": "Floor", "benchmark": ["FrontierMath-Tier-4-v2-Private", "HLE"], "score": 0.0})
    row = score_models(frozen, low).summary.iloc[0]
    assert row["status"] == "floor" and np.isneginf(row["ci_low"]) and np.isnan(row["capability"])


def test_same_seed_same_intervals_and_other_models_do_not_change_a_models_interval(frozen, eci):
    a = cells_of(eci, "Kimi K3").assign(model="A")
    b = cells_of(eci, "o3").assign(model="B")
    alone = score_models(frozen, a, seed=4).summary
    again = score_models(frozen, a, seed=4).summary
    both = score_models(frozen, pd.concat([b, a]), seed=4).summary.set_index("model")
    pd.testing.assert_frame_equal(alone, again)
    assert alone.loc[0, ["ci_low", "ci_high"]].tolist() == both.loc["A", ["ci_low", "ci_high"]].tolist()
    other = score_models(frozen, a, seed=5).summary
    assert other.loc[0, "ci_low"] != alone.loc[0, "ci_low"]


def test_epochs_own_draws_are_used_when_given(eci):
    class Draws:  # the shape of an EpochRelease's draws: capability, difficulty, slope frames
        capability = eci.bootstrap_.capability
        difficulty = eci.bootstrap_.difficulty
        slope = eci.bootstrap_.slope
        source = "eci_bootstraps.json"

    fz = FrozenScale.from_fitter(eci, Draws())
    assert fz.draws_source == "eci_bootstraps.json" and fz.n_draws == 100
    missing = type("D", (), {"capability": Draws.capability, "slope": Draws.slope,
                             "difficulty": Draws.difficulty.drop(columns=["HLE"])})()
    with pytest.raises(IrtEloError, match="no difficulty for 1 fitted benchmark"):
        FrozenScale.from_fitter(eci, missing)


# -- prediction and the residual model -------------------------------------------------------------------------------


def test_residual_variance_is_shrunk_between_each_benchmarks_own_and_the_pooled_value(eci):
    rm = ResidualModel.from_fitter(eci)
    raw = ResidualModel.from_fitter(eci, shrink=0.0).variance
    lo, hi = np.minimum(raw, rm.pooled), np.maximum(raw, rm.pooled)
    assert ((rm.variance >= lo - 1e-12) & (rm.variance <= hi + 1e-12)).all()
    assert rm.dof_factor > 1


def test_predictive_interval_holds_the_expected_score_and_is_wider_than_the_parameter_spread(eci):
    p = eci.predict(["DeepSeek-V4-Pro"], ["HLE", "MMLU", "ARC-AGI-2"], interval=0.9, seed=1)
    assert list(p.columns) == ["model", "benchmark", "predicted", "pi_low", "pi_high", "observed"]
    assert ((p["pi_low"] <= p["predicted"]) & (p["predicted"] <= p["pi_high"])).all()
    assert ((0 <= p["pi_low"]) & (p["pi_high"] <= 1)).all()
    b = eci.bootstrap_
    theta = b.capability["DeepSeek-V4-Pro"].to_numpy()
    param_only = expit(b.slope["HLE"].to_numpy() * (theta - b.difficulty["HLE"].to_numpy()))
    spread = np.percentile(param_only, 95) - np.percentile(param_only, 5)
    hle = p.set_index("benchmark").loc["HLE"]
    assert hle["pi_high"] - hle["pi_low"] > 1.5 * spread  # the residual spread dominates a single score


def test_predict_without_interval_keeps_the_dense_frame(eci):
    assert eci.predict(["GPT-5"], ["HLE"]).shape == (1, 1)


def test_predicting_an_unknown_model_names_it(frozen):
    with pytest.raises(IrtEloError, match="unknown model 'Nobody'"):
        predict_cells(frozen, pd.DataFrame({"model": ["Nobody"], "benchmark": ["HLE"]}))


# -- the next benchmark ----------------------------------------------------------------------------------------------


def test_next_benchmark_ranks_only_unrun_benchmarks_and_counts_how_many_reach_a_width(frozen, eci):
    cells = cells_of(eci, "DeepSeek-V4-Pro").head(3)
    ch = next_benchmarks(frozen, cells, target_width=6.0)
    assert not set(ch.ranking["benchmark"]) & set(cells["benchmark"])
    assert len(ch.ranking) == len(frozen.benchmarks) - 3
    assert ch.ranking["information"].is_monotonic_decreasing
    assert ch.needed is not None and ch.path["width"].iloc[ch.needed - 1] <= 6.0 < ch.width_now
    assert all(ch.path["width"].iloc[:ch.needed - 1] > 6.0)


def test_next_benchmark_predicted_width_is_close_to_the_scored_interval(frozen, eci):
    cells = cells_of(eci, "Kimi K3").head(4).assign(model="New")
    ch = next_benchmarks(frozen, cells)
    s = score_models(frozen, cells, seed=3).summary.iloc[0]
    assert ch.capability == pytest.approx(s["capability"], abs=1e-6)
    assert 0.6 < ch.width_now / (s["ci_high"] - s["ci_low"]) < 1.6


def test_next_benchmark_with_no_score_starts_from_the_population(frozen):
    ch = next_benchmarks(frozen, pd.DataFrame({"model": [], "benchmark": [], "score": []}))
    assert np.isinf(ch.width_now) and len(ch.ranking) == len(frozen.benchmarks)
    assert ch.capability == pytest.approx(frozen.capability.mean(), abs=5)


def test_fitter_next_benchmark_refuses_an_unknown_model_with_a_suggestion(eci):
    with pytest.raises(IrtEloError, match="did you mean"):
        eci.next_benchmark("GPT-5.6 Sl")


def test_scoring_from_the_public_face_matches_the_function(eci):
    new = cells_of(eci, "GLM-5.2").assign(model="New")
    a = eci.score(new, seed=9).summary
    b = score_models(eci.freeze(), new, seed=9).summary
    pd.testing.assert_frame_equal(a, b)
    assert load_epoch_eci().n_models == eci.table_.n_models


def test_a_clipped_linear_fit_cannot_be_frozen():
    from irt_elo.analysis.diagnostics import ClippedLinearFitter

    f = ClippedLinearFitter.from_fitter(irt_elo.Fitter.from_preset("eci")).fit(load_epoch_eci())
    with pytest.raises(IrtEloError, match="clipped-linear link cannot be frozen"):
        FrozenScale.from_fitter(f)


def test_draws_that_miss_fitted_models_are_refused(eci):
    class Draws:
        capability = eci.bootstrap_.capability.drop(columns=["GPT-5"])
        difficulty = eci.bootstrap_.difficulty
        slope = eci.bootstrap_.slope

    with pytest.raises(IrtEloError, match="no capability for 1 fitted model"):
        FrozenScale.from_fitter(eci, Draws())
