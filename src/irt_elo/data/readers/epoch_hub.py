"""Epoch AI's Benchmarking Hub download (``benchmark_data.zip``), as a zip file or its unpacked folder.

Layout (April 2026 release, bundled as ``data/benchmarks/epoch_hub_2026-04``):

* one CSV per benchmark (``gpqa_diamond.csv``, ``mmlu_external.csv``, ...) with a ``Model version`` column, a
  benchmark-specific score column (``mean_score``/``Best score (across scorers)`` for Epoch's own runs; ``EM``,
  ``Accuracy``, ``Percent correct``, ``Mean score`` ... for external leaderboards), ``Release date``,
  ``Organization`` and ``Country``;
* ``epoch_capabilities_index.csv``: one row per model *version* with ``ECI Score`` (the published ECI; versions of
  one model group share it), ``Model accessibility``, ``Model name`` and ``Display name``;
* ``additional_eci_data/``: the published benchmark difficulties (EDI) and the ECI scale constants.

How a score becomes a fraction in [0, 1] is stated per file in an editable table (shipped as
``hub_benchmark_baselines.csv``; see :func:`load_baselines`): the score column, the scale maximum (1, 100, or 10 for
Lech Mazur Writing), the random-guess baseline and the ceiling. Chance floors are removed as Epoch does::

    p = clip((raw / scale_max - random_baseline) / (score_ceiling - random_baseline), 0, 1)

A value written with a percent sign ("86%") is read as 0.86 of the scale whatever ``scale_max`` says.

Model versions and model groups. Epoch's ECI fits one capability per *model group* and takes, for each benchmark,
the best score over the group's versions (reasoning-effort variants such as ``gpt-5-2025-08-07_high`` / ``_medium``,
API snapshots, third-party hosts). The zip does not name the groups; ``epoch_capabilities_index.csv`` gives each
version a ``Model name`` and the group's ``ECI Score``. :func:`read_epoch_hub` offers:

* ``group_by="model_name"`` (default): one model per ``Model name`` (coarser than Epoch's groups for 9 names, e.g.
  the three dated GPT-4o snapshots become one "GPT-4o");
* ``group_by="eci"``: versions that share a ``Model name`` *and* a published ``ECI Score`` -- this recovers Epoch's
  own grouping exactly for every scored version (167 groups in April 2026); versions without a published score
  join their name's group when it has a single scored group, else stay apart. The published values only decide
  membership; they never enter the fit;
* ``group_by="version"``: no aggregation;
* a mapping ``{version: group}`` (versions it does not name fall back to ``Model name``).

A group's release date is the earliest of its versions' dates; organisation, country and accessibility are the first
non-blank values over its versions in the index file's order. By default only versions that the index file gives a
``Model name`` are read (``versions="named"``): every published ECI belongs to such a version.

Fitting the April 2026 release with the ``eci`` preset and ``group_by="eci"`` reproduces its published ECI closely
(see :func:`compare_eci`, :func:`compare_edi`); what remains comes from four named models that Epoch did not score,
the scale constants that follow from them, and a few small old models.
"""
from __future__ import annotations

import csv
import os
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

import numpy as np
import pandas as pd

from irt_elo.data.archive import check_zip_sizes, read_member
from irt_elo.data.table import (
    ScoreTable,
    decode_bytes,
    from_frame,
    open_weights_from_accessibility,
    parse_csv_text,
    read_bytes_limited,
    read_csv_strict,
    require_columns,
)
from irt_elo.errors import IrtEloError, did_you_mean

INDEX_FILE = "epoch_capabilities_index.csv"
EDI_FILE = "additional_eci_data/eci_benchmark_difficulties_and_slopes.csv"
SCALING_FILE = "additional_eci_data/eci_scaling.csv"
BASELINES_FILE = "hub_benchmark_baselines.csv"
BASELINE_COLUMNS = ("source_file", "benchmark", "use", "score_column", "scale_max", "random_baseline",
                    "score_ceiling")
USES = ("eci", "extra", "exclude")
GroupBy = Literal["model_name", "eci", "version"]


# --------------------------------------------------------------------------------------------------------------------
# Reading the zip or folder


@dataclass(frozen=True)
class _Source:
    """The hub as a set of CSV texts: a folder or a zip (possibly with one top folder)."""

    label: str
    files: Mapping[str, bytes]  # relative POSIX path (from the hub root) -> raw bytes
    _texts: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # decoded once

    def text(self, rel: str) -> str:
        if rel not in self._texts:
            self._texts[rel] = decode_bytes(self.files[rel], self.where(rel))
        return self._texts[rel]

    def csv(self, rel: str, need: Iterable[str] = ()) -> pd.DataFrame:
        """One file as a strings frame with ``_line``; a missing column of ``need`` is a one-line error."""
        df = parse_csv_text(self.text(rel), self.where(rel))
        require_columns(df, need, self.where(rel), "not the layout of Epoch's benchmark_data.zip")
        return df

    def where(self, rel: str) -> str:
        return f"{self.label}/{rel}"


