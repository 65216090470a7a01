"""Fitted capabilities with intervals, model groups and running-best ("SOTA") frontiers.

:class:`Capabilities` is the common input of the gap and trend analyses: one row per model with its capability,
interval, release date and group, from a fitted :class:`~irt_elo.fit.Fitter` (optionally with bootstrap draws) or
from a published table such as Epoch's ``eci_scores.csv``. :func:`frontier` returns the running-best models of one
group by release date.

Uncertainty enters in one of two ways, and every analysis says which it used:

* **bootstrap draws** (``Capabilities.draws``, draws x models on the same scale): paired, so comparisons between two
  models keep the correlation that a shared refit induces;
* **CI-derived sigma** when only an interval is known: ``sigma = (ci_high - ci_low) / (2 z)`` with ``z`` the normal
  quantile of the interval's level (1.645 for Epoch's 90% intervals, as IAPS does). Models treated as independent.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri  # normal quantile; scipy.stats costs 0.4 s of import time

from irt_elo.core.scale import scale_label
from irt_elo.data.readers.capabilities import is_capability_table, read_capability_file, standard_capability_frame
from irt_elo.data.table import primary_country
from irt_elo.errors import IrtEloError, did_you_mean, normalise_name

FRAME_COLUMNS = ("capability", "ci_low", "ci_high", "release_date", "group", "organization", "country")
GROUPINGS = ("open", "country", "organization", "closed-us")
US = "United States of America"

# Short names a user may type for a country group (Epoch spells countries out in full).
COUNTRY_ALIASES = {
    "us": "United States of America", "usa": "United States of America", "united states": "United States of America",
    "uk": "United Kingdom of Great Britain and Northern Ireland",
    "united kingdom": "United Kingdom of Great Britain and Northern Ireland",
    "prc": "China", "cn": "China", "uae": "United Arab Emirates",
}


def z_for_level(level: float) -> float:
    """Two-sided normal quantile of a central interval: 1.645 for 90%, 1.960 for 95%.

    Examples
    --------
    >>> round(z_for_level(0.90), 3)
    1.645
    """
    if not 0.0 < float(level) < 1.0:
        raise IrtEloError(f"interval level {level!r} must lie strictly between 0 and 1 (e.g. 0.90)")
    return float(ndtri(0.5 + float(level) / 2.0))


def _closed_us(f: pd.DataFrame) -> pd.Series:
    """'closed US' (closed weights, first listed country the United States), 'open', or 'other' per model."""
    ow = f["open_weights"].astype("boolean") if "open_weights" in f else \
        f["group"].map({"open": True, "closed": False}).astype("boolean")
    country = f["country"].astype(object) if "country" in f else pd.Series(pd.NA, index=f.index)
    us = primary_country(country).eq(US).fillna(False).to_numpy(dtype=bool)
    is_open = ow.fillna(False).to_numpy(dtype=bool)
    is_closed = (ow == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712 - elementwise on a nullable series
    return pd.Series(np.where(is_open, "open", np.where(is_closed & us, "closed US", "other")), index=f.index)


def vintage_label(name: str | Path) -> str:
    """A short data-vintage label from a file path: the dated folder (``epoch_eci_2026-08-11``) or the file stem.

    Examples
    --------
    >>> vintage_label("data/benchmarks/epoch_eci_2025-12-19/eci_scores.csv")
    'epoch_eci_2025-12-19'
    """
    p = Path(str(name))
    if re.search(r"\d{4}-\d{2}(-\d{2})?", p.parent.name):
        return p.parent.name
    return p.stem if p.suffix else p.name


@dataclass(frozen=True)
class Capabilities:
    """Per-model capabilities with intervals, release dates and groups; the input of gaps and trends.

    Parameters
    ----------
    frame : DataFrame
        Indexed by model name, with ``capability``, ``ci_low``, ``ci_high`` (NaN where unknown, e.g. scale
        anchors), ``release_date`` (datetime64), ``group`` (label such as 'open'/'closed', NA when unknown) and,
        when known, ``organization``, ``country``, ``open_weights``, ``display_name``.
    draws : DataFrame, optional
        Bootstrap draws x models on the same scale (columns = models in ``frame``).
    scale : str
        Name of the capability scale (e.g. 'ECI', 'Elo', 'logit').
    source : str
        Data vintage label, e.g. ``'epoch_eci_2026-08-11'``.
    level : float
        Level of the ``ci_low``/``ci_high`` interval (0.90 for Epoch's files).
    grouping : str
        What ``group`` holds: 'open' (open vs closed weights), 'country', 'organization' or 'custom'.
    per_logit : float, optional
        Capability points per logit-scale ("raw") unit, when known (ECI: about 19.7), to report raw slopes.
    """

    frame: pd.DataFrame
    draws: pd.DataFrame | None = field(default=None, repr=False)
    scale: str = "ECI"
    source: str = ""
    level: float = 0.90
    grouping: str = "open"
    per_logit: float | None = None

    def __post_init__(self) -> None:
        f = self.frame
        if not isinstance(f, pd.DataFrame):
            raise IrtEloError("Capabilities.frame must be a DataFrame indexed by model name")
        if "capability" not in f:
            raise IrtEloError(f"capability table has no 'capability' column (found: {', '.join(map(str, f.columns))})")
        if f.index.has_duplicates:
            dup = f.index[f.index.duplicated()][0]
            raise IrtEloError(f"model {dup!r} appears twice in the capability table; keep one row per model")
        f = f.copy()
        f.index = f.index.astype(str)
        f.index.name = "model"
        for c in ("ci_low", "ci_high"):
            if c not in f:
                f[c] = np.nan
            f[c] = pd.to_numeric(f[c], errors="coerce").astype(float)
        f["capability"] = pd.to_numeric(f["capability"], errors="coerce").astype(float)
        if f["capability"].isna().any():
            bad = f.index[f["capability"].isna()][0]
            raise IrtEloError(f"model {bad!r} has no capability value; drop the row")
        for c in ("capability", "ci_low", "ci_high"):  # inf would silently win every frontier and widen every sigma
            if np.isinf(f[c].to_numpy()).any():
                bad = f.index[np.isinf(f[c].to_numpy())][0]
                raise IrtEloError(f"model {bad!r}: {c} is infinite; give a finite value or drop the row")
        rev = (f["ci_low"] > f["ci_high"]).to_numpy()
        if rev.any():
            bad = f.index[rev][0]
            raise IrtEloError(f"model {bad!r}: ci_low {f.loc[bad, 'ci_low']:g} is above ci_high "
                              f"{f.loc[bad, 'ci_high']:g}; swap them or fix the row")
        if "release_date" not in f:
            f["release_date"] = pd.NaT
        f["release_date"] = pd.to_datetime(f["release_date"], errors="coerce")
        if "group" not in f:
            f["group"] = pd.NA
        f["group"] = f["group"].astype("string")
        object.__setattr__(self, "frame", f)
        z_for_level(self.level)
        if self.draws is not None:
            d = self.draws
            if not isinstance(d, pd.DataFrame):
                raise IrtEloError("Capabilities.draws must be a DataFrame (draws x models)")
            missing = [m for m in f.index if m not in d.columns]
            if missing:
                raise IrtEloError(f"bootstrap draws lack {len(missing)} model(s), e.g. {missing[0]!r}; "
                                  "draws must cover every model in the table")
            d = d.loc[:, list(f.index)].astype(float)
            if len(d) < 2:
                raise IrtEloError("bootstrap draws need at least 2 rows")
            if np.isinf(d.to_numpy()).any():
                bad = d.columns[np.isinf(d.to_numpy()).any(axis=0)][0]
                raise IrtEloError(f"bootstrap draws of model {bad!r} include an infinite value; fix or drop the draw")
            object.__setattr__(self, "draws", d.reset_index(drop=True))

    # -- constructors -------------------------------------------------------------------------------------------
    @classmethod
    def from_scores(cls, data: pd.DataFrame | str | Path, *, source: str | None = None, level: float = 0.90,
                    scale: str = "ECI", per_logit: float | None = None) -> Capabilities:
        """Capabilities from a published table such as Epoch's ``eci_scores.csv``.

        ``data`` is a path (read with :func:`irt_elo.data.readers.epoch_eci.read_eci_scores` when it has Epoch's
        columns, else as a generic table with ``model``, ``capability``, ``ci_low``, ``ci_high``, ``release_date``
        and optionally ``group``/``open_weights``/``accessibility``, ``organization``, ``country``) or a DataFrame
        in either layout.

        Examples
        --------
        >>> from irt_elo.datasets import load_epoch_eci_scores
        >>> caps = Capabilities.from_scores(load_epoch_eci_scores("2025-12-19"), source="epoch_eci_2025-12-19")
        >>> float(caps.frame.loc["GPT-5", "capability"]), caps.source
        (150.0, 'epoch_eci_2025-12-19')
        """
        if isinstance(data, (str, Path)):
            path = Path(data)
            df = read_capability_file(path)
            source = source or vintage_label(path)
        elif isinstance(data, pd.DataFrame):
            df = standard_capability_frame(data, "capability table")
        else:
            raise IrtEloError(f"Capabilities.from_scores needs a DataFrame or a path, not {type(data).__name__}")
        frame = df.set_index("model")
        return cls(frame=frame, scale=scale, source=source or "scores", level=level, grouping="open",
                   per_logit=per_logit)

    @classmethod
    def from_release(cls, release: Any, *, draws: bool = True) -> Capabilities:
        """The published capabilities of one of Epoch's releases (an
        :class:`~irt_elo.data.readers.epoch_release.EpochRelease`), with Epoch's own bootstrap draws when the release
        has them and ``draws`` is true. The draws reproduce the published intervals (checked when the release is read);
        ``uncertainty='draws'`` in :func:`irt_elo.analysis.gap.gap` then runs the paired test on them.
        """
        caps = cls.from_scores(release.eci_scores, source=f"Epoch release {release.vintage}")
        # What eci_scores.csv leaves unknown (accessibility, organisation, country), the release's
        # model_metadata.csv may know: the fit input's model table holds both, joined.
        f, meta = caps.frame.copy(), release.table.models
        for col in ("open_weights", "organization", "country"):
            if col in f and col in meta:
                f[col] = f[col].fillna(meta[col].reindex(f.index)) if col != "open_weights" else \
                    f[col].astype("boolean").fillna(meta[col].reindex(f.index).astype("boolean"))
        if "open_weights" in f:
            f["group"] = f["group"].fillna(f["open_weights"].map({True: "open", False: "closed"}).astype("string"))
        caps = replace(caps, frame=f)
        if not draws or release.draws is None:
            return caps
        d = release.draws.capability
        missing = [m for m in caps.frame.index if m not in d.columns]
        if missing:
            raise IrtEloError(f"{release.source}: eci_bootstraps.json has no draws for {len(missing)} published "
                              f"model(s), e.g. {missing[0]!r}")
        return replace(caps, draws=d.loc[:, list(caps.frame.index)])

    @classmethod
    def from_fitter(cls, fitter: Any, bootstrap: Any = None, level: float = 0.90, *,
                    source: str | None = None) -> Capabilities:
        """Capabilities of a fitted :class:`~irt_elo.fit.Fitter`, with percentile intervals from ``bootstrap``.

        ``bootstrap`` is a result of :func:`irt_elo.fit.uncertainty.bootstrap` (its capability draws, draws x models on
        the fitter's output scale) or such a DataFrame. Without it the intervals are NaN and only the point-estimate
        catch-up criterion applies.
        """
        if not hasattr(fitter, "models_"):
            raise IrtEloError("this Fitter is not fitted yet; call .fit(table) first")
        m = fitter.models_.set_index("model")
        frame = m.drop(columns=[c for c in ("ci_low", "ci_high") if c in m])
        draws = _draws_from(bootstrap)
        if draws is not None:
            lo, hi = (1.0 - level) / 2.0, (1.0 + level) / 2.0
            d = draws.reindex(columns=frame.index)
            frame["ci_low"] = d.quantile(lo).to_numpy()
            frame["ci_high"] = d.quantile(hi).to_numpy()
            # Models whose every draw equals the estimate (scale anchors) have no interval, as in Epoch's files.
            fixed = (d.max() - d.min()).to_numpy() <= 1e-9 * np.maximum(1.0, np.abs(frame["capability"].to_numpy()))
            frame.loc[fixed, ["ci_low", "ci_high"]] = np.nan
            draws = d
        else:
            frame["ci_low"] = np.nan
            frame["ci_high"] = np.nan
        label = source or f"{getattr(fitter, 'name', 'fit')} fit of {vintage_label(fitter.table_.name)}"
        name = str(getattr(fitter.scale_, "name", "capability"))
        scale = scale_label(name)
        per_logit = getattr(fitter.scale_, "per_logit", None)
        return cls(frame=frame, draws=draws, scale=scale, source=label, level=level, grouping="open",
                   per_logit=float(per_logit) if per_logit else None)

    # -- views ---------------------------------------------------------------------------------------------------
    @property
    def models(self) -> pd.Index:
        return self.frame.index

    @property
    def has_intervals(self) -> bool:
        """True when draws exist or at least one model has a finite interval."""
        return self.draws is not None or bool(self.frame[["ci_low", "ci_high"]].notna().all(axis=1).any())

    @property
    def sigma(self) -> pd.Series:
        """Symmetric standard error per model from the interval: (ci_high - ci_low) / (2 z); 0 without interval.

        Models without an interval (Epoch's two scale anchors) get 0: their value is fixed by definition.
        """
        z = z_for_level(self.level)
        s = (self.frame["ci_high"] - self.frame["ci_low"]) / (2.0 * z)
        return s.fillna(0.0).clip(lower=0.0).rename("sigma")

    def groups(self) -> pd.Series:
        """Number of models per group label (NA counted as '<NA>')."""
        return self.frame["group"].fillna("<NA>").value_counts()

    def resolve_model(self, name: str) -> str:
        """The model called ``name`` (exact, then case/punctuation-insensitive, then display name).

        Raises :class:`IrtEloError` with close matches when nothing fits.
        """
        if name in self.frame.index:
            return name
        key = normalise_name(name)
        hits = [m for m in self.frame.index if normalise_name(m) == key]
        if not hits and "display_name" in self.frame:
            dn = self.frame["display_name"].astype(object)
            hits = [m for m, d in dn.items() if isinstance(d, str) and normalise_name(d) == key]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise IrtEloError(f"model name {name!r} is ambiguous: {', '.join(map(repr, hits))}; use the exact name")
        raise IrtEloError(f"unknown model {name!r} in {self.source or 'the capability table'}"
                          f"{did_you_mean(name, self.frame.index)}")

    def resolve_group(self, label: str) -> str:
        """The group label meant by ``label`` (exact, alias such as 'US' for a country, or case-insensitive)."""
        labels = [str(x) for x in self.frame["group"].dropna().unique()]
        if label in labels:
            return label
        alias = COUNTRY_ALIASES.get(str(label).strip().lower())
        if alias in labels:
            return alias
        low = {x.lower(): x for x in labels}
        if str(label).lower() in low:
            return low[str(label).lower()]
        what = {"open": "open/closed weights", "country": "country", "organization": "organisation"}.get(
            self.grouping, self.grouping)
        raise IrtEloError(f"no model in group {label!r} (grouping by {what}; groups: "
                          f"{', '.join(sorted(labels)[:8])}{' …' if len(labels) > 8 else ''})"
                          f"{did_you_mean(str(label), labels)}")

    # -- transforms ----------------------------------------------------------------------------------------------
    def regroup(self, by: str | Mapping[str, str] | Callable[[pd.DataFrame], pd.Series] = "open", *,
                unknown: str | None = None) -> Capabilities:
        """A copy whose ``group`` column holds another grouping.

        Parameters
        ----------
        by : 'open', 'country', 'organization', 'closed-us', a column name, a mapping model -> label, or a function
            'open' gives 'open'/'closed' from the open-weights flag; 'country' uses the first listed country (Epoch
            lists joint ventures as 'A,B'); 'organization' the developer; 'closed-us' gives 'closed US' (closed
            weights, first country the United States: CAISI's frontier), 'open', and 'other'.
        unknown : str, optional
            Label for models whose group is unknown (default: left NA, i.e. in no group). ``unknown='closed'``
            reproduces analyses that count every non-open model as closed.

        Examples
        --------
        >>> from irt_elo.datasets import load_epoch_eci_scores
        >>> caps = Capabilities.from_scores(load_epoch_eci_scores()).regroup("country")
        >>> caps.frame.loc["DeepSeek-V4-Pro", "group"]
        'China'
        """
        f = self.frame.copy()
        grouping = by if isinstance(by, str) and by in GROUPINGS else "custom"
        if callable(by) and not isinstance(by, str):
            g = pd.Series(by(f), index=f.index)
        elif isinstance(by, Mapping):
            g = pd.Series({m: by.get(m, pd.NA) for m in f.index})
        elif by == "open":
            if "open_weights" in f:
                ow = f["open_weights"].astype("boolean")
                g = ow.map({True: "open", False: "closed"})
            else:
                g = f["group"]
        elif by == "closed-us":
            g = _closed_us(f)
        elif by in ("country", "organization"):
            if by not in f or f[by].isna().all():
                raise IrtEloError(f"cannot group by {by}: the capability table has no {by} column")
            g = f[by].astype(object)
            if by == "country":
                g = primary_country(g)
        elif isinstance(by, str) and by in f:
            g = f[by]
        else:
            raise IrtEloError(f"unknown grouping {by!r}; use 'open', 'country', 'organization', a column name or "
                              "a mapping model -> group")
        g = pd.Series(g, index=f.index).astype("string")
        if unknown is not None:
            g = g.fillna(unknown)
        f["group"] = g
        return replace(self, frame=f, grouping=grouping)

    def select(self, models: Sequence[str] | None = None, *, since: Any = None, until: Any = None) -> Capabilities:
        """A copy restricted to some models and/or a release-date window (inclusive)."""
        f = self.frame
        keep = np.ones(len(f), dtype=bool)
        if models is not None:
            names = [self.resolve_model(m) for m in models]
            keep &= f.index.isin(names)
        if since is not None:
            keep &= (f["release_date"] >= to_date(since, "since")).to_numpy(dtype=bool, na_value=False)
        if until is not None:
            keep &= (f["release_date"] <= to_date(until, "until")).to_numpy(dtype=bool, na_value=False)
        return self.subset(keep)

    def subset(self, mask: np.ndarray | pd.Series) -> Capabilities:
        """A copy keeping the models where ``mask`` is true (draws follow)."""
        keep = np.asarray(pd.Series(mask).astype("boolean").fillna(False), dtype=bool) \
            if not isinstance(mask, np.ndarray) else mask.astype(bool)
        # Rows of a checked table are checked: skip __post_init__'s normalisation (the gap procedures take thousands
        # of subsets per robustness run, where it cost a quarter of the time).
        out = copy.copy(self)
        object.__setattr__(out, "frame", self.frame.loc[keep])
        object.__setattr__(out, "draws", None if self.draws is None else self.draws.loc[:, keep])
        return out

    def draw_matrix(self, n_draws: int = 500, seed: int = 12345) -> tuple[np.ndarray, str]:
        """Capability draws (draws x models, in ``frame`` order) and a sentence saying where they came from.

        Bootstrap draws when present; otherwise independent split-normal draws whose lower and upper halves match
        each model's interval (parametric; models without an interval stay fixed).
        """
        if self.draws is not None:
            return self.draws.to_numpy(dtype=float), f"{len(self.draws)} bootstrap draws (paired across models)"
        if not self.has_intervals:
            raise IrtEloError("no intervals to draw from: this capability table has neither bootstrap draws nor "
                              "ci_low/ci_high; fit with a bootstrap or use the point-estimate criterion")
        if n_draws < 2:
            raise IrtEloError(f"need at least 2 draws, got {n_draws}")
        z = z_for_level(self.level)
        c = self.frame["capability"].to_numpy(float)
        s_lo = ((c - self.frame["ci_low"].to_numpy(float)) / z)
        s_hi = ((self.frame["ci_high"].to_numpy(float) - c) / z)
        s_lo = np.nan_to_num(np.clip(s_lo, 0.0, None))
        s_hi = np.nan_to_num(np.clip(s_hi, 0.0, None))
        e = np.random.default_rng(seed).standard_normal((int(n_draws), len(c)))
        out = c[None, :] + np.where(e < 0, e * s_lo[None, :], e * s_hi[None, :])
        return out, (f"{int(n_draws)} parametric draws (seed {seed}): independent split-normal per model from its "
                     f"{self.level:.0%} interval")

    def frontier(self, group: str | None = None, *, start: Any = None, end: Any = None) -> pd.DataFrame:
        """The running-best models of one group: :func:`frontier` of these capabilities."""
        return frontier(self, group, start=start, end=end)

    def to_frame(self) -> pd.DataFrame:
        """The table with ``model`` as a column and the CI-derived ``sigma`` added."""
        out = self.frame.copy()
        out["sigma"] = self.sigma
        return out.reset_index()


# --------------------------------------------------------------------------------------------------------------------
# Frontiers


def record_mask(dates: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order models by release date and flag the running-best records.

    Same-day models are ordered best first, so a day contributes at most one record (its best model).
    Returns ``(order, is_record)`` with ``is_record`` aligned to ``order``. Strictly better than every earlier
    model counts as a record; a tie does not.

    Examples
    --------
    >>> order, rec = record_mask(np.array([0, 1, 1, 3]), np.array([1.0, 0.5, 2.0, 1.5]))
    >>> order.tolist(), rec.tolist()
    ([0, 2, 1, 3], [True, True, False, False])
    """
    dates = np.asarray(dates)
    values = np.asarray(values, dtype=float)
    order = np.lexsort((-values, dates))
    v = values[order]
    prev_best = np.concatenate(([-np.inf], np.maximum.accumulate(v)[:-1])) if len(v) else v
    return order, v > prev_best


def frontier_records(dates: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Indices of the running-best records, in release order (see :func:`record_mask`).

    Examples
    --------
    >>> frontier_records(np.array([0, 1, 1, 3]), np.array([1.0, 0.5, 2.0, 1.5])).tolist()
    [0, 2]
    """
    order, rec = record_mask(dates, values)
    return order[rec]


def frontier(caps: Capabilities, group: str | None = None, *, start: Any = None, end: Any = None) -> pd.DataFrame:
    """The running-best ("SOTA") models of one group by release date, with their intervals.

    Parameters
    ----------
    caps : Capabilities
    group : str, optional
        Group label ('closed', 'open', a country such as 'US' or 'China', an organisation); None = all models.
    start, end : date-like, optional
        Only models released in [start, end] compete.

    Returns
    -------
    DataFrame
        One row per record in release order: ``model``, ``release_date``, ``capability``, ``ci_low``, ``ci_high``,
        ``sigma``, ``group``, ``previous_best`` (the record it beat), ``improvement`` (points), ``until`` (the day
        before the next record; NaT for the current one).

    Examples
    --------
    >>> from irt_elo.datasets import load_epoch_eci_scores
    >>> caps = Capabilities.from_scores(load_epoch_eci_scores())
    >>> f = frontier(caps, "open", end="2026-05-28")
    >>> f.iloc[-1]["model"]
    'Kimi K2.6'
    """
    sub = caps
    if group is not None:
        g = caps.resolve_group(group)
        sub = caps.subset((caps.frame["group"] == g).to_numpy(dtype=bool, na_value=False))
    sub = sub.select(since=start, until=end)
    f = sub.frame[sub.frame["release_date"].notna()]
    if f.empty:
        where = f" released {format_date(to_date(start)) if start is not None else 'any time'} to " \
                f"{format_date(to_date(end)) if end is not None else 'the end of the data'}" if start or end else ""
        raise IrtEloError(f"no dated model{' in group ' + repr(group) if group is not None else ''}{where}")
    idx = frontier_records(day_numbers(f["release_date"]), f["capability"].to_numpy(float))
    rec = f.iloc[idx]
    cols = [c for c in ("release_date", "capability", "ci_low", "ci_high") if c in rec]
    out = rec[cols].copy()
    out["sigma"] = sub.sigma.loc[rec.index].to_numpy()
    for c in ("group", "organization", "country", "display_name"):
        if c in rec:
            out[c] = rec[c]
    out = out.reset_index()
    out["previous_best"] = out["model"].shift(1)
    out["improvement"] = out["capability"].diff()
    out["until"] = out["release_date"].shift(-1) - pd.Timedelta(days=1)
    return out


def to_date(value: Any, what: str = "date") -> pd.Timestamp:
    """Parse a date option strictly (YYYY-MM-DD or a Timestamp); raise :class:`IrtEloError` otherwise.

    Examples
    --------
    >>> to_date("2026-05-28")
    Timestamp('2026-05-28 00:00:00')
    >>> to_date("2026-13-01", "--from")
    Traceback (most recent call last):
    ...
    irt_elo.errors.IrtEloError: --from: cannot read '2026-13-01' as a date; use YYYY-MM-DD
    """
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise IrtEloError(f"{what}: missing date")
        return value.normalize()
    try:
        ts = pd.Timestamp(str(value).strip()) if not hasattr(value, "year") else pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise IrtEloError(f"{what}: cannot read {value!r} as a date; use YYYY-MM-DD") from None
    if pd.isna(ts):
        raise IrtEloError(f"{what}: cannot read {value!r} as a date; use YYYY-MM-DD")
    return ts.normalize().tz_localize(None) if ts.tzinfo else ts.normalize()


# Dates as day numbers (days since 1970-01-01): the frontier, gap and trend arithmetic runs on these.


def day_number(ts: Any) -> int:
    return int(np.datetime64(pd.Timestamp(ts).date(), "D").astype(np.int64))


def day_numbers(dates: pd.Series) -> np.ndarray:
    return pd.to_datetime(dates).to_numpy("datetime64[D]").astype(np.int64)


def dates_from_days(days: np.ndarray) -> pd.DatetimeIndex:
    return pd.to_datetime(np.asarray(days, dtype=np.int64).astype("datetime64[D]"))


def format_date(ts: Any) -> str | None:
    """YYYY-MM-DD, or None for a missing date."""
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


# --------------------------------------------------------------------------------------------------------------------
# Reading capability tables


def _draws_from(bootstrap: Any) -> pd.DataFrame | None:
    """The capability draws (draws x models) held by a bootstrap result, or the DataFrame itself."""
    if bootstrap is None:
        return None
    if isinstance(bootstrap, pd.DataFrame):
        return bootstrap
    if callable(getattr(bootstrap, "draws", None)):  # irt_elo.fit.uncertainty.BootstrapResult
        d = bootstrap.draws("capability")
        if isinstance(d, pd.DataFrame):
            return d
    for attr in ("draws", "capability_draws", "capabilities", "capability"):
        d = getattr(bootstrap, attr, None)
        if isinstance(d, pd.DataFrame):
            return d
    raise IrtEloError(f"cannot read capability draws from {type(bootstrap).__name__}; pass the result of "
                      "irt_elo.fit.uncertainty.bootstrap or a DataFrame of draws x models")


__all__ = ["Capabilities", "frontier", "frontier_records", "record_mask", "z_for_level", "to_date",
           "vintage_label", "read_capability_file", "is_capability_table", "COUNTRY_ALIASES"]
