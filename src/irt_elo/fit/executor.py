"""Run many independent tasks (bootstrap draws, benchmark-subset refits) serially, on local cores, or on Dask.

One function, :func:`parallel_map`, so every resampling analysis shares the same code path:

* ``n_jobs=1`` (or one task): a plain loop in this process;
* ``n_jobs='auto'``: serial unless the tasks, timed on the first one, would clearly repay starting workers;
* ``n_jobs`` > 1 or -1: joblib's ``loky`` process pool on this machine (joblib also caps each worker's BLAS
  threads, so workers do not oversubscribe the cores);
* ``scheduler=`` a Dask scheduler address (``"tcp://host:8786"``), a ``distributed.Client`` or a cluster object with
  a ``scheduler_address`` (e.g. ``distributed.LocalCluster``): the tasks run on that cluster.

Tasks are sent in contiguous chunks (a few per worker) so a 10 ms task does not pay a round trip each. Results
come back in task order and each task carries its own inputs (e.g. its own seed), so the output does not depend on
``n_jobs``, the chunking or the scheduler.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from irt_elo.core.threads import blas_threads as limit_blas
from irt_elo.errors import IrtEloError

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_PER_WORKER = 4  # enough chunks to balance uneven tasks and update a progress bar, few enough to be cheap
AUTO = "auto"  # n_jobs: serial unless the measured first task says the rest would repay starting worker processes
# Seconds to start a loky pool and import the fitting code in its workers: 50 bootstrap draws of the bundled ECI fit
# took 0.93 s serial and 1.90 s on 2 busy workers (1.4 s of start-up); benchmarks/bench_bootstrap.py's 500 draws
# 7.2 s serial and 4.3 s on 2 idle workers (0.7 s). A pool is started only for twice the break-even work (6 s serial
# for 2 workers, about 400 draws of the ECI fit).
POOL_START_S = 1.5


def parallel_map(
    func: Callable[[T], R],
    tasks: Sequence[T],
    *,
    n_jobs: int | str | None = -1,
    scheduler: Any = None,
    progress: bool = False,
    desc: str = "",
    chunks_per_worker: int = CHUNKS_PER_WORKER,
    blas_threads: int | None = None,
) -> list[R]:
    """``[func(t) for t in tasks]``, possibly in parallel, in task order.

    Parameters
    ----------
    func : callable
        Applied to each task. Must be picklable for process or Dask execution (a module-level function, or a
        ``functools.partial`` / dataclass instance with ``__call__`` holding the shared inputs).
    tasks : sequence
        One item per call; each should carry everything that makes its result unique (such as a seed).
    n_jobs : int, 'auto' or None
        Local worker processes (joblib convention: -1 = all cores, 1 or None = serial in this process). ``'auto'``:
        the first task runs here, timed; the rest run on the free cores (:func:`free_cores`) only when their
        estimated serial time clearly repays starting the workers (:func:`auto_workers`), else here too. The
        results are the same whichever is chosen. Ignored when ``scheduler`` is given.
    scheduler : str, distributed.Client or cluster, optional
        Run on a Dask cluster: its scheduler address, a connected client, or a cluster object. Needs the
        ``dask`` extra (``pip install irt-elo[dask]``).
    progress : bool
        Show a tqdm progress bar (on a terminal only: tqdm hides it when stderr is not a TTY).
    desc : str
        Progress bar label.
    chunks_per_worker : int
        Chunks per worker; each chunk is one round trip.
    blas_threads : int, optional
        Cap the BLAS threads while tasks run (via threadpoolctl), in this process and in every worker. Many small
        linear-algebra tasks run fastest with 1, and a fixed count also makes floating-point results independent of
        how many cores the machine has (OpenBLAS splits work, and so rounds, differently per thread count).

    Returns
    -------
    list
        ``func(task)`` for every task, in the order of ``tasks``.

    Examples
    --------
    >>> parallel_map(abs, [-3, 1, -2], n_jobs=1)
    [3, 1, 2]
    """
    tasks = list(tasks)
    for name, v in (("chunks_per_worker", chunks_per_worker), ("blas_threads", blas_threads)):
        if not (v is None and name == "blas_threads") and (
                isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1):
            raise IrtEloError(f"{name} must be a positive integer, not {v!r}")
    if not tasks:
        return []
    if scheduler is not None:
        return _dask_map(func, tasks, scheduler, progress, desc, chunks_per_worker, blas_threads)
    auto = n_jobs == AUTO
    workers = free_cores() if auto else effective_n_jobs(n_jobs)
    with progress_bar(len(tasks), progress, desc) as bar:
        done: list[R] = []
        if auto and workers > 1 and len(tasks) > 1:
            # Time the first task here, then start worker processes only if the rest would clearly repay them.
            start = time.perf_counter()
            done = _serial(func, tasks[:1], blas_threads, bar)
            workers = auto_workers(time.perf_counter() - start, len(tasks) - 1, workers)
            tasks = tasks[1:]
        if workers == 1 or len(tasks) == 1:
            return done + _serial(func, tasks, blas_threads, bar)
        from joblib import Parallel, delayed

        chunks = _chunks(tasks, workers * chunks_per_worker)
        gen = Parallel(n_jobs=workers, backend="loky", return_as="generator")(
            delayed(_run_chunk)(func, c, blas_threads) for c in chunks)
        for part in gen:
            done.extend(part)
            bar.update(len(part))
        return done


def _serial(func: Callable[[T], R], tasks: Sequence[T], blas_threads: int | None, bar: Any) -> list[R]:
    out = []
    with limit_blas(blas_threads):
        for t in tasks:
            out.append(func(t))
            bar.update(1)
    return out


def free_cores() -> int:
    """Cores this process may use that other processes are not busy on: the CPUs it may run on less the
    one-minute load average beyond its own (at least 1). On a shared machine more workers than free cores only
    add start-up time."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    try:
        busy = max(0.0, os.getloadavg()[0] - 1.0)  # this process is one of the running ones
    except (AttributeError, OSError):  # pragma: no cover - no load average
        busy = 0.0
    return max(1, cpus - int(busy + 0.5))


