"""A guard before large allocations: a clear message instead of a MemoryError, a swap storm or the OOM killer.

Asks the operating system (``os.sysconf``; core reads no files) for the physical memory and the free pages. Free
pages leave out the page cache, which the system gives back on demand, so the memory counted as available is the
free memory but never less than half the physical memory: no refusal of what a busy-cached machine can hold, and
a refusal of what no machine of that size can (e.g. a ``/dev/zero`` input or ten million draws).
"""
from __future__ import annotations

import os

from irt_elo.errors import IrtEloError

HEADROOM = 0.8  # use at most this share of the available memory: the rest of the process needs some too
ALWAYS_FITS = 64 * 2 ** 20  # bytes; smaller requests are not checked


def _sysconf_bytes(pages: str) -> int | None:
    try:
        n = int(os.sysconf(pages)) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None
    return n if n > 0 else None


def available_memory() -> int | None:
    """Bytes of memory a new allocation can count on: the free physical memory, but at least half the physical
    memory (free pages leave out the reclaimable page cache); None where the system does not say.

    Examples
    --------
    >>> m = available_memory()
    >>> m is None or m > 0
    True
    """
    total, free = _sysconf_bytes("SC_PHYS_PAGES"), _sysconf_bytes("SC_AVPHYS_PAGES")
    if total is None:
        return free
    return max(free or 0, total // 2)


def format_bytes(n: float) -> str:
    """``1536 -> '1.5 KiB'``.

    Examples
    --------
    >>> format_bytes(3 * 2**30)
    '3.0 GiB'
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024.0
    return f"{n:.1f} TiB"  # pragma: no cover


def check_allocation(n_bytes: float, what: str, hint: str = "") -> None:
    """Raise :class:`~irt_elo.errors.IrtEloError` before allocating ``n_bytes`` for ``what`` when the machine
    cannot hold it (more than :data:`HEADROOM` of the available memory).

    ``what`` names the allocation in the message ("bootstrap draws (2000 x 7000)"), ``hint`` says what to do
    (default: use a smaller problem or a machine with more memory). Does nothing when the system does not report
    its available memory.

    Examples
    --------
    >>> check_allocation(1024, "a small array")
    >>> try:
    ...     check_allocation(2.0**70, "a huge array", "use fewer draws")
    ... except IrtEloError as e:
    ...     print(str(e).split(";")[0])
    a huge array needs 1073741824.0 TiB of memory
    """
    if n_bytes <= ALWAYS_FITS:
        return
    avail = available_memory()
    if avail is None or n_bytes <= HEADROOM * avail:
        return
    raise IrtEloError(f"{what} needs {format_bytes(n_bytes)} of memory; only {format_bytes(avail)} is available; "
                      f"{hint or 'use a smaller problem or a machine with more memory'}")


__all__ = ["available_memory", "check_allocation", "format_bytes", "HEADROOM", "ALWAYS_FITS"]
