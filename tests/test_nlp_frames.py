"""Narrative frames: the sending side's account of its care, over several sentences, is before arrival."""
import json

import pytest

from emscoder.errors import RuleFileError
from emscoder.nlp import rules
from emscoder.nlp.findings import extract_findings
from emscoder.nlp.frames import at_sentence_start

SENDING_COURSE = (
    "Transfer of a 54 yo M with inferior STEMI to the cath lab. Per the sending physician, the patient arrived "
    "by private vehicle at 1412 with chest pain. Staff there gave aspirin 324 mg chewed and heparin 4000 units. "
    "They answered the low BP with a 500 mL saline bolus. He was intubated at 1340 by Dr. Carrow. "
    "When we arrived he was pale. We gave fentanyl 50 mcg IV.")


def statuses(narrative, kind=None):
    return {f.concept: f.status for f in extract_findings(narrative) if kind is None or f.kind == kind}


def test_the_sending_course_is_before_arrival_until_the_crew_arrives():
    found = statuses(SENDING_COURSE)
    assert found["heparin"] == "prior_to_arrival"          # two sentences after the opener
    assert found["normal_saline"] == "prior_to_arrival"    # three sentences after
    assert found["intubation"] == "prior_to_arrival"       # another provider, before arrival
    assert found["fentanyl"] == "present"                  # "When we arrived" ends the frame
    assert found["chest_pain"] == "present"                # findings about the patient keep their status


def test_the_frame_trigger_is_the_opener():
    saline = next(f for f in extract_findings(SENDING_COURSE) if f.concept == "normal_saline")
    assert [t.text for t in saline.triggers] == ["Per the sending physician,"]


def test_orders_from_the_sending_side_open_no_frame():
    found = statuses("Fentanyl 25 mcg IVP PRN vent dyssynchrony per sending MD. Zofran 4 mg IV given for nausea.")
    assert found["ondansetron"] == "present"


def test_a_blank_line_ends_the_frame():
    found = statuses("Per sending RN, pt got Zosyn at 0800.\n\nZofran 4 mg IV given en route.")
    assert found["piperacillin_tazobactam"] == "prior_to_arrival"
    assert found["ondansetron"] == "present"


UNKNOWN_KEY = {"id": "FRM-X", "pattern": "per sending", "status": "PRIOR_TO_ARRIVAL", "allowed_types": ["MEDICATION"],
               "reach": "paragraph"}
TOO_FAR = {"id": "FRM-X", "pattern": "wife gave", "status": "PRIOR_TO_ARRIVAL", "allowed_types": ["MEDICATION"],
           "max_sentences": 9}


@pytest.mark.parametrize("opener, message", [
    (UNKNOWN_KEY, r"nlp/frames.json: rule FRM-X.*unknown \['reach'\]"),
    (TOO_FAR, r"rule FRM-X: 'max_sentences' must be a whole number from 1 to the file's 6"),  # an opener may not reach further
])
def test_frames_file_is_validated_strictly(monkeypatch, opener, message):
    bad = {"schema_version": 1, "max_sentences": 6, "frame_rules": [opener], "frame_breaks": []}
    monkeypatch.setattr(rules, "resource_text", lambda _: json.dumps(bad))
    rules.frame_rules.cache_clear()
    try:
        with pytest.raises(RuleFileError, match=message):
            rules.frame_rules()
    finally:
        rules.frame_rules.cache_clear()


def test_a_frame_ends_at_the_crew_s_own_care_and_never_runs_on():
    narrative = ("Transfer to Catawba Ridge for ablation, a service not available at the sending facility. "
                 "On a diltiazem drip started by the sending hospital. About 25 minutes into the trip she became "
                 "diaphoretic. The paramedic performed synchronized cardioversion at 120 J.")
    assert statuses(narrative, "intervention")["cardioversion"] == "present"
    # "at the sending facility" opens a frame only as a sentence's first words
    assert statuses("Ablation is not available at the sending facility. Zofran 4 mg IV given.")["ondansetron"] == "present"
    assert statuses("At the sending facility pt got Zofran 4 mg IV.")["ondansetron"] == "prior_to_arrival"
    long_course = "Per sending RN, pt got Zosyn. " + "Pt resting. " * 6 + "Zofran 4 mg IV given."
    assert statuses(long_course)["ondansetron"] == "present"


