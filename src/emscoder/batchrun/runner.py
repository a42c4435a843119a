"""Run a batch: read -> code (in chunks, optionally in worker processes) -> write, in input order.

Every input record ends up in exactly one of the results file or the errors file, in input order
whatever the number of workers. After each chunk the files are flushed and the checkpoint is
rewritten, so a run stopped at any moment (Ctrl-C, kill -9, a crash) can go on with `resume=True`.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from emscoder.batchrun.checkpoint import Checkpoint, fingerprint, load_for_resume
from emscoder.batchrun.chunks import Chunk, chunked, estimate_records
from emscoder.batchrun.engine import map_chunks
from emscoder.batchrun.outputs import Outputs
from emscoder.batchrun.progress import BatchProgress
from emscoder.batchrun.summary import BatchSummary
from emscoder.batchrun.worker import Coded, Outcome
from emscoder.errors import BatchError, BatchInterrupted, CodingFailed, InputError, ResumeError
from emscoder.model import PCR, CodingResult
from emscoder.readers import read_inputs
from emscoder.report.readback import read_results

DEFAULT_CHUNK = 128


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch. None of these change the output bytes except `csv_path`."""

    workers: int = 1
    chunk_size: int = DEFAULT_CHUNK
    csv_path: Path | None = None
    resume: bool = False
    durable: bool = True  # fsync each chunk, so a checkpoint survives a power loss too


@dataclass
class Callbacks:
    """Optional observers, called in input order once a chunk is committed."""

    on_error: Callable[[InputError], None] | None = None
    on_result: Callable[[CodingResult], None] | None = None


def default_errors_path(out: Path | None) -> Path:
    """`results.jsonl` -> `results.errors.jsonl`; stdout output -> `./emscoder-errors.jsonl`."""
    if out is None:
        return Path("emscoder-errors.jsonl")
    return out.with_name(out.name.removesuffix(".jsonl") + ".errors.jsonl")


def _resume_point(out: Path | None, errors: Path, options: BatchOptions, expected: str | None) -> Checkpoint | None:
    if not options.resume:
        return None
    if out is None:
        raise ResumeError("--resume needs --output: results written to the screen cannot be resumed")
    return load_for_resume(out, errors, options.csv_path, expected)


def _sort_chunk(chunk: Chunk, outcomes: list[Outcome], summary: BatchSummary) -> tuple[list, list, list]:
    """Split a chunk into result lines, failures and digests, in input order; count them."""
    lines, failures, digests = [], [], []
    pending = iter(outcomes)
    for item in chunk.items:
        if not isinstance(item, PCR):
            failures.append(item)
            continue
        outcome = next(pending)
        source = item.source
        if isinstance(outcome, Coded):
            lines.append(outcome.line)
            digests.append(outcome.digest)
            summary.add_result(outcome.digest, source.format if source else None)
        else:
            failures.append(CodingFailed(outcome.reason, path=source.file if source else None,
                                         position=source.position if source else None, record_id=item.id))
    summary.errors += len(failures)
    return lines, failures, digests


def _notify(lines: list[str], failures: list[InputError], callbacks: Callbacks) -> None:
    if callbacks.on_error:
        for failure in failures:
            callbacks.on_error(failure)
    if callbacks.on_result:
        for line in lines:
            callbacks.on_result(CodingResult.model_validate_json(line))


def _replay(out: Path, upto: int, on_result: Callable[[CodingResult], None]) -> None:
    """Give the observer the results written before the resume (e.g. to rebuild the HTML report)."""
    done = 0
    for result in read_results(out):
        on_result(result)
        done += 1
        if done >= upto:
            break


def _same_versions(lines: list[str], expected: dict | None) -> dict | None:
    """The `versions` of a chunk's results; ResumeError when they differ from the earlier results'
    (rules, NLP resources or model changed between an interrupted run and its resume)."""
    if not lines:
        return expected
    versions = json.loads(lines[-1])["versions"]
    if expected is not None and versions != expected:
        raise ResumeError("cannot resume: emscoder's rules, NLP resources or model changed since the "
                          "interrupted run (results would mix versions); run again without --resume")
    return versions


def _code_all(inputs: list[Path], options: BatchOptions, start: Checkpoint | None, outputs: Outputs,
              summary: BatchSummary, callbacks: Callbacks, progress: BatchProgress) -> None:
    chunks = chunked(read_inputs(inputs), options.chunk_size, skip=start.records_done if start else 0,
                     on_skipped_file=summary.skipped.append)
    for chunk, outcomes in map_chunks(chunks, options.workers):
        lines, failures, digests = _sort_chunk(chunk, outcomes, summary)
        versions = _same_versions(lines, outputs.state.versions)
        outputs.write(lines, (failure.to_dict() for failure in failures), digests)
        outputs.commit(chunk.first + len(chunk.items), summary.counters(), digests[-1].id if digests else None,
                       versions=versions)
        progress.advance(len(chunk.items))
        _notify(lines, failures, callbacks)


def run_batch(inputs: Iterable[str | Path], out: Path | None, errors_path: Path | None = None,
              options: BatchOptions = BatchOptions(), callbacks: Callbacks = Callbacks(),
              progress: BatchProgress | None = None) -> BatchSummary:
    """Code every record in `inputs`; results to `out` (None = stdout), failures to `errors_path`
    (default next to `out`; created only when something failed), optionally a CSV summary.

    Raises ResumeError (resume refused), WorkerError (a worker died), BatchInterrupted (Ctrl-C;
    the files are valid up to the last checkpoint) or OSError (a file cannot be written).
    """
    began = time.perf_counter()
    inputs = [Path(p) for p in inputs]
    progress = progress or BatchProgress()
    errors_path = errors_path or default_errors_path(out)
    if options.workers < 1 or options.chunk_size < 1:
        raise BatchError("--workers and the chunk size must be at least 1")
    options_key = {"inputs": [str(p) for p in inputs], "errors": str(errors_path.resolve()),
                   "csv": str(options.csv_path.resolve()) if options.csv_path else None}
    expected = fingerprint(inputs, options_key) if out is not None else None
    start = _resume_point(out, errors_path, options, expected)
    summary = BatchSummary(results_path=out, errors_path=errors_path, csv_path=options.csv_path,
                           workers=options.workers)
    if start and start.counters:
        summary.restore(start.counters)
    outputs = Outputs(out, errors_path, options.csv_path, resume_from=start, fingerprint=expected,
                      durable=options.durable)
    try:
        if start and callbacks.on_result and summary.coded:
            _replay(out, summary.coded, callbacks.on_result)
        progress.start(estimate_records(inputs) if progress.wants_total else None, summary.records)
        _code_all(inputs, options, start, outputs, summary, callbacks, progress)
        outputs.commit(outputs.state.records_done, summary.counters(), None, complete=True)
    except KeyboardInterrupt:
        outputs.rollback()
        raise BatchInterrupted("interrupted", outputs.state.records_done) from None
    except BaseException:
        outputs.rollback()
        raise
    finally:
        progress.stop()
        outputs.close()
    summary.records_this_run = summary.records - summary.resumed_from
    summary.seconds = time.perf_counter() - began
    if summary.errors == 0:
        summary.errors_path = None
    return summary
