"""Scale maps: from raw logit-scale parameters to a published index.

Every map is linear in capability, ``value = intercept + per_logit * theta``, applied to difficulties too, with
slopes divided by ``per_logit`` so that predictions ``sigmoid(slope * (value_m - value_b))`` are unchanged.

* :class:`TwoAnchor` — Epoch's ECI: two named models at two values (Claude 3.5 Sonnet = 130, GPT-5 = 150).
* :class:`Elo` — ``points_per_logit`` points per logit (400/ln 10 as in chess/LMArena, or 200/ln 3 for
  CAISI's "200 points = 3x odds") and one named model at a chosen rating (or the model mean at ``base``).
* :class:`Logit` — the raw parameters as fitted.

A *spec* (``TwoAnchor``, ``Elo``, ``Logit``) knows how to calibrate itself from fitted capabilities; the result is a
:class:`LinearMap`. Bootstrap draws re-calibrate the same spec on their own capabilities.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from irt_elo.errors import IrtEloError, did_you_mean

ELO_PER_LOGIT = 400.0 / math.log(10.0)  # 173.7: one logit in chess/LMArena Elo points
ELO_3X_PER_LOGIT = 200.0 / math.log(3.0)  # 182.0: "every 200 points = 3x the odds" exactly

ECI_ANCHORS: tuple[tuple[str, float], ...] = (("Claude 3.5 Sonnet", 130.0), ("GPT-5", 150.0))


@dataclass(frozen=True)
class LinearMap:
    """``value = intercept + per_logit * theta``; slopes on the new scale are ``alpha / per_logit``.

    Examples
    --------
    >>> m = LinearMap(100.0, 20.0, "eci")
    >>> float(m.capability(1.5)), float(m.theta(m.capability(1.5))), float(m.slope(2.0))
    (130.0, 1.5, 0.1)
    """

    intercept: float
    per_logit: float
    name: str = "logit"
    description: str = ""

    def capability(self, theta: np.ndarray | float) -> np.ndarray | float:
        return self.intercept + self.per_logit * np.asarray(theta, dtype=float)

    difficulty = capability

    def theta(self, value: np.ndarray | float) -> np.ndarray | float:
        """Inverse of :meth:`capability`."""
        return (np.asarray(value, dtype=float) - self.intercept) / self.per_logit

    def slope(self, alpha: np.ndarray | float) -> np.ndarray | float:
        return np.asarray(alpha, dtype=float) / self.per_logit

    def slope_logit(self, slope: np.ndarray | float) -> np.ndarray | float:
        """Inverse of :meth:`slope`."""
        return np.asarray(slope, dtype=float) * self.per_logit

    def compose(self, other: LinearMap) -> LinearMap:
        """The map ``self(other(theta))``."""
        return LinearMap(self.intercept + self.per_logit * other.intercept, self.per_logit * other.per_logit,
                         self.name, self.description)


def align_map(theta: np.ndarray, reference: np.ndarray) -> LinearMap:
    """The linear map that puts ``theta`` (one refit's capabilities) on the footing of ``reference`` (the central
    fit's), for a scale fixed only up to ``a + b * theta`` (standardised or centred identification).

    The draw is regressed on the reference, ``theta ~ c + d * reference``, and the inverse ``(theta - c) / d`` is
    returned. The regression runs in this direction because the reference is the fixed footing and the draw carries
    the resampling noise: with ``theta = gauge(reference + noise)`` and noise independent of the reference, ``c`` and
    ``d`` estimate the gauge without bias, while the reverse regression (reference on draw) would shrink every draw
    toward the reference by the reliability ratio. The mapped draw has the reference's mean exactly. Slopes map as
    ``alpha * d`` (:meth:`LinearMap.slope`), so predictions are unchanged. A degenerate draw (no variation, or a
    non-positive association with the reference) gets the identity map.

    Examples
    --------
    >>> ref = np.array([-1.0, 0.0, 1.0])
    >>> m = align_map(2.0 * ref + 0.5, ref)
    >>> m.capability(2.0 * ref + 0.5).round(12).tolist(), float(m.slope(1.0))
    ([-1.0, 0.0, 1.0], 2.0)
    """
    theta, reference = np.asarray(theta, dtype=float), np.asarray(reference, dtype=float)
    rc = reference - reference.mean()
    var = float(rc @ rc)
    if theta.size < 2 or not var > 0:
        return LinearMap(0.0, 1.0, "aligned")
    d = float((theta - theta.mean()) @ rc) / var
    if not (np.isfinite(d) and d > 0):
        return LinearMap(0.0, 1.0, "aligned")
    c = float(theta.mean()) - d * float(reference.mean())
    return LinearMap(-c / d, 1.0 / d, "aligned")


def _lookup(theta: Mapping[str, float], name: str) -> float:
    if name not in theta.keys():
        raise IrtEloError(f"anchor model {name!r} is not in the data{did_you_mean(name, theta.keys())}")
    return float(theta[name])


@dataclass(frozen=True)
class TwoAnchor:
    """Two named models pinned to two values (Epoch's ECI: Claude 3.5 Sonnet = 130, GPT-5 = 150)."""

    anchors: tuple[tuple[str, float], tuple[str, float]] = ECI_ANCHORS  # type: ignore[assignment]
    name: str = "eci"

    def __post_init__(self) -> None:
        if len(self.anchors) != 2:
            raise IrtEloError(f"the {self.name} scale needs exactly two anchors NAME=VALUE, got {len(self.anchors)}")
        (n1, v1), (n2, v2) = self.anchors
        for n, v in self.anchors:
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not math.isfinite(v):
                raise IrtEloError(f"anchor {n!r}: the value must be a finite number, not {v!r}")
        if n1 == n2:
            raise IrtEloError(f"the two anchors are the same model {n1!r}; give two different models")
        if v1 == v2:
            raise IrtEloError(f"the two anchors have the same value {v1:g}; give two different values")

    def calibrate(self, theta: Mapping[str, float]) -> LinearMap:
        (n1, v1), (n2, v2) = self.anchors
        t1, t2 = _lookup(theta, n1), _lookup(theta, n2)
        if t1 == t2:
            raise IrtEloError(f"anchors {n1!r} and {n2!r} have identical fitted capability; choose other anchors")
        b = (v2 - v1) / (t2 - t1)
        return LinearMap(v1 - b * t1, b, self.name, f"{n1} = {v1:g}, {n2} = {v2:g}")


@dataclass(frozen=True)
class Elo:
    """Elo points: ``points_per_logit`` per logit, ``anchor`` model at its rating (or the mean model at ``base``)."""

    points_per_logit: float = ELO_PER_LOGIT
    anchor: tuple[str, float] | None = None
    base: float = 1000.0
    name: str = "elo"

    def __post_init__(self) -> None:
        k = self.points_per_logit
        if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)) or not (
                k > 0 and math.isfinite(k)):
            raise IrtEloError(f"points per logit must be a positive finite number (e.g. 173.7), not {k!r}")
        if self.anchor is not None and not (isinstance(self.anchor[1], (int, float, np.integer, np.floating))
                                            and math.isfinite(self.anchor[1])):
            raise IrtEloError(f"Elo anchor {self.anchor[0]!r}: the rating must be a finite number, not "
                              f"{self.anchor[1]!r}")

    def calibrate(self, theta: Mapping[str, float]) -> LinearMap:
        k = self.points_per_logit
        per = f"{k:.1f} points per logit ({math.exp(200.0 / k):.2f}x odds per 200 points)"
        if self.anchor is None:
            # a dict, or a pandas Series (array-like; not a registered Mapping)
            values = list(theta.values()) if isinstance(theta, Mapping) else theta
            mean = float(np.mean(np.asarray(values, dtype=float)))
            return LinearMap(self.base - k * mean, k, self.name, f"mean model = {self.base:g}; {per}")
        n, v = self.anchor
        return LinearMap(v - k * _lookup(theta, n), k, self.name, f"{n} = {v:g}; {per}")


