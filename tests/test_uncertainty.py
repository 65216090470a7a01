"""Bootstrap intervals and Hessian standard errors: Epoch's published intervals, coverage of a simulated truth,
determinism, warnings and bad options."""
from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irt_elo import Fitter, IrtEloError
from irt_elo.cli import main
from irt_elo.fit.uncertainty import BootstrapResult, bootstrap, standard_errors, stratified_rows
from test_recovery_aggregate import simulate

ECI_ANCHORS = ["Claude 3.5 Sonnet", "GPT-5"]


# --------------------------------------------------------------------------------------------------------------------
# Epoch's published intervals


@pytest.fixture(scope="module")
def eci_boot(eci_fit):
    """Epoch's recipe on the bundled data: 500 draws, seed 12345, 90% percentile intervals."""
    return bootstrap(eci_fit, n_boot=500, seed=12345, level=0.90, n_jobs=1)


def test_bootstrap_reproduces_epochs_published_intervals(eci_boot, published_eci):
    """Our draws cannot be Epoch's (another random stream), so each endpoint differs by Monte Carlo noise: two
    independent 500-draw estimates of a 5% / 95% quantile differ by about sqrt(2) x its standard error, which we read
    off our own sorted draws (the order statistics one binomial SD, sqrt(n p (1 - p)), either side of the quantile).
    If the differences are that noise, |difference| / (sqrt(2) SE) is half-normal with median 0.67."""
    ci = eci_boot.ci()
    pub = published_eci.reindex(ci.index)
    has = (pub["ci_low"].notna() & pub["ci_high"].notna()).to_numpy()
    assert has.sum() >= 200  # every model but the two anchors has a published interval
    draws = np.sort(eci_boot.capability.to_numpy(), axis=0)
    n = len(draws)
    z = []
    for p, col in ((0.05, "ci_low"), (0.95, "ci_high")):
        k, h = p * (n - 1), int(np.ceil(np.sqrt(n * p * (1 - p))))
        se = (draws[int(np.ceil(k)) + h] - draws[int(np.floor(k)) - h]) / 2.0
        z.append(((ci[col] - pub[col]).to_numpy() / (np.sqrt(2.0) * se))[has])
    median_z = float(np.median(np.abs(np.concatenate(z))))
    width_r = float(np.corrcoef((ci["ci_high"] - ci["ci_low"])[has], (pub["ci_high"] - pub["ci_low"])[has])[0, 1])
    assert median_z <= 1.0, f"median |endpoint difference| is {median_z:.2f} Monte Carlo SEs (pure noise: 0.67)"
    assert width_r >= 0.9, f"CI width correlation {width_r:.3f}"


def test_eci_anchor_models_have_zero_width_intervals(eci_boot, published_eci):
    ci = eci_boot.ci()
    assert (ci.loc["GPT-5", ["ci_low", "ci_high"]] == 150.0).all()
    assert np.allclose(ci.loc["Claude 3.5 Sonnet", ["ci_low", "ci_high"]], 130.0)
    assert published_eci.loc[ECI_ANCHORS, "ci_low"].isna().all()  # Epoch publishes none for them
    others = ci.drop(index=ECI_ANCHORS)
    assert (others["ci_high"] - others["ci_low"] > 0).all()


def test_bootstrap_keeps_draws_for_later_analyses(eci_boot, eci_fit):
    b = eci_boot
    assert isinstance(b, BootstrapResult) and b.n_boot == 500 and b.converged.all()
    assert list(b.capability.columns) == list(eci_fit.table_.model_names)
    assert b.difficulty.shape == b.slope.shape == (500, eci_fit.table_.n_benchmarks)
    # each draw's own scale map: theta = (capability - intercept) / per_logit puts the anchors where ECI does
    theta = (b.capability.sub(b.scale["intercept"], axis=0)).div(b.scale["per_logit"], axis=0)
    np.testing.assert_allclose(b.scale["intercept"] + b.scale["per_logit"] * theta["GPT-5"], 150.0)
    long = b.to_frame("capability")
    assert list(long.columns) == ["draw", "model", "capability"] and len(long) == 500 * eci_fit.table_.n_models
    wide80, wide95 = b.ci(0.80), b.ci(0.95)
    assert ((wide95["ci_high"] - wide95["ci_low"]) >= (wide80["ci_high"] - wide80["ci_low"])).all()
    assert b.summary.loc[0, "rank"] == 1 and {"ci_low", "ci_high", "se"} <= set(b.summary.columns)


