"""Typed records shared by every stage: the input PCR and the coding result (DESIGN.md).

Both round-trip through JSON (`PCR.model_validate_json(pcr.model_dump_json())`) and publish their
JSON Schema (`emscoder schema input|result`). Input records are strict: an unknown key or enum value
is an error, never silently dropped; producer-specific extras go in `extra`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_NARRATIVE_CHARS = 1_000_000

PlaceType = Literal[
    "residence", "scene", "hospital", "snf", "nursing_home", "dialysis_hospital_based",
    "dialysis_freestanding", "physician_office", "diagnostic_site", "transfer_site",
]
CrewRole = Literal["EMR", "EMT", "AEMT", "Paramedic", "RN", "RT", "Physician", "Other"]
UnitLevel = Literal["BLS", "ALS", "CCT", "rotor-wing", "fixed-wing"]
LevelLabel = Literal[
    "BLS", "BLS-emergency", "ALS1", "ALS1-emergency", "ALS2", "SCT", "fixed-wing",
    "rotor-wing", "paramedic-intercept", "no-transport",
]
Status = Literal[
    "present", "negated", "historical", "hypothetical", "refused", "attempted_unsuccessful",
    "prior_to_arrival", "other_provider", "family",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Place(_Strict):
    """A pickup or drop-off point; `type` drives the origin/destination modifier letters."""

    type: PlaceType | None = None
    zip: str | None = Field(default=None, pattern=r"^\d{5}(-?\d{4})?$")
    name: str | None = None
    address: str | None = None
    source_type: str | None = Field(default=None, description="Type as written by the source (e.g. NEMSIS label)")


class CrewMember(_Strict):
    role: CrewRole
    id: str | None = None
    source_level: str | None = Field(default=None, description="Credential as written by the source")


class Odometer(_Strict):
    at_scene: float | None = Field(default=None, ge=0)
    at_destination: float | None = Field(default=None, ge=0)
    begin: float | None = Field(default=None, ge=0)
    end: float | None = Field(default=None, ge=0)


class Signature(_Strict):
    signed: bool
    signer: Literal["patient", "representative", "crew"] | None = None
    reason_unable: str | None = None


class PCS(_Strict):
    """Physician certification statement for non-emergency transports."""

    on_file: bool
    signed_date: dt.date | None = None


class Procedure(_Strict):
    name: str
    code: str | None = None
    time: str | None = None
    prior_to_arrival: bool | None = None
    by_other_unit: bool | None = None
    successful: bool | None = None
    attempts: int | None = Field(default=None, ge=0)
    performed_by: str | None = None
    performed: bool = True
    not_performed_reason: str | None = None


class Medication(_Strict):
    name: str
    code: str | None = None
    route: str | None = None
    dose: float | None = Field(default=None, ge=0)
    unit: str | None = None
    time: str | None = None
    prior_to_arrival: bool | None = None
    by_other_unit: bool | None = None
    given_by: str | None = None
    given: bool = True
    not_given_reason: str | None = None


class CodedCondition(_Strict):
    """An ICD-10-CM code recorded by the crew (NEMSIS eSituation)."""

    code: str
    description: str | None = None
    role: Literal["primary_impression", "secondary_impression", "primary_symptom", "other_symptom"]


class SourceRef(_Strict):
    """Where a record came from, for error reports and traceability."""

    file: str | None = None
    position: int | None = None
    format: Literal["text", "json", "jsonl", "nemsis"] | None = None


class PCR(_Strict):
    """The input patient care report: a narrative plus optional structured fields."""

    id: str = Field(min_length=1, max_length=200)
    narrative: str = Field(max_length=MAX_NARRATIVE_CHARS)
    service_date: dt.date | None = None
    response_mode: Literal["emergency", "non-emergency"] | None = None
    response_detail: str | None = None
    type_of_service: str | None = None
    dispatch_reason: str | None = None
    unit_level: UnitLevel | None = None
    unit_detail: str | None = None
    crew: list[CrewMember] = Field(default_factory=list)
    origin: Place | None = None
    destination: Place | None = None
    odometer: Odometer | None = None
    loaded_miles: float | None = Field(default=None, ge=0)
    transported: bool | None = None
    transport_disposition: str | None = None
    patient_signature: Signature | None = None
    pcs: PCS | None = None
    payer: str | None = None
    claimed_level: LevelLabel | None = None
    condition_indicators: list[str] = Field(default_factory=list)
    ems_condition_codes: list[str] = Field(default_factory=list)
    conditions: list[CodedCondition] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    source: SourceRef | None = None

    def odometer_miles(self) -> float | None:
        """Loaded miles from the odometer (destination − scene), or None when incomplete."""
        odo = self.odometer
        if odo is None or odo.at_scene is None or odo.at_destination is None:
            return None
        return round(odo.at_destination - odo.at_scene, 3)


# ---------------------------------------------------------------- result record


class Evidence(BaseModel):
    """A character span in the narrative, or a structured field (`source="field:<path>"`)."""

    start: int | None = None
    end: int | None = None
    text: str = ""
    source: str = "narrative"


class Finding(BaseModel):
    kind: str
    concept: str
    attributes: dict[str, Any] = Field(default_factory=dict)
    status: Status = "present"
    evidence: list[Evidence] = Field(default_factory=list)
    triggers: list[Evidence] = Field(default_factory=list, description="Context words that set the status")
    rule_id: str


class LevelDecision(BaseModel):
    hcpcs: str
    label: str
    emergency: bool
    rule_id: str
    rationale: str
    source: str
    evidence: list[Evidence] = Field(default_factory=list)
    not_higher_because: list[str] = Field(default_factory=list)


class MileageDecision(BaseModel):
    hcpcs: str
    units: float | None = Field(default=None, description="None when the loaded miles are not documented")
    loaded_miles_raw: float | None = None
    rule_id: str
    rationale: str = ""
    source: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class Modifiers(BaseModel):
    origin_destination: str | None = None
    other: list[str] = Field(default_factory=list)
    rule_ids: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class Diagnosis(BaseModel):
    code: str
    description: str
    role: Literal["primary", "secondary"]
    rule_id: str
    rationale: str = ""
    source: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class BedConfinement(BaseModel):
    cannot_get_up: bool | None = None
    cannot_ambulate: bool | None = None
    cannot_sit: bool | None = None
    met: bool | None = None


class Necessity(BaseModel):
    documented: bool
    basis: list[str] = Field(default_factory=list)
    bed_confinement: BedConfinement = Field(default_factory=BedConfinement)
    rule_id: str | None = None
    rationale: str = ""
    source: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class Flag(BaseModel):
    id: str
    severity: Literal["info", "warning", "error"]
    message: str
    rule_id: str | None = None
    source: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class Reason(BaseModel):
    feature: str
    weight: float
    message: str
    evidence: list[Evidence] = Field(default_factory=list)


class Sufficiency(BaseModel):
    score: float = Field(ge=0, le=1)
    label: Literal["sufficient", "insufficient"]
    model: str
    reasons: list[Reason] = Field(default_factory=list)


class ClaimLine(BaseModel):
    hcpcs: str
    modifiers: list[str] = Field(default_factory=list)
    units: float
    diagnosis_pointers: list[int] = Field(default_factory=list)


class Claim(BaseModel):
    lines: list[ClaimLine] = Field(default_factory=list)
    diagnosis_codes: list[str] = Field(default_factory=list)
    condition_indicators: list[str] = Field(default_factory=list)


class Versions(BaseModel):
    emscoder: str
    rules: str | None = None
    model: str | None = None


class CodingResult(BaseModel):
    """One result per PCR. Stages that have not run (or do not apply) leave their field null/empty;
    `stages` lists the ones that ran, so a reader can tell "not run" from "found nothing"."""

    id: str
    versions: Versions
    stages: list[str] = Field(default_factory=list)
    level: LevelDecision | None = None
    mileage: MileageDecision | None = None
    modifiers: Modifiers | None = None
    diagnoses: list[Diagnosis] = Field(default_factory=list)
    necessity: Necessity | None = None
    flags: list[Flag] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    sufficiency: Sufficiency | None = None
    claim: Claim | None = None
    pcr: PCR


def json_schema(which: Literal["input", "result"]) -> dict:
    """JSON Schema of the input record or the result record."""
    model = PCR if which == "input" else CodingResult
    return model.model_json_schema()
