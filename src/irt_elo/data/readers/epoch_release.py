"""Epoch AI's ``benchmark_data.zip`` as published since September 2026, as a zip file or its unpacked folder.

Layout (``shared/data/EPOCH-RELEASE-LAYOUT-2026-09.md``; the zip may hold it under one top folder)::

    epoch_capabilities_index/processed_data_for_eci.csv   the fit input: one row per (model, benchmark), fractions
    epoch_capabilities_index/eci_scores.csv               the published ECI of this release (Model, eci, 90% CI, ...)
    epoch_capabilities_index/edi_scores.csv               the published benchmark difficulties (EDI) and slopes
    epoch_capabilities_index/eci_bootstraps.json          Epoch's own bootstrap draws (optional)
    model_metadata.csv                                    per model version: group, organisation, country, access
    benchmark_metadata.csv                                per benchmark: in_eci, random baseline, ceiling, lineage
    *.csv, README.md                                      per-benchmark raw scores and the licence (not read here)

:func:`read_release` reads it into an :class:`EpochRelease`: a :class:`~irt_elo.data.ScoreTable` of the fit input
(marked ``preset='eci'``) with the published values of the *same* release joined on (models: ``eci_published``,
``eci_published_low``, ``eci_published_high`` as :mod:`~irt_elo.data.readers.epoch_eci` does; benchmarks:
``edi_published``, ``slope_published``, ``edi_anchor``) and the metadata files attached; the published tables;
Epoch's bootstrap draws (:class:`EciDraws`, see :func:`read_eci_bootstraps`); the vintage and the source.

Metadata rules. Per model, the published ``eci_scores.csv`` row wins; ``model_metadata.csv`` fills what it leaves
blank (``Unknown`` accessibility counts as blank), first by ``model_group`` (the model as ECI names it, first
non-blank value per column in file order), then by the model's own ``model_version`` s in the fit input. Blank and
partial rows are tolerated. Comma-joined organisations and countries (``Z.ai (Zhipu AI),Tsinghua University``,
``Hong Kong,China``) are kept whole in ``organization`` / ``country``; ``primary_country`` holds the first listed
country, the one :meth:`irt_elo.analysis.capabilities.Capabilities.regroup` groups by. Per benchmark, the fit input's
release date wins, then ``benchmark_metadata.csv``'s, then ``edi_scores.csv``'s; ``in_eci``, ``random_baseline``,
``score_ceiling``, ``superseded_by`` and ``latest_successor`` (the end of the ``superseded_by`` chain) come from
``benchmark_metadata.csv``.

Vintage rule (:attr:`EpochRelease.vintage`, ``YYYY-MM-DD``): the first date written in the name of the path given
(``benchmark_data_2026-09-16.zip``; ``YYYY-MM-DD``, ``YYYY_MM_DD`` or ``YYYYMMDD``), else in the name of the folder
that holds the release inside it (a zip's top folder, or the sub-folder a folder was unpacked into, or the parent of
an ``epoch_capabilities_index`` folder given itself); else the newest modification date of the release files read
(for a zip the times its members record, for a folder the files' mtimes in UTC). Dates inside the files are not
used: they date models, not the release.

Every problem is one :class:`~irt_elo.errors.IrtEloError` line naming the file (for a zip, the path inside it):
a required file missing, a required column missing, a cell that is not a number or date, malformed JSON, draws that
do not reproduce the published intervals, published values that belong to another fit input. A zip is checked before
anything is inflated: members declaring more than :data:`MAX_UNCOMPRESSED_BYTES` in all are refused.
"""
from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from irt_elo.data.readers.epoch_eci import eci_scores_frame, epoch_eci_frame
from irt_elo.data.table import (
    ScoreTable,
    column_key,
    decode_bytes,
    from_frame,
    open_weights_from_accessibility,
    parse_bool,
    parse_csv_text,
    parse_dates,
    primary_country,
    read_bytes_limited,
    require_columns,
)
from irt_elo.errors import IrtEloError

ECI_DIR = "epoch_capabilities_index"
FIT_FILE = f"{ECI_DIR}/processed_data_for_eci.csv"
SCORES_FILE = f"{ECI_DIR}/eci_scores.csv"
EDI_FILE = f"{ECI_DIR}/edi_scores.csv"
DRAWS_FILE = f"{ECI_DIR}/eci_bootstraps.json"
MODEL_META_FILE = "model_metadata.csv"
BENCH_META_FILE = "benchmark_metadata.csv"
REQUIRED_FILES = (FIT_FILE, SCORES_FILE, EDI_FILE, MODEL_META_FILE, BENCH_META_FILE)
RELEASE_FILES = (*REQUIRED_FILES, DRAWS_FILE)
MAX_UNCOMPRESSED_BYTES = 512 * 2**20  # the September 2026 zip inflates to a few tens of MB

# Columns this reader uses (the layout note lists more; extra columns are fine).
FIT_COLUMNS = ("model", "benchmark", "performance", "date")
SCORES_NEED = ("Model", "eci", "eci_ci_low", "eci_ci_high")
EDI_COLUMNS = ("benchmark_name", "is_anchor", "edi", "estimated_slope_scaled")
MODEL_META_COLUMNS = ("model_version", "model_group", "organization", "country", "accessibility")
BENCH_META_COLUMNS = ("benchmark", "in_eci", "random_baseline", "score_ceiling", "release_date", "superseded_by")
DRAWS_KEYS = ("num_samples", "eci_scaled", "ci_level", "anchors", "scaling.per_sample_a", "scaling.per_sample_b",
              "model.ids", "model.names", "model.capability_samples", "benchmark.ids", "benchmark.names",
              "benchmark.difficulty_samples", "benchmark.slope_samples")
