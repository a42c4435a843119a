"""Plain-text and JSON/JSONL readers. Each yields PCRs, or the typed error of a record that failed."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from emscoder.errors import FileFormatError, InputError, RecordError
from emscoder.model import MAX_NARRATIVE_CHARS, PCR
from emscoder.readers.records import record_from_object, text_record

MAX_TEXT_BYTES = MAX_NARRATIVE_CHARS * 4  # UTF-8 is at most 4 bytes per character


def decode_utf8(data: bytes, *, path: str, position: int | None = None) -> str:
    """Strict UTF-8 (a BOM is allowed); raise a typed error saying where the bad byte is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        error = RecordError if position is not None else FileFormatError
        raise error(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                    "re-export the file as UTF-8", path=path, position=position) from None


def read_text_file(path: Path) -> Iterator[PCR | InputError]:
    """One narrative per file; the record id is the file name without its suffix."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise FileFormatError(f"file is larger than {MAX_TEXT_BYTES:,} bytes; a narrative may hold "
                                  f"at most {MAX_NARRATIVE_CHARS:,} characters", path=name, record_id=path.stem)
        data = path.read_bytes()
        if not data:
            raise FileFormatError("empty file: no narrative", path=name, record_id=path.stem)
        yield text_record(path.stem, decode_utf8(data, path=name), path=name)
    except InputError as exc:
        exc.record_id = exc.record_id or path.stem
        yield exc


def read_json_file(path: Path) -> Iterator[PCR | InputError]:
    """A JSON file holding one record object or a list of them (position = 1-based list index)."""
    name = str(path)
    try:
        text = decode_utf8(path.read_bytes(), path=name)
        if not text.strip():
            raise FileFormatError("empty file: no records", path=name)
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileFormatError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
                                  path=name) from None
    except InputError as exc:
        yield exc
        return
    items = value if isinstance(value, list) else [value]
    if not items:
        yield FileFormatError("the JSON list is empty: no records", path=name)
    for index, item in enumerate(items, 1):
        try:
            yield record_from_object(item, path=name, position=index, fmt="json")
        except InputError as exc:
            yield exc


def read_jsonl_file(path: Path) -> Iterator[PCR | InputError]:
    """One JSON object per line, streamed; position = 1-based line number. Blank lines are skipped."""
    name = str(path)
    seen_record = False
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            seen_record = True
            try:
                line = decode_utf8(raw.rstrip(b"\r\n"), path=name, position=line_no)
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RecordError(f"invalid JSON at column {exc.colno}: {exc.msg}",
                                      path=name, position=line_no) from None
                yield record_from_object(obj, path=name, position=line_no, fmt="jsonl")
            except InputError as exc:
                yield exc
    if not seen_record:
        yield FileFormatError("empty file: no records", path=name)
