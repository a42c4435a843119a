"""spaCy components registered as factories so other pipelines can reuse them.

- `ems_sentencizer`: sentence ends for EMS shorthand: `. ! ? ;` and line breaks. Unlike PyRuSH it
  also splits after short all-caps words such as "IV." or "CP.", so negation does not leak across.
  Vectorised over the token arrays (a Python loop over tokens cost more than the matcher).
- `ems_target_matcher`: medspaCy TargetRules. Literal rules go through one spaCy PhraseMatcher on
  LOWER; regex rules (a string `pattern`, medspaCy's regex form) are matched on the text and snapped
  to token boundaries (LowercaseRegexMatcher). Overlaps are resolved longest-first within each layer
  (spaCy's filter_spans, on plain tuples): measurements (VITAL, MILEAGE) form their own layer, so
  "ETCO2 28" can be both a vital and a capnography mention. The kept matches go to
  `doc.user_data[TARGETS_KEY]` as (start, end, label hash, rule key) tuples and, unless the
  `span_group` setting is off, into the span group `ems_targets` (medspaCy's group mode); each span's
  `kb_id` names its rule, read back with `rule_of(span)`. Creating the spans costs about a third of
  the matcher (each Span reads two Tokens); ems_context and findings read the tuples, so the
  project's pipeline turns the group off.
"""
# no `from __future__ import annotations`: spaCy resolves factory signatures at run time

import re
from functools import lru_cache

import numpy
from spacy.attrs import IDX, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc, Span

from emscoder.nlp import lazy_imports  # noqa: F401  before rules (medspaCy) is imported
from emscoder.nlp.docview import doc_lower_text, doc_text
from emscoder.nlp.regex_matcher import LowercaseRegexMatcher, align_to_tokens
from emscoder.nlp.rules import spelling_settings, target_rules
from emscoder.nlp.spelling import SpellingVariants

SPAN_GROUP = "ems_targets"
TARGETS_KEY = "emscoder.targets"  # doc.user_data: [(start, end, label hash, rule key)], sorted
SPELLING_KEY = "emscoder.misspellings"  # doc.user_data: {(start, end): the literal a kept target misspells}
SENTENCE_END = (".", "!", "?", ";")
# Targets compete for tokens (the longest wins) within a layer only: a measurement can sit inside a
# finding ("BP 82/50" in "hypotensive BP 82/50") and a credential inside a statement ("charge RN T. Ellis
# signed" is a representative's signature and a nurse who is not the crew).
LAYERS = {"VITAL": 1, "MILEAGE": 1, "CREW": 2}  # any other category: layer 0
LAYER_COUNT = max(LAYERS.values()) + 1
RULE_KEY_PREFIX = "ems-target-"


def rule_of(span: Span):
    """The TargetRule that produced a span of the `ems_targets` group."""
    return rules_by_key()[span.kb_id]


def rules_by_key() -> dict[int, object]:
    """TargetRules by the hash of their key (a span's `kb_id`)."""
    return _rules_by_key(target_rules()[1])


@lru_cache(maxsize=1)
def _rules_by_key(rules: tuple) -> dict[int, object]:
    strings = StringStore()
    return {strings.add(f"{RULE_KEY_PREFIX}{index}"): rule for index, rule in enumerate(rules)}


@Language.factory("ems_sentencizer")
def make_ems_sentencizer(nlp: Language, name: str):
    return EmsSentencizer(nlp)


class EmsSentencizer:
    """Sets sentence starts after `. ! ? ;` tokens and after whitespace tokens holding a line break."""

    def __init__(self, nlp: Language) -> None:
        self.end_orths = [nlp.vocab.strings.add(text) for text in SENTENCE_END]

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        columns = doc.to_array([ORTH, IDX, IS_SPACE])
        orths = columns[:, 0]
        ends = orths == self.end_orths[0]
        for orth in self.end_orths[1:]:  # a few comparisons beat numpy.isin's set-up cost
            ends |= orths == orth
        breaks = [m.start() for m in re.finditer("\n", doc_text(doc))]
        if breaks:
            holders = numpy.searchsorted(columns[:, 1], breaks, side="right") - 1
            holders = holders[columns[holders, 2] == 1]  # a line break inside a whitespace token
            ends[holders] = True
        starts = numpy.full(len(doc), -1, dtype="int32")
        starts[0] = 1
        starts[1:][ends[:-1]] = 1
        doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
        return doc


@Language.factory("ems_target_matcher", default_config={"span_group": True})
def make_ems_target_matcher(nlp: Language, name: str, span_group: bool):
    """`span_group`: also write the targets as Spans into `doc.spans["ems_targets"]`."""
    return EmsTargetMatcher(nlp, span_group)


