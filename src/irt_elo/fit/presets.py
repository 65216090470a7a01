"""Method presets: named, documented bundles of fit, data and scale options.

A preset is data, not code: a frozen record of :class:`~irt_elo.fit.Fitter` options, so that the same table can be
fitted "as Epoch does" or "as CAISI does" and the two compared option by option (see :mod:`irt_elo.analysis.compare`).
"""
from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from irt_elo.core.scale import ELO_3X_PER_LOGIT, ELO_PER_LOGIT, Elo, TwoAnchor
from irt_elo.errors import IrtEloError, did_you_mean


@dataclass(frozen=True)
class Preset:
    """A named set of :class:`~irt_elo.fit.Fitter` options with a description and its source."""

    name: str
    description: str
    options: Mapping[str, Any] = field(default_factory=dict)
    reference: str = ""
    fitter_class: str = "Fitter"  # 'Fitter', or 'CaisiFitter' (subset given under CAISI's and Epoch's names)


ECI = Preset(
    name="eci",
    description=(
        "Epoch Capabilities Index: 2PL, least squares on the probability scale, ridge 0.1 over all parameters / "
        "their count, C and D in [-10, 10], slopes in [0.1, 10], scores clipped to [1e-3, 1-1e-3], Winogrande "
        "anchor (D = 0, slope 1), N(0, 0.1^2) start with seed 42, trust-region-reflective solver; models with >= 4 "
        "benchmarks released from 2023-01-01; ECI scale Claude 3.5 Sonnet = 130, GPT-5 = 150."),
    options=MappingProxyType(dict(
        model="2pl", loss="least_squares", ridge=0.1, penalty="l2", clip=1e-3,
        theta_bounds=(-10.0, 10.0), difficulty_bounds=(-10.0, 10.0), slope_bounds=(0.1, 10.0),
        anchor_benchmark="Winogrande", anchor_difficulty=0.0, anchor_slope=1.0,
        min_benchmarks=4, since="2023-01-01", scale=TwoAnchor(), init_sd=0.1, random_state=42)),
    reference="https://epoch.ai/data/eci-documentation/methodology; github.com/epoch-research/eci-public",
)

DEFAULT = Preset(
    name="default",
    description=(
        "Works on any table: 2PL, least squares, ridge 1e-3 (inside the range Epoch found stable), slopes in "
        "[0.1, 10], capabilities standardised to mean 0 and SD 1; logit scale."),
    options=MappingProxyType(dict(model="2pl", loss="least_squares", ridge=1e-3, scale="logit", random_state=0)),
)


# --------------------------------------------------------------------------------------------------------------------
# CAISI (NIST) IRT-Elo. The benchmark subset and the domain map live in small CSV files shipped with the package
# (``irt_elo/presets_data/``) so that they can be read and edited without touching code.

DATA_DIR = Path(__file__).resolve().parent / "presets_data"
CAISI_DOMAINS = ("Cyber", "Software engineering", "Science", "Abstract reasoning", "Math")
# CAISI's offset is not published; putting Claude Opus 4.6 at its CAISI rating makes fits read on CAISI's scale.
CAISI_ANCHOR: tuple[str, float] = ("Claude Opus 4.6", 999.0)


