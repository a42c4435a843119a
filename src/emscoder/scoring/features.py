"""Classifier features: the findings and rule decisions of one PCR, plus its narrative (n-grams: ngrams.py).

`extract(pcr, findings, decisions)` returns a `FeatureRow`: named numeric features (a dict, vectorised
by the model) with the evidence behind each one, and the narrative for the n-gram part. The feature
definitions are versioned by `SCHEMA`; its hash goes in a model's meta.json, and a model whose hash
differs from this code's is refused. Change `SCHEMA["version"]` whenever a feature's meaning changes.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Protocol

from emscoder.model import PCR, Evidence, Finding, Flag, LevelDecision, Necessity
from emscoder.scoring import ngrams

SCHEMA = {
    "name": "emscoder-sufficiency-features",
    "version": 2,
    "structured": ["response", "claimed", "supported", "level_gap", "crew", "necessity", "prongs", "flags",
                   "findings", "interventions", "vitals", "pcs", "places", "structured_care"],
    "finding_status_groups": {"present": "present", "negated": "negated"},  # any other status: "other"
    "text": ngrams.TEXT,
}
LEVEL_RANK = {"no-transport": 0, "BLS": 1, "BLS-emergency": 2, "ALS1": 3, "ALS1-emergency": 4, "ALS2": 5,
              "SCT": 6, "paramedic-intercept": 4, "rotor-wing": 7, "fixed-wing": 7}
PRONGS = ("cannot_get_up", "cannot_ambulate", "cannot_sit")
ALS_ROLES, SCT_ROLES = {"AEMT", "Paramedic", "RN", "Physician"}, {"RN", "RT", "Physician"}
IV_ROUTES = {"IV", "IVP", "IO", "infusion"}
REPETITIVE_WORDS = ("dialysis", "radiation", "chemo", "hyperbaric", "wound care", "scheduled", "recurring")


def schema_hash() -> str:
    """sha256 of the feature schema: a model trained under another schema cannot be loaded."""
    return hashlib.sha256(json.dumps(SCHEMA, sort_keys=True).encode()).hexdigest()


class Decisions(Protocol):
    """What the features read from the rule stage (emscoder.rules.RuleOutcome has these)."""

    level: LevelDecision
    necessity: Necessity
    flags: list[Flag]


@dataclass
class FeatureRow:
    """One PCR's features: numeric values by name, the evidence behind each, and the narrative."""

    values: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    text: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # messages that depend on this PCR (flags)

    def add(self, name: str, value: float = 1.0, evidence: list[Evidence] | None = None) -> None:
        """Set a feature (a repeated indicator stays 1: mentioning a finding twice is not twice the
        evidence) and collect the evidence behind it."""
        self.values[name] = max(self.values.get(name, 0.0), value)
        if evidence:
            self.evidence.setdefault(name, []).extend(evidence)


def _field(path: str, value: object) -> Evidence:
    return Evidence(text=str(value), source=f"field:{path}")


def _spans(findings: list[Finding]) -> list[Evidence]:
    return [e for f in findings for e in f.evidence]


def _status_group(status: str) -> str:
    return SCHEMA["finding_status_groups"].get(status, "other")


# ---------------------------------------------------------------- structured feature families


def _levels(row: FeatureRow, pcr: PCR, level: LevelDecision) -> None:
    mode = pcr.response_mode or "unknown"
    row.add(f"response={mode}", evidence=[_field("response_mode", mode)] if pcr.response_mode else None)
    claimed, supported = pcr.claimed_level, level.label
    claimed_ev = [_field("claimed_level", claimed)] if claimed else None
    row.add(f"claimed={claimed or 'unknown'}", evidence=claimed_ev)
    row.add(f"supported={supported}", evidence=level.evidence)
    if claimed in LEVEL_RANK and supported in LEVEL_RANK:
        gap = LEVEL_RANK[claimed] - LEVEL_RANK[supported]
        evidence = (claimed_ev or []) + level.evidence
        if gap > 0:
            row.add("claimed_above_supported", evidence=evidence)
            row.add("claimed_above_supported_by", min(gap, 3) / 3)
        elif gap < 0:
            row.add("claimed_below_supported", evidence=evidence)
        else:
            row.add("claimed_equals_supported", evidence=evidence)


def _crew(row: FeatureRow, pcr: PCR) -> None:
    roles = {m.role for m in pcr.crew}
    evidence = [_field(f"crew[{i}].role", m.role) for i, m in enumerate(pcr.crew)]
    if not roles:
        row.add("crew=unknown")
    elif roles & SCT_ROLES:
        row.add("crew=specialty", evidence=evidence)
    elif roles & ALS_ROLES:
        row.add("crew=als", evidence=evidence)
    else:
        row.add("crew=bls_only", evidence=evidence)
    row.add(f"unit_level={pcr.unit_level or 'unknown'}")


def _necessity(row: FeatureRow, necessity: Necessity, findings: list[Finding]) -> None:
    if necessity.documented:
        row.add("necessity_documented", evidence=necessity.evidence)
    else:
        row.add("necessity_not_documented")
    for basis in necessity.basis:
        row.add(f"necessity_basis={basis}", evidence=necessity.evidence)
    beds = necessity.bed_confinement
    affirmed = 0
    for prong in PRONGS:
        state = getattr(beds, prong)
        spans = _spans([f for f in findings if f.kind == "bed_confinement" and f.concept == prong
                        and f.status == "present"])
        if state is True:
            affirmed += 1
            row.add(f"prong_affirmed={prong}", evidence=spans)
        elif state is False:
            row.add(f"prong_contradicted={prong}", evidence=spans + _spans(
                [f for f in findings if f.kind == "bed_confinement" and f.concept in ("ambulatory", "sitting_tolerated")
                 and f.status == "present"]))
    if affirmed:
        row.add("prongs_affirmed", affirmed / 3)
    if beds.met:
        row.add("bed_confinement_met")


