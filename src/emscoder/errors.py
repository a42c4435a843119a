"""Typed exceptions. Library code raises these; only the CLI turns them into messages and exit codes.

Every error carries a short machine-readable `code` and renders as one line that names the file,
the record (id or position) and the reason, so an errors file and a terminal say the same thing.
"""
from __future__ import annotations


class EmscoderError(Exception):
    """Base class of every error emscoder raises on purpose."""

    code = "error"


class InputError(EmscoderError):
    """An input could not be read, or one record in it is invalid.

    `path` is the file, `position` the 1-based line (JSONL) or record index (JSON list, NEMSIS
    PatientCareReport) inside it, `record_id` the PCR id when it could be read.
    """

    code = "input_error"

    def __init__(self, reason: str, *, path: str | None = None, position: int | None = None,
                 record_id: str | None = None) -> None:
        self.reason = reason
        self.path = path
        self.position = position
        self.record_id = record_id
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """`file:position [id]: reason`, the form used on the terminal and in errors files."""
        where = self.path or "<input>"
        if self.position is not None:
            where += f":{self.position}"
        if self.record_id:
            where += f" [{self.record_id}]"
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict:
        """The errors-file row for this failure (no narrative text: it is PHI)."""
        return {"id": self.record_id, "file": self.path, "position": self.position,
                "error": self.code, "reason": self.reason}


class RecordError(InputError):
    """One record is invalid (bad JSON line, missing id, wrong type, unknown enum value ...)."""

    code = "invalid_record"


class FileFormatError(InputError):
    """A whole file is unreadable: unknown format, not NEMSIS, not UTF-8, empty, broken XML."""

    code = "invalid_file"


class NotPCRFileError(FileFormatError):
    """A well-formed file that by design holds no PCRs (e.g. a NEMSIS DEMDataSet)."""

    code = "not_a_pcr_file"


class UnsafeXMLError(FileFormatError):
    """XML refused without parsing further: DOCTYPE, entity declarations (XXE, entity bombs)."""

    code = "unsafe_xml"


class RuleFileError(EmscoderError):
    """A rule file is invalid; the message names the file, the rule id (or index) and the bad key."""

    code = "rule_file_error"


class ResourceError(EmscoderError):
    """A packaged data file (vocabulary, code map, rule file) is missing or invalid."""

    code = "resource_error"


class CorpusError(EmscoderError):
    """A labelled corpus cannot be used: a line without `label`, an invalid record, a duplicate id.
    The message names the file, the line and the record id."""

    code = "corpus_error"


class ModelError(EmscoderError):
    """A classifier model folder cannot be loaded or written: missing files, a model.joblib whose
    sha256 differs from meta.json, library or feature-schema versions that differ from this
    installation, or a model outside the trusted `models/` folder without the trust flag."""

    code = "model_error"

# ---------------------------------------------------------------- batch runs (emscoder.batchrun)


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
