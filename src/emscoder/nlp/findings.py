"""Doc -> `Finding`s: kind, concept, status from ConText modifiers, evidence offsets and attributes."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from emscoder.model import Evidence, Finding
from emscoder.nlp.attributes import (DOSE, given_by, medication_attributes, mileage_attributes,
                                     vital_attributes)
from emscoder.nlp.components import SPAN_GROUP, rule_of

REPEAT_OF_PREVIOUS = "@previous"
MERGED_KINDS = {"intervention", "distress"}
JOINING_GAP = re.compile(r"[\s,@:()/-]*(?:via|by|per|at|with|w/|of|on|and|to|in)?[\s,@:()/-]*", re.I)
# When several modifiers apply, the one that most changes what counts wins.
STATUS_PRIORITY = ["ATTEMPTED_UNSUCCESSFUL", "REFUSED", "NEGATED", "PRIOR_TO_ARRIVAL", "OTHER_PROVIDER",
                   "FAMILY", "HYPOTHETICAL", "HISTORICAL"]


def _evidence(span: Span) -> Evidence:
    return Evidence(start=span.start_char, end=span.end_char, text=span.text)


def _status(span: Span, default: str) -> tuple[str, list[Span]]:
    modifiers = [m for m in span._.modifiers if m.category in STATUS_PRIORITY]
    if not modifiers:
        return default, []
    best = min(modifiers, key=lambda m: STATUS_PRIORITY.index(m.category))
    triggers = [span.doc[m.modifier_span[0]:m.modifier_span[1]] for m in modifiers if m.category == best.category]
    return best.category.lower(), triggers


def _is_route_of_medication(span: Span, medication_tokens: set[int]) -> bool:
    """"epi 1 mg IV": the IV names the route of a drug, not vascular access."""
    first = max(span.sent.start, span.start - 4)
    if any(i in medication_tokens for i in range(first, span.start)):
        return True
    dose = DOSE.search(span.doc[first:span.start].text)
    return bool(dose and dose.group(2).lower() not in ("g", "gm"))  # "18g IV" is a catheter gauge


def _attributes(span: Span, rule, status: str, triggers: list[Span], medication_tokens: set[int]) -> dict:
    if span.label_ == "INTERVENTION":
        return {"class": rule.metadata["class"]}
    if span.label_ == "VITAL":
        return vital_attributes(span, rule.metadata["normal"])
    if span.label_ == "MILEAGE":
        return mileage_attributes(span)
    if span.label_ != "MEDICATION":
        return {}
    attributes = medication_attributes(span, medication_tokens, bool(rule.metadata.get("crystalloid")))
    who = given_by(status, triggers)
    if who:
        attributes["given_by"] = who
    return attributes


def findings_from_doc(doc: Doc) -> list[Finding]:
    """Every target mention as a Finding, including those that do not count (with their status)."""
    spans = doc.spans[SPAN_GROUP] if SPAN_GROUP in doc.spans else []
    medication_tokens = {i for s in spans if s.label_ == "MEDICATION" for i in range(s.start, s.end)}
    findings = []
    last_medication = None
    for span in spans:
        rule = rule_of(span)
        if rule.metadata.get("may_be_route") and _is_route_of_medication(span, medication_tokens):
            continue
        concept = rule.metadata["concept"]
        if concept == REPEAT_OF_PREVIOUS:  # "another 50 mcg IV": one more dose of the last drug named
            if last_medication is None:
                continue
            concept = last_medication
        elif span.label_ == "MEDICATION":
            last_medication = concept
        status, triggers = _status(span, rule.metadata.get("default_status", "present"))
        findings.append(Finding(kind=span.label_.lower(), concept=concept,
                                attributes=_attributes(span, rule, status, triggers, medication_tokens),
                                status=status, evidence=[_evidence(span)],
                                triggers=[_evidence(t) for t in triggers], rule_id=rule.metadata["id"]))
    return merge_adjacent(findings, doc.text)


def _joinable(previous: Finding, finding: Finding, text: str) -> bool:
    same = (previous.kind, previous.concept, previous.status) == (finding.kind, finding.concept, finding.status)
    gap = text[previous.evidence[0].end:finding.evidence[0].start]
    return same and previous.kind in MERGED_KINDS and len(gap) <= 12 and bool(JOINING_GAP.fullmatch(gap))


def merge_adjacent(findings: list[Finding], text: str) -> list[Finding]:
    """One finding for one mention: "O2 2 LPM via NC" or "a-fib with RVR" are single mentions
    even though several target rules matched inside them."""
    merged: list[Finding] = []
    for finding in findings:
        previous = merged[-1] if merged else None
        if previous is None or not _joinable(previous, finding, text):
            merged.append(finding)
            continue
        start, end = previous.evidence[0].start, finding.evidence[0].end
        previous.evidence[0] = Evidence(start=start, end=end, text=text[start:end])
        previous.attributes = {**finding.attributes, **previous.attributes}
        previous.triggers.extend(t for t in finding.triggers if t not in previous.triggers)
    return merged


def extract_findings(narrative: str) -> list[Finding]:
    """Run the shared pipeline over one narrative."""
    from emscoder.nlp.pipeline import pipeline

    if not narrative.strip():
        return []
    return findings_from_doc(pipeline()(narrative))
