"""medspaCy is the reference implementation: the project's fast NLP paths must give exactly its results.

- `ems_context` against medspaCy's ConText on the same targets, for the EMS rules, medspaCy's default
  rules (token-pattern rules, sentence-wide scopes) and a small rule set using max_targets,
  terminated_by, on_modifies, allowed/excluded types and PSEUDO. The reference uses the project's
  LowercaseRegexMatcher for regex rules, as the pipeline did before `ems_context` (medspaCy's own
  RegexMatcher snaps matches to tokens differently); that is the one deliberate difference.
- The registered tokenizer against `medspacy.custom_tokenizer.create_medspacy_tokenizer`.
- `FastPattern.finditer` against `re.finditer` for every rule regex.
- Findings from the reference pipeline (read through `span._.modifiers`) against the project's.
Narratives: the gold sets A+B, generated ones (scripts/bench_nlp.py) and perturbed copies (upper case,
line breaks inside sentences, non-ASCII characters).
"""
from __future__ import annotations

import json
import random
import re
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import spacy
from medspacy.context import ConText, ConTextRule
from medspacy.custom_tokenizer import create_medspacy_tokenizer

from emscoder.nlp.components import SPAN_GROUP
from emscoder.nlp.findings import findings_from_doc
from emscoder.nlp.pipeline import build_pipeline
from emscoder.nlp.regex_fast import FastPattern, KeyGroup, WordStartIndex
from emscoder.nlp.regex_matcher import CASE_SENSITIVE_MARK, LowercaseRegexMatcher
from emscoder.nlp.rules import context_rules, target_rules

pytestmark = pytest.mark.filterwarnings("ignore:.*W036")  # medspaCy's empty token Matcher
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import bench_nlp  # noqa: E402


def _perturbed(text: str, rng: random.Random) -> list[str]:
    words = text.split(" ")
    broken = " ".join(w + ("\n" if rng.random() < 0.15 else "") for w in words)
    accented = text.replace("Pt", "Pté").replace(" mg", " mg°").replace("IV", "İV", 1).replace("0", "٠", 1)
    return [text.upper(), broken, accented]


@lru_cache(maxsize=1)
def narratives() -> tuple[str, ...]:
    gold = [json.loads(line)["narrative"] for name in ("a", "b")
            for line in (REPO / "corpora" / "gold" / f"narratives_{name}.jsonl").read_text().splitlines() if line]
    rng = random.Random(3)
    extra = [variant for text in gold[::5] for variant in _perturbed(text, rng)]
    crossing = ["FD\ngave narcan 4 mg IN, pt denies CP and SOB.",
                "Wife\ngave ASA 324 mg PO; no relief. NTG given."]
    return tuple(gold + bench_nlp.corpus(30, seed=11) + extra + crossing + ["", "No CP.", "IV " * 300])


def reference_pipeline(rules) -> spacy.language.Language:
    """medspaCy tokenizer and ConText around the project's sentence splitter, sectionizer and target
    matcher."""
    nlp = spacy.blank("en")
    nlp.tokenizer = create_medspacy_tokenizer(nlp)
    nlp.add_pipe("ems_sentencizer")
    nlp.add_pipe("ems_sectionizer")
    nlp.add_pipe("ems_target_matcher")
    context = nlp.add_pipe("medspacy_context", config={"rules": None, "span_attrs": None,
                                                        "input_span_type": "group", "span_group_name": SPAN_GROUP})
    context._ConText__matcher._MedspacyMatcher__regex_matcher = LowercaseRegexMatcher(nlp.vocab)
    context.add(list(rules))
    return nlp


def ours(rules) -> spacy.language.Language:
    nlp = build_pipeline(span_group=True)
    nlp.remove_pipe("ems_context")
    nlp.add_pipe("ems_context", config={"span_group_name": SPAN_GROUP, "rules": None})
    nlp.get_pipe("ems_context").add(list(rules))
    return nlp


def outcome(doc, attribute: str) -> list[tuple]:
    """Per target: its modifiers' category, modifier tokens and scope, in order."""
    return [(span.start, span.end, span.label_,
             [(m.category, tuple(m.modifier_span), tuple(m.scope_span)) for m in getattr(span._, attribute)])
            for span in doc.spans[SPAN_GROUP]]


def crossing_modifiers(nlp, doc) -> int:
    """Modifier matches that run past the end of their first token's sentence (these make
    ems_context limit scopes across the whole document instead of sentence by sentence)."""
    context = nlp.get_pipe("ems_context")
    return sum(1 for _, start, end in context.phrase_matcher(doc) + context.regex_matcher(doc)
               if end > doc[start].sent.end)


