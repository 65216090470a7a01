"""Published headline figures that irt-elo recomputes (METHODS.md §2-§3; data/PROVENANCE.md "Published headline
numbers"): reference data for tables, tests and plots, kept in one place."""
from __future__ import annotations

from typing import Any

PUBLISHED: dict[str, dict[str, Any]] = {
    "epoch-2025": dict(
        source="Epoch AI data insight, 30 Oct 2025",
        url="https://epoch.ai/data-insights/open-weights-vs-closed-weights-models",
        data="Epoch ECI as of Oct 2025 (not bundled; closest bundled vintage: epoch_eci_2025-12-19)",
        window=("2023-01-01", "2025-10-30"), gap_months=3.5, gap_months_low=1.1, gap_months_high=5.3,
        gap_points=7.0, gap_points_low=0.0, gap_points_high=14.0,
        note="the published '90% CI' is the 5th-95th percentile spread of the per-level / per-day gaps"),
    "epoch-2026": dict(
        source="Epoch AI data insight, 29 May 2026", url="https://epoch.ai/data-insights/open-closed-eci-gap",
        data="Epoch ECI as of May 2026 (closest bundled vintage: epoch_eci_2026-08-11)",
        window=("2026-01-01", "2026-05-28"), gap_months=4.0, gap_months_low=None, gap_months_high=None,
        gap_points=8.0, gap_points_low=7.0, gap_points_high=11.0,
        note="the 7-11 point interval is quoted by a secondary source (techjacksolutions.com)"),
    "caisi": dict(
        source="CAISI evaluation of DeepSeek V4 Pro, 1 May 2026",
        url="https://www.nist.gov/news-events/news/2026/05/caisi-evaluation-deepseek-v4-pro",
        data="CAISI IRT-Elo, 16 benchmarks x 35 models (not public)", model="DeepSeek-V4-Pro", gap_months=8.0,
        note="V4 Pro matches GPT-5, released about 8 months earlier"),
}

# The two headlines `irt-elo compare` answers, keyed by question: Epoch's May-2026 gap and CAISI's V4 Pro lag.
PUBLISHED_HEADLINES: dict[str, dict[str, Any]] = {
    question: {**{k: v for k, v in PUBLISHED[method].items() if k.startswith("gap_") and v is not None},
               "source": f"{PUBLISHED[method]['source']} ({PUBLISHED[method]['url']})"}
    for question, method in (("epoch", "epoch-2026"), ("caisi", "caisi"))
}

__all__ = ["PUBLISHED", "PUBLISHED_HEADLINES"]
