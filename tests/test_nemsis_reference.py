"""The NEMSIS TAC compliance cases and sample data (read from ../shared, never copied into the repo)."""
import json

import pytest

from conftest import read_all, require_nemsis


def compliance_cases():
    nemsis = require_nemsis()
    index = json.loads((nemsis / "compliance-pretesting" / "index.json").read_text())
    return nemsis, [row for row in index if row["set"] == "full"]


def _counts(entries):
    given = sum(1 for e in entries if e.get("code") and not e.get("PN"))
    not_given = sum(1 for e in entries if e.get("code") and e.get("PN"))
    return given, not_given


def test_every_compliance_case_matches_the_official_content():
    nemsis, cases = compliance_cases()
    assert len(cases) >= 40
    for case in cases:
        pcrs, errors, _ = read_all(nemsis / case["file"])
        assert errors == [], case["case_id"]
        assert len(pcrs) == 1, case["case_id"]
        pcr = pcrs[0]
        assert pcr.narrative == case["narrative"], case["case_id"]
        meds = (sum(m.given for m in pcr.medications), sum(not m.given for m in pcr.medications))
        procs = (sum(p.performed for p in pcr.procedures), sum(not p.performed for p in pcr.procedures))
        assert meds == _counts(case["eMedications.03"]), case["case_id"]
        assert procs == _counts(case["eProcedures.03"]), case["case_id"]
        expected_miles = case["loaded_miles_21_minus_20"]
        if expected_miles == "":
            assert pcr.loaded_miles is None, case["case_id"]
        else:
            assert pcr.loaded_miles == pytest.approx(float(expected_miles)), case["case_id"]
        claimed = case["ePayment.50_cms_service_level"]
        assert (pcr.claimed_level is not None) == bool(claimed and claimed[0].get("code")), case["case_id"]


def test_all_v35_ems_files_parse_without_error():
    nemsis = require_nemsis()
    files = sorted((nemsis / "compliance-pretesting" / "xml" / "full").glob("*EMS*_v35[01].xml"))
    files += sorted((nemsis / "sample-data" / "EMS").glob("*.xml"))
    assert len(files) >= 70
    pcrs, errors, skipped = read_all(*files)
    assert errors == [] and skipped == []
    assert len(pcrs) >= len(files)


def test_dem_files_in_a_folder_are_skipped_not_failed():
    nemsis = require_nemsis()
    pcrs, errors, skipped = read_all(nemsis / "compliance-pretesting" / "xml" / "full")
    assert errors == []
    assert skipped and all("DEM" in s.path for s in skipped)
    assert len(pcrs) == 45
