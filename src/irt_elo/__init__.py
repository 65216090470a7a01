"""irt-elo: recompute AI capability indices (Epoch's ECI, CAISI's IRT-Elo) with item response theory.

The package is layered like the pipeline; each layer imports only from the layers before it:

1. :mod:`irt_elo.core`: the math (2PL/1PL model, solver, scale maps); numpy and scipy only.
2. :mod:`irt_elo.data`: score and response tables, format detection and one reader per foreign layout,
   bundled datasets (:mod:`irt_elo.datasets`), simulators.
3. :mod:`irt_elo.plots`: matplotlib figures drawn from the results they are handed.
4. :mod:`irt_elo.fit`: ``Fitter``, ``ItemFitter``, ``BayesFitter`` (torch loads only there), presets,
   bootstrap and standard errors, the parallel executor.
5. :mod:`irt_elo.analysis`: capabilities and frontiers, gaps, trends, compare, robustness, harness, diagnostics,
   new models on a frozen scale, published claims, forecasts.
6. :mod:`irt_elo.report`: the HTML report.
7. :mod:`irt_elo.cli`: the ``irt-elo`` command.

Names below load on first use, so ``import irt_elo`` stays light.
"""
from __future__ import annotations

import sys

from irt_elo._lazy import MovedModules, attach

_NAMES = {
    # data
    "ScoreTable": "irt_elo.data.table", "from_frame": "irt_elo.data.table", "from_wide": "irt_elo.data.table",
    "read_table": "irt_elo.data.detect", "datasets": "irt_elo.datasets:",
    "read_release": "irt_elo.data.readers.epoch_release", "list_vintages": "irt_elo.data.vintages",
    "ResponseTable": "irt_elo.data.responses", "read_responses": "irt_elo.data.responses",
    "responses_from_frame": "irt_elo.data.responses", "simulate_responses": "irt_elo.data.simulate",
    "simulate_scores": "irt_elo.data.simulate",
    # core
    "Problem": "irt_elo.core.solve", "solve": "irt_elo.core.solve",
    "LinearMap": "irt_elo.core.scale", "TwoAnchor": "irt_elo.core.scale", "Elo": "irt_elo.core.scale",
    "Logit": "irt_elo.core.scale", "make_scale": "irt_elo.core.scale", "ELO_PER_LOGIT": "irt_elo.core.scale",
    "ELO_3X_PER_LOGIT": "irt_elo.core.scale",
    # fit
    "Fitter": "irt_elo.fit.fitter", "fit": "irt_elo.fit:", "ItemFitter": "irt_elo.fit.items",
    "BayesFitter": "irt_elo.fit.bayes", "Preset": "irt_elo.fit.presets", "PRESETS": "irt_elo.fit.presets",
    "get_preset": "irt_elo.fit.presets", "bootstrap": "irt_elo.fit.uncertainty",
    "BootstrapResult": "irt_elo.fit.uncertainty", "standard_errors": "irt_elo.fit.uncertainty",
    "StandardErrors": "irt_elo.fit.uncertainty", "FrozenScale": "irt_elo.fit.frozen",
    # analysis
    "Capabilities": "irt_elo.analysis.capabilities", "gap": "irt_elo.analysis.gap:",
    "GapResult": "irt_elo.analysis.gap", "model_lag": "irt_elo.analysis.gap",
    "MethodSpec": "irt_elo.analysis.compare", "Question": "irt_elo.analysis.compare",
    "gap_by_vintage": "irt_elo.analysis.vintages", "gap_all_vintages": "irt_elo.analysis.vintages",
    "decompose": "irt_elo.analysis.compare", "diagnose": "irt_elo.analysis.diagnostics",
    "cross_validate": "irt_elo.analysis.diagnostics", "predictive_check": "irt_elo.analysis.diagnostics",
    "place_new_models": "irt_elo.analysis.newmodels", "next_benchmark_simulation": "irt_elo.analysis.newmodels",
    "check_claims": "irt_elo.analysis.claims", "forecast": "irt_elo.analysis.forecast",
    "backtest": "irt_elo.analysis.forecast", "vintage_backtest": "irt_elo.analysis.forecast",
    # report
    "build_report": "irt_elo.report",
    # errors and version (package metadata is read only when asked)
    "IrtEloError": "irt_elo.errors", "__version__": "irt_elo._version",
}
__getattr__, __dir__ = attach(__name__, _NAMES)
__all__ = list(_NAMES)

# The module paths of the previous release (one flat package) keep importing, as the moved modules, for one release.
_MOVED = {
    **{f"irt_elo.{m}": f"irt_elo.core.{m}" for m in ("model", "optim", "scale")},
    "irt_elo.responses": "irt_elo.data.responses", "irt_elo.readers": "irt_elo.data.readers",
    **{f"irt_elo.readers.{m}": f"irt_elo.data.readers.{m}" for m in ("epoch_eci", "epoch_hub", "rosetta", "caisi")},
    **{f"irt_elo.{m}": f"irt_elo.fit.{m}" for m in ("presets", "uncertainty", "executor", "items", "bayes")},
    "irt_elo.frontier": "irt_elo.analysis.capabilities",
    **{f"irt_elo.{m}": f"irt_elo.analysis.{m}" for m in ("gap", "trends", "compare", "robustness", "harness",
                                                         "diagnostics")},
}
if not any(isinstance(f, MovedModules) for f in sys.meta_path):
    # First in line: a moved submodule (irt_elo.readers.epoch_hub) would otherwise load a second time, under its old
    # name, from the moved package's folder.
    sys.meta_path.insert(0, MovedModules(_MOVED, warn=frozenset(_MOVED) - {"irt_elo.gap"}))  # irt_elo.gap stays
