"""Bayesian fitter (irt_elo.fit.bayes): recovery and calibration on simulations with known truth, NUTS, ArviZ export,
devices, seeds, and that torch stays out of `import irt_elo`.

Every expected number comes from a simulation's truth (identified exactly as the fitter identifies each posterior
draw) or from a baseline fitted in the same test.
"""
from __future__ import annotations

import random
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch  # the [bayes] extra is part of the test extra: a missing torch must fail, not skip

from irt_elo import Fitter, IrtEloError
from irt_elo.core.scale import TwoAnchor
from irt_elo.data.simulate import simulate_responses
from irt_elo.data.simulate import simulate_scores as _simulate
from irt_elo.fit.bayes import BayesFitter, identify_draws


def simulate_scores(n_models: int, n_benchmarks: int, missing: float, seed: int, with_n_items: bool = True):
    """irt_elo.data.simulate_scores, with the truth as arrays in the table's model / benchmark order."""
    t, truth = _simulate(n_models, n_benchmarks, missing=missing, with_n_items=with_n_items, random_state=seed)
    return t, {"theta": truth["theta"].loc[t.model_names].to_numpy(),
               "delta": truth["delta"].loc[t.benchmark_names].to_numpy(),
               "alpha": truth["alpha"].loc[t.benchmark_names].to_numpy()}


def identified(truth: dict, **kw) -> dict:
    th, de, al = identify_draws(truth["theta"][None], truth["delta"][None], truth["alpha"][None], **kw)
    return {"theta": th[0], "delta": de[0], "alpha": al[0]}


def hits(f: BayesFitter, truth: dict) -> np.ndarray:
    """Whether each capability, difficulty and slope's interval contains the (identified) truth."""
    out = []
    for nm in ("theta", "delta", "alpha"):
        ci = getattr(f, f"{nm}_ci_")
        out.append((ci["low"].to_numpy() <= truth[nm]) & (truth[nm] <= ci["high"].to_numpy()))
    return np.concatenate(out)


def items_truth(truth: dict) -> dict:
    return {"theta": truth["theta"].to_numpy(), "delta": truth["difficulty"].to_numpy(),
            "alpha": truth["slope"].to_numpy()}


# ----------------------------------------------------------------------------------------------------------------
# Shared fits (module scope: each takes a few seconds)


@pytest.fixture(scope="module")
def agg_sims():
    return [simulate_scores(100, 20, 0.3, seed) for seed in (1, 2)]


@pytest.fixture(scope="module")
def agg_fits(agg_sims):
    return [BayesFitter(num_steps=1500, random_state=0).fit(t) for t, _ in agg_sims]


@pytest.fixture(scope="module")
def item_sims():
    return [simulate_responses(150, 40, "2pl", random_state=seed) for seed in (1, 2)]


@pytest.fixture(scope="module")
def item_fits(item_sims):
    return [BayesFitter(num_steps=1500, random_state=0).fit(t) for t, _ in item_sims]


# ----------------------------------------------------------------------------------------------------------------
# Recovery and calibration


def test_aggregate_posterior_means_recover_simulated_parameters(agg_sims, agg_fits):
    (table, truth), f = agg_sims[0], agg_fits[0]
    assert f.likelihood_ == "binomial"  # n_items known for every cell
    t = identified(truth, two_pl=True)
    for nm in ("theta", "delta", "alpha"):
        assert np.corrcoef(getattr(f, f"{nm}_").to_numpy(), t[nm])[0, 1] >= 0.99, nm
    # Probabilities at least as close to the truth as the package's binomial point fit on the same data (+10%).
    c = f.cells_
    p_true = 1 / (1 + np.exp(-truth["alpha"][c.cols] * (truth["theta"][c.rows] - truth["delta"][c.cols])))
    point = Fitter(loss="binomial", ridge=1e-3).fit(table)
    rmse_point = np.sqrt(np.mean((point.problem_.design.predict(point.x_) - p_true) ** 2))
    rmse_bayes = np.sqrt(np.mean((f.predict() - p_true) ** 2))
    assert rmse_bayes <= 1.1 * rmse_point


def test_aggregate_90pct_intervals_cover_truth_on_simulation(agg_sims, agg_fits):
    # 2 simulations x (100 capabilities + 20 difficulties + 20 slopes) = 280 parameters, 1000 draws per fit.
    h = np.concatenate([hits(f, identified(tr, two_pl=True)) for (_, tr), f in zip(agg_sims, agg_fits)])
    assert h.size == 280
    assert 0.85 <= h.mean() <= 0.95, h.mean()


