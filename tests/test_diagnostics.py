"""Residual diagnostics, fit statistics, warnings, the clipped-linear link and cross-validation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from irt_elo import Fitter, IrtEloError, from_frame
from irt_elo.analysis.diagnostics import (
    ClippedLinearFitter,
    cell_residuals,
    clipped_linear_objective,
    clipped_linear_value,
    cross_validate,
    cv_candidates,
    diagnose,
    fit_statistics,
    kfold_cells,
    predict_cells,
)
from irt_elo.core import model as M
from irt_elo.data.datasets import load_rosetta
from irt_elo.fit.presets import PAPER_FIT_OPTIONS
from irt_elo.plots import plot_cv, plot_fit_statistics, plot_information, plot_item_curves


def simulate(n_models=60, n_bench=10, p_obs=0.6, link="sigmoid", n_items=200, seed=0, slopes=None):
    """Sparse table of binomial fractions from a known capability model (truth returned alongside)."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0, 1.2, n_models)
    delta = np.linspace(-1.5, 1.5, n_bench)
    alpha = np.ones(n_bench) if slopes is None else np.asarray(slopes, dtype=float)
    rows = []
    for m in range(n_models):
        obs = rng.random(n_bench) < p_obs
        obs[rng.integers(n_bench, size=3)] = True  # every model has a few benchmarks
        for b in np.flatnonzero(obs):
            z = alpha[b] * (theta[m] - delta[b])
            p = expit(z) if link == "sigmoid" else np.clip(0.25 * z + 0.5, 0, 1)
            rows.append((f"m{m:02d}", f"b{b}", rng.binomial(n_items, p) / n_items))
    df = pd.DataFrame(rows, columns=["model", "benchmark", "score"])
    return from_frame(df, name="simulated"), pd.Series(theta, index=[f"m{m:02d}" for m in range(n_models)])


# -- the clipped-linear link ------------------------------------------------------------------------------------


def test_clipped_linear_gradient_matches_finite_differences():
    table, _ = simulate(20, 6, seed=1)
    lay = M.Layout.two_pl(table.n_models, table.n_benchmarks, anchor=0)
    d = M.Design(lay, table.model_idx, table.bench_idx)
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(0, 0.3, lay.n_models), rng.normal(-0.5, 0.3, lay.n_benchmarks),
                        rng.uniform(0.3, 0.6, lay.n_free_slopes)])
    args = (d, table.score, None, 0.1, "l2", 0.0)
    z = d.linear_predictor(x)
    assert ((z > 0.02) & (z < 0.98)).mean() > 0.5  # most cells inside the linear part, away from the kinks
    f, g, H = clipped_linear_objective(x, *args)
    assert f == pytest.approx(clipped_linear_value(x, *args))
    h = 1e-6
    num = np.array([(clipped_linear_value(x + h * e, *args) - clipped_linear_value(x - h * e, *args)) / (2 * h)
                    for e in np.eye(x.size)])
    assert np.allclose(g, num, atol=1e-6)
    assert np.all(np.linalg.eigvalsh(H) > -1e-9)


def test_clipped_linear_fitter_recovers_simulated_capabilities():
    table, theta = simulate(80, 10, link="clipped", seed=3)
    f = ClippedLinearFitter(anchor_benchmark="b0", ridge=1e-4).fit(table)
    assert f.result_.success
    assert np.corrcoef(f.theta_[theta.index], theta)[0, 1] > 0.95
    pred = f.predict()
    assert pred.to_numpy().min() >= 0 and pred.to_numpy().max() <= 1
    # residuals use the clipped link, consistent with predict_cells
    r = f.residuals()
    assert np.allclose(r["predicted"], predict_cells(f, r["model"], r["benchmark"]))
    assert f.clone().get_params()["offset"] == 0.0 and f.clone(offset=0.5).offset == 0.5
    with pytest.raises(IrtEloError, match="least_squares"):
        ClippedLinearFitter(loss="binomial")


def test_clipped_linear_bootstrap_refits_with_its_own_link():
    table, _ = simulate(80, 10, link="clipped", seed=3)
    f = ClippedLinearFitter(anchor_benchmark="b0", ridge=1e-4).fit(table)
    b = f.bootstrap(n_boot=30, seed=0, n_jobs=1)
    assert b.converged.all()
    # Refits of the same model scatter around its estimate; sigmoid refits would sit on another (about 4x wider)
    # scale, since the sigmoid's slope at 0.5 is a quarter of the line's.
    ci = b.ci(0.98)
    inside = (ci["ci_low"] <= ci["estimate"]) & (ci["estimate"] <= ci["ci_high"])
    assert inside.mean() > 0.9
    assert np.median(b.capability.std()) < 0.1 * f.capability_.std()
    with pytest.raises(IrtEloError, match="sigmoid link"):
        f.standard_errors()