ANCHOR_KEYS = ("model_low", "eci_low", "model_high", "eci_high")
_HINT = "download Epoch's benchmark_data.zip again (https://epoch.ai/data/benchmark_data.zip)"
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})([-_]?)(\d{2})\2(\d{2})(?!\d)")


# --------------------------------------------------------------------------------------------------------------------
# Public results


@dataclass(frozen=True, eq=False)
class EciDraws:
    """Epoch's own bootstrap fits of one release (``eci_bootstraps.json``), on the ECI scale.

    Attributes
    ----------
    capability : DataFrame
        Draws x models (columns: the model names of ``eci_scores.csv``'s ``Model``), ECI points; the structure
        :class:`irt_elo.analysis.capabilities.Capabilities` takes as ``draws``.
    difficulty, slope : DataFrame
        Draws x benchmarks: EDI and slope per ECI point (``performance ≈ σ(slope · (ECI − EDI))``).
    scaling : DataFrame
        Each draw's affine map onto the anchored scale, ``a`` and ``b`` (``ECI = a + b · C_raw``).
    ci_level : float
        Level of the published intervals (0.9).
    anchors : mapping
        ``model_low``, ``eci_low``, ``model_high``, ``eci_high`` (Claude 3.5 Sonnet 130, GPT-5 150).
    model_ids, benchmark_ids : tuple of str
        Epoch's ids, in column order.
    source : str
        Where the draws were read (for a zip, the path inside it).
    """

    capability: pd.DataFrame
    difficulty: pd.DataFrame
    slope: pd.DataFrame
    scaling: pd.DataFrame
    ci_level: float
    anchors: Mapping[str, object]
    model_ids: tuple[str, ...] = ()
    benchmark_ids: tuple[str, ...] = ()
    source: str = ""

    @property
    def n_samples(self) -> int:
        return len(self.capability)

    @property
    def level(self) -> float:
        """The interval level (``ci_level``), named as on a bootstrap result."""
        return self.ci_level

    def draws(self, what: str = "capability") -> pd.DataFrame:
        """The draws of ``capability``, ``difficulty`` or ``slope`` (draws x names), as a bootstrap result gives
        them, so an :class:`EciDraws` can stand wherever one is taken."""
        if what not in ("capability", "difficulty", "slope"):
            raise IrtEloError(f"what must be 'capability', 'difficulty' or 'slope', not {what!r}")
        return getattr(self, what)

    def ci(self, level: float | None = None, what: str = "capability") -> pd.DataFrame:
        """Percentile intervals (``numpy.percentile``, linear) per name: ``ci_low``, ``ci_high``, ``median``."""
        level = self.ci_level if level is None else float(level)
        if not 0.0 < level < 1.0:
            raise IrtEloError(f"level must lie strictly between 0 and 1, not {level!r}")
        d = self.draws(what)
        q = np.percentile(d.to_numpy(dtype=float), [50.0 * (1.0 - level), 50.0, 50.0 * (1.0 + level)], axis=0)
        return pd.DataFrame({"ci_low": q[0], "median": q[1], "ci_high": q[2]}, index=d.columns)

    def __repr__(self) -> str:
        return (f"EciDraws({self.n_samples} draws × {self.capability.shape[1]} models, "
                f"{self.difficulty.shape[1]} benchmarks, ci_level {self.ci_level:g}, from {self.source!r})")


@dataclass(frozen=True, eq=False)
class EpochRelease:
    """One release of Epoch's ``benchmark_data.zip`` in the September-2026 layout (see :func:`read_release`).

    Attributes
    ----------
    table : ScoreTable
        The fit input (``processed_data_for_eci.csv``) with this release's published values and metadata
        attached; ``table.preset == 'eci'``.
    eci_scores : DataFrame
        The published capabilities, as :func:`~irt_elo.data.readers.epoch_eci.read_eci_scores` returns them.
    edi_scores : DataFrame
        The published benchmark difficulties, indexed by benchmark: ``is_anchor``, ``release_date``, ``edi``,
        ``slope``.
    draws : EciDraws or None
        Epoch's bootstrap draws; None when the release has no ``eci_bootstraps.json`` (or it was not asked for).
    vintage : str
        ``YYYY-MM-DD`` (see the module's vintage rule).
    source : str
        The path read.
    model_metadata, benchmark_metadata : DataFrame
        ``model_metadata.csv`` (one row per listed model version, blank rows dropped, ``primary_country`` added)
        and ``benchmark_metadata.csv`` (indexed by benchmark).
    """

    table: ScoreTable
    eci_scores: pd.DataFrame
    edi_scores: pd.DataFrame
    draws: EciDraws | None
    vintage: str
    source: str
    model_metadata: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    benchmark_metadata: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def __repr__(self) -> str:
        draws = "no draws" if self.draws is None else f"{self.draws.n_samples} bootstrap draws"
        return f"EpochRelease({self.vintage}, {self.table!r}, {len(self.eci_scores)} published ECI, {draws})"


# --------------------------------------------------------------------------------------------------------------------
# Finding and opening a release


