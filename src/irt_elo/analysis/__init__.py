"""Questions asked of fitted capabilities: capabilities and frontiers (:mod:`.capabilities`), the open-vs-closed
gap (:mod:`.gap`), frontier trends (:mod:`.trends`), presets side by side and the decomposition (:mod:`.compare`),
benchmark-choice robustness (:mod:`.robustness`), harness control (:mod:`.harness`), model checking
(:mod:`.diagnostics`) and new models on a frozen scale (:mod:`.newmodels`)."""
from __future__ import annotations

from irt_elo._lazy import attach

_NAMES = {
    "Capabilities": "irt_elo.analysis.capabilities", "frontier": "irt_elo.analysis.capabilities",
    "GapResult": "irt_elo.analysis.gap", "model_lag": "irt_elo.analysis.gap",
    "MethodSpec": "irt_elo.analysis.compare", "Question": "irt_elo.analysis.compare",
    "compare": "irt_elo.analysis.compare:", "decompose": "irt_elo.analysis.compare",
    "diagnose": "irt_elo.analysis.diagnostics", "cross_validate": "irt_elo.analysis.diagnostics",
    "harness_control": "irt_elo.analysis.harness", "frontier_trend": "irt_elo.analysis.trends",
    "gap_by_vintage": "irt_elo.analysis.vintages", "gap_all_vintages": "irt_elo.analysis.vintages",
    "predictive_check": "irt_elo.analysis.diagnostics", "place_new_models": "irt_elo.analysis.newmodels",
    "frozen_vs_refit": "irt_elo.analysis.newmodels", "later_release_check": "irt_elo.analysis.newmodels",
    "next_benchmark_simulation": "irt_elo.analysis.newmodels",
    "check_claims": "irt_elo.analysis.claims", "ClaimsResult": "irt_elo.analysis.claims",
}
__getattr__, __dir__ = attach(__name__, _NAMES)
__all__ = list(_NAMES)
