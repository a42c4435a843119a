"""Exact accelerations of `pattern.finditer(text)` for the rule regexes.

Python's `re` tries a pattern at every character of the text, which made the ~50 rule regexes the
largest cost of the pipeline. Four shortcuts, each yielding exactly `finditer`'s matches:

- Literal prefilter: when the text contains none of the strings a match needs, the pattern is not run
  (most rule regexes match in few narratives).
- Word-start candidates (measured the fastest where they apply): a pattern that begins at `\\b` with
  known first characters is tried only at the word starts beginning with them (`WordStartIndex`, once
  per ASCII text; there `\\d` means 0-9, so digits count as known first characters too).
- Anchor candidates: for a pattern with no word-start keys but a literal at a bounded distance from
  its start, only the starts within reach of that literal's occurrences (found with `str.find`).
- Skipping leading assertions: a copy of the pattern without its leading `\\b` / look-arounds lets
  `re` scan ahead for the first characters; each position found is confirmed with the full pattern.

In the last three, every position where the full pattern can match is tried in order, and after a
match the next try starts at its end, which is `finditer`'s rule for non-empty matches (a pattern that
can match the empty string always takes the plain path). Tests compare both on the corpora.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

import numpy

from emscoder.nlp.regex_analysis import (first_chars, leading_assertions, literal_anchor, prefix_keys,
                                         required_literals, sre_compiler, sre_parser, unroll_first)

MAX_FIRST_CHARS = 12  # beyond this, dropping a leading \b makes re try more places, not fewer
WORD_BYTES = numpy.array([chr(i).isalnum() or chr(i) == "_" for i in range(256)], dtype=bool)
WORD_BYTES[128:] = False  # ASCII text only


class WordStartIndex:
    """The word starts of an ASCII text (positions where `\\b\\w` matches) with their first two
    characters, as arrays; `candidates(keys)` selects those that begin with a key."""

    def __init__(self, text: str) -> None:
        codes = numpy.frombuffer(text.encode("ascii"), dtype=numpy.uint8).astype(numpy.int32)
        word = WORD_BYTES[codes]
        starts = numpy.flatnonzero(word & ~numpy.concatenate(([False], word[:-1])))
        following = numpy.append(codes, 0)[starts + 1]  # 0 past the end
        self.starts = starts
        self.pairs = codes[starts] * 256 + following

    @staticmethod
    def key_table(keys: frozenset[str]) -> numpy.ndarray:
        """A lookup table over first-two-character codes (64 KB): True where a key matches."""
        table = numpy.zeros(256 * 256, dtype=bool)
        for key in keys:
            if not key.isascii():  # cannot start a word of an ASCII text
                continue
            first = ord(key[0]) * 256
            if len(key) == 1:
                table[first:first + 256] = True
            else:
                table[first + ord(key[1])] = True
        return table

    def candidates(self, table: numpy.ndarray) -> list[int]:
        """Sorted word starts that begin with one of the keys of `table`."""
        return self.starts[table[self.pairs]].tolist()


class FastPattern:
    """A compiled rule regex whose `finditer(text, index)` yields exactly what `re.finditer` would."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.full = re.compile(pattern, flags)
        self.literals: frozenset[str] | None = None
        self.keys: numpy.ndarray | None = None  # word-start prefix table (ASCII text), see WordStartIndex
        self.anchor: tuple[str, int, int] | None = None  # see regex_analysis.literal_anchor
        self.search = None  # bound `search` of the pattern without its leading assertions
        if sre_parser is None:
            return
        try:
            parsed = sre_parser.parse(pattern, flags)
        except Exception:  # pragma: no cover - re.compile accepted it; keep the plain path
            return
        if parsed.getwidth()[0] == 0:  # empty matches follow finditer's special rules
            return
        exact = not parsed.state.flags & re.IGNORECASE
        self.literals = required_literals(parsed.data, exact)
        keys = prefix_keys(parsed, exact, ascii_text=True)
        self.keys = WordStartIndex.key_table(keys) if keys else None
        self.anchor = literal_anchor(parsed, exact)
        lead = leading_assertions(parsed)
        rest = unroll_first(parsed.data[lead:])
        first = first_chars(rest, exact)
        if lead and first and len(first) <= MAX_FIRST_CHARS:
            self.search = sre_compiler.compile(sre_parser.SubPattern(parsed.state, rest), flags).search

    def may_match(self, text: str) -> bool:
        """False only when the text lacks every string a match needs."""
        return self.literals is None or any(s in text for s in self.literals)

    def finditer(self, text: str, index: WordStartIndex | None = None) -> Iterator[re.Match]:
        """The matches of `re.finditer(pattern, text)`; `index` (of this ASCII text) enables the
        word-start candidates."""
        if not self.may_match(text):
            return iter(())
        if index is not None and self.keys is not None:
            return self._at(text, index.candidates(self.keys))
        if self.anchor is not None and self.keys is None:
            return self._at(text, self._anchored(text))
        if self.search is not None:
            return self._confirmed(text)
        return self.full.finditer(text)

    def _anchored(self, text: str) -> list[int]:
        """Starts from which the anchor literal lies within reach."""
        literal, low, high = self.anchor
        starts: set[int] = set()
        found = text.find(literal)
        while found != -1:
            starts.update(range(max(0, found - high), found - low + 1))
            found = text.find(literal, found + 1)
        return sorted(starts)

    def _at(self, text: str, candidates: Iterable[int]) -> Iterator[re.Match]:
        match, pos = self.full.match, 0
        for start in candidates:
            if start >= pos:
                found = match(text, start)
                if found is not None:
                    yield found
                    pos = found.end()

    def _confirmed(self, text: str) -> Iterator[re.Match]:
        search, match, pos = self.search, self.full.match, 0
        while True:
            candidate = search(text, pos)
            if candidate is None:
                return
            found = match(text, candidate.start())
            if found is None:
                pos = candidate.start() + 1
                continue
            yield found
            pos = found.end()
