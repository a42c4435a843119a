"""Attributes read from the words around a target: medication dose/unit/route/count/giver, vital values
with an abnormal mark, mileage values."""
from __future__ import annotations

import re

from emscoder.nlp.docview import DocView

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
GIVEN_BY_WORDS = [(re.compile(rf"\b{word}\b"), who) for word, who in GIVEN_BY]


def given_by(status: str, trigger_texts: list[str]) -> str | None:
    """Who gave it: this crew when present; for before-arrival / other-provider mentions, from the trigger
    words ("FD gave" -> fire); not applicable to negated, refused, planned or historical mentions."""
    if status == "present":
        return "crew"
    if status not in ("prior_to_arrival", "other_provider"):
        return None
    trigger_words = " ".join(t.lower() for t in trigger_texts)
    default = "other_unit" if status == "other_provider" else "other"
    return next((who for word, who in GIVEN_BY_WORDS if word.search(trigger_words)), default)


def medication_attributes(view: DocView, start: int, end: int, medication_tokens: set[int],
                          crystalloid: bool) -> dict:
    """Dose, unit, route and count from the words after the drug name (tokens start:end), up to the
    next drug."""
    last = min(view.sentence(start)[1], end + ATTRIBUTE_WINDOW)
    stop = next((i for i in range(end, last) if i in medication_tokens), last)
    text = view.span_text(end, stop)
    attributes: dict = {"crystalloid": crystalloid}
    dose = DOSE.search(text)
    if dose:
        attributes["dose"], attributes["unit"] = dose.group(1), dose.group(2).lower()
    route = next((ROUTE_WORDS[w] for w in map(view.token_lower, range(end, stop)) if w in ROUTE_WORDS), None)
    if route:
        attributes["route"] = route
    times = TIMES.search(text)
    if times:
        attributes["administrations"] = int(times.group(1))
    return attributes


def vital_attributes(text: str, normal: list[float]) -> dict:
    """The value as written (`text`: the mention) and whether its first number lies outside the rule's
    adult normal range."""
    numbers = NUMBER.findall(text.replace(",", ""))
    if not numbers:
        return {}
    value = "/".join(numbers[:2]) if "/" in text else numbers[-1]
    first = float(value.split("/")[0])
    low, high = normal
    return {"value": value, "abnormal": not low <= first <= high}


def mileage_attributes(text: str) -> dict:
    """The number a mileage or odometer mention (`text`) states."""
    numbers = NUMBER.findall(text.replace(",", ""))
    return {"value": float(numbers[0])} if numbers else {}
