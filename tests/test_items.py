"""Item-level IRT: parameter recovery on simulations with known truth, narrow posteriors, weights, scoring, scales.

Targets from issue 3 (binary 500 x 200: slope correlation >= 0.935 and RMSE of fitted vs true probabilities <=
0.043; binary 2000 x 1000 with 30% missing: RMSE <= 0.025) are checked on the simulator's default design
(theta, difficulty ~ N(0, 1), slope ~ LogNormal(0, 0.5)). Slope correlation depends mostly on the slope spread of
the design, so the 500 x 200 test also compares with an oracle that knows every true capability.
"""
from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from irt_elo import ELO_3X_PER_LOGIT, Elo, IrtEloError, ItemFitter, ResponseTable, simulate_responses
from irt_elo.data.responses import oracle_slopes
from irt_elo.fit.items import e_step, item_data, quadrature_grid, score_models

matplotlib.use("Agg")


def rmse_p(f: ItemFitter, truth: dict) -> float:
    """RMSE between fitted and true success probabilities over every model x item cell (scale-free)."""
    true = expit(truth["slope"].to_numpy()[None, :]
                 * (truth["theta"].to_numpy()[:, None] - truth["difficulty"].to_numpy()[None, :]))
    return float(np.sqrt(((f.predict().to_numpy() - true) ** 2).mean()))


def linked_theta(f: ItemFitter, truth: dict) -> pd.Series:
    """Fitted capabilities on the true scale: a 2PL's latent scale is arbitrary up to an affine map, fitted here by
    least squares (2 parameters for all models, so the optimism is a factor sqrt(1 - 2 / n_models))."""
    k, m = np.polyfit(f.theta_.to_numpy(), truth["theta"].to_numpy(), 1)
    return k * f.theta_ + m


@pytest.fixture(scope="module")
def sim_500x200():
    return simulate_responses(500, 200, random_state=0)


@pytest.mark.parametrize("method", ["mml", "jmap"])
def test_2pl_recovers_slopes_and_probabilities_on_500_by_200(sim_500x200, method):
    table, truth = sim_500x200
    f = ItemFitter(model="2pl", method=method).fit(table)
    assert f.converged_
    r_a = np.corrcoef(f.alpha_, truth["slope"])[0, 1]
    assert r_a >= 0.935
    assert rmse_p(f, truth) <= 0.043
    # Design-independent check: as good as knowing every true capability, to within 0.01.
    assert r_a >= np.corrcoef(oracle_slopes(table, truth["theta"]).loc[truth["slope"].index], truth["slope"])[0, 1] - 0.01


@pytest.mark.parametrize("method", ["mml", "jmap"])
def test_2pl_recovers_probabilities_on_2000_by_1000_with_30_percent_missing(method):
    table, truth = simulate_responses(2000, 1000, missing=0.3, random_state=0)
    f = ItemFitter(model="2pl", method=method).fit(table)
    assert f.converged_
    assert rmse_p(f, truth) <= 0.025
    # Standard errors are calibrated: the error of linked capabilities matches their reported SEs.
    err = linked_theta(f, truth) - truth["theta"]
    ratio = np.sqrt((err ** 2).mean()) / np.sqrt((f.theta_se_ ** 2).mean())
    assert 0.85 < ratio < 1.2


@pytest.mark.parametrize("method", ["mml", "jmap"])
def test_1pl_recovers_capabilities_difficulties_and_the_logit_scale(method):
    table, truth = simulate_responses(600, 150, model="1pl", missing=0.2, theta_sd=1.5, random_state=4)
    f = ItemFitter(model="1pl", method=method).fit(table)
    assert (f.alpha_ == 1).all()
    shift = float((f.theta_ - truth["theta"]).mean())  # a 1PL is identified up to a shift only
    th_err = f.theta_ - truth["theta"] - shift
    b_err = f.delta_ - truth["difficulty"] - shift
    assert np.sqrt((th_err ** 2).mean()) < 1.15 * np.sqrt((f.theta_se_ ** 2).mean())
    assert np.sqrt((b_err ** 2).mean()) < 0.2  # ~480 responses per item: SE ~0.11
    # The logit scale is estimated, not fixed: the capability spread comes out near the true 1.5.
    assert abs(float(np.std(f.theta_ - shift)) - float(truth["theta"].std())) < 0.1