def auto_workers(task_seconds: float, n_tasks: int, free: int, start_seconds: float | None = None) -> int:
    """Workers for ``n_tasks`` tasks of about ``task_seconds`` each with ``free`` free cores (``n_jobs='auto'``):
    1 (serial) unless the serial time exceeds twice the break-even point of starting a pool, ``start_seconds``
    (default :data:`POOL_START_S`) + serial / workers < serial, so a pool is started only for a clear gain.

    Examples
    --------
    >>> auto_workers(0.02, 99, 2)   # 2 s of work: serial
    1
    >>> auto_workers(0.02, 1999, 2)  # 40 s of work: both cores
    2
    """
    start = POOL_START_S if start_seconds is None else start_seconds
    workers = max(1, min(int(free), int(n_tasks)))
    if workers < 2:
        return 1
    serial = task_seconds * n_tasks
    return workers if serial > 2.0 * start * workers / (workers - 1) else 1


def effective_n_jobs(n_jobs: int | str | None) -> int:
    """Number of local workers ``n_jobs`` means (joblib's rules; None = 1; 'auto': at most the free cores).

    Examples
    --------
    >>> effective_n_jobs(1)
    1
    """
    if n_jobs is None:
        return 1
    if n_jobs == AUTO:
        return free_cores()
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise IrtEloError(f"n_jobs must be a non-zero integer (-1 = all cores) or 'auto', not {n_jobs!r}")
    from joblib import effective_n_jobs as _eff

    return max(1, int(_eff(n_jobs)))


def _run_chunk(func: Callable[[T], R], chunk: Sequence[T], blas_threads: int | None = None) -> list[R]:
    with limit_blas(blas_threads):
        return [func(t) for t in chunk]


