"""Hand-built coding results for the HTML report tests (synthetic data only).

`full_result()` has every part coded, findings of every status with trigger words, nested and
partly overlapping evidence spans, and field evidence; its level evidence sits far down a long
narrative so a browser must scroll to it. `hostile_result()` carries markup and script in the id,
the narrative, the structured fields and the rule texts.
"""
from __future__ import annotations

from emscoder.model import (
    PCR, BedConfinement, Claim, ClaimLine, CodingResult, Diagnosis, Evidence, Finding, Flag,
    LevelDecision, MileageDecision, Modifiers, Necessity, Reason, Sufficiency, Versions,
)

FILLER = "".join(f"Reassessed at {14 + i // 60:02d}{i % 60:02d}, pt resting, no change.\n" for i in range(45))
NARRATIVE = (
    "Dispatched emergent to residence for chest pain. Pt denies SOB.\n"
    "IV access 20g L AC established. IV attempted x2 unsuccessful R hand.\n"
    "NTG 0.4 mg SL. Pt refused ASA. Fire gave narcan PTA. Hx of MI.\n"
    + FILLER +
    "Pt went into VF. Epi 1mg IV push x3. Intubated with 7.5 ETT, placement confirmed.\n"
    "Transported 8.7 loaded mi. Pt unable to sign; crew signed."
)


def ev(text: str, nth: int = 0, narrative: str = NARRATIVE) -> Evidence:
    """Narrative evidence for the `nth` occurrence of `text`."""
    start = -1
    for _ in range(nth + 1):
        start = narrative.index(text, start + 1)
    return Evidence(start=start, end=start + len(text), text=text)


def field(path: str, text: str = "") -> Evidence:
    return Evidence(text=text, source=f"field:{path}")


def finding(kind, concept, status, evidence, triggers=(), **attributes) -> Finding:
    return Finding(kind=kind, concept=concept, status=status, evidence=list(evidence),
                   triggers=list(triggers), attributes=attributes, rule_id=f"TGT-{concept.upper()}")


def full_findings() -> list[Finding]:
    return [
        finding("distress", "chest_pain", "present", [ev("chest pain")]),                        # f0
        finding("distress", "respiratory_distress", "negated", [ev("SOB")], [ev("denies")]),     # f1
        finding("intervention", "iv_access", "present", [ev("IV access 20g L AC")], **{"class": "ALS"}),
        finding("intervention", "iv_access", "present", [ev("IV")]),                             # f3 nested in f2
        finding("intervention", "iv_access", "attempted_unsuccessful", [ev("IV", 1)],
                [ev("attempted x2 unsuccessful")]),                                              # f4
        finding("medication", "nitroglycerin", "present", [ev("NTG")], route="SL", dose="0.4"),  # f5
        finding("medication", "aspirin", "refused", [ev("ASA")], [ev("refused")]),               # f6
        finding("medication", "naloxone", "prior_to_arrival", [ev("narcan")], [ev("Fire gave")]),
        finding("distress", "cardiac_distress", "historical", [ev("MI")], [ev("Hx of")]),        # f8
        finding("medication", "epinephrine", "present", [ev("Epi 1mg IV push x3")], administrations=3),
        finding("intervention", "intubation", "present", [ev("Intubated")]),                     # f10
        finding("mileage", "loaded_miles", "present", [ev("8.7 loaded mi")]),                    # f11
        finding("signature", "crew_signed", "present", [ev("crew signed")]),                     # f12
        finding("novel kind", "something_new", "present", [ev("placement confirmed")]),          # f13 other
        finding("vital", "site", "present", [ev("L AC established")]),                           # f14 partial overlap
        finding("crew", "paramedic", "present", [field("crew[0].role", "Paramedic")]),           # f15 field only
    ]


def full_pcr(**overrides) -> PCR:
    data = dict(
        id="FULL-001", narrative=NARRATIVE, service_date="2025-06-21", response_mode="emergency",
        dispatch_reason="Chest pain", unit_level="ALS", crew=[{"role": "Paramedic"}, {"role": "EMT"}],
        origin={"type": "residence", "zip": "54915"}, destination={"type": "hospital", "name": "Harlow General"},
        odometer={"at_scene": 1000.0, "at_destination": 1008.7}, transported=True, payer="Medicare",
        medications=[{"name": "epinephrine", "route": "IV", "dose": 1, "unit": "mg"}])
    data.update(overrides)
    return PCR.model_validate(data)


