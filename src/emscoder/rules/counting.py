"""Which documented interventions and medications count toward a level, and why the others do not."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from emscoder.model import Finding
from emscoder.rules.facts import Facts

NOT_COUNTED = {
    "negated": "documented as not done", "historical": "pre-existing or past history", "hypothetical": "planned or conditional only",
    "refused": "refused by the patient", "attempted_unsuccessful": "attempt was unsuccessful",
    "prior_to_arrival": "done before this crew arrived", "other_provider": "done by another unit or provider",
    "family": "family history",
}


@dataclass
class Tally:
    """Findings that count toward a criterion, with a note for each one that does not."""

    counted: list[Finding] = field(default_factory=list)
    administrations: int = 0
    excluded: list[str] = field(default_factory=list)

    def exclude(self, finding: Finding, why: str) -> None:
        self.excluded.append(f"{finding.concept} ({finding.evidence[0].text if finding.evidence else ''}) not counted: {why}")


def _status_ok(finding: Finding, tally: Tally) -> bool:
    if finding.status == "present":
        return True
    tally.exclude(finding, NOT_COUNTED.get(finding.status, finding.status))
    return False


def _effective(item: dict, service_date: dt.date | None) -> bool:
    start = item.get("effective_from")
    return start is None or (service_date is not None and service_date >= dt.date.fromisoformat(start))


def als2_procedures(facts: Facts, scope: dict) -> Tally:
    """ALS2 procedures this crew performed (date-effective items only from their start date)."""
    tally = Tally()
    items = {item["concept"]: item for item in scope["als2_procedures"]}
    placed_by_others = _devices_placed_by_others(facts.findings, items)
    for finding in facts.findings:
        if finding.kind != "intervention" or finding.concept not in items or not _status_ok(finding, tally):
            continue
        if finding.concept in placed_by_others:
            tally.exclude(finding, f"same device as the {finding.concept} placed {placed_by_others[finding.concept]}")
            continue
        if finding.attributes.get("class") == "BLS":  # an AED: automated, not the manual skill ALS2 names
            tally.exclude(finding, "automated (AED) use is a BLS skill, not manual defibrillation")
            continue
        if not _effective(items[finding.concept], facts.pcr.service_date):
            tally.exclude(finding, f"an ALS2 procedure only for services on or after {items[finding.concept]['effective_from']}")
            continue
        tally.counted.append(finding)
    return tally


def _devices_placed_by_others(findings: list[Finding], items: dict[str, dict]) -> dict[str, str]:
    """Device procedures (an ETT, an IO needle) the narrative says were placed before arrival or by
    another unit: a crew managing that device has not performed the procedure."""
    placed: dict[str, str] = {}
    for finding in findings:
        if (finding.kind == "intervention" and items.get(finding.concept, {}).get("device")
                and finding.status in ("prior_to_arrival", "other_provider")):
            placed.setdefault(finding.concept, NOT_COUNTED[finding.status].removeprefix("done "))
    return placed


def als2_medications(facts: Facts, scope: dict) -> Tally:
    """Separate IV/IO push, bolus or infusion administrations of non-crystalloid drugs by this crew."""
    tally = Tally()
    routes, excluded = set(scope["als2_qualifying_routes"]), set(scope["als2_excluded_medications"])
    for finding in facts.findings:
        if finding.kind != "medication" or not _status_ok(finding, tally):
            continue
        route = finding.attributes.get("route")
        if finding.concept in excluded or finding.attributes.get("crystalloid"):
            tally.exclude(finding, "crystalloid or dextrose solution (excluded)")
        elif route not in routes:
            tally.exclude(finding, f"route {route or 'not documented'} does not qualify (IV/IO push or infusion only)")
        else:
            tally.counted.append(finding)
            tally.administrations += int(finding.attributes.get("administrations") or 1)
    return tally


def als_interventions(facts: Facts, scope: dict) -> Tally:
    """ALS interventions (scope table) and ALS medications this crew performed."""
    tally = Tally()
    als, bls_meds, bls_routes = set(scope["als_interventions"]), set(scope["bls_medications"]), scope["bls_medication_routes"]
    placed_by_others = _devices_placed_by_others(facts.findings, {item["concept"]: item for item in scope["als2_procedures"]})
    for finding in facts.findings:
        if finding.kind == "intervention" and finding.concept in als and _status_ok(finding, tally):
            if finding.concept in placed_by_others:
                tally.exclude(finding, f"same device as the {finding.concept} placed {placed_by_others[finding.concept]}")
            else:
                tally.counted.append(finding)
        elif finding.kind == "medication" and _status_ok(finding, tally):
            route = finding.attributes.get("route")
            if finding.concept in bls_meds or route in bls_routes.get(finding.concept, []):
                tally.exclude(finding, "within BLS scope")
            else:
                tally.counted.append(finding)
    return tally


def sct_care(facts: Facts, scope: dict) -> Tally:
    """Ongoing care beyond the paramedic scope: SCT interventions, and SCT drugs given or infusions maintained."""
    tally = Tally()
    for finding in facts.findings:
        ongoing_infusion = finding.status == "prior_to_arrival" and finding.attributes.get("route") == "infusion"
        if finding.kind == "intervention" and finding.concept in scope["sct_interventions"]:
            if finding.status in ("present", "prior_to_arrival"):
                tally.counted.append(finding)
        elif finding.kind == "medication" and finding.concept in scope["sct_medications"]:
            if finding.status == "present" or ongoing_infusion:
                tally.counted.append(finding)
    return tally
