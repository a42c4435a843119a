"""What the rule families need to know about one PCR, derived once from its findings and fields."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from emscoder.model import PCR, Evidence, Finding

FIELD = "field:"


def field_evidence(path: str, value: object) -> Evidence:
    """Evidence pointing at a structured field."""
    return Evidence(text=str(value), source=f"{FIELD}{path}")


@dataclass
class Facts:
    """Derived facts; every boolean comes with the evidence that decided it."""

    pcr: PCR
    findings: list[Finding]
    emergency: bool
    response_known: bool
    response_evidence: list[Evidence]
    transported: bool
    transported_evidence: list[Evidence]
    died_before_loading: bool
    death_evidence: list[Evidence]
    died_before_dispatch: bool
    death_before_dispatch_evidence: list[Evidence]
    air: str | None
    crew_roles: set[str]
    crew_evidence: list[Evidence]
    crew_from: str
    als_crew: bool
    sct_crew: bool
    interfacility: bool
    place_evidence: list[Evidence] = field(default_factory=list)

    def present(self, kind: str, concepts: set[str] | list[str] | None = None) -> list[Finding]:
        """Findings of a kind documented as present (done or observed by this crew)."""
        return [f for f in self.findings if f.kind == kind and f.status == "present"
                and (concepts is None or f.concept in concepts)]

    def observed(self, concepts: set[str] | list[str]) -> list[Finding]:
        """Distress findings (the CMS list) and other acute conditions documented as present."""
        return [f for f in self.findings if f.kind in ("distress", "condition") and f.status == "present"
                and f.concept in concepts]


def _crew(pcr: PCR, findings: list[Finding], scope: dict) -> tuple[set[str], list[Evidence], str]:
    if pcr.crew:
        return ({member.role for member in pcr.crew},
                [field_evidence(f"crew[{i}].role", m.role) for i, m in enumerate(pcr.crew)], "structured crew")
    named = {"emt": "EMT", "aemt": "AEMT", "paramedic": "Paramedic", "rn": "RN", "rt": "RT", "physician": "Physician"}
    crew_findings = [f for f in findings if f.kind == "crew" and f.status == "present" and f.concept in named]
    if crew_findings:
        return ({named[f.concept] for f in crew_findings}, [e for f in crew_findings for e in f.evidence], "narrative")
    if pcr.unit_level:
        roles = {"Paramedic"} if pcr.unit_level in scope["als_unit_levels"] else {"EMT"}
        return roles, [field_evidence("unit_level", pcr.unit_level)], "unit level"
    return set(), [], "not documented"


def _sct_crew(pcr: PCR, roles: set[str], scope: dict) -> bool:
    if roles & set(scope["sct_roles"]):
        return True
    credentials = " ".join((m.source_level or "") for m in pcr.crew).lower() + " " + (pcr.unit_detail or "").lower()
    return pcr.unit_level == "CCT" or any(c in credentials for c in scope["sct_paramedic_credentials"])


def _transported(pcr: PCR, findings: list[Finding]) -> tuple[bool, list[Evidence]]:
    if pcr.transported is not None:
        return pcr.transported, [field_evidence("transported", pcr.transported)]
    stops = [f for f in findings if f.status == "present" and (f.kind == "refusal" or f.concept == "dead_on_arrival")]
    if stops and pcr.destination is None:
        return False, [e for f in stops for e in f.evidence]
    if pcr.destination is not None:
        return True, [field_evidence("destination", pcr.destination.type or pcr.destination.name)]
    miles = [f for f in findings if f.kind == "mileage" and f.status == "present"]
    return True, [e for f in miles for e in f.evidence]


def infer_response(pcr: PCR, rule: dict) -> tuple[str | None, list[Evidence]]:
    """Response urgency from the field, else from the narrative (INF-RESPONSE-01), else unknown."""
    if pcr.response_mode:
        return pcr.response_mode, [field_evidence("response_mode", pcr.response_mode)]
    for mode, key in (("emergency", "emergency_pattern"), ("non-emergency", "nonemergency_pattern")):
        found = re.search(rule[key], pcr.narrative, re.IGNORECASE)
        if found:
            return mode, [Evidence(start=found.start(), end=found.end(), text=found.group(0))]
    return None, []


def infer_air(pcr: PCR, rule: dict) -> str | None:
    """Aircraft type from the unit level, else from the narrative (INF-AIR-01)."""
    if pcr.unit_level:
        return pcr.unit_level if pcr.unit_level in ("rotor-wing", "fixed-wing") else None
    if re.search(rule["fixed_pattern"], pcr.narrative, re.IGNORECASE):
        return "fixed-wing"
    return "rotor-wing" if re.search(rule["rotor_pattern"], pcr.narrative, re.IGNORECASE) else None


def infer_death_before_dispatch(pcr: PCR, rule: dict) -> list[Evidence]:
    """Evidence that death was pronounced before dispatch (INF-DEATH-BEFORE-DISPATCH-01), from the
    disposition field, else the narrative; empty when neither says so."""
    pattern = re.compile(rule["death_before_dispatch_pattern"], re.IGNORECASE)
    if pcr.transport_disposition and pattern.search(pcr.transport_disposition):
        return [field_evidence("transport_disposition", pcr.transport_disposition)]
    found = pattern.search(pcr.narrative)
    return [Evidence(start=found.start(), end=found.end(), text=found.group(0))] if found else []


def build_facts(pcr: PCR, findings: list[Finding], scope: dict, inference: dict[str, dict]) -> Facts:
    """Derive the facts for one PCR."""
    roles, crew_evidence, crew_from = _crew(pcr, findings, scope)
    transported, transported_evidence = _transported(pcr, findings)
    deaths = [f for f in findings if f.kind == "death" and f.status == "present"]
    origin = pcr.origin.type if pcr.origin else None
    destination = pcr.destination.type if pcr.destination else None
    facility = set(scope["interfacility_types"])
    air = infer_air(pcr, inference["INF-AIR-01"])
    response, response_evidence = infer_response(pcr, inference["INF-RESPONSE-01"])
    before_dispatch = [] if transported else infer_death_before_dispatch(pcr, inference["INF-DEATH-BEFORE-DISPATCH-01"])
    return Facts(
        pcr=pcr, findings=findings, emergency=response == "emergency", response_known=response is not None,
        response_evidence=response_evidence,
        transported=transported, transported_evidence=transported_evidence,
        died_before_loading=bool(deaths) and not transported and not before_dispatch, death_evidence=[e for f in deaths for e in f.evidence],
        died_before_dispatch=bool(before_dispatch), death_before_dispatch_evidence=before_dispatch,
        air=air, crew_roles=roles, crew_evidence=crew_evidence, crew_from=crew_from,
        als_crew=bool(roles & set(scope["als_roles"])), sct_crew=_sct_crew(pcr, roles, scope), interfacility=origin in facility and destination in facility,
        place_evidence=[field_evidence("origin.type", origin), field_evidence("destination.type", destination)],
    )


DETERMINANT = re.compile(r"\b\d{1,2}-?([OABCDE])-?\d{1,2}[A-Z]?\b", re.IGNORECASE)


def dispatch_determinant_level(pcr: PCR, scope: dict) -> str | None:
    """ALS or BLS: what the EMD determinant in the dispatch reason ("17-A-1") calls for; None without one."""
    match = DETERMINANT.search(pcr.dispatch_reason or "")
    return scope["dispatch_determinant_levels"].get(match.group(1).upper()) if match else None


def dispatch_warrants_als(pcr: PCR, scope: dict) -> bool:
    """The dispatch reason names an ALS-level complaint (scope file keyword list)."""
    reason = (pcr.dispatch_reason or "").lower()
    return any(re.search(rf"\b{re.escape(word)}", reason) for word in scope["als_dispatch_keywords"])