# --------------------------------------------------------------------------------------------------------------------
# Coverage of a simulated truth (simulation described in test_recovery_aggregate.py)


@pytest.mark.parametrize("loss", ["least_squares", "binomial"])
def test_bootstrap_intervals_cover_truth_on_simulation(loss):
    """90% percentile intervals of the standardised capabilities, 3 simulated data sets x 300 models."""
    hits = []
    for seed in (0, 1, 2):
        df, truth = simulate(seed)
        t = truth["theta"]
        target = (t - t.mean()) / t.std(ddof=0)  # the fit's identification: mean 0, SD 1 over models
        f = Fitter(model="2pl", loss=loss, ridge=1e-3, clip=1e-3 if loss == "least_squares" else 0.0).fit(df)
        ci = bootstrap(f, n_boot=200, seed=seed, level=0.90, n_jobs=1).ci().loc[t.index]
        hits.append(((ci["ci_low"] <= target) & (target <= ci["ci_high"])).to_numpy())
    coverage = float(np.mean(np.concatenate(hits)))
    assert 0.85 <= coverage <= 0.95, f"coverage {coverage:.3f}"


def test_standard_errors_cover_truth_on_simulation():
    """Wald 90% intervals from the observed information of the binomial likelihood (the noise model)."""
    hits, ratio = [], []
    for seed in (0, 1, 2):
        df, truth = simulate(seed)
        t = truth["theta"]
        target = (t - t.mean()) / t.std(ddof=0)
        f = Fitter(model="2pl", loss="binomial", ridge=1e-3, clip=0.0).fit(df)
        se = standard_errors(f)
        ci = se.ci(0.90).loc[t.index]
        hits.append(((ci["ci_low"] <= target) & (target <= ci["ci_high"])).to_numpy())
        err = (f.capability_.loc[t.index] - target).to_numpy()
        ratio.append(np.sqrt(np.mean(err ** 2)) / np.sqrt(np.mean(se.capability.loc[t.index] ** 2)))
    coverage = float(np.mean(np.concatenate(hits)))
    assert 0.85 <= coverage <= 0.95, f"coverage {coverage:.3f}"
    assert 0.8 <= float(np.mean(ratio)) <= 1.25  # SEs have the size of the actual errors


# --------------------------------------------------------------------------------------------------------------------
# Determinism and execution


def test_bootstrap_is_identical_for_any_n_jobs(eci_fit):
    a = bootstrap(eci_fit, n_boot=12, seed=3, n_jobs=1)
    b = bootstrap(eci_fit, n_boot=12, seed=3, n_jobs=2)
    for what in ("capability", "difficulty", "slope"):
        pd.testing.assert_frame_equal(a.draws(what), b.draws(what), check_exact=True)
    c = bootstrap(eci_fit, n_boot=12, seed=4, n_jobs=1)
    assert not np.allclose(a.capability.to_numpy(), c.capability.to_numpy())


def test_warm_started_refits_reach_the_cold_start_optimum(eci_fit):
    # The least-squares 2PL objective is not convex: now and then (about 1 draw in 100 on this data) a cold start
    # lands in another local optimum. Warm starts stay in the central fit's basin, as Epoch's do.
    warm = bootstrap(eci_fit, n_boot=10, seed=11, n_jobs=1)
    cold = bootstrap(eci_fit, n_boot=10, seed=11, n_jobs=1, warm_start=False)
    assert warm.converged.all() and cold.converged.all()
    gap = np.abs(warm.capability.to_numpy() - cold.capability.to_numpy()).max(axis=1)
    assert (gap < 0.01).sum() >= 9
    assert warm.nfev.mean() < cold.nfev.mean()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=60), st.integers(0, 2 ** 32 - 1))
def test_stratified_resample_keeps_each_models_number_of_scores(groups, seed):
    g = np.array(groups)
    rows = stratified_rows(g, np.random.default_rng(seed))
    assert rows.shape == g.shape
    np.testing.assert_array_equal(np.bincount(g[rows], minlength=7), np.bincount(g, minlength=7))


