"""Human messages for classifier features, used as the `message` of a sufficiency reason."""
from __future__ import annotations

from emscoder.scoring.features import FeatureRow

FIXED = {
    "claimed_above_supported": "The claimed level is higher than the level the documented care supports",
    "claimed_above_supported_by": "How many levels the claim is above the documented care",
    "claimed_equals_supported": "The claimed level matches the level the documented care supports",
    "claimed_below_supported": "The claimed level is below the level the documented care supports",
    "necessity_documented": "Medical necessity is documented (rule stage)",
    "necessity_not_documented": "No medical necessity found in the documentation (rule stage)",
    "prongs_affirmed": "Share of the three bed-confinement prongs documented",
    "bed_confinement_met": "All three bed-confinement prongs documented without contradiction",
    "vitals_documented": "Vital signs documented",
    "vitals_abnormal": "Abnormal vital signs documented",
    "repetitive_trip": "Repetitive or scheduled trip (needs a current PCS)",
    "repetitive_trip_without_pcs": "Repetitive or scheduled trip without a PCS on file",
    "pcs_older_than_60_days": "The PCS is more than 60 days older than the service date",
    "repetitive_trip_with_stale_pcs": "Repetitive trip with a PCS older than 60 days",
    "structured_medication_by_others": "A medication in the structured fields was given before arrival or by another unit",
    "structured_iv_medications": "IV/IO medications in the structured fields",
    "structured_procedure_by_others": "A procedure in the structured fields was done before arrival or by another unit",
    "structured_procedure_unsuccessful": "A procedure in the structured fields was unsuccessful or not performed",
}
PREFIXED = {
    "response": "Response mode: {}",
    "claimed": "Claimed level: {}",
    "supported": "Level the documented care supports (rule stage): {}",
    "crew": "Crew: {}",
    "unit_level": "Unit level: {}",
    "necessity_basis": "Necessity basis: {}",
    "prong_affirmed": "Bed-confinement prong documented: {}",
    "prong_contradicted": "Bed-confinement prong contradicted: {}",
    "flag": "Flag {}",
    "vital_abnormal": "Abnormal vital sign: {}",
    "medication_not_given": "Medication mentioned but not given by this crew ({})",
    "origin": "Origin: {}",
    "destination": "Destination: {}",
}
VALUES = {
    "crew=bls_only": "Crew: no ALS personnel documented",
    "crew=als": "Crew: ALS personnel (paramedic, AEMT, RN or physician)",
    "crew=specialty": "Crew includes a specialty-care member (RN, RT or physician)",
    "crew=unknown": "Crew not documented in the structured fields",
    "pcs=none": "No physician certification statement (PCS) on file",
    "pcs=on_file": "Physician certification statement (PCS) on file",
    "medication=drug:iv": "A drug (not IV fluid) given IV/IO by this crew",
    "medication=drug:other": "A drug given by this crew (not IV/IO)",
    "medication=crystalloid:iv": "IV fluids given by this crew",
    "medication=crystalloid:other": "Fluids given by this crew",
}
STATUS_WORDS = {"present": "documented", "negated": "documented as absent or not done",
                "other": "mentioned but not counted (before arrival, by others, failed, planned or history)"}
PRONG_WORDS = {"cannot_get_up": "unable to get up from bed without assistance", "cannot_ambulate": "unable to ambulate",
               "cannot_sit": "unable to sit in a chair or wheelchair"}


def _words(value: str) -> str:
    return value.replace("_", " ").replace(":", ", ")


def describe(feature: str, row: FeatureRow, span: tuple[int, int] | None = None) -> str:
    """The message for one feature of one PCR."""
    if feature.startswith("ngram:"):
        quoted = row.text[span[0]:span[1]] if span else feature.removeprefix("ngram:")
        return f'Narrative wording "{quoted}"'
    if feature in row.notes:
        return row.notes[feature]
    if feature in FIXED:
        return FIXED[feature]
    if feature in VALUES:
        return VALUES[feature]
    prefix, _, value = feature.partition("=")
    if prefix in ("finding", "intervention_class"):
        return _finding(prefix, value)
    if prefix in ("prong_affirmed", "prong_contradicted"):
        value = PRONG_WORDS.get(value, value)
    template = PREFIXED.get(prefix)
    return template.format(_words(value)) if template else _words(feature)


def _finding(prefix: str, value: str) -> str:
    """finding=kind:concept:status or intervention_class=class:status."""
    *what, status = value.split(":")
    if prefix == "intervention_class":
        subject = f"{what[0]}-class intervention"
    else:
        subject = (f"{PRONG_WORDS.get(what[1], _words(what[1]))} ({what[0].replace('_', ' ')})" if len(what) == 2
                   else _words(":".join(what)))
    return f"Narrative: {subject} {STATUS_WORDS.get(status, status)}"


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two character spans share a character."""
    return a[0] < b[1] and b[0] < a[1]
