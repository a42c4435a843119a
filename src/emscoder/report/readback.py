"""Read a results JSONL file (as written by `emscoder code -o`) back into CodingResult records.

A bad line (not UTF-8, not JSON, not a result record) is reported and skipped; the rest is read.
Messages name the file, the line and the failing fields, never the values (they may be PHI).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from emscoder.model import CodingResult


@dataclass(frozen=True)
class ResultLineError:
    """One unreadable line of a results file."""

    file: Path
    line: int
    reason: str

    def one_line(self) -> str:
        return f"{self.file}: line {self.line}: {self.reason}"


def _reason(exc: ValidationError) -> str:
    errors = exc.errors(include_input=False, include_url=False)
    if any(e["type"] == "json_invalid" for e in errors):
        return "not valid JSON"
    parts = [f"{'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}" for e in errors[:3]]
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "not a result record: " + "; ".join(parts) + more


def read_results(path: Path, on_error: Callable[[ResultLineError], None] | None = None) -> Iterator[CodingResult]:
    """Yield each result of a JSONL file, in order; blank lines are ignored, bad lines go to
    `on_error`. Raises OSError when the file cannot be opened."""
    with Path(path).open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                error = ResultLineError(Path(path), number, "not UTF-8 text")
            else:
                if not text.strip():
                    continue
                try:
                    yield CodingResult.model_validate_json(text)
                    continue
                except ValidationError as exc:
                    error = ResultLineError(Path(path), number, _reason(exc))
            if on_error:
                on_error(error)
