"""Map chunks of PCRs to their outcomes, in input order, in this process or in a pool of workers.

Workers come from a 'forkserver': a clean process that imports emscoder and builds the pipeline
once (`preload.py`); each worker is forked from it already warm, and nothing is ever forked from a
parent with threads running (the progress bar). At most `IN_FLIGHT` chunks per worker are queued,
so memory stays flat however large the input; results come back strictly in submission order.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from emscoder.batchrun.chunks import Chunk
from emscoder.batchrun.worker import Outcome, code_chunk, init_worker, warm_up
from emscoder.errors import EmscoderError, WorkerError

IN_FLIGHT = 2
PRELOAD = ["emscoder.batchrun.preload"]


def _in_process(chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, list[Outcome]]]:
    warm_up()
    for chunk in chunks:
        yield chunk, code_chunk(chunk.pcrs)


def _pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker)


def _broken() -> WorkerError:
    return WorkerError("a worker process stopped unexpectedly (killed, or out of memory?); "
                       "the records before it were saved: run again with --resume")


def _submit(executor: ProcessPoolExecutor, pcrs: list) -> Future:
    try:
        return executor.submit(code_chunk, pcrs)
    except BrokenProcessPool:
        raise _broken() from None


def _collect(chunk: Chunk, future: Future | None) -> tuple[Chunk, list[Outcome]]:
    if future is None:
        return chunk, []
    try:
        return chunk, future.result()
    except BrokenProcessPool:
        raise _broken() from None
    except EmscoderError:
        raise
    except Exception as exc:  # noqa: BLE001  anything else a worker raised outside a record
        raise WorkerError(f"a worker process failed: {type(exc).__name__}") from exc


def _in_pool(chunks: Iterable[Chunk], workers: int) -> Iterator[tuple[Chunk, list[Outcome]]]:
    executor = _pool(workers)
    pending: deque[tuple[Chunk, Future | None]] = deque()
    try:
        for chunk in chunks:
            pcrs = chunk.pcrs
            pending.append((chunk, _submit(executor, pcrs) if pcrs else None))
            if len(pending) >= workers * IN_FLIGHT:
                yield _collect(*pending.popleft())
        while pending:
            yield _collect(*pending.popleft())
    finally:
        # On Ctrl-C or an error: drop queued chunks; the running ones finish in well under a second.
        executor.shutdown(wait=True, cancel_futures=True)


def map_chunks(chunks: Iterable[Chunk], workers: int) -> Iterator[tuple[Chunk, list[Outcome]]]:
    """`(chunk, outcomes)` for every chunk, in order; outcomes align with `chunk.pcrs`."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    return _in_process(chunks) if workers == 1 else _in_pool(chunks, workers)
