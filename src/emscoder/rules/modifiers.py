"""Origin/destination letters (narrative wins over a clearly contradicted structured type) and QL/GY/GM."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from emscoder.model import Evidence, Modifiers, Place
from emscoder.rules.facts import Facts, field_evidence
from emscoder.rules.loader import RuleBook


@dataclass
class ModifierResult:
    modifiers: Modifiers
    conflicts: list[str] = field(default_factory=list)
    missing_place: bool = False
    uncovered_destination: bool = False


def _narrative_type(text: str, patterns: dict[str, str]) -> tuple[str, Evidence] | None:
    hits = []
    for place_type, pattern in patterns.items():
        found = re.search(pattern, text, re.IGNORECASE)
        if found:
            hits.append((found.start(), place_type, Evidence(start=found.start(), end=found.end(), text=found.group(0))))
    if not hits:
        return None
    _, place_type, evidence = min(hits, key=lambda hit: hit[0])
    return place_type, evidence


def _letter(which: str, place: Place | None, facts: Facts, book: RuleBook, result: ModifierResult) -> str | None:
    od = book.rule("modifiers", "MOD-OD-01")
    structured = place.type if place else None
    narrative = _narrative_type(facts.pcr.narrative, book.rule("modifiers", "MOD-OD-NARRATIVE-01")[f"{which}_patterns"])
    chosen = structured
    if structured is not None:
        result.modifiers.evidence.append(field_evidence(f"{which}.type", structured))
    if narrative and (structured is None or od["letters"][narrative[0]] != od["letters"][structured]):
        if structured is not None:
            result.conflicts.append(f"{which} type: structured {structured}, narrative says {narrative[0]}")
        chosen = narrative[0]
        result.modifiers.evidence.append(narrative[1])
        result.modifiers.rule_ids.append("MOD-OD-NARRATIVE-01")
    return od["letters"].get(chosen) if chosen else None


def decide_modifiers(facts: Facts, book: RuleBook, level_label: str) -> ModifierResult:
    """Modifiers for the base and mileage lines."""
    result = ModifierResult(Modifiers(rule_ids=["MOD-OD-01"]))
    if level_label == "no-transport":
        result.modifiers.other.append("GY")
        result.modifiers.rule_ids = ["MOD-GY-01"]
        return result
    origin = _letter("origin", facts.pcr.origin, facts, book, result)
    destination = _letter("destination", facts.pcr.destination, facts, book, result) if facts.transported else origin
    if origin is None or destination is None:
        result.missing_place = True
    else:
        result.modifiers.origin_destination = origin + destination
        result.uncovered_destination = destination in book.rule("modifiers", "MOD-OD-01")["uncovered_destinations"]
    if facts.died_before_loading:
        result.modifiers.other.append("QL")
        result.modifiers.rule_ids.append("MOD-QL-01")
    if re.search(book.rule("modifiers", "MOD-GM-01")["pattern"], facts.pcr.narrative, re.IGNORECASE):
        result.modifiers.other.append("GM")
        result.modifiers.rule_ids.append("MOD-GM-01")
    return result