def _chunks(tasks: list[T], n: int) -> list[list[T]]:
    """Split into at most ``n`` contiguous chunks of near-equal size (order kept)."""
    n = max(1, min(n, len(tasks)))
    size, extra = divmod(len(tasks), n)
    out, start = [], 0
    for i in range(n):
        stop = start + size + (1 if i < extra else 0)
        out.append(tasks[start:stop])
        start = stop
    return out


@contextmanager
def progress_bar(total: int, show: bool, desc: str, unit: str = "task") -> Iterator[Any]:
    """A tqdm bar on stderr (hidden when it is not a terminal), or a do-nothing bar when ``show`` is false; both have
    ``update(n)``. Shared by the parallel map and the iterative fitters (EM iterations, SVI steps)."""
    if not show:
        yield NoBar()
        return
    import sys

    from tqdm.auto import tqdm

    # The bar draws with carriage returns: it goes to the terminal itself, not through the CLI's escaping wrapper.
    stream = getattr(sys.stderr, "wrapped", sys.stderr)
    bar = tqdm(total=total, desc=desc or None, unit=unit, disable=None, leave=False, file=stream)
    try:
        yield bar
    finally:
        bar.close()


class NoBar:
    """The bar of a run that shows none."""

    def update(self, n: int = 1) -> None:  # noqa: ARG002 - same interface as tqdm
        return None


@contextmanager
def dask_client(scheduler: Any) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler`` (address, client or cluster); closes only a client it opened.

    Examples
    --------
    >>> from distributed import LocalCluster
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
    ...     with dask_client(cluster) as client:
    ...         client.submit(abs, -2).result()
    2
    """
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the environment
        raise IrtEloError("running on a Dask scheduler needs dask.distributed: pip install 'irt-elo[dask]'") from None
    if isinstance(scheduler, Client):
        yield scheduler
        return
    address = getattr(scheduler, "scheduler_address", scheduler)
    if not isinstance(address, str) or not address:
        raise IrtEloError(f"scheduler must be a Dask scheduler address such as 'tcp://127.0.0.1:8786', a "
                          f"distributed.Client or a cluster, not {scheduler!r}")
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except Exception as e:  # noqa: BLE001
        # distributed reports a failed connection with assorted types (OSError, TimeoutError, ValueError; once, on a
        # loaded machine, a bare AssertionError from "nonsense://host:8786"), and its messages can span lines.
        reason = " ".join(str(e).split()) or type(e).__name__
        raise IrtEloError(f"could not connect to the Dask scheduler at {address!r} ({reason}); check the address "
                          "and that the scheduler is running") from None
    try:
        yield client
    finally:
        client.close()


def _dask_map(func: Callable[[T], R], tasks: list[T], scheduler: Any, progress: bool, desc: str,
              chunks_per_worker: int, blas_threads: int | None) -> list[R]:
    with dask_client(scheduler) as client:  # says what to install when distributed is missing
        from distributed import as_completed

        workers = max(1, sum(client.nthreads().values()))
        chunks = _chunks(tasks, workers * chunks_per_worker)
        # Ship the shared inputs once per worker, not once per chunk.
        [func_f] = client.scatter([func], broadcast=True, hash=False)
        futures = [client.submit(_run_chunk, func_f, c, blas_threads, pure=False) for c in chunks]
        sizes = {f.key: len(c) for f, c in zip(futures, chunks)}
        with progress_bar(len(tasks), progress, desc) as bar:
            for fut in as_completed(futures, loop=client.loop):
                bar.update(sizes[fut.key])
        parts = client.gather(futures)
    return [r for part in parts for r in part]


__all__ = ["parallel_map", "effective_n_jobs", "free_cores", "auto_workers", "AUTO", "POOL_START_S",
           "dask_client", "progress_bar", "NoBar"]
