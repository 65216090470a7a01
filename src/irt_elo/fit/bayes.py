"""Bayesian 2PL/1PL with Pyro: posterior means and intervals on every parameter.

The model is the package's ``p = sigmoid(slope_b * (capability_m - difficulty_b))``, fitted either to aggregate
benchmark scores (a :class:`~irt_elo.data.ScoreTable`) or to item-level binary responses (a
:class:`~irt_elo.data.responses.ResponseTable`), by stochastic variational inference (SVI, with optional minibatching
for large item-level data) or by NUTS for small problems::

    from irt_elo.fit.bayes import BayesFitter
    f = BayesFitter(model="2pl", scale="eci", anchor_benchmark="Winogrande").fit(table)
    f.summary                      # mean, sd, low, high for every capability, difficulty and slope
    f.capability_ci_               # the intervals alone
    idata = f.to_arviz()           # ArviZ InferenceData

Priors are written on the logit scale: ``theta ~ N(0, theta_sd)``, ``delta ~ N(0, difficulty_sd)``,
``log(alpha) ~ N(0, log_slope_sd)``. Inference works in the coordinates where the posterior is closest to normal:
slope-intercept form, and (SVI) with capabilities integrated out by adaptive quadrature and drawn afterwards from
their conditional posteriors; the default guide pairs each column's log slope and intercept. On the simulations
in ``benchmarks/bench_bayes.py`` these choices bring SVI's posterior SDs within a few percent of NUTS (mean-field
in slope-difficulty form was 20-35% too narrow on difficulties and slopes).

A score that averages hundreds of questions is *not* one Bernoulli trial: treating it as one makes the likelihood
hundreds of times too weak and the priors shrink every capability toward the mean (the over-shrinkage of binary
IRT tools applied to aggregate scores). The aggregate likelihoods therefore carry each cell's information
explicitly: ``'binomial'`` uses the benchmark's question count ``n_items``, ``'fractional'`` a quasi-binomial whose
effective trial count is given or estimated from the residual deviance of a point fit, and ``'beta'`` learns a
precision (effective sample size) per benchmark.

Identification follows :meth:`irt_elo.fit.Fitter.identify` and is applied to every posterior draw: with an anchor
benchmark its slope is fixed in the model and each draw is shifted so its difficulty is ``anchor_difficulty``;
otherwise each draw's capabilities are standardised (2PL: mean 0, SD 1; 1PL: centred). Each draw is then mapped by
its own calibration of the scale spec (as in the bootstrap), so ECI's anchor models have zero-width intervals.

torch and pyro are imported only when a fit runs (they are the ``[bayes]`` extra); ``import irt_elo`` stays light.
Random state: :func:`pyro.set_rng_seed` seeds torch, numpy and :mod:`random` globally, so ``fit`` saves those
generators' states and restores them on exit; the same ``random_state`` gives the same result on the same device.
"""
from __future__ import annotations

import contextlib
import math
import random
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import expit, gammaln, log_expit

from irt_elo.core.model import identify
from irt_elo.core.scale import ScaleSpec, make_scale
from irt_elo.data.responses import ResponseTable
from irt_elo.data.table import ScoreTable, from_frame
from irt_elo.errors import IrtEloError, check_number, did_you_mean
from irt_elo.fit.executor import progress_bar
from irt_elo.fit.fitter import Fitter, OptionsMixin, questions_per_cell

Likelihood = Literal["auto", "binomial", "fractional", "beta", "bernoulli"]
AGGREGATE_LIKELIHOODS = ("binomial", "fractional", "beta")
GUIDES = ("paired", "normal", "lowrank", "mvn", "laplace")
BETA_PRECISION_PRIOR = (math.log(50.0), 1.5)  # log(phi_b) ~ N(log 50, 1.5^2): phi 3-950 at 95%
LOG_LIK_LIMIT = 20_000_000  # to_arviz includes the pointwise log-likelihood below this many values


# --------------------------------------------------------------------------------------------------------------------
# Data: both table kinds reduced to index arrays (no torch here)


@dataclass(frozen=True, eq=False)
class Cells:
    """Observed cells of either kind: ``y[i]`` observed for row (model) ``rows[i]`` and column ``cols[i]``.

    ``kind`` is ``'aggregate'`` (columns are benchmarks, ``y`` a fraction) or ``'items'`` (columns are items,
    ``y`` 0/1). ``n_items`` is the per-cell question count where known (NaN elsewhere), aggregate data only.
    """

    kind: str
    rows: np.ndarray
    cols: np.ndarray
    y: np.ndarray
    row_names: pd.Index
    col_names: pd.Index
    n_items: np.ndarray | None
    row_meta: pd.DataFrame | None
    col_meta: pd.DataFrame | None
    name: str

    @property
    def col_label(self) -> str:
        return "benchmark" if self.kind == "aggregate" else "item"

    @property
    def n_rows(self) -> int:
        return len(self.row_names)

    @property
    def n_cols(self) -> int:
        return len(self.col_names)

    @property
    def n_obs(self) -> int:
        return int(self.y.size)


def cells_from(table: Any, data: str | None = None) -> Cells:
    """Reduce a ScoreTable, a long score DataFrame or a ResponseTable to :class:`Cells` (checking that the
    model-column graph is connected, as the point fitters do).

    Examples
    --------
    >>> df = pd.DataFrame({"model": ["a", "a", "b"], "benchmark": ["x", "y", "x"], "score": [0.2, 0.5, 0.7],
    ...                    "n_items": [100, 50, 100]})
    >>> c = cells_from(df)
    >>> c.kind, c.n_rows, c.n_cols, c.n_items.tolist()
    ('aggregate', 2, 2, [100.0, 50.0, 100.0])
    """
    if isinstance(table, pd.DataFrame):
        if "correct" in table.columns:
            raise IrtEloError("item-level responses must be a ResponseTable (irt_elo.data.responses."
                              "responses_from_frame), not a DataFrame")
        table = from_frame(table)
    is_items = isinstance(table, ResponseTable)
    kind = "items" if is_items else "aggregate" if isinstance(table, ScoreTable) else None
    if kind is None:
        raise IrtEloError(f"cannot fit a {type(table).__name__}; pass a ScoreTable (aggregate scores) or a "
                          "ResponseTable (item-level responses)")
    if data is not None and data != kind:
        raise IrtEloError(f"data={data!r} but the input is {'item-level responses' if is_items else 'aggregate scores'}"
                          f"; pass data={kind!r} or leave it unset")
    if kind == "aggregate":
        table.check_connected()
        return Cells("aggregate", np.asarray(table.model_idx, dtype=np.int64), np.asarray(table.bench_idx, np.int64),
                     np.asarray(table.score, dtype=float), table.model_names, table.benchmark_names,
                     questions_per_cell(table), table.models, table.benchmarks, table.name)
    table.check_connected()
    y = np.asarray(table.correct, dtype=float)
    if not np.isin(y, (0.0, 1.0)).all():
        raise IrtEloError(f"{getattr(table, 'name', 'responses')}: 'correct' must be 0 or 1 for every response")
    rows = np.asarray(table.model_idx, dtype=np.int64)
    cols = np.asarray(table.item_idx, dtype=np.int64)
    row_names = pd.Index(table.model_names, name="model")
    col_names = pd.Index(table.item_names, name="item")
    for what, idx, names in (("model", rows, row_names), ("item", cols, col_names)):
        empty = np.flatnonzero(np.bincount(idx, minlength=len(names)) == 0)
        if empty.size:
            raise IrtEloError(f"{getattr(table, 'name', 'responses')}: {what} {names[empty[0]]!r} has no responses; "
                              "drop it before fitting")
    return Cells("items", rows, cols, y, row_names, col_names, None, getattr(table, "models", None),
                 getattr(table, "items", None), str(getattr(table, "name", "responses")))