def full_result(**pcr_overrides) -> CodingResult:
    """A result with every part coded (what the finished pipeline will produce)."""
    pcr = full_pcr(**pcr_overrides)
    return CodingResult(
        id=pcr.id, versions=Versions(emscoder="0.1.0", rules="test-rules 1", model="suff-test 1"),
        stages=["findings", "level", "mileage", "modifiers", "diagnoses", "necessity", "flags",
                "sufficiency", "claim"],
        level=LevelDecision(
            hcpcs="A0433", label="ALS2", emergency=True, rule_id="LVL-ALS2-MEDS-01",
            rationale="Three IV pushes of a non-crystalloid drug and an intubation.",
            source="Medicare Benefit Policy Manual ch. 10 §30.1.1",
            evidence=[ev("Epi 1mg IV push x3"), ev("Intubated with 7.5 ETT"), field("medications[0]")],
            not_higher_because=["SCT needs care beyond paramedic scope; none documented."]),
        mileage=MileageDecision(hcpcs="A0425", units=8.7, loaded_miles_raw=8.7, rule_id="MIL-ODO-01",
                                rationale="Odometer destination minus scene.", source="42 CFR 414.610",
                                evidence=[ev("8.7 loaded mi"), field("odometer")]),
        modifiers=Modifiers(origin_destination="RH", other=["QM"], rule_ids=["MOD-OD-01"],
                            evidence=[field("origin.type"), field("destination.type")]),
        diagnoses=[
            Diagnosis(code="I25.2", description="Old myocardial infarction", role="secondary",
                      rule_id="DX-HX-01", evidence=[ev("Hx of MI")]),
            Diagnosis(code="R07.9", description="Chest pain, unspecified", role="primary", rule_id="DX-SYM-01",
                      rationale="Chief complaint.", source="ICD-10-CM guidelines I.B.4",
                      evidence=[ev("for chest pain. Pt denies")]),                    # partly overlaps f0 and f1
        ],
        necessity=Necessity(documented=True, basis=["cardiac_distress"], rule_id="NEC-01",
                            bed_confinement=BedConfinement(cannot_get_up=False, met=False),
                            evidence=[ev("Pt went into VF")]),
        flags=[
            Flag(id="possible_undercoding", severity="info", message="Claimed ALS1, documentation supports ALS2.",
                 rule_id="CMP-UNDER-01", evidence=[ev("Epi 1mg IV push x3")]),
            Flag(id="missing_destination_zip", severity="warning", message="Destination ZIP is missing.",
                 rule_id="CMP-ZIP-02", evidence=[field("destination.zip")]),
            Flag(id="narrative_structured_conflict", severity="error", message="Crew level differs.",
                 rule_id="CMP-CONFLICT-01", evidence=[field("unit_level")]),
        ],
        findings=full_findings(),
        sufficiency=Sufficiency(score=0.83, label="sufficient", model="suff-test 1", reasons=[
            Reason(feature="als2_iv_pushes", weight=0.42, message="Three IV pushes documented.",
                   evidence=[ev("Epi 1mg IV push x3")]),
            Reason(feature="no_patient_signature", weight=-0.11, message="Crew signed for the patient."),
        ]),
        claim=Claim(lines=[ClaimLine(hcpcs="A0433", modifiers=["RH"], units=1, diagnosis_pointers=[1, 2]),
                           ClaimLine(hcpcs="A0425", modifiers=["RH"], units=8.7, diagnosis_pointers=[1])],
                    diagnosis_codes=["R07.9", "I25.2"]),
        pcr=pcr)


HOSTILE_ID = '<script>window.__pwned=9</script>/../../etc/passwd'
HOSTILE_NARRATIVE = (
    'Pt found down. <script>window.__pwned = 1; document.title = "pwned";</script> '
    '<img src=x onerror="window.__pwned = 2"> </textarea><script>window.__pwned = 3</script> '
    'See <a href="javascript:window.__pwned=4">click</a> javascript:window.__pwned=5 '
    '"><svg onload="window.__pwned=6"> IV established. --></style><!-- & &amp; \u2028 end'
)
HOSTILE_FIELD = '</textarea><img src=x onerror="window.__pwned=7"><script>window.__pwned=8</script>'


def hostile_result() -> CodingResult:
    """Markup and script everywhere a record can carry text; all of it must show as text."""
    pcr = PCR(id=HOSTILE_ID, narrative=HOSTILE_NARRATIVE, dispatch_reason=HOSTILE_FIELD,
              destination={"type": "hospital", "name": HOSTILE_FIELD}, payer="javascript:alert(1)")
    hostile_ev = ev("<img src=x onerror=\"window.__pwned = 2\">", narrative=HOSTILE_NARRATIVE)
    iv = ev("IV", narrative=HOSTILE_NARRATIVE)
    return CodingResult(
        id=HOSTILE_ID, versions=Versions(emscoder="0.1.0"), stages=["findings", "level"],
        level=LevelDecision(hcpcs="<b>A0429</b>", label=HOSTILE_FIELD, emergency=True, rule_id=HOSTILE_FIELD,
                            rationale=HOSTILE_FIELD, source="javascript:alert(1)", evidence=[iv, hostile_ev],
                            not_higher_because=[HOSTILE_FIELD]),
        flags=[Flag(id=HOSTILE_FIELD, severity="error", message=HOSTILE_FIELD, evidence=[field("dispatch_reason")])],
        findings=[
            finding("intervention", "iv_access", "present", [iv]),
            finding("<script>", HOSTILE_FIELD, "negated", [hostile_ev], [ev("<script>", narrative=HOSTILE_NARRATIVE)],
                    note=HOSTILE_FIELD),
        ],
        pcr=pcr)


def findings_only_result() -> CodingResult:
    """What `emscoder code` produces today: findings filled, every coding part missing."""
    pcr = full_pcr(id="FINDINGS-ONLY")
    return CodingResult(id=pcr.id, versions=Versions(emscoder="0.1.0"), stages=["findings"],
                        findings=full_findings(), pcr=pcr)