def test_scores_stay_calibrated_when_each_model_answers_thousands_of_items():
    """Posteriors ~0.03 wide against a 0.2 grid spacing: adaptive Gauss-Hermite keeps EAPs and SDs honest; the
    fixed grid alone rounds EAPs to nodes and reports near-zero SDs."""
    rng = np.random.default_rng(7)
    n_models, n_items = 40, 5000
    theta = rng.normal(0, 1, n_models)
    a = np.exp(rng.normal(0, 0.5, n_items))
    b = rng.normal(0, 1, n_items)
    mi, ii = np.repeat(np.arange(n_models), n_items), np.tile(np.arange(n_items), n_models)
    y = (rng.random(mi.size) < expit(a[ii] * (theta[mi] - b[ii]))).astype(float)
    d = item_data(mi, ii, y, None, n_models, n_items)
    c = -a * b
    s = score_models(d, a, c)
    z = (s.eap - theta) / s.psd
    assert s.psd.max() < 0.06  # really narrow
    assert 0.7 < z.std() < 1.35 and abs(z.mean()) < 0.5
    np.testing.assert_allclose(s.psd, s.map_se, rtol=0.05)  # near-Gaussian posteriors: Laplace SD ~ posterior SD
    X, lw = quadrature_grid(61)
    H, _ = e_step(d, a, c, X, lw)
    grid_eap = H @ X
    grid_sd = np.sqrt(np.maximum(H @ X ** 2 - grid_eap ** 2, 0))
    assert np.median(grid_sd) < 0.01  # collapsed onto one node
    assert np.abs((grid_eap - theta) / np.maximum(grid_sd, 1e-12)).mean() > 5


def test_item_estimates_and_scale_do_not_depend_on_the_grid_when_posteriors_are_narrow():
    table, truth = simulate_responses(120, 2500, random_state=8)
    fits = {q: ItemFitter(n_quadrature=q).fit(table) for q in (41, 121)}
    ratio = fits[41].alpha_.mean() / fits[121].alpha_.mean()
    assert abs(ratio - 1) < 0.01
    for f in fits.values():
        assert f.converged_
        err = linked_theta(f, truth) - truth["theta"]
        assert np.sqrt((err ** 2).mean()) < 1.2 * np.sqrt((f.theta_se_ ** 2).mean())
    # Without adaptive scoring the grid's EAPs are rounded to nodes: worse than the adaptive ones.
    grid = ItemFitter(adaptive=False).fit(table)
    e_grid = np.sqrt(((linked_theta(grid, truth) - truth["theta"]) ** 2).mean())
    e_adapt = np.sqrt(((linked_theta(fits[121], truth) - truth["theta"]) ** 2).mean())
    assert e_grid > 1.3 * e_adapt


def test_mml_and_joint_map_agree_and_fits_are_deterministic(sim_500x200):
    table, _ = sim_500x200
    f1, f2 = ItemFitter().fit(table), ItemFitter().fit(table)
    pd.testing.assert_series_equal(f1.theta_, f2.theta_)
    pd.testing.assert_series_equal(f1.alpha_, f2.alpha_)
    j = ItemFitter(method="jmap").fit(table)
    assert np.corrcoef(f1.theta_, j.theta_)[0, 1] > 0.995
    assert np.corrcoef(f1.delta_, j.delta_)[0, 1] > 0.995


def test_zero_weight_on_a_benchmark_is_the_same_as_leaving_it_out():
    table, _ = simulate_responses(200, 90, n_benchmarks=3, random_state=9)
    keep = table.items["benchmark"] != "b2"
    w = table.items["benchmark"].map({"b0": 1.0, "b1": 1.0, "b2": 0.0}).to_numpy()[table.item_idx]
    # Without item priors the zero-weight items touch nothing: equal up to the tolerance and float32 rounding.
    bare = {"prior_sd": None, "slope_prior": None, "tol": 1e-6}
    full = ItemFitter(weights=w, **bare).fit(table)
    sub = ItemFitter(**bare).fit(table.filter(benchmarks=["b0", "b1"]))
    np.testing.assert_allclose(full.theta_, sub.theta_, atol=2e-5)
    np.testing.assert_allclose(full.alpha_[keep.to_numpy()], sub.alpha_, atol=2e-5)
    # With the default priors the zero-weight items still count in the priors' centres (the items' mean difficulty
    # and log-slope), which moves the rest slightly: ~1e-3 measured, against standard errors of ~0.37.
    full = ItemFitter(weights=w, tol=1e-6).fit(table)
    sub = ItemFitter(tol=1e-6).fit(table.filter(benchmarks=["b0", "b1"]))
    np.testing.assert_allclose(full.theta_, sub.theta_, atol=2e-3)
    np.testing.assert_allclose(full.alpha_[keep.to_numpy()], sub.alpha_, atol=2e-3)


