"""JSON Lines writers for results and errors. Lines are written whole and newline-terminated, so a
reader of a file that is being written (or was interrupted) never mistakes half a record for one,
and a resumed batch can cut a file back to a known byte offset and append from there."""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from emscoder.model import CodingResult


def error_line(obj: Any) -> str:
    """The JSON line (no newline) of an errors-file row."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


class JsonlWriter:
    """Append JSON objects, one per line, to a file (created lazily) or to stdout (`path=None`).

    `resume_at` keeps the first `resume_at` bytes of an existing file (anything after them, such as
    a half-written last line, is cut off) and appends after them; `offset` is the file's length in
    bytes after the writes so far.
    """

    def __init__(self, path: Path | None, *, lazy: bool = False, resume_at: int = 0) -> None:
        self.path = path
        self.count = 0
        self.offset = resume_at
        self._resume_at = resume_at
        self._handle: IO[bytes] | None = None
        self._stdout = path is None
        if not lazy or resume_at:
            self._open()

    def _open(self) -> IO[bytes] | None:
        if self._handle is None and not self._stdout:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._resume_at:
                self._handle = self.path.open("r+b")
                self._handle.truncate(self._resume_at)
                self._handle.seek(self._resume_at)
            else:
                self._handle = self.path.open("wb")
        return self._handle

    def write_lines(self, lines: Iterable[str]) -> None:
        """Write complete lines (given without their newline) in one block."""
        lines = list(lines)
        if not lines:
            return
        block = "".join(line + "\n" for line in lines)
        if self._stdout:
            sys.stdout.write(block)
        else:
            data = block.encode("utf-8")
            self._open().write(data)
            self.offset += len(data)
        self.count += len(lines)

    def write_line(self, line: str) -> None:
        self.write_lines([line])

    def write_object(self, obj: Any) -> None:
        self.write_line(error_line(obj))

    def write_result(self, result: CodingResult) -> None:
        self.write_line(result.model_dump_json())

    def flush(self, *, sync: bool = False) -> None:
        """Hand written lines to the OS (enough to survive the process being killed); with `sync`,
        also to the disk (to survive a power loss)."""
        if self._stdout:
            sys.stdout.flush()
        elif self._handle is not None:
            self._handle.flush()
            if sync:
                os.fsync(self._handle.fileno())

    def truncate(self, offset: int) -> None:
        """Cut the file back to `offset` bytes (dropping lines written after a checkpoint)."""
        if self._handle is not None:
            self._handle.flush()
            self._handle.truncate(offset)
            self._handle.seek(offset)
            self.offset = offset

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        elif self._stdout:
            sys.stdout.flush()
        self._handle = None

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
