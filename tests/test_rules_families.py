"""Mileage, modifiers, diagnosis, necessity and flags: one row per rule and exclusion (no spaCy)."""
import json
import re

import pytest

from emscoder.errors import RuleFileError
from emscoder.rules import apply_rules
from emscoder.rules.loader import default_rulebook, parse_rules, parse_scope
from emscoder.rules.mileage import billable_units
from emscoder.resources import resource_text
from emscoder.model import Evidence, Finding
from rules_helpers import finding, med, pcr, proc

ROUND = default_rulebook().rule("mileage", "MIL-ROUND-01")
BED = [finding("bed_confinement", p) for p in ("cannot_get_up", "cannot_ambulate", "cannot_sit")]
NON_EMERGENCY = {"response_mode": "non-emergency", "pcs": {"on_file": True, "signed_date": "2025-05-20"}}


@pytest.mark.parametrize("miles,units", [(10.1, 10.1), (1.43, 1.5), (0.9, 0.9), (12.01, 12.1), (99.91, 100.0),
                                         (99.9, 99.9), (100.0, 100.0), (100.3, 101.0), (0.0, 0.1), (250.01, 251.0)])
def test_cms_mileage_rounding(miles, units):
    assert billable_units(miles, ROUND) == units


@pytest.mark.parametrize("fields,findings,rule_id,units,hcpcs", [
    ({"odometer": {"at_scene": 1000.0, "at_destination": 1012.31}, "loaded_miles": None}, [], "MIL-ODOMETER-01", 12.4, "A0425"),
    ({"loaded_miles": 8.8}, [], "MIL-FIELD-01", 8.8, "A0425"),
    ({"loaded_miles": None}, [finding("mileage", "loaded_miles", value=6.42)], "MIL-NARRATIVE-01", 6.5, "A0425"),
    ({"unit_level": "rotor-wing", "loaded_miles": 71.4}, [], "MIL-FIELD-01", 71.4, "A0436"),
    ({"unit_level": "fixed-wing", "loaded_miles": 310.2}, [], "MIL-FIELD-01", 311.0, "A0435"),
])
def test_mileage_sources(fields, findings, rule_id, units, hcpcs):
    mileage = apply_rules(pcr(**fields), findings).mileage
    assert (mileage.rule_id, mileage.units, mileage.hcpcs) == (rule_id, units, hcpcs)
    assert "MIL-ROUND-01" in mileage.source


def test_no_mileage_without_transport_or_after_death_before_loading():
    assert apply_rules(pcr(transported=False), []).mileage is None
    assert apply_rules(pcr(transported=False), [finding("death", "pronounced")]).mileage is None


def test_missing_and_conflicting_mileage_are_flagged():
    missing = apply_rules(pcr(loaded_miles=None), [])
    assert (missing.mileage.hcpcs, missing.mileage.units, missing.mileage.rule_id) == ("A0425", None, "MIL-MISSING-01")
    assert "missing_mileage" in {f.id for f in missing.flags}
    assert [line.hcpcs for line in missing.claim.lines] == ["A0429"]  # no mileage line until the miles are documented
    conflict = apply_rules(pcr(loaded_miles=5.0), [finding("mileage", "loaded_miles", value=15.0)])
    assert "narrative_structured_conflict" in {f.id for f in conflict.flags}


@pytest.mark.parametrize("origin,destination,narrative,expected,flag", [
    ("residence", "hospital", "", "RH", None),
    ("scene", "hospital", "", "SH", None),
    ("snf", "dialysis_freestanding", "", "NJ", None),
    ("hospital", "snf", "", "HN", None),
    ("nursing_home", "dialysis_hospital_based", "", "EG", None),
    ("residence", "physician_office", "", "RP", "uncovered_destination"),
    ("residence", "hospital", "Called to Maple Crest skilled nursing facility for a fall.", "NH", "narrative_structured_conflict"),
    ("residence", "hospital", "Transported emergent from Birchwood Care Center (SNF) to the ED.", "NH",
     "narrative_structured_conflict"),
    ("residence", "hospital", "Odometer 100.2 on scene and 108.9 at hospital. Pt signed at the hospital.", "RH", None),
    ("residence", "hospital", "Scheduled transport from home to Brushy Mountain Hospital for admission.", "RH", None),
    ("residence", "hospital", "Destination is a freestanding outpatient dialysis clinic, not the hospital.", "RJ",
     "narrative_structured_conflict"),
])
def test_origin_destination(origin, destination, narrative, expected, flag):
    outcome = apply_rules(pcr(narrative=narrative, origin={"type": origin, "zip": "54911"},
                              destination={"type": destination, "zip": "54912"}), [])
    assert outcome.modifiers.origin_destination == expected
    assert flag is None or flag in {f.id for f in outcome.flags}
    narrative_rule = "MOD-OD-NARRATIVE-01" in outcome.modifiers.rule_ids
    assert outcome.modifiers.rule_ids[0] == "MOD-OD-01" and narrative_rule == (flag == "narrative_structured_conflict")