# -- fit statistics and warnings ------------------------------------------------------------------------------------


def test_diagnose_bundled_fit_lists_worst_benchmarks_and_finite_statistics(eci_fit):
    d = diagnose(eci_fit)
    assert d.overall["n_obs"] == 2249 and d.overall["converged"]
    # PROVENANCE.md: the published parameters' RMSE is 0.075 (3 decimals: +-0.0005 is rounding)
    assert 0.9 < d.overall["r2"] < 1 and d.overall["rmse"] == pytest.approx(0.075, abs=0.0005)
    worst = d.worst_benchmarks(10)
    assert len(worst) == 10 and worst["infit"].is_monotonic_decreasing
    for frame in (d.benchmarks, d.models):
        stats = frame[["rmse", "mae", "mean_residual", "infit", "outfit"]].to_numpy()
        assert np.isfinite(stats).all()
    assert len(d.benchmarks) == 57 and len(d.models) == 222
    assert d.benchmarks["n"].sum() == d.models["n"].sum() == 2249
    # Normalisation: the cell-weighted outfit and the variance-weighted infit both average exactly 1.
    cells = d.cells
    assert np.average(d.benchmarks["outfit"], weights=d.benchmarks["n"]) == pytest.approx(1.0)
    v = cells.groupby("benchmark")["variance"].sum()
    assert np.average(d.benchmarks["infit"], weights=v[d.benchmarks.index]) == pytest.approx(1.0)
    doc = d.to_dict(top=3)
    assert {"overall", "worst_benchmarks", "worst_models", "benchmarks", "models", "warnings"} <= set(doc)
    assert len(doc["worst_models"]) == 3


def test_a_corrupted_benchmark_is_flagged_as_the_worst_fitting(eci_table):
    rng = np.random.default_rng(7)
    scores = eci_table.scores.copy()
    hit = scores["benchmark"] == "MMLU"
    scores.loc[hit, "score"] = rng.permutation(scores.loc[hit, "score"].to_numpy())  # break MMLU's ordering
    t = from_frame(scores, models_extra=eci_table.models, name="shuffled")
    d = diagnose(Fitter.from_preset("eci").fit(t))
    assert d.worst_benchmarks(1).index[0] == "MMLU"
    assert "MMLU" in set(d.warnings.loc[d.warnings["kind"] == "misfit", "name"])


def test_warnings_name_thin_models_and_saturated_benchmarks(eci_fit):
    d = diagnose(eci_fit, few_benchmarks=5)
    few = set(d.warnings.loc[d.warnings["kind"] == "few_benchmarks", "name"])
    counts = eci_fit.table_.benchmarks_per_model()
    assert few == set(counts[counts < 5].index) and len(few) > 0
    # Rosetta data keep raw accuracies (no chance floor): the old multiple-choice benchmarks sit near the top.
    f = Fitter(**PAPER_FIT_OPTIONS).fit(load_rosetta())
    sat = diagnose(f, top=0.8, saturated_share=0.5)
    flagged = set(sat.warnings.loc[sat.warnings["kind"] == "saturated", "name"])
    share = sat.benchmarks["share_top"]
    assert flagged == set(share[share >= 0.5].index) and len(flagged) > 0


def test_fit_statistics_on_a_hand_made_example():
    cells = pd.DataFrame({"benchmark": ["a", "a", "b", "b"], "score": [0.5, 0.6, 0.95, 0.2],
                          "residual": [0.0, 0.1, 0.3, -0.3], "variance": [0.25, 0.25, 0.25, 0.2]})
    s = fit_statistics(cells, "benchmark")
    r2, v = np.array([0, 0.01, 0.09, 0.09]), np.array([0.25, 0.25, 0.25, 0.2])
    phi_in, phi_out = r2.sum() / v.sum(), np.mean(r2 / v)
    assert s.loc["b", "infit"] == pytest.approx((0.18 / 0.45) / phi_in)
    assert s.loc["a", "outfit"] == pytest.approx(np.mean([0, 0.04]) / phi_out)
    assert s.loc["b", "rmse"] == pytest.approx(0.3) and s.loc["b", "share_top"] == 0.5
    assert list(s.index) == ["b", "a"]  # worst first


def test_cell_residuals_agree_with_the_fitters_predictions(eci_fit):
    r = cell_residuals(eci_fit)
    assert np.allclose(r["predicted"], predict_cells(eci_fit, r["model"], r["benchmark"]))
    assert np.allclose(r["std_residual"] ** 2 * r["variance"], r["residual"] ** 2)


# -- cross-validation --------------------------------------------------------------------------------------------


