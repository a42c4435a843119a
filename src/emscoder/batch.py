"""Batch coding of input files: read -> code -> write results and errors, never losing a record.

Every input record ends up in exactly one of the results file or the errors file; files that are
not PCR files (found while walking a directory) are listed as skipped.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from emscoder.coder import code
from emscoder.errors import InputError
from emscoder.model import PCR, CodingResult
from emscoder.readers import SkippedFile, read_inputs
from emscoder.report.jsonl import JsonlWriter


@dataclass
class BatchSummary:
    """What a batch did: counts a coder or an operator checks at the end of a run."""

    coded: int = 0
    errors: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    by_format: Counter = field(default_factory=Counter)
    results_path: Path | None = None
    errors_path: Path | None = None

    @property
    def records(self) -> int:
        return self.coded + self.errors


def default_errors_path(out: Path | None) -> Path:
    """`results.jsonl` -> `results.errors.jsonl`; stdout output -> `./emscoder-errors.jsonl`."""
    if out is None:
        return Path("emscoder-errors.jsonl")
    return out.with_name(out.name.removesuffix(".jsonl") + ".errors.jsonl")


def code_files(inputs: Iterable[str | Path], out: Path | None, errors_path: Path | None = None,
               on_error: Callable[[InputError], None] | None = None,
               on_result: Callable[[CodingResult], None] | None = None) -> BatchSummary:
    """Code every record in `inputs`, writing results to `out` (None = stdout) and failures to an
    errors file (created only when something failed). `on_error` sees each failure as it happens;
    `on_result` sees each result after it is written (e.g. the HTML report writer)."""
    summary = BatchSummary(results_path=out, errors_path=errors_path or default_errors_path(out))
    summary.errors_path.unlink(missing_ok=True)  # a stale errors file from an earlier run would mislead
    with JsonlWriter(out) as results, JsonlWriter(summary.errors_path, lazy=True) as errors:
        for item in read_inputs(inputs):
            if isinstance(item, PCR):
                result = code(item)
                results.write_result(result)
                if on_result:
                    on_result(result)
                summary.coded += 1
                summary.by_format[item.source.format if item.source else "unknown"] += 1
            elif isinstance(item, InputError):
                errors.write_object(item.to_dict())
                summary.errors += 1
                if on_error:
                    on_error(item)
            else:
                summary.skipped.append(item)
    if summary.errors == 0:
        summary.errors_path = None
    return summary
