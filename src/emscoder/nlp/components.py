"""spaCy components registered as factories so other pipelines can reuse them.

- `ems_sentencizer`: sentence ends for EMS shorthand: `. ! ? ;` and line breaks. Unlike PyRuSH it
  also splits after short all-caps words such as "IV." or "CP.", so negation does not leak across.
  Vectorised over the token arrays (a Python loop over tokens cost more than the matcher).
- `ems_target_matcher`: medspaCy TargetRules. Literal rules go through one spaCy PhraseMatcher on
  LOWER; regex rules (a string `pattern`, medspaCy's regex form) are matched on the text and snapped
  to token boundaries. Overlaps are resolved longest-first within each layer: measurements (VITAL,
  MILEAGE) form their own layer, so "ETCO2 28" can be both a vital and a capnography mention.
  Spans go once into the span group `ems_targets` (medspaCy's group mode); each span's `kb_id_`
  names its rule, read back with `rule_of(span)`.
"""
# no `from __future__ import annotations`: spaCy resolves factory signatures at run time

import re

import numpy
from spacy.attrs import IDX, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from emscoder.nlp.regex_matcher import LowercaseRegexMatcher
from emscoder.nlp.rules import target_rules

SPAN_GROUP = "ems_targets"
SENTENCE_END = (".", "!", "?", ";")
MEASUREMENT_CATEGORIES = {"VITAL", "MILEAGE"}
RULE_KEY_PREFIX = "ems-target-"


def rule_of(span: Span):
    """The TargetRule that produced a span of the `ems_targets` group."""
    return target_rules()[1][int(span.kb_id_[len(RULE_KEY_PREFIX):])]


@Language.factory("ems_sentencizer")
def make_ems_sentencizer(nlp: Language, name: str):
    return EmsSentencizer(nlp)


class EmsSentencizer:
    """Sets sentence starts after `. ! ? ;` tokens and after whitespace tokens holding a line break."""

    def __init__(self, nlp: Language) -> None:
        self.end_orths = numpy.array([nlp.vocab.strings.add(text) for text in SENTENCE_END], dtype="uint64")

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        columns = doc.to_array([ORTH, IDX, IS_SPACE])
        ends = numpy.isin(columns[:, 0], self.end_orths)
        breaks = [m.start() for m in re.finditer("\n", doc.text)]
        if breaks:
            holders = numpy.searchsorted(columns[:, 1], breaks, side="right") - 1
            holders = holders[columns[holders, 2] == 1]  # a line break inside a whitespace token
            ends[holders] = True
        starts = numpy.full(len(doc), -1, dtype="int32")
        starts[0] = 1
        starts[1:][ends[:-1]] = 1
        doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
        return doc


@Language.factory("ems_target_matcher")
def make_ems_target_matcher(nlp: Language, name: str):
    return EmsTargetMatcher(nlp)


class EmsTargetMatcher:
    """Literal TargetRules in a PhraseMatcher, regex TargetRules with `re`; spans into `ems_targets`."""

    def __init__(self, nlp: Language) -> None:
        _version, rules = target_rules()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.regex_matcher = LowercaseRegexMatcher(nlp.vocab)
        self.rule_info: dict[int, tuple[str, int, bool]] = {}  # match key -> (label, kb key, measurement)
        for index, rule in enumerate(rules):
            name = f"{RULE_KEY_PREFIX}{index}"
            key = nlp.vocab.strings.add(name)
            self.rule_info[key] = (rule.category, key, rule.category in MEASUREMENT_CATEGORIES)
            if isinstance(rule.pattern, str):
                self.regex_matcher.add(name, [rule.pattern])
            else:
                self.matcher.add(name, [nlp.make_doc(rule.literal)])

    def __call__(self, doc: Doc) -> Doc:
        layers: tuple[list[Span], list[Span]] = ([], [])
        for key, start, end in list(self.matcher(doc)) + self.regex_matcher(doc):
            label, kb_key, measurement = self.rule_info[key]
            layers[measurement].append(Span(doc, start, end, label=label, kb_id=kb_key))
        spans = filter_spans(layers[0]) + filter_spans(layers[1])
        doc.spans[SPAN_GROUP] = sorted(spans, key=lambda s: (s.start, s.end))
        return doc