def test_other_modifiers_ql_gy_gm():
    ql = apply_rules(pcr(transported=False), [finding("death", "pronounced")]).modifiers
    # O/D is required on every claim (FCSO, WPS); with no destination reached the origin letter is repeated
    assert ql.other == ["QL"] and "MOD-QL-01" in ql.rule_ids and ql.origin_destination == "RR"
    gy = apply_rules(pcr(transported=False), []).modifiers
    assert gy.other == ["GY"] and gy.rule_ids == ["MOD-GY-01"]
    gm = apply_rules(pcr(narrative="Two patients transported in the unit."), []).modifiers
    assert "GM" in gm.other and "MOD-GM-01" in gm.rule_ids
    assert "GM" in apply_rules(pcr(narrative="Husband is the 2nd pt in this unit. Both pts transported together."),
                               []).modifiers.other
    assert "GM" not in apply_rules(pcr(narrative="One patient transported."), []).modifiers.other
    claim = apply_rules(pcr(transported=False), [finding("death", "pronounced")]).claim
    assert [line.hcpcs for line in claim.lines] == ["A0429"]


def test_diagnoses_from_observed_signs_in_acuity_order():
    outcome = apply_rules(pcr(), [finding("distress", "chest_pain"), finding("distress", "unconscious"),
                                  finding("distress", "seizure", "hypothetical"), finding("distress", "stroke_signs", "negated")])
    assert [(d.code, d.role) for d in outcome.diagnoses] == [("R40.20", "primary"), ("R07.9", "secondary")]
    assert {d.rule_id for d in outcome.diagnoses} == {"DX-SIGNS-01"}
    assert outcome.claim.diagnosis_codes == ["R40.20", "R07.9"]


def test_a_specific_mention_refines_the_code_whatever_its_position():
    rhythm = [finding("distress", "cardiac_dysrhythmia"), finding("distress", "cardiac_dysrhythmia")]
    rhythm[1].evidence[0].text = "A-fib"  # the first mention ("irregular") has no specific code
    rhythm[0].evidence[0].text = "irregular"
    outcome = apply_rules(pcr(), rhythm + [finding("condition", "overdose"), finding("condition", "allergic_reaction", "hypothetical")])
    assert [d.code for d in outcome.diagnoses] == ["I48.91", "T50.901A"]


def test_interfacility_uses_the_facility_diagnosis_and_rejects_non_billable_codes():
    fields = {"origin": {"type": "hospital", "zip": "54911"}, "destination": {"type": "hospital", "zip": "54912"}}
    good = apply_rules(pcr(**fields, conditions=[{"code": "I21.4", "role": "primary_impression"}]), [finding("distress", "chest_pain")])
    assert [d.code for d in good.diagnoses] == ["I21.4", "R07.9"] and good.diagnoses[0].rule_id == "DX-FACILITY-01"
    category = apply_rules(pcr(**fields, conditions=[{"code": "I21", "role": "primary_impression"}]), [])
    assert category.diagnoses == []


@pytest.mark.parametrize("fields,findings,documented,rule_id,flags", [
    ({}, [finding("distress", "respiratory_distress")], True, "NEC-EMERGENCY-01", set()),
    ({}, [], False, "NEC-NONE-01", {"no_medical_necessity"}),
    (NON_EMERGENCY, BED, True, "NEC-BED-CONFINED-01", set()),
    (NON_EMERGENCY, BED[:2], False, "NEC-NONE-01", {"nonemergency_without_bed_confinement", "no_medical_necessity"}),
    (NON_EMERGENCY, BED + [finding("bed_confinement", "ambulatory")], False, "NEC-NONE-01", {"nonemergency_without_bed_confinement"}),
    (NON_EMERGENCY, [finding("distress", "oxygen_required")], True, "NEC-NON-EMERGENCY-OTHER-01", set()),
    (NON_EMERGENCY, [finding("distress", "chest_pain", "negated")], False, "NEC-NONE-01", {"no_medical_necessity"}),
    # acute conditions outside the CMS distress list: the "emergency situation (injury, acute illness)" criterion
    ({}, [finding("condition", "allergic_reaction")], True, "NEC-EMERGENCY-01", set()),
    ({}, [finding("condition", "accident_injury", "negated")], False, "NEC-NONE-01", {"no_medical_necessity"}),
    ({}, [med("ondansetron", "IV")], True, "NEC-EMERGENCY-01", set()),
    # a condition alone is not a reason for a scheduled trip, IV drugs given en route are
    (NON_EMERGENCY, [finding("condition", "severe_pain")], False, "NEC-NONE-01", {"nonemergency_without_bed_confinement"}),
    (NON_EMERGENCY, [med("heparin", "infusion")], True, "NEC-NON-EMERGENCY-OTHER-01", set()),
    (NON_EMERGENCY, [med("normal_saline", "infusion", crystalloid=True)], False, "NEC-NONE-01", {"no_medical_necessity"}),
    (NON_EMERGENCY, [proc("ventilator_management")], True, "NEC-NON-EMERGENCY-OTHER-01", set()),
])
def test_necessity(fields, findings, documented, rule_id, flags):
    outcome = apply_rules(pcr(**fields), findings)
    assert (outcome.necessity.documented, outcome.necessity.rule_id) == (documented, rule_id)
    assert flags <= {f.id for f in outcome.flags}


