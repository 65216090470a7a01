"""Run many independent tasks (bootstrap draws, benchmark-subset refits) serially, on local cores, or on Dask.

One function, :func:`parallel_map`, so every resampling analysis shares the same code path:

* ``n_jobs=1`` (or one task): a plain loop in this process;
* ``n_jobs`` > 1 or -1: joblib's ``loky`` process pool on this machine (joblib also caps each worker's BLAS
  threads, so workers do not oversubscribe the cores);
* ``scheduler=`` a Dask scheduler address (``"tcp://host:8786"``), a ``distributed.Client`` or a cluster object with
  a ``scheduler_address`` (e.g. ``distributed.LocalCluster``): the tasks run on that cluster.

Tasks are sent in contiguous chunks (a few per worker) so a 10 ms task does not pay a round trip each. Results
come back in task order and each task carries its own inputs (e.g. its own seed), so the output does not depend on
``n_jobs``, the chunking or the scheduler.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from irt_elo.core.threads import blas_threads as limit_blas
from irt_elo.errors import IrtEloError

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_PER_WORKER = 4  # enough chunks to balance uneven tasks and update a progress bar, few enough to be cheap


def parallel_map(
    func: Callable[[T], R],
    tasks: Sequence[T],
    *,
    n_jobs: int | None = -1,
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
    n_jobs : int or None
        Local worker processes (joblib convention: -1 = all cores, 1 or None = serial in this process). Ignored when
        ``scheduler`` is given.
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
    workers = effective_n_jobs(n_jobs)
    with progress_bar(len(tasks), progress, desc) as bar:
        if workers == 1 or len(tasks) == 1:
            out = []
            with limit_blas(blas_threads):
                for t in tasks:
                    out.append(func(t))
                    bar.update(1)
            return out
        from joblib import Parallel, delayed

        chunks = _chunks(tasks, workers * chunks_per_worker)
        results: list[R] = []
        gen = Parallel(n_jobs=workers, backend="loky", return_as="generator")(
            delayed(_run_chunk)(func, c, blas_threads) for c in chunks)
        for part in gen:
            results.extend(part)
            bar.update(len(part))
        return results


def effective_n_jobs(n_jobs: int | None) -> int:
    """Number of local workers ``n_jobs`` means (joblib's rules; None = 1).

    Examples
    --------
    >>> effective_n_jobs(1)
    1
    """
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise IrtEloError(f"n_jobs must be a non-zero integer (-1 = all cores), not {n_jobs!r}")
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
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=desc or None, unit=unit, disable=None, leave=False)
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
    from distributed import as_completed

    with dask_client(scheduler) as client:
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


__all__ = ["parallel_map", "effective_n_jobs", "dask_client", "progress_bar", "NoBar"]
