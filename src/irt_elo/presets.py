"""Method presets: named, documented bundles of fit, data and scale options.

A preset is data, not code: a frozen record of :class:`~irt_elo.fit.Fitter` options, so that the same table can be
fitted "as Epoch does" or "as CAISI does" and the two compared option by option (see :mod:`irt_elo.compare`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import IrtEloError, did_you_mean
from .scale import TwoAnchor


@dataclass(frozen=True)
class Preset:
    """A named set of :class:`~irt_elo.fit.Fitter` options with a description and its source."""

    name: str
    description: str
    options: Mapping[str, Any] = field(default_factory=dict)
    reference: str = ""

    def fitter(self, **overrides: Any):  # -> Fitter (import cycle kept out of the signature)
        """A new :class:`~irt_elo.fit.Fitter` with this preset's options, some overridden."""
        from .fit import Fitter

        opts = {**self.options, **overrides}
        opts.setdefault("name", self.name)
        return Fitter(**opts)


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

PRESETS: dict[str, Preset] = {p.name: p for p in (ECI, DEFAULT)}


def register_preset(preset: Preset) -> None:
    """Add (or replace) a preset by name."""
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
