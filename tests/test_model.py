"""The model's analytic derivatives agree with finite differences, and the box solver reaches a KKT point."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.optimize._numdiff import approx_derivative

from irt_elo.core import model as M
from irt_elo.core.optim import minimize_box


def small_problem(seed=0, m=12, b=5, anchor=2, form_1pl=False):
    rng = np.random.default_rng(seed)
    mi, bi = np.meshgrid(np.arange(m), np.arange(b), indexing="ij")
    keep = rng.random(mi.size) < 0.7
    mi, bi = mi.ravel()[keep], bi.ravel()[keep]
    layout = M.Layout.one_pl(m, b) if form_1pl else M.Layout.two_pl(m, b, anchor)
    d = M.Design(layout, mi, bi)
    x = np.concatenate([rng.normal(0, 1, m), rng.normal(0, 1, b), rng.uniform(0.5, 2, layout.n_free_slopes)])
    y = rng.uniform(0.02, 0.98, mi.size)
    return d, x, y, rng


@pytest.mark.parametrize("form", ["l2", "log_slope", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_least_squares_jacobian_matches_finite_differences(form, weighted):
    d, x, y, rng = small_problem()
    sw = rng.uniform(0.5, 2, y.size) if weighted else None
    J = M.ls_jacobian(x, d, y, sw, 0.3, form).toarray()
    J_fd = approx_derivative(lambda v: M.ls_residuals(v, d, y, sw, 0.3, form), x, method="3-point")
    np.testing.assert_allclose(J, J_fd, atol=1e-7)


def _beta_pair(phi):
    """Beta objective with Fisher curvature and value, in the signature of ls_objective / ls_value."""
    args = lambda d, lam, form: ("beta", lam, form, phi[d.bench_idx])  # noqa: E731
    return (lambda x, d, y, w, lam, form: M.objective(x, d, y, w, *args(d, lam, form)),
            lambda x, d, y, w, lam, form: M.objective_value(x, d, y, w, *args(d, lam, form)))


@pytest.mark.parametrize("objective,value", [(M.ls_objective, M.ls_value), (M.binomial_objective, M.binomial_value),
                                             _beta_pair(np.linspace(5.0, 80.0, 5))])
@pytest.mark.parametrize("form", ["l2", "log_slope"])
def test_objective_gradients_match_finite_differences(objective, value, form):
    d, x, y, rng = small_problem(1)
    w = rng.uniform(1, 50, y.size)
    f, g, H = objective(x, d, y, w, 0.2, form)
    assert f == pytest.approx(value(x, d, y, w, 0.2, form))
    g_fd = approx_fprime(x, lambda v: value(v, d, y, w, 0.2, form), 1e-7)
    np.testing.assert_allclose(g, g_fd, rtol=1e-4, atol=1e-5)
    assert np.allclose(H, H.T) and np.linalg.eigvalsh(H).min() > -1e-9  # PSD curvature model


def test_identification_keeps_predictions_and_pins_the_scale():
    d, x, y, _ = small_problem(6, anchor=None)
    lay = d.layout
    theta, delta, alpha = lay.unpack(x)
    z = alpha[d.bench_idx] * (theta[d.model_idx] - delta[d.bench_idx])
    for kw in (dict(two_pl=True), dict(two_pl=False), dict(two_pl=True, anchor=3, anchor_difficulty=0.7)):
        th, de, al = M.identify(theta, delta, alpha, **kw)
        np.testing.assert_allclose(al[d.bench_idx] * (th[d.model_idx] - de[d.bench_idx]), z, atol=1e-12)
        if "anchor" in kw:
            assert de[3] == pytest.approx(0.7)
        else:
            assert th.mean() == pytest.approx(0.0, abs=1e-12)
            assert th.std() == pytest.approx(1.0 if kw["two_pl"] else theta.std())
    # Draws in rows are identified one by one.
    stack = M.identify(np.stack([theta, 2 * theta]), np.stack([delta, delta]), np.stack([alpha, alpha]), two_pl=True)
    np.testing.assert_allclose(stack[0][0], M.identify(theta, delta, alpha, two_pl=True)[0])


def test_least_squares_value_equals_half_sum_of_squared_residuals():
    d, x, y, _ = small_problem(2)
    r = M.ls_residuals(x, d, y, None, 0.1, "l2")
    assert M.ls_value(x, d, y, None, 0.1, "l2") == pytest.approx(0.5 * r @ r)


def test_gauss_newton_matrix_is_jacobian_cross_product():
    d, x, y, _ = small_problem(3)
    J = M.ls_jacobian(x, d, y, None, 0.0, "none").toarray()
    _, _, H = M.ls_objective(x, d, y, None, 0.0, "none")
    np.testing.assert_allclose(H, J.T @ J, atol=1e-12)


def test_one_pl_layout_has_no_slope_parameters():
    d, x, y, _ = small_problem(4, form_1pl=True)
    assert d.layout.n_free_slopes == 0 and x.size == d.layout.n_models + d.layout.n_benchmarks
    _, _, alpha = d.layout.unpack(x)
    assert (alpha == 1).all()


def test_box_solver_stops_at_kkt_point_with_active_bounds():
    # A least-squares problem whose unconstrained optimum lies outside the box: the solution sits on the bound
    # with the gradient pointing outward, and elsewhere the gradient vanishes.
    d, x0, y, _ = small_problem(5)
    y = np.where(d.model_idx == 0, 0.999, y)  # model 0 wants a very high capability
    lo, hi = d.layout.bounds((-10, 1.0), (-10, 10), (0.1, 10))
    args = (d, y, None, 0.0, "none")
    r = minimize_box(lambda v: M.ls_objective(v, *args), lambda v: M.ls_value(v, *args), x0, lo, hi)
    assert r.success
    _, g, _ = M.ls_objective(r.x, *args)
    assert r.x[0] == pytest.approx(1.0) and g[0] < 0  # pinned at the upper bound, pushing outward
    interior = (r.x > lo + 1e-8) & (r.x < hi - 1e-8)
    assert np.abs(g[interior]).max() < 1e-6
