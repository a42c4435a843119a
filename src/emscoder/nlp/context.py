"""`ems_context`: medspaCy's ConText component with the same results, fast on long narratives.

Inputs are medspaCy's: ConTextRules (literal, regex `pattern` or token-pattern rules; FORWARD,
BACKWARD, BIDIRECTIONAL, TERMINATE, PSEUDO; max_scope, max_targets, allowed/excluded types,
terminated_by, on_modifies) and the targets in a span group, or, when the doc has no such group, the
`ems_target_matcher`'s plain target tuples (its `span_group` setting off). Matching is medspaCy's
(token Matcher, PhraseMatcher on LOWER with medspaCy's rule keys, regex; overlapping modifiers pruned
longest-first); a scope is the sentence of the modifier's first token cut to max_scope; the graph
algorithm is in `context_algorithm`. Each modified target gets the tuple of its modifiers (category, direction, rule,
modifier_span, scope_span...) in medspaCy's order:
- in `doc.user_data[MODIFIERS_KEY]` under `target_key(span)`, also readable as `span._.ems_modifiers`;
- unless `span_modifiers` is false, in medspaCy's `span._.modifiers`. Writing a span extension costs
  a few microseconds per target, so the project's pipeline turns it off and reads the index.
Deliberate differences from medspaCy's component: no `doc._.context_graph`, no `is_negated`-style
span attributes, no component-level max_scope / allowed_types defaults, and regex rules use the
project's LowercaseRegexMatcher (as the pipeline did with medspaCy's ConText), which ignores on_match.
One opt-in EMS extension (`lead_in_blocks`, on in the project's pipeline): a line ending in a colon
("Drips running at handoff, started by ICU:", "Denies:") passes its modifiers to the list below it.
"""
# no `from __future__ import annotations`: spaCy resolves factory signatures at run time

import re
from bisect import bisect_left, bisect_right
from typing import Iterable, Optional

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from emscoder.nlp import lazy_imports  # noqa: F401  before rules (medspaCy) is imported
from emscoder.nlp.components import SPAN_GROUP, TARGETS_KEY
from emscoder.nlp.context_algorithm import NO_TARGETS, Modifier, RuleInfo, attach, limit_scopes, prune_overlapping
from emscoder.nlp.docview import doc_text, token_offsets
from emscoder.nlp.regex_matcher import LowercaseRegexMatcher
from emscoder.nlp.sections import block_end

MODIFIERS = "modifiers"
LINE_ENDING_IN_COLON = re.compile(r":[^\S\n]*\n")  # what every lead-in line has (`_lead_in_block`)
EMS_MODIFIERS = "ems_modifiers"
MODIFIERS_KEY = "emscoder.modifiers"  # doc.user_data: {target_key(span): modifiers}


def target_key(span: Span) -> tuple[int, int, int, int, int]:
    """The key of a target in `doc.user_data[MODIFIERS_KEY]`: what `span._` keys extension values on,
    so spans that would share `span._.modifiers` share an entry."""
    return span.start, span.end, span.label, span.kb_id, span.id


def modifiers_of(span: Span) -> tuple:
    """The ConText modifiers ems_context found for a target span (the `span._.ems_modifiers` getter)."""
    return span.doc.user_data.get(MODIFIERS_KEY, {}).get(target_key(span), ())


@Language.factory("ems_context",
                  default_config={"span_group_name": "ems_targets", "rules": "ems", "span_modifiers": True,
                                  "lead_in_blocks": False})
def make_ems_context(nlp: Language, name: str, span_group_name: str, rules: Optional[str], span_modifiers: bool,
                     lead_in_blocks: bool):
    """`rules="ems"` loads resources/nlp/context.json; None starts empty (add rules with `.add`).
    `span_modifiers`: also write medspaCy's `span._.modifiers` (costs a few microseconds per target).
    `lead_in_blocks`: a line ending in a colon passes its modifiers to the lines below it (off: medspaCy's
    sentence scopes exactly)."""
    component = EmsContext(nlp, span_group_name, span_modifiers, lead_in_blocks)
    if rules == "ems":
        from emscoder.nlp.rules import context_rules
        component.add(context_rules()[1])
    elif rules is not None:
        raise ValueError(f"ems_context: rules must be 'ems' or None, not {rules!r}")
    return component


