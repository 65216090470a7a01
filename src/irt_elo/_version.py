"""Version string without importing the heavy parts of the package."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("irt-elo")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+unknown"


def version_string() -> str:
    return f"irt-elo {__version__}"