@dataclass(frozen=True)
class _Files:
    """The release files found under one root: raw bytes, with the label messages use and recorded mtimes."""

    label: str  # the root, as messages name it ("x.zip/top" or a folder path)
    files: Mapping[str, bytes]  # release-relative POSIX path -> bytes (only RELEASE_FILES)
    mtimes: Mapping[str, datetime]  # same keys
    names: tuple[str, ...]  # names that may carry the vintage date, most specific first

    def where(self, rel: str) -> str:
        return f"{self.label}/{rel}"

    def require(self, rel: str) -> bytes:
        if rel not in self.files:
            have = ", ".join(r for r in RELEASE_FILES if r in self.files) or "none of its files"
            raise IrtEloError(f"{self.where(rel)}: missing from this Epoch release (found: {have}); the release needs "
                              f"{', '.join(REQUIRED_FILES)}; {_HINT}")
        return self.files[rel]

    def csv(self, rel: str, need: Iterable[str], what: str) -> pd.DataFrame:
        where = self.where(rel)
        df = parse_csv_text(decode_bytes(self.require(rel), where), where)
        require_columns(df, need, where, what)
        return df


def _rel_parts(name: str) -> list[str]:
    return [part for part in PurePosixPath(name).parts if part not in ("", ".", "/")]


def _zip_root(names: Iterable[str]) -> str | None:
    """The folder inside a zip that holds the release (``''`` at the top, or one top folder); None if none."""
    found: dict[str, int] = {}  # root -> 2 when it has the ECI folder, 1 when only a root metadata file
    for n in names:
        parts = _rel_parts(n)
        if not parts or parts[0] == "__MACOSX":
            continue
        for depth in (0, 1):
            root = "/".join(parts[:depth])
            if len(parts) > depth + 1 and parts[depth] == ECI_DIR:
                found[root] = 2
            elif len(parts) == depth + 1 and parts[depth] in (MODEL_META_FILE, BENCH_META_FILE):
                found.setdefault(root, 1)
    if not found:
        return None
    best = max(found.values())
    roots = sorted((r for r, k in found.items() if k == best), key=lambda r: (r.count("/") + bool(r), r))
    if len(roots) > 1 and (roots[0].count("/") + bool(roots[0])) == (roots[1].count("/") + bool(roots[1])):
        raise IrtEloError(f"the zip holds more than one Epoch release ({', '.join(repr(r + '/') for r in roots)}); "
                          "give one")
    return roots[0]


def _folder_root(p: Path) -> Path | None:
    """The folder holding the release: ``p`` itself, the parent of an ``epoch_capabilities_index`` folder given
    itself, or the one sub-folder of ``p`` that holds it (a zip unpacked with its top folder)."""
    def looks(d: Path) -> bool:
        return (d / ECI_DIR).is_dir() or (d / MODEL_META_FILE).is_file() or (d / BENCH_META_FILE).is_file()

    if (p / ECI_DIR).is_dir():
        return p
    if p.name == ECI_DIR and any((p / PurePosixPath(r).name).is_file() for r in RELEASE_FILES if r.startswith(ECI_DIR)):
        return p.parent
    subs = [d for d in sorted(p.iterdir()) if d.is_dir() and (d / ECI_DIR).is_dir()] if p.is_dir() else []
    if len(subs) > 1:
        raise IrtEloError(f"{p}: holds more than one Epoch release ({', '.join(d.name for d in subs)}); give one")
    if subs:
        return subs[0]
    return p if looks(p) else None


def is_release(path: str | os.PathLike) -> bool:
    """True for a folder or zip in Epoch's September-2026 layout (an ``epoch_capabilities_index/`` folder, or the
    root ``model_metadata.csv`` / ``benchmark_metadata.csv`` of that layout), complete or not; nothing is inflated.

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> is_release(bundled_path("epoch_hub_2026-04")), is_release(bundled_path("epoch_eci_2026-08-11"))
    (False, False)
    """
    p = Path(path)
    try:
        if p.is_dir():
            return _folder_root(p) is not None
        if p.is_file() and p.suffix.lower() == ".zip" and zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                return _zip_root(z.namelist()) is not None
    except IrtEloError:
        return True  # two releases in one place: still this layout, and read_release says why it refuses
    except (zipfile.BadZipFile, OSError):
        return False
    return False