@dataclass(frozen=True)
class Logit:
    """The raw fitted scale."""

    name: str = "logit"

    def calibrate(self, theta: Mapping[str, float]) -> LinearMap:  # noqa: ARG002 - same signature as the others
        return LinearMap(0.0, 1.0, self.name, "raw logit scale")


ScaleSpec = TwoAnchor | Elo | Logit


def anchor_models(spec: ScaleSpec) -> list[str]:
    """Names of the models a scale spec is pinned to (none for the logit scale or an unanchored Elo).

    Examples
    --------
    >>> anchor_models(TwoAnchor()), anchor_models(Elo()), anchor_models(Elo(anchor=("GPT-5", 1500.0)))
    (['Claude 3.5 Sonnet', 'GPT-5'], [], ['GPT-5'])
    """
    if isinstance(spec, TwoAnchor):
        return [n for n, _ in spec.anchors]
    if isinstance(spec, Elo) and spec.anchor is not None:
        return [spec.anchor[0]]
    return []


SCALE_LABELS = {"eci": "ECI", "elo": "Elo", "logit": "logit"}


def scale_label(name: str) -> str:
    """How a scale is written in text: 'eci' -> 'ECI', 'elo' -> 'Elo'; other names unchanged.

    Examples
    --------
    >>> scale_label("eci"), scale_label("Elo"), scale_label("my-index")
    ('ECI', 'Elo', 'my-index')
    """
    return SCALE_LABELS.get(str(name).lower(), str(name))


