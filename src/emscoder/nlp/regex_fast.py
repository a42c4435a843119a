"""Exact accelerations of `pattern.finditer(text)` for the rule regexes.

Python's `re` tries a pattern at every character of the text, which made the ~50 rule regexes the
largest cost of the pipeline. Four shortcuts, each yielding exactly `finditer`'s matches:

- Literal prefilter: when the text contains none of the strings a match needs, the pattern is not run
  (most rule regexes match in few narratives). With word-start candidates it runs only when scanning
  the text is likely cheaper than trying them.
- Word-start candidates (measured the fastest where they apply): a pattern whose matches start words
  (`\\b`, or a look-behind ending in a non-word character) with known first characters is tried only
  at the words that begin so. Each word of an ASCII text has a key (its first 8 characters as an
  integer, `WordStartIndex`, once per text; there `\\d` means 0-9), and a pattern a few key ranges
  (a whole word, or all words with a prefix); `KeyGroup` looks up the words of all the patterns of
  a matcher at once.
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

# A failed match try costs about as much as scanning this many characters for a literal: the literal
# prefilter runs first only when it is likely cheaper than trying the candidates.
SCAN_PER_TRY = 400
MAX_FIRST_CHARS = 12  # beyond this, dropping a leading \b makes re try more places, not fewer
KEY_BYTES = 8  # a word's key: its first 8 characters (regex_analysis.MAX_PREFIX)
WORD_TABLE = bytes(int(chr(i).isascii() and (chr(i).isalnum() or chr(i) == "_")) for i in range(256))
# The first n bytes of 8 (the top bit, 0 in ASCII, cleared to fit int64).
KEY_MASKS = numpy.array([((1 << 8 * n) - 1 << 8 * (KEY_BYTES - n)) & (1 << 63) - 1 for n in range(KEY_BYTES + 1)],
                        dtype=numpy.int64)


def word_key(prefix: str) -> int:
    """A word (or word prefix) of up to 8 ASCII characters as a big-endian integer, zero-padded, so
    the words that start with a prefix have keys in one interval."""
    return int.from_bytes(prefix.encode("ascii").ljust(KEY_BYTES, b"\0"), "big")


def key_ranges(keys: frozenset[tuple[str, bool]]) -> list[tuple[int, int]]:
    """Sorted disjoint [low, high) intervals of word keys, one of which every match's first word has
    (see `regex_analysis.prefix_keys`: a closed prefix is the whole word)."""
    ranges = []
    for prefix, closed in keys:
        if prefix.isascii():  # else it cannot start a word of an ASCII text
            prefix, exact = prefix[:KEY_BYTES], closed and len(prefix) < KEY_BYTES  # longer words share a key
            low = word_key(prefix)
            ranges.append((low, low + (1 if exact else 1 << 8 * (KEY_BYTES - len(prefix)))))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


class WordStartIndex:
    """The words (runs of `\\w`) of an ASCII text: their starts and keys (`word_key` of their first
    8 characters), as arrays."""

    def __init__(self, text: str) -> None:
        data = text.encode("ascii")
        word = numpy.frombuffer(b"\0" + data.translate(WORD_TABLE) + b"\0", dtype=numpy.int8)
        edges = numpy.flatnonzero(word[1:] != word[:-1])
        self.starts, ends = edges[::2], edges[1::2]
        windows = numpy.ndarray((len(data),), dtype=">i8", buffer=data + bytes(KEY_BYTES), strides=(1,))
        self.keys = windows[self.starts] & KEY_MASKS[numpy.minimum(ends - self.starts, KEY_BYTES)]


class KeyGroup:
    """The word-start candidates of several patterns, selected together: the bounds of all their key
    ranges cut the keys into intervals, each covered by a fixed set of patterns."""

    def __init__(self, pattern_ranges: list[list[tuple[int, int]]]) -> None:
        bounds = sorted({bound for ranges in pattern_ranges for interval in ranges for bound in interval})
        position = {bound: i for i, bound in enumerate(bounds)}
        covering: list[list[int]] = [[] for _ in range(len(bounds) + 1)]  # [-1]: below or above all
        for pattern, ranges in enumerate(pattern_ranges):
            for low, high in ranges:
                for interval in range(position[low], position[high]):
                    covering[interval].append(pattern)
        self.size = len(pattern_ranges)
        self.bounds = numpy.array(bounds, dtype=numpy.int64)
        self.patterns = [tuple(patterns) for patterns in covering]
        self.covered = numpy.array([bool(patterns) for patterns in covering], dtype=bool)

    def candidates(self, index: WordStartIndex) -> list[list[int]]:
        """Per pattern, the sorted starts of the words whose key is in one of its ranges."""
        intervals = numpy.searchsorted(self.bounds, index.keys, side="right") - 1
        hit = numpy.flatnonzero(self.covered[intervals])
        selected: list[list[int]] = [[] for _ in range(self.size)]
        patterns = self.patterns
        for start, interval in zip(index.starts[hit].tolist(), intervals[hit].tolist()):
            for pattern in patterns[interval]:
                selected[pattern].append(start)
        return selected


class FastPattern:
    """A compiled rule regex whose `finditer(text, index)` yields exactly what `re.finditer` would."""

    def __init__(self, pattern: str, flags: int = 0, fold_keys: bool = False) -> None:
        """`fold_keys`: take the word-start candidates from the index of the lower-cased text while
        matching the original (a pattern with a case-sensitive part; its lower-cased keys select a
        superset of the places it can match, and each is confirmed by the full pattern)."""
        self.full = re.compile(pattern, flags)
        self.literals: frozenset[str] | None = None
        self.keys: list[tuple[int, int]] | None = None  # word-start key ranges (ASCII text)
        self._group: KeyGroup | None = None
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
        if keys and fold_keys:
            keys = frozenset((prefix.lower(), closed) for prefix, closed in keys)
        self.keys = key_ranges(keys) if keys else None
        self.anchor = literal_anchor(parsed, exact)
        lead = leading_assertions(parsed)
        rest = unroll_first(parsed.data[lead:])
        first = first_chars(rest, exact)
        if lead and first and len(first) <= MAX_FIRST_CHARS:
            self.search = sre_compiler.compile(sre_parser.SubPattern(parsed.state, rest), flags).search

    def may_match(self, text: str) -> bool:
        """False only when the text lacks every string a match needs."""
        return self.literals is None or any(s in text for s in self.literals)

    def finditer(self, text: str, index: WordStartIndex | None = None,
                 candidates: list[int] | None = None) -> Iterator[re.Match]:
        """The matches of `re.finditer(pattern, text)`. `index` (of this ASCII text) enables the
        word-start candidates; `candidates` are these, when selected already (`KeyGroup`)."""
        if self.keys is not None and (index is not None or candidates is not None):
            if candidates is None:
                self._group = self._group or KeyGroup([self.keys])
                candidates = self._group.candidates(index)[0]
            if not candidates or (len(candidates) * SCAN_PER_TRY > len(text) * len(self.literals or ())
                                  and not self.may_match(text)):
                return iter(())
            return self._at(text, candidates)
        if not self.may_match(text):
            return iter(())
        if self.anchor is not None and self.keys is None:
            return self._at(text, self._anchored(text))
        if self.search is not None:
            return self._confirmed(text)
        return self.full.finditer(text)

    def _anchored(self, text: str) -> list[int]:
        """Starts from which the anchor literal lies within reach."""
        literal, low, high = self.anchor
        starts: set[int] = set()
        last = len(text) - 1  # a match is not empty: it starts before the end
        found = text.find(literal)
        while found != -1:
            starts.update(range(max(0, found - high), min(found - low, last) + 1))
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
