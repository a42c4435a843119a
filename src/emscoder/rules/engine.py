"""Runs the rule families in order for one PCR and assembles the claim a biller would enter."""
from __future__ import annotations

from dataclasses import dataclass

from emscoder.model import PCR, Claim, ClaimLine, Diagnosis, Finding, Flag, LevelDecision, MileageDecision, Modifiers, Necessity
from emscoder.rules.compliance import decide_flags
from emscoder.rules.diagnosis import decide_diagnoses
from emscoder.rules.facts import build_facts
from emscoder.rules.level import decide_level
from emscoder.rules.loader import RuleBook, default_rulebook
from emscoder.rules.mileage import decide_mileage
from emscoder.rules.modifiers import decide_modifiers
from emscoder.rules.necessity import decide_necessity


@dataclass
class RuleOutcome:
    """The rule stage's part of the result record."""

    level: LevelDecision
    mileage: MileageDecision | None
    modifiers: Modifiers
    diagnoses: list[Diagnosis]
    necessity: Necessity
    flags: list[Flag]
    claim: Claim
    rules_version: str


def build_claim(pcr: PCR, level: LevelDecision, mileage: MileageDecision | None, modifiers: Modifiers,
                diagnoses: list[Diagnosis]) -> Claim:
    """Base line (1 unit) and mileage line (fractional units); O/D letters first, then the other modifiers."""
    codes = [d.code for d in diagnoses[:4]]
    line_modifiers = ([modifiers.origin_destination] if modifiers.origin_destination else []) + modifiers.other
    pointers = list(range(1, len(codes) + 1))
    lines = [ClaimLine(hcpcs=level.hcpcs, modifiers=line_modifiers, units=1, diagnosis_pointers=pointers)]
    if mileage and mileage.units is not None:
        lines.append(ClaimLine(hcpcs=mileage.hcpcs, modifiers=line_modifiers, units=mileage.units, diagnosis_pointers=pointers))
    return Claim(lines=lines, diagnosis_codes=codes, condition_indicators=list(pcr.condition_indicators))


def apply_rules(pcr: PCR, findings: list[Finding], book: RuleBook | None = None) -> RuleOutcome:
    """Decide level, mileage, modifiers, diagnoses, necessity and flags for one PCR."""
    book = book or default_rulebook()
    facts = build_facts(pcr, findings, book.scope, book.rules["inference"])
    level = decide_level(facts, book)
    mileage = decide_mileage(facts, book, billable_base=level.decision.label != "no-transport" and not facts.died_before_loading)
    modifiers = decide_modifiers(facts, book, level.decision.label)
    necessity = decide_necessity(facts, book)
    diagnoses = decide_diagnoses(facts, book, bool(necessity.necessity.bed_confinement.met))
    flags = decide_flags(facts, book, level, mileage, modifiers, necessity)
    claim = build_claim(pcr, level.decision, mileage.decision, modifiers.modifiers, diagnoses)
    return RuleOutcome(level=level.decision, mileage=mileage.decision, modifiers=modifiers.modifiers, diagnoses=diagnoses,
                       necessity=necessity.necessity, flags=flags, claim=claim, rules_version=book.version)