def _open(path: str | os.PathLike) -> _Files:
    p = Path(path)
    if not p.exists():
        raise IrtEloError(f"{p}: no such file or folder; give Epoch's benchmark_data.zip or its unpacked folder")
    if p.is_dir():
        root = _folder_root(p)
        if root is None:
            raise IrtEloError(f"{p}: no {ECI_DIR}/ folder here; this is not Epoch's benchmark_data.zip (September "
                              "2026 layout) or its unpacked folder")
        files: dict[str, bytes] = {}
        mtimes: dict[str, datetime] = {}
        for rel in RELEASE_FILES:
            f = root / rel
            if f.is_file():
                files[rel] = read_bytes_limited(f)
                mtimes[rel] = datetime.fromtimestamp(f.stat().st_mtime, tz=timezone.utc)
        names = (p.name,) if root == p else (p.name, root.name)
        return _Files(str(root), files, mtimes, names)
    if not zipfile.is_zipfile(p):
        raise IrtEloError(f"{p}: not a zip file or a folder; give Epoch's benchmark_data.zip or its unpacked folder")
    try:
        with zipfile.ZipFile(p) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            declared = sum(int(i.file_size) for i in infos)
            if declared > MAX_UNCOMPRESSED_BYTES:
                big = max(infos, key=lambda i: i.file_size)
                raise IrtEloError(
                    f"{p}: refused before unpacking: its {len(infos)} members declare {declared / 2**20:,.0f} MB "
                    f"uncompressed (largest {big.filename!r}, {big.file_size / 2**20:,.0f} MB; limit "
                    f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB); Epoch's release is a few tens of MB, so this is not it")
            root = _zip_root(i.filename for i in infos)
            if root is None:
                raise IrtEloError(f"{p}: no {ECI_DIR}/ folder inside; this is not Epoch's benchmark_data.zip "
                                  "(September 2026 layout)")
            prefix = f"{root}/" if root else ""
            by_name = {"/".join(_rel_parts(i.filename)): i for i in infos}
            files, mtimes = {}, {}
            for rel in RELEASE_FILES:
                info = by_name.get(prefix + rel)
                if info is None:
                    continue
                with z.open(info) as fh:
                    data = fh.read(info.file_size + 1)
                if len(data) != info.file_size:
                    raise IrtEloError(f"{p}/{prefix}{rel}: inflates to {len(data)} bytes, not the {info.file_size} "
                                      f"its header declares; the zip is damaged or forged; {_HINT}")
                files[rel] = data
                mtimes[rel] = datetime(*info.date_time)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError) as e:
        raise IrtEloError(f"{p}: cannot read the zip ({e}); {_HINT}") from None
    label = f"{p}/{root}" if root else str(p)
    names = (p.name, root.split("/")[-1]) if root else (p.name,)
    return _Files(label, files, mtimes, names)


def release_vintage(names: Iterable[str], mtimes: Iterable[datetime]) -> str:
    """The vintage rule: the first valid date in ``names`` (in order), else the newest of ``mtimes``.

    Examples
    --------
    >>> release_vintage(["benchmark_data_2026-09-16.zip"], [])
    '2026-09-16'
    >>> release_vintage(["benchmark_data.zip", "bd_20260923"], [])
    '2026-09-23'
    >>> from datetime import datetime
    >>> release_vintage(["benchmark_data.zip"], [datetime(2026, 9, 1), datetime(2026, 9, 3, 12)])
    '2026-09-03'
    """
    for name in names:
        for m in _DATE_IN_NAME.finditer(str(name)):
            try:
                return date(int(m.group(1)), int(m.group(3)), int(m.group(4))).isoformat()
            except ValueError:
                continue
    times = list(mtimes)
    if not times:
        raise IrtEloError("cannot date this release: no date in its name and no files read")
    return max(t.date() for t in times).isoformat()


# --------------------------------------------------------------------------------------------------------------------
# The files, one by one


def _numbers(values: pd.Series, lines: np.ndarray, where: str, col: str, *, required: bool) -> pd.Series:
    s = values.astype(str).str.strip()
    out = pd.to_numeric(s.where(s != ""), errors="coerce").astype(float)
    bad = out.isna() & (s != "") | (out.isna() if required else False)
    bad = bad | ~np.isfinite(out.fillna(0.0))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        what = "is empty" if s.iloc[i] == "" else f"{s.iloc[i]!r} is not a number"
        raise IrtEloError(f"{where}: line {lines[i]}, column {col!r}: {what}")
    return out


def _text(values: pd.Series) -> pd.Series:
    s = values.astype("string").str.strip()
    return s.mask(s == "").astype("string")


def _scores(src: _Files) -> tuple[pd.DataFrame, int]:
    return _scores_from(src.require(SCORES_FILE), src.where(SCORES_FILE))


def _scores_from(data: bytes, where: str) -> tuple[pd.DataFrame, int]:
    """``eci_scores.csv`` as :func:`read_eci_scores` gives it, plus the decimals it prints its intervals with."""
    raw = parse_csv_text(decode_bytes(data, where), where)
    require_columns(raw, SCORES_NEED, where, "not Epoch's eci_scores layout")
    out = eci_scores_frame(raw, where)
    printed = pd.concat([raw["eci_ci_low"], raw["eci_ci_high"]]).astype(str).str.strip()
    printed = printed[printed != ""]
    if printed.empty:  # no interval printed at all (e.g. a header-only file): the default of Epoch's files
        return out, 2
    decimals = printed.str.partition(".")[2].str.len()
    return out, int(decimals.max())


