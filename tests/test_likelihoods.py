"""Likelihoods for aggregate scores: exact derivatives, the beta option, the exact-Hessian solver, and priors that
do not treat a benchmark score as a single trial."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from irt_elo import Fitter, IrtEloError, solve
from irt_elo.core import model as M
from irt_elo.core.solve import loss_functions
from test_recovery_aggregate import recovery, simulate


def _small_problem(seed=1, m=7, b=5):
    rng = np.random.default_rng(seed)
    lay = M.Layout.two_pl(m, b, anchor=2)
    mi, bi = (a.ravel() for a in np.meshgrid(np.arange(m), np.arange(b), indexing="ij"))
    keep = rng.random(mi.size) < 0.8
    d = M.Design(lay, mi[keep], bi[keep])
    x = np.r_[rng.normal(size=m + b), rng.uniform(0.5, 2.0, lay.n_free_slopes)]
    y = rng.uniform(0.05, 0.95, d.n_obs)
    w = rng.uniform(0.5, 2.0, d.n_obs)
    phi = rng.uniform(5.0, 50.0, b)[d.bench_idx]
    return d, x, y, w, phi


def _objectives(d, y, w, phi, form, loss):
    """(exact objective, value) of the penalised loss (binomial: 30 trials per cell)."""
    args = (d, y, 30 * w if loss == "binomial" else w, loss, 0.3, form, phi if loss == "beta" else None)
    return (lambda z: M.objective(z, *args, exact=True)), (lambda z: M.objective_value(z, *args))


@pytest.mark.parametrize("form", ["l2", "log_slope"])
@pytest.mark.parametrize("loss", ["least_squares", "binomial", "bernoulli", "beta"])
def test_exact_hessian_and_gradient_match_finite_differences(loss, form):
    d, x, y, w, phi = _small_problem()
    fun, val = _objectives(d, y, w, phi, form, loss)
    f, g, H = fun(x)
    eps = 1e-6
    eye = np.eye(x.size)
    g_fd = np.array([(val(x + eps * e) - val(x - eps * e)) / (2 * eps) for e in eye])
    H_fd = np.column_stack([(fun(x + eps * e)[1] - fun(x - eps * e)[1]) / (2 * eps) for e in eye])
    assert f == pytest.approx(val(x))
    np.testing.assert_allclose(g, g_fd, atol=1e-6 * max(1.0, np.abs(g).max()))
    np.testing.assert_allclose(H, H_fd, atol=1e-6 * max(1.0, np.abs(H).max()))
    np.testing.assert_array_equal(H, H.T)


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("loss", ["least_squares", "binomial", "beta"])
def test_block_hessian_and_gradient_equal_sparse_jacobian_products(loss, exact):
    """The bincount-built arrow blocks against an independent construction from the sparse dz/dx:
    J^T diag(curv) J plus (exact only) the second derivatives of z, +-dl/dz at (theta_m or delta_b, alpha_b)."""
    d, x, y, w, phi = _small_problem(seed=4)
    ww = 30 * w if loss == "binomial" else w
    f, gz, curv = M.loss_cells(x, d, y, ww, loss, phi, exact=exact)
    J = d.dz_dx(x).toarray()
    H_ref = J.T @ (curv[:, None] * J)
    if exact:
        lay = d.layout
        m, b = lay.n_models, lay.n_benchmarks
        for i in np.flatnonzero(d.has_slope):
            s = m + b + lay.free_pos[d.bench_idx[i]]
            for row, sign in ((d.model_idx[i], 1.0), (m + d.bench_idx[i], -1.0)):
                H_ref[row, s] += sign * gz[i]
                H_ref[s, row] += sign * gz[i]
    D, C, E = M.hessian_blocks(x, d, curv, gz if exact else None)
    m = d.layout.n_models
    np.testing.assert_allclose(np.diag(D), H_ref[:m, :m], atol=1e-12)  # the capability block is diagonal
    np.testing.assert_allclose(C, H_ref[:m, m:], atol=1e-12)
    np.testing.assert_allclose(E, H_ref[m:, m:], atol=1e-12)
    np.testing.assert_allclose(M.gradient_blocks(x, d, gz), J.T @ gz, atol=1e-12)
    if loss != "binomial" and not exact:  # Gauss-Newton / Fisher curvature is never negative
        assert (curv >= 0).all()


def test_beta_precision_is_the_maximum_likelihood_value():
    rng = np.random.default_rng(3)
    y = rng.beta(3.0, 7.0, 400)
    d = M.Design(M.Layout.one_pl(1, 1), np.zeros(400, int), np.zeros(400, int))
    x = np.array([0.0, 0.85])
    phi = M.beta_precision(x, d, y, np.ones(400), np.zeros(400, int), 1)
    nll = lambda p: M.objective_value(x, d, y, None, "beta", 0.0, "none", np.full(400, p))  # noqa: E731
    best = minimize_scalar(nll, bounds=(0.1, 100.0), method="bounded", options={"xatol": 1e-10}).x
    assert phi[0] == pytest.approx(best, rel=1e-6)


@pytest.mark.parametrize("loss", ["least_squares", "binomial", "bernoulli"])
def test_exact_newton_reaches_the_same_optimum_as_gauss_newton(loss):
    df, _ = simulate(5, n_models=80, n_benchmarks=15)
    f = Fitter(model="2pl", loss=loss, ridge=1e-3).fit(df)
    exact = replace(f.problem_, curvature="exact")
    warm = solve(exact, f.x_)
    cold = solve(exact, f.initial_params(f.problem_.layout))
    assert warm.success and cold.success
    value = loss_functions(f.problem_)[1]
    # The exact-Hessian optimum is at least as good, and the same identified point. (Raw vectors may differ by a
    # common shift of capabilities and difficulties: only the tiny ridge pins that direction down.)
    assert value(warm.x) <= f.result_.cost + 1e-9 * abs(f.result_.cost)
    assert value(cold.x) <= f.result_.cost + 1e-9 * abs(f.result_.cost)
    ref = np.concatenate(f.identify(f.x_))
    np.testing.assert_allclose(np.concatenate(f.identify(warm.x)), ref, atol=1e-5)
    np.testing.assert_allclose(np.concatenate(f.identify(cold.x)), ref, atol=1e-5)


def test_beta_loss_estimates_precision_near_the_question_count():
    df, truth = simulate(6, n_models=300, n_benchmarks=40, n_items=(400, 400))
    f = Fitter(model="2pl", loss="beta", ridge=1e-3, precision="common").fit(df)
    assert f.result_.success
    # Var(score) = p (1 - p) / 400 for a binomial fraction and p (1 - p) / (1 + phi) for the beta: phi ~ 399
    assert 300 < float(f.precision_.iloc[0]) < 500
    assert (f.precision_ == f.precision_.iloc[0]).all()
    assert "precision" in f.benchmarks_.columns
    assert recovery(f, truth)[1] < 0.006  # probabilities
    # Slopes: the beta density has no mass at 0 or 1, so boundary scores are clipped to [1e-3, 1 - 1e-3]; on a
    # saturated benchmark (here two with 60-70% of scores at 0 or 1) that flattens the slope (documented limit of
    # the beta option; use the binomial when question counts are known). Elsewhere the slopes are recovered.
    at_edge = df.assign(edge=(df.score <= 0) | (df.score >= 1)).groupby("benchmark").edge.mean()
    ok = at_edge.index[at_edge < 0.1]
    assert len(ok) >= 35
    r = np.corrcoef(f.alpha_.loc[ok], truth["alpha"].loc[ok])[0, 1]
    assert r > 0.995


def test_beta_loss_accepts_fixed_precisions_and_rejects_bad_ones():
    df, _ = simulate(7, n_models=40, n_benchmarks=8)
    f = Fitter(loss="beta", precision=250.0).fit(df)
    assert (f.precision_ == 250.0).all()
    per = {b: 100.0 + i for i, b in enumerate(sorted(df.benchmark.unique()))}
    g = Fitter(loss="beta", precision=per).fit(df)
    assert g.precision_.to_dict() == per
    with pytest.raises(IrtEloError, match="no value for benchmark"):
        Fitter(loss="beta", precision=dict(list(per.items())[:-1])).fit(df)
    for bad in (-1.0, 0.0, "median", float("nan")):
        with pytest.raises(IrtEloError, match="precision"):
            Fitter(loss="beta", precision=bad)
    with pytest.raises(IrtEloError, match="clip"):
        Fitter(loss="beta", clip=0.0)


def test_prior_does_not_treat_a_benchmark_score_as_one_trial():
    """A unit-normal prior on every parameter (ridge = n_params: 0.5 * lam * P / n_params = 0.5 * sum x^2).

    With the question counts (binomial) or an estimated precision (beta) the likelihood carries the information of
    hundreds of questions per score and the prior barely moves the slopes. Treating each score as one Bernoulli trial
    (the fractional-Bernoulli quasi-likelihood, what binary IRT tools do with aggregate scores) lets the same prior
    shrink them.
    """
    df, truth = simulate(0)
    names = truth["alpha"].index
    true_slope = truth["alpha"] * truth["theta"].std(ddof=0)  # slopes on the standardised capability scale
    n_params = 300 + 40 + 40 - 1  # one benchmark's slope is the unit while fitting
    out = {}
    for loss in ("binomial", "beta", "bernoulli"):
        f = Fitter(model="2pl", loss=loss, ridge=float(n_params), penalty="l2", clip=1e-3).fit(df)
        assert f.problem_.layout.n_params == n_params
        ratio = float(np.median(f.alpha_.loc[names] / true_slope))
        out[loss] = (ratio, recovery(f, truth)[1])
    for loss in ("binomial", "beta"):
        ratio, rmse = out[loss]
        assert 0.97 <= ratio <= 1.03, (loss, ratio)
        assert rmse <= 0.006, (loss, rmse)
    ratio, rmse = out["bernoulli"]
    assert ratio < 0.92, ratio  # over-shrunk
    assert rmse > 3 * out["binomial"][1]
