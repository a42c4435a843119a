"""Typed errors of the batch runner (all `EmscoderError`s, so the CLI reports them as one line)."""
from __future__ import annotations

from emscoder.errors import EmscoderError, InputError


class BatchError(EmscoderError):
    """A batch run could not go on; records already written stay valid (see `--resume`)."""

    code = "batch_error"


class ResumeError(BatchError):
    """`--resume` refused: no checkpoint, different inputs or options, or files that do not match it."""

    code = "resume_refused"


class WorkerError(BatchError):
    """A worker process died or failed outside any single record (killed, out of memory ...)."""

    code = "worker_failed"


class BatchInterrupted(BatchError):
    """Ctrl-C: the files hold every record up to the last checkpoint and can be resumed."""

    code = "interrupted"

    def __init__(self, message: str, records_done: int) -> None:
        super().__init__(message)
        self.records_done = records_done


class CodingFailed(InputError):
    """A valid record that the coding stages raised on; it goes to the errors file like a bad record."""

    code = "coding_failed"