def _edi(src: _Files) -> pd.DataFrame:
    where = src.where(EDI_FILE)
    df = src.csv(EDI_FILE, EDI_COLUMNS, "not Epoch's edi_scores layout")
    lines = df["_line"].to_numpy()
    names = df["benchmark_name"].astype(str).str.strip()
    if (names == "").any():
        i = int(np.flatnonzero((names == "").to_numpy())[0])
        raise IrtEloError(f"{where}: line {lines[i]}, column 'benchmark_name': empty benchmark name")
    out = pd.DataFrame({
        "benchmark": names.to_numpy(),
        "is_anchor": parse_bool(df["is_anchor"], lines, where, "is_anchor").fillna(False).astype(bool).to_numpy(),
        "release_date": (parse_dates(df["benchmark_release_date"], lines, where, "benchmark_release_date",
                                     release=False).to_numpy()
                         if "benchmark_release_date" in df else pd.NaT),
        "edi": _numbers(df["edi"], lines, where, "edi", required=True).to_numpy(),
        "slope": _numbers(df["estimated_slope_scaled"], lines, where, "estimated_slope_scaled",
                          required=True).to_numpy(),
    })
    dup = out["benchmark"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise IrtEloError(f"{where}: line {lines[i]}: benchmark {out['benchmark'].iloc[i]!r} appears twice")
    return out.set_index("benchmark")


def _model_metadata(src: _Files) -> pd.DataFrame:
    where = src.where(MODEL_META_FILE)
    df = src.csv(MODEL_META_FILE, MODEL_META_COLUMNS, "not Epoch's model_metadata layout")
    lines = df["_line"].to_numpy()
    out = pd.DataFrame(index=df.index)
    for c in ("model_version", "model_group", "display_name", "organization", "country", "accessibility"):
        out[c] = _text(df[c]) if c in df else pd.Series(pd.NA, index=df.index, dtype="string")
    out["release_date"] = parse_dates(df["date"], lines, where, "date") if "date" in df else pd.NaT
    out["training_compute_flop"] = (_numbers(df["training_compute_flop"], lines, where, "training_compute_flop",
                                             required=False) if "training_compute_flop" in df else np.nan)
    out["primary_country"] = primary_country(out["country"])
    out["_line"] = lines
    # Blank and partial rows are tolerated: a row names a version or a group, or it says nothing.
    keep = out["model_version"].notna() | out["model_group"].notna()
    return out[keep].reset_index(drop=True)


def _bench_metadata(src: _Files) -> pd.DataFrame:
    where = src.where(BENCH_META_FILE)
    df = src.csv(BENCH_META_FILE, BENCH_META_COLUMNS, "not Epoch's benchmark_metadata layout")
    lines = df["_line"].to_numpy()
    out = pd.DataFrame({"benchmark": df["benchmark"].astype(str).str.strip()}, index=df.index)
    out["in_eci"] = parse_bool(df["in_eci"], lines, where, "in_eci")
    for c in ("source_file", "score_column"):
        if c in df:
            out[c] = _text(df[c])
    if "scale" in df:
        out["scale"] = _numbers(df["scale"], lines, where, "scale", required=False)
    out["random_baseline"] = _numbers(df["random_baseline"], lines, where, "random_baseline", required=False)
    out["score_ceiling"] = _numbers(df["score_ceiling"], lines, where, "score_ceiling", required=False)
    out["release_date"] = parse_dates(df["release_date"], lines, where, "release_date")
    out["superseded_by"] = _text(df["superseded_by"])
    rb, ce = out["random_baseline"], out["score_ceiling"]
    bad = (rb < 0) | (rb >= 1) | (ce <= 0) | (ce > 1) | (rb >= ce.fillna(1.0))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise IrtEloError(f"{where}: line {lines[i]}: random_baseline {rb.iloc[i]:g} and score_ceiling "
                          f"{ce.iloc[i]:g} must satisfy 0 <= random_baseline < score_ceiling <= 1")
    out = out[out["benchmark"] != ""]
    dup = out["benchmark"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise IrtEloError(f"{where}: line {lines[out.index[i]]}: benchmark {out['benchmark'].iloc[i]!r} appears twice")
    out = out.set_index("benchmark")
    out["latest_successor"] = _latest_successors(out["superseded_by"], where)
    return out


def _latest_successors(succ: pd.Series, where: str) -> pd.Series:
    """End of each ``superseded_by`` chain (NA where a benchmark is not superseded); a circle is an error."""
    nxt = {k: v for k, v in succ.dropna().items() if v != k}
    out = {}
    for b in succ.index:
        seen = [b]
        cur = b
        while cur in nxt:
            cur = nxt[cur]
            if cur in seen:
                raise IrtEloError(f"{where}: superseded_by runs in a circle ({' -> '.join([*seen, cur])}); fix the "
                                  "lineage")
            seen.append(cur)
        out[b] = cur if cur != b else pd.NA
    return pd.Series(out, index=succ.index, dtype="string")


# --------------------------------------------------------------------------------------------------------------------
# Joining: the fit input with its release's published values and metadata


def _match_names(names: pd.Index, known: pd.Index) -> pd.Series:
    """For each benchmark name, the entry of ``known`` it denotes: the same string, else the one with the same
    letters and digits (case, spaces and punctuation aside) when that is unique; NA otherwise."""
    exact = pd.Series(names, index=names).where(pd.Index(names).isin(known))
    keys = pd.Series(known, index=[column_key(k) for k in known])
    unique = keys[~keys.index.duplicated(keep=False)]
    loose = pd.Series([unique.get(column_key(n), pd.NA) for n in names], index=names, dtype=object)
    return exact.astype(object).where(exact.notna(), loose)


def _model_extra(fit: pd.DataFrame, published: pd.DataFrame | None, meta: pd.DataFrame) -> pd.DataFrame:
    names = pd.Index(pd.unique(fit["model"].astype(str).str.strip()), name="model")
    out = (published.reindex(names) if published is not None else pd.DataFrame(index=names)).copy()
    cols = ("display_name", "organization", "country", "accessibility", "training_compute_flop")
    groups = meta.dropna(subset=["model_group"]).groupby("model_group", sort=False)[list(cols)].first()
    by_group = groups.reindex(names)  # model names are exact keys (eci_scores.Model == model_group)
    versions = meta.dropna(subset=["model_version"]).drop_duplicates("model_version").set_index("model_version")
    if "model_version" in fit:
        pairs = pd.DataFrame({"m": fit["model"].astype(str).str.strip(),
                              "v": fit["model_version"].astype(str).str.strip()})
        pairs = pairs[pairs["v"].isin(versions.index)].drop_duplicates("m").set_index("m")["v"]
        by_version = versions.reindex(pairs.reindex(names).to_numpy())[list(cols)]
    else:
        by_version = pd.DataFrame(np.nan, index=names, columns=list(cols))
    by_version.index = names
    for c in cols:
        fill = by_group[c].astype(object).where(by_group[c].notna(), by_version[c].astype(object))
        if c in out:
            base = out[c].astype(object)
            blank = base.isna() | (base.astype(str).str.strip().str.lower().isin(["", "unknown"])
                                   if c == "accessibility" else False)
            out[c] = base.where(~(blank & fill.notna()), fill)
        else:
            out[c] = fill
        out[c] = out[c].astype(float) if c == "training_compute_flop" else out[c].astype("string")
    out["primary_country"] = primary_country(out["country"])
    derived = out["accessibility"].map(open_weights_from_accessibility).astype("boolean")
    if "open_weights" in out:
        out["open_weights"] = out["open_weights"].astype("boolean").fillna(derived)
    else:
        out["open_weights"] = derived
    out["group"] = out["open_weights"].map({True: "open", False: "closed"}).astype("string")
    return out


def _bench_extra(bench: pd.DataFrame, meta: pd.DataFrame, edi: pd.DataFrame) -> pd.DataFrame:
    names = bench.index
    out = bench.copy()
    m = meta.reindex(_match_names(names, meta.index).to_numpy())
    m.index = names
    e = edi.reindex(names)
    rd = out["release_date"] if "release_date" in out else pd.Series(pd.NaT, index=names)
    out["release_date"] = rd.fillna(m["release_date"]).fillna(e["release_date"])
    for c in ("in_eci", "random_baseline", "score_ceiling", "superseded_by", "latest_successor"):
        out[c] = m[c]
    out["edi_published"] = e["edi"].astype(float)
    out["slope_published"] = e["slope"].astype(float)
    out["edi_anchor"] = e["is_anchor"].astype("boolean")
    return out


def _check_same_fit(fit_models: pd.Index, fit_benchmarks: pd.Index, scores: pd.DataFrame, edi: pd.DataFrame,
                    src: _Files) -> None:
    """Published values must come from a fit of this input: every published model and benchmark is in it."""
    extra = [m for m in scores["model"] if m not in set(fit_models)]
    if extra:
        raise IrtEloError(f"{src.where(SCORES_FILE)}: {len(extra)} published model(s), e.g. {extra[0]!r}, are not "
                          f"in {FIT_FILE}; the two files come from different releases; {_HINT}")
    extra = [b for b in edi.index if b not in set(fit_benchmarks)]
    if extra:
        raise IrtEloError(f"{src.where(EDI_FILE)}: {len(extra)} published benchmark(s), e.g. {extra[0]!r}, are not "
                          f"in {FIT_FILE}; the two files come from different releases; {_HINT}")


# --------------------------------------------------------------------------------------------------------------------
# Epoch's bootstrap draws


def _key(obj: Mapping, dotted: str, where: str) -> object:
    cur: object = obj
    for part in dotted.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            raise IrtEloError(f"{where}: missing key {dotted!r}; the file needs {', '.join(DRAWS_KEYS)}")
        cur = cur[part]
    return cur


def _matrix(obj: object, key: str, shape: tuple[int, int], where: str) -> np.ndarray:
    try:
        a = np.asarray(obj, dtype=float)
    except (TypeError, ValueError):
        raise IrtEloError(f"{where}: {key!r} is not a matrix of numbers") from None
    if a.shape != shape:
        raise IrtEloError(f"{where}: {key!r} has shape {'×'.join(map(str, a.shape)) or 'scalar'}, expected "
                          f"{shape[0]}×{shape[1]} (num_samples × names)")
    if not np.isfinite(a).all():
        r, c = np.argwhere(~np.isfinite(a))[0]
        raise IrtEloError(f"{where}: {key!r} holds a non-finite value (sample {r}, column {c})")
    return a


def _names(obj: object, key: str, where: str) -> list[str]:
    if not isinstance(obj, list) or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in obj):
        raise IrtEloError(f"{where}: {key!r} must be a list of names")
    names = [str(x).strip() for x in obj]
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise IrtEloError(f"{where}: {key!r} lists {n!r} twice")
        seen.add(n)
    return names


def eci_draws_from_json(text: str | bytes, where: str = "eci_bootstraps.json") -> EciDraws:
    """Parse the text of ``eci_bootstraps.json`` into :class:`EciDraws` on the ECI scale (no check against the
    published intervals; :func:`read_eci_bootstraps` does that). Draws not yet on the ECI scale
    (``eci_scaled: false``) are mapped with each draw's ``per_sample_a``/``per_sample_b``: ECI = a + b·C,
    EDI = a + b·D, slope = α / b."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise IrtEloError(f"{where}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}); {_HINT}") from None
    except UnicodeDecodeError as e:
        raise IrtEloError(f"{where}: not UTF-8 text (byte {e.start}); {_HINT}") from None
    if not isinstance(obj, dict):
        raise IrtEloError(f"{where}: expected a JSON object with keys {', '.join(DRAWS_KEYS)}")
    n = _key(obj, "num_samples", where)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise IrtEloError(f"{where}: 'num_samples' must be an integer >= 2, not {n!r}")
    scaled = _key(obj, "eci_scaled", where)
    if not isinstance(scaled, bool):
        raise IrtEloError(f"{where}: 'eci_scaled' must be true or false, not {scaled!r}")
    level = _key(obj, "ci_level", where)
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0.0 < float(level) < 1.0:
        raise IrtEloError(f"{where}: 'ci_level' must be a number between 0 and 1, not {level!r}")
    anchors = _key(obj, "anchors", where)
    if not isinstance(anchors, Mapping):
        raise IrtEloError(f"{where}: 'anchors' must be an object with {', '.join(ANCHOR_KEYS)}")
    for k in ANCHOR_KEYS:
        v = _key(obj, f"anchors.{k}", where)
        numeric = k.startswith("eci")
        if numeric and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise IrtEloError(f"{where}: 'anchors.{k}' must be a number, not {v!r}")
        if not numeric and not isinstance(v, str):
            raise IrtEloError(f"{where}: 'anchors.{k}' must be a model name, not {v!r}")
    ab = {k: _matrix([_key(obj, f"scaling.{k}", where)], f"scaling.{k}", (1, n), where)[0]
          for k in ("per_sample_a", "per_sample_b")}
    if (ab["per_sample_b"] <= 0).any():
        raise IrtEloError(f"{where}: 'scaling.per_sample_b' must be positive (ECI points per raw unit)")
    models = _names(_key(obj, "model.names", where), "model.names", where)
    model_ids = _names(_key(obj, "model.ids", where), "model.ids", where)
    benches = _names(_key(obj, "benchmark.names", where), "benchmark.names", where)
    bench_ids = _names(_key(obj, "benchmark.ids", where), "benchmark.ids", where)
    for ids, nm, what in ((model_ids, models, "model"), (bench_ids, benches, "benchmark")):
        if len(ids) != len(nm):
            raise IrtEloError(f"{where}: '{what}.ids' has {len(ids)} entries but '{what}.names' {len(nm)}")
    cap = _matrix(_key(obj, "model.capability_samples", where), "model.capability_samples", (n, len(models)), where)
    dif = _matrix(_key(obj, "benchmark.difficulty_samples", where), "benchmark.difficulty_samples",
                  (n, len(benches)), where)
    slo = _matrix(_key(obj, "benchmark.slope_samples", where), "benchmark.slope_samples", (n, len(benches)), where)
    if not scaled:
        a, b = ab["per_sample_a"][:, None], ab["per_sample_b"][:, None]
        cap, dif, slo = a + b * cap, a + b * dif, slo / b
    idx = pd.RangeIndex(n, name="draw")
    draws = EciDraws(
        capability=pd.DataFrame(cap, index=idx, columns=pd.Index(models, name="model")),
        difficulty=pd.DataFrame(dif, index=idx, columns=pd.Index(benches, name="benchmark")),
        slope=pd.DataFrame(slo, index=idx, columns=pd.Index(benches, name="benchmark")),
        scaling=pd.DataFrame({"a": ab["per_sample_a"], "b": ab["per_sample_b"]}, index=idx),
        ci_level=float(level), anchors={k: anchors[k] for k in ANCHOR_KEYS},
        model_ids=tuple(model_ids), benchmark_ids=tuple(bench_ids), source=where)
    for mk, ek in (("model_low", "eci_low"), ("model_high", "eci_high")):
        name, value = str(anchors[mk]).strip(), float(anchors[ek])
        if name in draws.capability:
            got = draws.capability[name].to_numpy()
            worst = float(np.max(np.abs(got - value)))
            if worst > 1e-6 * max(1.0, abs(value)):
                raise IrtEloError(f"{where}: anchor {name!r} should sit at {value:g} in every draw but is off by "
                                  f"{worst:.3g}; the scaling does not match the draws")
    return draws


def check_draws(draws: EciDraws, scores: pd.DataFrame, *, decimals: int = 2, where: str = "eci_scores.csv") -> None:
    """Check that ``draws`` reproduce the published intervals of ``scores`` (a :func:`read_eci_scores` frame).

    Every published model must have draws and every drawn model a published row; for each non-anchor model with an
    interval, the draws' percentiles at ``draws.ci_level`` must equal ``ci_low``/``ci_high`` within half a unit of
    the last printed decimal (0.005 for two decimals) plus float error. The first failure is one error line naming
    the model and both values.
    """
    have = set(draws.capability.columns)
    published = list(scores["model"])
    missing = [m for m in published if m not in have]
    if missing:
        raise IrtEloError(f"{draws.source}: no draws for {len(missing)} published model(s), e.g. {missing[0]!r} "
                          f"(listed in {where}); the draws come from another release")
    extra = [m for m in draws.capability.columns if m not in set(published)]
    if extra:
        raise IrtEloError(f"{draws.source}: draws for {len(extra)} model(s) that {where} does not list, e.g. "
                          f"{extra[0]!r}; the draws come from another release")
    anchors = {str(draws.anchors.get("model_low", "")).strip(), str(draws.anchors.get("model_high", "")).strip()}
    ci = draws.ci()
    tol = 0.5 * 10.0 ** (-int(decimals))
    for row in scores.itertuples(index=False):
        m = row.model
        lo_pub, hi_pub = getattr(row, "ci_low", np.nan), getattr(row, "ci_high", np.nan)
        if m in anchors or not (np.isfinite(lo_pub) and np.isfinite(hi_pub)):
            continue
        lo, hi = float(ci.at[m, "ci_low"]), float(ci.at[m, "ci_high"])
        slack = tol + 1e-9 * max(1.0, abs(lo_pub), abs(hi_pub))
        if abs(lo - lo_pub) > slack or abs(hi - hi_pub) > slack:
            raise IrtEloError(
                f"{draws.source}: the draws' {draws.ci_level:.0%} interval for {m!r} is [{lo:.4f}, {hi:.4f}] but "
                f"{where} publishes [{lo_pub:g}, {hi_pub:g}] (tolerance ±{tol:g}); these draws are not this "
                "release's")


def _draws(src: _Files, scores: pd.DataFrame, decimals: int, check: bool) -> EciDraws | None:
    if DRAWS_FILE not in src.files:
        return None
    draws = eci_draws_from_json(src.files[DRAWS_FILE], src.where(DRAWS_FILE))
    if check:
        check_draws(draws, scores, decimals=decimals, where=src.where(SCORES_FILE))
    return draws


def read_eci_bootstraps(path: str | os.PathLike, *, check: bool = True) -> EciDraws:
    """Epoch's own bootstrap draws of a release: ``eci_bootstraps.json`` as :class:`EciDraws` on the ECI scale.

    Parameters
    ----------
    path : path-like
        The release (zip or folder), or the ``eci_bootstraps.json`` file itself (its ``eci_scores.csv`` beside it).
    check : bool
        Check the draws against the release's published intervals (:func:`check_draws`); on by default.

    Returns
    -------
    EciDraws
        ``capability`` is draws x models, ready for ``Capabilities(frame, draws=...)``.
    """
    p = Path(path)
    if p.is_file() and p.suffix.lower() == ".json":
        draws = eci_draws_from_json(p.read_bytes(), str(p))
        if check:
            scores_path = p.with_name(PurePosixPath(SCORES_FILE).name)
            if not scores_path.is_file():
                raise IrtEloError(f"{p}: no {scores_path.name} beside it to check the draws against; pass "
                                  "check=False to read them unchecked")
            scores, decimals = _scores_from(scores_path.read_bytes(), str(scores_path))
            check_draws(draws, scores, decimals=decimals, where=str(scores_path))
        return draws
    src = _open(p)
    if DRAWS_FILE not in src.files:
        raise IrtEloError(f"{src.where(DRAWS_FILE)}: this release has no bootstrap draws (the file is optional)")
    scores, decimals = _scores(src) if check else (pd.DataFrame(), 2)
    draws = _draws(src, scores, decimals, check)
    assert draws is not None
    return draws


# --------------------------------------------------------------------------------------------------------------------
# The reader


def read_release(path: str | os.PathLike, *, with_draws: bool = True, check: bool = True) -> EpochRelease:
    """Read Epoch's ``benchmark_data.zip`` (September-2026 layout) or its unpacked folder.

    Parameters
    ----------
    path : path-like
        The zip, its unpacked folder (the release at its top or in one sub-folder), or the
        ``epoch_capabilities_index`` folder itself (the metadata files then lie in its parent).
    with_draws : bool
        Read ``eci_bootstraps.json`` when present (``draws`` is None otherwise).
    check : bool
        Check the draws against the published intervals (see :func:`check_draws`).

    Returns
    -------
    EpochRelease

    Raises
    ------
    IrtEloError
        One line naming the file (inside a zip, its path there) and what is wrong.
    """
    src = _open(path)
    for rel in REQUIRED_FILES:
        src.require(rel)
    scores, decimals = _scores(src)
    edi = _edi(src)
    model_meta = _model_metadata(src)
    bench_meta = _bench_metadata(src)
    where = src.where(FIT_FILE)
    fit = src.csv(FIT_FILE, FIT_COLUMNS, "not Epoch's processed_data_for_eci layout")
    long, published, bench = epoch_eci_frame(fit, Path(where), scores=scores)
    models_extra = _model_extra(fit, published, model_meta)
    _check_same_fit(models_extra.index, bench.index, scores, edi, src)
    vintage = release_vintage(src.names, src.mtimes.values())
    p = Path(path)
    name = p.name if vintage in p.name else f"{p.name} ({vintage})"
    table = from_frame(long, name=name, models_extra=models_extra, source_label=where,
                       benchmarks_extra=_bench_extra(bench, bench_meta, edi))
    table = replace(table, preset="eci")
    draws = _draws(src, scores, decimals, check) if with_draws else None
    return EpochRelease(table=table, eci_scores=scores, edi_scores=edi, draws=draws, vintage=vintage, source=str(p),
                        model_metadata=model_meta.drop(columns="_line"), benchmark_metadata=bench_meta)


def read_release_table(path: str | os.PathLike) -> ScoreTable:
    """The fit input of a release as a :class:`~irt_elo.data.ScoreTable` (``preset='eci'``), without reading the
    bootstrap draws; what :func:`irt_elo.data.read_table` returns for a release."""
    return read_release(path, with_draws=False).table


__all__ = ["EciDraws", "EpochRelease", "read_release", "read_release_table", "read_eci_bootstraps", "is_release",
           "check_draws", "eci_draws_from_json", "release_vintage", "primary_country", "MAX_UNCOMPRESSED_BYTES"]
