"""The batch index page: one row per PCR (id, level, mileage, primary ICD-10, flags, sufficiency),
sortable by column and filterable by text and by flags, each row linking to its PCR page."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from emscoder.model import CodingResult
from emscoder.report.htmlkit import esc, page
from emscoder.report.sections import FLAG_STAGES

_NOT_CODED = '<span class="muted">not coded</span>'


@dataclass(frozen=True)
class IndexRow:
    """What the index shows of one result (kept small: the index is written after the pages)."""

    id: str
    href: str
    level: str | None = None
    mileage: str | None = None
    miles: float | None = None
    primary_dx: str | None = None
    flags: list[tuple[str, str]] = field(default_factory=list)
    flags_checked: bool = False
    score: float | None = None
    label: str | None = None


def index_row(result: CodingResult, href: str) -> IndexRow:
    """The index row of a result whose page is `href` (relative to the index)."""
    level = f"{result.level.hcpcs} {result.level.label}" if result.level else None
    mileage = None
    if result.mileage:
        units = "?" if result.mileage.units is None else f"{result.mileage.units:g}"
        mileage = f"{result.mileage.hcpcs} × {units}"
    primary = next((d for d in result.diagnoses if d.role == "primary"), None)
    suff = result.sufficiency
    return IndexRow(
        id=result.id, href=href, level=level, mileage=mileage,
        miles=result.mileage.units if result.mileage else None,
        primary_dx=f"{primary.code} {primary.description}" if primary else None,
        flags=[(f.severity, f.id) for f in result.flags],
        flags_checked=bool(result.flags) or any(stage in result.stages for stage in FLAG_STAGES),
        score=suff.score if suff else None, label=suff.label if suff else None)


def _cell(text: str | None, sort: str | None = None) -> str:
    sort_attr = f' data-sort="{esc(sort)}"' if sort is not None else ""
    return f"<td{sort_attr}>{esc(text) if text else _NOT_CODED}</td>"


def _flags(row: IndexRow) -> str:
    if not row.flags:
        shown = "none" if row.flags_checked else "not checked"
        return f'<td data-sort="{0 if row.flags_checked else ""}"><span class="muted">{shown}</span></td>'
    items = "".join(f'<li><span class="sev sev-{esc(sev)}">{esc(sev)}</span> {esc(fid)}</li>'
                    for sev, fid in row.flags)
    return f'<td data-sort="{len(row.flags)}"><ul class="flaglist">{items}</ul></td>'


def _row(row: IndexRow) -> str:
    severities = " ".join(sorted({sev for sev, _ in row.flags}))
    score = None if row.score is None else f"{row.score:.2f} {row.label}"
    return (f'<tr data-flags="{esc(severities)}"><th scope="row"><a href="{esc(quote(row.href))}">'
            f"{esc(row.id)}</a></th>{_cell(row.level)}"
            f'{_cell(row.mileage, "" if row.miles is None else f"{row.miles:g}")}{_cell(row.primary_dx)}'
            f'{_flags(row)}{_cell(score, "" if row.score is None else f"{row.score:.4f}")}</tr>')


_COLUMNS = (("PCR", "text"), ("Level", "text"), ("Mileage", "number"), ("Primary ICD-10", "text"),
            ("Flags", "number"), ("Sufficiency", "number"))


def render_index(rows: list[IndexRow], title: str = "emscoder evidence report") -> str:
    """The index page of a batch."""
    heads = "".join(f'<th scope="col" aria-sort="none"><button type="button" class="sort" data-col="{i}"'
                    f' data-type="{kind}">{name}</button></th>' for i, (name, kind) in enumerate(_COLUMNS))
    controls = ('<div class="controls" role="search"><label for="filter">Filter</label> '
                '<input id="filter" type="search" autocomplete="off"> <label for="flagfilter">Flags</label> '
                '<select id="flagfilter"><option value="">all PCRs</option><option value="any">with flags'
                '</option><option value="error">with errors</option><option value="none">without flags'
                '</option></select> <span id="shown" role="status" aria-live="polite"></span></div>')
    body = (f'<header><h1>{esc(title)}</h1><p class="meta">{len(rows)} PCR(s). Click a column heading to'
            f' sort; open a PCR for its codes and evidence.</p></header><main id="main">{controls}'
            f'<table id="pcrs" class="index"><thead><tr>{heads}</tr></thead>'
            f'<tbody>{"".join(_row(r) for r in rows)}</tbody></table></main>')
    return page(title, body, "index.js", {"count": len(rows)})
