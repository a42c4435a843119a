"""Narrative word n-grams: one tokenizer for training (the TF-IDF analyzer) and for scoring, so an n-gram
feature can always be mapped back to the character spans where it occurs in the narrative."""
from __future__ import annotations

import re

TEXT = {"analyzer": "all_grams", "token": r"[^\W_]+(?:[/&][^\W_]+)*", "lowercase": True, "digits": "0",
        "ngram_range": [1, 3]}
TOKEN = re.compile(TEXT["token"])
DIGITS = str.maketrans("123456789", "000000000")


def _normalised(text: str) -> str | None:
    """Lower-cased text with every digit as 0, or None when lower() changes the length (rare letters)."""
    low = text.lower().translate(DIGITS)
    return low if len(low) == len(text) else None


def words(text: str) -> list[str]:
    """The normalised words of a text (lower case, digits as 0)."""
    low = _normalised(text)
    if low is not None:
        return TOKEN.findall(low)
    return [m.group(0).lower().translate(DIGITS) for m in TOKEN.finditer(text)]


def word_spans(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """Character span of each word of `tokens = words(text)`."""
    low = _normalised(text)
    if low is None:
        return [m.span() for m in TOKEN.finditer(text)]
    spans, position = [], 0
    for token in tokens:  # the words are in order and nothing between two matches can match: find is exact
        start = low.find(token, position)
        position = start + len(token)
        spans.append((start, position))
    return spans


def grams(tokens: list[str], n: int) -> list[str]:
    """The n-grams of a word list, in order (gram i starts at word i)."""
    return tokens if n == 1 else list(map(" ".join, zip(*(tokens[k:] for k in range(n)))))


def grams_of(tokens: list[str]) -> list[str]:
    """Every word n-gram of TEXT's ngram_range, from a word list."""
    low, high = TEXT["ngram_range"]
    return [gram for n in range(low, high + 1) for gram in grams(tokens, n)]


def all_grams(text: str) -> list[str]:
    """The analyzer given to the vectoriser: every word n-gram of the text."""
    return grams_of(words(text))


def gram_spans(text: str, tokens: list[str], wanted: set[str]) -> dict[str, list[tuple[int, int]]]:
    """Every occurrence (character span) of the wanted n-grams in `text` (`tokens` = words(text))."""
    if not wanted:
        return {}
    spans = word_spans(text, tokens)
    split = {gram: gram.split(" ") for gram in wanted}
    starts: dict[str, list[int]] = {}
    for i, word in enumerate(tokens):
        starts.setdefault(word, []).append(i)
    found: dict[str, list[tuple[int, int]]] = {}
    for gram, parts in sorted(split.items()):
        n = len(parts)
        for i in starts.get(parts[0], ()):
            if tokens[i:i + n] == parts:
                found.setdefault(gram, []).append((spans[i][0], spans[i + n - 1][1]))
    return found
