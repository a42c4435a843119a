"""One NEMSIS v3.4/v3.5 `PatientCareReport` element -> an input-record dict (validated by the caller).

Elements are found by tag anywhere under the PCR, so v3.4 and v3.5 groupings both work.
Nil elements (`xsi:nil="true"` with an NV attribute) count as absent.
"""
from __future__ import annotations

from typing import Any

from lxml import etree

from emscoder.errors import RecordError
from emscoder.icd10 import describe
from emscoder.readers.nemsis_codes import NemsisCodes

NS = "http://www.nemsis.org"


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def values(el: etree._Element, name: str) -> list[str]:
    """Non-empty text of every descendant named `name`."""
    return [t for t in ((e.text or "").strip() for e in el.iter(_tag(name))) if t]


def first(el: etree._Element, name: str) -> str | None:
    found = values(el, name)
    return found[0] if found else None


def pertinent_negative(el: etree._Element, name: str, codes: NemsisCodes) -> str | None:
    """The label of a PN attribute (e.g. `Refused`) on the first `name` element, if any."""
    for e in el.iter(_tag(name)):
        pn = e.get("PN")
        if pn:
            return codes.attributes.get(pn, pn)
    return None


def number(el: etree._Element, name: str, record_id: str) -> float | None:
    text = first(el, name)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise RecordError(f"{name} is not a number (got {text[:20]!r})", record_id=record_id) from None


def _crew(pcr: etree._Element, codes: NemsisCodes) -> list[dict]:
    crew = []
    for group in pcr.iter(_tag("eCrew.CrewGroup")):
        level = first(group, "eCrew.02")
        role = codes.mapped("crew_role", level)
        if role:
            crew.append({"role": role, "id": first(group, "eCrew.01"),
                         "source_level": codes.label("eCrew.02", level)})
    return crew


def _places(pcr: etree._Element, codes: NemsisCodes) -> tuple[dict, dict | None]:
    service = first(pcr, "eResponse.05")
    location = first(pcr, "eScene.09")
    origin_type = (codes.mapped("interfacility_origin", service)
                   or codes.place_from_location_code(location) or "scene")
    origin = {"type": origin_type, "zip": first(pcr, "eScene.19"), "source_type": location}
    dest_code = first(pcr, "eDisposition.21")
    destination = {
        "type": codes.mapped("destination_type", dest_code), "zip": first(pcr, "eDisposition.07"),
        "name": first(pcr, "eDisposition.01"), "address": first(pcr, "eDisposition.03"),
        "source_type": codes.label("eDisposition.21", dest_code),
    }
    if not any(destination.values()):
        destination = None
    return origin, destination


def _odometer(pcr: etree._Element, record_id: str) -> dict | None:
    odo = {key: number(pcr, el, record_id) for key, el in
           (("begin", "eResponse.19"), ("at_scene", "eResponse.20"),
            ("at_destination", "eResponse.21"), ("end", "eResponse.22"))}
    return odo if any(v is not None for v in odo.values()) else None


def _transport(pcr: etree._Element, codes: NemsisCodes) -> tuple[bool | None, str | None]:
    code = first(pcr, "eDisposition.30")
    if code:
        return codes.mapped("transported", code), codes.label("eDisposition.30", code)
    v34 = first(pcr, "eDisposition.12")
    return codes.mapped("transported_v34", v34), (f"NEMSIS 3.4 disposition {v34}" if v34 else None)


def _signature(pcr: etree._Element, codes: NemsisCodes) -> dict | None:
    for group in pcr.iter(_tag("eOther.SignatureGroup")):
        signer = codes.mapped("signer", first(group, "eOther.12"))
        status = codes.label("eOther.15", first(group, "eOther.15")) or ""
        if signer and status:
            signed = status.startswith(("Signed", "Physical Signature"))
            reason = None if signed else status.removeprefix("Not Signed").strip(" -")
            return {"signed": signed, "signer": signer, "reason_unable": reason}
    return None