def test_cli_bootstrap_output_is_byte_identical_for_the_same_seed(tmp_path):
    outs = []
    for i in range(2):
        out = tmp_path / f"x{i}.csv"
        r = subprocess.run([sys.executable, "-m", "irt_elo", "fit", "--bootstrap", "50", "--seed", "7", "-o",
                            str(out), "-q"], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    df = pd.read_csv(tmp_path / "x0.csv")
    assert list(df.columns[:4]) == ["model", "capability", "ci_low", "ci_high"]
    assert (df["ci_low"] <= df["ci_high"]).all()


def test_cli_prints_intervals_and_standard_errors(capsys, tmp_path):
    bench = tmp_path / "b.csv"
    code = main(["fit", "--bootstrap", "20", "--seed", "1", "--jobs", "1", "--se", "--top", "3",
                 "--benchmarks-out", str(bench)])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "90% percentile bootstrap, 20 draws, seed 1" in out
    header = next(ln for ln in out.splitlines() if ln.startswith("rank"))
    assert header.split()[:6] == ["rank", "model", "capability", "ci_low", "ci_high", "se"]
    cols = pd.read_csv(bench).columns
    assert {"difficulty_ci_low", "difficulty_ci_high", "slope_ci_low", "slope_ci_high", "difficulty_se",
            "slope_se"} <= set(cols)


@pytest.mark.parametrize("argv, message", [
    (["--bootstrap", "1"], "at least 2"),
    (["--bootstrap", "-5"], "at least 2"),
    (["--bootstrap", "10", "--ci-level", "1.5"], "between 0 and 1"),
    (["--bootstrap", "10", "--ci-level", "0"], "between 0 and 1"),
])
def test_cli_rejects_bad_bootstrap_options(argv, message, capsys):
    code = main(["fit", *argv])
    _, err = capsys.readouterr()
    assert code == 2 and message in err and err.count("\n") == 1


def test_fitter_bootstrap_adds_intervals_to_summary_and_refit_clears_them(eci_table):
    f = Fitter.from_preset("eci").fit(eci_table)
    res = f.bootstrap(n_boot=10, seed=2, n_jobs=1)
    assert f.bootstrap_ is res
    s = f.summary
    assert list(s.columns[:5]) == ["rank", "model", "capability", "ci_low", "ci_high"]
    assert (s["ci_low"] <= s["ci_high"]).all()
    assert {"difficulty_ci_low", "slope_ci_high"} <= set(f.benchmarks_.columns)
    f.standard_errors()
    assert "se" in f.models_.columns and "slope_se" in f.benchmarks_.columns
    f.fit(eci_table)
    assert not hasattr(f, "bootstrap_") and "ci_low" not in f.summary.columns and "se" not in f.models_


# --------------------------------------------------------------------------------------------------------------------
# Bad options


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_boot=1), "n_boot"), (dict(n_boot=0), "n_boot"), (dict(n_boot=2.5), "n_boot"),
    (dict(level=0.0), "level"), (dict(level=1.0), "level"), (dict(level=90), "level"), (dict(level=-0.1), "level"),
    (dict(seed=-1), "seed"), (dict(n_boot=5, n_jobs=0), "n_jobs"),
])
def test_bootstrap_rejects_bad_options(eci_fit, kwargs, message):
    with pytest.raises(IrtEloError, match=message):
        bootstrap(eci_fit, **kwargs)


@pytest.mark.parametrize("kwargs, message", [(dict(dispersion="huge"), "dispersion"), (dict(dispersion=0), "dispersion"),
                                             (dict(rtol=-1), "rtol")])
def test_standard_errors_reject_bad_options(eci_fit, kwargs, message):
    with pytest.raises(IrtEloError, match=message):
        standard_errors(eci_fit, **kwargs)


def test_unfitted_fitter_is_refused():
    with pytest.raises(IrtEloError, match="not fitted"):
        bootstrap(Fitter())
    with pytest.raises(IrtEloError, match="not fitted"):
        standard_errors(Fitter())


def test_result_rejects_bad_levels(eci_fit):
    b = bootstrap(eci_fit, n_boot=3, seed=0, n_jobs=1)
    with pytest.raises(IrtEloError, match="level"):
        b.ci(1.2)
    with pytest.raises(IrtEloError, match="what"):
        b.ci(what="theta")


# --------------------------------------------------------------------------------------------------------------------
# Standard errors