class EmsContext:
    """ConText over the targets in `doc.spans[span_group_name]`."""

    def __init__(self, nlp: Language, span_group_name: str = "ems_targets", span_modifiers: bool = True,
                 lead_in_blocks: bool = False) -> None:
        self.span_group_name = span_group_name
        self.span_modifiers = span_modifiers
        self.lead_in_blocks = lead_in_blocks
        self.tokenizer = nlp.tokenizer
        self.matcher = Matcher(nlp.vocab)
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regex_matcher = LowercaseRegexMatcher(nlp.vocab)
        self.rules: dict[int, RuleInfo] = {}  # match key -> rule
        if not Span.has_extension(MODIFIERS):  # medspaCy registers the same extension, same default
            Span.set_extension(MODIFIERS, default=())
        Span.set_extension(EMS_MODIFIERS, getter=modifiers_of, force=True)

    def add(self, rules: Iterable) -> None:
        """Add ConTextRules; keys are medspaCy's (`CATEGORY_<n>`), so ties between rules that match the
        same words resolve as in medspaCy."""
        for rule in rules:
            name = f"{rule.category}_{len(self.rules)}"
            key = self.tokenizer.vocab.strings.add(name)
            self.rules[key] = RuleInfo(rule)
            if isinstance(rule.pattern, str):
                self.regex_matcher.add(name, [rule.pattern])
            elif isinstance(rule.pattern, list):
                self.matcher.add(name, [rule.pattern], on_match=rule.on_match)
            else:
                self.phrase_matcher.add(name, [self.tokenizer(rule.literal.lower())], on_match=rule.on_match)

    def __call__(self, doc: Doc) -> Doc:
        by_target = doc.user_data[MODIFIERS_KEY] = {}
        keys, spans = self._targets(doc)
        if not keys:
            return doc
        matches = ((self.matcher(doc) if len(self.matcher) else []) + self.phrase_matcher(doc)
                   + self.regex_matcher(doc))
        if not matches:
            return doc
        modifiers = self._modifiers(doc, prune_overlapping(matches), sorted(key[0] for key in keys))
        strings, labels = doc.vocab.strings, {}
        for key in keys:
            if key[2] not in labels:
                labels[key[2]] = strings[key[2]].upper()
        span_at = spans.__getitem__ if spans is not None else (
            lambda index: Span(doc, keys[index][0], keys[index][1], label=keys[index][2], kb_id=keys[index][3]))
        attach(modifiers, [(key[0], key[1], labels[key[2]]) for key in keys],
               lambda modifier, index: self._on_modifies(modifier, span_at(index)))
        self._record(modifiers, keys, spans, by_target)
        return doc

    def _targets(self, doc: Doc) -> tuple[list[tuple], Optional[list[Span]]]:
        """The targets' `target_key`s, and their spans when they come from a span group."""
        if self.span_group_name in doc.spans:
            spans = list(doc.spans[self.span_group_name])
            return [target_key(span) for span in spans], spans
        if self.span_group_name == SPAN_GROUP and TARGETS_KEY in doc.user_data:
            return [(start, end, label, key, 0) for start, end, label, key in doc.user_data[TARGETS_KEY]], None
        return [], None

    def _record(self, modifiers: list[Modifier], keys: list[tuple], spans: Optional[list[Span]],
                by_target: dict) -> None:
        """Each target's modifiers in medspaCy's edge order (modifier by modifier)."""
        found: dict[tuple, list[Modifier]] = {}
        first_index: dict[tuple, int] = {}
        for modifier in modifiers:
            for index in modifier.targets:
                key = keys[index]
                first_index.setdefault(key, index)
                found.setdefault(key, []).append(modifier)
        for key, mods in found.items():
            mods = tuple(mods)
            if self.span_modifiers and spans is not None:
                extension = spans[first_index[key]]._
                mods = extension.get(MODIFIERS) + mods
                extension.set(MODIFIERS, mods)
            by_target[key] = mods

    def _modifiers(self, doc: Doc, matches: list[tuple[int, int, int]], target_starts: list[int]) -> list[Modifier]:
        """Modifiers with their initial scopes (sentence of the first token, cut to max_scope; with
        `lead_in_blocks`, extended over lists), then limited by each other."""
        if not doc.has_annotation("SENT_START"):
            raise ValueError("ems_context needs sentence boundaries: add a sentence splitter before it")
        is_start = doc.to_array(SENT_START) == 1
        is_start[0] = True  # what Span.sent assumes
        bounds = numpy.flatnonzero(is_start).tolist() + [len(doc)]
        modifiers, sentence, crossing, rules = [], [], False, self.rules
        for key, start, end in matches:
            s = bisect_right(bounds, start) - 1
            sent_end = bounds[s + 1]
            crossing = crossing or end > sent_end
            sentence.append(s)
            modifiers.append(Modifier(rules[key], start, end, bounds[s], sent_end))
        if self.lead_in_blocks:
            crossing = _reach_lead_in_blocks(doc, modifiers, sentence, bounds, target_starts) or crossing
        # a modifier running into the next sentence may limit scopes there: compare across the doc
        limit_scopes(modifiers, [0] * len(modifiers) if crossing else sentence)
        return modifiers

    @staticmethod
    def _on_modifies(modifier: Modifier, target: Span) -> bool:
        """medspaCy's ConTextModifier.on_modifies, for rules that define one."""
        doc = target.doc
        between = doc[min(target.end, modifier.end):max(target.start, modifier.end)]
        result = modifier.info.on_modifies(target, doc[modifier.start:modifier.end], between)
        if result not in (True, False):
            raise ValueError(f"on_modifies must return True or False, not {result!r}")
        return result