def _procedures(pcr: etree._Element, codes: NemsisCodes) -> list[dict]:
    procs = []
    for group in pcr.iter(_tag("eProcedures.ProcedureGroup")):
        code = first(group, "eProcedures.03")
        if not code:
            continue  # a nil "no procedures" entry, not a procedure
        reason = pertinent_negative(group, "eProcedures.03", codes)
        attempts = first(group, "eProcedures.05")
        procs.append({
            "name": codes.procedure_name(code), "code": code, "time": first(group, "eProcedures.01"),
            "prior_to_arrival": codes.mapped("yes_no", first(group, "eProcedures.02")),
            "attempts": int(attempts) if attempts and attempts.isdigit() else None,
            "successful": codes.mapped("yes_no", first(group, "eProcedures.06")),
            "performed_by": codes.label("eProcedures.10", first(group, "eProcedures.10")),
            "performed": reason is None, "not_performed_reason": reason,
        })
    return procs


def _medications(pcr: etree._Element, codes: NemsisCodes, record_id: str) -> list[dict]:
    meds = []
    for group in pcr.iter(_tag("eMedications.MedicationGroup")):
        code = first(group, "eMedications.03")
        if not code:
            continue
        reason = pertinent_negative(group, "eMedications.03", codes)
        route = first(group, "eMedications.04")
        meds.append({
            "name": codes.medication_name(code), "code": code, "time": first(group, "eMedications.01"),
            "prior_to_arrival": codes.mapped("yes_no", first(group, "eMedications.02")),
            "route": codes.mapped("route", route) or codes.label("eMedications.04", route),
            "dose": number(group, "eMedications.05", record_id),
            "unit": codes.dose_unit(first(group, "eMedications.06")),
            "given_by": codes.label("eMedications.10", first(group, "eMedications.10")),
            "given": reason is None, "not_given_reason": reason,
        })
    return meds


def _conditions(pcr: etree._Element) -> list[dict]:
    roles = (("eSituation.11", "primary_impression"), ("eSituation.12", "secondary_impression"),
             ("eSituation.09", "primary_symptom"), ("eSituation.10", "other_symptom"))
    return [{"code": code, "role": role, "description": describe(code)}
            for element, role in roles for code in values(pcr, element)]


def _service_date(pcr: etree._Element) -> str | None:
    for element in ("eTimes.03", "eTimes.01", "eTimes.05"):
        stamp = first(pcr, element)
        if stamp:
            return stamp[:10]
    return None


def pcr_record(pcr: etree._Element, codes: NemsisCodes) -> dict[str, Any]:
    """The input-record dict of one PatientCareReport element; RecordError when it has no id."""
    record_id = first(pcr, "eRecord.01") or pcr.get("UUID")
    if not record_id:
        raise RecordError("PatientCareReport has no eRecord.01 (PCR number) and no UUID")
    service = first(pcr, "eResponse.05")
    mode = first(pcr, "eResponse.23")
    unit = first(pcr, "eResponse.07")
    origin, destination = _places(pcr, codes)
    transported, disposition = _transport(pcr, codes)
    odometer = _odometer(pcr, record_id)
    miles = None
    if odometer and odometer["at_scene"] is not None and odometer["at_destination"] is not None:
        diff = odometer["at_destination"] - odometer["at_scene"]
        miles = round(diff, 3) if diff >= 0 else None
    pcs = codes.mapped("yes_no", first(pcr, "ePayment.02"))
    return {
        "id": record_id, "narrative": first(pcr, "eNarrative.01") or "",
        "service_date": _service_date(pcr),
        "response_mode": (codes.mapped("response_urgency", first(pcr, "ePayment.40"))
                          or codes.mapped("response_mode", mode)),
        "response_detail": codes.label("eResponse.23", mode),
        "type_of_service": codes.label("eResponse.05", service),
        "dispatch_reason": codes.label("eDispatch.01", first(pcr, "eDispatch.01")),
        "unit_level": codes.mapped("unit_level", unit), "unit_detail": codes.label("eResponse.07", unit),
        "crew": _crew(pcr, codes), "origin": origin, "destination": destination,
        "odometer": odometer, "loaded_miles": miles,
        "transported": transported, "transport_disposition": disposition,
        "patient_signature": _signature(pcr, codes),
        "pcs": {"on_file": pcs, "signed_date": (first(pcr, "ePayment.03") or "")[:10] or None} if pcs is not None else None,
        "payer": codes.label("ePayment.01", first(pcr, "ePayment.01")),
        "claimed_level": codes.mapped("claimed_level", first(pcr, "ePayment.50")),
        "condition_indicators": values(pcr, "ePayment.47"),
        "ems_condition_codes": values(pcr, "ePayment.51"),
        "conditions": _conditions(pcr),
        "procedures": _procedures(pcr, codes), "medications": _medications(pcr, codes, record_id),
    }
