"""Batch coding at scale: streaming, parallel (`workers`), resumable, never losing a record.

    from emscoder.batchrun import BatchOptions, run_batch
    summary = run_batch(["pcrs/"], Path("out/results.jsonl"), options=BatchOptions(workers=2))

The batch is a pure map over chunks of records (`worker.code_chunk`): read and validate in the main
process, code in workers that each build the pipeline once, write in input order. See runner.py.
"""
from emscoder.batchrun.progress import BatchProgress, RichProgress, progress_for
from emscoder.batchrun.runner import BatchOptions, Callbacks, default_errors_path, run_batch
from emscoder.batchrun.summary import BatchSummary, summary_lines
from emscoder.errors import BatchError, BatchInterrupted, CodingFailed, ResumeError, WorkerError

__all__ = ["BatchError", "BatchInterrupted", "BatchOptions", "BatchProgress", "BatchSummary", "Callbacks",
           "CodingFailed", "ResumeError", "RichProgress", "WorkerError", "default_errors_path", "progress_for",
           "run_batch", "summary_lines"]