def test_item_level_posterior_recovers_and_90pct_intervals_cover_truth(item_sims, item_fits):
    # 2 simulations x (150 capabilities + 40 difficulties + 40 slopes) = 460 parameters, 1000 draws per fit.
    h = []
    for (table, truth), f in zip(item_sims, item_fits):
        assert f.data_ == "items" and f.likelihood_ == "bernoulli"
        t = identified(items_truth(truth), two_pl=True)
        assert np.corrcoef(f.theta_.to_numpy(), t["theta"])[0, 1] >= 0.9
        assert np.corrcoef(f.delta_.to_numpy(), t["delta"])[0, 1] >= 0.9
        h.append(hits(f, t))
    h = np.concatenate(h)
    assert h.size == 460
    assert 0.85 <= h.mean() <= 0.95, h.mean()


def test_aggregate_scores_without_question_counts_are_not_over_shrunk():
    # Hide n_items: beta (precision learned) and fractional (effective trials from the deviance) must keep the
    # capability spread (slope of posterior mean on truth near 1); one trial per cell shrinks toward the prior.
    table, truth = simulate_scores(60, 15, 0.3, seed=3, with_n_items=False)
    t = identified(truth, two_pl=True)["theta"]
    slope = {}
    for like, trials in (("beta", "auto"), ("fractional", "auto"), ("fractional", 1)):
        f = BayesFitter(likelihood=like, trials=trials, num_steps=800, num_samples=300).fit(table)
        slope[(like, trials)] = np.polyfit(t, f.theta_.to_numpy(), 1)[0]
    assert slope[("beta", "auto")] >= 0.95
    assert slope[("fractional", "auto")] >= 0.95
    assert slope[("fractional", 1)] < 0.9  # the failure the other two avoid


# ----------------------------------------------------------------------------------------------------------------
# Identification and scales


def test_each_draw_is_identified_and_eci_anchor_models_have_zero_width_intervals(agg_sims):
    table, _ = agg_sims[0]
    a1, a2 = table.model_names[0], table.model_names[1]
    f = BayesFitter(anchor_benchmark="b0", scale=TwoAnchor(((a1, 130.0), (a2, 150.0))), num_steps=400,
                    num_samples=200).fit(table)
    assert np.allclose(f.draws("delta")[:, 0], 0.0)  # anchor benchmark's difficulty in every draw
    assert np.allclose(f.draws("alpha")[:, 0], 1.0)  # and its slope
    ci = f.capability_ci_
    assert np.allclose(ci.loc[a1], 130.0) and np.allclose(ci.loc[a2], 150.0)
    assert (ci["high"] - ci["low"]).drop([a1, a2]).min() > 0
    fig = f.plot()
    assert fig.axes[0].get_ylabel() == "capability (eci)"
    fig.clf()
    g = BayesFitter(num_steps=400, num_samples=200).fit(table)  # standardised
    assert np.allclose(g.draws("theta").mean(axis=1), 0) and np.allclose(g.draws("theta").std(axis=1), 1)


def test_one_pl_on_items_with_minibatches_recovers_capabilities():
    table, truth = simulate_responses(200, 50, "1pl", missing=0.2, random_state=0)
    th = truth["theta"].to_numpy()
    for marginalize in (True, False):
        f = BayesFitter(model="1pl", batch_size=2000, marginalize=marginalize, num_steps=600,
                        num_samples=200).fit(table)
        assert np.allclose(f.alpha_, 1.0)
        assert np.allclose(f.draws("theta").mean(axis=1), 0)  # centred per draw
        assert np.corrcoef(f.theta_.to_numpy(), th)[0, 1] >= 0.9


# ----------------------------------------------------------------------------------------------------------------
# NUTS and ArviZ


def test_nuts_runs_on_a_tiny_problem_and_agrees_with_svi():
    table, truth = simulate_scores(8, 4, 0.0, seed=5)
    f = BayesFitter(method="nuts", num_samples=100, warmup=100, num_chains=2, random_state=0).fit(table)
    assert (f.n_chains_, f.n_draws_) == (2, 100)
    s = f.summary
    assert {"r_hat", "ess_bulk"} <= set(s.columns)
    assert s.loc[s.parameter == "capability", "r_hat"].max() < 1.1
    g = BayesFitter(num_steps=1000, random_state=0).fit(table)
    sd = f.summary.set_index(["parameter", "name"])["sd"].loc["capability"]
    assert (np.abs(f.capability_ - g.capability_) <= 0.5 * sd + 0.02).all()


