"""Compliance flags from the documented vocabulary (rules.json "flags"), each with its rule id and evidence."""
from __future__ import annotations

from emscoder.model import Evidence, Flag
from emscoder.rules.facts import Facts, field_evidence
from emscoder.rules.level import LevelResult
from emscoder.rules.loader import RuleBook
from emscoder.rules.mileage import MileageResult
from emscoder.rules.modifiers import ModifierResult
from emscoder.rules.necessity import NecessityResult

LEVEL_RANK = {"no-transport": 0, "BLS": 1, "BLS-emergency": 2, "ALS1": 3, "ALS1-emergency": 4, "ALS2": 5, "SCT": 6}


def make_flag(book: RuleBook, flag_id: str, detail: str = "", evidence: list[Evidence] | None = None) -> Flag:
    rule = book.rule("flags", flag_id)
    message = f"{rule['message']} {detail}".strip()
    return Flag(id=flag_id, severity=rule["severity"], message=message, rule_id=rule["rule_id"], source=rule["source"],
                evidence=evidence or [])


def _signature_flags(facts: Facts, book: RuleBook) -> list[Flag]:
    signature = facts.pcr.patient_signature
    if signature and (signature.signed or signature.reason_unable):
        return []
    documented = [f for f in facts.findings if f.kind == "signature" and f.status == "present"]
    if documented:
        return []
    return [make_flag(book, "missing_signature", evidence=[field_evidence("patient_signature", signature)] if signature else [])]


def _zip_flags(facts: Facts, book: RuleBook) -> list[Flag]:
    flags = []
    if facts.transported or facts.died_before_loading:
        if not (facts.pcr.origin and facts.pcr.origin.zip):
            flags.append(make_flag(book, "missing_pickup_zip"))
        if facts.transported and not (facts.pcr.destination and facts.pcr.destination.zip):
            flags.append(make_flag(book, "missing_destination_zip"))
    return flags


def _claimed_flags(facts: Facts, book: RuleBook, level: LevelResult) -> list[Flag]:
    claimed, supported = facts.pcr.claimed_level, level.decision.label
    if claimed is None or claimed == supported or claimed not in LEVEL_RANK or supported not in LEVEL_RANK:
        return []
    detail = f"Claimed {claimed}; documentation supports {supported} ({level.decision.rule_id})."
    flag_id = "possible_upcoding" if LEVEL_RANK[claimed] > LEVEL_RANK[supported] else "possible_undercoding"
    return [make_flag(book, flag_id, detail, [field_evidence("claimed_level", claimed)] + level.decision.evidence)]


def decide_flags(facts: Facts, book: RuleBook, level: LevelResult, mileage: MileageResult,
                 modifiers: ModifierResult, necessity: NecessityResult) -> list[Flag]:
    """Every flag that applies, errors first."""
    flags = _signature_flags(facts, book) + _zip_flags(facts, book) + _claimed_flags(facts, book, level)
    if mileage.missing:
        flags.append(make_flag(book, "missing_mileage"))
    if facts.transported and not necessity.necessity.documented:
        flags.append(make_flag(book, "no_medical_necessity"))
    if facts.transported and necessity.nonemergency_without_bed_confinement:
        flags.append(make_flag(book, "nonemergency_without_bed_confinement", evidence=necessity.necessity.evidence))
    if necessity.pcs_missing:
        flags.append(make_flag(book, "pcs_missing", necessity.pcs_missing + "."))
    if level.capped_by_crew:
        flags.append(make_flag(book, "crew_level_mismatch", "; ".join(level.capped_by_crew), facts.crew_evidence))
    conflicts = modifiers.conflicts + ([mileage.conflict] if mileage.conflict else [])
    if conflicts:
        flags.append(make_flag(book, "narrative_structured_conflict", "; ".join(conflicts) + ".", modifiers.modifiers.evidence))
    if modifiers.missing_place and facts.transported:
        flags.append(make_flag(book, "missing_place_type"))
    if modifiers.uncovered_destination:
        flags.append(make_flag(book, "uncovered_destination"))
    if not facts.response_known:
        flags.append(make_flag(book, "missing_response_mode"))
    if level.sct_care_not_interfacility:
        flags.append(make_flag(book, "sct_not_interfacility"))
    if facts.died_before_loading:
        flags.append(make_flag(book, "death_before_loading", evidence=facts.death_evidence))
    elif not facts.transported:
        flags.append(make_flag(book, "no_transport", evidence=facts.transported_evidence))
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(flags, key=lambda flag: order[flag.severity])
