"""ICD-10-CM codes: the sending facility's diagnosis on interfacility transfers, otherwise the signs and
symptoms the crew observed (in order of acuity), then the crew's recorded codes. Billable codes only."""
from __future__ import annotations

from emscoder import icd10
from emscoder.model import Diagnosis, Evidence
from emscoder.rules.facts import Facts, field_evidence
from emscoder.rules.loader import RuleBook


def _make(code: str, role: str, rule: dict, evidence: list[Evidence]) -> Diagnosis | None:
    if not icd10.is_billable(code):
        return None
    return Diagnosis(code=code, description=icd10.describe(code) or "", role=role, rule_id=rule["id"],
                     rationale=rule["rationale"], source=rule["source"], evidence=evidence)


def _symptom_codes(facts: Facts, rule: dict) -> list[tuple[str, list[Evidence]]]:
    """One code per observed concept, in the rule's order of acuity; the first mention whose words have
    a more specific code (syncope, hematemesis, atrial fibrillation) refines it."""
    codes: list[tuple[str, list[Evidence]]] = []
    for concept, code in rule["codes"].items():
        found = facts.observed({concept})
        if not found:
            continue
        specific = next(((rule["literal_codes"][text], f.evidence) for f in found
                         if f.evidence and (text := " ".join(f.evidence[0].text.lower().split())) in rule["literal_codes"]), None)
        codes.append(specific or (code, found[0].evidence))
    return sorted(codes + _vital_codes(facts, rule), key=lambda item: _tier(item[0], rule))


def _vital_codes(facts: Facts, rule: dict) -> list[tuple[str, list[Evidence]]]:
    """A measured value outside a rule's bound (glucose 38 -> hypoglycemia), first reading that qualifies."""
    codes = []
    for bound in rule["vital_codes"]:
        for finding in facts.present("vital", {bound["vital"]}):
            try:
                value = float(str(finding.attributes.get("value", "")).split("/")[0])
            except ValueError:
                continue
            if value < bound.get("below", float("-inf")) or value > bound.get("above", float("inf")):
                codes.append((bound["code"], finding.evidence))
                break
    return codes


def _tier(code: str, rule: dict) -> int:
    """0: codes that always lead (cardiac arrest); 1: a named condition; 2: a sign or symptom (R, Z, T14.9)."""
    if code in rule["primary_codes"]:
        return 0
    return 2 if code.startswith(tuple(rule["generic_prefixes"])) else 1


def _facility_code(facts: Facts) -> tuple[str, list[Evidence]] | None:
    for index, condition in enumerate(facts.pcr.conditions):
        if condition.role == "primary_impression":
            return condition.code, [field_evidence(f"conditions[{index}].code", condition.code)]
    return None


def decide_diagnoses(facts: Facts, book: RuleBook, bed_confined: bool) -> list[Diagnosis]:
    """Primary first; duplicates and non-billable codes dropped."""
    signs = book.rule("diagnosis", "DX-SIGNS-01")
    candidates: list[tuple[str, dict, list[Evidence]]] = []
    facility = _facility_code(facts) if facts.interfacility else None
    if facility:
        candidates.append((facility[0], book.rule("diagnosis", "DX-FACILITY-01"), facility[1]))
    candidates += [(code, signs, evidence) for code, evidence in _symptom_codes(facts, signs)]
    if bed_confined:
        bed = book.rule("diagnosis", "DX-BED-CONFINED-01")
        candidates.append((bed["code"], bed, []))
    if not candidates:
        crew = book.rule("diagnosis", "DX-CREW-01")
        candidates += [(c.code, crew, [field_evidence(f"conditions[{i}].code", c.code)])
                       for i, c in enumerate(facts.pcr.conditions)]
    diagnoses: list[Diagnosis] = []
    for code, rule, evidence in candidates:
        if any(d.code == code for d in diagnoses) or len(diagnoses) > signs["max_secondary"]:
            continue
        made = _make(code, "primary" if not diagnoses else "secondary", rule, evidence)
        if made:
            diagnoses.append(made)
    return diagnoses