def test_domain_weights_make_benchmarks_equal_within_domains_and_domains_equal():
    table, _ = simulate_responses(60, 300, n_benchmarks=5, n_domains=2, random_state=1)
    w = ItemFitter(weights="domain").item_weights(table)
    items = table.items.assign(w=w)
    per_bench = items.groupby("benchmark")["w"].sum()
    dom_of = items.groupby("benchmark")["domain"].first()
    for _, benches in dom_of.groupby(dom_of):
        np.testing.assert_allclose(per_bench[benches.index], per_bench[benches.index].iloc[0])
    per_domain = items.groupby("domain")["w"].sum()
    np.testing.assert_allclose(per_domain, per_domain.iloc[0])
    assert abs(w.to_numpy()[table.item_idx].mean() - 1) < 1e-12  # mean 1 per response: priors keep their weight
    # A mapping by benchmark gives the same fit as the equivalent per-response array.
    mapping = {"b0": 2.0, "b3": 0.5}
    arr = table.items["benchmark"].map(lambda b: mapping.get(b, 1.0)).to_numpy()[table.item_idx]
    f_map = ItemFitter(weights=mapping).fit(table)
    f_arr = ItemFitter(weights=arr / arr.mean()).fit(table)
    np.testing.assert_allclose(f_map.theta_, f_arr.theta_, atol=1e-8)
    with pytest.raises(IrtEloError, match="neither a benchmark nor an item"):
        ItemFitter(weights={"nope": 1.0}).fit(table)
    with pytest.raises(IrtEloError, match="not a mix of both"):
        ItemFitter(weights={"b0": 2.0, table.item_names[0]: 1.0}).fit(table)
    # A mapping by item is the same as the per-response array it implies.
    by_item = {table.item_names[0]: 3.0, table.item_names[5]: 0.0}
    arr = pd.Series(table.item_names).map(lambda i: by_item.get(i, 1.0)).to_numpy()[table.item_idx]
    np.testing.assert_allclose(ItemFitter(weights=by_item).item_weights(table).to_numpy()[table.item_idx],
                               arr / arr.mean(), rtol=1e-12)


def test_scoring_new_models_against_frozen_items():
    table, truth = simulate_responses(500, 120, missing=0.2, random_state=2)
    names = table.model_names
    f = ItemFitter().fit(table.filter(models=names[:400]))
    new = f.score(table.filter(models=names[400:]))
    assert list(new["model"]) == list(names[400:])
    r = np.corrcoef(new["theta"], truth["theta"].loc[names[400:]])[0, 1]
    assert r > 0.95
    # Scoring the fitted models again reproduces the fit (same items, same prior, same quadrature; the Newton
    # search for each mode stops at steps below 1e-6, from a different start).
    again = f.score(f.table_)
    np.testing.assert_allclose(again["theta"], f.theta_, atol=1e-5)
    np.testing.assert_allclose(again["theta_se"], f.theta_se_, atol=1e-5)
    map_scores = f.score(f.table_, method="map")
    # Mode and mean of each posterior differ only by its skewness: a fraction of the posterior SD.
    gap = np.abs(map_scores["theta"].to_numpy() - f.theta_.to_numpy()) / f.theta_se_.to_numpy()
    assert gap.max() < 0.3
    # Unknown items: an error, or dropped on request.
    extra = pd.DataFrame({"model": ["new", "new"], "item": [names[0] and table.item_names[0], "unseen"],
                          "correct": [1, 0]})
    with pytest.raises(IrtEloError, match="not in the fitted data"):
        f.score(extra)
    assert f.score(extra, unknown_items="ignore")["n_responses"].tolist() == [1]


def test_joint_map_scores_of_fitted_models_match_the_fit(sim_500x200):
    table, _ = sim_500x200
    j = ItemFitter(method="jmap").fit(table)
    np.testing.assert_allclose(j.score(table)["theta"], j.theta_, atol=1e-5)


