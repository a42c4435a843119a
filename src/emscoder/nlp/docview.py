"""Cheap plain-Python views of a Doc for per-span work.

spaCy rebuilds `doc.text` from the tokens on every access (about half the cost of tokenizing), and
each `span.text`, `span.start_char` or `span.sent` creates Token and Span objects. The pipeline's
tokenizer stores the text it was given in `doc.user_data`; the lower-cased text and the token offsets
are computed once per Doc and kept there too (plain strings and lists, no reference back to the Doc);
`DocView` adds sentence bounds on first use.
"""
from __future__ import annotations

from bisect import bisect_right

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc

TEXT_KEY, LOWER_KEY, OFFSETS_KEY = "emscoder.text", "emscoder.lower_text", "emscoder.token_offsets"


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed at most once per Doc (the pipeline's tokenizer stores it)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def doc_lower_text(doc: Doc) -> str:
    """`doc.text.lower()` with the same length as the text (the few non-ASCII letters that grow when
    lower-cased stay as they are), computed once per Doc."""
    lower = doc.user_data.get(LOWER_KEY)
    if lower is None:
        text = doc_text(doc)
        lower = text.lower()
        if len(lower) != len(text):
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        doc.user_data[LOWER_KEY] = lower
    return lower


def token_offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end character of every token, computed once per Doc."""
    offsets = doc.user_data.get(OFFSETS_KEY)
    if offsets is None:
        columns = doc.to_array([IDX, LENGTH]).astype("int64").reshape(-1, 2)
        offsets = doc.user_data[OFFSETS_KEY] = (columns[:, 0].tolist(), (columns[:, 0] + columns[:, 1]).tolist())
    return offsets


class DocView:
    """Text, token character offsets and (on first use) sentence bounds of one Doc."""

    __slots__ = ("doc", "text", "starts", "ends", "_sentences")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.starts, self.ends = token_offsets(doc)
        self._sentences: list[int] | None = None  # sentence starts, then len(doc)

    def span_text(self, start: int, end: int) -> str:
        """`doc[start:end].text` ("" when empty)."""
        return self.text[self.starts[start]:self.ends[end - 1]] if end > start else ""

    def token_lower(self, i: int) -> str:
        """`doc[i].lower_`."""
        return self.text[self.starts[i]:self.ends[i]].lower()

    def sentence(self, i: int) -> tuple[int, int]:
        """(start, end) of the sentence holding token i, as `doc[i:i+1].sent` gives it."""
        if self._sentences is None:
            is_start = self.doc.to_array(SENT_START) == 1
            is_start[0] = True
            self._sentences = numpy.flatnonzero(is_start).tolist() + [len(is_start)]
        bounds = self._sentences
        which = bisect_right(bounds, i) - 1
        return bounds[which], bounds[which + 1]