def deviance_trials(cells: Cells, model: str = "2pl") -> float:
    """Effective trials per cell for the quasi-binomial: ``(N - P) / D`` with ``D`` the binomial deviance of a
    fractional-Bernoulli point fit (the deviance of an n-trial fraction is ~chi2 / n per cell).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> th, de = rng.normal(size=60), rng.normal(size=8)
    >>> p = 1 / (1 + np.exp(-(th[:, None] - de[None, :])))
    >>> df = pd.DataFrame({"model": np.repeat([f"m{i}" for i in range(60)], 8), "benchmark": [f"b{j}" for j in
    ...                    range(8)] * 60, "score": (rng.binomial(200, p) / 200).ravel()})
    >>> n = deviance_trials(cells_from(df), model="1pl")
    >>> bool(150 < n < 260)  # scores are fractions of 200 questions
    True
    """
    if cells.kind != "aggregate":
        raise IrtEloError("trials='auto' applies to aggregate scores only")
    df = pd.DataFrame({"model": cells.row_names[cells.rows], "benchmark": cells.col_names[cells.cols],
                       "score": cells.y})
    f = Fitter(model=model, loss="bernoulli", ridge=1e-6, penalty="l2", clip=0.0,
               slope_bounds=(1e-3, 100.0), theta_bounds=(-30.0, 30.0), difficulty_bounds=(-30.0, 30.0))
    f.fit(from_frame(df, name=cells.name))
    p = np.clip(f.problem_.design.predict(f.x_), 1e-12, 1 - 1e-12)
    y = f.problem_.y
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = 2.0 * (np.where(y > 0, y * np.log(y / p), 0.0)
                     + np.where(y < 1, (1 - y) * np.log((1 - y) / (1 - p)), 0.0))
    resid_df = cells.n_obs - f.problem_.layout.n_params
    if resid_df <= 0 or not np.sum(dev) > 0:
        raise IrtEloError(f"{cells.name}: too few scores ({cells.n_obs}) for {f.problem_.layout.n_params} parameters "
                          "to estimate the effective number of questions; pass trials=N")
    return float(resid_df / np.sum(dev))


# --------------------------------------------------------------------------------------------------------------------
# torch / pyro plumbing (imported lazily)


def _import_pyro() -> tuple[Any, Any]:
    try:
        import pyro
        import torch
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise IrtEloError("the Bayesian fitter needs the [bayes] extra: pip install 'irt-elo[bayes]' "
                          f"(import failed: {e})") from None
    return torch, pyro


def resolve_device(device: str, torch: Any) -> Any:
    """``'auto'`` -> the first CUDA GPU when torch sees one, else the CPU; ``'cuda'``/``'cuda:N'`` must exist.

    Examples
    --------
    >>> import torch
    >>> resolve_device("cpu", torch)
    device(type='cpu')
    """
    dev = str(device).lower()
    if dev == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dev == "cpu":
        return torch.device("cpu")
    if dev == "cuda" or dev.startswith("cuda:"):
        if not torch.cuda.is_available():
            build = "a CPU-only build" if torch.version.cuda is None else f"CUDA {torch.version.cuda}, no GPU visible"
            raise IrtEloError(f"device={device!r} but torch {torch.__version__} ({build}) cannot use a GPU; "
                              "use device='auto' (GPU when present) or device='cpu'")
        d = torch.device(dev)
        if d.index is not None and d.index >= torch.cuda.device_count():
            raise IrtEloError(f"device={device!r} but only {torch.cuda.device_count()} CUDA device(s) are visible")
        return d
    raise IrtEloError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', not {device!r}")


@contextlib.contextmanager
def _seeded(seed: int, torch: Any, pyro: Any, device: Any) -> Iterator[None]:
    """Seed pyro (torch, numpy, random: global state) and restore every generator on exit."""
    saved_py, saved_np, saved_torch = random.getstate(), np.random.get_state(), torch.get_rng_state()
    cuda = device.type == "cuda"
    saved_cuda = torch.cuda.get_rng_state_all() if cuda else None
    pyro.set_rng_seed(int(seed))
    try:
        yield
    finally:
        random.setstate(saved_py)
        np.random.set_state(saved_np)
        torch.set_rng_state(saved_torch)
        if cuda:
            torch.cuda.set_rng_state_all(saved_cuda)


@contextlib.contextmanager
def _threads(torch: Any, n: int | None) -> Iterator[None]:
    """Set torch's CPU thread count for the block and restore it (None: leave it alone)."""
    saved = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(saved)


