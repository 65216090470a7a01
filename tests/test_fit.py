"""The Fitter on tables without Epoch's anchors, its options, and its determinism."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from irt_elo import Fitter, IrtEloError, from_frame
from irt_elo.data.simulate import simulate_scores as simulate


def simulate_scores(n_models=60, n_bench=12, missing=0.3, n_items=400, seed=0, one_pl=False):
    """Aggregate scores from a known 2PL with binomial noise (``n_items`` questions per benchmark), cells missing."""
    return simulate(n_models, n_bench, missing=missing, model="1pl" if one_pl else "2pl", difficulty_sd=1.0,
                    slope_logsd=0.3, n_items=n_items, random_state=seed)


def corr(est: pd.Series, truth: pd.Series) -> float:
    return float(np.corrcoef(est.to_numpy(), truth.loc[est.index].to_numpy())[0, 1])


def test_default_fit_on_a_table_without_epochs_anchors_is_standardised():
    table, truth = simulate_scores()
    f = Fitter().fit(table)
    assert f.result_.success
    assert f.theta_.mean() == pytest.approx(0, abs=1e-9) and f.theta_.std(ddof=0) == pytest.approx(1, abs=1e-9)
    assert (f.alpha_ > 0).all()
    assert "standardised" in f.identification_
    # Identification is a re-expression: the predictions are those of the raw solution.
    pred = f.predict()
    cells = pred.to_numpy()[table.model_idx, table.bench_idx]
    np.testing.assert_allclose(cells, f.problem_.design.predict(f.x_), atol=1e-12)
    # It recovers the simulated capabilities (up to the standardisation) and slopes' ordering.
    assert corr(f.theta_, truth["theta"]) > 0.99
    assert corr(f.alpha_, truth["alpha"]) > 0.9


def test_one_pl_keeps_unit_slopes_and_centres_capabilities():
    table, truth = simulate_scores(one_pl=True, seed=1)
    f = Fitter(model="1pl").fit(table)
    assert (f.alpha_ == 1).all() and f.theta_.mean() == pytest.approx(0, abs=1e-9)
    # With unit slopes the logit scale is the truth's own scale: differences are recovered, not just ranks.
    est = f.theta_ - f.theta_.mean()
    tru = truth["theta"].loc[est.index] - truth["theta"].mean()
    assert np.sqrt(np.mean((est - tru) ** 2)) < 0.1


def test_binomial_loss_uses_question_counts():
    table, truth = simulate_scores(seed=2)
    f = Fitter(loss="binomial", ridge=0.0).fit(table)
    assert f.result_.success
    assert corr(f.theta_, truth["theta"]) > 0.99
    no_n = from_frame(table.scores.drop(columns="n_items"))
    with pytest.raises(IrtEloError, match="n_items"):
        Fitter(loss="binomial").fit(no_n)
    assert Fitter(loss="bernoulli").fit(no_n).result_.success


def test_explicit_anchor_benchmark_pins_difficulty_and_slope():
    table, _ = simulate_scores(seed=3)
    f = Fitter(anchor_benchmark="b3", anchor_difficulty=0.5).fit(table)
    assert f.delta_["b3"] == pytest.approx(0.5) and f.alpha_["b3"] == 1.0
    with pytest.raises(IrtEloError, match="did you mean"):
        Fitter(anchor_benchmark="B3").fit(table)


def test_domain_weights_need_domains_and_normalise_to_mean_one():
    table, _ = simulate_scores(seed=4, n_bench=6)
    with pytest.raises(IrtEloError, match="needs a domain"):
        Fitter(benchmark_weights="domain").fit(table)
    doms = {f"b{j}": ("math" if j < 4 else "code") for j in range(6)}
    df = table.scores.assign(domain=table.scores["benchmark"].map(doms))
    t2 = from_frame(df)
    f = Fitter(benchmark_weights="domain").fit(t2)
    w = f.problem_.cell_weight
    assert w.mean() == pytest.approx(1.0)
    # Each domain carries the same total weight, however many benchmarks it has.
    cell_domain = t2.benchmarks["domain"].to_numpy()[t2.bench_idx]
    per_cell = pd.Series(w).groupby(cell_domain).mean()
    # 4 math benchmarks vs 2 code benchmarks: a code cell weighs twice a math cell.
    assert per_cell.loc["code"] / per_cell.loc["math"] == pytest.approx(2.0)


def test_options_are_validated():
    for kw, msg in [({"model": "3pl"}, "model must be"), ({"loss": "huber"}, "loss must be"),
                    ({"ridge": -1}, "ridge must be"), ({"penalty": "l1"}, "penalty must be"),
                    ({"clip": 0.6}, "clip must be"), ({"slope_bounds": (2, 1)}, "lower bound")]:
        with pytest.raises(IrtEloError, match=msg):
            Fitter(**kw)


@pytest.mark.parametrize("kw, msg", [
    ({"ridge": "0.1"}, "ridge must be >= 0"), ({"ridge": float("inf")}, "ridge must be"),
    ({"tol": 0}, "tol must be > 0"), ({"init_sd": -1}, "init_sd must be"), ({"anchor_slope": 0}, "anchor_slope"),
    ({"random_state": None}, "random_state must be an integer"), ({"random_state": -1}, "random_state"),
    ({"theta_bounds": (1,)}, r"theta_bounds must be a \(lower, upper\) pair"),
    ({"slope_bounds": ("a", 2)}, "slope_bounds must be"), ({"min_benchmarks": "4"}, "min_benchmarks"),
    ({"benchmarks": "MMLU"}, "list of benchmark names"), ({"anchor_benchmark": 3}, "anchor_benchmark"),
    ({"benchmark_weights": [1, 2]}, "benchmark_weights must be"),
    ({"benchmark_weights": {"a": "math", "b": 2.0}}, "benchmark_weights must be"),
])
def test_badly_typed_options_are_one_line_errors_not_tracebacks(kw, msg):
    with pytest.raises(IrtEloError, match=msg) as e:
        Fitter(**kw)
    assert "\n" not in str(e.value)


def test_unfitted_fitter_says_so():
    with pytest.raises(IrtEloError, match="not fitted"):
        Fitter().summary


def test_start_vector_must_match_the_problem():
    table, _ = simulate_scores(seed=5)
    with pytest.raises(IrtEloError, match="x0 has 3 values"):
        Fitter().fit(table, x0=np.zeros(3))


def test_warm_start_reaches_the_same_solution():
    table, _ = simulate_scores(seed=6)
    f = Fitter().fit(table)
    g = Fitter().fit(table, x0=f.x_)
    np.testing.assert_allclose(g.theta_, f.theta_, atol=1e-5)
    assert g.result_.nfev <= f.result_.nfev


def test_same_seed_gives_identical_parameters_and_clone_keeps_options():
    table, _ = simulate_scores(seed=7)
    a = Fitter(random_state=3).fit(table)
    b = a.clone().fit(table)
    assert np.array_equal(a.x_, b.x_)
    assert a.clone(ridge=0.5).get_params()["ridge"] == 0.5


def test_penalty_forms_and_filters_run(eci_table):
    f = Fitter.from_preset("eci", penalty="log_slope", ridge=1e-3, until="2025-06-30", min_benchmarks=6,
                           scale="logit")
    f.fit(eci_table)
    assert f.result_.success
    assert (f.table_.models["release_date"] <= pd.Timestamp("2025-06-30")).all()
    assert f.table_.benchmarks_per_model().min() >= 6


def test_filters_that_remove_the_anchor_benchmark_say_so(eci_table):
    # Only old models took Winogrande; keeping 2025+ releases drops it, and with it the ECI anchor.
    with pytest.raises(IrtEloError, match="Winogrande.*removed by the filters"):
        Fitter.from_preset("eci", since="2025-01-01").fit(eci_table)
    # GPT-5 (an ECI anchor, released 2025-08-07) is gone when only earlier models are kept.
    with pytest.raises(IrtEloError, match="anchor model 'GPT-5' was removed by the filters"):
        Fitter.from_preset("eci", until="2025-06-30").fit(eci_table)


def test_summary_ranks_by_capability(eci_fit):
    s = eci_fit.summary
    assert list(s["rank"]) == list(range(1, len(s) + 1))
    assert s["capability"].is_monotonic_decreasing
    assert {"model", "capability", "n_benchmarks", "release_date", "organization", "group"} <= set(s.columns)


@pytest.mark.parametrize("loss", ["least_squares", "binomial"])
def test_large_problem_solvers_reach_the_newton_optimum(loss, monkeypatch):
    # Beyond DENSE_LIMIT difficulties + slopes the fit switches to scipy (trf with the sparse Jacobian, or L-BFGS-B);
    # lower the limit so this small problem takes that path, and compare with the Newton solution.
    from irt_elo.core import solve as solve_module
    table, _ = simulate_scores(n_models=40, n_bench=8, seed=8)
    f = Fitter(loss=loss, ridge=1e-2).fit(table)
    monkeypatch.setattr(solve_module, "DENSE_LIMIT", 5)
    g = Fitter(loss=loss, ridge=1e-2).fit(table)
    assert g.result_.success
    assert ("termination condition" if loss == "least_squares" else "CONVERGENCE") in g.result_.message  # scipy's
    assert g.result_.cost <= f.result_.cost * (1 + 1e-6)
    np.testing.assert_allclose(g.theta_, f.theta_, atol=1e-4)