class EmsTargetMatcher:
    """Literal TargetRules in a PhraseMatcher, regex TargetRules with `re`; spans into `ems_targets`."""

    def __init__(self, nlp: Language, span_group: bool = True) -> None:
        _version, rules = target_rules()
        self.span_group = span_group
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regex_matcher = LowercaseRegexMatcher(nlp.vocab)
        self.rule_info: dict[int, tuple[int, int, int]] = {}  # match key -> (label hash, kb key, layer)
        for index, rule in enumerate(rules):
            name = f"{RULE_KEY_PREFIX}{index}"
            key = nlp.vocab.strings.add(name)
            label = nlp.vocab.strings.add(rule.category)
            self.rule_info[key] = (label, key, LAYERS.get(rule.category, 0))
            if isinstance(rule.pattern, str):
                self.regex_matcher.add(name, [rule.pattern])
            else:
                self.matcher.add(name, _literal_patterns(nlp, rule.literal))
        self.spelling = _spelling_variants(nlp, rules)

    def __call__(self, doc: Doc) -> Doc:
        layers: list[list] = [[] for _ in range(LAYER_COUNT)]
        info = self.rule_info
        for key, start, end in self.matcher(doc) + self.regex_matcher(doc):
            layers[info[key][2]].append((start, end, key))
        misspelled = self._misspellings(doc)
        layers[0].extend((start, end, key) for start, end, key in misspelled)  # last: exact matches win ties
        kept = sorted([match for layer in layers for match in keep_longest(layer)], key=lambda m: (m[0], m[1]))
        if misspelled:
            doc.user_data[SPELLING_KEY] = {(start, end): misspelled[start, end, key] for start, end, key in kept
                                           if (start, end, key) in misspelled}
        targets = doc.user_data[TARGETS_KEY] = [(start, end, info[key][0], key) for start, end, key in kept]
        if self.span_group:
            doc.spans[SPAN_GROUP] = [Span(doc, start, end, label=label, kb_id=key) for start, end, label, key in targets]
        return doc

    def _misspellings(self, doc: Doc) -> dict[tuple[int, int, int], str]:
        """(start, end, rule key) -> literal, for single tokens that misspell a literal by one letter."""
        found = self.spelling.find(doc_lower_text(doc)) if len(doc) else []
        if not found:
            return {}
        misspelled = {}
        for start, end, literal, key in found:  # rarely more than one per narrative
            for _, first, last in align_to_tokens(doc, [(key, start, end)]):
                if last - first == 1:
                    misspelled[first, last, key] = literal
        return misspelled


def _literal_patterns(nlp: Language, literal: str) -> list[Doc]:
    """The literal's tokens, and its tokens as spaCy splits it in capitals, where that differs: "i.v."
    is two tokens but "I.V." one, and a sentence's period stays on a last token ending in a capital
    ("transmitted 12L.", "sitting up in W/C.")."""
    candidates = [nlp.make_doc(literal), nlp.make_doc(literal.upper())]
    at_sentence_end = nlp.make_doc(f"{literal.upper()}.")
    if at_sentence_end[-1].text[:-1].isalnum() and at_sentence_end[-1].text.endswith("."):
        candidates.append(at_sentence_end)
    patterns, seen = [], set()
    for doc in candidates:
        tokens = tuple(token.lower_ for token in doc)
        if tokens not in seen:
            seen.add(tokens)
            patterns.append(doc)
    return patterns


def _spelling_variants(nlp: Language, rules: tuple) -> SpellingVariants:
    """The misspelling finder over the single-word generic names of the configured categories."""
    settings = spelling_settings()
    literals, known = {}, set()
    for index, rule in enumerate(rules):
        if isinstance(rule.pattern, str):
            continue
        literal = rule.literal.lower()
        known.update(literal.split())
        # generic names only: brand names are coined to look like words ("ability" is not Abilify)
        if rule.category in settings["categories"] and literal.isalpha() and literal == rule.metadata["concept"]:
            literals.setdefault(literal, (nlp.vocab.strings[f"{RULE_KEY_PREFIX}{index}"], rule.metadata["concept"]))
    return SpellingVariants(literals, known, settings["min_length"], set(settings["not_variants"]))


def keep_longest(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """spaCy's `filter_spans` on (start, end, key) tuples: longest first (earlier on a tie, then the
    first listed), no shared token; sorted by start."""
    ordered = sorted(matches, key=lambda m: (m[1] - m[0], -m[0]), reverse=True)
    kept, seen = [], set()
    for match in ordered:
        start, end = match[0], match[1]
        if start not in seen and end - 1 not in seen:
            kept.append(match)
            seen.update(range(start, end))
    kept.sort(key=lambda m: m[0])
    return kept
