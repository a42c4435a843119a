"""Narrative highlighting: possibly overlapping evidence spans -> flat, non-overlapping segments.

Evidence spans may nest or overlap (a finding inside a code's evidence, two findings sharing a word).
HTML elements cannot overlap, so the narrative is cut at every span boundary into segments; each
segment lists every mark that covers it and becomes one `<span>` whose `data-t` names the targets
(our own tokens, never narrative text). The narrative text itself is escaped and never duplicated.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Mark:
    """A span of the narrative that belongs to one clickable target.

    `kind` (a CSS-safe finding kind) colours the span; `counted=False` shows it as ruled out;
    `trigger=True` marks the context words (e.g. "denies") that set a finding's status.
    """

    start: int
    end: int
    token: str
    kind: str | None = None
    counted: bool = True
    trigger: bool = False
    title: str = ""


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    marks: tuple[Mark, ...] = ()


def valid_marks(length: int, marks: Iterable[Mark]) -> list[Mark]:
    """Marks with usable offsets, clamped to the text (evidence from elsewhere may be off)."""
    kept = []
    for mark in marks:
        start, end = max(mark.start, 0), min(mark.end, length)
        if start < end:
            kept.append(mark if (start, end) == (mark.start, mark.end)
                        else Mark(start, end, mark.token, mark.kind, mark.counted, mark.trigger, mark.title))
    return kept


def segments(length: int, marks: Iterable[Mark]) -> list[Segment]:
    """Cut `[0, length)` at every mark boundary; each piece carries the marks covering it.

    The pieces are contiguous, in order, and cover the whole text exactly once.
    """
    usable = sorted(valid_marks(length, marks), key=lambda m: (m.start, m.end))
    bounds = sorted({0, length, *(m.start for m in usable), *(m.end for m in usable)})
    result: list[Segment] = []
    active: list[Mark] = []
    nxt = 0
    for left, right in zip(bounds, bounds[1:]):
        active = [m for m in active if m.end > left]
        while nxt < len(usable) and usable[nxt].start <= left:
            active.append(usable[nxt])
            nxt += 1
        result.append(Segment(left, right, tuple(active)))
    return result


def segment_classes(marks: tuple[Mark, ...]) -> list[str]:
    """CSS classes for a segment: the first finding's kind colour; `out` when no covering finding
    counted; `trigger` for context words; `multi` when several findings share it; `ev` when only
    codes cite it."""
    findings = [m for m in marks if m.kind and not m.trigger]
    classes = ["hl"]
    if findings:
        classes.append(f"k-{findings[0].kind}")
        if not any(m.counted for m in findings):
            classes.append("out")
        if len({m.token for m in findings}) > 1:
            classes.append("multi")
    if any(m.trigger for m in marks):
        classes.append("trigger")
    if len(classes) == 1:
        classes.append("ev")
    return classes


def render_narrative(text: str, marks: Iterable[Mark]) -> str:
    """The narrative as escaped HTML with one `<span>` per marked segment."""
    parts = []
    for seg in segments(len(text), marks):
        piece = escape(text[seg.start:seg.end], quote=True)
        if not seg.marks:
            parts.append(piece)
            continue
        tokens = " ".join(dict.fromkeys(m.token for m in seg.marks))
        titles = "; ".join(dict.fromkeys(m.title for m in seg.marks if m.title))
        parts.append(f'<span class="{" ".join(segment_classes(seg.marks))}" data-t="{escape(tokens)}"'
                     f' title="{escape(titles, quote=True)}">{piece}</span>')
    return "".join(parts)
