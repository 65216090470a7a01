"""One place that caps the BLAS thread pool.

Why: the dense algebra here is small (a few-hundred-square Cholesky, a 500 x 200 product). Threaded BLAS gains
nothing on such matrices and loses a lot when cores are shared (bootstrap workers, notebooks, CI): measured 5-50x
slower on a busy 2-core machine. A fixed thread count also keeps floating-point results identical across machines.
"""
from __future__ import annotations

import contextlib
from typing import Any

from threadpoolctl import ThreadpoolController

_CONTROLLER: list[ThreadpoolController] = []  # created on first use: it scans the loaded libraries once


def blas_threads(n: int | None) -> contextlib.AbstractContextManager[Any]:
    """Context manager limiting BLAS to ``n`` threads (``None``: leave it alone).

    Examples
    --------
    >>> with blas_threads(1):
    ...     pass
    """
    if n is None:
        return contextlib.nullcontext()
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=n, user_api="blas")