class _PyroModel:
    """The 2PL/1PL as a Pyro model over device tensors, in one of two forms.

    *Joint* (``marginal=False``): capabilities ``theta`` are latent sites next to the column parameters; the
    observation plate can be subsampled (``batch_size`` observations per step). NUTS uses this form.

    *Marginal* (``marginal=True``): capabilities are integrated out of each model's likelihood by adaptive
    Gauss-Hermite quadrature (``n_nodes`` nodes per model, re-centred on each model's conditional posterior every
    ``adapt_every`` SVI steps), so the latent sites are the column parameters only and the variational family
    need not describe the dependence of capabilities on slopes. Capability draws are then taken from each
    model's conditional posterior given each draw of the column parameters (its quadrature mean and SD). The model
    plate can be subsampled (whole models, about ``batch_size`` observations per step).

    Latent sites are unconstrained Normals: ``theta`` (joint form), ``log_alpha`` (free slopes), ``intercept``
    (``beta_b = alpha_b * delta_b``, prior ``N(0, alpha_b * difficulty_sd)``, i.e. exactly
    ``delta_b ~ N(0, difficulty_sd)``), ``log_phi`` (beta precision per column) and ``log_theta_sd`` (marginal
    form with fixed slopes, where the capability spread sets the scale and is learned). The intercept coordinates
    matter: in ``(log alpha, delta)`` a flat item's posterior is banana-shaped (delta = beta / alpha), which no
    normal guide describes; in ``(log alpha, beta)`` it is close to normal.
    """

    def __init__(self, cells: Cells, *, torch: Any, device: Any, dtype: Any, two_pl: bool, anchor: int | None,
                 anchor_slope: float, likelihood: str, trials: np.ndarray | None, y: np.ndarray,
                 weight: np.ndarray | None, theta_sd: float, difficulty_sd: float, log_slope_sd: float,
                 batch_size: int | None, marginal: bool, n_nodes: int) -> None:
        self.torch, self.device, self.dtype = torch, device, dtype
        self.M, self.B, self.N = cells.n_rows, cells.n_cols, cells.n_obs
        self.likelihood, self.marginal = likelihood, marginal
        self.theta_sd, self.difficulty_sd, self.log_slope_sd = theta_sd, difficulty_sd, log_slope_sd
        order = np.argsort(cells.rows, kind="stable") if marginal else np.arange(self.N)
        t = self.tensor
        self.rows, self.cols = t(cells.rows[order], torch.long), t(cells.cols[order], torch.long)
        self.y = t(y[order])
        self.n = t(trials[order]) if trials is not None else None
        self.k = self.n * self.y if self.n is not None else None
        self.w = t(weight[order]) if weight is not None else None
        self.free = np.arange(self.B) if anchor is None else np.delete(np.arange(self.B), anchor)
        self.two_pl = two_pl and self.free.size > 0
        self.free_t = t(self.free, torch.long)
        self.fixed = torch.full((self.B,), float(anchor_slope if two_pl else 1.0), dtype=dtype, device=device)
        # With every slope free the unit prior on capabilities sets the scale; otherwise the spread is learned.
        self.learn_sd = marginal and not (two_pl and anchor is None)
        if marginal:
            counts = np.bincount(cells.rows, minlength=self.M)
            self.counts = t(counts, torch.long)
            self.starts = t(np.concatenate([[0], np.cumsum(counts)[:-1]]), torch.long)
            per_model = self.N / self.M
            k = None if batch_size is None else max(1, int(math.ceil(batch_size / per_model)))
            self.sub = k if (k is not None and k < self.M) else None
            nodes, wts = np.polynomial.hermite.hermgauss(int(n_nodes))
            self.nodes = t(nodes)
            self.log_node_w = t(np.log(wts) + nodes ** 2 + 0.5 * math.log(2.0))
            self.mu = torch.zeros(self.M, dtype=dtype, device=device)
            self.sd = torch.full((self.M,), float(theta_sd), dtype=dtype, device=device)
        else:
            self.sub = batch_size if (batch_size is not None and batch_size < self.N) else None

    def tensor(self, a: Any, dtype: Any = None) -> Any:
        return self.torch.as_tensor(np.ascontiguousarray(a), dtype=dtype or self.dtype, device=self.device)

    # -- pieces shared by the model and the post-processing ----------------------------------------------------
    def slopes(self, v: Mapping[str, Any]) -> Any:
        """Slopes from site values (fixed ones filled in); ``log_alpha`` may carry leading batch dims."""
        if not self.two_pl:
            return self.fixed
        la = v["log_alpha"]
        alpha = self.fixed.expand(la.shape[:-1] + (self.B,)).clone()
        alpha[..., self.free_t] = la.exp()
        return alpha

    def columns(self, v: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
        """(delta, alpha, phi, theta_sd) from site values."""
        alpha = self.slopes(v)
        delta = v["intercept"] / alpha
        phi = v["log_phi"].exp() if "log_phi" in v else None
        sd = v["log_theta_sd"].exp() if "log_theta_sd" in v else self.torch.as_tensor(
            self.theta_sd, dtype=self.dtype, device=self.device)
        return delta, alpha, phi, sd

    def loglik(self, z: Any, oidx: Any, c: Any, phi: Any) -> Any:
        """Log-likelihood of observations ``oidx`` (columns ``c``) at linear predictors ``z`` (n,) or (n, Q),
        dropping terms constant in the parameters."""
        torch = self.torch
        F = torch.nn.functional
        expand = (lambda a: a) if z.dim() == 1 else (lambda a: a.unsqueeze(-1))
        if self.likelihood == "bernoulli":
            y = expand(self.y[oidx])
            ll = y * F.logsigmoid(z) + (1 - y) * F.logsigmoid(-z)
        elif self.likelihood in ("binomial", "fractional"):
            k, n = expand(self.k[oidx]), expand(self.n[oidx])
            ll = k * F.logsigmoid(z) + (n - k) * F.logsigmoid(-z)
        else:
            import pyro.distributions as dist

            mu = torch.sigmoid(z).clamp(1e-6, 1 - 1e-6)
            ph = expand(phi[c])
            ll = dist.Beta(mu * ph, (1 - mu) * ph).log_prob(expand(self.y[oidx]))
        if self.w is not None:
            ll = ll * expand(self.w[oidx])
        return ll

    def _gather(self, midx: Any) -> tuple[Any, Any]:
        """Observation indices of models ``midx`` (rows sorted by model) and each one's position in ``midx``."""
        torch = self.torch
        cnt = self.counts[midx]
        pos = torch.repeat_interleave(torch.arange(midx.numel(), device=self.device), cnt)
        first = torch.cumsum(cnt, 0) - cnt
        oidx = torch.arange(int(cnt.sum()), device=self.device) - first[pos] + self.starts[midx][pos]
        return oidx, pos

    def node_terms(self, midx: Any, oidx: Any, pos: Any, delta: Any, alpha: Any, phi: Any, sd: Any,
                   mu: Any, s: Any) -> tuple[Any, Any]:
        """Per-model log integrand at the adaptive nodes (K, Q) and the node positions (K, Q)."""
        import pyro.distributions as dist

        torch = self.torch
        th = mu.unsqueeze(-1) + math.sqrt(2.0) * s.unsqueeze(-1) * self.nodes  # (K, Q)
        c = self.cols[oidx]
        z = alpha[c].unsqueeze(-1) * (th[pos] - delta[c].unsqueeze(-1))
        L = torch.zeros(th.shape, dtype=self.dtype, device=self.device).index_add(0, pos, self.loglik(z, oidx, c, phi))
        prior = dist.Normal(torch.zeros((), dtype=self.dtype, device=self.device), sd).log_prob(th)
        return L + prior + self.log_node_w + torch.log(s).unsqueeze(-1), th

    # -- the Pyro model ---------------------------------------------------------------------------------------
    def __call__(self) -> None:
        import pyro
        import pyro.distributions as dist

        torch, dev = self.torch, self.device
        zero = torch.zeros((), dtype=self.dtype, device=dev)
        v: dict[str, Any] = {}
        if not self.marginal:
            with pyro.plate("models", self.M, device=dev):
                theta = pyro.sample("theta", dist.Normal(zero, zero + self.theta_sd))
        elif self.learn_sd:
            v["log_theta_sd"] = pyro.sample("log_theta_sd", dist.Normal(zero, zero + 1.0))
        if self.two_pl:
            with pyro.plate("free_slopes", self.free.size, device=dev):
                v["log_alpha"] = pyro.sample("log_alpha", dist.Normal(zero, zero + self.log_slope_sd))
        alpha = self.slopes(v)
        with pyro.plate("columns", self.B, device=dev):
            # Intercept beta = alpha * delta: the prior below is exactly delta ~ N(0, difficulty_sd), and in
            # (log alpha, beta) the posterior is much closer to normal than in (log alpha, delta).
            v["intercept"] = pyro.sample("intercept", dist.Normal(zero, alpha * self.difficulty_sd))
            if self.likelihood == "beta":
                v["log_phi"] = pyro.sample("log_phi", dist.Normal(zero + BETA_PRECISION_PRIOR[0],
                                                                  zero + BETA_PRECISION_PRIOR[1]))
        delta, alpha, phi, sd = self.columns(v)
        if not self.marginal:
            with pyro.plate("obs", self.N, subsample_size=self.sub, device=dev) as idx:
                c = self.cols[idx]
                z = alpha[c] * (theta[self.rows[idx]] - delta[c])
                pyro.factor("y", self.loglik(z, idx, c, phi))
            return
        with pyro.plate("models", self.M, subsample_size=self.sub, device=dev) as midx:
            if self.sub is None:
                oidx, pos = torch.arange(self.N, device=dev), self.rows
            else:
                oidx, pos = self._gather(midx)
            terms, _ = self.node_terms(midx, oidx, pos, delta, alpha, phi, sd, self.mu[midx], self.sd[midx])
            pyro.factor("y", torch.logsumexp(terms, dim=-1))

    # -- capabilities given column parameters (marginal form) ---------------------------------------------------
    def theta_moments(self, v: Mapping[str, Any], mu: Any, s: Any, block: int = 4_000_000) -> tuple[Any, Any]:
        """Mean and SD of every model's capability given column-parameter values ``v`` (no batch dims),
        by quadrature at nodes centred on ``mu`` with spread ``s``; observations processed in blocks."""
        torch = self.torch
        delta, alpha, phi, sd = self.columns(v)
        Q = self.nodes.numel()
        step = max(1, block // (Q * max(1, int(self.N // self.M))))
        means, sds = [], []
        with torch.no_grad():
            for a in range(0, self.M, step):
                midx = torch.arange(a, min(self.M, a + step), device=self.device)
                oidx, pos = self._gather(midx)
                terms, th = self.node_terms(midx, oidx, pos, delta, alpha, phi, sd, mu[midx], s[midx])
                w = torch.softmax(terms, dim=-1)
                m = (w * th).sum(-1)
                means.append(m)
                sds.append(((w * (th - m.unsqueeze(-1)) ** 2).sum(-1)).clamp_min(1e-12).sqrt())
        return torch.cat(means), torch.cat(sds)

    def adapt(self, v: Mapping[str, Any], rounds: int = 2) -> None:
        """Re-centre the quadrature nodes on each model's conditional posterior given ``v``."""
        for _ in range(rounds):
            mu, s = self.theta_moments(v, self.mu, self.sd)
            self.mu, self.sd = mu, s.clamp_min(1e-4)


class _PairedGuide:
    """Variational family: each column's (log slope, intercept) is a bivariate normal, written as
    ``log_alpha_b ~ N(m_b, s_b)`` and ``beta_b | log_alpha_b ~ N(d_b + c_b (log_alpha_b - m_b), t_b)``; every other
    site is an independent normal. Slope and intercept of one column are strongly dependent (for a very easy or
    very hard item both are set by the few models near its difficulty); a mean-field guide ignores that and
    understates both uncertainties. Parameters grow linearly with the problem, so it scales like AutoNormal."""

    def __init__(self, pm: _PyroModel, init: Mapping[str, Any], init_scale: float = 0.05) -> None:
        self.pm, self.init, self.init_scale = pm, dict(init), init_scale

    def _normal(self, site: str, shape: tuple[int, ...]) -> tuple[Any, Any]:
        import pyro
        from torch.distributions import constraints

        pm = self.pm
        loc0 = self.init.get(site, pm.torch.zeros(shape, dtype=pm.dtype, device=pm.device))
        loc = pyro.param(f"{site}_loc", lambda: loc0.detach().clone())
        scale = pyro.param(f"{site}_scale", lambda: pm.torch.full(shape, self.init_scale, dtype=pm.dtype,
                                                                     device=pm.device),
                           constraint=constraints.positive)
        return loc, scale

    def __call__(self) -> dict[str, Any]:
        import pyro
        import pyro.distributions as dist

        pm, torch = self.pm, self.pm.torch
        v: dict[str, Any] = {}
        if not pm.marginal:
            with pyro.plate("models", pm.M, device=pm.device):
                v["theta"] = pyro.sample("theta", dist.Normal(*self._normal("theta", (pm.M,))))
        elif pm.learn_sd:
            v["log_theta_sd"] = pyro.sample("log_theta_sd", dist.Normal(*self._normal("log_theta_sd", ())))
        dev = torch.zeros(pm.B, dtype=pm.dtype, device=pm.device)
        if pm.two_pl:
            with pyro.plate("free_slopes", pm.free.size, device=pm.device):
                m, s = self._normal("log_alpha", (pm.free.size,))
                v["log_alpha"] = pyro.sample("log_alpha", dist.Normal(m, s))
            dev = dev.index_put((pm.free_t,), v["log_alpha"] - m)
        with pyro.plate("columns", pm.B, device=pm.device):
            d, t = self._normal("intercept", (pm.B,))
            c = pyro.param("intercept_on_log_alpha", lambda: torch.zeros(pm.B, dtype=pm.dtype, device=pm.device))
            v["intercept"] = pyro.sample("intercept", dist.Normal(d + c * dev, t))
            if pm.likelihood == "beta":
                v["log_phi"] = pyro.sample("log_phi", dist.Normal(*self._normal("log_phi", (pm.B,))))
        return v

    def median(self) -> dict[str, Any]:
        """The guide's centre (its means) for every site."""
        import pyro

        store = pyro.get_param_store()
        return {k[:-4]: store[k].detach() for k in store.keys() if k.endswith("_loc")}


# --------------------------------------------------------------------------------------------------------------------
# Per-draw post-processing (numpy)


def identify_draws(theta: np.ndarray, delta: np.ndarray, alpha: np.ndarray, *, two_pl: bool,
                   anchor: int | None = None, anchor_difficulty: float = 0.0
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Identify each draw (rows of ``theta`` (S, M), ``delta`` and ``alpha`` (S, B)) by the rule of
    :meth:`Fitter.identify` (:func:`irt_elo.core.model.identify`): shift to the anchor's difficulty, or standardise
    capabilities (2PL) / centre them (1PL).

    Examples
    --------
    >>> th, de, al = identify_draws(np.array([[1.0, 3.0]]), np.array([[2.0]]), np.array([[1.0]]), two_pl=True)
    >>> th.tolist(), de.tolist(), al.tolist()
    ([[-1.0, 1.0]], [[0.0]], [[1.0]])
    """
    return identify(theta, delta, alpha, two_pl=two_pl, anchor=anchor, anchor_difficulty=anchor_difficulty)


def scale_draws(spec: ScaleSpec, theta: np.ndarray, names: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Calibrate ``spec`` on every draw's capabilities: (intercept, per_logit) arrays of shape (S,).

    Examples
    --------
    >>> from irt_elo.core.scale import TwoAnchor
    >>> spec = TwoAnchor((("a", 130.0), ("b", 150.0)))
    >>> a, b = scale_draws(spec, np.array([[0.0, 1.0], [0.0, 2.0]]), pd.Index(["a", "b"]))
    >>> a.tolist(), b.tolist()  # 130 at a and 150 at b in every draw
    ([130.0, 130.0], [20.0, 10.0])
    """
    maps = [spec.calibrate(pd.Series(th, index=names)) for th in theta]
    return np.array([m.intercept for m in maps]), np.array([m.per_logit for m in maps])


def describe_draws(draws: np.ndarray, names: pd.Index, level: float) -> pd.DataFrame:
    """mean, sd, median and the central ``level`` interval (low, high) of each column of ``draws`` (S, K).

    Examples
    --------
    >>> d = describe_draws(np.arange(101.0)[:, None], pd.Index(["x"]), 0.9)
    >>> d.loc["x", ["mean", "low", "high"]].round(9).tolist()
    [50.0, 5.0, 95.0]
    """
    lo, med, hi = np.quantile(draws, [(1 - level) / 2, 0.5, (1 + level) / 2], axis=0)
    return pd.DataFrame({"mean": draws.mean(axis=0), "sd": draws.std(axis=0, ddof=1) if len(draws) > 1 else 0.0,
                         "median": med, "low": lo, "high": hi}, index=names)


# --------------------------------------------------------------------------------------------------------------------
# The fitter


class BayesFitter(OptionsMixin):
    """Bayesian 2PL/1PL for aggregate scores or item-level responses, fitted with Pyro (SVI or NUTS).

    Parameters
    ----------
    model : {'2pl', '1pl'}
        Free slope per benchmark/item (log-normal prior) or all slopes 1.
    data : {'aggregate', 'items'}, optional
        What the input is; inferred from its type when unset (ScoreTable -> aggregate, ResponseTable -> items).
    likelihood : {'auto', 'binomial', 'fractional', 'beta', 'bernoulli'}
        Aggregate scores: ``'binomial'`` with each cell's ``n_items`` (the score is the fraction of ``n_items``
        questions solved); ``'fractional'``: quasi-binomial, each score worth ``trials`` questions; ``'beta'``:
        ``score ~ Beta(p * phi_b, (1 - p) * phi_b)`` with a precision ``phi_b`` per benchmark learned from the data
        (prior log-normal around 50, scores clipped to ``[clip, 1 - clip]``). ``'auto'``: binomial when every
        cell's ``n_items`` is known, else beta. Item-level responses: ``'bernoulli'`` (what ``'auto'`` picks).
    trials : 'auto', float or mapping, optional
        Effective questions per score for ``'fractional'``: ``'auto'`` uses ``n_items`` where known for every cell,
        else ``(N - P) / deviance`` of a fractional point fit (one number for all cells); a number; or a mapping
        benchmark -> count. ``trials=1`` is the plain fractional Bernoulli, which over-shrinks toward the prior.
    method : {'svi', 'nuts'}
        Variational inference (any size; minibatches with ``batch_size``) or NUTS (exact but slow: small problems,
        e.g. tens of models by tens of benchmarks).
    guide : {'paired', 'normal', 'lowrank', 'mvn', 'laplace'}
        SVI family: ``'paired'`` (default) a bivariate normal per column for (log slope, intercept) and
        independent normals elsewhere; ``'normal'`` mean-field (AutoNormal); ``'lowrank'`` / ``'mvn'`` low-rank or
        full-covariance normal; ``'laplace'`` a normal at the posterior mode with the inverse Hessian (costly
        beyond a few hundred parameters).
    marginalize : bool, optional
        SVI only: integrate capabilities out by adaptive Gauss-Hermite quadrature and draw them afterwards from
        their conditional posteriors (the default for SVI). ``False`` keeps capabilities as variational
        parameters: somewhat faster per step, but on simulations its 90% intervals covered the truth less often
        (aggregate scores: 86.5% vs 88.7% over 840 parameters; items: slope intervals about 10% too narrow).
    n_nodes : int
        Quadrature nodes per model (adaptive, so 15 is plenty even for models with thousands of responses).
    adapt_every : int
        SVI steps between re-centring the quadrature nodes.
    num_steps : int
        SVI steps (Adam, learning rate decayed tenfold over the run).
    learning_rate : float
        Initial Adam step size.
    batch_size : int, optional
        SVI minibatch: about this many observations per step (a subsampled ``pyro.plate``: whole models when
        marginalizing, single observations otherwise); all observations when unset. For large item-level data.
    num_samples : int
        Posterior draws kept: from the fitted guide (SVI) or per chain after warm-up (NUTS). When marginalizing,
        each draw costs one quadrature pass over the data (the capabilities' conditional posteriors), so lower it
        for very large item-level data on a CPU.
    warmup : int
        NUTS warm-up (adaptation) steps per chain.
    num_chains : int
        NUTS chains, run one after another with seeds ``random_state + chain``.
    jit : bool
        NUTS: compile the potential with the PyTorch JIT (about twice as fast after a short compile).
    anchor_benchmark : str, optional
        Benchmark (or item) whose slope is fixed at ``anchor_slope`` in the model and whose difficulty every draw is
        shifted to ``anchor_difficulty`` (Epoch: Winogrande, 0, 1). Without one, each draw's capabilities are
        standardised (2PL: mean 0, SD 1) or centred (1PL), as :class:`~irt_elo.fit.Fitter` does.
    theta_sd : float, optional
        Prior SD of capabilities (logits). Default 1 for a 2PL without anchor (the prior then sets the unit, as in
        standard IRT) and 3 otherwise (the unit is set by fixed slopes, so the prior should be weak). When
        marginalizing with fixed slopes (1PL, or an anchored 2PL) the capability spread is learned instead
        (``log theta_sd ~ N(0, 1)``), as in marginal maximum likelihood.
    difficulty_sd, log_slope_sd : float
        Prior SDs of difficulties and of log slopes.
    clip : float
        Beta likelihood only: scores are clipped to ``[clip, 1 - clip]`` (Epoch's 1e-3).
    level : float
        Central posterior interval reported as ``low``/``high`` (0.9: 5th and 95th percentiles).
    scale : {'logit', 'eci', 'elo'} or scale spec
        Output scale, calibrated separately on every draw.
    device : {'auto', 'cpu', 'cuda', 'cuda:N'}
        Where torch runs; ``'auto'`` uses a CUDA GPU when torch sees one.
    dtype : {'float64', 'float32'}
        Tensor precision (float32 is faster on most GPUs).
    num_threads : 'auto', int or None
        CPU threads torch may use during the fit (restored afterwards). ``'auto'``: one thread for small problems
        (under 200,000 likelihood terms per step), where thread hand-offs cost more than they save and a busy
        machine makes them far slower; torch's own setting otherwise. ``None`` leaves torch's setting alone.
    random_state : int
        Seed for pyro/torch (initial subsamples, SVI noise, NUTS); global generators are restored after ``fit``.
    use_weights : bool
        Item-level data: scale each response's log-likelihood by the table's ``weight`` column (normalised to
        mean 1) when it has one; the result is then a weighted pseudo-posterior.
    log_likelihood : bool, optional
        Whether :meth:`to_arviz` adds the pointwise log-likelihood (default: when it has at most 2e7 values).
    progress : bool
        A progress bar of the SVI steps, or Pyro's own bar of the NUTS iterations, on the terminal.
    name : str
        Label used in outputs.

    Attributes
    ----------
    theta_, delta_, alpha_ : Series
        Posterior means of the identified logit-scale parameters.
    capability_, difficulty_, slope_ : Series
        Posterior means on the output scale (each draw mapped by its own calibration).
    capability_ci_, difficulty_ci_, slope_ci_, theta_ci_, delta_ci_, alpha_ci_ : DataFrame
        ``low`` and ``high`` of the central ``level`` interval.
    capability_draws_, difficulty_draws_, slope_draws_ : DataFrame (properties)
        Posterior draws (rows; chains concatenated) on the output scale, for later analyses.
    summary : DataFrame
        One row per (parameter, name): mean, sd, median, low, high (NUTS adds r_hat and ess_bulk).
    models_, benchmarks_ (aggregate) or items_ (items) : DataFrame
        Per-model / per-column estimates with ``ci_low``/``ci_high`` and the table's metadata.
    elbo_ : ndarray
        SVI loss (negative ELBO) at each step; NUTS: empty.
    divergences_ : int
        NUTS divergent transitions after warm-up (0 for SVI).
    trials_ : ndarray or None
        Per-cell trial counts used by the binomial / fractional likelihoods.

    Examples
    --------
    >>> import pandas as pd
    >>> from irt_elo.data import from_frame
    >>> df = pd.DataFrame({"model": list("aabbcc"), "benchmark": list("xyxyxy"),
    ...                    "score": [0.2, 0.5, 0.4, 0.7, 0.6, 0.9], "n_items": 100})
    >>> f = BayesFitter(model="1pl", num_steps=300, num_samples=200).fit(from_frame(df))
    >>> list(f.summary.columns)
    ['parameter', 'name', 'mean', 'sd', 'median', 'low', 'high']
    """

    def __init__(
        self,
        *,
        model: Literal["2pl", "1pl"] = "2pl",
        data: Literal["aggregate", "items"] | None = None,
        likelihood: Likelihood = "auto",
        trials: str | float | Mapping[str, float] = "auto",
        method: Literal["svi", "nuts"] = "svi",
        guide: Literal["paired", "normal", "lowrank", "mvn", "laplace"] = "paired",
        marginalize: bool | None = None,
        use_weights: bool = True,
        n_nodes: int = 15,
        adapt_every: int = 50,
        num_steps: int = 2000,
        learning_rate: float = 0.05,
        batch_size: int | None = None,
        num_samples: int = 1000,
        warmup: int = 500,
        num_chains: int = 1,
        jit: bool = True,
        anchor_benchmark: str | None = None,
        anchor_difficulty: float = 0.0,
        anchor_slope: float = 1.0,
        theta_sd: float | None = None,
        difficulty_sd: float = 3.0,
        log_slope_sd: float = 1.0,
        clip: float = 1e-3,
        level: float = 0.9,
        scale: str | ScaleSpec = "logit",
        device: str = "auto",
        dtype: Literal["float64", "float32"] = "float64",
        num_threads: int | Literal["auto"] | None = "auto",
        random_state: int = 0,
        log_likelihood: bool | None = None,
        progress: bool = False,
        name: str = "bayes",
    ) -> None:
        self.model = model
        self.data = data
        self.likelihood = likelihood
        self.trials = trials
        self.method = method
        self.guide = guide
        self.marginalize = marginalize
        self.use_weights = use_weights
        self.n_nodes = n_nodes
        self.adapt_every = adapt_every
        self.num_steps = num_steps
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.num_samples = num_samples
        self.warmup = warmup
        self.num_chains = num_chains
        self.jit = jit
        self.anchor_benchmark = anchor_benchmark
        self.anchor_difficulty = anchor_difficulty
        self.anchor_slope = anchor_slope
        self.theta_sd = theta_sd
        self.difficulty_sd = difficulty_sd
        self.log_slope_sd = log_slope_sd
        self.clip = clip
        self.level = level
        self.scale = scale
        self.device = device
        self.dtype = dtype
        self.num_threads = num_threads
        self.random_state = random_state
        self.log_likelihood = log_likelihood
        self.progress = progress
        self.name = name
        self._check_options()

    # -- options --------------------------------------------------------------------------------------------------
    def _check_options(self) -> None:
        def need(ok: bool, msg: str) -> None:
            if not ok:
                raise IrtEloError(msg)

        need(self.model in ("2pl", "1pl"), f"model must be '2pl' or '1pl', not {self.model!r}")
        need(self.data in (None, "aggregate", "items"), f"data must be 'aggregate' or 'items', not {self.data!r}")
        need(self.likelihood in ("auto", "bernoulli") + AGGREGATE_LIKELIHOODS,
             f"likelihood must be auto, binomial, fractional, beta or bernoulli, not {self.likelihood!r}")
        need(self.method in ("svi", "nuts"), f"method must be 'svi' or 'nuts', not {self.method!r}")
        need(self.guide in GUIDES, f"guide must be one of {', '.join(GUIDES)}, not {self.guide!r}")

        def integer(nm: str, least: int) -> None:
            v = getattr(self, nm)
            need(not isinstance(v, bool) and isinstance(v, (int, np.integer)) and v >= least,
                 f"{nm} must be an integer >= {least}, not {v!r}")

        for nm in ("num_steps", "num_samples", "num_chains", "n_nodes", "adapt_every"):
            integer(nm, 1)
        integer("warmup", 0)
        need(self.batch_size is None or (not isinstance(self.batch_size, bool)
                                         and isinstance(self.batch_size, (int, np.integer)) and self.batch_size >= 1),
             f"batch_size must be a positive integer or None, not {self.batch_size!r}")
        need(not (self.batch_size is not None and self.method == "nuts"),
             "batch_size (minibatching) works with method='svi' only; NUTS uses every observation")
        need(not (self.marginalize and self.method == "nuts"),
             "marginalize=True works with method='svi'; NUTS samples capabilities directly")
        for nm in ("use_weights", "jit"):
            v = getattr(self, nm)
            need(isinstance(v, (bool, np.bool_)), f"{nm} must be True or False, not {v!r}")
        for nm in ("marginalize", "log_likelihood"):
            v = getattr(self, nm)
            need(v is None or isinstance(v, (bool, np.bool_)), f"{nm} must be True, False or None, not {v!r}")
        positive = lambda v: 0 < v < np.inf  # noqa: E731
        check_number("learning_rate", self.learning_rate, positive, "> 0")
        check_number("level", self.level, lambda v: 0 < v < 1, "in (0, 1), e.g. 0.9")
        check_number("clip", self.clip, lambda v: 0 <= v < 0.5, "in [0, 0.5)")
        for nm in ("difficulty_sd", "log_slope_sd", "anchor_slope"):
            check_number(nm, getattr(self, nm), positive, "> 0")
        if self.theta_sd is not None:
            check_number("theta_sd", self.theta_sd, positive, "> 0 (or None)")
        check_number("anchor_difficulty", self.anchor_difficulty, np.isfinite, "a finite number")
        need(self.anchor_benchmark is None or isinstance(self.anchor_benchmark, str),
             f"anchor_benchmark must be a benchmark or item name, not {self.anchor_benchmark!r}")
        rs = self.random_state
        need(not isinstance(rs, bool) and isinstance(rs, (int, np.integer)) and 0 <= rs < 2 ** 32,
             f"random_state must be an integer in [0, 2**32), not {rs!r}")
        need(self.num_threads in (None, "auto") or (isinstance(self.num_threads, (int, np.integer))
                                                       and not isinstance(self.num_threads, bool)
                                                       and self.num_threads >= 1),
             f"num_threads must be 'auto', None or a positive integer, not {self.num_threads!r}")
        need(self.dtype in ("float64", "float32"), f"dtype must be 'float64' or 'float32', not {self.dtype!r}")
        need(isinstance(self.device, str), f"device must be a string such as 'auto', 'cpu' or 'cuda', "
                                           f"not {self.device!r}")
        need(isinstance(self.scale, str) or hasattr(self.scale, "calibrate"),
             f"scale must be 'logit', 'eci', 'elo' or a scale spec, not {self.scale!r}")
        tr = self.trials
        if isinstance(tr, str):
            need(tr == "auto", f"trials must be 'auto', a number or a mapping, not {tr!r}")
        else:
            for v in (tr.values() if isinstance(tr, Mapping) else [tr]):
                check_number("trials", v, positive, "'auto', a positive number or a mapping to positive numbers")

    def _scale_spec(self) -> ScaleSpec:
        return make_scale(self.scale) if isinstance(self.scale, str) else self.scale

    def _resolve_likelihood(self, cells: Cells) -> str:
        like = self.likelihood
        if cells.kind == "items":
            if like not in ("auto", "bernoulli"):
                raise IrtEloError(f"likelihood={like!r} is for aggregate scores; item-level responses use 'bernoulli'")
            return "bernoulli"
        if like == "bernoulli":
            raise IrtEloError("likelihood='bernoulli' is for 0/1 item responses; aggregate scores use 'binomial', "
                              "'fractional' or 'beta'")
        if like == "auto":
            return "binomial" if not np.isnan(cells.n_items).any() else "beta"
        return like

    def _trials(self, cells: Cells, like: str) -> np.ndarray | None:
        if like == "binomial":
            if np.isnan(cells.n_items).any():
                b = cells.col_names[cells.cols[int(np.flatnonzero(np.isnan(cells.n_items))[0])]]
                raise IrtEloError(f"{cells.name}: likelihood='binomial' needs n_items (questions per benchmark); "
                                  f"missing for {b!r}. Add an n_items column or use likelihood='beta' or 'fractional'")
            return cells.n_items.copy()
        if like != "fractional":
            return None
        tr = self.trials
        if isinstance(tr, str):  # 'auto'
            if not np.isnan(cells.n_items).any():
                return cells.n_items.copy()
            return np.full(cells.n_obs, deviance_trials(cells, self.model))
        if isinstance(tr, Mapping):
            unknown = [k for k in tr if k not in cells.col_names]
            if unknown:
                raise IrtEloError(f"trials: unknown benchmark {unknown[0]!r}"
                                  f"{did_you_mean(unknown[0], cells.col_names)}")
            per = pd.Series({k: float(v) for k, v in tr.items()}).reindex(cells.col_names).to_numpy(dtype=float)
            if np.isnan(per).any():
                raise IrtEloError(f"trials: no count for benchmark {cells.col_names[np.isnan(per)][0]!r}; give every "
                                  "benchmark a count or use trials='auto'")
            return per[cells.cols]
        return np.full(cells.n_obs, float(tr))

    def _weights(self, table: Any, cells: Cells) -> np.ndarray | None:
        """Per-response weights of a ResponseTable (normalised to mean 1, so the data keep their total weight),
        or None. A weighted likelihood gives a pseudo-posterior: each response counts ``weight`` times."""
        w = getattr(table, "weight", None) if cells.kind == "items" and self.use_weights else None
        if w is None:
            return None
        w = np.asarray(w, dtype=float)
        return w / w.mean()

    def _anchor_index(self, cells: Cells) -> int | None:
        if self.anchor_benchmark is None:
            return None
        if self.anchor_benchmark not in cells.col_names:
            raise IrtEloError(f"{cells.name}: anchor {cells.col_label} {self.anchor_benchmark!r} is not in the data"
                              f"{did_you_mean(self.anchor_benchmark, cells.col_names)}")
        return int(cells.col_names.get_loc(self.anchor_benchmark))

    def _init_values(self, cells: Cells, y: np.ndarray, theta_sd: float, like: str, n_free: int,
                     anchor: int | None) -> dict[str, np.ndarray]:
        """Data-driven start: standardised row means of logit(score) for capabilities, minus column means for
        difficulties (as intercepts), free slopes 1 (cheap; the optimiser or sampler does the rest)."""
        q = np.clip(y, 0.02, 0.98)
        lg = np.log(q / (1 - q))
        rs = np.bincount(cells.rows, lg, cells.n_rows) / np.bincount(cells.rows, minlength=cells.n_rows)
        cs = np.bincount(cells.cols, lg, cells.n_cols) / np.bincount(cells.cols, minlength=cells.n_cols)
        sd = rs.std() if rs.std() > 0 else 1.0
        theta = (rs - rs.mean()) / sd * min(theta_sd, 1.0)
        slope0 = np.ones(cells.n_cols)
        if self.model == "2pl" and anchor is not None:
            slope0[anchor] = self.anchor_slope
        out = {"theta": theta, "intercept": -slope0 * (cs - cs.mean()) / sd * min(theta_sd, 1.0)}
        if self.model == "2pl" and n_free:
            out["log_alpha"] = np.zeros(n_free)
        if like == "beta":
            out["log_phi"] = np.full(cells.n_cols, BETA_PRECISION_PRIOR[0])
        return out

    # -- fitting --------------------------------------------------------------------------------------------------
    def fit(self, table: Any) -> BayesFitter:
        """Fit to a ScoreTable (aggregate scores) or a ResponseTable (item-level responses). Returns ``self``."""
        self._check_options()
        t0 = time.perf_counter()
        if isinstance(table, pd.DataFrame) and "correct" not in table.columns:
            table = from_frame(table)
        cells = cells_from(table, self.data)
        like = self._resolve_likelihood(cells)
        trials = self._trials(cells, like)
        anchor = self._anchor_index(cells)
        spec = self._scale_spec()
        two_pl = self.model == "2pl"
        theta_sd = self.theta_sd if self.theta_sd is not None else (1.0 if two_pl and anchor is None else 3.0)
        y = np.clip(cells.y, self.clip, 1 - self.clip) if like == "beta" else cells.y
        n_free = cells.n_cols - (anchor is not None) if two_pl else 0

        torch, pyro = _import_pyro()
        device = resolve_device(self.device, torch)
        dtype = torch.float64 if self.dtype == "float64" else torch.float32
        marginal = (self.method == "svi") if self.marginalize is None else bool(self.marginalize)
        weight = self._weights(table, cells)
        pm = _PyroModel(cells, torch=torch, device=device, dtype=dtype, two_pl=two_pl, anchor=anchor,
                        anchor_slope=self.anchor_slope, likelihood=like, trials=trials, y=y, weight=weight,
                        theta_sd=theta_sd, difficulty_sd=self.difficulty_sd, log_slope_sd=self.log_slope_sd,
                        batch_size=self.batch_size, marginal=marginal, n_nodes=self.n_nodes)
        init = {k: pm.tensor(v) for k, v in self._init_values(cells, y, theta_sd, like, n_free, anchor).items()}
        if marginal:
            pm.mu = init.pop("theta")  # first quadrature centres
            if pm.learn_sd:
                init["log_theta_sd"] = pm.tensor(0.0)
        terms = cells.n_obs * (self.n_nodes if marginal else 1)
        threads = 1 if (self.num_threads == "auto" and terms < 200_000) else \
            (None if self.num_threads in ("auto", None) else int(self.num_threads))
        with _seeded(self.random_state, torch, pyro, device), _threads(torch, threads), \
                pyro.get_param_store().scope():
            if self.method == "svi":
                raw, elbo = self._run_svi(pm, init, torch, pyro)
                divergences = 0
            else:
                raw, divergences = self._run_nuts(pm, init, torch, pyro)
                elbo = np.empty(0)

        # raw: site -> (C, S, ...) numpy arrays on the model's (unidentified) logit scale
        C, S = raw["theta"].shape[:2]
        flat = {k: v.reshape(C * S, *v.shape[2:]) for k, v in raw.items()}
        alpha = np.broadcast_to(np.full(cells.n_cols, float(self.anchor_slope if two_pl else 1.0)),
                                (C * S, cells.n_cols)).copy()
        if two_pl and n_free:
            free = np.arange(cells.n_cols) if anchor is None else np.delete(np.arange(cells.n_cols), anchor)
            alpha[:, free] = np.exp(flat["log_alpha"])
        theta, delta, alpha = identify_draws(flat["theta"], flat["intercept"] / alpha, alpha, two_pl=two_pl,
                                             anchor=anchor,
                                             anchor_difficulty=self.anchor_difficulty)
        a, b = scale_draws(spec, theta, cells.row_names)

        self.cells_ = cells
        self.table_ = table
        self.data_ = cells.kind
        self.likelihood_ = like
        self.trials_ = trials
        self.device_ = str(device)
        self.n_chains_, self.n_draws_ = C, S
        self.elbo_ = elbo
        self.divergences_ = int(divergences)
        self.scale_spec_ = spec
        self.scale_draws_ = pd.DataFrame({"intercept": a, "per_logit": b})
        self._draws = {"theta": theta, "delta": delta, "alpha": alpha,
                       "capability": a[:, None] + b[:, None] * theta,
                       "difficulty": a[:, None] + b[:, None] * delta,
                       "slope": alpha / b[:, None]}
        if like == "beta":
            self._draws["precision"] = np.exp(flat["log_phi"])
        self._set_summaries()
        self.identification_ = self.identification()
        self.seconds_ = time.perf_counter() - t0
        return self

    def _run_svi(self, pm: _PyroModel, init: dict, torch: Any, pyro: Any) -> tuple[dict, np.ndarray]:
        from pyro.infer import SVI, Trace_ELBO
        from pyro.infer.autoguide import (
            AutoLaplaceApproximation,
            AutoLowRankMultivariateNormal,
            AutoMultivariateNormal,
            AutoNormal,
        )
        from pyro.infer.autoguide.initialization import init_to_value
        from pyro.optim import ClippedAdam

        init_fn = init_to_value(values=init)
        if self.guide == "paired":
            guide = _PairedGuide(pm, init)
        elif self.guide == "normal":
            guide = AutoNormal(pm, init_loc_fn=init_fn, init_scale=0.05)
        elif self.guide == "lowrank":
            guide = AutoLowRankMultivariateNormal(pm, init_loc_fn=init_fn, init_scale=0.05)
        elif self.guide == "mvn":
            guide = AutoMultivariateNormal(pm, init_loc_fn=init_fn, init_scale=0.05)
        else:
            guide = AutoLaplaceApproximation(pm, init_loc_fn=init_fn)
        if pm.marginal:
            pm.adapt(init)
        # Learning rate decays tenfold over the run: large steps early, small SGD noise at the end.
        optim = ClippedAdam({"lr": self.learning_rate, "lrd": 0.1 ** (1.0 / self.num_steps), "clip_norm": 100.0})
        svi = SVI(pm, guide, optim, loss=Trace_ELBO())
        losses = np.empty(self.num_steps)
        with progress_bar(self.num_steps, self.progress, "SVI", unit="step") as bar:
            for i in range(self.num_steps):
                losses[i] = svi.step()
                bar.update(1)
                if pm.marginal and (i + 1) % self.adapt_every == 0:
                    with torch.no_grad():
                        pm.adapt(_centre(guide, pyro), rounds=1)
        if not np.isfinite(losses[-1]):
            raise IrtEloError("SVI diverged (non-finite loss); lower learning_rate or use dtype='float64'")
        if self.guide == "laplace":
            guide = guide.laplace_approximation()
        sites = ("theta", "intercept", "log_alpha", "log_phi", "log_theta_sd")
        out: dict[str, list] = {}
        with torch.no_grad():
            if pm.marginal:
                pm.adapt(_centre(guide, pyro))
            for _ in range(self.num_samples):
                tr = pyro.poutine.trace(guide).get_trace()
                v = {s: tr.nodes[s]["value"] for s in sites if s in tr.nodes}
                if pm.marginal:  # capabilities from their exact conditional posterior given this draw
                    m, sd = pm.theta_moments(v, pm.mu, pm.sd)
                    v["theta"] = m + sd * torch.randn_like(m)
                for s, val in v.items():
                    out.setdefault(s, []).append(val.detach().cpu().numpy())
        return {k: np.stack(v)[None] for k, v in out.items()}, losses

    def _run_nuts(self, pm: _PyroModel, init: dict, torch: Any, pyro: Any) -> tuple[dict, int]:
        from pyro.infer import MCMC, NUTS
        from pyro.infer.autoguide.initialization import init_to_value

        if pm.marginal:
            raise IrtEloError("method='nuts' samples capabilities directly; use marginalize=False (the default)")
        chains: list[dict] = []
        div = 0
        for c in range(self.num_chains):
            pyro.set_rng_seed(int(self.random_state) + c)
            # Dense mass matrix for tiny problems: the posterior has correlated ridges (capabilities and difficulties
            # shifting together, pinned only by the priors) that a diagonal metric crawls along. Beyond ~50
            # parameters Pyro's dense metric costs more per step than it saves (230 parameters: 25x slower).
            dense = pm.M + 2 * pm.B <= 50
            kernel = NUTS(pm, init_strategy=init_to_value(values=init), target_accept_prob=0.8, full_mass=dense,
                          jit_compile=self.jit, ignore_jit_warnings=True)
            mcmc = MCMC(kernel, num_samples=self.num_samples, warmup_steps=self.warmup, num_chains=1,
                        disable_progbar=not self.progress)
            mcmc.run()
            chains.append({k: v.detach().cpu().numpy() for k, v in mcmc.get_samples().items()})
            d = mcmc.diagnostics().get("divergences", {})
            div += sum(len(v) for v in d.values())
        return {k: np.stack([ch[k] for ch in chains]) for k in chains[0]}, div

    # -- results --------------------------------------------------------------------------------------------------
    def _set_summaries(self) -> None:
        cells, lv, d = self.cells_, self.level, self._draws
        rn, cn = cells.row_names, cells.col_names
        stats = {k: describe_draws(v, rn if k in ("theta", "capability") else cn, lv) for k, v in d.items()}
        self._stats = stats
        for key, attr in (("theta", "theta"), ("delta", "delta"), ("alpha", "alpha"), ("capability", "capability"),
                          ("difficulty", "difficulty"), ("slope", "slope")):
            setattr(self, f"{attr}_", stats[key]["mean"].rename(attr))
            setattr(self, f"{attr}_ci_", stats[key][["low", "high"]].copy())
        self.scale_ = self.scale_spec_.calibrate(self.theta_)  # map of the posterior-mean capabilities (reference)
        models = pd.DataFrame({"model": rn, "capability": stats["capability"]["mean"].to_numpy(),
                               "capability_sd": stats["capability"]["sd"].to_numpy(),
                               "ci_low": stats["capability"]["low"].to_numpy(),
                               "ci_high": stats["capability"]["high"].to_numpy(),
                               "n_obs": np.bincount(cells.rows, minlength=cells.n_rows)})
        if cells.row_meta is not None:
            models = pd.concat([models, cells.row_meta.reset_index(drop=True)], axis=1)
        cols = pd.DataFrame({cells.col_label: cn,
                             "difficulty": stats["difficulty"]["mean"].to_numpy(),
                             "difficulty_low": stats["difficulty"]["low"].to_numpy(),
                             "difficulty_high": stats["difficulty"]["high"].to_numpy(),
                             "slope": stats["slope"]["mean"].to_numpy(),
                             "slope_low": stats["slope"]["low"].to_numpy(),
                             "slope_high": stats["slope"]["high"].to_numpy(),
                             "n_models": np.bincount(cells.cols, minlength=cells.n_cols),
                             "is_anchor": cn == (self.anchor_benchmark or "")})
        if "precision" in stats:
            cols["precision"] = stats["precision"]["mean"].to_numpy()
        if cells.col_meta is not None and len(cells.col_meta) == cells.n_cols:
            meta = cells.col_meta.reset_index(drop=True)
            cols = pd.concat([cols, meta.loc[:, [c for c in meta.columns if c not in cols.columns]]], axis=1)
        self.models_ = models
        if cells.kind == "aggregate":
            self.benchmarks_ = cols
        else:
            self.items_ = cols

    @property
    def summary(self) -> pd.DataFrame:
        """Every parameter on the output scale: ``parameter`` (capability, difficulty, slope[, precision]),
        ``name``, mean, sd, median, low, high; NUTS fits add ``r_hat`` and ``ess_bulk`` (ArviZ)."""
        self._check_fitted()
        parts = []
        for p in ("capability", "difficulty", "slope", "precision"):
            if p in self._stats:
                s = self._stats[p]
                parts.append(pd.concat([pd.DataFrame({"parameter": p, "name": s.index.astype(str)}),
                                        s.reset_index(drop=True)], axis=1))
        out = pd.concat(parts, ignore_index=True)
        if self.method == "nuts":
            az = _import_arviz()
            post = self.to_arviz(log_likelihood=False).posterior
            rh, ess = az.rhat(post), az.ess(post, method="bulk")
            out["r_hat"] = np.concatenate([np.ravel(rh[p].values) for p in ("capability", "difficulty", "slope",
                                                                              "precision") if p in self._stats])
            out["ess_bulk"] = np.concatenate([np.ravel(ess[p].values) for p in ("capability", "difficulty",
                                                                                  "slope", "precision")
                                              if p in self._stats])
        return out

    def identification(self) -> str:
        """One sentence saying how every posterior draw is pinned down."""
        what = self.cells_.col_label if hasattr(self, "cells_") else "benchmark"
        if self.anchor_benchmark is not None:
            fixed = f"slope fixed at {self.anchor_slope:g}" if self.model == "2pl" else "all slopes 1 (1PL)"
            return (f"anchor {what} {self.anchor_benchmark!r}: {fixed}; each draw shifted so its difficulty is "
                    f"{self.anchor_difficulty:g}")
        if self.model == "1pl":
            return "1PL (all slopes 1); each draw's capabilities centred to mean 0"
        return "each draw's capabilities standardised to mean 0, SD 1 (slopes rescaled to keep predictions)"

    def draws(self, parameter: str = "capability") -> np.ndarray:
        """Posterior draws of one parameter, shape (chains * draws, K): capability, difficulty, slope (output
        scale), theta, delta, alpha (identified logit scale) or precision (beta likelihood)."""
        self._check_fitted()
        if parameter not in self._draws:
            raise IrtEloError(f"unknown parameter {parameter!r}; available: {', '.join(self._draws)}")
        return self._draws[parameter]

    @property
    def capability_draws_(self) -> pd.DataFrame:
        """Capability draws on the output scale (rows = draws, chains concatenated; columns = models)."""
        return pd.DataFrame(self.draws("capability"), columns=self.cells_.row_names)

    @property
    def difficulty_draws_(self) -> pd.DataFrame:
        """Difficulty draws on the output scale (rows = draws; columns = benchmarks or items)."""
        return pd.DataFrame(self.draws("difficulty"), columns=self.cells_.col_names)

    @property
    def slope_draws_(self) -> pd.DataFrame:
        """Slope draws on the output scale (rows = draws; columns = benchmarks or items)."""
        return pd.DataFrame(self.draws("slope"), columns=self.cells_.col_names)

    def predict(self) -> np.ndarray:
        """Posterior mean of the predicted score (probability of success) for every fitted cell."""
        self._check_fitted()
        c, d = self.cells_, self._draws
        out = np.empty(c.n_obs)
        step = max(1, 10_000_000 // len(d["theta"]))  # bound the draws x cells block in memory
        for a in range(0, c.n_obs, step):
            r, k = c.rows[a:a + step], c.cols[a:a + step]
            out[a:a + step] = expit(d["alpha"][:, k] * (d["theta"][:, r] - d["delta"][:, k])).mean(axis=0)
        return out

    def pointwise_log_likelihood(self) -> np.ndarray:
        """Log-likelihood of every observation under every draw, shape (chains * draws, N). For
        ``'fractional'`` it is the quasi-likelihood (binomial kernel with the effective trial count)."""
        self._check_fitted()
        c, d = self.cells_, self._draws
        z = d["alpha"][:, c.cols] * (d["theta"][:, c.rows] - d["delta"][:, c.cols])
        like = self.likelihood_
        if like == "bernoulli":
            return c.y * log_expit(z) + (1 - c.y) * log_expit(-z)
        if like in ("binomial", "fractional"):
            n = self.trials_
            k = n * c.y
            const = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
            return const + k * log_expit(z) + (n - k) * log_expit(-z)
        from scipy.stats import beta as beta_dist

        y = np.clip(c.y, self.clip, 1 - self.clip)
        mu = np.clip(expit(z), 1e-6, 1 - 1e-6)
        phi = d["precision"][:, c.cols]
        return beta_dist.logpdf(y, mu * phi, (1 - mu) * phi)

    def to_arviz(self, log_likelihood: bool | None = None) -> Any:
        """The posterior as ArviZ ``InferenceData``: identified ``theta``/``delta``/``alpha`` (logit scale) and
        ``capability``/``difficulty``/``slope`` (output scale) with dims (chain, draw, model | benchmark/item),
        ``observed_data``, NUTS ``sample_stats`` (diverging) and, when requested or small enough, the pointwise
        ``log_likelihood``."""
        self._check_fitted()
        az = _import_arviz()
        c, C, S = self.cells_, self.n_chains_, self.n_draws_
        col = c.col_label
        post = {k: v.reshape(C, S, *v.shape[1:]) for k, v in self._draws.items()}
        dims = {k: ["model" if k in ("theta", "capability") else col] for k in post}
        dims["y"] = ["obs"]
        coords = {"model": list(map(str, c.row_names)), col: list(map(str, c.col_names)), "obs": np.arange(c.n_obs)}
        want = self.log_likelihood if log_likelihood is None else log_likelihood
        if want is None:
            want = C * S * c.n_obs <= LOG_LIK_LIMIT
        ll = {"y": self.pointwise_log_likelihood().reshape(C, S, c.n_obs)} if want else None
        kw: dict[str, Any] = {}
        if ll is not None:
            kw["log_likelihood"] = ll
        attrs = {"method": self.method, "likelihood": self.likelihood_, "model": self.model,
                 "scale": str(self.scale_spec_.name), "identification": self.identification_,
                 "level": self.level, "random_state": int(self.random_state), "inference_library": "pyro"}
        return az.from_dict(posterior=post, observed_data={"y": c.y}, coords=coords, dims=dims, attrs=attrs, **kw)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Posterior-mean capability against release date (see :func:`irt_elo.plots.plot_capabilities`)."""
        self._check_fitted()
        from irt_elo.plots import plot_capabilities

        return plot_capabilities(self, ax=ax, **kwargs)

    def _check_fitted(self) -> None:
        if not hasattr(self, "_draws"):
            raise IrtEloError("this BayesFitter is not fitted yet; call .fit(table) first")

    def __repr__(self) -> str:
        state = "not fitted"
        if hasattr(self, "_draws"):
            c = self.cells_
            state = (f"fitted on {c.name!r} ({c.n_rows} models x {c.n_cols} {c.col_label}s, "
                     f"{self.likelihood_} likelihood)")
        return f"BayesFitter(model={self.model!r}, method={self.method!r}; {state})"


def _centre(guide: Any, pyro: Any) -> dict[str, Any]:
    """The guide's centre for every latent site (its median; the mode for the Laplace guide while fitting)."""
    try:
        return guide.median()
    except NotImplementedError:  # AutoLaplaceApproximation before laplace_approximation(): a point mass
        tr = pyro.poutine.trace(guide).get_trace()
        return {k: n["value"].detach() for k, n in tr.nodes.items()
                if n["type"] == "sample" and not n["infer"].get("is_auxiliary")}


def _import_arviz() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # arviz announces its 1.0 refactor on import
        try:
            import arviz as az
        except ImportError:  # pragma: no cover
            raise IrtEloError("to_arviz needs arviz: pip install 'irt-elo[bayes]'") from None
    return az


__all__ = ["BayesFitter", "Cells", "cells_from", "identify_draws", "scale_draws", "describe_draws",
           "resolve_device", "deviance_trials"]