def assert_same_context(rules) -> int:
    reference, fast = reference_pipeline(rules), ours(rules)
    crossing = 0
    for text in narratives():
        expected, got = reference(text), fast(text)
        assert outcome(got, "ems_modifiers") == outcome(expected, "modifiers"), text[:120]
        crossing += crossing_modifiers(fast, got)
    return crossing


def test_ems_context_matches_medspacy_context_on_the_ems_rules():
    crossing = assert_same_context(context_rules()[1])
    assert crossing > 0  # the corpus exercises the whole-document scope limiting


def test_ems_context_matches_medspacy_context_on_medspacys_default_rules():
    default_rules = ConText(spacy.blank("en"), rules=None).DEFAULT_RULES_FILEPATH
    assert_same_context(ConTextRule.from_json(default_rules))


def test_ems_context_matches_medspacy_on_rule_options():
    rules = [
        ConTextRule("no", "NEGATED", direction="FORWARD", max_targets=1),
        ConTextRule("denies", "NEGATED", direction="FORWARD", terminated_by={"HISTORICAL"}),
        ConTextRule("hx", "HISTORICAL", direction="BIDIRECTIONAL", max_scope=3, allowed_types={"DISTRESS"}),
        ConTextRule("history", "HISTORICAL", direction="BACKWARD", excluded_types={"VITAL"}),
        ConTextRule("given", "PRIOR_TO_ARRIVAL", direction="BACKWARD", max_targets=2, max_scope=6),
        ConTextRule("possible", "HYPOTHETICAL", direction="FORWARD",
                    on_modifies=lambda target, modifier, between: len(between) < 3),
        ConTextRule("no distress", "PSEUDO", direction="PSEUDO"),
        ConTextRule("but", "TERMINATE", direction="TERMINATE"),
        ConTextRule("with", "NEGATED", direction="FORWARD", pattern=r"\bwith(?:out)?\b", max_scope=4),
    ]
    assert_same_context(rules)


def test_findings_are_the_same_as_with_medspacys_context():
    # the project's pipeline passes targets as plain tuples; the reference reads spans and span._.modifiers
    reference, fast = reference_pipeline(context_rules()[1]), build_pipeline(lead_in_blocks=False)
    for text in narratives():
        doc = fast(text)
        assert SPAN_GROUP not in doc.spans
        assert findings_from_doc(doc) == findings_from_doc(reference(text)), text[:120]


def test_lead_in_blocks_change_only_findings_below_a_line_ending_in_a_colon():
    medspacy_scopes, project = build_pipeline(lead_in_blocks=False), build_pipeline()
    changed = 0
    for text in narratives():
        before, after = findings_from_doc(medspacy_scopes(text)), findings_from_doc(project(text))
        assert [(f.kind, f.evidence) for f in before] == [(f.kind, f.evidence) for f in after]
        for old, new in zip(before, after):
            if old != new:
                changed += 1
                # the status comes from a modifier on an earlier line that ends in a colon
                trigger = new.triggers[0].start
                trigger_line_end = text.find("\n", trigger)
                assert trigger_line_end < new.evidence[0].start, (text[:120], new)
                assert text[trigger:trigger_line_end].rstrip().endswith(":"), (text[:120], new)
    assert changed > 0


def test_findings_are_the_same_with_the_span_group_on():
    with_spans, without = build_pipeline(span_group=True), build_pipeline()
    spans = 0
    for text in narratives():
        doc = with_spans(text)
        spans += len(doc.spans[SPAN_GROUP])
        assert findings_from_doc(doc) == findings_from_doc(without(text)), text[:120]
    assert spans > 1000


def test_tokenizer_is_medspacys():
    reference = spacy.blank("en")
    reference.tokenizer = create_medspacy_tokenizer(reference)
    tokenizer = build_pipeline().tokenizer
    for text in narratives():
        expected, got = reference.tokenizer(text), tokenizer(text)
        assert [t.text_with_ws for t in got] == [t.text_with_ws for t in expected]
        assert got.user_data["emscoder.text"] == expected.text


@pytest.mark.parametrize("pattern", sorted({r.pattern for r in target_rules()[1] + context_rules()[1]
                                           if isinstance(r.pattern, str)}), ids=lambda p: p[:30])
def test_fast_regex_finds_what_re_finds(pattern):
    flags = re.IGNORECASE if CASE_SENSITIVE_MARK in pattern else 0
    # as LowercaseRegexMatcher runs them: a case-sensitive pattern matches the original text, with its
    # word-start candidates taken from the lower-cased copy
    fast, plain = FastPattern(pattern, flags, fold_keys=bool(flags)), re.compile(pattern, flags)
    for text in narratives():
        subject, lower = (text if flags else text.lower()), text.lower()
        index = WordStartIndex(lower) if lower.isascii() else None
        assert [m.span() for m in fast.finditer(subject, index)] == [m.span() for m in plain.finditer(subject)]


