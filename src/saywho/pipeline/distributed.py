"""Scale-out on Dask distributed: the per-chunk analysis (`pipeline.prepare`) runs on Dask
workers, everything else stays in the calling process.

    with dask_client("tcp://scheduler:8786") as client:          # or "local", workers=4
        ingest(engine, documents, settings, inputs=names, analyser=dask_analyser(client))

What runs where: reading, extraction and the "already stored?" check run here (they need the
inputs and the store); the spaCy parse and the entity pass run on the workers, one chunk of
articles per task; storing runs here too, one transaction per article, so the store keeps a
single writer and SQLite works as well as PostgreSQL. Tasks are submitted in a bounded window
(``2 × worker threads``) and their results are stored in submission order, so memory stays flat
on any input size and a run stores exactly what the in-process path stores.

saywho adds no scheduler of its own: Dask's scheduler places the tasks, retries work of a lost
worker and balances load.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import StoreError
from ..model import Failure
from ..store.ingest import Prepared
from .ingest import Analyser, Chunk, for_analysis, prepare

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT_S = 10


@contextmanager
def dask_client(scheduler: str, workers: int = 1, processes: bool = True) -> Iterator[Client]:
    """A client on the Dask scheduler at `scheduler` (``tcp://host:8786``), or, for ``local``, on
    a `distributed.LocalCluster` of `workers` single-threaded worker processes started here."""
    from distributed import Client, LocalCluster

    address = scheduler.strip()
    if not address:
        raise StoreError("the Dask scheduler is empty", input="--dask",
                         remedy="give tcp://HOST:8786 or local")  # fmt: skip
    if address == "local":
        # one thread per worker: spaCy parses hold the GIL, processes are what run in parallel
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,  # type: ignore[no-untyped-call]
                               dashboard_address=None, silence_logs=logging.ERROR)  # fmt: skip
        try:
            with Client(cluster) as client:  # type: ignore[no-untyped-call]
                yield client
        finally:
            cluster.close()
        return
    if "://" not in address:
        address = "tcp://" + address
    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise StoreError(
            f"cannot reach the Dask scheduler ({type(exc).__name__})",
            input=address,
            remedy="start one with dask scheduler, check the address, or use --dask local",
        ) from exc
    with client:
        yield client


def dask_analyser(
    client: Client, window: int | None = None, settings: Settings | None = None
) -> Analyser:
    """An analyser for `pipeline.ingest` that runs `prepare` (as `settings` say) on the client's
    workers, with at most `window` chunks submitted and not yet stored (default: twice the
    workers' threads)."""
    settings = for_analysis(settings)  # no store URL or API token travels to the workers
    threads: dict[str, int] = client.nthreads()  # type: ignore[no-untyped-call]
    limit = window or max(2, 2 * sum(threads.values()))

    def analysed(chunks: Iterator[Chunk]) -> Iterator[list[Prepared | Failure]]:
        from distributed import as_completed

        done: dict[int, list[Prepared | Failure]] = {}
        index: dict[Any, int] = {}  # future key → its chunk's position
        running = as_completed()  # type: ignore[no-untyped-call]
        submitted = stored = 0
        source = iter(chunks)

        def submit() -> bool:
            nonlocal submitted
            chunk = next(source, None)
            if chunk is None:
                return False
            # pure=False: two equal chunks (a rerun) are still two tasks
            future = client.submit(prepare, chunk, settings, pure=False)
            index[future.key] = submitted
            submitted += 1
            running.add(future)  # type: ignore[no-untyped-call]
            return True

        while submitted - stored < limit and submit():
            pass
        for future in running:
            done[index.pop(future.key)] = _result(future)
            future.release()
            # results are handed on in submission order (a stored run does not depend on which
            # worker was fastest); the window counts chunks not yet handed on, so it bounds
            # memory even when an early chunk is slow
            while stored in done:
                yield done.pop(stored)
                stored += 1
            while submitted - stored < limit and submit():
                pass

    return analysed


def _result(future: Any) -> list[Prepared | Failure]:
    try:
        result: list[Prepared | Failure] = future.result()
    except (
        Exception
    ) as exc:  # a lost worker or a task Dask gave up on; `prepare` itself never raises
        raise StoreError(
            f"a Dask task failed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})",
            input="--dask",
            remedy="check the workers' logs; rerun: stored articles are skipped",
        ) from exc
    return result


__all__ = ["Analyser", "dask_analyser", "dask_client"]
