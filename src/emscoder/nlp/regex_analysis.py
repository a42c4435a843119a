"""What a rule regex's parse tree says about its matches (used by `regex_fast` to skip work).

- `required_literals`: strings one of which every match contains (for `\\b(?:bp|b/p)\\s*\\d+`,
  {"bp", "b/p"}). Literals matched case-insensitively give nothing: re's case folding is not
  `str.lower()`.
- `first_chars`: the characters a match starts with, when `re` can use them to skip ahead.
- `literal_anchor`: a literal every match contains at a bounded distance from its start (for
  `(?<![\\d/.])(?:[6-9]\\d|1\\d\\d|2[0-5]\\d)/...`, "/" 2 to 3 characters in).
- `prefix_keys`: one- or two-character strings one of which starts every match, for patterns that
  begin at a word boundary (`\\b(?:wife|husband|...|pt)` -> "wi", "hu", ..., "pt"). Wherever a match
  can start with something not spelled out, the key is shortened; any unknown start gives no keys.

All are supersets (necessary conditions), so a shortcut built on them never loses a match. They read
`re`'s parser (`re._parser`, stable across CPython 3.11-3.13); without it nothing is derived.
"""
from __future__ import annotations

import re

try:  # private but long-stable CPython modules; without them no shortcut is taken
    from re import _compiler as sre_compiler
    from re import _constants as sre
    from re import _parser as sre_parser
except ImportError:  # pragma: no cover
    sre_compiler = sre = sre_parser = None

REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")
SMALL_CHARSET = 12
KEY_LENGTH = 2
WORD_CHAR = re.compile(r"\w")


def _charset(items, ascii_text: bool = False) -> frozenset[str] | None:
    """The characters of a small positive [...] class (literals and short ranges; `\\d` too when the
    text is known to be ASCII, where it means 0-9), else None."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < SMALL_CHARSET:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        elif ascii_text and op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:
            return None
    return frozenset(chars) if len(chars) <= SMALL_CHARSET else None


def _exact_inside(av, exact: bool) -> bool:
    """Whether literals inside a (?flags:...) group match case-sensitively."""
    _group, add_flags, del_flags, _sub = av
    return bool(del_flags & re.IGNORECASE) or (exact and not add_flags & re.IGNORECASE)


def _node(op, av, exact: bool) -> frozenset[str] | None:
    """Strings one of which every match of this node contains; None when nothing is known. Literals
    matched case-insensitively (`exact` False) give nothing: re's case folding is not str.lower()."""
    if op is sre.SUBPATTERN:
        return required_literals(av[3].data, _exact_inside(av, exact))
    if op is sre.ATOMIC_GROUP:
        return required_literals(av.data, exact)
    if op is sre.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            needed = required_literals(alternative.data, exact)
            if needed is None:
                return None
            union |= needed
        return frozenset(union)
    if str(op) in REPEATS:
        low, _high, sub = av
        return required_literals(sub.data, exact) if low >= 1 else None
    if op is sre.IN and exact:
        return _charset(av)
    return None


def unroll_first(data) -> list:
    """`X{m,n}...` -> `X X{m-1,n-1}...` for a one-character X (same matches), so that `re` sees the
    pattern's first character and can scan ahead for it."""
    if not data or str(data[0][0]) not in ("MAX_REPEAT", "MIN_REPEAT"):
        return list(data)
    op, (low, high, sub) = data[0]
    if low < 1 or len(sub.data) != 1 or sub.data[0][0] not in (sre.IN, sre.LITERAL):
        return list(data)
    rest = (op, (low - 1, high if high == sre.MAXREPEAT else high - 1, sub))
    return [sub.data[0], rest, *data[1:]]


