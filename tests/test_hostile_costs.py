"""Costs that grow gently: the structured curvature, the fit with many benchmarks, standard errors
from the structured Hessian and the memory guard. Wall-clock targets live in benchmarks/bench_costs.py; these tests
check that the fast paths give the same numbers as the dense ones, and what memory they need."""
from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest

import irt_elo
from irt_elo import Fitter
from irt_elo.core import model as M
from irt_elo.core.memory import available_memory, check_allocation
from irt_elo.core.optim import BipartiteCurvature, DenseCurvature, minimize_box
from irt_elo.core.solve import Problem, loss_functions, solve, sparse_curvature
from irt_elo.data.simulate import simulate_scores
from irt_elo.errors import IrtEloError
from irt_elo.fit import uncertainty as U


def _random_design(n_models: int, n_bench: int, n_cells: int, seed: int, anchor: int | None = 0):
    rng = np.random.default_rng(seed)
    lay = M.Layout.two_pl(n_models, n_bench, anchor=anchor)
    mi, bi = rng.integers(0, n_models, n_cells), rng.integers(0, n_bench, n_cells)  # repeated cells included
    x = rng.normal(size=lay.n_params)
    x[n_models + n_bench:] = np.abs(x[n_models + n_bench:]) + 0.5
    return lay, M.Design(lay, mi, bi), x, rng.random(n_cells)


def _bipartite(lay: M.Layout, H: M.SparseBlocks) -> BipartiteCurvature:
    return BipartiteCurvature(H.D, H.C, H.E_diag, H.E_off, lay.free, lay.n_benchmarks + np.arange(lay.n_free_slopes))


@pytest.mark.parametrize("loss", ["least_squares", "bernoulli", "beta"])
@pytest.mark.parametrize("exact", [False, True])
def test_sparse_blocks_are_the_dense_blocks_exactly(loss, exact):
    lay, d, x, y = _random_design(7, 5, 60, seed=1)
    phi = np.full(y.size, 5.0) if loss == "beta" else None
    for weight in (None, np.linspace(0.5, 2.0, y.size)):
        f, g, blocks = M.objective_blocks(x, d, y, weight, loss, 0.3, "log_slope", phi, exact=exact)
        f2, g2, H = M.objective_sparse_blocks(x, d, y, weight, loss, 0.3, "log_slope", phi, exact=exact)
        assert f2 == f and np.array_equal(g2, g)
        for dense, structured in zip(blocks, H.dense()):
            np.testing.assert_array_equal(structured, dense)


