"""One place that caps the BLAS thread pool.

Why: the dense algebra here is small (a few-hundred-square Cholesky, a 500 x 200 product). Threaded BLAS gains
nothing on such matrices and loses a lot when cores are shared (bootstrap workers, notebooks, CI): measured 5-50x
slower on a busy 2-core machine. A fixed thread count also keeps floating-point results identical across machines.

OpenBLAS (pthreads build) has one process-wide thread pool, so the cap is shared by the threads of a process: when
several enter :func:`blas_threads` at once (e.g. the workers of an in-process Dask cluster), the first one in sets the
cap, the others run under it, and the last one out restores the setting it found. Caps that each thread set and
restored on its own would lift the cap under threads still computing (their results would then depend on timing).
threadpoolctl (>= 3.6) lets only one "controlling" thread change an OpenBLAS pool and ignores the others silently;
the cap is set and restored as that thread and control is handed back at once, so whichever thread is last out can
restore it.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import threadpoolctl

_CONTROLLER: list[threadpoolctl.ThreadpoolController] = []  # created on first use: it scans the libraries once
_LOCK = threading.Lock()
_ACTIVE: dict[str, Any] = {"depth": 0, "limiter": None}  # the cap in force and how many blocks run under it


def blas_threads(n: int | None) -> contextlib.AbstractContextManager[Any]:
    """Context manager limiting BLAS to ``n`` threads (``None``: leave it alone).

    While any block in the process holds a cap (in this thread or another), that cap stays in force.

    Examples
    --------
    >>> with blas_threads(1):
    ...     pass
    """
    if n is None:
        return contextlib.nullcontext()
    return _shared_cap(int(n))


def _as_controlling_thread(change: Callable[[], Any]) -> Any:
    """Run ``change`` (which sets thread counts) as the thread allowed to change OpenBLAS, then release control."""
    clear = getattr(getattr(threadpoolctl, "OpenBLASController", None), "clear_controlling_thread", None)
    if clear is None:  # threadpoolctl < 3.6: any thread may set the limit
        return change()
    clear(force=True)
    try:
        return change()
    finally:
        clear()


@contextlib.contextmanager
def _shared_cap(n: int) -> Iterator[None]:
    with _LOCK:
        if _ACTIVE["depth"] == 0:
            if not _CONTROLLER:
                _CONTROLLER.append(threadpoolctl.ThreadpoolController())
            _ACTIVE["limiter"] = _as_controlling_thread(lambda: _CONTROLLER[0].limit(limits=n, user_api="blas"))
        _ACTIVE["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE["depth"] -= 1
            if _ACTIVE["depth"] == 0:
                _as_controlling_thread(_ACTIVE["limiter"].restore_original_limits)
                _ACTIVE["limiter"] = None