TRICKY_PATTERNS = [
    r"(?<=\()medic(?=\))|\b(?:our|the|by|p1|p2)\s+medic\b(?!\s*\d)",
    r"(?<=\bno\s)[\w-]+\s+(?:[\w-]+\s+)?attempted\b",
    r"(?<=\bon\s)(?:warfarin|coumadin|blood\s+thinners?|anticoagulants?)\b",
    r"\b(?:l|r|lt|rt|left|right)(?:\s*-?\s*sided)?\s+(?:arm|leg)\b",
    r"\b(?:a|ab|abcdefgh|abcdefghij)\b",
    r"\b(?:ab|abc\w*|x_y)\b|(?<=-)ab",
    r"\b\d+\s*(?:days?|wks?)\s+ago\b",
    r"\b(?:medic|e)\s*\d+\b",
    r"\b(?:aa|a)(?:a|\s)",  # overlapping candidates: "aaa a"
    r"\b(?:z|zz)\b\.?",  # one-character words, at the text end too
    r"\b(?:d/t|due\s+to|2/2)\b",
    r"(?<=\bno)ne\b",  # a look-behind ending in a word character: matches inside words
]
TRICKY_TEXTS = [
    "", "a", "z", "zz", "ab", "aaa a aa", "the medic (medic) our  medic 2, by medic.", "no iv attempted; no x y attempted",
    "pt on warfarin, on blood thinner; on coumadin.", "l arm, lt-sided leg, right  sided arm, lsided arm",
    "abcdefgh abcdefghi abcdefghij abcdefg ab_ a_b x_y -ab ab-ab abc", "3 days ago, 12wks ago 4 days  ago", "e12 medic 7 medic7x",
    "z. zz z", "d/t x, due to 2/2 d/ t d/tt", "none one no ne", "naïve ab über (medic) 3 days ago", "ab\tab\nab", "a" * 20 + " ab",
]


@pytest.mark.parametrize("pattern", TRICKY_PATTERNS)
def test_fast_regex_shortcuts_on_tricky_text(pattern):
    fast, plain = FastPattern(pattern), re.compile(pattern)
    group = KeyGroup([fast.keys, FastPattern(r"\b(?:ab|the)\b").keys]) if fast.keys is not None else None
    for text in TRICKY_TEXTS:
        expected = [m.span() for m in plain.finditer(text)]
        index = WordStartIndex(text) if text.isascii() else None
        assert [m.span() for m in fast.finditer(text, index)] == expected, text
        if group is not None and index is not None:
            selected = group.candidates(index)[0]
            assert [m.span() for m in fast.finditer(text, index, selected)] == expected, text


def test_case_sensitive_part_takes_candidates_from_the_lower_cased_text():
    rhythm = FastPattern(r"\b(?-i:AF|SVT)\b(?!\s*arm)", re.IGNORECASE, fold_keys=True)
    text = "Monitor AF, then SVT. af arm; Af; rhythm svt; AF ARM. SVTs"
    index = WordStartIndex(text.lower())
    assert [m.group() for m in rhythm.finditer(text, index)] == ["AF", "SVT"]


def test_shortcuts_apply_to_lookbehind_patterns():
    medic, attempted, drug = (FastPattern(pattern) for pattern in TRICKY_PATTERNS[:3])
    assert medic.keys and drug.keys and attempted.anchor == ("no", -3, -3)
    assert all(FastPattern(pattern).keys for pattern in TRICKY_PATTERNS[3:-1])
    assert FastPattern(TRICKY_PATTERNS[-1]).keys is None


def test_unsorted_and_duplicate_targets_get_medspacys_modifiers():
    rules = [ConTextRule("no", "NEGATED", direction="FORWARD", max_targets=2),
             ConTextRule("denies", "NEGATED", direction="FORWARD"), ConTextRule("hx", "HISTORICAL")]
    text = "Pt denies CP or SOB, no N/V, no LOC. Hx CHF, no edema."
    results = []
    for nlp in (reference_pipeline(rules), ours(rules)):
        nlp.remove_pipe("ems_target_matcher")
        doc = nlp.make_doc(text)
        for _, pipe in nlp.pipeline[:1]:
            doc = pipe(doc)
        targets = [(16, 17, "DISTRESS"), (3, 4, "DISTRESS"), (5, 6, "X"), (3, 4, "DISTRESS"),
                   (10, 13, "DISTRESS"), (12, 13, "X")]
        doc.spans[SPAN_GROUP] = [spacy.tokens.Span(doc, start, end, label=label) for start, end, label in targets]
        doc = nlp.pipeline[-1][1](doc)
        results.append(outcome(doc, "modifiers"))
    assert results[0] == results[1] and any(modifiers for *_, modifiers in results[0])
