"""Misspelled drug names: a word one edit away from a long single-word generic name.

Crews type fast ("prednizone", "ibuprofin", "lisinipril"); listing every typo in the vocabulary never
ends. Only generic names are matched this way (the pipeline passes the literals equal to their
concept): brand names are coined to resemble words ("ability" / Abilify, "program" / Prograf),
chemical names rarely are. A word counts as a misspelling of a literal when it
- begins with the literal's first letter (only literals of at least `min_length` letters are indexed,
  so a word has at least `min_length - 1`),
- is one insertion, deletion, substitution or swap of two neighbouring letters away from it (the
  Damerau-Levenshtein distance),
- is not itself a literal, and not on the `not_variants` list of real words near a drug name
  ("aspiring" / aspirin, "morphing" / morphine),
- is near one concept only (a word between two drugs is left alone).

Candidates come from a deletion index (each literal and its one-letter deletions), so a word is
checked with a handful of dictionary lookups; answers are cached per word, and most words of a
batch repeat. The settings are data: `spelling_variants` in resources/nlp/targets.json.
"""
from __future__ import annotations

import re

WORD = re.compile(r"(?<![a-z0-9'-])[a-z]{5,}(?![a-z0-9]|-[a-z0-9])")
CACHE_LIMIT = 200_000


def one_edit_apart(a: str, b: str) -> bool:
    """True when a and b differ by exactly one insertion, deletion, substitution or neighbour swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    prefix = 0
    while prefix < len(a) and a[prefix] == b[prefix]:
        prefix += 1
    if len(a) < len(b):  # one insertion
        return a[prefix:] == b[prefix + 1:]
    if a[prefix + 1:] == b[prefix + 1:]:  # one substitution
        return True
    return (prefix + 1 < len(a) and a[prefix] == b[prefix + 1] and a[prefix + 1] == b[prefix]
            and a[prefix + 2:] == b[prefix + 2:])


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class SpellingVariants:
    """Finds words of a text that are misspellings of the given literals.

    `literals` maps each single-word literal to (its match key, its concept); `known_words` are words
    that are targets in their own right (never a misspelling of something else)."""

    def __init__(self, literals: dict[str, tuple[int, str]], known_words: set[str], min_length: int,
                 not_variants: set[str]) -> None:
        self.min_length = min_length
        self.known = known_words | not_variants
        self.literals = {lit: info for lit, info in literals.items() if len(lit) >= min_length and lit.isalpha()}
        self.index: dict[str, set[str]] = {}
        for literal in self.literals:
            for form in _deletions(literal) | {literal}:
                self.index.setdefault(form, set()).add(literal)
        self._cache: dict[str, tuple[str, int] | None] = {}

    def find(self, lower_text: str) -> list[tuple[int, int, str, int]]:
        """(start char, end char, literal, key) of each misspelled word in a lower-cased text."""
        # most narratives hold no misspelling: look up each distinct word once, then find the
        # positions only of the words that are one
        cache, hits = self._cache, {}
        for word in set(WORD.findall(lower_text)):
            hit = cache.get(word, False)
            if hit is False:
                hit = self._lookup(word) if len(word) >= self.min_length - 1 else None
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[word] = hit
            if hit is not None:
                hits[word] = hit
        if not hits:
            return []
        return [(match.start(), match.end(), *hits[match.group()]) for match in WORD.finditer(lower_text)
                if match.group() in hits]

    def _lookup(self, word: str) -> tuple[str, int] | None:
        if word in self.known:
            return None
        candidates = set()
        for form in _deletions(word) | {word}:
            candidates |= self.index.get(form, set())
        near = sorted(lit for lit in candidates if lit[0] == word[0] and one_edit_apart(word, lit))
        if len({self.literals[lit][1] for lit in near}) != 1:
            return None
        return near[0], self.literals[near[0]][0]