def first_chars(data, exact: bool) -> frozenset[str] | None:
    """The characters a match can start with, when `re` can use them to skip ahead (a literal, a small
    class, or alternatives that each start with a literal, all case-sensitive), else None. A guide to
    speed only (digits stand for `\\d`)."""
    if not data:
        return None
    op, av = data[0]
    if op is sre.SUBPATTERN:
        return first_chars(av[3].data, _exact_inside(av, exact))
    if not exact:
        return None
    if op is sre.LITERAL:
        return frozenset(chr(av))
    if op is sre.IN:
        return _charset(av, ascii_text=True)
    if op is sre.BRANCH:
        firsts = [alt.data[0] if alt.data else (None, None) for alt in av[1]]
        return frozenset(chr(c) for _, c in firsts) if all(o is sre.LITERAL for o, _ in firsts) else None
    return None


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective candidate: longest shortest string, then fewest strings."""
    return max(candidates, key=lambda s: (min(map(len, s)), -len(s)), default=None)


def required_literals(data, exact: bool) -> frozenset[str] | None:
    """Any one element's requirement holds for the whole sequence; runs of literals form one string."""
    candidates, run = [], []
    for op, av in data:
        if op is sre.LITERAL and exact:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        needed = _node(op, av, exact)
        if needed:
            candidates.append(needed)
    if run:
        candidates.append(frozenset(["".join(run)]))
    return _best(candidates)


def _step(op, av, exact: bool, item: tuple[str, bool], ascii_text: bool) -> set[tuple[str, bool]]:
    """Extend one (prefix, still extendable) pair by one parsed node."""
    prefix, extendable = item
    if not extendable or len(prefix) >= KEY_LENGTH:
        return {(prefix, False)}
    name = str(op)
    if name in ZERO_WIDTH:
        return {item}
    if op is sre.SUBPATTERN:
        return _prefixes(av[3].data, _exact_inside(av, exact), {item}, ascii_text)
    if op is sre.ATOMIC_GROUP:
        return _prefixes(av.data, exact, {item}, ascii_text)
    if op is sre.BRANCH:
        return set().union(*(_prefixes(alt.data, exact, {item}, ascii_text) for alt in av[1]))
    if op is sre.LITERAL and exact:
        return {(prefix + chr(av), True)}
    if op is sre.IN and exact and (chars := _charset(av, ascii_text)):
        return {(prefix + c, True) for c in chars}
    if name in REPEATS:
        low, high, sub = av
        once = _prefixes(sub.data, exact, {item}, ascii_text)
        if high != 1:  # another repetition may follow: what comes next is not known
            once = {(p, False) for p, _ in once}
        return once | ({item} if low == 0 else set())
    return {(prefix, False)}  # a character class or anything else: the prefix ends here


def _prefixes(data, exact: bool, state: set[tuple[str, bool]], ascii_text: bool) -> set[tuple[str, bool]]:
    for op, av in data:
        if all(not extendable or len(p) >= KEY_LENGTH for p, extendable in state):
            break
        state = {result for item in state for result in _step(op, av, exact, item, ascii_text)}
    return state


def prefix_keys(parsed, exact: bool, ascii_text: bool = False) -> frozenset[str] | None:
    """One- or two-character strings one of which starts every match, when the pattern starts with
    `\\b` (among its leading assertions) and every key starts with a word character; else None.
    `ascii_text`: keys valid only for ASCII text (`\\d` is then 0-9)."""
    lead = leading_assertions(parsed)
    leading = parsed.data[:lead]
    if not any(op is sre.AT and av is sre.AT_BOUNDARY for op, av in leading):
        return None
    keys = {prefix for prefix, _ in _prefixes(parsed.data[lead:], exact, {("", True)}, ascii_text)}
    if not keys or not all(key and WORD_CHAR.match(key[0]) for key in keys):
        return None
    return frozenset(keys)


def leading_assertions(parsed) -> int:
    """How many zero-width assertions (\\b, look-arounds) the pattern starts with."""
    lead = 0
    while lead < len(parsed.data) and str(parsed.data[lead][0]) in ZERO_WIDTH:
        lead += 1
    return lead


def literal_anchor(parsed, exact: bool, reach: int = 16) -> tuple[str, int, int] | None:
    """(literal, low, high): every match has `literal` starting low..high characters after the match
    start (high <= reach); None when the pattern has no such literal or it is matched case-blind."""
    if not exact:
        return None
    data, lead = parsed.data, leading_assertions(parsed)
    for k in range(lead, len(data)):
        if data[k][0] is not sre.LITERAL:
            continue
        low, high = sre_parser.SubPattern(parsed.state, data[lead:k]).getwidth() if k > lead else (0, 0)
        if high > reach:
            return None
        run = k
        while run < len(data) and data[run][0] is sre.LITERAL:
            run += 1
        return "".join(chr(av) for _, av in data[k:run]), low, high
    return None
