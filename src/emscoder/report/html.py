"""The HTML evidence report: one self-contained page per PCR plus an index page for the batch.

    from emscoder.report.html import write_report
    summary = write_report(results, Path("out/report"))   # results: any iterable of CodingResult

Pages are written as results arrive (nothing but a small index row is kept per PCR), then the index.
Pages work offline, carry a strict Content-Security-Policy and escape every piece of record text.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from emscoder.model import CodingResult
from emscoder.report.htmlkit import FileNames
from emscoder.report.index_page import IndexRow, index_row, render_index
from emscoder.report.pcr_page import render_page

INDEX_NAME = "index.html"


@dataclass(frozen=True)
class ReportSummary:
    """Where the report went and how many PCR pages it has."""

    out_dir: Path
    index_path: Path
    pages: int


def render_pcr_page(result: CodingResult, index_href: str | None = INDEX_NAME) -> str:
    """The HTML page of one result (a complete document); `index_href` is the back link, or None."""
    return render_page(result, index_href)


class ReportWriter:
    """Push-style report writer: `add(result)` writes that PCR's page now; `close()` writes the
    index and returns the summary. Used by `emscoder code --html` while it codes."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._names = FileNames()
        self._rows: list[IndexRow] = []

    def add(self, result: CodingResult) -> Path:
        """Write the page of `result`; returns its path."""
        name = self._names.allocate(result.id)
        path = self.out_dir / name
        path.write_text(render_pcr_page(result), encoding="utf-8")
        self._rows.append(index_row(result, name))
        return path

    def close(self) -> ReportSummary:
        """Write the index page (also for an empty batch) and say what was written."""
        index = self.out_dir / INDEX_NAME
        index.write_text(render_index(self._rows), encoding="utf-8")
        return ReportSummary(out_dir=self.out_dir, index_path=index, pages=len(self._rows))


def write_report(results: Iterable[CodingResult], out_dir: Path) -> ReportSummary:
    """Write one page per result into `out_dir` (streaming), then `index.html`."""
    writer = ReportWriter(out_dir)
    for result in results:
        writer.add(result)
    return writer.close()