def test_caisi_elo_scale_puts_200_points_at_three_times_the_odds():
    table, _ = simulate_responses(150, 80, model="1pl", n_benchmarks=4, n_domains=2, random_state=3)
    f = ItemFitter.caisi().fit(table)
    assert f.scale_.per_logit == pytest.approx(ELO_3X_PER_LOGIT)
    assert f.capability_.mean() == pytest.approx(1000.0)
    # Odds of any item for two models 200 points apart differ by exactly 3x.
    hi, lo = f.capability_.idxmax(), f.capability_.idxmin()
    gap = f.capability_[hi] - f.capability_[lo]
    p = f.predict(models=[hi, lo])
    log_odds = np.log(p / (1 - p))
    np.testing.assert_allclose(log_odds.loc[hi] - log_odds.loc[lo], gap / 200 * np.log(3), rtol=1e-9)
    # Other scales re-express the same fit.
    m_logit, items_logit = f.frames("logit")
    np.testing.assert_allclose(m_logit["capability"], f.theta_)
    np.testing.assert_allclose(f.capability_se_, f.theta_se_ * ELO_3X_PER_LOGIT)
    m_anchor, _ = f.frames(Elo(ELO_3X_PER_LOGIT, anchor=(hi, 1500.0)))
    assert m_anchor.set_index("model").loc[hi, "capability"] == pytest.approx(1500.0)


def test_perfect_scores_give_finite_estimates():
    table, _ = simulate_responses(80, 40, random_state=6)
    r = table.responses.copy()
    r.loc[r["model"] == table.model_names[0], "correct"] = 1  # one model solves everything
    r.loc[r["item"] == table.item_names[0], "correct"] = 1  # one item everybody solves
    t = ResponseTable(r, table.models, table.items, "perfect")
    for method in ("mml", "jmap"):
        f = ItemFitter(method=method).fit(t)
        assert np.isfinite(f.theta_).all() and np.isfinite(f.delta_).all() and np.isfinite(f.alpha_).all()
        assert f.theta_.iloc[0] == f.theta_.max()


def test_sparse_designs_use_sparse_products_and_still_recover():
    table, truth = simulate_responses(400, 600, missing=0.9, random_state=10)
    d = item_data(table.model_idx, table.item_idx, table.correct, None, table.n_models, table.n_items)
    from scipy import sparse

    assert sparse.issparse(d.W) and sparse.issparse(d.Wt)
    f = ItemFitter().fit(table)
    assert f.converged_
    assert np.corrcoef(f.theta_, truth["theta"])[0, 1] > 0.95


def test_outputs_frames_summary_and_plot(sim_500x200):
    table, _ = sim_500x200
    f = ItemFitter(scale="elo").fit(table)
    s = f.summary
    assert s["rank"].tolist() == list(range(1, table.n_models + 1))
    assert s["capability"].is_monotonic_decreasing
    assert {"item", "difficulty", "slope", "n_responses", "benchmark"} <= set(f.items_.columns)
    assert np.isfinite(f.log_likelihood_) and f.log_likelihood_ < 0
    fig = f.plot()
    assert fig.axes


@pytest.mark.parametrize("kwargs, match", [
    ({"model": "3pl"}, "model must be"), ({"method": "mcmc"}, "method must be"), ({"n_quadrature": 2}, "n_quadrature"),
    ({"slope_prior": (0.0, -1.0)}, "slope_prior"), ({"weights": "models"}, "weights must be"),
    ({"adaptive": 0}, "adaptive"), ({"prior_sd": 0}, "prior_sd"),
])
def test_bad_options_are_one_line_errors(kwargs, match):
    with pytest.raises(IrtEloError, match=match):
        ItemFitter(**kwargs)


def test_unfitted_use_and_disconnected_data_are_errors():
    with pytest.raises(IrtEloError, match="not fitted"):
        ItemFitter().summary
    from irt_elo.data.datasets import load_caisi_table

    with pytest.raises(IrtEloError, match="use irt_elo.Fitter"):
        ItemFitter().fit(load_caisi_table())  # aggregate scores, not item responses
    t = ResponseTable.from_codes([0, 0, 1, 1], [0, 1, 2, 3], [1, 0, 1, 0], ["a", "b"], ["q1", "q2", "q3", "q4"])
    with pytest.raises(IrtEloError, match="disconnected"):
        ItemFitter().fit(t)
    table, _ = simulate_responses(30, 20, random_state=0)
    with pytest.raises(IrtEloError, match="needs a benchmark"):
        ItemFitter(weights="domain").fit(ResponseTable(table.responses.drop(columns=["benchmark", "domain"]),
                                                       table.models, table.items.drop(columns=["benchmark", "domain"]),
                                                       "nobench"))
