"""Doc -> `Finding`s: kind, concept, status from ConText modifiers, evidence offsets, medication attributes."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from emscoder.model import Evidence, Finding

# When several modifiers apply, the one that most changes what counts wins.
STATUS_PRIORITY = ["ATTEMPTED_UNSUCCESSFUL", "REFUSED", "NEGATED", "PRIOR_TO_ARRIVAL", "OTHER_PROVIDER",
                   "FAMILY", "HYPOTHETICAL", "HISTORICAL"]
ROUTE_WORDS = {"iv": "IV", "ivp": "IVP", "io": "IO", "im": "IM", "in": "IN", "sl": "SL", "po": "PO",
               "neb": "NEB", "nebulized": "NEB", "nebulizer": "NEB", "ett": "ETT", "sc": "SC", "sq": "SC",
               "subq": "SC", "drip": "infusion", "infusion": "infusion", "gtt": "infusion",
               "intranasal": "IN", "intramuscular": "IM", "sublingual": "SL", "intravenous": "IV"}
DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*(mcg/kg/min|mcg/min|mg/kg|mg|mcg|gm|g|ml|cc|units|u|meq|l|lpm|grams)\b", re.I)
TIMES = re.compile(r"\bx\s?(\d)\b", re.I)
ATTRIBUTE_WINDOW = 8
GIVEN_BY = (("fire", "fire"), ("fd", "fire"), ("engine", "fire"), ("family", "family"), ("wife", "family"),
            ("husband", "family"), ("mother", "family"), ("bystander", "family"), ("staff", "facility"),
            ("snf", "facility"), ("nurse", "facility"), ("ed", "facility"), ("medic", "other_unit"))


def _evidence(span: Span) -> Evidence:
    return Evidence(start=span.start_char, end=span.end_char, text=span.text)


def _status(ent: Span) -> tuple[str, list[Span]]:
    modifiers = [m for m in ent._.modifiers if m.category in STATUS_PRIORITY]
    if not modifiers:
        return "present", []
    best = min(modifiers, key=lambda m: STATUS_PRIORITY.index(m.category))
    triggers = [ent.doc[m.modifier_span[0]:m.modifier_span[1]] for m in modifiers if m.category == best.category]
    return best.category.lower(), triggers


def _is_route_of_medication(ent: Span) -> bool:
    """"epi 1 mg IV": the IV names the route of a drug, not vascular access."""
    before = ent.doc[max(ent.sent.start, ent.start - 4):ent.start]
    if any(t.ent_type_ == "MEDICATION" for t in before):
        return True
    dose = DOSE.search(before.text)
    return bool(dose and dose.group(2).lower() not in ("g", "gm"))  # "18g IV" is a catheter gauge


def _given_by(status: str, triggers: list[Span]) -> str | None:
    """Who gave it: this crew when present; for before-arrival / other-provider mentions, from the trigger
    words ("FD gave" -> fire); not applicable to negated, refused, planned or historical mentions."""
    if status == "present":
        return "crew"
    if status not in ("prior_to_arrival", "other_provider"):
        return None
    trigger_words = " ".join(t.text.lower() for t in triggers)
    return next((who for word, who in GIVEN_BY if re.search(rf"\b{word}\b", trigger_words)), "other")


def _medication_attributes(ent: Span, status: str, triggers: list[Span]) -> dict:
    end = min(ent.sent.end, ent.end + ATTRIBUTE_WINDOW)
    window = ent.doc[ent.end:end]
    for token in window:
        if token.ent_type_ == "MEDICATION":
            window = ent.doc[ent.end:token.i]
            break
    text = window.text
    attributes: dict = {"crystalloid": bool(ent._.ems_rule.metadata.get("crystalloid"))}
    dose = DOSE.search(text)
    if dose:
        attributes["dose"], attributes["unit"] = dose.group(1), dose.group(2).lower()
    route = next((ROUTE_WORDS[t.lower_] for t in window if t.lower_ in ROUTE_WORDS), None)
    if route:
        attributes["route"] = route
    times = TIMES.search(text)
    if times:
        attributes["administrations"] = int(times.group(1))
    given_by = _given_by(status, triggers)
    if given_by:
        attributes["given_by"] = given_by
    return attributes


def findings_from_doc(doc: Doc) -> list[Finding]:
    """Every target mention as a Finding, including those that do not count (with their status)."""
    findings = []
    for ent in doc.ents:
        rule = ent._.ems_rule
        concept = rule.metadata["concept"]
        if rule.metadata.get("may_be_route") and _is_route_of_medication(ent):
            continue
        status, triggers = _status(ent)
        attributes: dict = {}
        if ent.label_ == "INTERVENTION":
            attributes["class"] = rule.metadata["class"]
        elif ent.label_ == "MEDICATION":
            attributes = _medication_attributes(ent, status, triggers)
        findings.append(Finding(kind=ent.label_.lower(), concept=concept, attributes=attributes,
                                status=status, evidence=[_evidence(ent)],
                                triggers=[_evidence(t) for t in triggers], rule_id=rule.metadata["id"]))
    return findings


def extract_findings(narrative: str) -> list[Finding]:
    """Run the shared pipeline over one narrative."""
    from emscoder.nlp.pipeline import pipeline

    if not narrative.strip():
        return []
    return findings_from_doc(pipeline()(narrative))