def _open_source(path: str | os.PathLike) -> _Source:
    p = Path(path)
    if not p.exists():
        raise IrtEloError(f"{p}: no such file or folder; give Epoch's benchmark_data.zip or its unpacked folder")
    if p.is_dir():
        files = {f.relative_to(p).as_posix(): read_bytes_limited(f) for f in sorted(p.rglob("*.csv")) if f.is_file()}
        return _locate_root(_Source(str(p), files))
    if not zipfile.is_zipfile(p):
        raise IrtEloError(f"{p}: not a zip file or a folder; give Epoch's benchmark_data.zip or its unpacked folder")
    try:
        with zipfile.ZipFile(p) as z:
            infos = [i for i in z.infolist()
                     if not i.is_dir() and i.filename.lower().endswith(".csv") and "__MACOSX" not in i.filename]
            check_zip_sizes(infos, str(p))  # before anything is inflated
            files = {PurePosixPath(i.filename).as_posix(): read_member(z, i, str(p)) for i in infos}
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError) as e:
        raise IrtEloError(f"{p}: cannot read the zip ({e}); download it again") from None
    return _locate_root(_Source(str(p), files))


def _locate_root(src: _Source) -> _Source:
    """Re-root the file map at the folder that holds the per-benchmark CSVs (zips often add a top folder)."""
    idx = sorted((k for k in src.files if PurePosixPath(k).name == INDEX_FILE), key=lambda k: k.count("/"))
    if idx:
        root = str(PurePosixPath(idx[0]).parent)
    else:
        tops = {k.split("/")[0] for k in src.files if "/" in k}
        root = next(iter(tops)) if len(tops) == 1 and not any("/" not in k for k in src.files) else "."
    if root in ("", "."):
        return src
    prefix = root + "/"
    files = {k[len(prefix):]: v for k, v in src.files.items() if k.startswith(prefix)}
    return _Source(f"{src.label}/{root}", files)


# --------------------------------------------------------------------------------------------------------------------
# The editable baselines table


