"""The files a batch writes (results, errors, CSV) and its checkpoint, committed together per chunk."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from emscoder.batchrun.checkpoint import Checkpoint, checkpoint_path, load, save
from emscoder.errors import ResumeError
from emscoder.batchrun.worker import Digest
from emscoder.report.csv_summary import CsvSummaryWriter
from emscoder.report.jsonl import JsonlWriter, error_line


class Outputs:
    """Results (a file, or stdout when `out` is None), errors (created on the first failure), the
    optional CSV summary and, for file output, the checkpoint that says which bytes are valid."""

    def __init__(self, out: Path | None, errors: Path, csv_path: Path | None, *,
                 resume_from: Checkpoint | None, fingerprint: str | None, durable: bool) -> None:
        self.durable = durable
        self.checkpoint_path = checkpoint_path(out) if out is not None else None
        start = resume_from or Checkpoint(fingerprint=fingerprint or "")
        if resume_from is None and self.checkpoint_path is not None:
            self.checkpoint_path.unlink(missing_ok=True)  # before the files it described are emptied
        if not start.errors_bytes:
            errors.unlink(missing_ok=True)  # a stale errors file from an earlier run would mislead
        self.results = JsonlWriter(out, resume_at=start.results_bytes)
        self.errors = JsonlWriter(errors, lazy=True, resume_at=start.errors_bytes)
        self.csv = CsvSummaryWriter(csv_path, resume_at=start.csv_bytes) if csv_path else None
        self.state = start
        if resume_from is None:
            self.commit(0, {}, None)

    def write(self, lines: list[str], error_rows: Iterable[dict], digests: list[Digest]) -> None:
        """Append one chunk's results, error rows and CSV rows (not yet committed)."""
        self.results.write_lines(lines)
        self.errors.write_lines(error_line(row) for row in error_rows)
        if self.csv is not None:
            self.csv.write_rows(digests)

    def commit(self, records_done: int, counters: dict, last_result_id: str | None, *,
               versions: dict | None = None, complete: bool = False) -> None:
        """Make everything written so far durable, then record it in the checkpoint."""
        for writer in (self.results, self.errors, self.csv):
            if writer is not None:
                writer.flush(sync=self.durable)
        state = Checkpoint(
            fingerprint=self.state.fingerprint, records_done=records_done, results_bytes=self.results.offset,
            errors_bytes=self.errors.offset, csv_bytes=self.csv.offset if self.csv else 0,
            last_result_id=last_result_id or self.state.last_result_id,
            versions=versions or self.state.versions, counters=counters, complete=complete)
        if self.checkpoint_path is not None:
            save(self.checkpoint_path, state, sync=self.durable)
        self.state = state

    def rollback(self) -> None:
        """Cut every file back to the checkpoint on disk (the source of truth), so no half-written
        line or uncommitted chunk is left behind after Ctrl-C or an error."""
        if self.checkpoint_path is None or not self.checkpoint_path.exists():
            return
        try:
            state = load(self.checkpoint_path)
        except ResumeError:
            return
        self.results.truncate(state.results_bytes)
        self.errors.truncate(state.errors_bytes)
        if not state.errors_bytes and self.errors.path is not None:
            self.errors.close()
            self.errors.path.unlink(missing_ok=True)
        if self.csv is not None:
            self.csv.truncate(state.csv_bytes)

    def close(self) -> None:
        for writer in (self.results, self.errors, self.csv):
            if writer is not None:
                writer.close()
