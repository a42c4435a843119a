"""Evidence bookkeeping for one PCR page: which narrative spans and structured-field rows belong
to which clickable target (a code, flag, reason or finding), and how evidence is listed.

Targets are named by our own tokens (`level`, `dx0`, `flag2`, `f13` ...), never by data, so they
are safe in attributes and CSS selectors.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from emscoder.model import PCR, Evidence
from emscoder.report.highlight import Mark
from emscoder.report.htmlkit import esc

_INDEX = re.compile(r"\[(\d+)\]")


def norm_path(path: str) -> str:
    """`medications[0].route` and `medications.0.route` name the same field."""
    return _INDEX.sub(r".\1", path.strip().strip("."))


def field_rows(pcr: PCR) -> list[tuple[str, str]]:
    """The structured fields of a PCR (all but the narrative) as (path, value) rows; empty values
    are left out."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(f"{prefix}[{i}]", item)
        elif value is not None and value != "":
            rows.append((prefix, str(value).lower() if isinstance(value, bool) else str(value)))

    walk("", pcr.model_dump(mode="json", exclude={"narrative"}))
    return rows


class Targets:
    """Collects, per target token, its narrative marks and its structured-field row ids."""

    def __init__(self, narrative: str, rows: list[tuple[str, str]]) -> None:
        self.narrative = narrative
        self.rows = [(path, value, f"fld{i}") for i, (path, value) in enumerate(rows)]
        self._norm = [(norm_path(path), value, row_id) for path, value, row_id in self.rows]
        self.marks: list[Mark] = []
        self.fields: dict[str, list[str]] = {}

    def cite(self, token: str, evidence: Sequence[Evidence], *, kind: str | None = None,
             counted: bool = True, title: str = "", triggers: Sequence[Evidence] = ()) -> None:
        """Register `token`'s evidence (and a finding's trigger words)."""
        field_ids = self.fields.setdefault(token, [])
        for ev, is_trigger in [(e, False) for e in evidence] + [(e, True) for e in triggers]:
            if ev.source == "narrative" and ev.start is not None and ev.end is not None:
                self.marks.append(Mark(ev.start, ev.end, token, None if is_trigger else kind, counted,
                                       is_trigger, f"{title} (trigger)" if is_trigger else title))
            elif ev.source.startswith("field:"):
                field_ids.extend(i for i in self._matching_rows(ev.source) if i not in field_ids)

    def _matching_rows(self, source: str) -> list[str]:
        path = norm_path(source.removeprefix("field:"))
        return [row_id for row_path, _, row_id in self._norm
                if path and (row_path == path or row_path.startswith(path + "."))]

    def _field_value(self, source: str) -> str | None:
        """The field's value; for a group (`origin`, `medications[0]`) its members, briefly."""
        path = norm_path(source.removeprefix("field:"))
        exact = [value for row_path, value, _ in self._norm if row_path == path]
        if exact:
            return exact[0]
        members = [f"{row_path[len(path) + 1:]}={value}" for row_path, value, _ in self._norm
                   if path and row_path.startswith(path + ".")]
        return ", ".join(members[:6]) + (" …" if len(members) > 6 else "") or None

    def listing(self, evidence: list[Evidence]) -> str:
        """The evidence as an HTML list (escaped): narrative quotes with offsets, field paths with
        their values."""
        items = [self._item(ev) for ev in evidence]
        return f'<ul class="evlist">{"".join(items)}</ul>' if items else '<p class="muted">no evidence cited</p>'

    def _item(self, ev: Evidence) -> str:
        if ev.source == "narrative":
            where = "narrative" if ev.start is None else f"narrative {ev.start}–{ev.end}"
            text = ev.text
            if ev.start is not None and ev.end is not None and 0 <= ev.start < ev.end <= len(self.narrative):
                text = self.narrative[ev.start:ev.end]
            return f'<li><span class="src">{esc(where)}</span> <q>{esc(text)}</q></li>'
        if ev.source.startswith("field:"):
            value = ev.text or self._field_value(ev.source)
            shown = f" = <q>{esc(value)}</q>" if value else ' <span class="muted">(absent)</span>'
            return f'<li><span class="src">field</span> <code>{esc(ev.source[6:])}</code>{shown}</li>'
        return f'<li><span class="src">{esc(ev.source)}</span> <q>{esc(ev.text)}</q></li>'

    def block(self, token: str, evidence: list[Evidence]) -> str:
        """Register `token`'s evidence and return its listing under an "Evidence" heading."""
        self.cite(token, evidence)
        return f'<h4>Evidence</h4>{self.listing(evidence)}'