@pytest.mark.parametrize("pcs,reason,flagged", [
    (None, "Scheduled dialysis", True),
    ({"on_file": False}, "Discharge", True),
    ({"on_file": True, "signed_date": "2025-04-02"}, "Scheduled dialysis", False),
    ({"on_file": True, "signed_date": "2025-03-01"}, "Scheduled dialysis", True),
    ({"on_file": True, "signed_date": "2025-03-01"}, "Discharge to SNF", False),
])
def test_pcs(pcs, reason, flagged):
    outcome = apply_rules(pcr(response_mode="non-emergency", pcs=pcs, dispatch_reason=reason), BED)
    assert ("pcs_missing" in {f.id for f in outcome.flags}) == flagged


@pytest.mark.parametrize("fields,findings,flag,present", [
    ({"patient_signature": None}, [], "missing_signature", True),
    ({"patient_signature": {"signed": False, "reason_unable": "unconscious"}}, [], "missing_signature", False),
    ({"patient_signature": None}, [finding("signature", "unable_to_sign")], "missing_signature", False),
    ({"origin": {"type": "residence"}}, [], "missing_pickup_zip", True),
    ({"destination": {"type": "hospital"}}, [], "missing_destination_zip", True),
    ({"crew": [{"role": "EMT"}, {"role": "EMT"}]}, [proc("iv_access")], "crew_level_mismatch", True),
    ({"claimed_level": "ALS2"}, [med("epinephrine"), med("epinephrine")], "possible_upcoding", True),
    ({"claimed_level": "BLS-emergency"}, [proc("intubation")], "possible_undercoding", True),
    ({"claimed_level": "ALS2"}, [proc("intubation")], "possible_upcoding", False),
    ({"response_mode": None}, [], "missing_response_mode", True),
    ({"origin": None}, [], "missing_place_type", True),
    ({"origin": {"type": "residence", "zip": "54911"}, "destination": {"type": "hospital", "zip": "54912"}, "crew": [{"role": "RN"}]},
     [proc("ventilator_management")], "sct_not_interfacility", True),
    ({"transported": False}, [finding("death", "pronounced")], "death_before_loading", True),
    ({"transported": False}, [], "no_transport", True),
])
def test_flags(fields, findings, flag, present):
    outcome = apply_rules(pcr(**fields), findings)
    assert (flag in {f.id for f in outcome.flags}) == present
    for f in outcome.flags:
        assert f.rule_id and f.source and f.message


def test_every_rule_id_is_exercised_by_a_table():
    """Each rule and flag id in the resources appears in this file or the level table."""
    from pathlib import Path
    here = Path(__file__).parent
    tables = (here / "test_rules_level.py").read_text() + (here / "test_rules_families.py").read_text()
    book = default_rulebook()
    rule_ids = {rule_id for family, rules in book.rules.items() if family != "flags" for rule_id in rules}
    flag_ids = set(book.rules["flags"])
    missing = {r for r in rule_ids if f'"{r}"' not in tables} | {f for f in flag_ids if f'"{f}"' not in tables}
    assert not missing, f"rule ids without a test row: {sorted(missing)}"


def test_bed_confined_adds_z74_01_and_crew_code_fallback():
    outcome = apply_rules(pcr(response_mode="non-emergency", pcs={"on_file": True, "signed_date": "2025-05-20"}), BED)
    assert [d.code for d in outcome.diagnoses] == ["Z74.01"] and outcome.diagnoses[0].rule_id == "DX-BED-CONFINED-01"
    crew = apply_rules(pcr(conditions=[{"code": "R53.1", "role": "primary_symptom"}]), [])
    assert [d.rule_id for d in crew.diagnoses] == ["DX-CREW-01"]


