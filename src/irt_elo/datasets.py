"""Bundled real data by name: ``irt_elo.datasets.load_*()`` (lifelines-style).

The loaders live in :mod:`irt_elo.data.datasets`; this module is the short public path to them.
"""
from __future__ import annotations

from irt_elo.data.datasets import *  # noqa: F403 - the public face of irt_elo.data.datasets
from irt_elo.data.datasets import __all__ as __all__  # noqa: PLE0604
