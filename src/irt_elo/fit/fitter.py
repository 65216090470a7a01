"""Fit the 2PL/1PL capability model to a score table.

:class:`Fitter` follows the lifelines/scikit-learn shape: every option in the constructor, ``fit(table)`` returns
the fitter, fitted attributes end in ``_``::

    f = Fitter.from_preset("eci").fit(load_epoch_eci())
    f.summary            # ranked models on the ECI scale
    f.benchmarks_        # difficulty (EDI) and slope per benchmark

The numerical core is :func:`solve`, a pure function of a :class:`Problem` (index arrays, scores, options) and a
start vector; the bootstrap and the robustness analyses call it directly with resampled rows and warm starts.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import expit

from irt_elo.core import model as M
from irt_elo.core.scale import ScaleSpec, anchor_models, make_scale
from irt_elo.core.solve import LOSSES, Loss, ModelForm, Problem, SolveResult, solve
from irt_elo.data.table import ScoreTable, from_frame
from irt_elo.errors import IrtEloError, check_number, did_you_mean
from irt_elo.fit.presets import Preset, benchmark_domains, get_preset

# --------------------------------------------------------------------------------------------------------------------
# The numerical problem and its solver (no pandas, no I/O)


# --------------------------------------------------------------------------------------------------------------------
# The Fitter


def questions_per_cell(table: ScoreTable) -> np.ndarray:
    """Number of questions behind each score: the cell's ``n_items``, else its benchmark's; NaN where unknown.

    Examples
    --------
    >>> t = from_frame(pd.DataFrame({"model": ["a", "a", "b"], "benchmark": ["x", "y", "x"],
    ...                              "score": [0.5, 0.6, 0.7], "n_items": [100, None, None]}))
    >>> questions_per_cell(t).tolist()  # b's score on x: x's count
    [100.0, nan, 100.0]
    """
    cell = table.scores["n_items"] if "n_items" in table.scores else pd.Series(np.nan, index=table.scores.index)
    if "n_items" in table.benchmarks:
        fill = table.benchmarks["n_items"].to_numpy(dtype=float)[table.bench_idx]
        cell = cell.fillna(pd.Series(fill, index=cell.index))
    return cell.to_numpy(dtype=float)


class OptionsMixin:
    """scikit-learn's options protocol for a fitter whose constructor stores every option under its own name:
    ``get_params()`` and ``clone(**overrides)``. Shared by :class:`Fitter`, :class:`irt_elo.fit.items.ItemFitter`
    and :class:`irt_elo.fit.bayes.BayesFitter`."""

    def get_params(self) -> dict[str, Any]:
        """Constructor options (scikit-learn style).

        Examples
        --------
        >>> Fitter(ridge=0.5).get_params()["ridge"]
        0.5
        """
        import inspect

        return {k: getattr(self, k) for k in inspect.signature(type(self).__init__).parameters if k != "self"}

    def clone(self, **overrides: Any) -> Any:
        """An unfitted copy with some options changed.

        Examples
        --------
        >>> Fitter(ridge=0.5).clone(model="1pl").get_params()["ridge"]
        0.5
        """
        return type(self)(**{**self.get_params(), **overrides})


def _known(names: Sequence[str] | str, index: pd.Index, what: str) -> list[str]:
    """The requested names as a list (one name may be given as a string); one line naming the first unknown."""
    names = [names] if isinstance(names, str) else list(names)
    for n in names:
        if n not in index:
            raise IrtEloError(f"{what} {n!r} is not in this fit{did_you_mean(str(n), index)}"
                              + ("; score a new model with .score(...) first" if what == "model" else ""))
    return names


def rank_models(models: pd.DataFrame) -> pd.DataFrame:
    """Models by capability, most capable first, with a ``rank`` column (1 = most capable; ties keep their order).

    Examples
    --------
    >>> rank_models(pd.DataFrame({"model": ["a", "b"], "capability": [1.0, 2.0]}))["model"].tolist()
    ['b', 'a']
    """
    s = models.sort_values("capability", ascending=False, kind="stable").reset_index(drop=True)
    s.insert(0, "rank", np.arange(1, len(s) + 1))
    return s


class RankedModelMixin:
    """What every fitted capability model offers from ``theta_``/``delta_``/``alpha_`` (logit scale) and ``models_``:
    a ranked summary and dense predictions. Shared by :class:`Fitter` and :class:`irt_elo.fit.items.ItemFitter`."""

    link = "sigmoid"  # name of :meth:`_link`, the map from ``alpha (theta - delta)`` to a predicted score

    @property
    def summary(self) -> pd.DataFrame:
        """Models ranked by capability (rank 1 = most capable)."""
        self._check_fitted()
        return rank_models(self.models_)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Capability against release date, coloured by open/closed weights (see :mod:`irt_elo.plots`)."""
        from irt_elo.plots import plot_capabilities

        return plot_capabilities(self, ax=ax, **kwargs)

    def _predict_frame(self, models: Sequence[str] | None, columns: Sequence[str] | None) -> pd.DataFrame:
        """``link(alpha (theta - delta))`` for the requested models (rows) × benchmarks or items (columns)."""
        self._check_fitted()
        th = self.theta_ if models is None else self.theta_.loc[_known(models, self.theta_.index, "model")]
        de = self.delta_ if columns is None else self.delta_.loc[_known(columns, self.delta_.index, "benchmark")]
        al = self.alpha_.loc[de.index]
        z = al.to_numpy()[None, :] * (th.to_numpy()[:, None] - de.to_numpy()[None, :])
        return pd.DataFrame(self._link(z), index=th.index, columns=de.index)

    def _link(self, z: np.ndarray) -> np.ndarray:
        """Predicted score from the linear predictor ``alpha (theta - delta)``."""
        return expit(z)


