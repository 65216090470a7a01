"""Everything that reads, checks or makes tables: :class:`ScoreTable` (:mod:`.table`), item-level
:class:`ResponseTable` (:mod:`.responses`), format detection (:mod:`.detect`, the one module that knows every
reader), one reader per foreign layout (:mod:`.readers`), bundled datasets (:mod:`.datasets`), simulators
(:mod:`.simulate`), score sources (:mod:`.sources`) and JSON-ready records (:mod:`.records`)."""
from __future__ import annotations

from irt_elo._lazy import attach

_NAMES = {
    "ScoreTable": "irt_elo.data.table", "from_frame": "irt_elo.data.table", "from_wide": "irt_elo.data.table",
    "read_csv_strict": "irt_elo.data.table", "read_table": "irt_elo.data.detect",
    "ResponseTable": "irt_elo.data.responses", "read_responses": "irt_elo.data.responses",
    "responses_from_frame": "irt_elo.data.responses",
    "simulate_scores": "irt_elo.data.simulate", "simulate_responses": "irt_elo.data.simulate",
    "open_weights_from_accessibility": "irt_elo.data.table",
    "read_release": "irt_elo.data.readers.epoch_release", "EpochRelease": "irt_elo.data.readers.epoch_release",
    "list_vintages": "irt_elo.data.vintages", "resolve_vintage": "irt_elo.data.vintages",
}
__getattr__, __dir__ = attach(__name__, _NAMES)
__all__ = list(_NAMES)
