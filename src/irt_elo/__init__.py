"""irt-elo: recompute AI capability indices (Epoch's ECI, CAISI's IRT-Elo) with item response theory.

The pipeline, one module each:

* data: :mod:`irt_elo.data` (score tables), :mod:`irt_elo.readers` (Epoch, hub, Rosetta, CAISI layouts),
  :mod:`irt_elo.responses` (item-level responses), :mod:`irt_elo.datasets` (bundled real data);
* model and fit: :mod:`irt_elo.model` (the 2PL math), :mod:`irt_elo.optim`, :mod:`irt_elo.fit` (``Fitter``),
  :mod:`irt_elo.items` (``ItemFitter``), :mod:`irt_elo.bayes` (``BayesFitter``, Pyro; torch loads only there);
* scale: :mod:`irt_elo.scale` (ECI, Elo, logit), :mod:`irt_elo.presets` (eci, caisi, default, rosetta);
* uncertainty: :mod:`irt_elo.uncertainty` (bootstrap, standard errors) on :mod:`irt_elo.executor`;
* analyses: :mod:`irt_elo.frontier`, :mod:`irt_elo.gap`, :mod:`irt_elo.trends`, :mod:`irt_elo.compare`,
  :mod:`irt_elo.robustness`, :mod:`irt_elo.harness`, :mod:`irt_elo.diagnostics`;
* output: :mod:`irt_elo.plots`, and the ``irt-elo`` command (:mod:`irt_elo.cli`).
"""
from __future__ import annotations

from . import datasets
from ._version import __version__
from .bayes import BayesFitter
from .compare import MethodSpec, Question, decompose
from .data import ScoreTable, from_frame, from_wide, read_table
from .diagnostics import cross_validate, diagnose
from .errors import IrtEloError
from .fit import Fitter, Problem, fit, solve
from .frontier import Capabilities
from .gap import GapResult, model_lag
from .items import ItemFitter
from .presets import PRESETS, Preset, get_preset
from .responses import ResponseTable, read_responses, responses_from_frame, simulate_responses
from .scale import ELO_3X_PER_LOGIT, ELO_PER_LOGIT, Elo, LinearMap, Logit, TwoAnchor, make_scale
from .uncertainty import BootstrapResult, StandardErrors, bootstrap, standard_errors

__all__ = [
    # data
    "ScoreTable", "read_table", "from_frame", "from_wide", "datasets",
    "ResponseTable", "read_responses", "responses_from_frame", "simulate_responses",
    # fit
    "Fitter", "Problem", "fit", "solve", "ItemFitter", "BayesFitter",
    # scale and presets
    "LinearMap", "TwoAnchor", "Elo", "Logit", "make_scale", "ELO_PER_LOGIT", "ELO_3X_PER_LOGIT",
    "Preset", "PRESETS", "get_preset",
    # uncertainty
    "bootstrap", "BootstrapResult", "standard_errors", "StandardErrors",
    # analyses
    "Capabilities", "GapResult", "model_lag", "MethodSpec", "Question", "decompose", "diagnose", "cross_validate",
    "IrtEloError", "__version__",
]
