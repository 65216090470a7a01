"""`parallel_map`: the same results, in task order, serially, on local processes and on a Dask cluster."""
from __future__ import annotations

import operator
import threading
import time
from functools import partial

import numpy as np
import pytest

from irt_elo import IrtEloError
from irt_elo.core.threads import blas_threads
from irt_elo.fit.executor import _chunks, effective_n_jobs, parallel_map
from irt_elo.fit.uncertainty import bootstrap


def _seeded_draw(seed: np.random.SeedSequence) -> float:
    return float(np.random.default_rng(seed).normal())


SEEDS = np.random.SeedSequence(99).spawn(23)
EXPECTED = [_seeded_draw(s) for s in SEEDS]


@pytest.mark.parametrize("n_jobs", [1, None, 2, -1])
def test_results_come_back_in_task_order_for_any_n_jobs(n_jobs):
    assert parallel_map(_seeded_draw, SEEDS, n_jobs=n_jobs) == EXPECTED


def test_chunks_are_contiguous_and_cover_every_task():
    tasks = list(range(23))
    for n in (1, 4, 8, 23, 50):
        parts = _chunks(tasks, n)
        assert [t for p in parts for t in p] == tasks
        assert len(parts) == min(n, 23) and max(map(len, parts)) - min(map(len, parts)) <= 1


def test_progress_bar_and_partial_functions_work(capsys):
    add = partial(operator.add, 10)
    assert parallel_map(add, [1, 2, 3], n_jobs=1, progress=True, desc="adding") == [11, 12, 13]
    assert parallel_map(add, [], n_jobs=2) == []


def test_bad_n_jobs_and_scheduler_are_one_line_errors():
    for bad in (0, 1.5, "2", True):
        with pytest.raises(IrtEloError, match="n_jobs"):
            effective_n_jobs(bad)
    with pytest.raises(IrtEloError, match="scheduler"):
        parallel_map(abs, [1], scheduler=12345)
    with pytest.raises(IrtEloError, match="chunks_per_worker"):
        parallel_map(abs, [1], chunks_per_worker=0)


def _blas_counts() -> list[int]:
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_blas_cap_is_shared_by_concurrent_threads_and_restored_by_the_last():
    # Two threads of one process (an in-process Dask cluster's workers) cap BLAS at once; the first to finish must
    # not lift the cap under the other, and the last must restore the setting it found.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_counts()
        assert before and all(n == 2 for n in before)
        barrier, seen = threading.Barrier(2), []

        def task(delay: float) -> None:
            with blas_threads(1):
                barrier.wait()
                time.sleep(delay)
                seen.append(_blas_counts())

        workers = [threading.Thread(target=task, args=(d,)) for d in (0.0, 0.3)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert seen == [[1] * len(before)] * 2
        assert _blas_counts() == before


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        yield c


def test_dask_cluster_runs_tasks_in_order_by_address_client_or_cluster(cluster):
    from distributed import Client

    assert parallel_map(_seeded_draw, SEEDS, scheduler=cluster.scheduler_address) == EXPECTED
    assert parallel_map(_seeded_draw, SEEDS, scheduler=cluster) == EXPECTED
    with Client(cluster) as client:
        assert parallel_map(_seeded_draw, SEEDS, scheduler=client, progress=True) == EXPECTED
        assert client.status == "running"  # a client we were given is left open


def test_bootstrap_on_dask_matches_local_processes(cluster, eci_fit):
    local = bootstrap(eci_fit, n_boot=8, seed=5, n_jobs=1)
    remote = bootstrap(eci_fit, n_boot=8, seed=5, scheduler=cluster.scheduler_address)
    # Same seeds, one BLAS thread everywhere: the same bits, not just close numbers.
    np.testing.assert_array_equal(remote.capability.to_numpy(), local.capability.to_numpy())
    np.testing.assert_array_equal(remote.slope.to_numpy(), local.slope.to_numpy())


@pytest.mark.parametrize("address", ["tcp://", "nonsense://host:8786"])
def test_bad_scheduler_address_is_a_one_line_error(address):
    pytest.importorskip("distributed")
    with pytest.raises(IrtEloError, match="could not connect to the Dask scheduler") as e:
        parallel_map(abs, [1, 2], scheduler=address)
    assert "\n" not in str(e.value)