def _read_rows(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    if not path.exists():
        raise IrtEloError(f"{path}: missing method data file; reinstall irt-elo")
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


@lru_cache(maxsize=None)
def _caisi_rows() -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(tuple(r.items()) for r in _read_rows("caisi_benchmarks.csv"))


def caisi_benchmarks():  # -> pandas.DataFrame
    """CAISI's nine benchmarks with their domain and the matching benchmark in Epoch's data.

    Read from ``irt_elo/presets_data/caisi_benchmarks.csv``: columns ``caisi_benchmark``, ``domain``,
    ``epoch_benchmark`` (blank when Epoch has none), ``match`` (``same``, ``variant``, ``stand-in`` or ``none``)
    and ``note``.

    Examples
    --------
    >>> b = caisi_benchmarks()
    >>> len(b), sorted(b["domain"].unique()) == sorted(CAISI_DOMAINS)
    (9, True)
    """
    import pandas as pd

    return pd.DataFrame([dict(r) for r in _caisi_rows()])


def caisi_epoch_benchmarks(stand_ins: bool = True) -> list[str]:
    """Names in Epoch's data of the CAISI benchmarks (``stand_ins=False`` keeps only same/variant matches).

    Examples
    --------
    >>> caisi_epoch_benchmarks(stand_ins=False)
    ['SWE-Bench verified', 'GPQA diamond', 'ARC-AGI-2', 'OTIS Mock AIME 2024-2025']
    """
    keep = {"same", "variant"} | ({"stand-in"} if stand_ins else set())
    rows = [dict(r) for r in _caisi_rows()]
    return [r["epoch_benchmark"] for r in rows if r["match"] in keep and r["epoch_benchmark"]]


@lru_cache(maxsize=None)
def _domain_rows() -> tuple[tuple[str, str], ...]:
    rows = [(r["benchmark"], r["domain"]) for r in _read_rows("benchmark_domains.csv")]
    rows += [(dict(r)["caisi_benchmark"], dict(r)["domain"]) for r in _caisi_rows()]
    return tuple(rows)


def benchmark_domains() -> dict[str, str]:
    """Benchmark -> domain for every benchmark of the bundled Epoch data and CAISI's nine (both namings).

    From ``irt_elo/presets_data/benchmark_domains.csv`` and ``caisi_benchmarks.csv``; pass it as
    ``Fitter(benchmark_weights=benchmark_domains())`` for CAISI's weighting (equal per benchmark within a domain,
    equal per domain) on a table without a ``domain`` column.

    Examples
    --------
    >>> d = benchmark_domains()
    >>> d["GPQA diamond"], d["GPQA-Diamond"]
    ('Science', 'Science')
    """
    return dict(_domain_rows())


def caisi_scale(three_x: bool = False, anchor: tuple[str, float] | None = CAISI_ANCHOR) -> Elo:
    """CAISI's Elo scale: 400/ln 10 points per logit, or exactly 3x odds per 200 points (``three_x``).

    Examples
    --------
    >>> round(caisi_scale(three_x=True).points_per_logit, 1)
    182.0
    """
    return Elo(ELO_3X_PER_LOGIT if three_x else ELO_PER_LOGIT, anchor)


CAISI = Preset(
    name="caisi",
    description=(
        "CAISI (NIST) IRT-Elo as far as aggregate scores allow: 1PL (all slopes 1), fractional-Bernoulli "
        "likelihood (CAISI's item-level Bernoulli on per-benchmark fractions), each benchmark weighted equally "
        "within its domain and the five domains equally, ridge 1e-3, scores clipped to [1e-3, 1-1e-3]; CAISI's "
        "nine benchmarks (Epoch's names where Epoch has them or a stand-in, see presets_data/caisi_benchmarks.csv); "
        "models with >= 3 of them released from 2023-01-01; Elo scale 400/ln 10 per logit with Claude Opus 4.6 = 999 "
        "(its CAISI rating; CAISI's offset is not published)."),
    options=MappingProxyType(dict(
        model="1pl", loss="bernoulli", ridge=1e-3, penalty="l2", clip=1e-3,
        theta_bounds=(-10.0, 10.0), difficulty_bounds=(-10.0, 10.0),
        benchmarks=tuple(caisi_epoch_benchmarks() + [dict(r)["caisi_benchmark"] for r in _caisi_rows()]),
        benchmark_weights=MappingProxyType(benchmark_domains()),
        min_benchmarks=3, since="2023-01-01", scale=caisi_scale(), init_sd=0.1, random_state=0)),
    reference="https://www.nist.gov/news-events/news/2026/05/caisi-evaluation-deepseek-v4-pro",
    fitter_class="CaisiFitter",
)

ROSETTA = Preset(
    name="rosetta",
    description=(
        "The fit of Epoch's 'A Rosetta Stone for AI Benchmarks' paper (Ho et al., arXiv 2512.00193): 2PL, plain least "
        "squares on the probability scale, no ridge, no clipping, Winogrande anchor (D = 0, slope 1), slopes in "
        "[1e-3, 10]; models with > 3 benchmarks released from 2022-11-01; logit scale."),
    options=MappingProxyType(dict(
        model="2pl", loss="least_squares", ridge=0.0, penalty="none", clip=0.0,
        theta_bounds=(-10.0, 10.0), difficulty_bounds=(-10.0, 10.0), slope_bounds=(1e-3, 10.0),
        anchor_benchmark="Winogrande", anchor_difficulty=0.0, anchor_slope=1.0,
        min_benchmarks=4, since="2022-11-01", scale="logit", random_state=42)),
    reference="arXiv 2512.00193; github.com/epoch-research/benchmark-stitching",
)

#: Fitter options of the paper's cross-validation fit (the 'rosetta' preset: plain least squares, Winogrande anchored
#: at difficulty 0 and slope 1) without its data filters, which :func:`irt_elo.data.readers.rosetta.read_rosetta`
#: applies already.
PAPER_FIT_OPTIONS = {k: v for k, v in ROSETTA.options.items() if k not in ("min_benchmarks", "since")}

PRESETS: dict[str, Preset] = {p.name: p for p in (ECI, DEFAULT, CAISI, ROSETTA)}


def register_preset(preset: Preset) -> None:
    """Add (or replace) a preset by name.

    Examples
    --------
    >>> register_preset(Preset("eci-small-ridge", "eci with ridge 1e-3", {**ECI.options, "ridge": 1e-3}))
    >>> get_preset("eci-small-ridge").options["ridge"]
    0.001
    >>> del PRESETS["eci-small-ridge"]
    """
    PRESETS[preset.name] = preset


def get_preset(name: str) -> Preset:
    """Look up a preset by name.

    Examples
    --------
    >>> get_preset("eci").options["anchor_benchmark"]
    'Winogrande'
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise IrtEloError(f"unknown preset {name!r}{did_you_mean(name, PRESETS)}; "
                          f"available: {', '.join(PRESETS)}") from None
