"""The CSV summary of a batch (`emscoder code --csv`): one row per coded PCR, for spreadsheets.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
are prefixed with an apostrophe, so a record id such as `=HYPERLINK(...)` stays plain text.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from emscoder.batchrun.worker import Digest

COLUMNS = ("id", "level_hcpcs", "level", "mileage_hcpcs", "mileage_units", "od_modifier", "primary_icd10",
           "necessity_met", "flags", "sufficiency_score", "sufficiency_label", "error_free")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """`value`, made inert for spreadsheets (CSV/formula injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def row_cells(item: Digest) -> list[str]:
    """The CSV cells of one result digest, in `COLUMNS` order (blank when a stage did not decide)."""
    values = (item.id, item.level_hcpcs, item.level, item.mileage_hcpcs, item.mileage_units, item.od_modifier,
              item.primary_icd10, item.necessity_met, ";".join(item.flags),
              None if item.score is None else round(item.score, 4), item.score_label, item.error_free)
    return [safe_cell(_text(value)) for value in values]


class CsvSummaryWriter:
    """Writes the header (unless resuming at `resume_at` bytes of an existing file), then rows."""

    def __init__(self, path: Path, *, resume_at: int = 0) -> None:
        self.path = path
        self.offset = resume_at
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[bytes] = path.open("r+b" if resume_at else "wb")
        if resume_at:
            self._handle.truncate(resume_at)
            self._handle.seek(resume_at)
        else:
            self._write([list(COLUMNS)])

    def _write(self, rows: Iterable[list[str]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        data = buffer.getvalue().encode("utf-8")
        self._handle.write(data)
        self.offset += len(data)

    def write_rows(self, items: Iterable[Digest]) -> None:
        """One row per result digest."""
        self._write(row_cells(item) for item in items)

    def flush(self, *, sync: bool = False) -> None:
        self._handle.flush()
        if sync:
            os.fsync(self._handle.fileno())

    def truncate(self, offset: int) -> None:
        self._handle.flush()
        self._handle.truncate(offset)
        self._handle.seek(offset)
        self.offset = offset

    def close(self) -> None:
        self._handle.close()
