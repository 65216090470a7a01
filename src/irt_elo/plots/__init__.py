"""Matplotlib figures, one module per analysis. Each function takes results and returns a Figure; no file I/O.

Shared style: the Okabe-Ito palette (safe for the common colour-vision deficiencies), titles that state the data
vintage and the method.
"""
from __future__ import annotations

from ._style import PALETTE
from .capabilities import plot_capabilities

__all__ = ["PALETTE", "plot_capabilities"]
