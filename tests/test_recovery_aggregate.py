"""Parameter recovery on simulated aggregate (continuous) scores, with fixed seeds.

Simulation (``simulate``), chosen to look like benchmark data rather than like the model's own noise:

* 2PL truth: capabilities ~ N(0, 1), difficulties ~ N(0, 1.2^2), slopes ~ lognormal(log 1.5, 0.4) (median 1.5,
  90% between 0.8 and 2.9, the range the ECI fit finds for most benchmarks);
* each benchmark has a fixed number of questions, log-uniform between 200 and 1000, and a model's score is the
  fraction it gets right: Binomial(n_items, p) / n_items. That is the noise of a real benchmark score (sampling of
  questions), about +-0.03 at p = 0.5; scores of exactly 0 or 1 occur (1-3% of cells);
* 40% of (model, benchmark) cells missing completely at random.

Targets (issue 3): discrimination r >= 0.998 and RMSE of fitted vs true probabilities <= 0.006 over all
300 x 40 cells (observed or not). Both the likelihood that matches the noise (binomial with the question counts)
and Epoch's least squares are checked; every number compared comes from the simulation's truth.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from irt_elo import Fitter


def simulate(seed: int, n_models: int = 300, n_benchmarks: int = 40, missing: float = 0.4,
             n_items: tuple[int, int] = (200, 1000)):
    """Binomial aggregate scores from a 2PL truth; returns (long frame with n_items, truth dict)."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 1.0, n_models)
    delta = rng.normal(0.0, 1.2, n_benchmarks)
    alpha = np.exp(rng.normal(np.log(1.5), 0.4, n_benchmarks))
    n = np.round(np.exp(rng.uniform(np.log(n_items[0]), np.log(n_items[1]), n_benchmarks))).astype(int)
    p = 1.0 / (1.0 + np.exp(-alpha * (theta[:, None] - delta[None, :])))
    k = rng.binomial(n[None, :], p)
    mi, bi = np.nonzero(rng.random((n_models, n_benchmarks)) >= missing)
    models = np.array([f"m{i:03d}" for i in range(n_models)])
    benches = np.array([f"b{j:02d}" for j in range(n_benchmarks)])
    df = pd.DataFrame({"model": models[mi], "benchmark": benches[bi], "score": k[mi, bi] / n[bi],
                       "n_items": n[bi]})
    truth = {"theta": pd.Series(theta, index=models), "delta": pd.Series(delta, index=benches),
             "alpha": pd.Series(alpha, index=benches), "p": pd.DataFrame(p, index=models, columns=benches),
             "n_items": pd.Series(n, index=benches)}
    return df, truth


def recovery(fitter: Fitter, truth: dict) -> tuple[float, float]:
    """(Pearson r of fitted vs true slopes, RMSE of fitted vs true probabilities over every cell)."""
    p = truth["p"]
    pred = fitter.predict().loc[p.index, p.columns].to_numpy()
    a = fitter.alpha_.loc[truth["alpha"].index].to_numpy()
    return float(np.corrcoef(a, truth["alpha"].to_numpy())[0, 1]), float(np.sqrt(np.mean((pred - p.to_numpy()) ** 2)))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("loss", ["binomial", "least_squares"])
def test_continuous_scores_recover_discrimination_and_probabilities(seed, loss):
    df, truth = simulate(seed)
    assert df.score.between(0, 1).all() and len(df) == pytest.approx(0.6 * 300 * 40, rel=0.05)
    # Binomial needs no clipping (0/1 scores are ordinary outcomes); least squares clips as Epoch does.
    f = Fitter(model="2pl", loss=loss, ridge=1e-3, clip=0.0 if loss == "binomial" else 1e-3).fit(df)
    assert f.result_.success
    r_alpha, rmse_p = recovery(f, truth)
    assert r_alpha >= 0.998, f"slope correlation {r_alpha:.5f}"
    assert rmse_p <= 0.006, f"probability RMSE {rmse_p:.5f}"


def test_recovered_capabilities_match_truth_up_to_identification():
    df, truth = simulate(3)
    f = Fitter(model="2pl", loss="binomial", ridge=1e-3, clip=0.0).fit(df)
    t = truth["theta"]
    standardised = (t - t.mean()) / t.std(ddof=0)
    err = f.theta_.loc[t.index] - standardised
    # The identification (mean 0, SD 1 over the fitted models) is applied to the truth too. Expected error: a cell's
    # score has SD ~ sqrt(0.25 / 450) = 0.024, i.e. 0.024 / (slope 1.5 * p(1-p) 0.2) = 0.08 logits, over ~24 cells
    # per model: ~0.016. Allow twice that.
    assert float(np.sqrt(np.mean(err ** 2))) < 0.032
    assert f.capability_.mean() == pytest.approx(0.0, abs=1e-9) and f.capability_.std(ddof=0) == pytest.approx(1.0)
