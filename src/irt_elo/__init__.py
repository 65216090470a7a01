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
from ._version import __version__


__all__ = [
    "ScoreTable", "read_table", "from_frame", "from_wide", "IrtEloError",
    "Fitter", "Problem", "fit", "solve",
    "Preset", "PRESETS", "get_preset",
    "LinearMap", "TwoAnchor", "Elo", "Logit", "make_scale", "ELO_PER_LOGIT", "ELO_3X_PER_LOGIT",
    "datasets", "__version__",
]