@pytest.mark.parametrize("shape", [(7, 5), (4, 9)])  # Schur complement onto the models, or onto the benchmarks
@pytest.mark.parametrize("dense_fill", [0.05, 2.0])  # dense BLAS products, or sparse ones
def test_bipartite_damped_step_solves_the_dense_system(shape, dense_fill):
    lay, d, x, y = _random_design(*shape, 60, seed=2)
    _, g, H = M.objective_sparse_blocks(x, d, y, None, "bernoulli", 0.3, "l2")
    curv = _bipartite(lay, H)
    curv.DENSE_FILL = dense_fill
    Hd = M.dense_hessian(*H.dense())
    free = np.ones(lay.n_params, bool)
    free[[3, shape[0] + 2]] = False  # a capability and a difficulty held at a bound
    Hf = Hd[np.ix_(free, free)]
    damp = np.diag(Hf).copy()
    damp[damp <= 0] = 1.0
    expected = -np.linalg.solve(Hf + 0.1 * np.diag(damp), g[free])
    np.testing.assert_allclose(curv.damped_solve(free, 0.1, g), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(curv.damped_solve(free, 0.1, g), DenseCurvature(Hd).damped_solve(free, 0.1, g),
                               rtol=1e-10, atol=1e-12)
    s = np.random.default_rng(0).normal(size=lay.n_params)
    assert curv.quadratic(s) == pytest.approx(float(s @ Hd @ s), rel=1e-12)
    np.testing.assert_allclose(curv.matvec(s), Hd @ s, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", [(7, 5), (4, 9)])
def test_bipartite_factor_gives_the_inverse_and_its_diagonal(shape):
    lay, d, x, y = _random_design(*shape, 60, seed=3)
    H = M.objective_sparse_blocks(x, d, y, None, "bernoulli", 0.3, "l2")[2]
    keep = np.ones(lay.n_params, bool)
    keep[[1, shape[0]]] = False
    F = _bipartite(lay, H).factor(keep)
    Hk = M.dense_hessian(*H.dense())
    Hk[~keep, :], Hk[:, ~keep] = 0.0, 0.0
    Hk[~keep, ~keep] = 1.0
    inv = np.linalg.inv(Hk)
    np.testing.assert_allclose(F.inverse_diagonal(), np.diag(inv), rtol=1e-10)
    np.testing.assert_allclose(F.solve(np.eye(lay.n_params)), inv, rtol=1e-9, atol=1e-12)


def test_many_benchmark_fit_reaches_the_dense_newton_optimum():
    # More benchmarks than models: the solver keeps the curvature sparse and eliminates the benchmark blocks. The
    # same Levenberg-Marquardt iteration on the dense matrix must land on the same optimum.
    table, _ = simulate_scores(12, 40, missing=0.2, random_state=5)
    f = Fitter(ridge=1e-2, random_state=0).fit(table)
    prob, x0 = f.problem_, f.initial_params(f.problem_.layout)
    objective, value = loss_functions(prob)
    dense = minimize_box(objective, value, x0, prob.lower, prob.upper, ftol=prob.tol * 1e-4, gtol=prob.tol * 1e-2,
                         max_iter=prob.max_iter)
    assert f.result_.success and dense.success
    assert f.result_.cost == pytest.approx(dense.fun, rel=1e-9)
    np.testing.assert_allclose(f.x_, dense.x, atol=1e-5)


def test_sparse_curvature_is_the_dense_exact_hessian():
    f = irt_elo.fit()
    H = sparse_curvature(f.problem_, f.x_, curvature="exact")
    dense = loss_functions(f.problem_, curvature="exact")[0](f.x_)[2]
    np.testing.assert_allclose(M.dense_hessian(*M.SparseBlocks(
        f.problem_.layout, H.D, H.C, H.E_diag, H.E_off).dense()), dense, rtol=1e-12, atol=1e-12)


def test_fit_of_300_models_by_2000_benchmarks_recovers_the_truth():
    table, truth = simulate_scores(300, 2000, missing=0.5, random_state=11)
    f = Fitter(ridge=1e-3, random_state=0).fit(table)
    assert f.result_.success
    theta = truth["theta"].loc[f.theta_.index].to_numpy()
    assert np.corrcoef(f.theta_.to_numpy(), theta)[0, 1] > 0.995
    alpha = truth["alpha"].loc[f.alpha_.index].to_numpy()
    assert np.corrcoef(np.log(f.alpha_.to_numpy()), np.log(alpha))[0, 1] > 0.9


FITS = {
    "eci": lambda t: irt_elo.fit(),
    "2pl standardised": lambda t: Fitter(ridge=1e-3).fit(t),
    "no ridge": lambda t: Fitter(ridge=0.0).fit(t),
    "1pl binomial": lambda t: Fitter(model="1pl", loss="binomial").fit(t),
    "elo bernoulli": lambda t: Fitter(loss="bernoulli", scale="elo").fit(t),
    "anchor benchmark": lambda t: Fitter(ridge=1e-2, anchor_benchmark="b3").fit(t),
}


@pytest.mark.parametrize("name", list(FITS))
def test_structured_standard_errors_equal_the_dense_ones(name, monkeypatch):
    table, _ = simulate_scores(40, 8, missing=0.2, random_state=3)
    f = FITS[name](table)
    monkeypatch.setattr(U, "SE_DENSE_LIMIT", 10 ** 9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        dense = U.standard_errors(f)
        monkeypatch.setattr(U, "SE_DENSE_LIMIT", 0)
        structured = U.standard_errors(f)
    for what in ("capability", "difficulty", "slope", "theta", "delta", "alpha"):
        a, b = getattr(dense, what), getattr(structured, what)
        assert a.isna().equals(b.isna()) and (a == 0).equals(b == 0), what
        np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-6, err_msg=what)
    assert structured.condition_number == pytest.approx(dense.condition_number, rel=1e-6)
    assert structured.dispersion == dense.dispersion and structured.at_bound == dense.at_bound


def test_standard_errors_of_7000_models_stay_small():
    table, _ = simulate_scores(7000, 6, missing=0.1, random_state=3)
    f = Fitter(random_state=0).fit(table)
    tracemalloc.start()
    se = U.standard_errors(f)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert se.capability.notna().all() and (se.capability > 0).all()
    assert peak < 200 * 2 ** 20  # the dense path needed 5.3 GiB


def test_check_allocation_names_the_size_and_what_to_do():
    check_allocation(1e6, "a small array")  # fits: nothing happens
    avail = available_memory()
    assert avail is not None and avail > 0
    with pytest.raises(IrtEloError, match=r"bootstrap draws \(10 x 10\) needs 1\.0 TiB of memory; only .* is "
                                          r"available; use fewer draws"):
        check_allocation(2.0 ** 40, "bootstrap draws (10 x 10)", "use fewer draws")


def test_dense_curvature_beyond_memory_is_refused_before_allocating():
    # A problem whose dense blocks would need ~8 TiB: the guard speaks before numpy tries.
    d = M.Design(M.Layout.two_pl(1_000_000, 1_000_000), np.array([0]), np.array([0]))
    x = np.ones(d.layout.n_params)
    with pytest.raises(IrtEloError, match="dense curvature blocks of 1000000 models x 1000000 benchmarks needs"):
        M.hessian_blocks(x, d, np.ones(1))
    with pytest.raises(IrtEloError, match=r"a dense \(2000000 x 2000000\) curvature matrix needs .*sparse_curvature"):
        M.dense_hessian(np.ones(1_000_000), np.zeros((1_000_000, 0)), np.zeros((1_000_000, 0)))


def test_solver_keeps_a_many_benchmark_problem_sparse():
    # 30 models x 5,000 benchmarks: the dense arrow blocks would be 10,000-square; the sparse path needs O(cells).
    table, _ = simulate_scores(30, 5000, missing=0.0, random_state=2, n_items=100)
    f = Fitter(ridge=1e-3, random_state=0)
    prob = f.problem(f.prepare(table))
    tracemalloc.start()
    r = solve(Problem(prob.design, prob.y, ridge=1e-3, lower=prob.lower, upper=prob.upper, max_iter=3),
              f.initial_params(prob.layout))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert np.isfinite(r.cost)
    assert peak < 100 * 2 ** 20  # dense blocks: (10,000)^2 x 8 bytes = 800 MB


def test_singular_information_falls_back_to_the_dense_diagnostics(monkeypatch):
    # A benchmark scored by one model, no ridge: its slope is not identified. The structured path cannot factor the
    # information, so the dense path names the null direction, whichever path was asked for.
    import pandas as pd

    from irt_elo.data.table import from_frame

    table, _ = simulate_scores(30, 6, random_state=3)
    lonely = pd.DataFrame({"model": ["m0"], "benchmark": ["lonely"], "score": [0.4]})
    f = Fitter(ridge=0.0).fit(from_frame(pd.concat([table.scores[["model", "benchmark", "score"]], lonely]),
                                         name="singular"))
    for limit in (10 ** 9, 0):
        monkeypatch.setattr(U, "SE_DENSE_LIMIT", limit)
        with pytest.warns(RuntimeWarning, match="singular or not positive definite.*slope\\[lonely\\]"):
            se = U.standard_errors(f)
        assert np.isnan(se.slope["lonely"]) and se.capability.notna().all()
