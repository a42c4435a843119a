"""Batch coding of input files: read -> code -> write results and errors, never losing a record.

Every input record ends up in exactly one of the results file or the errors file; files that are
not PCR files (found while walking a directory) are listed as skipped. The machinery (workers,
checkpoints, resume, CSV summary, progress) lives in `emscoder.batchrun`; this is its simple front.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from emscoder.batchrun import (BatchOptions, BatchProgress, BatchSummary, Callbacks, default_errors_path,
                               run_batch)
from emscoder.errors import InputError
from emscoder.model import CodingResult

__all__ = ["BatchOptions", "BatchSummary", "code_files", "default_errors_path"]


def code_files(inputs: Iterable[str | Path], out: Path | None, errors_path: Path | None = None,
               on_error: Callable[[InputError], None] | None = None,
               on_result: Callable[[CodingResult], None] | None = None, *,
               options: BatchOptions = BatchOptions(), progress: BatchProgress | None = None) -> BatchSummary:
    """Code every record in `inputs`, writing results to `out` (None = stdout) and failures to an
    errors file (created only when something failed). `on_error` sees each failure, `on_result`
    each result once it is written (e.g. the HTML report writer), both in input order. `options`
    sets workers, the CSV summary and resume (see `emscoder.batchrun.run_batch`)."""
    return run_batch(inputs, out, errors_path, options, Callbacks(on_error=on_error, on_result=on_result),
                     progress)
