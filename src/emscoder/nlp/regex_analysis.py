"""What a rule regex's parse tree says about its matches (used by `regex_fast` to skip work).

- `required_literals`: strings one of which every match contains (for `\\b(?:bp|b/p)\\s*\\d+`,
  {"bp", "b/p"}). Literals matched case-insensitively give nothing: re's case folding is not
  `str.lower()`.
- `first_chars`: the characters a match starts with, when `re` can use them to skip ahead.
- `literal_anchor`: a literal every match contains at a bounded distance from its start (for
  `(?<![\\d/.])(?:[6-9]\\d|1\\d\\d|2[0-5]\\d)/...`, "/" 2 to 3 characters in; in a leading
  look-behind, before it).
- `prefix_keys`: the possible first words of the matches, for patterns whose matches start words:
  (prefix, closed) pairs (`\\b(?:wife|pt)\\b` -> ("wife", closed), ("pt", closed): the whole word;
  `\\bresp\\w*` -> ("resp", open): a word starting so). Wherever a match can continue with something
  not spelled out, the prefix ends there; any unknown start gives no keys.

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


OPEN, ENDED, CLOSED = "open", "ended", "closed"  # more may follow / anything may follow / a non-word char follows
MAX_PREFIX = 8  # longer prefixes select hardly fewer words
MAX_STATES = 256


def _is_word(char: str) -> bool:
    """Whether `char` is a word character of ASCII text (a non-ASCII literal never matches there)."""
    return not char.isascii() or char.isalnum() or char == "_"


def _nonword_class(items) -> bool:
    """Whether a [...] class matches only non-word characters (such as `\\s`)."""
    for op, av in items:
        if op is sre.LITERAL and not _is_word(chr(av)):
            continue
        if op is sre.RANGE and not any(_is_word(chr(c)) for c in range(av[0], av[1] + 1)):
            continue
        if op is sre.CATEGORY and av in (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD):
            continue
        return False
    return True


def _extend(prefix: str, chars) -> set[tuple[str, str]]:
    """The prefix followed by one of `chars`: a word character extends it, another one closes it."""
    if len(prefix) >= MAX_PREFIX:
        return {(prefix, ENDED if any(map(_is_word, chars)) else CLOSED)}
    return {(prefix + c, OPEN) if _is_word(c) else (prefix, CLOSED) for c in chars}


def _step(op, av, exact: bool, item: tuple[str, str], ascii_text: bool) -> set[tuple[str, str]]:
    """Extend one (prefix, state) pair by one parsed node."""
    prefix, state = item
    if state != OPEN:
        return {item}
    name = str(op)
    if op is sre.AT and av is sre.AT_BOUNDARY and prefix:  # after word characters: a non-word one
        return {(prefix, CLOSED)}
    if name in ZERO_WIDTH:
        return {item}
    if op is sre.SUBPATTERN:
        return _prefixes(av[3].data, _exact_inside(av, exact), {item}, ascii_text)
    if op is sre.ATOMIC_GROUP:
        return _prefixes(av.data, exact, {item}, ascii_text)
    if op is sre.BRANCH:
        return set().union(*(_prefixes(alt.data, exact, {item}, ascii_text) for alt in av[1]))
    if op is sre.LITERAL and exact:
        return _extend(prefix, chr(av))
    if op is sre.IN and exact and (chars := _charset(av, ascii_text)):
        return _extend(prefix, chars)
    if op is sre.IN and prefix and _nonword_class(av):
        return {(prefix, CLOSED)}
    if name in REPEATS:
        low, high, sub = av
        once = _prefixes(sub.data, exact, {item}, ascii_text)
        if high != 1:  # another repetition may follow: what comes next is not known
            once = {(p, ENDED if s == OPEN else s) for p, s in once}
        return once | ({item} if low == 0 else set())
    return {(prefix, ENDED)}  # a character class or anything else: the prefix ends here


def _prefixes(data, exact: bool, states: set[tuple[str, str]], ascii_text: bool) -> set[tuple[str, str]]:
    for op, av in data:
        if all(state != OPEN for _, state in states):
            break
        states = {result for item in states for result in _step(op, av, exact, item, ascii_text)}
        if len(states) > MAX_STATES:  # keep the analysis small: shorter keys still hold
            states = {(p[:KEY_LENGTH], ENDED) for p, _ in states}
    return states


def _ends_nonword(data, exact: bool) -> bool:
    """Whether the last character this sequence matches is always a non-word one."""
    if not data:
        return False
    op, av = data[-1]
    if op is sre.LITERAL:
        return exact and not _is_word(chr(av))
    if op is sre.IN:
        return _nonword_class(av)
    if op is sre.SUBPATTERN:
        return _ends_nonword(av[3].data, _exact_inside(av, exact))
    if op is sre.BRANCH:
        return all(_ends_nonword(alt.data, exact) for alt in av[1])
    return False


def _word_start(data, exact: bool) -> bool:
    """Whether no word character can precede a match: it begins at `\\b` (before a word character)
    or right after a look-behind that ends in a non-word character (`(?<=\\bno\\s)`), in every branch."""
    for op, av in data:
        if op is sre.AT and av is sre.AT_BOUNDARY:
            return True
        if op is sre.ASSERT and av[0] < 0 and _ends_nonword(av[1].data, exact):
            return True
        if str(op) in ZERO_WIDTH:
            continue
        if op is sre.BRANCH:
            return all(_word_start(alt.data, exact) for alt in av[1])
        if op is sre.SUBPATTERN:
            return _word_start(av[3].data, _exact_inside(av, exact))
        return False
    return False


def prefix_keys(parsed, exact: bool, ascii_text: bool = False) -> frozenset[tuple[str, bool]] | None:
    """(prefix, closed) pairs, one of which starts every match: the match begins with `prefix` (word
    characters, at most MAX_PREFIX), followed by a non-word character or the text end when `closed`.
    None unless every match starts a word (see `_word_start`). For ASCII text (word characters are
    then [A-Za-z0-9_]); `ascii_text` also lets `\\d` mean 0-9."""
    if not _word_start(parsed.data, exact):
        return None
    states = _prefixes(parsed.data, exact, {("", OPEN)}, ascii_text)
    if not states or not all(prefix and WORD_CHAR.match(prefix[0]) for prefix, _ in states):
        return None
    return frozenset((prefix, state == CLOSED) for prefix, state in states)


def leading_assertions(parsed) -> int:
    """How many zero-width assertions (\\b, look-arounds) the pattern starts with."""
    lead = 0
    while lead < len(parsed.data) and str(parsed.data[lead][0]) in ZERO_WIDTH:
        lead += 1
    return lead


def _literal_run(data, k: int) -> str:
    """The literal characters of `data` from index k on."""
    run = k
    while run < len(data) and data[run][0] is sre.LITERAL:
        run += 1
    return "".join(chr(av) for _, av in data[k:run])


def _behind_anchor(parsed) -> tuple[str, int, int] | None:
    """A literal at a fixed distance inside a leading look-behind (look-behinds have a fixed width):
    for `(?<=\\bno\\s)...`, ("no", -3, -3)."""
    for op, av in parsed.data[:leading_assertions(parsed)]:
        if op is not sre.ASSERT or av[0] >= 0:
            continue
        data, width = av[1].data, av[1].getwidth()[0]
        for k, (node, _) in enumerate(data):
            before = sre_parser.SubPattern(parsed.state, data[:k]).getwidth()
            if before[0] != before[1]:
                break
            if node is sre.LITERAL:
                return _literal_run(data, k), before[0] - width, before[0] - width
    return None


def literal_anchor(parsed, exact: bool, reach: int = 16) -> tuple[str, int, int] | None:
    """(literal, low, high): every match has `literal` starting low..high characters after the match
    start (high <= reach; negative inside a leading look-behind); None when the pattern has no such
    literal or it is matched case-blind."""
    if not exact:
        return None
    data, lead = parsed.data, leading_assertions(parsed)
    for k in range(lead, len(data)):
        if data[k][0] is not sre.LITERAL:
            continue
        low, high = sre_parser.SubPattern(parsed.state, data[lead:k]).getwidth() if k > lead else (0, 0)
        return (_literal_run(data, k), low, high) if high <= reach else _behind_anchor(parsed)
    return _behind_anchor(parsed)
