"""spaCy components registered as factories so other pipelines can reuse them.

- `ems_sentencizer`: sentence ends for EMS shorthand: `. ! ? ;` and line breaks. Unlike PyRuSH it
  also splits after short all-caps words such as "IV." or "CP.", so negation does not leak across.
- `ems_target_matcher`: medspaCy TargetRules (literal form) through one spaCy PhraseMatcher on LOWER,
  overlaps resolved longest-first, `doc.ents` written once (TargetMatcher semantics, without its
  per-match `doc.ents +=` cost).
"""
# no `from __future__ import annotations`: spaCy resolves factory signatures at run time

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from emscoder.nlp.rules import target_rules

SENTENCE_END = {".", "!", "?", ";"}

if not Span.has_extension("ems_rule"):
    Span.set_extension("ems_rule", default=None)


@Language.factory("ems_sentencizer")
def make_ems_sentencizer(nlp: Language, name: str):
    return EmsSentencizer()


class EmsSentencizer:
    """Sets `is_sent_start` from punctuation and line breaks."""

    def __call__(self, doc: Doc) -> Doc:
        previous_ends = True
        for token in doc:
            token.is_sent_start = previous_ends
            # spaCy keeps line breaks as their own whitespace tokens
            previous_ends = token.text in SENTENCE_END or (token.is_space and "\n" in token.text)
        return doc


@Language.factory("ems_target_matcher")
def make_ems_target_matcher(nlp: Language, name: str):
    return EmsTargetMatcher(nlp)


class EmsTargetMatcher:
    """Literal TargetRules in a PhraseMatcher; each entity keeps its rule in `span._.ems_rule`."""

    def __init__(self, nlp: Language) -> None:
        _version, self.rules = target_rules()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.rule_by_key: dict[int, object] = {}
        for index, rule in enumerate(self.rules):
            key = f"target-{index}"
            self.matcher.add(key, [nlp.make_doc(rule.literal)])
            self.rule_by_key[nlp.vocab.strings[key]] = rule

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match_id, start, end in self.matcher(doc):
            rule = self.rule_by_key[match_id]
            span = Span(doc, start, end, label=rule.category)
            spans.append(span)
            span._.ems_rule = rule
        doc.ents = filter_spans(spans)  # span extensions live in doc.user_data, so the rule carries over
        return doc