def test_folds_keep_every_model_and_benchmark_in_training_and_are_seeded(eci_table):
    f1, f2, f3 = (kfold_cells(eci_table, 5, s) for s in (0, 0, 1))
    assert np.array_equal(f1, f2) and not np.array_equal(f1, f3)
    assert (f1 >= 0).mean() > 0.99
    for k in range(5):
        train = f1 != k
        assert np.bincount(eci_table.model_idx[train], minlength=eci_table.n_models).min() >= 1
        assert np.bincount(eci_table.bench_idx[train], minlength=eci_table.n_benchmarks).min() >= 1
    sizes = np.bincount(f1[f1 >= 0])
    assert sizes.max() - sizes.min() <= 0.02 * sizes.mean()  # balanced folds
    for bad in (1, 2.5, "5"):
        with pytest.raises(IrtEloError, match="at least 2 folds"):
            kfold_cells(eci_table, bad)
    with pytest.raises(IrtEloError, match="random_state"):
        kfold_cells(eci_table, 5, random_state=None)


def test_cross_validation_is_deterministic_and_independent_of_workers():
    table, _ = simulate(40, 8, seed=5)
    cands = {k: v for k, v in cv_candidates(Fitter.from_preset("default"), table).items() if "binomial" not in k}
    a = cross_validate(table, cands, n_folds=3, random_state=11)
    b = cross_validate(table, cands, n_folds=3, random_state=11, n_jobs=2)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    assert np.isfinite(a.predictions[list(cands)].to_numpy()).all()
    assert (a.table["folds_converged"] == 3).all()


def test_cross_validation_prefers_2pl_when_slopes_really_differ():
    table, _ = simulate(70, 10, seed=9, slopes=[0.4, 3, 0.5, 2.5, 0.6, 3, 0.4, 2, 0.5, 3])
    base = Fitter.from_preset("default")
    cv = cross_validate(table, {"2PL": base, "1PL": base.clone(model="1pl")}, n_folds=4, random_state=0)
    r2 = cv.table.set_index("candidate")["cv_r2"]
    assert r2["2PL"] > r2["1PL"] + 0.02


def test_sigmoid_and_clipped_linear_links_are_nearly_tied_on_the_paper_data():
    """Ho et al. (2025), App. E.4: 10-fold CV R^2 0.864 (sigmoid) vs 0.868 (clipped-linear). Few folds here."""
    base = Fitter(**PAPER_FIT_OPTIONS)
    cands = {"sigmoid": base, "clipped-linear": ClippedLinearFitter.from_fitter(base)}
    cv = cross_validate(load_rosetta(), cands, n_folds=3, random_state=42)
    r2 = cv.table.set_index("candidate")["cv_r2"]
    assert r2.min() > 0.8
    assert abs(r2["sigmoid"] - r2["clipped-linear"]) < 0.02  # the paper's gap: 0.004
    assert cv.table["n_test"].iloc[0] >= 1300


# -- plots ----------------------------------------------------------------------------------------------------------


def test_diagnostic_plots_draw_their_curves(eci_fit):
    fig = plot_item_curves(eci_fit, ["GPQA diamond", "MMLU"])
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and len(ax.collections) == 2
    p = ax.lines[0].get_ydata()
    assert p.min() >= 0 and p.max() <= 1 and np.all(np.diff(p) >= 0)  # a characteristic curve rises
    fig = plot_information(eci_fit, max_benchmarks=3)
    assert len(fig.axes) == 2 and len(fig.axes[0].get_legend().get_texts()) == 3
    d = diagnose(eci_fit)
    fig = plot_fit_statistics(d, "models", "outfit", top=7)
    assert len(fig.axes[0].patches) == 7
    with pytest.raises(IrtEloError):
        plot_fit_statistics(d, "items")
    with pytest.raises(IrtEloError, match="not fitted"):
        plot_item_curves(eci_fit, ["No such bench"])
    table, _ = simulate(30, 6, seed=4)
    cv = cross_validate(table, {"a": Fitter.from_preset("default")}, n_folds=2)
    assert len(plot_cv(cv).axes[0].patches) == 1
    import matplotlib.pyplot as plt

    plt.close("all")


def test_eci_comparison_plot_rings_the_frontier():
    from irt_elo.plots import plot_eci_comparison

    c = pd.DataFrame({"model": list("abcd"), "eci_published": [110.0, 120.0, 130.0, 125.0],
                      "eci": [110.1, 120.5, 129.8, 126.0], "frontier": [True, True, True, False],
                      "open_weights": pd.array([True, False, False, pd.NA], dtype="boolean"),
                      "in_fit": [True, True, True, True]})
    c["abs_diff"] = (c["eci"] - c["eci_published"]).abs()
    ax = plot_eci_comparison(c, label_top=2).axes[0]
    sizes = [len(col.get_offsets()) for col in ax.collections]
    assert sizes == [1, 2, 1, 3]  # open, closed, unknown, frontier rings
    assert len(ax.texts) == 2
    import matplotlib.pyplot as plt

    plt.close("all")
