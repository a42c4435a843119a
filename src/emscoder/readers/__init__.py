"""Readers: PCR files (plain text, JSON, JSONL, NEMSIS v3.5 XML, directories) -> PCR records.

`read_inputs(paths)` streams `PCR` objects, interleaved with `InputError`s for records or files that
failed (so a batch never stops on bad input) and `SkippedFile`s for directory entries that are not
PCR files. Formats are detected by suffix, and by content where the suffix lies.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from emscoder.errors import FileFormatError, InputError, NotPCRFileError
from emscoder.model import PCR
from emscoder.readers.nemsis import read_nemsis_file
from emscoder.readers.textfile import read_json_file, read_jsonl_file, read_text_file

Format = Literal["text", "json", "jsonl", "nemsis"]
SUFFIXES: dict[str, Format] = {".txt": "text", ".text": "text", ".json": "json", ".jsonl": "jsonl",
                               ".ndjson": "jsonl", ".xml": "nemsis"}
READERS = {"text": read_text_file, "json": read_json_file, "jsonl": read_jsonl_file,
           "nemsis": read_nemsis_file}
SNIFF_BYTES = 65_536


@dataclass(frozen=True)
class SkippedFile:
    """A file found while walking a directory that is not a PCR file (e.g. README.md)."""

    path: str
    reason: str


def _first_json_line_is_complete(head: bytes) -> bool:
    line = head.lstrip().split(b"\n", 1)[0]
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _sniff(head: bytes) -> Format | None:
    """The format the content shows, or None when it looks like plain text."""
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if start == b"<":
        return "nemsis"
    if start == b"[":
        return "json"
    if start == b"{":
        body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        more_lines = b"\n" in body.strip()
        return "jsonl" if more_lines and _first_json_line_is_complete(body) else "json"
    return None


def detect_format(path: Path, *, from_directory: bool = False) -> Format | None:
    """Decide how to read `path`; None means "not a PCR file" (only for directory entries).

    The suffix decides unless the content contradicts it (a `.json` holding JSONL or XML, a `.txt`
    holding JSON or XML). Unknown suffixes are sniffed; named explicitly they default to text.
    """
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    by_suffix = SUFFIXES.get(path.suffix.lower())
    by_content = _sniff(head)
    if by_suffix in ("json", "jsonl", "nemsis") and by_content is None and head.strip():
        raise FileFormatError(f"the file is named {path.suffix} but does not contain "
                              f"{'XML' if by_suffix == 'nemsis' else 'JSON'}", path=str(path))
    if by_content is None:
        return by_suffix or (None if from_directory else "text")
    if by_suffix == "jsonl" and by_content == "json" and head.lstrip()[:1] != b"[":
        return "jsonl"  # a single line, or a first line longer than the sniffed head
    return by_content


def walk_directory(directory: Path) -> Iterator[Path]:
    """Every regular file below `directory`, sorted, skipping hidden files and folders."""
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from walk_directory(entry)
        elif entry.is_file():
            yield entry


def input_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, bool]]:
    """`(file, found_in_a_directory)` for every file `read_inputs` reads, in the same order;
    a path that does not exist is passed through (reading it gives an error record)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in walk_directory(path):
                yield file, True
        else:
            yield path, False


def read_file(path: Path, *, from_directory: bool = False) -> Iterator[PCR | InputError | SkippedFile]:
    """Read one file of any supported format."""
    try:
        fmt = detect_format(path, from_directory=from_directory)
    except InputError as exc:
        yield exc
        return
    except OSError as exc:
        yield FileFormatError(f"cannot read file: {exc.strerror or exc}", path=str(path))
        return
    if fmt is None:
        yield SkippedFile(str(path), f"not a PCR file (suffix {path.suffix or 'none'}, content is plain text)")
        return
    for item in READERS[fmt](path):
        if from_directory and isinstance(item, NotPCRFileError):
            yield SkippedFile(str(path), item.reason)
        else:
            yield item


def read_inputs(paths: Iterable[str | Path]) -> Iterator[PCR | InputError | SkippedFile]:
    """Stream records from files and directories, in the order given (directories sorted)."""
    for path, from_directory in input_files(paths):
        if from_directory or path.exists():
            yield from read_file(path, from_directory=from_directory)
        else:
            yield FileFormatError("no such file or directory", path=str(path))
