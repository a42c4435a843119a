"""A faster drop-in for medspaCy's RegexMatcher (same `add` / `__call__` contract).

medspaCy compiles every regex rule with re.IGNORECASE and runs it on the original text; Python's
case-insensitive matching is about 4x slower than matching a lower-cased copy of the text with a
lower-case pattern. Rule patterns are therefore written in lower case (the loader checks this); a
pattern that needs case, marked with a scoped `(?-i:...)` group, still runs case-insensitively on the
original text. Matches snap outwards to token boundaries, as medspaCy's matcher does.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

from spacy.tokens import Doc
from spacy.vocab import Vocab

CASE_SENSITIVE_MARK = "(?-i:"


class LowercaseRegexMatcher:
    """Regex rules matched on `doc.text.lower()`; returns spaCy-style (match_id, start, end) tuples."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._patterns: list[tuple[re.Pattern, int, bool]] = []

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, match_id: str, regex_rules: Iterable[str], on_match: Callable | None = None) -> None:
        key = self.vocab.strings.add(match_id)
        for pattern in regex_rules:
            case_sensitive = CASE_SENSITIVE_MARK in pattern
            compiled = re.compile(pattern, re.IGNORECASE if case_sensitive else 0)
            self._patterns.append((compiled, key, case_sensitive))

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        text = doc.text
        lower = text.lower()
        if len(lower) != len(text):  # a few non-ASCII letters change length when lower-cased
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        matches = []
        for compiled, key, case_sensitive in self._patterns:
            for found in compiled.finditer(text if case_sensitive else lower):
                span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
                if span is not None and len(span):
                    matches.append((key, span.start, span.end))
        return matches
