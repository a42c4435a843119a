"""medspaCy's ConText algorithm (medspacy 1.3.1, `context_graph.py` / `context_modifier.py`) on plain
token offsets, with the same results and without its quadratic loops.

medspaCy compares every modifier with every other (scope limiting) and with every target (modifying).
Here scope limiting runs within each sentence, which gives the same scopes because a modifier's scope
never leaves the sentence its first token is in (checked; otherwise the whole document is compared,
as medspaCy does), and each modifier looks only at the targets that can fall in its scope (targets
sorted by start, found by bisection). The overlap test is medspaCy's `tuple_overlaps`, which is
asymmetric (a range strictly inside the other does not count); it is kept as it is.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import groupby
from operator import itemgetter

FORWARD, BACKWARD, BIDIRECTIONAL, TERMINATE, PSEUDO = "FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"
NO_TARGETS = (TERMINATE, PSEUDO)


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    """medspaCy's `tuple_overlaps((a0, a1), (b0, b1))`."""
    return a0 <= b0 < a1 or a0 < b1 <= a1


class RuleInfo:
    """What the algorithm reads from a ConTextRule, normalised the way medspaCy normalises it."""

    __slots__ = ("rule", "category", "direction", "max_scope", "max_targets", "allowed_types",
                 "excluded_types", "terminated_by", "on_modifies")

    def __init__(self, rule) -> None:
        self.rule = rule
        self.category = rule.category.upper()
        self.direction = rule.direction.upper()
        self.max_scope = rule.max_scope
        self.max_targets = rule.max_targets
        self.allowed_types = rule.allowed_types
        self.excluded_types = rule.excluded_types
        self.terminated_by = {c.upper() for c in (getattr(rule, "terminated_by", None) or ())}
        self.on_modifies = getattr(rule, "on_modifies", None)

    def allows(self, label: str) -> bool:
        if self.allowed_types is not None:
            return label in self.allowed_types
        return self.excluded_types is None or label not in self.excluded_types


class Modifier:
    """A matched modifier: the read-only API of medspaCy's ConTextModifier (category, direction, rule,
    modifier_span, scope_span, allowed/excluded types, max_scope, max_targets)."""

    __slots__ = ("info", "start", "end", "scope_start", "scope_end", "targets")

    def __init__(self, info: RuleInfo, start: int, end: int, sent_start: int, sent_end: int) -> None:
        self.info, self.start, self.end, self.targets = info, start, end, []
        direction, max_scope = info.direction, info.max_scope
        if direction == FORWARD:
            self.scope_start, self.scope_end = end, sent_end
            if max_scope is not None and sent_end - end > max_scope:
                self.scope_end = end + max_scope
        elif direction == BACKWARD:
            self.scope_start, self.scope_end = sent_start, start
            if max_scope is not None and start - sent_start > max_scope:
                self.scope_start = start - max_scope
        else:  # BIDIRECTIONAL, and TERMINATE / PSEUDO, as in medspaCy
            self.scope_start, self.scope_end = sent_start, sent_end
            if max_scope is not None and start - sent_start > max_scope:
                self.scope_start = start - max_scope
            if max_scope is not None and sent_end - end > max_scope:
                self.scope_end = end + max_scope

    rule = property(lambda self: self.info.rule)
    category = property(lambda self: self.info.category)
    direction = property(lambda self: self.info.direction)
    modifier_span = property(lambda self: (self.start, self.end))
    scope_span = property(lambda self: (self.scope_start, self.scope_end))
    allowed_types = property(lambda self: self.info.allowed_types)
    excluded_types = property(lambda self: self.info.excluded_types)
    max_scope = property(lambda self: self.info.max_scope)
    max_targets = property(lambda self: self.info.max_targets)
    num_targets = property(lambda self: len(self.targets))

    def __repr__(self) -> str:
        return f"<Modifier> [{self.start}, {self.end}, {self.category}]"

    def limit_scope(self, other: Modifier) -> None:
        """medspaCy's ConTextModifier.limit_scope: a TERMINATE modifier, or one of the same category or of
        a category in `terminated_by`, ends this modifier's scope where it starts (or ends)."""
        if not overlaps(self.scope_start, self.scope_end, other.scope_start, other.scope_end):
            return
        mine, theirs = self.info, other.info
        if mine.direction == TERMINATE:
            return
        same = theirs.category == mine.category
        if theirs.direction != TERMINATE and theirs.category not in mine.terminated_by and not same:
            return
        if same and (mine.allowed_types != theirs.allowed_types or mine.excluded_types != theirs.excluded_types):
            return
        if mine.direction in (FORWARD, BIDIRECTIONAL) and other.start > self.start:
            self.scope_end = min(self.scope_end, other.start)
        if mine.direction in (BACKWARD, BIDIRECTIONAL) and other.end < self.end:
            self.scope_start = max(self.scope_start, other.end)