class Fitter(RankedModelMixin, OptionsMixin):
    """2PL/1PL capability model ``score = sigmoid(slope_b * (capability_m - difficulty_b))``.

    Parameters
    ----------
    model : {'2pl', '1pl'}
        Free slope per benchmark, or all slopes fixed at 1 (Rasch).
    loss : {'least_squares', 'binomial', 'bernoulli', 'beta'}
        Least squares on the probability scale (Epoch), binomial with each benchmark's question count
        (``n_items``), fractional Bernoulli (one trial per cell; a quasi-likelihood whose ridge acts as if each
        score were a single question, so it over-shrinks), or beta (mean-precision; for when ``n_items`` is
        unknown: the precision plays the role of the question count and is estimated). The beta density has no
        mass at 0 or 1, so such scores are clipped (``clip``); on a saturated benchmark (most scores at 0 or 1)
        that flattens its slope. The binomial handles 0 and 1 exactly: fit it with ``clip=0``.
    ridge : float
        Penalty strength ``lam``; the objective gains ``0.5 * lam * P(x) / n_params``.
    penalty : {'l2', 'log_slope', 'none'}
        ``P``: sum of squares of all parameters (Epoch), or with ``log(slope)^2`` for slopes.
    clip : float
        Scores are clipped to ``[clip, 1 - clip]`` before fitting (Epoch: 1e-3). 0 disables.
    theta_bounds, difficulty_bounds, slope_bounds : (float, float)
        Box bounds on the raw parameters (Epoch: ±10, ±10, [0.1, 10]). Slopes stay positive.
    anchor_benchmark : str, optional
        Benchmark whose slope is fixed at ``anchor_slope`` during the fit and whose difficulty is shifted to
        ``anchor_difficulty`` afterwards (Epoch: Winogrande, 0, 1). Without one, the most-covered benchmark's slope
        is held at 1 during the fit and capabilities are then standardised (mean 0, SD 1 over models; 1PL: centred).
    min_benchmarks : int
        Drop models with fewer observed benchmarks.
    since, until : date-like, optional
        Keep models released in this window.
    benchmarks, exclude_benchmarks : list of str, optional
        Benchmark subset.
    benchmark_weights : mapping or 'domain', optional
        Per-benchmark loss weights, or ``'domain'``: benchmarks equal within a domain, domains equal (CAISI),
        with domains from the table's ``domain`` column or from a benchmark -> domain-name mapping.
    scale : {'logit', 'eci', 'elo'} or scale spec
        Scale of ``capability_``, ``difficulty_`` and ``slope_`` (see :mod:`irt_elo.core.scale`).
    init_sd : float
        Start: capabilities and difficulties ~ N(0, init_sd^2), slopes 1.
    random_state : int
        Seed of the start (legacy ``RandomState``, so 42 gives the same start as ``np.random.seed(42)``).
    tol : float
        Solver tolerance (ftol = xtol = gtol for least squares).
    precision : float, mapping, 'common' or 'benchmark'
        Beta loss only: fixed precision (one number, or per benchmark), or estimated by maximum likelihood, one
        shared value (``'common'``) or one per benchmark (``'benchmark'``). Per-benchmark estimates need many
        models per benchmark: with a handful, a benchmark the model fits almost exactly gets a precision running
        to the bound (1e7) and then dominates the capabilities of its models. Fitted values in ``precision_``.
    name : str
        Label used in outputs ('eci', 'caisi', ...).

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci
    >>> f = Fitter.from_preset("eci").fit(load_epoch_eci())
    >>> round(float(f.capability_["GPT-5"]), 6)
    150.0
    """

    def __init__(
        self,
        *,
        model: ModelForm = "2pl",
        loss: Loss = "least_squares",
        ridge: float = 1e-3,
        penalty: M.PenaltyForm = "l2",
        clip: float = 1e-3,
        theta_bounds: tuple[float, float] = (-10.0, 10.0),
        difficulty_bounds: tuple[float, float] = (-10.0, 10.0),
        slope_bounds: tuple[float, float] = (0.1, 10.0),
        anchor_benchmark: str | None = None,
        anchor_difficulty: float = 0.0,
        anchor_slope: float = 1.0,
        min_benchmarks: int = 1,
        since: str | None = None,
        until: str | None = None,
        benchmarks: Sequence[str] | None = None,
        exclude_benchmarks: Sequence[str] | None = None,
        benchmark_weights: Mapping[str, float] | Literal["domain"] | None = None,
        scale: str | ScaleSpec = "logit",
        init_sd: float = 0.1,
        random_state: int = 0,
        tol: float = 1e-8,
        name: str = "custom",
        precision: float | Mapping[str, float] | Literal["common", "benchmark"] = "common",
    ) -> None:
        self.model = model
        self.loss = loss
        self.ridge = ridge
        self.penalty = penalty
        self.clip = clip
        self.theta_bounds = theta_bounds
        self.difficulty_bounds = difficulty_bounds
        self.slope_bounds = slope_bounds
        self.anchor_benchmark = anchor_benchmark
        self.anchor_difficulty = anchor_difficulty
        self.anchor_slope = anchor_slope
        self.min_benchmarks = min_benchmarks
        self.since = since
        self.until = until
        self.benchmarks = benchmarks
        self.exclude_benchmarks = exclude_benchmarks
        self.benchmark_weights = benchmark_weights
        self.scale = scale
        self.init_sd = init_sd
        self.random_state = random_state
        self.tol = tol
        self.name = name
        self.precision = precision
        self._check_options()

    # -- construction --------------------------------------------------------------------------------------------
    @classmethod
    def from_preset(cls, preset: str | Preset, **overrides: Any) -> Fitter:
        """A fitter configured by a named preset (``'eci'``, ``'caisi'``, ``'default'``), with overrides.

        Examples
        --------
        >>> Fitter.from_preset("eci", ridge=1e-3).ridge
        0.001
        """
        p = preset if isinstance(preset, Preset) else get_preset(preset)
        if cls is Fitter and p.fitter_class == "CaisiFitter":  # the preset picks its class
            cls = CaisiFitter
        import inspect

        known = [k for k in inspect.signature(cls.__init__).parameters if k != "self"]
        for k in overrides:
            if k not in known:  # e.g. 'bounds': one line naming the option, not a TypeError
                raise IrtEloError(f"{cls.__name__} has no option {k!r}{did_you_mean(k, known)}")
        return cls(**{"name": p.name, **p.options, **overrides})

    def _check_options(self) -> None:
        if self.model not in ("2pl", "1pl"):
            raise IrtEloError(f"model must be '2pl' or '1pl', not {self.model!r}")
        if self.loss not in LOSSES:
            raise IrtEloError(f"loss must be one of {', '.join(LOSSES)}, not {self.loss!r}")
        if self.penalty not in ("l2", "log_slope", "none"):
            raise IrtEloError(f"penalty must be 'l2', 'log_slope' or 'none', not {self.penalty!r}")
        check_number("ridge", self.ridge, lambda v: 0 <= v < np.inf, ">= 0")
        check_number("clip", self.clip, lambda v: 0 <= v < 0.5, "in [0, 0.5)")
        check_number("tol", self.tol, lambda v: 0 < v < np.inf, "> 0")
        check_number("init_sd", self.init_sd, lambda v: 0 <= v < np.inf, ">= 0")
        check_number("anchor_slope", self.anchor_slope, lambda v: 0 < v < np.inf, "> 0")
        check_number("anchor_difficulty", self.anchor_difficulty, np.isfinite, "a finite number")
        rs = self.random_state
        if isinstance(rs, bool) or not isinstance(rs, (int, np.integer)) or not 0 <= rs < 2 ** 32:
            raise IrtEloError(f"random_state must be an integer in [0, 2**32), not {rs!r}")
        mb = self.min_benchmarks
        if isinstance(mb, bool) or not isinstance(mb, (int, np.integer)) or mb < 0:
            raise IrtEloError(f"min_benchmarks must be a non-negative integer, not {mb!r}")
        for nm in ("theta_bounds", "difficulty_bounds", "slope_bounds"):
            pair = getattr(self, nm)
            if (isinstance(pair, (str, bytes)) or not isinstance(pair, (Sequence, np.ndarray)) or len(pair) != 2
                    or not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                               and not np.isnan(v) for v in pair)):
                raise IrtEloError(f"{nm} must be a (lower, upper) pair of numbers, not {pair!r}")
            lo, hi = pair
            if not lo < hi:
                raise IrtEloError(f"{nm}: lower bound {lo} must be below upper bound {hi}")
        if self.anchor_benchmark is not None and not isinstance(self.anchor_benchmark, str):
            raise IrtEloError(f"anchor_benchmark must be a benchmark name, not {self.anchor_benchmark!r}")
        for nm in ("benchmarks", "exclude_benchmarks"):
            names = getattr(self, nm)
            if names is not None and (isinstance(names, str) or not all(isinstance(n, str) for n in names)):
                raise IrtEloError(f"{nm} must be a list of benchmark names, not {names!r}")
        bw = self.benchmark_weights
        if not (bw is None or (isinstance(bw, str) and bw == "domain") or (isinstance(bw, Mapping) and (
                all(isinstance(v, str) for v in bw.values()) or all(
                    not isinstance(v, (bool, str)) and isinstance(v, (int, float, np.integer, np.floating))
                    and np.isfinite(v) for v in bw.values())))):
            raise IrtEloError(f"benchmark_weights must be 'domain', a benchmark -> weight mapping (finite numbers) or "
                              f"a benchmark -> domain mapping, not {bw!r}")
        if self.slope_bounds[0] <= 0 and self.penalty == "log_slope":
            raise IrtEloError("penalty='log_slope' needs a positive lower slope bound")
        if self.loss == "beta" and not self.clip > 0:
            raise IrtEloError("loss='beta' needs scores strictly inside (0, 1); use clip > 0 (e.g. 1e-3)")
        prec = self.precision
        if isinstance(prec, str):
            if prec not in ("benchmark", "common"):
                raise IrtEloError(f"precision must be a positive number, a mapping, 'benchmark' or 'common', "
                                  f"not {prec!r}")
        else:
            vals = list(prec.values()) if isinstance(prec, Mapping) else [prec]
            if not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                       and np.isfinite(v) and v > 0 for v in vals):
                raise IrtEloError(f"precision must be positive numbers, not {prec!r}")

    def _scale_spec(self) -> ScaleSpec:
        return make_scale(self.scale) if isinstance(self.scale, str) else self.scale

    # -- fitting --------------------------------------------------------------------------------------------------
    def prepare(self, data: ScoreTable | pd.DataFrame) -> ScoreTable:
        """Apply the data options (filters, benchmark subset) and validate the table to be fitted."""
        source = data if isinstance(data, ScoreTable) else from_frame(data)
        table = source.filter(benchmarks=self.benchmarks, exclude_benchmarks=self.exclude_benchmarks,
                             since=self.since, until=self.until, min_benchmarks=self.min_benchmarks)
        if self.anchor_benchmark is not None and self.anchor_benchmark not in table.benchmark_names:
            if self.anchor_benchmark in source.benchmark_names:
                raise IrtEloError(f"{table.name}: anchor benchmark {self.anchor_benchmark!r} was removed by the "
                                  "filters (since/until/min_benchmarks/benchmarks); loosen them or choose another "
                                  "anchor benchmark")
            raise IrtEloError(f"{table.name}: anchor benchmark {self.anchor_benchmark!r} is not in the data"
                              f"{did_you_mean(self.anchor_benchmark, table.benchmark_names)}")
        for name in anchor_models(self._scale_spec()):
            if name in source.model_names and name not in table.model_names:
                raise IrtEloError(f"{table.name}: scale anchor model {name!r} was removed by the filters "
                                  "(since/until/min_benchmarks/benchmarks); loosen them, choose other --anchor models "
                                  "or use --scale logit")
        table.check_connected()
        self._check_identifiable(table)
        return table

    def _check_identifiable(self, table: ScoreTable) -> None:
        """Refuse tables whose capabilities the model cannot identify (they would otherwise "fit" to a confident
        but meaningless ranking)."""
        where = f"{table.name}: cannot identify capabilities:"
        if table.n_models < 2:
            raise IrtEloError(f"{where} one model ({table.model_names[0]!r}) after filtering; capabilities are only "
                              "defined relative to other models, so fit at least 2")
        if table.n_benchmarks < 2:
            raise IrtEloError(f"{where} one benchmark ({table.benchmark_names[0]!r}) after filtering; each model "
                              "has a single score, so its capability is that score rescaled with nothing estimated; "
                              "fit at least 2 benchmarks or rank by the score itself")
        y = table.score if self.clip <= 0 else np.clip(table.score, self.clip, 1.0 - self.clip)
        if y.size and np.ptp(y) == 0:
            # Every score equal: the fit has no information, and standardising would rank models by how many
            # benchmarks they happen to have.
            raise IrtEloError(f"{where} no variation, every score is {float(table.score[0]):g}"
                              f"{' after clipping' if self.clip > 0 and np.ptp(table.score) > 0 else ''}; "
                              "check the score column (and --percent)")

    def problem(self, table: ScoreTable) -> Problem:
        """The numerical problem for an already-prepared table."""
        m, b = table.n_models, table.n_benchmarks
        anchor = self._anchor_index(table)
        if self.model == "1pl":
            layout = M.Layout.one_pl(m, b)
        else:
            layout = M.Layout.two_pl(m, b, anchor, self.anchor_slope)
        lo, hi = layout.bounds(self.theta_bounds, self.difficulty_bounds, self.slope_bounds)
        y = table.score if self.clip <= 0 else np.clip(table.score, self.clip, 1.0 - self.clip)
        return Problem(M.Design(layout, table.model_idx, table.bench_idx), y, loss=self.loss, ridge=self.ridge,
                       penalty=self.penalty, lower=lo, upper=hi, cell_weight=self._cell_weights(table),
                       trials=self._trials(table), tol=self.tol, precision=self._precision(table))

    def _precision(self, table: ScoreTable) -> np.ndarray | str | None:
        if self.loss != "beta":
            return None
        prec = self.precision
        if isinstance(prec, str):
            return prec
        if isinstance(prec, Mapping):
            missing = [b for b in table.benchmark_names if b not in prec]
            if missing:
                raise IrtEloError(f"precision: no value for benchmark {missing[0]!r}; give one for every fitted "
                                  "benchmark, or use precision='benchmark' to estimate them")
            return np.array([float(prec[b]) for b in table.benchmark_names])
        return np.full(table.n_benchmarks, float(prec))

    def initial_params(self, layout: M.Layout) -> np.ndarray:
        """Seeded start: N(0, init_sd^2) capabilities then difficulties (drawn in that order), slopes 1."""
        rs = np.random.RandomState(self.random_state)
        theta = rs.randn(layout.n_models) * self.init_sd
        delta = rs.randn(layout.n_benchmarks) * self.init_sd
        return np.concatenate([theta, delta, np.ones(layout.n_free_slopes)])

    def fit(self, data: ScoreTable | pd.DataFrame, x0: np.ndarray | None = None) -> Fitter:
        """Fit to a score table (or long DataFrame). Returns ``self``.

        Parameters
        ----------
        data : ScoreTable or DataFrame
        x0 : ndarray, optional
            Start vector (e.g. a previous ``x_``); by default the seeded start of :meth:`initial_params`.
        """
        table = self.prepare(data)
        problem = self.problem(table)
        start = self.initial_params(problem.layout) if x0 is None else np.asarray(x0, dtype=float)
        if start.shape != (problem.layout.n_params,):
            raise IrtEloError(f"x0 has {start.size} values; this problem has {problem.layout.n_params} parameters")
        result = self._solve(problem, start)
        self.table_ = table
        self.problem_ = problem
        self.result_ = result
        self.x_ = result.x
        self._set_params(result.x)
        return self

    def _solve(self, problem: Problem, x0: np.ndarray) -> SolveResult:
        return solve(problem, x0)

    def _anchor_index(self, table: ScoreTable) -> int:
        if self.anchor_benchmark is not None:
            return int(table.benchmark_names.get_loc(self.anchor_benchmark))
        # Most-covered benchmark (first on ties): its slope is the unit while fitting; the scale is re-set after.
        return int(np.argmax(table.models_per_benchmark().to_numpy()))

    def _cell_weights(self, table: ScoreTable) -> np.ndarray | None:
        bw = self.benchmark_weights
        if bw is None:
            return None
        if isinstance(bw, str):
            if bw != "domain":
                raise IrtEloError(f"benchmark_weights must be a mapping or 'domain', not {bw!r}")
            domains = table.benchmarks.get("domain", pd.Series(pd.NA, index=table.benchmarks.index))
            if domains.isna().any():
                missing = table.benchmarks.index[domains.isna().to_numpy()]
                raise IrtEloError(f"{table.name}: benchmark_weights='domain' needs a domain for every benchmark; "
                                  f"missing for {', '.join(map(repr, missing[:5]))}")
            dom = table.benchmarks["domain"].astype(str)
            per_bench = 1.0 / (dom.map(dom.value_counts()) * dom.nunique())
        elif bw and all(isinstance(v, str) for v in bw.values()):
            # A benchmark -> domain map (CAISI on data without a domain column): equal within and across domains,
            # over the benchmarks actually fitted; names the table lacks are ignored (the map may cover several
            # naming schemes).
            missing = [b for b in table.benchmark_names if b not in bw]
            if missing:
                raise IrtEloError(f"{table.name}: the benchmark -> domain map has no domain for "
                                  f"{', '.join(map(repr, missing[:5]))}; add them to the map")
            dom = pd.Series([bw[b] for b in table.benchmark_names], index=table.benchmark_names)
            per_bench = 1.0 / (dom.map(dom.value_counts()) * dom.nunique())
        else:
            unknown = [k for k in bw if k not in table.benchmark_names]
            if unknown:
                raise IrtEloError(f"benchmark_weights: unknown benchmark {unknown[0]!r}"
                                  f"{did_you_mean(unknown[0], table.benchmark_names)}")
            per_bench = pd.Series({b: float(bw.get(b, 1.0)) for b in table.benchmark_names})
            if (per_bench < 0).any() or per_bench.sum() <= 0:
                raise IrtEloError("benchmark_weights must be non-negative and not all zero")
        w = per_bench.reindex(table.benchmark_names).to_numpy(dtype=float)[table.bench_idx]
        return w / w.mean()

    def _trials(self, table: ScoreTable) -> np.ndarray | None:
        if self.loss != "binomial":
            return None
        n = questions_per_cell(table)
        if np.isnan(n).any():
            b = table.scores["benchmark"].iloc[int(np.flatnonzero(np.isnan(n))[0])]
            raise IrtEloError(f"{table.name}: loss='binomial' needs n_items (questions per benchmark); missing for "
                              f"{b!r}. Add an n_items column or use loss='bernoulli'")
        return n

    # -- identification and scale -----------------------------------------------------------------------------
    def identify(self, x: np.ndarray, layout: M.Layout | None = None,
                 table: ScoreTable | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Raw solution -> identified (theta, delta, alpha) on the fitter's logit scale.

        With an anchor benchmark: shift so its difficulty equals ``anchor_difficulty`` (Epoch). Otherwise:
        centre capabilities to mean 0 and, for a 2PL, scale them to SD 1 (slopes rescaled so predictions are kept).
        """
        layout = layout or self.problem_.layout
        table = table or self.table_
        anchor = None if self.anchor_benchmark is None else int(table.benchmark_names.get_loc(self.anchor_benchmark))
        return M.identify(*layout.unpack(np.asarray(x, dtype=float)), two_pl=self.model == "2pl", anchor=anchor,
                          anchor_difficulty=self.anchor_difficulty)

    def identification(self) -> str:
        """One sentence saying how the fitted scale is pinned down."""
        if self.anchor_benchmark is not None:
            fixed = f"slope {self.anchor_slope:g}" if self.model == "2pl" else "all slopes 1 (1PL)"
            return (f"anchor benchmark {self.anchor_benchmark!r}: difficulty {self.anchor_difficulty:g}, {fixed}; "
                    f"slopes bounded to [{self.slope_bounds[0]:g}, {self.slope_bounds[1]:g}]")
        if self.model == "1pl":
            return "1PL (all slopes 1); capabilities centred to mean 0 over fitted models"
        unit = self.table_.benchmark_names[self._anchor_index(self.table_)] if hasattr(self, "table_") else "?"
        return (f"capabilities standardised to mean 0, SD 1 over fitted models; slopes positive "
                f"(bounded to [{self.slope_bounds[0]:g}, {self.slope_bounds[1]:g}]); {unit!r} (most-covered "
                "benchmark) held at slope 1 while fitting")

    def _set_params(self, x: np.ndarray) -> None:
        table = self.table_
        theta, delta, alpha = self.identify(x)
        self.theta_ = pd.Series(theta, index=table.model_names, name="theta")
        self.delta_ = pd.Series(delta, index=table.benchmark_names, name="delta")
        self.alpha_ = pd.Series(alpha, index=table.benchmark_names, name="alpha")
        self.scale_spec_ = self._scale_spec()
        self.scale_ = self.scale_spec_.calibrate(self.theta_)
        self.identification_ = self.identification()
        self.capability_ = pd.Series(self.scale_.capability(theta), index=table.model_names, name="capability")
        self.difficulty_ = pd.Series(self.scale_.difficulty(delta), index=table.benchmark_names, name="difficulty")
        self.slope_ = pd.Series(self.scale_.slope(alpha), index=table.benchmark_names, name="slope")
        for stale in ("bootstrap_", "standard_errors_"):  # uncertainty of a previous fit
            self.__dict__.pop(stale, None)
        prec = getattr(getattr(self, "result_", None), "precision", None)
        if prec is not None:
            self.precision_ = pd.Series(prec, index=table.benchmark_names, name="precision")
        elif hasattr(self, "precision_"):
            del self.precision_
        self.models_, self.benchmarks_ = self.frames()

    def frames(self, scale: ScaleSpec | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per-model and per-benchmark result tables on the fitted scale or another one.

        Returns
        -------
        models : DataFrame
            ``model``, ``capability``, ``n_benchmarks`` and the table's model metadata, in data order.
        benchmarks : DataFrame
            ``benchmark``, ``difficulty``, ``slope``, ``n_models`` and benchmark metadata.
        """
        self._check_fitted()
        lm = self.scale_ if scale is None else (make_scale(scale) if isinstance(scale, str) else scale).calibrate(
            self.theta_)
        t = self.table_
        models = pd.DataFrame({
            "model": t.model_names,
            "capability": lm.capability(self.theta_.to_numpy()),
            "n_benchmarks": t.benchmarks_per_model().to_numpy(),
        })
        boot, se = (getattr(self, "bootstrap_", None), getattr(self, "standard_errors_", None)) if scale is None \
            else (None, None)
        if se is not None:
            models.insert(2, "se", se.capability.to_numpy())
        if boot is not None:
            ci = boot.ci(what="capability")
            models.insert(2, "ci_low", ci["ci_low"].to_numpy())
            models.insert(3, "ci_high", ci["ci_high"].to_numpy())
        models = pd.concat([models, t.models.reset_index(drop=True)], axis=1)
        benches = pd.DataFrame({
            "benchmark": t.benchmark_names,
            "difficulty": lm.difficulty(self.delta_.to_numpy()),
            "slope": lm.slope(self.alpha_.to_numpy()),
            "n_models": t.models_per_benchmark().to_numpy(),
            "is_anchor": t.benchmark_names == (self.anchor_benchmark or ""),
        })
        if hasattr(self, "precision_"):
            benches.insert(4, "precision", self.precision_.to_numpy())
        if se is not None:
            benches.insert(2, "difficulty_se", se.difficulty.to_numpy())
            benches.insert(benches.columns.get_loc("slope") + 1, "slope_se", se.slope.to_numpy())
        if boot is not None:
            for what in ("difficulty", "slope"):
                ci = boot.ci(what=what)
                at = benches.columns.get_loc(what) + 1 + (se is not None)
                benches.insert(at, f"{what}_ci_low", ci["ci_low"].to_numpy())
                benches.insert(at + 1, f"{what}_ci_high", ci["ci_high"].to_numpy())
        benches = pd.concat([benches, t.benchmarks.reset_index(drop=True)], axis=1)
        return models, benches

    # -- use ------------------------------------------------------------------------------------------------------
    def predict(self, models: Sequence[str] | None = None, benchmarks: Sequence[str] | None = None, *,
                interval: float | None = None, seed: int = 12345, n_boot: int = 500) -> pd.DataFrame:
        """Predicted scores (fractions).

        Without ``interval``: the expected score of every requested model × benchmark, as a models × benchmarks
        frame. With ``interval`` (e.g. 0.9): one row per cell, ``model``, ``benchmark``, ``predicted``, ``pi_low``,
        ``pi_high`` (a predictive interval: parameter uncertainty from the bootstrap draws plus the residual spread
        of a score around its expected value, see :mod:`irt_elo.fit.frozen`) and ``observed`` where the fit saw the
        cell. The bootstrap (``n_boot`` draws, ``seed``) is run first when the fitter has none.

        Examples
        --------
        >>> import irt_elo
        >>> f = irt_elo.fit()
        >>> f.bootstrap(n_boot=50, seed=1, n_jobs=1).n_boot
        50
        >>> p = f.predict(["GPT-5"], ["Winogrande", "HLE"], interval=0.9)
        >>> bool(((p["pi_low"] <= p["predicted"]) & (p["predicted"] <= p["pi_high"])).all())
        True
        """
        frame = self._predict_frame(models, benchmarks)
        if interval is None:
            return frame
        from irt_elo.fit.frozen import predict_cells

        cells = frame.rename_axis(index="model", columns="benchmark").stack().rename("predicted").reset_index()
        seen = self.table_.scores.set_index(["model", "benchmark"])["score"]
        cells["score"] = seen.reindex(pd.MultiIndex.from_frame(cells[["model", "benchmark"]])).to_numpy()
        out = predict_cells(self.freeze(n_boot=n_boot, seed=seed), cells[["model", "benchmark", "score"]],
                            interval=interval, seed=seed)
        return out

    def freeze(self, draws: Any = None, *, n_boot: int = 500, seed: int = 12345) -> Any:
        """This fit's benchmark side, frozen, for scoring new models
        (:class:`~irt_elo.fit.frozen.FrozenScale`). ``draws``: parameter draws of this fit (e.g. Epoch's own, for
        a fit of that release); default: the fitter's bootstrap, run first (``n_boot`` draws, ``seed``) when it has
        none."""
        from irt_elo.fit.frozen import FrozenScale

        self._check_fitted()
        if draws is None and getattr(self, "bootstrap_", None) is None:
            self.bootstrap(n_boot=n_boot, seed=seed)
        return FrozenScale.from_fitter(self, draws)

    def score(self, new: ScoreTable | pd.DataFrame, *, draws: Any = None, level: float = 0.90, seed: int = 12345,
              replace: bool = False, n_boot: int = 500) -> Any:
        """Place new models on this fit's frozen scale: no benchmark parameter and no other model moves.

        Each new model gets the capability that minimises this fit's own loss over its scores with every benchmark
        held fixed, and an interval that carries both its own measurement error (few benchmarks: wide) and the
        benchmark parameters' uncertainty (from ``draws``, default this fit's bootstrap, run first when missing).
        Benchmarks the fit does not know are listed in ``ignored``; a model whose scores all sit at a benchmark's
        ceiling (floor) gets no point value and an interval open on that side. See
        :func:`irt_elo.fit.frozen.score_models`; :func:`irt_elo.analysis.newmodels.place_new_models` adds how many
        months each trails the closed frontier.

        Examples
        --------
        >>> import irt_elo
        >>> f = irt_elo.fit()
        >>> new = irt_elo.datasets.load_epoch_eci().scores.query("model == 'Claude Opus 5'")
        >>> s = f.score(new, replace=True, n_boot=50)
        >>> bool(abs(s.summary.loc[0, "capability"] - f.capability_["Claude Opus 5"]) < 1e-4)  # its fitted value
        True
        """
        from irt_elo.fit.frozen import score_models

        return score_models(self.freeze(draws, n_boot=n_boot, seed=seed), new, level=level, seed=seed,
                            replace=replace)

    def next_benchmark(self, model: str, scores: pd.DataFrame | None = None, *, level: float = 0.90,
                       target_width: float | None = None, n_boot: int = 500, seed: int = 12345) -> Any:
        """Which benchmark ``model`` should run next: the ones it has not run, ranked by how much each would narrow
        its capability interval, and how many it takes to reach ``target_width``
        (:func:`irt_elo.fit.frozen.next_benchmarks`). ``scores``: the model's scores when it is not in this fit
        (long frame: ``benchmark``, ``score``)."""
        from irt_elo.fit.frozen import next_benchmarks

        self._check_fitted()
        if scores is not None:
            from irt_elo.data.table import ScoreTable, check_frame

            if isinstance(scores, ScoreTable):
                scores = scores.scores
            check_frame(scores, "scores", "a long frame (benchmark, score)")
        if scores is None:
            if model not in self.table_.model_names:
                raise IrtEloError(f"model {model!r} is not in this fit{did_you_mean(model, self.table_.model_names)}; "
                                  "pass its scores (scores=...) to place it first")
            scores = self.table_.scores[self.table_.scores["model"] == model]
        if "model" in scores and not (scores["model"] == model).any():
            raise IrtEloError(f"the scores given hold no rows of model {model!r} (models: "
                              f"{', '.join(map(str, pd.unique(scores['model'])[:3]))})")
        scores = scores.assign(model=model) if "model" not in scores else scores[scores["model"] == model]
        return next_benchmarks(self.freeze(n_boot=n_boot, seed=seed), scores, level=level,
                               target_width=target_width)

    def residuals(self) -> pd.DataFrame:
        """Observed minus predicted score for every fitted cell."""
        self._check_fitted()
        t = self.table_
        pred = self._link(self.problem_.design.linear_predictor(self.x_))
        out = t.scores[["model", "benchmark", "score"]].copy()
        out["predicted"] = pred
        out["residual"] = out["score"] - pred
        return out

    def bootstrap(self, n_boot: int = 500, seed: int = 12345, level: float = 0.90, **kwargs: Any) -> Any:
        """Epoch's stratified bootstrap (see :func:`irt_elo.fit.uncertainty.bootstrap`); stores it in ``bootstrap_``
        and adds ``ci_low``/``ci_high`` to ``models_`` and ``summary`` (and difficulty/slope intervals to
        ``benchmarks_``). Returns the :class:`~irt_elo.fit.uncertainty.BootstrapResult`."""
        from irt_elo.fit.uncertainty import bootstrap

        self._check_fitted()
        self.bootstrap_ = bootstrap(self, n_boot, seed, level, **kwargs)
        self.models_, self.benchmarks_ = self.frames()
        return self.bootstrap_

    def standard_errors(self, **kwargs: Any) -> Any:
        """Hessian standard errors (see :func:`irt_elo.fit.uncertainty.standard_errors`); stores them in
        ``standard_errors_`` and adds ``se`` columns to ``models_`` / ``benchmarks_``."""
        from irt_elo.fit.uncertainty import standard_errors

        self._check_fitted()
        self.standard_errors_ = standard_errors(self, **kwargs)
        self.models_, self.benchmarks_ = self.frames()
        return self.standard_errors_

    def _check_fitted(self) -> None:
        if not hasattr(self, "x_"):
            raise IrtEloError("this Fitter is not fitted yet; call .fit(table) first")

    def __repr__(self) -> str:
        state = f"fitted on {self.table_!r}" if hasattr(self, "x_") else "not fitted"
        return f"Fitter(name={self.name!r}, model={self.model!r}, loss={self.loss!r}, ridge={self.ridge:g}; {state})"


class CaisiFitter(Fitter):
    """The Fitter of the ``caisi`` preset: its benchmark subset names each CAISI benchmark twice, as CAISI and as
    Epoch spell it.

    Of those known names (:func:`benchmark_domains`), the ones the table has are fitted: CAISI's own table has
    CAISI's names, Epoch's data Epoch's. Any other name in ``benchmarks`` must be in the table, as for a plain
    :class:`~irt_elo.fit.Fitter`.

    Examples
    --------
    >>> from irt_elo.datasets import load_caisi_table
    >>> f = Fitter.from_preset("caisi").fit(load_caisi_table())
    >>> f.table_.n_benchmarks
    9
    """

    def prepare(self, data: Any) -> Any:
        table = data if isinstance(data, ScoreTable) else from_frame(data)
        if self.benchmarks is None:
            return super().prepare(table)
        have = set(table.benchmark_names)
        known = set(benchmark_domains())
        keep = [b for b in self.benchmarks if b in have or b not in known]
        if not any(b in have for b in keep):
            raise IrtEloError(f"{table.name}: none of the CAISI benchmarks ({', '.join(list(self.benchmarks)[:4])}, "
                              "...) is in the data; pass benchmarks=None (--benchmarks) to choose others")
        return super(CaisiFitter, self.clone(benchmarks=keep)).prepare(table)


def fit(data: ScoreTable | pd.DataFrame | None = None, preset: str = "eci", **overrides: Any) -> Fitter:
    """Fit a preset to data (default: the bundled Epoch 2026-08-11 snapshot with the ``eci`` preset).

    Examples
    --------
    >>> import irt_elo
    >>> f = irt_elo.fit()
    >>> f.summary.loc[0, "model"] in set(f.table_.model_names)
    True
    """
    if data is None:
        from irt_elo.data.datasets import load_epoch_eci

        data = load_epoch_eci()
    return Fitter.from_preset(preset, **overrides).fit(data)


__all__ = ["Fitter", "CaisiFitter", "fit", "rank_models", "questions_per_cell", "OptionsMixin", "RankedModelMixin"]
