"""NEMSIS v3.5 reader on our own fixture, and hostile or broken XML."""
import pytest

from conftest import FIXTURES, read_all
from emscoder.errors import FileFormatError, RecordError, UnsafeXMLError

FIXTURE = FIXTURES / "nemsis_three_pcrs.xml"
NEMSIS_OPEN = '<?xml version="1.0"?>\n<EMSDataSet xmlns="http://www.nemsis.org"><Header>'
NEMSIS_CLOSE = "</Header></EMSDataSet>"


def pcr_xml(record_id: str, narrative: str = "Pt transported.") -> str:
    return (f"<PatientCareReport><eRecord><eRecord.01>{record_id}</eRecord.01></eRecord>"
            f"<eNarrative><eNarrative.01>{narrative}</eNarrative.01></eNarrative></PatientCareReport>")


@pytest.fixture(scope="module")
def fixture_records():
    return read_all(FIXTURE)


def test_every_pcr_in_the_file_is_read_and_the_bad_one_is_reported(fixture_records):
    pcrs, errors, _ = fixture_records
    assert [p.id for p in pcrs] == ["FX-1001", "FX-1003"]
    assert len(errors) == 1 and isinstance(errors[0], RecordError)
    assert (errors[0].record_id, errors[0].position) == ("FX-1002", 2)
    assert "eResponse.21 is not a number" in errors[0].reason


def test_structured_fields_map_onto_the_input_record(fixture_records):
    pcr = fixture_records[0][0]
    assert pcr.narrative.startswith("Dispatched for chest pain.")
    assert (pcr.response_mode, pcr.unit_level, pcr.claimed_level) == ("emergency", "ALS", "ALS1-emergency")
    assert pcr.type_of_service == "Emergency Response (Primary Response Area)"
    assert [c.role for c in pcr.crew] == ["Paramedic", "EMT"]
    assert (pcr.origin.type, pcr.origin.zip) == ("residence", "60601")
    assert (pcr.destination.type, pcr.destination.zip) == ("hospital", "60612")
    assert pcr.loaded_miles == pytest.approx(12.5)
    assert pcr.transported is True
    assert str(pcr.service_date) == "2026-03-14"
    assert pcr.pcs.on_file and str(pcr.pcs.signed_date) == "2026-03-01"
    assert (pcr.patient_signature.signed, pcr.patient_signature.reason_unable) == (False, "Unconscious")
    assert pcr.condition_indicators == ["06", "09"] and pcr.ems_condition_codes == ["R07.9"]
    assert pcr.conditions[0].description == "Angina pectoris, unspecified"
    assert [(c.code, c.role) for c in pcr.conditions] == [
        ("I20.9", "primary_impression"), ("R07.9", "primary_symptom"), ("R06.02", "other_symptom")]


def test_procedures_and_medications_keep_who_when_and_whether_given(fixture_records):
    pcr = fixture_records[0][0]
    iv, ecg = pcr.procedures
    assert (iv.name, iv.attempts, iv.successful, iv.prior_to_arrival) == ("IV, insertion", 2, True, False)
    assert ecg.name == "ECG, 12 lead"
    aspirin, morphine, ntg = pcr.medications
    assert (aspirin.name, aspirin.route, aspirin.dose, aspirin.unit, aspirin.given) == ("Aspirin", "PO", 324, "mg", True)
    assert (morphine.given, morphine.not_given_reason) == (False, "Refused")
    assert (ntg.prior_to_arrival, ntg.given_by, ntg.route) == (True, "Family Member", "SL")


def test_nil_medication_is_not_a_medication_and_refusal_means_not_transported(fixture_records):
    pcr = fixture_records[0][1]
    assert pcr.medications == []
    assert pcr.transported is False and pcr.transport_disposition == "Patient Refused Transport"
    assert (pcr.origin.type, pcr.destination.type) == ("nursing_home", "dialysis_freestanding")
    assert pcr.response_mode == "non-emergency"


XXE = ('<?xml version="1.0"?>\n<!DOCTYPE EMSDataSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       '<EMSDataSet xmlns="http://www.nemsis.org"><Header><PatientCareReport><eRecord><eRecord.01>&xxe;'
       '</eRecord.01></eRecord></PatientCareReport></Header></EMSDataSet>')
BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
        + ']>\n<EMSDataSet xmlns="http://www.nemsis.org"><Header>' + pcr_xml("bomb", "&lol9;") + NEMSIS_CLOSE)


@pytest.mark.parametrize("content", [XXE, BOMB, "<!-- hi -->\n<!DOCTYPE EMSDataSet SYSTEM 'http://example.invalid/x.dtd'>\n<EMSDataSet/>"])
def test_hostile_xml_is_refused_without_resolving_anything(tmp_path, content):
    path = tmp_path / "hostile.xml"
    path.write_text(content)
    pcrs, errors, _ = read_all(path)
    assert pcrs == []
    assert len(errors) == 1 and isinstance(errors[0], UnsafeXMLError)
    assert "DOCTYPE" in errors[0].reason
    assert "root:" not in errors[0].one_line()  # nothing from /etc/passwd


def test_broken_xml_keeps_the_reports_before_the_break(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text(NEMSIS_OPEN + pcr_xml("good-1") + pcr_xml("good-2") + "<PatientCareReport><eRecord>")
    pcrs, errors, _ = read_all(path)
    assert [p.id for p in pcrs] == ["good-1", "good-2"]
    assert len(errors) == 1 and "XML syntax error" in errors[0].reason and "2 report(s)" in errors[0].reason


@pytest.mark.parametrize("content, reason", [
    ('<?xml version="1.0"?><invoice><total>3</total></invoice>', "not a NEMSIS EMSDataSet file (root element <invoice>)"),
    ('<EMSDataSet><Header>' + pcr_xml("no-namespace") + NEMSIS_CLOSE, "no PatientCareReport elements"),
    ('<DEMDataSet xmlns="http://www.nemsis.org"/>', "DEMDataSet"),
    (NEMSIS_OPEN + "<PatientCareReport><eNarrative><eNarrative.01>x</eNarrative.01></eNarrative></PatientCareReport>"
     + NEMSIS_CLOSE, "no eRecord.01"),
])
def test_xml_that_is_not_usable_nemsis_gets_a_clear_reason(tmp_path, content, reason):
    path = tmp_path / "other.xml"
    path.write_text(content)
    pcrs, errors, _ = read_all(path)
    assert pcrs == [] and len(errors) == 1
    assert reason in errors[0].reason
    assert isinstance(errors[0], (FileFormatError, RecordError))


def test_many_reports_stream_in_order(tmp_path):
    path = tmp_path / "many.xml"
    path.write_text(NEMSIS_OPEN + "".join(pcr_xml(f"R{i:04d}") for i in range(500)) + NEMSIS_CLOSE)
    pcrs, errors, _ = read_all(path)
    assert errors == [] and [p.id for p in pcrs] == [f"R{i:04d}" for i in range(500)]
    assert pcrs[-1].source.position == 500