def parse_anchors(items: Sequence[str] | Mapping[str, float] | None) -> list[tuple[str, float]]:
    """Parse ``["GPT-5=150", ...]`` (or a mapping) into (name, value) pairs.

    Examples
    --------
    >>> parse_anchors(["Claude 3.5 Sonnet=130", "GPT-5=150"])
    [('Claude 3.5 Sonnet', 130.0), ('GPT-5', 150.0)]
    """
    if items is None:
        return []
    if isinstance(items, Mapping):
        items = [f"{k}={v}" for k, v in items.items()]
    out = []
    for it in items:
        name, sep, value = str(it).rpartition("=")
        if not sep or not name.strip():
            raise IrtEloError(f"anchor {it!r} is not NAME=VALUE (e.g. 'GPT-5=150')")
        try:
            v = float(value)
        except ValueError:
            raise IrtEloError(f"anchor {it!r}: {value!r} is not a number") from None
        if not math.isfinite(v):  # nan or inf would turn every capability into nan/inf
            raise IrtEloError(f"anchor {it!r}: the value must be a finite number (e.g. 'GPT-5=150')")
        out.append((name.strip(), v))
    return out


def make_scale(kind: str, anchors: Sequence[str] | Mapping[str, float] | None = None, *,
               points_per_logit: float | None = None) -> ScaleSpec:
    """Build a scale spec from CLI-style options.

    Parameters
    ----------
    kind : {'eci', 'elo', 'logit'}
    anchors : list of 'NAME=VALUE' or mapping, optional
        Two anchors for ``eci`` (default Claude 3.5 Sonnet = 130, GPT-5 = 150); at most one for ``elo``
        (default: mean model = 1000).
    points_per_logit : float, optional
        Elo points per logit (default 400/ln 10 = 173.7).

    Examples
    --------
    >>> make_scale("elo", ["GPT-5=1500"]).anchor
    ('GPT-5', 1500.0)
    """
    pairs = parse_anchors(anchors)
    if kind == "eci":
        if pairs and len(pairs) != 2:
            raise IrtEloError(f"the eci scale needs two anchors NAME=VALUE, got {len(pairs)}")
        return TwoAnchor(tuple(pairs)) if pairs else TwoAnchor()  # type: ignore[arg-type]
    if kind == "elo":
        if len(pairs) > 1:
            raise IrtEloError(f"the elo scale takes one anchor NAME=RATING, got {len(pairs)}")
        # 0 is a value to refuse (Elo checks it), not a request for the default
        return Elo(ELO_PER_LOGIT if points_per_logit is None else points_per_logit, pairs[0] if pairs else None)
    if kind == "logit":
        if pairs:
            raise IrtEloError("the logit scale takes no anchors")
        return Logit()
    raise IrtEloError(f"unknown scale {kind!r}; use eci, elo or logit")
