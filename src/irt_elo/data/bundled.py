"""Where the bundled real data lies (see data/benchmarks/README.md for provenance, licence and citation).

Files are found inside an installed wheel (``irt_elo/_bundled``) or, for a source checkout / editable install,
in the repository's ``data/benchmarks`` folder. Readers take their default paths from here.
"""
from __future__ import annotations

from pathlib import Path

from irt_elo.errors import IrtEloError


def bundled_dir() -> Path:
    """Folder holding the bundled data.

    Examples
    --------
    >>> (bundled_dir() / "README.md").is_file()
    True
    """
    package = Path(__file__).resolve().parents[1]  # irt_elo/
    for cand in (package / "_bundled", package.parents[1] / "data" / "benchmarks"):
        if cand.is_dir():
            return cand
    raise IrtEloError("bundled data not found: reinstall irt-elo (the wheel ships it under irt_elo/_bundled)")


def bundled_path(relative: str) -> Path:
    """Path of one bundled file or folder; a name that is not bundled is an error pointing at the README.

    Examples
    --------
    >>> bundled_path("epoch_eci_2026-08-11/eci_scores.csv").name
    'eci_scores.csv'
    """
    p = bundled_dir() / relative
    if not p.exists():
        raise IrtEloError(f"no bundled file {relative!r}; see {bundled_dir() / 'README.md'}")
    return p


__all__ = ["bundled_dir", "bundled_path"]
