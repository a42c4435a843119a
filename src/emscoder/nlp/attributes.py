"""Attributes read from the words around a target: medication dose/unit/route/count/giver, vital values
with an abnormal mark, mileage values."""
from __future__ import annotations

import re

from spacy.tokens import Span

ROUTE_WORDS = {"iv": "IV", "ivp": "IVP", "io": "IO", "im": "IM", "in": "IN", "sl": "SL", "po": "PO",
               "neb": "NEB", "nebulized": "NEB", "nebulizer": "NEB", "ett": "ETT", "sc": "SC", "sq": "SC",
               "subq": "SC", "drip": "infusion", "infusion": "infusion", "gtt": "infusion",
               "intranasal": "IN", "intramuscular": "IM", "sublingual": "SL", "intravenous": "IV",
               "inh": "NEB", "inhaled": "NEB", "oral": "PO", "orally": "PO", "ivpb": "infusion"}
DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*(mcg/kg/min|mcg/min|mg/kg|mg|mcg|gm|g|ml|cc|units|u|meq|l|lpm|grams)\b", re.I)
TIMES = re.compile(r"\bx\s?(\d)\b", re.I)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
ATTRIBUTE_WINDOW = 8
GIVEN_BY = (("fire", "fire"), ("fd", "fire"), ("engine", "fire"), ("ff", "fire"), ("family", "family"),
            ("wife", "family"), ("husband", "family"), ("mother", "family"), ("daughter", "family"),
            ("son", "family"), ("bystander", "family"), ("staff", "facility"), ("snf", "facility"),
            ("nurse", "facility"), ("rn", "facility"), ("ed", "facility"), ("facility", "facility"),
            ("medic", "other_unit"), ("flight", "other_unit"), ("unit", "other_unit"), ("als", "other_unit"))


def given_by(status: str, triggers: list[Span]) -> str | None:
    """Who gave it: this crew when present; for before-arrival / other-provider mentions, from the trigger
    words ("FD gave" -> fire); not applicable to negated, refused, planned or historical mentions."""
    if status == "present":
        return "crew"
    if status not in ("prior_to_arrival", "other_provider"):
        return None
    trigger_words = " ".join(t.text.lower() for t in triggers)
    default = "other_unit" if status == "other_provider" else "other"
    return next((who for word, who in GIVEN_BY if re.search(rf"\b{word}\b", trigger_words)), default)


def medication_attributes(span: Span, medication_tokens: set[int], crystalloid: bool) -> dict:
    """Dose, unit, route and count from the words after the drug name (up to the next drug)."""
    end = min(span.sent.end, span.end + ATTRIBUTE_WINDOW)
    stop = next((i for i in range(span.end, end) if i in medication_tokens), end)
    window = span.doc[span.end:stop]
    text = window.text
    attributes: dict = {"crystalloid": crystalloid}
    dose = DOSE.search(text)
    if dose:
        attributes["dose"], attributes["unit"] = dose.group(1), dose.group(2).lower()
    route = next((ROUTE_WORDS[t.lower_] for t in window if t.lower_ in ROUTE_WORDS), None)
    if route:
        attributes["route"] = route
    times = TIMES.search(text)
    if times:
        attributes["administrations"] = int(times.group(1))
    return attributes


def vital_attributes(span: Span, normal: list[float]) -> dict:
    """The value as written and whether its first number lies outside the rule's adult normal range."""
    numbers = NUMBER.findall(span.text.replace(",", ""))
    if not numbers:
        return {}
    value = "/".join(numbers[:2]) if "/" in span.text else numbers[-1]
    first = float(value.split("/")[0])
    low, high = normal
    return {"value": value, "abnormal": not low <= first <= high}


def mileage_attributes(span: Span) -> dict:
    """The number a mileage or odometer mention states."""
    numbers = NUMBER.findall(span.text.replace(",", ""))
    return {"value": float(numbers[0])} if numbers else {}
