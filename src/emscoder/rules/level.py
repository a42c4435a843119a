"""Level of service: no transport, death before loading, air, SCT, ALS2, ALS1, BLS — highest supported
level first, with what made it and why it is not higher."""
from __future__ import annotations

from dataclasses import dataclass, field

from emscoder.model import Evidence, LevelDecision
from emscoder.rules import counting
from emscoder.rules.facts import Facts, dispatch_determinant_level, dispatch_warrants_als, field_evidence
from emscoder.rules.loader import RuleBook


@dataclass
class LevelResult:
    decision: LevelDecision
    capped_by_crew: list[str] = field(default_factory=list)  # care documented above the crew's level
    sct_care_not_interfacility: bool = False


def _evidence(findings) -> list[Evidence]:
    return [e for f in findings for e in f.evidence]


def _decision(book: RuleBook, rule_id: str, label: str, emergency: bool, rationale: str,
              evidence: list[Evidence], not_higher: list[str]) -> LevelDecision:
    rule = book.rule("level", rule_id)
    hcpcs = book.scope["no_transport_code"] if label == "no-transport" else book.scope["hcpcs"][label]
    return LevelDecision(hcpcs=hcpcs, label=label, emergency=emergency, rule_id=rule_id,
                         rationale=f"{rule['rationale']} {rationale}".strip(), source=rule["source"],
                         evidence=evidence, not_higher_because=not_higher)


def _names(findings) -> str:
    return ", ".join(sorted({f.concept for f in findings}))


def _ground_level(facts: Facts, book: RuleBook) -> LevelResult:
    scope, emergency = book.scope, facts.emergency
    procedures, medications = counting.als2_procedures(facts, scope), counting.als2_medications(facts, scope)
    interventions, sct = counting.als_interventions(facts, scope), counting.sct_care(facts, scope)
    needed = scope["als2_min_administrations"]
    not_sct = _why_not_sct(facts, sct)
    crew = ", ".join(sorted(facts.crew_roles)) or "not documented"
    if facts.als_crew and facts.interfacility and facts.sct_crew and sct.counted:
        return LevelResult(_decision(book, "LVL-SCT-01", "SCT", False, f"Care beyond paramedic scope: {_names(sct.counted)}.",
                                     _evidence(sct.counted) + facts.place_evidence + facts.crew_evidence, []))
    result_flags = {"sct_care_not_interfacility": bool(sct.counted) and not facts.interfacility}
    if not facts.als_crew:
        capped = [f"{f.concept} ({f.evidence[0].text})" for f in procedures.counted + interventions.counted if f.evidence]
        label = "BLS-emergency" if emergency else "BLS"
        why = [f"ALS levels: no ALS personnel documented (crew: {crew}, from {facts.crew_from})"]
        if capped:
            why.append("ALS care in the narrative not counted without ALS crew: " + "; ".join(capped))
        return LevelResult(_decision(book, "LVL-BLS-01", label, emergency, "", facts.crew_evidence, [not_sct] + why),
                           capped_by_crew=capped, **result_flags)
    meds_note = (f"{medications.administrations} qualifying IV/IO medication administration(s)"
                 f"{' (' + _names(medications.counted) + ')' if medications.counted else ''}; ALS2 needs {needed}")
    excluded = procedures.excluded + medications.excluded
    if procedures.counted:
        return LevelResult(_decision(book, "LVL-ALS2-PROC-01", "ALS2", False, f"Procedure(s): {_names(procedures.counted)}.",
                                     _evidence(procedures.counted), [not_sct]), **result_flags)
    if medications.administrations >= needed:
        return LevelResult(_decision(book, "LVL-ALS2-MEDS-01", "ALS2", False, f"{meds_note.split(';')[0]}.",
                                     _evidence(medications.counted), [not_sct]), **result_flags)
    not_als2 = [not_sct, f"ALS2: no ALS2 procedure by this crew; {meds_note}"] + excluded
    label = "ALS1-emergency" if emergency else "ALS1"
    if interventions.counted:
        return LevelResult(_decision(book, "LVL-ALS1-INTERVENTION-01", label, emergency,
                                     f"Intervention(s): {_names(interventions.counted)}.", _evidence(interventions.counted),
                                     not_als2), **result_flags)
    warranted = _als_presentation(facts, book)
    if emergency and warranted is not None:
        return LevelResult(_decision(book, "LVL-ALS1-ASSESSMENT-01", "ALS1-emergency", True, "",
                                     warranted + facts.crew_evidence, not_als2 + interventions.excluded), **result_flags)
    why = "ALS1: no ALS intervention by this crew" + _why_no_assessment(facts, book, emergency)
    label = "BLS-emergency" if emergency else "BLS"
    return LevelResult(_decision(book, "LVL-BLS-01", label, emergency, "", facts.response_evidence,
                                 not_als2 + [why] + interventions.excluded), **result_flags)


def _why_no_assessment(facts: Facts, book: RuleBook, emergency: bool) -> str:
    if not emergency:
        return "; an ALS assessment alone counts only on an emergency response"
    if dispatch_determinant_level(facts.pcr, book.scope) == "BLS":
        return "; the dispatch determinant called for BLS, so an ALS assessment does not count"
    return "; neither the dispatch nor the presentation warranted an ALS assessment"


def _als_presentation(facts: Facts, book: RuleBook) -> list[Evidence] | None:
    """Evidence that the dispatch (or, failing a protocol, the presentation) warranted an ALS assessment.
    An EMD determinant decides on its own: the protocol was followed and called for ALS or did not."""
    determinant = dispatch_determinant_level(facts.pcr, book.scope)
    if determinant is not None:
        return [field_evidence("dispatch_reason", facts.pcr.dispatch_reason)] if determinant == "ALS" else None
    if dispatch_warrants_als(facts.pcr, book.scope):
        return [field_evidence("dispatch_reason", facts.pcr.dispatch_reason)]
    distress = facts.present("distress", set(book.scope["als_level_distress"]))
    return _evidence(distress) if distress else None


def _why_not_sct(facts: Facts, sct: counting.Tally) -> str:
    if not facts.interfacility:
        return "SCT: not an interfacility transport"
    if not facts.sct_crew:
        return "SCT: no specialty-care crew member (RN, RT, physician or critical-care paramedic) documented"
    return "SCT: no ongoing care beyond the paramedic scope documented" if not sct.counted else "SCT: requirements not met"


def decide_level(facts: Facts, book: RuleBook) -> LevelResult:
    """The level of service the documentation supports."""
    if not facts.transported:
        if facts.died_before_dispatch:
            return LevelResult(_decision(book, "LVL-DEATH-BEFORE-DISPATCH-01", "no-transport", facts.emergency, "",
                                         facts.death_before_dispatch_evidence, ["Death before dispatch: no payment"]))
        if facts.died_before_loading:
            label = "BLS-emergency" if facts.emergency else "BLS"
            return LevelResult(_decision(book, "LVL-DEATH-BEFORE-LOAD-01", label, facts.emergency, "",
                                         facts.death_evidence, ["Death before loading: BLS base rate only"]))
        return LevelResult(_decision(book, "LVL-NO-TRANSPORT-01", "no-transport", facts.emergency, "",
                                     facts.transported_evidence, ["No transport"]))
    if facts.air:
        return LevelResult(_decision(book, "LVL-AIR-01", facts.air, facts.emergency, f"Aircraft: {facts.air}.",
                                     [field_evidence("unit_level", facts.pcr.unit_level)],
                                     ["Air ambulance: the base rate follows the aircraft type; ground levels do not apply"]))
    return _ground_level(facts, book)