def _flags(row: FeatureRow, flags: list[Flag]) -> None:
    for flag in flags:
        row.add(f"flag={flag.id}", evidence=flag.evidence)
        row.notes[f"flag={flag.id}"] = f"Flag {flag.id}: {flag.message}"


def _findings(row: FeatureRow, findings: list[Finding]) -> None:
    for f in findings:
        if f.kind in ("mileage", "signature", "medication"):
            continue
        if f.kind == "vital":
            if f.status == "present" and f.attributes.get("abnormal"):
                row.add(f"vital_abnormal={f.concept}", evidence=f.evidence)
            continue
        row.add(f"finding={f.kind}:{f.concept}:{_status_group(f.status)}", evidence=f.evidence)
        if f.kind == "intervention":
            row.add(f"intervention_class={f.attributes.get('class', 'unknown')}:{_status_group(f.status)}",
                    evidence=f.evidence)
    _medications(row, [f for f in findings if f.kind == "medication"])
    vitals = [f for f in findings if f.kind == "vital" and f.status == "present"]
    abnormal = [f for f in vitals if f.attributes.get("abnormal")]
    row.add("vitals_documented", math.log1p(len(vitals)))
    if abnormal:
        row.add("vitals_abnormal", math.log1p(len(abnormal)), evidence=_spans(abnormal))


def _medications(row: FeatureRow, medications: list[Finding]) -> None:
    for f in medications:
        group = _status_group(f.status)
        if group != "present":
            row.add(f"medication_not_given={f.status}", evidence=f.evidence)
            continue
        kind = "crystalloid" if f.attributes.get("crystalloid") else "drug"
        route = "iv" if f.attributes.get("route") in IV_ROUTES else "other"
        row.add(f"medication={kind}:{route}", evidence=f.evidence)


def _pcs(row: FeatureRow, pcr: PCR) -> None:
    trip = f"{pcr.dispatch_reason or ''} {pcr.type_of_service or ''}".lower()
    dialysis = any(p and p.type and p.type.startswith("dialysis") for p in (pcr.origin, pcr.destination))
    # a PCS is needed for scheduled non-emergency trips only ("bleeding dialysis shunt" on a 911 call is not one)
    repetitive = pcr.response_mode != "emergency" and (dialysis or any(w in trip for w in REPETITIVE_WORDS))
    if repetitive:
        row.add("repetitive_trip", evidence=[_field("dispatch_reason", pcr.dispatch_reason)] if pcr.dispatch_reason else None)
    pcs = pcr.pcs
    if pcs is None or not pcs.on_file:
        row.add("pcs=none", evidence=[_field("pcs.on_file", False)] if pcs else None)
        if pcr.response_mode == "emergency":
            row.notes["pcs=none"] = "No PCS on file (an emergency response needs none)"
        if repetitive:
            row.add("repetitive_trip_without_pcs")
        return
    row.add("pcs=on_file", evidence=[_field("pcs.on_file", True)])
    if pcs.signed_date and pcr.service_date:
        age = (pcr.service_date - pcs.signed_date).days
        evidence = [_field("pcs.signed_date", pcs.signed_date), _field("service_date", pcr.service_date)]
        if age > 60 or age < 0:
            row.add("pcs_older_than_60_days", evidence=evidence)
            if repetitive:
                row.add("repetitive_trip_with_stale_pcs", evidence=evidence)


def _places(row: FeatureRow, pcr: PCR) -> None:
    for end, place in (("origin", pcr.origin), ("destination", pcr.destination)):
        kind = place.type if place and place.type else "unknown"
        row.add(f"{end}={kind}", evidence=[_field(f"{end}.type", kind)] if place and place.type else None)


def _structured_care(row: FeatureRow, pcr: PCR) -> None:
    iv = []
    for i, med in enumerate(pcr.medications):
        where = [_field(f"medications[{i}]", med.name)]
        if med.prior_to_arrival or med.by_other_unit:
            row.add("structured_medication_by_others", evidence=where)
        elif med.given and (med.route or "").upper() in {"IV", "IVP", "IO"}:
            iv.extend(where)
    if iv:  # ALS2 counts administrations: one, two, three or more
        row.add("structured_iv_medications", min(len(iv), 3) / 3, evidence=iv)
    for i, proc in enumerate(pcr.procedures):
        where = [_field(f"procedures[{i}]", proc.name)]
        if proc.prior_to_arrival or proc.by_other_unit:
            row.add("structured_procedure_by_others", evidence=where)
        elif proc.successful is False or not proc.performed:
            row.add("structured_procedure_unsuccessful", evidence=where)


def extract(pcr: PCR, findings: list[Finding], decisions: Decisions) -> FeatureRow:
    """The features of one PCR (structured values with their evidence, plus the narrative)."""
    row = FeatureRow(text=pcr.narrative)
    _levels(row, pcr, decisions.level)
    _crew(row, pcr)
    _necessity(row, decisions.necessity, findings)
    _flags(row, decisions.flags)
    _findings(row, findings)
    _pcs(row, pcr)
    _places(row, pcr)
    _structured_care(row, pcr)
    return row


def row_values(rows: list[FeatureRow]) -> list[dict[str, float]]:
    """Structured part of each row (a module function so fitted pipelines pickle by reference)."""
    return [row.values for row in rows]


def row_texts(rows: list[FeatureRow]) -> list[str]:
    """Narrative of each row, for the n-gram vectoriser."""
    return [row.text for row in rows]
