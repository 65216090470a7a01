"""Estimation: :class:`Fitter` (aggregate 2PL/1PL, :mod:`.fitter`), :class:`ItemFitter` (item level, :mod:`.items`),
:class:`BayesFitter` (Pyro; torch is imported only there, :mod:`.bayes`), presets (:mod:`.presets`), bootstrap and
standard errors (:mod:`.uncertainty`), the one parallel map they run on (:mod:`.executor`), and a fit frozen to
score new models, predict unseen cells and choose the next benchmark (:mod:`.frozen`).

``irt_elo.fit(...)`` is also callable: it is :func:`irt_elo.fit.fitter.fit`, the one-call fit of a preset.
"""
from __future__ import annotations

import sys
import types
from typing import Any

from irt_elo._lazy import attach

_NAMES = {
    "Fitter": "irt_elo.fit.fitter", "CaisiFitter": "irt_elo.fit.fitter", "fit": "irt_elo.fit.fitter",
    "ItemFitter": "irt_elo.fit.items", "BayesFitter": "irt_elo.fit.bayes",
    "Preset": "irt_elo.fit.presets", "PRESETS": "irt_elo.fit.presets", "get_preset": "irt_elo.fit.presets",
    "bootstrap": "irt_elo.fit.uncertainty", "BootstrapResult": "irt_elo.fit.uncertainty",
    "standard_errors": "irt_elo.fit.uncertainty", "StandardErrors": "irt_elo.fit.uncertainty",
    "parallel_map": "irt_elo.fit.executor", "FrozenScale": "irt_elo.fit.frozen",
    # names the flat irt_elo.fit module of the previous release had
    "Problem": "irt_elo.core.solve", "SolveResult": "irt_elo.core.solve", "solve": "irt_elo.core.solve",
    "loss_functions": "irt_elo.core.solve", "questions_per_cell": "irt_elo.fit.fitter",
    "OptionsMixin": "irt_elo.fit.fitter", "RankedModelMixin": "irt_elo.fit.fitter",
}
__getattr__, __dir__ = attach(__name__, _NAMES)
__all__ = list(_NAMES)


class _CallableModule(types.ModuleType):
    """The package keeps the name of the one-call fit, so ``irt_elo.fit()`` works as it always has."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from irt_elo.fit.fitter import fit

        return fit(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule  # documented for modules since Python 3.5 (data model, 3.3.2.1)
