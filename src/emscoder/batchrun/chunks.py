"""Cutting the input stream into chunks of records (the unit of work and of checkpointing), and
counting the records ahead of time for the progress bar when that is cheap."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from emscoder.errors import InputError
from emscoder.model import PCR
from emscoder.readers import SkippedFile, detect_format, input_files

BLOCK = 1 << 20
_PCR_END = re.compile(rb"</(?:[\w.-]+:)?PatientCareReport\s*>")


@dataclass
class Chunk:
    """Consecutive input records (valid PCRs and the errors of invalid ones), in input order."""

    first: int  # 0-based position of the first record in the whole input stream
    items: list[PCR | InputError]

    @property
    def pcrs(self) -> list[PCR]:
        return [item for item in self.items if isinstance(item, PCR)]


def chunked(stream: Iterable[PCR | InputError | SkippedFile], size: int, *, skip: int = 0,
            on_skipped_file: Callable[[SkippedFile], None] | None = None) -> Iterator[Chunk]:
    """Chunks of `size` records, leaving out the first `skip` records (already done by a run that
    is being resumed). Skipped files are not records; they go to `on_skipped_file`."""
    position, items = 0, []
    for item in stream:
        if isinstance(item, SkippedFile):
            if on_skipped_file:
                on_skipped_file(item)
            continue
        position += 1
        if position <= skip:
            continue
        items.append(item)
        if len(items) == size:
            yield Chunk(position - size, items)
            items = []
    if items:
        yield Chunk(position - len(items), items)


def _count_jsonl(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _count_nemsis(path: Path) -> int:
    count, tail = 0, b""
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            data = tail + block
            matches = list(_PCR_END.finditer(data))
            count += len(matches)
            cut = max(matches[-1].end() if matches else 0, len(data) - 64)
            tail = data[cut:]
    return max(count, 1)


def _records_in(path: Path, from_directory: bool) -> int | None:
    try:
        fmt = detect_format(path, from_directory=from_directory)
    except (InputError, OSError):
        return 1  # one error record for the file
    if fmt is None:
        return 0
    if fmt == "jsonl":
        return _count_jsonl(path)
    if fmt == "nemsis":
        return _count_nemsis(path)
    if fmt == "json":
        with path.open("rb") as handle:
            return None if handle.read(BLOCK).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"[" else 1
    return 1


def estimate_records(paths: Iterable[str | Path]) -> int | None:
    """About how many records the inputs hold (blank JSONL lines count), or None when finding out
    would mean parsing (JSON lists). Only for the progress bar: never used to skip or to check."""
    total = 0
    for path, from_directory in input_files(paths):
        if not path.exists():
            total += 1
            continue
        count = _records_in(path, from_directory)
        if count is None:
            return None
        total += count
    return total
