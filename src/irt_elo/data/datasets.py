"""Bundled real data (see data/benchmarks/README.md for provenance, licence and citation).

Files are found inside an installed wheel (``irt_elo/_bundled``) or, for a source checkout / editable install,
in the repository's ``data/benchmarks`` folder.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from irt_elo.data.bundled import bundled_dir, bundled_path
from irt_elo.data.detect import read_table
from irt_elo.data.table import ScoreTable
from irt_elo.errors import IrtEloError

LATEST_ECI = "2026-08-11"
ECI_VINTAGES = ("2026-08-11", "2025-12-19")


def _eci_dir(vintage: str) -> str:
    if vintage not in ECI_VINTAGES:
        raise IrtEloError(f"no bundled ECI release {vintage!r}; choose one of {', '.join(ECI_VINTAGES)}")
    return f"epoch_eci_{vintage}"


def load_epoch_eci(vintage: str = LATEST_ECI) -> ScoreTable:
    """Epoch's ECI fit input (model × benchmark scores) joined with its published scores and metadata.

    Only the 2026-08-11 release ships its input scores; older releases exist only as fitted scores
    (:func:`load_epoch_eci_scores`).

    Examples
    --------
    >>> t = load_epoch_eci()
    >>> t.n_models, t.n_benchmarks, t.n_obs
    (222, 57, 2249)
    """
    if vintage != LATEST_ECI:
        _eci_dir(vintage)
        raise IrtEloError(f"the {vintage} ECI release is bundled as fitted scores only; use load_epoch_eci_scores")
    return read_table(bundled_path(f"{_eci_dir(vintage)}/eci_benchmarks.csv"))


def load_epoch_eci_scores(vintage: str = LATEST_ECI) -> pd.DataFrame:
    """Epoch's published ECI per model (``capability``, 90% ``ci_low``/``ci_high``, release date, accessibility).

    Examples
    --------
    >>> s = load_epoch_eci_scores("2025-12-19")
    >>> len(s)
    140
    """
    from irt_elo.data.readers.epoch_eci import read_eci_scores

    return read_eci_scores(bundled_path(f"{_eci_dir(vintage)}/eci_scores.csv"))


def load_epoch_edi(vintage: str = LATEST_ECI) -> pd.DataFrame:
    """Epoch's published benchmark difficulties (``edi``) and slopes on the ECI scale, indexed by benchmark.

    Examples
    --------
    >>> e = load_epoch_edi()
    >>> len(e), {"edi", "slope"} <= set(e.columns)
    (57, True)
    """
    df = pd.read_csv(bundled_path(f"{_eci_dir(vintage)}/edi_scores.csv"))
    return df.rename(columns={"benchmark_name": "benchmark", "estimated_slope_scaled": "slope"}).set_index("benchmark")


def load_caisi_table() -> ScoreTable:
    """CAISI's published table for its DeepSeek V4 Pro evaluation (1 May 2026): 9 benchmarks × 4 models, 35 scores.

    Models use Epoch's spelling; benchmarks keep CAISI's names and ``domain``; the models frame carries CAISI's
    published ``caisi_elo`` and its 95% half-width ``caisi_elo_ci95``.

    Examples
    --------
    >>> t = load_caisi_table()
    >>> t.n_models, t.n_benchmarks, t.n_obs
    (4, 9, 35)
    """
    from irt_elo.data.readers.caisi import read_caisi_table

    return read_caisi_table()


HUB_RELEASE = "2026-04"
ROSETTA_DIR = "epoch_benchmark_stitching_2025-11"


def load_epoch_hub(group_by: str = "model_name", benchmarks: str = "eci", **options) -> ScoreTable:
    """Epoch's Benchmarking Hub download of April 2026 (``benchmark_data.zip``), chance-rescaled.

    ``group_by='model_name'`` fits one model per ``Model name``; ``'eci'`` recovers Epoch's own model groups (the
    closest reproduction of that release's ECI); see :func:`irt_elo.data.readers.epoch_hub.read_epoch_hub` for the other
    options (``baselines=``, ``rescale=``, ``versions=``...).

    Examples
    --------
    >>> t = load_epoch_hub(group_by="eci")
    >>> t.n_benchmarks, "GPT-5" in t.model_names
    (42, True)
    """
    from irt_elo.data.readers.epoch_hub import read_epoch_hub

    return read_epoch_hub(bundled_path(f"epoch_hub_{HUB_RELEASE}"), group_by=group_by, benchmarks=benchmarks,
                          name=f"epoch_hub_{HUB_RELEASE}", **options)


def load_epoch_hub_eci(group_by: str = "eci") -> pd.DataFrame:
    """The published ECI of the April 2026 hub release, one row per model version (``eci_published``).

    Examples
    --------
    >>> e = load_epoch_hub_eci()
    >>> float(e.loc[e["model"] == "GPT-5", "eci_published"].iloc[0])
    150.0
    """
    from irt_elo.data.readers.epoch_hub import read_hub_eci

    return read_hub_eci(bundled_path(f"epoch_hub_{HUB_RELEASE}"), group_by=group_by)


def load_epoch_hub_edi() -> pd.DataFrame:
    """The published benchmark difficulties (``edi``) and slopes of the April 2026 hub release.

    Examples
    --------
    >>> len(load_epoch_hub_edi())
    42
    """
    from irt_elo.data.readers.epoch_hub import read_hub_edi

    return read_hub_edi(bundled_path(f"epoch_hub_{HUB_RELEASE}"))


def load_rosetta(**options) -> ScoreTable:
    """The data of "A Rosetta Stone for AI Benchmarks" (Ho et al. 2025) with the paper's pipeline.

    Examples
    --------
    >>> t = load_rosetta()
    >>> t.n_obs, t.n_models + 2 * t.n_benchmarks - 2  # the paper's 1324 scores and 253 parameters
    (1324, 253)
    """
    from irt_elo.data.readers.rosetta import read_rosetta

    return read_rosetta(bundled_path(ROSETTA_DIR), name=ROSETTA_DIR, **options)


def load_release(vintage: str = "latest") -> Any:
    """A release of Epoch's ``benchmark_data.zip`` that ``irt-elo fetch`` downloaded, by vintage: ``'latest'``, a
    date ``YYYY-MM-DD`` or a name from ``irt-elo fetch --list``. Returns an
    :class:`~irt_elo.data.readers.epoch_release.EpochRelease`: the fit input (``.table``), that release's published
    ECI and EDI, and Epoch's bootstrap draws (``.draws``)."""
    from irt_elo.data.readers.epoch_release import read_release
    from irt_elo.data.vintages import resolve_vintage

    v = resolve_vintage(vintage)
    if v.kind == "bundled":
        raise IrtEloError(f"vintage {v.name} is bundled as Epoch's separate ECI files: load it with "
                          f"load_epoch_eci({v.date!r}) or load_epoch_eci_scores({v.date!r}); `irt-elo fetch` downloads "
                          "the current release")
    return read_release(v.path)


def table_or_default(data: ScoreTable | None) -> ScoreTable:
    """``data`` itself, or the bundled Epoch ECI input (:func:`load_epoch_eci`) when it is None: the default table of
    every analysis.

    Examples
    --------
    >>> table_or_default(None).n_models
    222
    """
    if data is None:
        return load_epoch_eci()
    if not isinstance(data, ScoreTable):
        raise IrtEloError(f"expected a ScoreTable, got {type(data).__name__}; read it with irt_elo.read_table")
    return data


__all__ = ["LATEST_ECI", "ECI_VINTAGES", "bundled_dir", "bundled_path", "load_epoch_eci", "load_epoch_eci_scores",
           "load_epoch_edi", "load_caisi_table", "load_epoch_hub", "load_epoch_hub_eci", "load_epoch_hub_edi",
           "load_rosetta", "load_release", "table_or_default"]