def test_to_arviz_round_trips_posterior_and_log_likelihood(agg_fits):
    import arviz as az

    f = agg_fits[0]
    idata = f.to_arviz()
    post = idata.posterior
    assert post["capability"].dims == ("chain", "draw", "model")
    np.testing.assert_allclose(post["capability"].mean(("chain", "draw")).values, f.capability_.to_numpy())
    assert list(post["difficulty"].coords["benchmark"].values) == list(f.cells_.col_names)
    assert idata.log_likelihood["y"].shape == (1, f.n_draws_, f.cells_.n_obs)
    back = az.from_dict(**idata.to_dict())
    np.testing.assert_allclose(back.posterior["slope"].values, post["slope"].values)
    with warnings.catch_warnings():  # Pareto-k warnings: cells worth hundreds of questions are influential
        warnings.simplefilter("ignore", UserWarning)
        assert np.isfinite(az.loo(back).elpd_loo)


# ----------------------------------------------------------------------------------------------------------------
# Devices, seeds, options


def test_device_cuda_without_gpu_is_a_clear_error_and_auto_picks_what_exists():
    table, _ = simulate_scores(10, 4, 0.0, seed=0)
    if torch.cuda.is_available():  # on a GPU machine the same call must run there
        assert BayesFitter(device="cuda", num_steps=20, num_samples=10).fit(table).device_.startswith("cuda")
    else:
        with pytest.raises(IrtEloError, match="device='cuda'.*cannot use a GPU.*device='cpu'"):
            BayesFitter(device="cuda", num_steps=20, num_samples=10).fit(table)
    f = BayesFitter(device="auto", num_steps=20, num_samples=10).fit(table)
    assert f.device_ == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(IrtEloError, match="device must be"):
        BayesFitter(device="tpu", num_steps=20).fit(table)


def test_same_seed_same_result_and_global_random_state_restored():
    table, _ = simulate_scores(15, 5, 0.2, seed=0)
    np.random.seed(123)
    random.seed(7)
    torch.manual_seed(11)
    before = (np.random.get_state()[1].copy(), random.getstate(), torch.get_rng_state().clone())
    a = BayesFitter(num_steps=100, num_samples=50, random_state=4).fit(table)
    assert np.array_equal(np.random.get_state()[1], before[0])
    assert random.getstate() == before[1]
    assert torch.equal(torch.get_rng_state(), before[2])
    b = BayesFitter(num_steps=100, num_samples=50, random_state=4).fit(table)
    c = BayesFitter(num_steps=100, num_samples=50, random_state=5).fit(table)
    assert np.array_equal(a.draws("capability"), b.draws("capability"))
    assert not np.array_equal(a.draws("capability"), c.draws("capability"))


def test_bad_options_and_data_raise_one_line_errors():
    table, _ = simulate_scores(10, 4, 0.0, seed=0, with_n_items=False)
    items, _ = simulate_responses(10, 5, random_state=0)
    cases = [
        (lambda: BayesFitter(likelihood="binomial", num_steps=5).fit(table), "needs n_items"),
        (lambda: BayesFitter(likelihood="bernoulli", num_steps=5).fit(table), "0/1 item responses"),
        (lambda: BayesFitter(likelihood="beta", num_steps=5).fit(items), "item-level responses use 'bernoulli'"),
        (lambda: BayesFitter(anchor_benchmark="b9", num_steps=5).fit(table), "not in the data"),
        (lambda: BayesFitter(data="items", num_steps=5).fit(table), "data='items'"),
        (lambda: BayesFitter(method="nuts", batch_size=10), "minibatching"),
        (lambda: BayesFitter(level=90), "level must be in"),
        (lambda: BayesFitter(guide="flow"), "guide must be"),
        (lambda: BayesFitter(learning_rate="fast"), "learning_rate must be"),
        (lambda: BayesFitter(trials=[100, 200]), "trials must be"),
        (lambda: BayesFitter(random_state=None), "random_state must be an integer"),
        (lambda: BayesFitter(num_steps=True), "num_steps must be an integer"),
        (lambda: BayesFitter().summary, "not fitted"),
    ]
    for call, msg in cases:
        with pytest.raises(IrtEloError, match=msg) as e:
            call()
        assert "\n" not in str(e.value)


# ----------------------------------------------------------------------------------------------------------------
# torch stays out of the light imports


@pytest.mark.parametrize("code", [
    "import irt_elo, sys; assert 'torch' not in sys.modules and 'pyro' not in sys.modules, 'torch imported'",
    ("import sys; from irt_elo.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
     "assert 'torch' not in sys.modules and 'pyro' not in sys.modules, 'torch imported by irt-elo --help'"),
])
def test_import_irt_elo_and_cli_help_do_not_import_torch(code):
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
