"""A faster drop-in for medspaCy's RegexMatcher (same `add` / `__call__` contract).

medspaCy compiles every regex rule with re.IGNORECASE and runs it on the original text; Python's
case-insensitive matching is about 4x slower than matching a lower-cased copy of the text with a
lower-case pattern. Rule patterns are therefore written in lower case (the loader checks this); a
pattern that needs case, marked with a scoped `(?-i:...)` group, still runs case-insensitively on the
original text (its word-start candidates come from the lower-cased copy). Each pattern runs through
`FastPattern` (same matches, found with much less work; see `regex_fast`). Matches snap outwards to
token boundaries exactly as spaCy's `Doc.char_span(..., alignment_mode="expand")` does, without
creating a Span per match.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Callable, Iterable

from spacy.tokens import Doc
from spacy.vocab import Vocab

from emscoder.nlp.docview import doc_lower_text, doc_text, token_offsets
from emscoder.nlp.regex_fast import FastPattern, KeyGroup, WordStartIndex

CASE_SENSITIVE_MARK = "(?-i:"


def align_to_tokens(doc: Doc, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """(key, start char, end char) -> (key, start token, end token), as char_span(..., "expand") would,
    dropping matches that cover no token."""
    if not found:
        return []
    starts, ends = token_offsets(doc)
    size = len(doc_text(doc))
    aligned = []
    for key, start_char, end_char in found:
        if start_char >= size or end_char < 1:
            continue
        first = bisect_right(starts, start_char) - 1
        if start_char == ends[first]:  # on the token's trailing space: the match begins at the next token
            first += 1
        last = bisect_right(starts, end_char - 1)
        if last > first:
            aligned.append((key, first, last))
    return aligned


class LowercaseRegexMatcher:
    """Regex rules matched on `doc.text.lower()`; returns spaCy-style (match_id, start, end) tuples."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._patterns: list[tuple[FastPattern, int, bool]] = []
        self._keyed: tuple[KeyGroup, list[int]] | None = None  # patterns with word keys, built on first use

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, match_id: str, regex_rules: Iterable[str], on_match: Callable | None = None) -> None:
        """Add patterns under `match_id` (`on_match` is accepted for medspaCy compatibility, not called)."""
        key = self.vocab.strings.add(match_id)
        for pattern in regex_rules:
            case_sensitive = CASE_SENSITIVE_MARK in pattern
            compiled = FastPattern(pattern, re.IGNORECASE if case_sensitive else 0, fold_keys=case_sensitive)
            self._patterns.append((compiled, key, case_sensitive))
        self._keyed = None

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not self._patterns or not len(doc):
            return []
        text, lower = doc_text(doc), doc_lower_text(doc)
        index = word_starts(lower)
        found = []
        for (compiled, key, case_sensitive), candidates in zip(self._patterns, self._candidates(index)):
            for match in compiled.finditer(text if case_sensitive else lower, index, candidates):
                found.append((key, match.start(), match.end()))
        return align_to_tokens(doc, found)

    def _candidates(self, index: WordStartIndex | None) -> list[list[int] | None]:
        """Per pattern, its word-start candidates on the lower-cased text (None: not selected so)."""
        selected: list[list[int] | None] = [None] * len(self._patterns)
        if index is None:
            return selected
        if self._keyed is None:
            positions = [i for i, (compiled, _, _) in enumerate(self._patterns) if compiled.keys is not None]
            self._keyed = KeyGroup([self._patterns[i][0].keys for i in positions]), positions
        group, positions = self._keyed
        for position, candidates in zip(positions, group.candidates(index)):
            selected[position] = candidates
        return selected


@lru_cache(maxsize=4)
def word_starts(lower: str) -> WordStartIndex | None:
    """The word-start index of a lower-cased text when it is ASCII, else None. Cached by text, so
    the target and ConText matchers of one Doc share it."""
    return WordStartIndex(lower) if lower.isascii() else None