def _reach_lead_in_blocks(doc: Doc, modifiers: list[Modifier], sentence: list[int], bounds: list[int],
                          target_starts: list[int]) -> bool:
    """EMS lists: a line ending in a colon ("Drips running at handoff, started by ICU:", "Denies:")
    introduces the indented or bulleted lines below it, so a modifier that stands just before that
    colon, or whose scope reaches it with no target in between (the list is then its object; in "denies
    CP, gave the following:" it is not), also reaches the block below (up to a blank line or the next
    line-start header), whatever its max_scope. True when a scope was extended."""
    text = doc_text(doc)
    if LINE_ENDING_IN_COLON.search(text) is None:  # most narratives: nothing to extend
        return False
    starts, ends = token_offsets(doc)
    block_token_end: dict[int, Optional[tuple[int, int]]] = {}
    extended = False
    for modifier, s in zip(modifiers, sentence):
        if modifier.info.direction in NO_TARGETS:
            continue
        if s not in block_token_end:
            block_token_end[s] = _lead_in_block(text, starts, ends, bounds[s], bounds[s + 1])
        colon, block = block_token_end[s] or (None, None)
        if block is None:
            continue
        just_before = _only_punctuation(text, ends[modifier.end - 1], starts[colon])
        target_between = bisect_left(target_starts, modifier.end) < bisect_left(target_starts, colon)
        if not (just_before or (modifier.scope_end >= colon and not target_between)):
            continue
        modifier.scope_end = max(modifier.scope_end, block)
        extended = True
    return extended


def _lead_in_block(text: str, starts: list[int], ends: list[int], sent_start: int, sent_end: int):
    """(colon token, end token of the block below) when the sentence is a line ending in a colon with
    lines below it, else None."""
    last = sent_end - 1
    while last > sent_start and not text[starts[last]:ends[last]].strip():
        last -= 1
    line_end = text.find("\n", ends[last])
    if text[starts[last]:ends[last]] != ":" or line_end == -1 or text[ends[last]:line_end].strip():
        return None
    end_char = block_end(text, line_end)
    if end_char <= line_end + 1:
        return None
    return last, bisect_left(starts, end_char)


def _only_punctuation(text: str, start: int, end: int) -> bool:
    return not any(c.isalnum() for c in text[start:end])
