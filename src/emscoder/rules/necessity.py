"""Medical necessity: an emergency condition, or for non-emergency trips all three bed-confinement prongs
or another documented reason other transport is contraindicated; plus the PCS check."""
from __future__ import annotations

from dataclasses import dataclass

from emscoder.model import BedConfinement, Evidence, Necessity
from emscoder.rules.facts import Facts
from emscoder.rules.loader import RuleBook

PRONGS = ("cannot_get_up", "cannot_ambulate", "cannot_sit")
CONTRADICTS = {"ambulatory": ("cannot_ambulate", "cannot_get_up"), "sitting_tolerated": ("cannot_sit",)}


@dataclass
class NecessityResult:
    necessity: Necessity
    nonemergency_without_bed_confinement: bool = False
    pcs_missing: str | None = None


def bed_confinement(facts: Facts) -> tuple[BedConfinement, list[Evidence]]:
    """Each prong true when documented present and not contradicted ("ambulated to stretcher")."""
    prongs: dict[str, bool | None] = {p: (True if facts.present("bed_confinement", {p}) else None) for p in PRONGS}
    evidence = [e for f in facts.present("bed_confinement") for e in f.evidence]
    for contradiction, affected in CONTRADICTS.items():
        if facts.present("bed_confinement", {contradiction}):
            for prong in affected:
                prongs[prong] = False
    met = all(prongs[p] for p in PRONGS)
    return BedConfinement(**prongs, met=met), evidence


def _pcs_problem(facts: Facts, book: RuleBook) -> str | None:
    pcs, pcr = facts.pcr.pcs, facts.pcr
    on_file = pcs.on_file if pcs else bool(facts.present("pcs", {"pcs_on_file"}))
    if facts.present("pcs", {"pcs_missing"}) and not (pcs and pcs.on_file):
        on_file = False
    if not on_file:
        return "no PCS on file"
    words = f"{pcr.dispatch_reason or ''} {pcr.type_of_service or ''}".lower()
    dialysis = any(p and p.type and p.type.startswith("dialysis") for p in (pcr.origin, pcr.destination))
    repetitive = dialysis or any(w in words for w in book.scope["repetitive_trip_keywords"])
    if repetitive and pcs and pcs.signed_date and pcr.service_date:
        age = (pcr.service_date - pcs.signed_date).days
        if age > book.scope["pcs_max_age_days"] or age < 0:
            return f"PCS signed {pcs.signed_date} is {age} days from the service date (limit {book.scope['pcs_max_age_days']})"
    return None


def decide_necessity(facts: Facts, book: RuleBook) -> NecessityResult:
    """Whether, and on what basis, the documentation supports medical necessity."""
    emergency_rule = book.rule("necessity", "NEC-EMERGENCY-01")
    conditions = facts.observed(set(emergency_rule["conditions"]))
    treatment = facts.present("intervention", set(emergency_rule["emergency_treatment"])) + _iv_drugs(
        facts, book.rule("necessity", "NEC-NON-EMERGENCY-OTHER-01"))
    beds, bed_evidence = bed_confinement(facts)
    non_emergency = facts.response_known and not facts.emergency
    if not non_emergency and (conditions or treatment):
        basis = sorted({f.concept for f in conditions + treatment})
        return NecessityResult(_necessity(book, "NEC-EMERGENCY-01", True, basis, beds, conditions + treatment))
    if non_emergency:
        pcs = _pcs_problem(facts, book) if facts.transported else None
        if beds.met:
            return NecessityResult(Necessity(documented=True, basis=["bed_confined"], bed_confinement=beds,
                                             **_cite(book, "NEC-BED-CONFINED-01"), evidence=bed_evidence), pcs_missing=pcs)
        other = _needs_ambulance_en_route(facts, book.rule("necessity", "NEC-NON-EMERGENCY-OTHER-01"))
        if other:
            return NecessityResult(_necessity(book, "NEC-NON-EMERGENCY-OTHER-01", True, sorted({f.concept for f in other}),
                                              beds, other), pcs_missing=pcs)
        return NecessityResult(_necessity(book, "NEC-NONE-01", False, [], beds, []),
                               nonemergency_without_bed_confinement=True, pcs_missing=pcs)
    return NecessityResult(_necessity(book, "NEC-NONE-01", False, [], beds, []))


def _needs_ambulance_en_route(facts: Facts, rule: dict) -> list:
    """Conditions, or care this crew gave during the trip, that rule out other means of transport."""
    return facts.observed(set(rule["conditions"])) + facts.present("intervention", set(rule["treatment"])) + _iv_drugs(facts, rule)


def _iv_drugs(facts: Facts, rule: dict) -> list:
    """Non-crystalloid drugs this crew gave by vein or bone: treatment needed during the trip."""
    routes = set(rule["medication_routes"])
    return [f for f in facts.present("medication") if f.attributes.get("route") in routes and not f.attributes.get("crystalloid")]


def _cite(book: RuleBook, rule_id: str) -> dict:
    rule = book.rule("necessity", rule_id)
    return {"rule_id": rule_id, "rationale": rule["rationale"], "source": rule["source"]}


def _necessity(book: RuleBook, rule_id: str, documented: bool, basis: list[str], beds: BedConfinement, findings) -> Necessity:
    return Necessity(documented=documented, basis=basis, bed_confinement=beds, **_cite(book, rule_id),
                     evidence=[e for f in findings for e in f.evidence])
