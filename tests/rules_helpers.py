"""Builders for rule-layer tests: PCRs and hand-made findings (no spaCy pipeline involved)."""
from __future__ import annotations

from emscoder.model import PCR, Evidence, Finding


def finding(kind: str, concept: str, status: str = "present", **attributes) -> Finding:
    return Finding(kind=kind, concept=concept, status=status, attributes=attributes,
                   evidence=[Evidence(start=0, end=len(concept), text=concept)], rule_id=f"TEST-{concept}")


def med(concept: str, route: str | None = "IV", status: str = "present", **attributes) -> Finding:
    if route:
        attributes["route"] = route
    return finding("medication", concept, status, **attributes)


def proc(concept: str, status: str = "present") -> Finding:
    return finding("intervention", concept, status)


def pcr(**fields) -> PCR:
    base = {"id": "t-1", "narrative": "", "service_date": "2025-06-01", "response_mode": "emergency",
            "crew": [{"role": "Paramedic"}, {"role": "EMT"}], "transported": True,
            "origin": {"type": "residence", "zip": "54911"}, "destination": {"type": "hospital", "zip": "54912"},
            "loaded_miles": 5.0, "patient_signature": {"signed": True, "signer": "patient"}}
    base.update(fields)
    return PCR.model_validate({k: v for k, v in base.items() if v is not None})