def test_standard_errors_on_the_eci_scale(eci_fit, eci_boot):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a well-posed fit: no singular / ill-conditioned warning
        se = standard_errors(eci_fit)
    assert (se.capability.loc[ECI_ANCHORS] == 0.0).all()
    rest = se.capability.drop(index=ECI_ANCHORS)
    assert rest.notna().all() and (rest > 0).all()
    assert se.difficulty.notna().all() and se.slope.notna().all() and (se.difficulty > 0).all()
    assert se.alpha["Winogrande"] == 0.0  # the anchor benchmark's slope is fixed on the logit scale
    boot_sd = eci_boot.capability.std().drop(index=ECI_ANCHORS)
    assert np.corrcoef(rest, boot_sd.loc[rest.index])[0, 1] > 0.8  # same ordering of uncertain models


def _table_with_one_single_score_benchmark():
    rng = np.random.default_rng(0)
    rows = []
    for i in range(12):
        th = rng.normal()
        for b, (a, d) in {"x": (1.0, 0.0), "y": (1.5, 0.5), "z": (0.8, -0.5)}.items():
            p = 1.0 / (1.0 + np.exp(-a * (th - d))) + rng.normal(0.0, 0.03)
            rows.append((f"m{i}", b, float(np.clip(p, 0.01, 0.99))))
    rows.append(("m0", "w", 0.6))  # one score cannot pin down both a difficulty and a slope
    return pd.DataFrame(rows, columns=["model", "benchmark", "score"])


@pytest.mark.parametrize("anchor", ["x", None])
def test_singular_hessian_warns_and_names_the_parameters(anchor):
    f = Fitter(ridge=0.0, anchor_benchmark=anchor).fit(_table_with_one_single_score_benchmark())
    with pytest.warns(RuntimeWarning, match=r"singular.*difficulty\[w\], slope\[w\]"):
        se = standard_errors(f)
    assert se.singular == ["difficulty[w]", "slope[w]"]
    assert np.isnan(se.difficulty["w"]) and np.isnan(se.slope["w"])
    assert se.capability.notna().all() and se.difficulty.drop("w").notna().all()


def test_parameters_at_a_bound_are_reported(eci_table):
    f = Fitter.from_preset("eci", slope_bounds=(0.1, 2.0)).fit(eci_table)
    with pytest.warns(RuntimeWarning, match="at a bound"):
        se = standard_errors(f)
    assert se.at_bound and all(n.startswith("slope[") for n in se.at_bound)
    capped = [n[len("slope["):-1] for n in se.at_bound]
    assert se.slope[capped].isna().all()  # held fixed at the bound: no SE
    assert se.slope.drop(index=capped).notna().all()  # the rest conditional on it
    assert se.capability.drop(index=ECI_ANCHORS).notna().all()


def _outputs(fitter, x):
    """capability, difficulty, slope (output scale) and theta, delta, alpha (logit) for a raw vector x."""
    t = fitter.table_
    theta, delta, alpha = fitter.identify(x)
    lm = fitter._scale_spec().calibrate(pd.Series(theta, index=t.model_names))
    return np.concatenate([lm.capability(theta), lm.difficulty(delta), lm.slope(alpha), theta, delta, alpha])


@pytest.mark.parametrize("options", [
    dict(model="2pl", anchor_benchmark="b00", scale="eci"),
    dict(model="2pl", scale="elo"),
    dict(model="1pl", scale="elo-mean"),
    dict(model="1pl", scale="logit"),
    dict(model="2pl", anchor_benchmark="b01", scale="logit"),
])
def test_delta_method_jacobian_matches_finite_differences(options):
    from irt_elo.core.scale import Elo, TwoAnchor
    from irt_elo.fit.uncertainty import output_jacobian

    df, _ = simulate(8, n_models=30, n_benchmarks=6)
    if options["scale"] == "eci":
        options = {**options, "scale": TwoAnchor((("m000", 100.0), ("m001", 120.0)))}
    elif options["scale"] == "elo":
        options = {**options, "scale": Elo(anchor=("m002", 1500.0))}
    elif options["scale"] == "elo-mean":
        options = {**options, "scale": Elo()}
    f = Fitter(ridge=1e-3, **options).fit(df)
    J = output_jacobian(f)
    eps = 1e-6
    fd = np.column_stack([(_outputs(f, f.x_ + eps * e) - _outputs(f, f.x_ - eps * e)) / (2 * eps)
                          for e in np.eye(f.x_.size)])
    np.testing.assert_allclose(J, fd, atol=1e-5 * max(1.0, np.abs(fd).max()))
