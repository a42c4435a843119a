"""Loaded mileage: odometer, structured field or narrative; rounded per CMS; none when not transported."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from emscoder.model import Evidence, MileageDecision
from emscoder.rules.facts import Facts, field_evidence
from emscoder.rules.loader import RuleBook


@dataclass
class MileageResult:
    decision: MileageDecision | None
    missing: bool = False
    conflict: str | None = None


def billable_units(miles: float, rule: dict) -> float:
    """CMS fractional mileage: under the threshold round up to the tenth, otherwise up to the whole mile."""
    exact = Decimal(str(miles))
    step = Decimal("1") if exact >= Decimal(str(rule["whole_mile_threshold"])) else Decimal("0.1")
    units = (exact / step).to_integral_value(rounding=ROUND_CEILING) * step
    return float(max(units, Decimal(str(rule["min_units"]))))


MAX_PLAUSIBLE_LOADED_MILES = Decimal("500")
SECOND_READING = re.compile(r"[^\d.\n]{0,40}?\b(\d{3,7}(?:\.\d{1,2})?)\b")


def _readings(facts: Facts) -> list[tuple[Decimal, Evidence]]:
    """Odometer readings in the narrative; a bare number right after the only reading is its pair
    ("Odo 88412.3 at pickup, 88419.9 at pt's house")."""
    found = [(Decimal(str(f.attributes["value"])), f.evidence[0])
             for f in facts.present("mileage", {"odometer"}) if "value" in f.attributes and f.evidence]
    if len(found) == 1 and found[0][1].end is not None:
        end = found[0][1].end
        pair = SECOND_READING.match(facts.pcr.narrative, end)
        if pair:
            found.append((Decimal(pair.group(1)), Evidence(start=pair.start(1), end=pair.end(1), text=pair.group(1))))
    return found


def _narrative_odometer(facts: Facts, rule: dict) -> tuple[str, float, list[Evidence]] | None:
    """Loaded miles from two odometer readings in the narrative, pickup first."""
    readings = _readings(facts)
    if len(readings) != 2:
        return None
    (start_value, first), (end_value, second) = readings
    window = facts.pcr.narrative[first.start:second.end + 40]
    miles = end_value - start_value
    if re.search(rule["exclude_pattern"], window, re.IGNORECASE) or not 0 < miles < MAX_PLAUSIBLE_LOADED_MILES:
        return None
    return rule["id"], float(miles), [first, second]


def _sources(facts: Facts, book: RuleBook) -> list[tuple[str, float, list[Evidence]]]:
    pcr, sources = facts.pcr, []
    odometer = pcr.odometer_miles()
    if odometer is not None and odometer >= 0:
        sources.append(("MIL-ODOMETER-01", odometer, [field_evidence("odometer.at_scene", pcr.odometer.at_scene),
                                                       field_evidence("odometer.at_destination", pcr.odometer.at_destination)]))
    if pcr.loaded_miles is not None:
        sources.append(("MIL-FIELD-01", pcr.loaded_miles, [field_evidence("loaded_miles", pcr.loaded_miles)]))
    stated = [f for f in facts.present("mileage", {"loaded_miles"}) if "value" in f.attributes]
    if stated:
        sources.append(("MIL-NARRATIVE-01", float(stated[-1].attributes["value"]), stated[-1].evidence))
    odometer_text = _narrative_odometer(facts, book.rule("mileage", "MIL-NARRATIVE-ODOMETER-01"))
    if odometer_text:
        sources.append(odometer_text)
    return sources


def decide_mileage(facts: Facts, book: RuleBook, billable_base: bool) -> MileageResult:
    """Mileage line, or None when not transported (or death before loading)."""
    if not facts.transported or not billable_base:
        return MileageResult(None)
    sources = _sources(facts, book)
    if not sources:
        rule = book.rule("mileage", "MIL-MISSING-01")
        return MileageResult(MileageDecision(hcpcs=book.scope["mileage_hcpcs"][facts.air or "ground"], rule_id=rule["id"],
                                             rationale=rule["rationale"], source=rule["source"]), missing=True)
    rounding = book.rule("mileage", "MIL-ROUND-01")
    rule_id, miles, evidence = sources[0]
    spread = max(s[1] for s in sources) - min(s[1] for s in sources)
    conflict = None
    if spread > rounding["conflict_tolerance_miles"]:
        conflict = "loaded miles disagree: " + ", ".join(f"{s[0]} {s[1]:g}" for s in sources)
    rule = book.rule("mileage", rule_id)
    kind = facts.air or "ground"
    units = billable_units(miles, rounding)
    return MileageResult(MileageDecision(
        hcpcs=book.scope["mileage_hcpcs"][kind], units=units, loaded_miles_raw=miles, rule_id=rule_id,
        rationale=f"{rule['rationale']} {miles:g} mi -> {units:g} units. {rounding['rationale']}",
        source=f"{rule['source']}; {rounding['id']}", evidence=evidence), conflict=conflict)