def load_baselines(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read and validate the per-file score rules (the shipped ``hub_benchmark_baselines.csv`` by default).

    Columns: ``source_file`` (benchmark CSV name without ``.csv``), ``benchmark`` (name used in the fit),
    ``use`` (``eci``: in Epoch's April 2026 ECI; ``extra``: a usable fraction score outside it; ``exclude``: not a
    fraction, never used), ``score_column``, ``scale_max`` (1 for fractions, 100 for percentages, 10 for a 0-10
    grade), ``random_baseline`` and ``score_ceiling`` (as fractions of the scale), and free-text columns.
    Copy the file, edit it and pass the copy to :func:`read_epoch_hub` (``baselines=``) to change a rule.

    Returns
    -------
    DataFrame indexed by ``source_file``.

    Examples
    --------
    >>> b = load_baselines()
    >>> float(b.loc["gpqa_diamond", "random_baseline"]), b.loc["webdev_arena_external", "use"]
    (0.25, 'exclude')
    """
    if path is None:
        from irt_elo.data.bundled import bundled_path

        path = bundled_path(BASELINES_FILE)
    p = Path(path)
    if not p.is_file():
        raise IrtEloError(f"{p}: no such baselines table; give a CSV like {BASELINES_FILE}")
    df = read_csv_strict(p)
    require_columns(df, BASELINE_COLUMNS, str(p), f"a baselines table has {', '.join(BASELINE_COLUMNS)}")
    for c in ("source_file", "benchmark", "use", "score_column"):
        df[c] = df[c].astype(str).str.strip()
    df["source_file"] = df["source_file"].str.removesuffix(".csv")
    dup = df["source_file"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise IrtEloError(f"{p}: line {df['_line'].iloc[i]}: source_file {df['source_file'].iloc[i]!r} appears twice")
    for c in ("scale_max", "random_baseline", "score_ceiling"):
        df[c] = pd.to_numeric(df[c].replace("", np.nan), errors="coerce")
    for i, r in enumerate(df.itertuples(index=False)):
        line = df["_line"].iloc[i]
        if r.use not in USES:
            raise IrtEloError(f"{p}: line {line}, column 'use': {r.use!r} is not one of {', '.join(USES)}")
        if r.use == "exclude":
            continue
        if not r.score_column:
            raise IrtEloError(f"{p}: line {line}: no score_column for {r.source_file!r}")
        if not (np.isfinite(r.scale_max) and r.scale_max > 0):
            raise IrtEloError(f"{p}: line {line}, column 'scale_max': give the maximum of the raw scale (1, 100, ...)")
        if not (np.isfinite(r.random_baseline) and np.isfinite(r.score_ceiling)
                and 0 <= r.random_baseline < r.score_ceiling <= 1):
            raise IrtEloError(f"{p}: line {line}: need 0 <= random_baseline < score_ceiling <= 1 (fractions of the "
                              f"scale) for {r.source_file!r}")
    return df.set_index("source_file")


# --------------------------------------------------------------------------------------------------------------------
# Scores


def parse_hub_score(values: Iterable[object], scale_max: float = 1.0) -> np.ndarray:
    """Raw hub score strings -> fractions of the scale (NaN where blank or not a number).

    ``"86%"`` is 0.86 whatever the scale; a plain number is divided by ``scale_max``.

    Examples
    --------
    >>> parse_hub_score(["86%", "0.5", "41.8", ""], scale_max=1).round(3).tolist()[:2]
    [0.86, 0.5]
    >>> parse_hub_score(["41.8"], scale_max=100).tolist()
    [0.418]
    """
    s = pd.Series(list(values), dtype=object).astype(str).str.strip().str.replace(",", "", regex=False)
    pct = s.str.endswith("%").to_numpy()
    num = pd.to_numeric(s.str.rstrip("%").str.strip(), errors="coerce").to_numpy(dtype=float)
    return np.where(pct, num / 100.0, num / float(scale_max))


def rescale_chance(fraction: np.ndarray | float, random_baseline: float, score_ceiling: float = 1.0) -> np.ndarray:
    """Chance-floor rescaling ``clip((f - baseline) / (ceiling - baseline), 0, 1)`` (Epoch's rule).

    Examples
    --------
    >>> round(float(rescale_chance(0.406, 0.25)), 6)  # Claude 3 Sonnet on GPQA diamond: Epoch's 0.208
    0.208
    >>> rescale_chance([0.2, 0.9], 0.25).tolist()
    [0.0, 0.8666666666666667]
    """
    f = np.asarray(fraction, dtype=float)
    return np.clip((f - random_baseline) / (score_ceiling - random_baseline), 0.0, 1.0)


def _benchmark_rows(src: _Source, rel: str, rule: pd.Series, rescale: bool) -> pd.DataFrame:
    """Usable rows of one benchmark file (rows without a model version or a score are left out)."""
    where = src.where(rel)
    df = src.csv(rel, ["Model version"])
    col = rule["score_column"]
    if col not in df.columns:
        cols = [c for c in df.columns if c != "_line"]
        raise IrtEloError(f"{where}: no score column {col!r} (found: {', '.join(cols)}){did_you_mean(col, cols)}; "
                          f"set score_column of {rule.name!r} in the baselines table")
    version = df["Model version"].astype(str).str.strip()
    raw = df[col].astype(str).str.strip()
    has_v, has_s = version.ne(""), raw.ne("")
    df, version, raw = df[has_v & has_s], version[has_v & has_s], raw[has_v & has_s]
    frac = parse_hub_score(raw, rule["scale_max"])
    bad = ~np.isfinite(frac)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise IrtEloError(f"{where}: line {df['_line'].iloc[i]}, column {col!r}: {raw.iloc[i]!r} is not a number")
    if (frac < 0).any() or (frac > 1 + 1e-9).any():
        i = int(np.flatnonzero((frac < 0) | (frac > 1 + 1e-9))[0])
        raise IrtEloError(f"{where}: line {df['_line'].iloc[i]}, column {col!r}: {raw.iloc[i]} is outside 0..."
                          f"{rule['scale_max']:g}; set scale_max of {rule.name!r} in the baselines table")
    frac = np.clip(frac, 0.0, 1.0)
    score = rescale_chance(frac, rule["random_baseline"], rule["score_ceiling"]) if rescale else frac
    epoch_run = not rule.name.endswith("_external")
    source = df["Source"].astype(str).str.strip() if "Source" in df.columns else pd.Series("", index=df.index)
    if epoch_run:
        source = source.where(source.ne(""), "Epoch evaluations")
    out = pd.DataFrame({
        "version": version.to_numpy(),
        "benchmark": rule["benchmark"],
        "score": score,
        "raw": frac,
        "source": source.replace("", pd.NA).to_numpy(),
        "file": rel,
        "line": df["_line"].to_numpy(),
        "release_date": _get(df, "Release date"),
        "organization": _get(df, "Organization"),
        "country": _get(df, "Country"),
    })
    return out


def _get(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), pd.NA, dtype=object)
    s = df[col].astype(str).str.strip()
    return s.where(s.ne(""), pd.NA).to_numpy()


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.astype("string").str.strip(), errors="coerce", format="mixed")


# --------------------------------------------------------------------------------------------------------------------
# Published ECI (the index file) and the version -> group map


def _index_frame(src: _Source) -> pd.DataFrame:
    if INDEX_FILE not in src.files:
        raise IrtEloError(f"{src.label}: no {INDEX_FILE} (it holds accessibility and model names); give the whole "
                          "benchmark_data.zip or its unpacked folder")
    where = src.where(INDEX_FILE)
    df = src.csv(INDEX_FILE, ["Model version", "ECI Score", "Release date", "Model accessibility", "Model name"])
    out = pd.DataFrame({
        "version": df["Model version"].astype(str).str.strip(),
        "model_name": _get(df, "Model name"),
        "display_name": _get(df, "Display name"),
        "eci_published": pd.to_numeric(df["ECI Score"].replace("", np.nan), errors="coerce"),
        "release_date": _dates(pd.Series(_get(df, "Release date"))),
        "organization": _get(df, "Organization"),
        "country": _get(df, "Country"),
        "accessibility": _get(df, "Model accessibility"),
    })
    bad = out["eci_published"].isna() & df["ECI Score"].astype(str).str.strip().ne("").to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise IrtEloError(f"{where}: line {df['_line'].iloc[i]}, column 'ECI Score': {df['ECI Score'].iloc[i]!r} "
                          "is not a number")
    out = out[out["version"].ne("")]
    return out.drop_duplicates("version").reset_index(drop=True)


def _group_map(index: pd.DataFrame, group_by: GroupBy | Mapping[str, str]) -> pd.Series:
    """version -> group name for every version of the index file."""
    name = index["model_name"].where(index["model_name"].notna(), index["version"])
    name = pd.Series(name.to_numpy(), index=index["version"].to_numpy(), dtype=object)
    if isinstance(group_by, Mapping):
        return pd.Series({v: group_by.get(v, name[v]) for v in name.index}, dtype=object)
    if group_by == "model_name":
        return name
    if group_by == "version":
        return pd.Series(name.index.to_numpy(), index=name.index, dtype=object)
    if group_by != "eci":
        raise IrtEloError(f"group_by must be 'model_name', 'eci', 'version' or a mapping, not {group_by!r}")
    out = name.copy()
    eci = pd.Series(index["eci_published"].to_numpy(), index=name.index)
    disp = pd.Series(index["display_name"].to_numpy(), index=name.index)
    date = pd.Series(index["release_date"].to_numpy(), index=name.index)
    taken: set[str] = set(name.unique())
    for nm, members in name.groupby(name, sort=False).groups.items():
        scored = eci[members].dropna()
        values = pd.unique(scored.round(9))
        if len(values) <= 1:
            continue  # one published group (unscored versions join it)
        for val in values:
            vs = scored.index[scored.round(9) == val]
            # Each of a split name's groups gets a distinguishing label: its display name, else its earliest date.
            d = disp[vs].dropna()
            if len(d):
                label = str(d.iloc[0])
            elif date[vs].notna().any():
                label = f"{nm} ({pd.Timestamp(date[vs].min()).strftime('%Y-%m-%d')})"
            else:
                label = f"{nm} [{vs[0]}]"
            if label in taken:
                label = f"{nm} [{vs[0]}]"
            taken.add(label)
            out[vs] = label
        unscored = [v for v in members if pd.isna(eci[v])]
        for v in unscored:
            out[v] = f"{nm} [{v}]"
    return out


def read_hub_eci(path: str | os.PathLike, *, group_by: GroupBy | Mapping[str, str] = "eci") -> pd.DataFrame:
    """The published ECI of a hub release, one row per model version, with its group under ``group_by``.

    Returns
    -------
    DataFrame
        ``version``, ``model`` (group name), ``model_name``, ``display_name``, ``eci_published`` (NaN for versions
        Epoch did not score), ``release_date``, ``organization``, ``country``, ``accessibility``, ``open_weights``.

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> e = read_hub_eci(bundled_path("epoch_hub_2026-04"))
    >>> int(e["eci_published"].notna().sum()), e["model"][e["eci_published"].notna()].nunique()
    (369, 167)
    """
    src = _open_source(path)
    index = _index_frame(src)
    index.insert(1, "model", _group_map(index, group_by).reindex(index["version"]).to_numpy())
    index["open_weights"] = index["accessibility"].map(open_weights_from_accessibility).astype("boolean")
    return index


def read_hub_edi(path: str | os.PathLike) -> pd.DataFrame:
    """The published benchmark difficulties (EDI) and slopes of a hub release, indexed by benchmark.

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> e = read_hub_edi(bundled_path("epoch_hub_2026-04"))
    >>> len(e), bool(e.loc["Winogrande", "is_anchor"])
    (42, True)
    """
    src = _open_source(path)
    if EDI_FILE not in src.files:
        raise IrtEloError(f"{src.label}: no {EDI_FILE} in this hub release")
    df = src.csv(EDI_FILE, ["benchmark_name", "is_anchor", "benchmark_release_date", "edi", "estimated_slope_scaled"])
    out = pd.DataFrame({
        "benchmark": df["benchmark_name"].astype(str).str.strip(),
        "is_anchor": df["is_anchor"].astype(str).str.strip().str.lower().eq("true"),
        "release_date": _dates(df["benchmark_release_date"]),
        "edi": pd.to_numeric(df["edi"], errors="coerce"),
        "slope": pd.to_numeric(df["estimated_slope_scaled"], errors="coerce"),
    })
    return out.set_index("benchmark")


def read_hub_scaling(path: str | os.PathLike) -> dict[str, object]:
    """The published ECI scale constants ``ECI = a + b * C`` and their anchors.

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> round(read_hub_scaling(bundled_path("epoch_hub_2026-04"))["b"], 3)
    20.146
    """
    src = _open_source(path)
    if SCALING_FILE not in src.files:
        raise IrtEloError(f"{src.label}: no {SCALING_FILE} in this hub release")
    df = src.csv(SCALING_FILE, ["a", "b"])
    if df.empty:
        raise IrtEloError(f"{src.where(SCALING_FILE)}: no row under the header; expected the scale constants a, b")
    row = df.iloc[0]
    out: dict[str, object] = {k: row[k] for k in row.index if k != "_line"}
    for k in ("a", "b", "scaling_anchor1_eci", "scaling_anchor2_eci"):
        if k in out:
            val = pd.to_numeric(str(out[k]).strip(), errors="coerce")
            if not np.isfinite(val):
                raise IrtEloError(f"{src.where(SCALING_FILE)}: line {row['_line']}, column {k!r}: {out[k]!r} is not "
                                  "a number")
            out[k] = float(val)
    return out


# --------------------------------------------------------------------------------------------------------------------
# The main reader


def hub_scores(
    path: str | os.PathLike,
    *,
    baselines: str | os.PathLike | pd.DataFrame | None = None,
    benchmarks: Literal["eci", "all"] | Iterable[str] = "eci",
    rescale: bool = True,
    unknown_files: Literal["warn", "error", "ignore"] = "warn",
) -> pd.DataFrame:
    """Every usable score row of a hub release, one row per (model version, benchmark, source row).

    Parameters are those of :func:`read_epoch_hub`. Columns: ``version``, ``benchmark``, ``score`` (rescaled
    fraction), ``raw`` (fraction of the scale before chance rescaling), ``source``, ``file``, ``line``,
    ``release_date``, ``organization``, ``country`` (as in the benchmark file).

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> s = hub_scores(bundled_path("epoch_hub_2026-04"))
    >>> s["benchmark"].nunique()
    42
    """
    rules = baselines if isinstance(baselines, pd.DataFrame) else load_baselines(baselines)
    return _hub_scores(_open_source(path), rules, benchmarks, rescale, unknown_files)


def _hub_scores(src: _Source, rules: pd.DataFrame, benchmarks: object, rescale: bool,
                unknown_files: str) -> pd.DataFrame:
    if unknown_files not in ("warn", "error", "ignore"):
        raise IrtEloError(f"unknown_files must be 'warn', 'error' or 'ignore', not {unknown_files!r}")
    bench_files = []
    for rel in sorted(src.files):
        if "/" in rel or rel == INDEX_FILE:
            continue
        head = src.text(rel).splitlines()[:1]
        if head and "Model version" in [h.strip() for h in next(csv.reader(head), [])]:
            bench_files.append(rel)
    if not bench_files:
        raise IrtEloError(f"{src.label}: no per-benchmark CSV files (CSVs with a 'Model version' column) found; "
                          "give Epoch's benchmark_data.zip or its unpacked folder")
    stems = {PurePosixPath(f).stem: f for f in bench_files}
    wanted = _wanted_files(rules, benchmarks, stems)
    unknown = [s for s in stems if s not in rules.index]
    if unknown and unknown_files == "error":
        raise IrtEloError(f"{src.label}: benchmark file(s) {', '.join(f + '.csv' for f in unknown)} are not in the "
                          "baselines table; add a row for each (score column, baseline, ceiling) or pass "
                          "unknown_files='warn'")
    if unknown and unknown_files == "warn":
        warnings.warn(f"{src.label}: skipped benchmark file(s) not in the baselines table: "
                      f"{', '.join(f + '.csv' for f in unknown)}", UserWarning, stacklevel=3)
    parts = []
    for stem in wanted:
        if stem not in stems:
            continue
        parts.append(_benchmark_rows(src, stems[stem], rules.loc[stem], rescale))
    if not parts or sum(len(p) for p in parts) == 0:
        raise IrtEloError(f"{src.label}: none of the selected benchmarks has a file with scores here")
    return pd.concat(parts, ignore_index=True)


def _wanted_files(rules: pd.DataFrame, benchmarks: object, stems: Mapping[str, str]) -> list[str]:
    usable = rules[rules["use"] != "exclude"]
    if isinstance(benchmarks, str) and benchmarks in ("eci", "all"):
        chosen = usable[usable["use"] == "eci"] if benchmarks == "eci" else usable
        return [s for s in chosen.index if s in stems]
    names = list(benchmarks)  # benchmark names (as in the fit) or file stems
    out = []
    for n in names:
        hit = usable.index[(usable["benchmark"] == n) | (usable.index == n)]
        if len(hit) == 0:
            excluded = rules.index[(rules["benchmark"] == n) | (rules.index == n)]
            if len(excluded):
                raise IrtEloError(f"benchmark {n!r} is marked 'exclude' in the baselines table "
                                  f"({rules.loc[excluded[0], 'note'] if 'note' in rules else 'not a fraction'})")
            raise IrtEloError(f"unknown hub benchmark {n!r}{did_you_mean(n, list(usable['benchmark']))}")
        out.extend(s for s in hit if s not in out)
    missing = [s for s in out if s not in stems]
    if missing:
        raise IrtEloError(f"the hub release has no file {missing[0]}.csv for benchmark "
                          f"{rules.loc[missing[0], 'benchmark']!r}")
    return out


def read_epoch_hub(
    path: str | os.PathLike,
    *,
    baselines: str | os.PathLike | pd.DataFrame | None = None,
    benchmarks: Literal["eci", "all"] | Iterable[str] = "eci",
    group_by: GroupBy | Mapping[str, str] = "model_name",
    rescale: bool = True,
    aggregate: Literal["max", "mean"] = "max",
    versions: Literal["named", "all"] = "named",
    unknown_files: Literal["warn", "error", "ignore"] = "warn",
    name: str | None = None,
) -> ScoreTable:
    """Read Epoch's ``benchmark_data.zip`` (or its unpacked folder) into a :class:`~irt_elo.data.ScoreTable`.

    Parameters
    ----------
    path : path-like
        The zip file or the folder.
    baselines : path or DataFrame, optional
        Per-file score rules (default: the shipped ``hub_benchmark_baselines.csv``, see :func:`load_baselines`).
    benchmarks : {'eci', 'all'} or list of str
        ``'eci'``: the 42 benchmarks of Epoch's April 2026 ECI; ``'all'``: also the usable ones outside it; or a
        list of benchmark names / file stems.
    group_by : {'model_name', 'eci', 'version'} or mapping
        How model versions form the fitted models (see the module docstring).
    rescale : bool
        Subtract the chance floor (``True``, Epoch's ECI) or keep the raw fraction of the scale (``False``).
    aggregate : {'max', 'mean'}
        Combine several rows of one (model, benchmark): best (Epoch) or mean.
    versions : {'named', 'all'}
        ``'named'`` (Epoch's coverage): only versions to which the index file gives a ``Model name`` -- every
        published ECI belongs to such a version; the 99 unnamed index rows of April 2026 (PaLM 2, Yi-9B, ...) have no
        organisation or accessibility either. ``'all'``: also unnamed versions and versions missing from the index
        file, each its own model with the benchmark files' release date and organisation.
    unknown_files : {'warn', 'error', 'ignore'}
        What to do with benchmark CSVs that the baselines table does not list.
    name : str, optional
        Label of the table in outputs (default: the folder or zip name).

    Returns
    -------
    ScoreTable
        Models carry ``release_date``, ``organization``, ``country``, ``accessibility``, ``open_weights``,
        ``group``, ``display_name``, ``model_name``, ``eci_published`` (the best published ECI among the model's
        versions), ``n_versions`` and ``versions``. Benchmarks carry ``release_date``, ``random_baseline``,
        ``score_ceiling``, ``scale_max``, ``score_column`` and ``source_file``.

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> t = read_epoch_hub(bundled_path("epoch_hub_2026-04"))
    >>> t.n_benchmarks, bool(t.score.max() <= 1)
    (42, True)
    """
    if aggregate not in ("max", "mean"):
        raise IrtEloError(f"aggregate must be 'max' or 'mean', not {aggregate!r}")
    if versions not in ("named", "all"):
        raise IrtEloError(f"versions must be 'named' or 'all', not {versions!r}")
    rules = baselines if isinstance(baselines, pd.DataFrame) else load_baselines(baselines)
    src = _open_source(path)
    index = _index_frame(src)
    rows = _hub_scores(src, rules, benchmarks, rescale, unknown_files)
    if versions == "named":
        named = set(index.loc[index["model_name"].notna(), "version"])
        rows = rows[rows["version"].isin(named)]
        if rows.empty:
            raise IrtEloError(f"{src.label}: no scores for versions with a Model name in {INDEX_FILE}; "
                              "pass versions='all'")
    groups = _group_map(index, group_by)
    # Versions missing from the index file are their own group, with the benchmark files' metadata.
    rows["model"] = rows["version"].map(groups).where(rows["version"].isin(groups.index), rows["version"])
    rows = _aggregate_rows(rows, aggregate)
    meta = _group_meta(index, groups, rows)
    group_cols = ["release_date", "organization", "country", "accessibility"]
    long = rows.drop(columns=["release_date", "organization", "country"]).merge(
        meta[group_cols], left_on="model", right_index=True, how="left")
    long = long[["model", "benchmark", "score", "source", "release_date", "organization", "country",
                 "accessibility"]]
    long["release_date"] = long["release_date"].dt.strftime("%Y-%m-%d").fillna("")
    for c in ("organization", "country", "accessibility", "source"):
        long[c] = long[c].astype("string")
    models_extra = meta.drop(columns=["release_date", "organization", "country", "accessibility"])
    bench_extra = _bench_meta(rules, rows)
    label = name or Path(path).name
    table = from_frame(long, score_scale="fraction", aggregate="error", name=label, models_extra=models_extra,
                       benchmarks_extra=bench_extra, source_label=str(path))
    return table


def _aggregate_rows(rows: pd.DataFrame, how: str) -> pd.DataFrame:
    """One row per (model group, benchmark): the best (or mean) score; keeps the winning row's source/version."""
    rows = rows.reset_index(drop=True)
    order = np.lexsort((np.arange(len(rows)), -rows["score"].to_numpy()))
    best = rows.iloc[order].drop_duplicates(["model", "benchmark"], keep="first")
    if how == "mean":
        best = best.set_index(["model", "benchmark"])
        best["score"] = rows.groupby(["model", "benchmark"], sort=False)["score"].mean()
        best = best.reset_index()
    # First-appearance order of models follows the benchmark files (sorted by name), like a reader enumerating them.
    first = rows.drop_duplicates(["model", "benchmark"]).reset_index(drop=True)
    key = pd.MultiIndex.from_frame(first[["model", "benchmark"]])
    return best.set_index(["model", "benchmark"]).reindex(key).reset_index()


def _group_meta(index: pd.DataFrame, groups: pd.Series, rows: pd.DataFrame) -> pd.DataFrame:
    """Per-group metadata from the index file (falling back to the benchmark files for versions it lacks)."""
    idx = index.assign(model=groups.reindex(index["version"]).to_numpy())
    file_meta = rows.drop_duplicates("version").set_index("version")
    orphan = rows[~rows["version"].isin(idx["version"])].drop_duplicates("version")
    if len(orphan):
        extra = pd.DataFrame({
            "version": orphan["version"].to_numpy(), "model": orphan["model"].to_numpy(),
            "model_name": pd.NA, "display_name": pd.NA, "eci_published": np.nan,
            "release_date": _dates(orphan["release_date"]).to_numpy(),
            "organization": orphan["organization"].to_numpy(), "country": orphan["country"].to_numpy(),
            "accessibility": pd.NA})
        idx = pd.concat([idx, extra], ignore_index=True)
    # Index rows without a release date borrow it from the benchmark files when there is one.
    no_date = idx["release_date"].isna() & idx["version"].isin(file_meta.index)
    if no_date.any():
        idx.loc[no_date, "release_date"] = _dates(
            file_meta.loc[idx.loc[no_date, "version"], "release_date"]).to_numpy()
    used = pd.unique(rows["model"])
    idx = idx[idx["model"].isin(used)]
    g = idx.groupby("model", sort=False)
    meta = pd.DataFrame({
        "release_date": g["release_date"].min(),
        "organization": g["organization"].first(),
        "country": g["country"].first(),
        "accessibility": g["accessibility"].first(),
        "model_name": g["model_name"].first(),
        "display_name": g["display_name"].first(),
        "eci_published": g["eci_published"].max(),
        "n_versions": g["version"].size(),
        "versions": g["version"].agg(lambda v: "; ".join(v)),
    }).reindex(used)
    meta.index.name = "model"
    for c in ("organization", "country", "accessibility", "model_name", "display_name", "versions"):
        meta[c] = meta[c].astype("string")
    return meta


def _bench_meta(rules: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    used = pd.unique(rows["benchmark"])
    r = rules.reset_index().drop_duplicates("benchmark").set_index("benchmark").reindex(used)
    out = pd.DataFrame(index=pd.Index(used, name="benchmark"))
    if "benchmark_release_date" in r:
        out["release_date"] = _dates(r["benchmark_release_date"].fillna(""))
    for c in ("random_baseline", "score_ceiling", "scale_max"):
        out[c] = r[c].astype(float)
    out["score_column"] = r["score_column"].astype("string")
    out["source_file"] = r["source_file"].astype("string")
    return out


def is_hub(path: str | os.PathLike) -> bool:
    """True for a folder or zip that holds Epoch's ``epoch_capabilities_index.csv`` (used by ``read_table``).

    Examples
    --------
    >>> from irt_elo.datasets import bundled_path
    >>> is_hub(bundled_path("epoch_hub_2026-04")), is_hub(bundled_path("epoch_eci_2026-08-11"))
    (True, False)
    """
    p = Path(path)
    if p.is_dir():
        # The index beside other CSVs, here or in one sub-folder (a zip unpacked with its top folder).
        return any(len(list(f.parent.glob("*.csv"))) > 1 for f in [p / INDEX_FILE, *p.glob(f"*/{INDEX_FILE}")]
                   if f.is_file())
    if p.is_file() and p.suffix.lower() == ".zip" and zipfile.is_zipfile(p):
        try:
            with zipfile.ZipFile(p) as z:
                return any(PurePosixPath(n).name == INDEX_FILE for n in z.namelist())
        except zipfile.BadZipFile:
            return False
    return False


__all__ = ["read_epoch_hub", "hub_scores", "read_hub_eci", "read_hub_edi", "read_hub_scaling", "load_baselines",
           "parse_hub_score", "rescale_chance", "is_hub"]


# --------------------------------------------------------------------------------------------------------------------
# Our fit against the published values of the same release


def _published(published: pd.DataFrame | str | os.PathLike | None,
               read: Callable[[str | os.PathLike], pd.DataFrame] | None = None) -> pd.DataFrame:
    """``published`` as given, or read (default: :func:`read_hub_eci` by Epoch's groups) from a hub path (default:
    the bundled April 2026 release)."""
    if isinstance(published, pd.DataFrame):
        return published
    if published is None:
        from irt_elo.data.bundled import bundled_path

        published = bundled_path("epoch_hub_2026-04")
    return read(published) if read is not None else read_hub_eci(published, group_by="eci")


def compare_eci(fitter: object, published: pd.DataFrame | str | os.PathLike | None = None) -> pd.DataFrame:
    """Our fitted ECI against a hub release's published ``ECI Score``, one row per published model group.

    Parameters
    ----------
    fitter : Fitter
        A fit (ECI scale) of a table read with :func:`read_epoch_hub` (any ``group_by``) or with model names that
        equal the published groups or versions.
    published : DataFrame or path, optional
        :func:`read_hub_eci` output (``group_by='eci'``: Epoch's groups) or a hub zip/folder (default: the bundled
        April 2026 release).

    Returns
    -------
    DataFrame
        ``model`` (published group), ``fitted_model`` (the fitted model holding its versions), ``display_name``,
        ``release_date``, ``organization``, ``accessibility``, ``open_weights``, ``eci_published``, ``eci``,
        ``diff`` (ours - published), ``abs_diff``, ``n_benchmarks`` (in our fit), ``frontier`` (the group set a new
        published-ECI record when released) and ``in_fit``; sorted by release date.

    Examples
    --------
    >>> from irt_elo import Fitter
    >>> from irt_elo.datasets import load_epoch_hub
    >>> c = compare_eci(Fitter.from_preset("eci").fit(load_epoch_hub(group_by="eci")))
    >>> bool(c.loc[c["in_fit"], "abs_diff"].median() < 0.5)
    True
    """
    pub = _published(published)
    pub = pub[pub["eci_published"].notna()]
    cap = fitter.capability_  # type: ignore[attr-defined]
    models = fitter.table_.models  # type: ignore[attr-defined]
    owner: dict[str, str] = {}
    if "versions" in models:
        for m, vs in models["versions"].dropna().items():
            for v in str(vs).split("; "):
                owner[v] = m
    nb = fitter.table_.benchmarks_per_model()  # type: ignore[attr-defined]
    rows = []
    for grp, g in pub.groupby("model", sort=False):
        fitted = next((owner[v] for v in g["version"] if v in owner and owner[v] in cap.index), None)
        if fitted is None:
            fitted = grp if grp in cap.index else next((v for v in g["version"] if v in cap.index), None)
        disp = g["display_name"].dropna()
        rows.append({
            "model": grp, "fitted_model": fitted,
            "display_name": disp.iloc[0] if len(disp) else pd.NA,
            "release_date": g["release_date"].min(),
            "organization": g["organization"].dropna().iloc[0] if g["organization"].notna().any() else pd.NA,
            "accessibility": g["accessibility"].dropna().iloc[0] if g["accessibility"].notna().any() else pd.NA,
            "eci_published": float(g["eci_published"].iloc[0]),
            "eci": float(cap[fitted]) if fitted is not None else np.nan,
            "n_benchmarks": int(nb[fitted]) if fitted is not None else 0,
        })
    out = pd.DataFrame(rows)
    out["open_weights"] = out["accessibility"].map(open_weights_from_accessibility).astype("boolean")
    out["diff"] = out["eci"] - out["eci_published"]
    out["abs_diff"] = out["diff"].abs()
    out["in_fit"] = out["eci"].notna()
    out = out.sort_values(["release_date", "eci_published"], ascending=[True, False], kind="stable",
                          na_position="last").reset_index(drop=True)
    dated = out["release_date"].notna()
    best = out.loc[dated, "eci_published"].cummax()
    out["frontier"] = False
    out.loc[dated, "frontier"] = out.loc[dated, "eci_published"] >= best
    cols = ["model", "fitted_model", "display_name", "release_date", "organization", "accessibility", "open_weights",
            "eci_published", "eci", "diff", "abs_diff", "n_benchmarks", "frontier", "in_fit"]
    return out[cols]


def summarize_eci_comparison(comparison: pd.DataFrame) -> pd.DataFrame:
    """Agreement statistics of :func:`compare_eci` output for all groups, the frontier, open and closed models.

    Columns: ``n``, ``r`` (Pearson), ``mean_abs_diff``, ``median_abs_diff``, ``max_abs_diff``, ``mean_diff``
    (ours - published) and ``worst`` (the group with the largest |diff|).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"model": ["a", "b", "c"], "eci_published": [120.0, 130.0, 140.0],
    ...                   "eci": [120.5, 129.0, 140.0], "frontier": [True, True, False],
    ...                   "open_weights": [True, False, False], "in_fit": [True, True, True]})
    >>> c["diff"] = c["eci"] - c["eci_published"]; c["abs_diff"] = c["diff"].abs()
    >>> float(summarize_eci_comparison(c).loc["all", "max_abs_diff"])
    1.0
    """
    c = comparison[comparison["in_fit"]]
    subsets = {"all": c, "frontier": c[c["frontier"]]}
    if "open_weights" in c:
        ow = c["open_weights"].astype("boolean")
        subsets["open weights"] = c[ow.fillna(False).to_numpy(dtype=bool)]
        subsets["closed weights"] = c[(~ow).fillna(False).to_numpy(dtype=bool)]
    rows = {}
    for name, s in subsets.items():
        if len(s) == 0:
            continue
        rows[name] = {
            "n": int(len(s)),
            "r": float(np.corrcoef(s["eci"], s["eci_published"])[0, 1]) if len(s) > 2 else np.nan,
            "mean_abs_diff": float(s["abs_diff"].mean()), "median_abs_diff": float(s["abs_diff"].median()),
            "max_abs_diff": float(s["abs_diff"].max()), "mean_diff": float(s["diff"].mean()),
            "worst": str(s.loc[s["abs_diff"].idxmax(), "model"]),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "subset"
    return out


def compare_edi(fitter: object, published: pd.DataFrame | str | os.PathLike | None = None) -> pd.DataFrame:
    """Our fitted difficulties (EDI) and slopes against a hub release's published ones, one row per benchmark.

    Parameters
    ----------
    fitter : Fitter
        A fit on the ECI scale whose benchmark names are the hub's.
    published : DataFrame or path, optional
        :func:`read_hub_edi` output or a hub zip/folder (default: the bundled April 2026 release).

    Returns
    -------
    DataFrame
        Indexed by benchmark: ``edi_published``, ``slope_published``, ``edi``, ``slope``, ``diff`` and
        ``slope_diff`` (ours - published), ``n_models`` (in our fit; 0 and NaN estimates for benchmarks not fitted).

    Examples
    --------
    >>> from irt_elo import Fitter
    >>> from irt_elo.datasets import load_epoch_hub
    >>> e = compare_edi(Fitter.from_preset("eci").fit(load_epoch_hub(group_by="eci")))
    >>> float(e.loc["Winogrande", "edi_published"]) > 100
    True
    """
    pub = _published(published, read_hub_edi)
    out = pd.DataFrame({"edi_published": pub["edi"], "slope_published": pub["slope"]})
    out["edi"] = fitter.difficulty_.reindex(out.index)  # type: ignore[attr-defined]
    out["slope"] = fitter.slope_.reindex(out.index)  # type: ignore[attr-defined]
    out["diff"] = out["edi"] - out["edi_published"]
    out["slope_diff"] = out["slope"] - out["slope_published"]
    n = fitter.table_.models_per_benchmark()  # type: ignore[attr-defined]
    out["n_models"] = n.reindex(out.index).fillna(0).astype(int)
    out.index.name = "benchmark"
    return out


__all__ += ["compare_eci", "summarize_eci_comparison", "compare_edi"]
