import json

import pytest
from pydantic import ValidationError

from emscoder.coder import code
from emscoder.model import PCR, CodingResult, json_schema

FULL_RECORD = {
    "id": "R-1", "narrative": "Pt c/o CP. ASA 324 PO.", "service_date": "2026-02-01",
    "response_mode": "emergency", "dispatch_reason": "Chest pain", "unit_level": "ALS",
    "crew": [{"role": "Paramedic"}, {"role": "EMT"}],
    "origin": {"type": "residence", "zip": "60601"}, "destination": {"type": "hospital", "zip": "60612-1234"},
    "odometer": {"at_scene": 100.0, "at_destination": 112.35}, "transported": True,
    "patient_signature": {"signed": False, "signer": "patient", "reason_unable": "AMS"},
    "pcs": {"on_file": True, "signed_date": "2026-01-20"}, "payer": "Medicare", "claimed_level": "ALS1-emergency",
    "procedures": [{"name": "IV", "successful": False, "attempts": 2}],
    "medications": [{"name": "Aspirin", "route": "PO", "dose": 324, "unit": "mg", "given": True}],
    "extra": {"cad_number": "X9"},
}


def test_input_record_round_trips_through_json():
    pcr = PCR.model_validate(FULL_RECORD)
    again = PCR.model_validate_json(pcr.model_dump_json())
    assert again == pcr
    assert again.odometer_miles() == pytest.approx(12.35)


def test_result_record_round_trips_and_keeps_the_input():
    result = code(PCR.model_validate(FULL_RECORD))
    again = CodingResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert again.pcr.narrative == FULL_RECORD["narrative"]
    assert again.versions.emscoder


@pytest.mark.parametrize("bad, field", [
    ({"response_mode": "urgent"}, "response_mode"),
    ({"origin": {"type": "beach"}}, "origin.type"),
    ({"crew": [{"role": "Pilot"}]}, "crew.0.role"),
    ({"destination": {"zip": "6061"}}, "destination.zip"),
    ({"loaded_miles": -3}, "loaded_miles"),
    ({"narrativ": "typo"}, "narrativ"),
])
def test_invalid_values_are_rejected_naming_the_field(bad, field):
    with pytest.raises(ValidationError) as info:
        PCR.model_validate({"id": "x", "narrative": ""} | bad)
    assert field in str(info.value)


def test_schemas_describe_both_records():
    schema_in, schema_out = json_schema("input"), json_schema("result")
    assert set(schema_in["required"]) == {"id", "narrative"}
    assert {"level", "mileage", "modifiers", "diagnoses", "necessity", "flags", "findings",
            "sufficiency", "claim"} <= set(schema_out["properties"])
    json.dumps(schema_out)