def test_a_bystander_s_care_told_in_one_sentence_is_before_arrival():
    narrative = ("Restaurant mgr gave her 50 mg benadryl PO from the first aid kit, and a coworker "
                 "put her on the office O2. Epi 0.3 mg IM given. Ofc. Banner applied a TQ to the R thigh.")
    found = {(f.concept, f.evidence[0].text): f.status for f in extract_findings(narrative)}
    assert found["diphenhydramine", "benadryl"] == "prior_to_arrival"
    assert found["oxygen", "O2"] == "prior_to_arrival"          # same sentence, second actor
    assert found["epinephrine", "Epi"] == "present"               # next sentence: the crew's, unsaid
    assert found["hemorrhage_control", "TQ"] == "prior_to_arrival"


def test_a_lay_actor_frame_stops_at_the_crew_s_voice_and_at_reported_speech():
    assert statuses("Wife gave him 4 baby aspirin and I started an IV in the L AC.")["iv_access"] == "present"
    assert statuses("Husband had him chew aspirin before we got there.")["aspirin"] == "prior_to_arrival"
    # "The neighbor said he had ..." reports history, not an act by the neighbor
    found = statuses("The neighbor said he had heart failure, and there were pill bottles for digoxin on the counter.")
    assert found["digoxin"] != "prior_to_arrival"
    # "he started seizing" is the patient's course; the crew's Versed is present
    assert statuses("He started seizing again in the truck and I gave Versed 5 mg IV.")["midazolam"] == "present"


def test_other_responders_at_work_on_our_arrival_were_there_first():
    found = {f.evidence[0].text: f.status for f in
             extract_findings("On arrival: Engine 31 crew doing compressions, BVM w/ OPA.\nWe applied the LUCAS.")}
    assert found["compressions"] == "prior_to_arrival" and found["BVM"] == "prior_to_arrival"
    assert found["LUCAS"] == "present"
    assert statuses("PD had pt in handcuffs prone on arrival.")["physical_restraint"] == "prior_to_arrival"


def test_responders_who_got_there_first_did_their_care_before_arrival():
    narrative = ("Husband began compressions. Engine 14 beat us by ~4 min. Their FF-EMTs took over CPR, put their "
                 "AED on and placed an i-gel, ventilating w/ BVM. On arr pt pulseless. We placed an IO.")
    found = {f.evidence[0].text: f.status for f in extract_findings(narrative)}
    # "i-gel" is not the writer's "I": the frame runs on to the crew's arrival
    assert found["i-gel"] == "prior_to_arrival" and found["BVM"] == "prior_to_arrival"
    assert found["IO"] == "present"
    fire = statuses("FIRE CO 12 ARRIVED BEFORE US, PUT PT IN A C-COLLAR, HELD MANUAL C-SPINE AND HAD HIM ON NRB.")
    assert fire["spinal_motion_restriction"] == "prior_to_arrival" and fire["oxygen"] == "prior_to_arrival"
    # "On arr" is the crew's arrival too: what follows is the crew's own care
    police = statuses("PD on scene 1st, gave Narcan 4 mg IN. On arr resp 4/min. BVM w/ 15L O2.")
    assert police["naloxone"] == "prior_to_arrival" and police["bvm"] == "present"


@pytest.mark.parametrize("text, expected", [
    ("Wife gave aspirin.", True), ("BP 90/60. Wife gave aspirin.", True), ("BP 90/60.  Wife gave", True),
    ("- Wife gave aspirin", True), ("*Wife gave", True), ("HPI:\nWife gave", True),
    ("Per pt the Wife gave", False), ("pre-Wife gave", False), ("BP 90/60.Wife gave", False),
])
def test_sentence_start_openers_count_only_as_a_sentence_s_first_words(text, expected):
    assert at_sentence_start(text, text.index("Wife")) is expected
