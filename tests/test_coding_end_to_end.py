"""End to end (readers -> NLP -> rules) on the bundled sample PCRs and the NEMSIS compliance cases."""
import json
from pathlib import Path

import pytest

from conftest import read_all, require_nemsis
from emscoder.coder import code
from emscoder.model import PCR

SAMPLES = Path(__file__).resolve().parent.parent / "corpora" / "samples"

# id: (hcpcs, mileage units or None, O/D modifier, other modifiers, flags that must fire) — corpora/samples/README.md
EXPECTED = {
    "demo-j02-dialysis-bedconfined": ("A0428", 9.4, "RJ", [], set()),
    "demo-j04-arrest-als2": ("A0433", 4.8, "RH", [], set()),
    "demo-j05-sct-vent": ("A0434", 34.6, "HH", [], set()),
    "demo-j06-office-weakness": ("A0428", 2.1, "PH", [], {"possible_upcoding"}),
    "demo-b02-mvc-refusal": ("A0998", None, None, ["GY"], {"no_transport"}),
    "demo-b03-obvious-death": ("A0429", None, "RR", ["QL"], {"death_before_loading"}),
    "demo-b05-weakness-bls-crew": ("A0429", 7.2, "RH", [], {"crew_level_mismatch", "possible_upcoding"}),
    "demo-b01-snf-eval": ("A0428", 8.8, "NH", [], {"no_medical_necessity", "nonemergency_without_bed_confinement"}),
    "demo-t01-rotor-stemi": ("A0431", 71.4, None, [], set()),
    "demo-t02-found-down-ett": ("A0433", 11.2, None, [], set()),
    "demo-t03-syncope-als-assess": ("A0427", 4.3, None, [], set()),
}


@pytest.fixture(scope="module")
def sample_results():
    pcrs, errors, _ = read_all(SAMPLES)
    assert errors == []
    return {pcr.id: code(pcr) for pcr in pcrs}


@pytest.mark.parametrize("pcr_id", sorted(EXPECTED))
def test_sample_pcrs_code_as_a_coder_expects(sample_results, pcr_id):
    hcpcs, units, od, other, flags = EXPECTED[pcr_id]
    result = sample_results[pcr_id]
    assert result.level.hcpcs == hcpcs, result.level.not_higher_because
    assert (result.mileage.units if result.mileage else None) == units
    assert result.modifiers.origin_destination == od and result.modifiers.other == other
    assert flags <= {f.id for f in result.flags}
    assert result.claim.lines[0].hcpcs == hcpcs


def test_every_decision_is_explained(sample_results):
    for result in sample_results.values():
        assert result.level.rule_id and result.level.rationale and result.level.source
        assert result.stages == ["findings", "rules", "score"]  # score: the shipped models/default
        for item in [result.mileage, *result.diagnoses, *result.flags]:
            if item is not None:
                assert item.rule_id and item.source
        for evidence in result.level.evidence:
            if evidence.source == "narrative":
                assert result.pcr.narrative[evidence.start:evidence.end] == evidence.text


def test_nemsis_compliance_cases_code_end_to_end():
    nemsis = require_nemsis()
    index = json.loads((nemsis / "compliance-pretesting" / "index.json").read_text())
    pcrs, errors, _ = read_all(*[nemsis / row["file"] for row in index if row["set"] == "full"])
    assert len(pcrs) >= 40 and not errors
    for pcr in pcrs:
        result = code(pcr)
        assert result.level.hcpcs.startswith("A0") and result.level.rationale
        if pcr.claimed_level and pcr.claimed_level != result.level.label:
            assert result.level.not_higher_because, pcr.id  # a disagreement always says why


def test_nurses_named_at_the_handoff_do_not_make_a_narrative_only_crew_sct():
    # no structured crew: the crew comes from the narrative, where only the paramedic and EMT are ours
    pcr = PCR.model_validate({
        "id": "t-handoff-rn", "service_date": "2025-06-01", "response_mode": "non-emergency", "transported": True,
        "origin": {"type": "hospital", "zip": "54911"}, "destination": {"type": "hospital", "zip": "54912"},
        "loaded_miles": 12.0, "patient_signature": {"signed": False, "signer": "representative"},
        "narrative": ("IFT Mercy ED to University MICU for NSTEMI. Heparin gtt 1000 units/hr infusing on our pump, "
                      "ventilator managed by crew, AC 16/500/PEEP 8. Paramedic J. Ortiz attending, EMT L. Ruiz driving. "
                      "Pt unable to sign d/t sedation; staff RN signed for pt. Care to MICU attending MD Dr. Kim and RN. "
                      "Neuro RN took handoff.")})
    result = code(pcr)
    assert result.level.hcpcs != "A0434", result.level.rationale
    crew = [f for f in result.findings if f.kind == "crew"]
    assert {f.concept for f in crew if f.status == "present"} == {"paramedic", "emt"}
    assert {f.concept for f in crew if f.status == "other_provider"} >= {"rn", "physician"}


def _emergency_call_from_home(pcr_id: str, crew_roles: list[str], narrative: str) -> PCR:
    return PCR.model_validate({
        "id": pcr_id, "service_date": "2025-06-01", "response_mode": "emergency", "transported": True,
        "origin": {"type": "residence", "zip": "54911"}, "destination": {"type": "hospital", "zip": "54912"},
        "loaded_miles": 4.0, "crew": [{"role": role} for role in crew_roles], "narrative": narrative})


def test_a_lab_unit_is_not_an_intubation_so_a_hypoglycemia_call_stays_als1():
    # "mg/dL" had matched "DL" (direct laryngoscopy), an ALS2 procedure: a lab unit upcoded the call to A0433
    result = code(_emergency_call_from_home("t-mg-dl", ["Paramedic", "EMT"], (
        "Called by wife for 61 yo M found confused and diaphoretic. CBG 31 mg/dL, Hgb 6.1 g/dL per home health "
        "labs. 20g IV L AC, D10 250 mL IV, recheck BGL 112 mg/dL, pt A&Ox4. Transported emergent.")))
    assert result.level.hcpcs == "A0427", result.level.rationale
    assert not [f for f in result.findings if f.concept == "intubation"]


def test_street_names_and_a_walking_pace_do_not_make_a_bls_call_als():
    # "King" (an airway), "pace" (transcutaneous pacing, ALS2) and "Port" (a central line) were read as care,
    # so an EMT crew's call was flagged as care beyond the crew's level
    result = code(_emergency_call_from_home("t-place-names", ["EMT", "EMT"], (
        "Dispatched to Burger King, 44 Port Rd at King St, for a fall. 70 yo F tripped on the curb, c/o R wrist "
        "pain with deformity, possible fx. Was walking at a normal pace, no LOC. Wrist splinted with SAM splint, "
        "ice pack. Transported emergent.")))
    assert result.level.hcpcs == "A0429", result.level.rationale
    assert "crew_level_mismatch" not in {flag.id for flag in result.flags}
    assert {f.concept for f in result.findings if f.kind == "intervention"} == {"splinting"}