def test_inference_from_narrative_when_fields_are_missing():
    text = "Dispatched emergent for a fall. Pt flown by helicopter, lifted off 0812."
    outcome = apply_rules(pcr(response_mode=None, unit_level=None, crew=[], narrative=text), [])
    assert outcome.level.label == "rotor-wing" and "missing_response_mode" not in {f.id for f in outcome.flags}
    assert outcome.level.emergency
    inference = default_rulebook().rules["inference"]
    assert re.search(inference["INF-RESPONSE-01"]["emergency_pattern"], text, re.I).group(0) == "Dispatched emergent"
    assert re.search(inference["INF-AIR-01"]["rotor_pattern"], text, re.I).group(0) == "helicopter"
    scheduled = apply_rules(pcr(response_mode=None, unit_level=None, narrative="Scheduled transport to dialysis."), [])
    assert scheduled.level.label == "BLS" and not scheduled.level.emergency


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["level"][0].update(colour="red"), "LVL-NO-TRANSPORT-01: unknown key(s) ['colour']"),
    (lambda d: d["flags"][0].pop("severity"), "missing key(s) ['severity']"),
    (lambda d: d["flags"][0].update(severity="fatal"), "severity must be one of"),
    (lambda d: d["modifiers"][4].update(pattern="(unclosed"), "MOD-GM-01: invalid regular expression"),
    (lambda d: d["level"].append(dict(d["level"][0])), "duplicate rule id LVL-NO-TRANSPORT-01"),
    (lambda d: d.update(extras=[]), "unknown key(s) ['extras']"),
])
def test_rule_file_validation_names_file_rule_and_key(mutate, message):
    data = json.loads(resource_text("billing/rules.json"))
    mutate(data)
    with pytest.raises(RuleFileError, match="billing/rules.json") as err:
        parse_rules(json.dumps(data))
    assert message in str(err.value)


def test_scope_file_validation():
    data = json.loads(resource_text("billing/scope_default.json"))
    data["no_transport_code"] = "A0000"
    with pytest.raises(RuleFileError, match="no_transport_code"):
        parse_scope(json.dumps(data), "wi.json")
    data = json.loads(resource_text("billing/scope_default.json"))
    data["unknown_setting"] = 1
    with pytest.raises(RuleFileError, match="unknown_setting"):
        parse_scope(json.dumps(data), "wi.json")


@pytest.mark.parametrize("text,before_dispatch", [
    ("Hospice RN pronounced the patient dead at 0615, prior to dispatch.", True),
    ("Family states he died before the 911 call was placed.", True),
    ("Pronounced dead on scene at 0702 by medical control after 20 min of CPR.", False),
    ("Pt was dead before our arrival per PD.", False),  # after dispatch: QL territory, not "before dispatch"
])
def test_death_before_dispatch_inference(text, before_dispatch):
    rule = default_rulebook().rules["inference"]["INF-DEATH-BEFORE-DISPATCH-01"]
    assert bool(re.search(rule["death_before_dispatch_pattern"], text, re.I)) == before_dispatch
    level = apply_rules(pcr(transported=False, narrative=text), [finding("death", "pronounced")]).level
    assert level.rule_id == ("LVL-DEATH-BEFORE-DISPATCH-01" if before_dispatch else "LVL-DEATH-BEFORE-LOAD-01")
    if before_dispatch:
        assert level.evidence[0].text in text and level.evidence[0].start is not None


def _odometer(text: str, reading: str) -> Finding:
    start = text.index(reading)
    return Finding(kind="mileage", concept="odometer", status="present", attributes={"value": float(reading.split()[-1])},
                   evidence=[Evidence(start=start, end=start + len(reading), text=reading)], rule_id="TEST-odometer")


@pytest.mark.parametrize("text,readings,units", [
    ("Odo 88412.3 at pickup, 88419.9 at pt's house. Pt signed.", ["Odo 88412.3"], 7.6),
    ("odometer 700.00 on scene / odometer 709.99 at hospital.", ["odometer 700.00", "odometer 709.99"], 10.0),
    ("Odometer begin 30100.0, end 30131.4 (station to station).", ["Odometer begin 30100.0"], None),
    ("Odo 5000.0 at pickup, 4990.0 at ED.", ["Odo 5000.0"], None),  # backwards: not loaded miles
])
def test_loaded_miles_from_odometer_readings_in_the_narrative(text, readings, units):
    outcome = apply_rules(pcr(loaded_miles=None, narrative=text), [_odometer(text, r) for r in readings])
    assert outcome.mileage.units == units
    assert outcome.mileage.rule_id == ("MIL-NARRATIVE-ODOMETER-01" if units else "MIL-MISSING-01")
    if units:
        assert [text[e.start:e.end] for e in outcome.mileage.evidence][-1] in text
