"""irt-elo: recompute AI capability indices (Epoch's ECI, CAISI's IRT-Elo) with item response theory.

Pipeline: data (:mod:`irt_elo.data`, :mod:`irt_elo.readers`) -> model math (:mod:`irt_elo.model`) ->
fit (:mod:`irt_elo.fit`) -> scale (:mod:`irt_elo.scale`) -> analyses -> plots / CLI.
"""
from __future__ import annotations

from .data import ScoreTable, from_frame, from_wide, read_table
from .errors import IrtEloError
from .fit import Fitter, Problem, fit, solve
from .presets import PRESETS, Preset, get_preset
from .scale import ELO_3X_PER_LOGIT, ELO_PER_LOGIT, Elo, LinearMap, Logit, TwoAnchor, make_scale
from . import datasets
from .frontier import Capabilities  # noqa: F401  (gap analyses: irt_elo.gap, irt_elo.trends)
from .gap import GapResult, model_lag  # noqa: F401
from .compare import MethodSpec, Question, decompose  # noqa: F401  (irt_elo.compare.compare: the side by side)
from .uncertainty import BootstrapResult, StandardErrors, bootstrap, standard_errors  # noqa: F401  (runs on irt_elo.executor.parallel_map)
from .diagnostics import cross_validate, diagnose  # noqa: F401  (model checking: irt_elo.diagnostics)
from .responses import ResponseTable, read_responses, responses_from_frame, simulate_responses  # noqa: F401  (item-level data)
from .items import ItemFitter  # noqa: F401  (item-level 1PL/2PL: MML-EM and joint MAP)
from .bayes import BayesFitter  # noqa: F401  (Bayesian 2PL/1PL with Pyro; torch/pyro load only when a fit runs)
from ._version import __version__


__all__ = [
    "ScoreTable", "read_table", "from_frame", "from_wide", "IrtEloError",
    "Fitter", "Problem", "fit", "solve",
    "Preset", "PRESETS", "get_preset",
    "LinearMap", "TwoAnchor", "Elo", "Logit", "make_scale", "ELO_PER_LOGIT", "ELO_3X_PER_LOGIT",
    "datasets", "__version__",
]