def prune_overlapping(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """medspaCy's prune_overlapping_matches (keep the longer of two overlapping matches, the earlier on
    a tie; repeat until nothing changes), written as a loop."""
    while matches:
        ordered = sorted(matches, key=itemgetter(1, 2))
        pruned, current, i, n = [], ordered[0], 1, len(ordered)
        while i < n:
            following = ordered[i]
            i += 1
            if overlaps(current[1], current[2], following[1], following[2]):
                pruned.append(following if following[2] - following[1] > current[2] - current[1] else current)
                if i == n:
                    current = None
                    break
                current = ordered[i]
                i += 1
            else:
                pruned.append(current)
                current = following
        if current is not None:
            pruned.append(current)
        if len(pruned) == len(matches):
            return pruned
        matches = pruned
    return matches


def limit_scopes(modifiers: list[Modifier], sentence_of: list[int]) -> None:
    """medspaCy's ConTextGraph.update_scopes, pairwise in document order, within each run of modifiers
    with the same `sentence_of` key (pass one key for all to compare across the whole document)."""
    for _, group in groupby(zip(sentence_of, modifiers), key=itemgetter(0)):
        members = [modifier for _, modifier in group]
        for i, first in enumerate(members):
            for second in members[i + 1:]:
                first.limit_scope(second)
                second.limit_scope(first)


def attach(modifiers: list[Modifier], targets: list[tuple[int, int, str]], on_modifies=None) -> None:
    """medspaCy's ConTextGraph.apply_modifiers: each modifier collects the indices of the targets
    (start, end, upper-case label) it modifies, in target order, then keeps the `max_targets` nearest.
    `on_modifies(modifier, index)` runs a rule's own on_modifies check."""
    order = sorted(range(len(targets)), key=lambda i: targets[i][0])
    presorted = order == list(range(len(targets)))
    starts = [targets[i][0] for i in order]
    reach = max(1, max((t[1] - t[0] for t in targets), default=1)) - 1  # a target starts <= this before its end
    for modifier in modifiers:
        info = modifier.info
        if info.direction in NO_TARGETS or modifier.scope_start >= modifier.scope_end:
            continue
        hits = []
        for position in range(bisect_left(starts, modifier.scope_start - reach),
                              bisect_right(starts, modifier.scope_end)):
            index = order[position]
            t0, t1, label = targets[index]
            if (overlaps(modifier.start, modifier.end, t0, t1) or not info.allows(label)
                    or not overlaps(modifier.scope_start, modifier.scope_end, t0, t1)):
                continue
            if info.on_modifies is None or on_modifies(modifier, index):
                hits.append(index)
        if not presorted:
            hits.sort()
        if info.max_targets is not None and len(hits) > info.max_targets:
            hits = sorted(hits, key=lambda k: min(abs(modifier.start - targets[k][1]),
                                                  abs(targets[k][0] - modifier.end)))[:info.max_targets]
        modifier.targets = hits
