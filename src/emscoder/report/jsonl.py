"""JSON Lines writers for results and errors. One complete line per write, so a reader of a file
that is being written (or was interrupted) never sees half a record."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from emscoder.model import CodingResult


class JsonlWriter:
    """Append JSON objects, one per line, to a file (created lazily) or to stdout (`path=None`)."""

    def __init__(self, path: Path | None, *, lazy: bool = False) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        if not lazy:
            self._open()

    def _open(self) -> IO[str]:
        if self._handle is None:
            if self.path is None:
                self._handle = sys.stdout
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("w", encoding="utf-8")
        return self._handle

    def write_line(self, line: str) -> None:
        self._open().write(line + "\n")
        self.count += 1

    def write_object(self, obj: Any) -> None:
        self.write_line(json.dumps(obj, ensure_ascii=False, sort_keys=False))

    def write_result(self, result: CodingResult) -> None:
        self.write_line(result.model_dump_json())

    def close(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            if self._handle is not sys.stdout:
                self._handle.close()
        self._handle = None

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
