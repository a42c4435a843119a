"""The NLP stage: targets, EMS context statuses, medication attributes, and hostile narratives."""
import pytest

from emscoder.errors import RuleFileError
from emscoder.nlp.findings import extract_findings
from emscoder.nlp.pipeline import pipeline
from emscoder.nlp.rules import (CONTEXT_CATEGORIES, CONTEXT_KEYS, TARGET_CATEGORIES, TARGET_KEYS, _check,
                                 _check_target_metadata)


def found(text):
    return [(f.kind, f.concept, f.status, f.evidence[0].text) for f in extract_findings(text)]


@pytest.mark.parametrize("text, expected", [
    ("Pt denies CP.", ("distress", "chest_pain", "negated", "CP")),
    ("IV attempted x2 unsuccessful.", ("intervention", "iv_access", "attempted_unsuccessful", "IV")),
    ("Pt refused IV.", ("intervention", "iv_access", "refused", "IV")),
    ("Will pace if HR drops.", ("intervention", "pacing", "hypothetical", "pace")),
    ("Fire gave narcan PTA.", ("medication", "naloxone", "prior_to_arrival", "narcan")),
    ("Hx of seizures.", ("distress", "seizure", "historical", "seizures")),
    ("PICC in place.", ("intervention", "central_line", "historical", "PICC")),
    ("Family history of stroke.", ("distress", "stroke_signs", "family", "stroke")),
    ("Intubated with 7.5 ETT.", ("intervention", "intubation", "present", "Intubated")),
    ("Monitor asystole per E12; no shocks delivered by anyone.", ("intervention", "defibrillation", "negated", "shocks delivered")),
    ("E12 medic Dunleavy intubated pt at 0418.", ("intervention", "intubation", "other_provider", "intubated")),
    ("Ventilated via the existing ETT.", ("intervention", "intubation", "historical", "ETT")),
    ("Direct admit to 3 West for IV antibiotics.", ("intervention", "iv_access", "hypothetical", "IV")),
    ("1 unit LTOWB via warmer by our medic.", ("intervention", "blood_transfusion", "present", "1 unit LTOWB")),
    ("IABP 1:1 managed by perfusionist.", ("intervention", "iabp", "present", "IABP")),
    # wording the vocabulary had missed
    ("STEMI alert to Mercy cath lab from scene, transmitted 12L.", ("intervention", "ecg_12_lead", "present", "12L")),
    ("Pt refused I.V.", ("intervention", "iv_access", "refused", "I.V.")),  # one token in capitals, two in lower case
    ("Pt found up in w/c.", ("bed_confinement", "sitting_tolerated", "present", "up in w/c")),
    ("Amio 300 mg IO after 3rd shock.", ("intervention", "defibrillation", "present", "3rd shock")),
    ("Ofc. Banner applied a CAT to the R thigh.", ("intervention", "hemorrhage_control", "prior_to_arrival", "CAT")),
    ("Brother-in-law cinched a belt around L thigh.",
     ("intervention", "hemorrhage_control", "prior_to_arrival", "belt around L thigh")),
    ("Moved to our Hamilton T1, AC 450 x 18.", ("intervention", "ventilator_management", "present", "Hamilton T1")),
    ("ESRD on HD via L chest tunneled cath.", ("intervention", "central_line", "historical", "tunneled cath")),
    ("Medic 9 paramedic ran a heel-stick glucose.", ("intervention", "glucose_check", "other_provider", "heel-stick")),
    ("Hx PPH w/ 2 units blood.", ("intervention", "blood_transfusion", "historical", "2 units blood")),
    ("She would consider possibly intubating him.", ("intervention", "intubation", "hypothetical", "intubating")),
    ("TCP rate 70: no capture @ 60 mA, capture @ 85 mA.", ("intervention", "pacing", "present", "capture @ 85 mA")),
    ("After 12 min recheck glucose 74, pt more alert.", ("intervention", "glucose_check", "present", "recheck glucose 74")),
    ("Port R chest (not accessed).", ("intervention", "central_line", "historical", "Port")),
    ("FD first resp doing cpr on arrival.", ("intervention", "cpr", "prior_to_arrival", "cpr")),
    ("Cannot sit upright in w/c or chair.", ("bed_confinement", "sitting_tolerated", "negated", "in w/c")),
    ("Does not walk (hasn't ambulated in >1 yr).", ("bed_confinement", "cannot_ambulate", "present", "hasn't ambulated")),
    ("Cannot get OOB without a Hoyer lift.", ("bed_confinement", "cannot_get_up", "present", "Hoyer lift")),
    ("Hives and tongue swelling after peanuts.", ("condition", "allergic_reaction", "present", "Hives and tongue swelling")),
    ("Pain 9/10 in the R flank.", ("condition", "severe_pain", "present", "Pain 9/10")),
    ("Denies any head strike.", ("condition", "head_injury", "negated", "head strike")),
    ("Restrained driver in a side-impact collision.", ("condition", "accident_injury", "present", "side-impact collision")),
    # family history needs a relative who has/had the condition, not a relative who reports
    ("Sister has afib.", ("distress", "cardiac_dysrhythmia", "family", "afib")),
    ("Mother states pt is confused.", ("distress", "altered_mental_status", "present", "confused")),
    # other facilities' staff; this crew's credentials stay present
    ("Report called to dialysis RN.", ("crew", "rn", "other_provider", "dialysis RN")),
    ("Care to ED physician.", ("crew", "physician", "other_provider", "ED physician")),
    ("Engine 8 paramedic on scene.", ("crew", "paramedic", "other_provider", "Engine 8 paramedic")),
    ("ETI by Paramedic Ruiz.", ("crew", "paramedic", "present", "Paramedic")),
    # a representative who signs, a receiver of the handoff, an intercepting unit: not this crew
    ("Pt unable to sign d/t aphasia, charge RN T. Ellis signed.", ("crew", "rn", "other_provider", "charge RN")),
    ("Pt unable to sign; RN L. Marsh signed as facility rep.", ("crew", "rn", "other_provider", "RN")),
    ("Staff RN signed for pt.", ("crew", "rn", "other_provider", "Staff RN")),
    ("Care to ED attending MD Dr. Kim and RN.", ("crew", "rn", "other_provider", "RN")),
    ("Handoff to trauma surgeon Dr. Amari.", ("crew", "physician", "other_provider", "trauma surgeon Dr.")),
    ("Neuro RN took handoff.", ("crew", "rn", "other_provider", "Neuro RN")),
    ("Flight RN and flight medic took report.", ("crew", "paramedic", "other_provider", "flight medic")),
    ("Their paramedic gave epi 0.3 mg IM.", ("crew", "paramedic", "other_provider", "Their paramedic")),
    ("Engine 22 FF/EMT J. Collins witnessed.", ("crew", "emt", "other_provider", "Engine 22 FF/EMT")),
    ("Report to ED RN, crew: RN K. Oyelaran, RT P. Sung.", ("crew", "rn", "present", "RN")),
    ("Report to ED RN, crew: RN K. Oyelaran, RT P. Sung.", ("crew", "rt", "present", "RT")),
    # "held" a drug is not given; "held manual c-spine" is care
    ("Metoprolol held for HR 52.", ("medication", "metoprolol", "negated", "Metoprolol")),
    ("C-collar applied, held manual c-spine.", ("intervention", "spinal_motion_restriction", "present", "C-collar")),
    ("Staff RN signed for pt.", ("signature", "representative_signed", "present", "RN signed")),
    # prior to arrival: agents, facilities, "received", "PTA:" headers; not the crew's own actions
    ("Crew took over CPR.", ("intervention", "cpr", "present", "CPR")),
    ("Pt placed on NRB.", ("intervention", "oxygen", "present", "NRB")),
    ("Pt had a seizure in the ambulance.", ("distress", "seizure", "present", "seizure")),
    ("Seizure began 5 min before our arrival.", ("distress", "seizure", "present", "Seizure")),
    ("Morphine 4 mg IV given at 1300 by the floor RN.", ("medication", "morphine", "prior_to_arrival", "Morphine")),
    ("Pt received ASA 324 mg at the clinic.", ("medication", "aspirin", "prior_to_arrival", "ASA")),
    ("Used her albuterol inhaler 4 puffs.", ("medication", "albuterol", "prior_to_arrival", "albuterol")),
    ("PTA: Mom gave narcan 4 mg IN.", ("medication", "naloxone", "prior_to_arrival", "narcan")),
    ("Nurse who gave report says pt fell.", ("crew", "rn", "present", "Nurse")),
    # refusals: a REFUSAL target is itself present; "offered ... declined" is a refused treatment
    ("Pt refused transport.", ("refusal", "refused_transport", "present", "refused transport")),
    ("Neg LOC, refused eval.", ("refusal", "refused_care", "present", "refused eval")),
    ("IV offered, pt declined.", ("intervention", "iv_access", "refused", "IV")),
    # failed attempts are procedures; "no IV attempted" is not a failed attempt
    ("2 failed IV attempts.", ("intervention", "iv_access", "attempted_unsuccessful", "IV attempts")),
    ("No IV attempted.", ("intervention", "iv_access", "negated", "IV")),
    ("Risk of missed fracture explained.", ("distress", "fracture", "hypothetical", "fracture")),
    ("Missed keppra x2 days.", ("medication", "levetiracetam", "historical", "keppra")),
    # negations
    ("PCS not on file.", ("pcs", "pcs_missing", "present", "PCS not on file")),
    ("Ran out of metoprolol 3 days ago.", ("medication", "metoprolol", "negated", "metoprolol")),
    ("Off her meds (lithium) x 1 wk.", ("medication", "lithium", "negated", "lithium")),
    ("Denys CP.", ("distress", "chest_pain", "negated", "CP")),
    ("Labetalol not carried on unit.", ("medication", "labetalol", "negated", "Labetalol")),
    ("Fentanyl avoided d/t BP.", ("medication", "fentanyl", "negated", "Fentanyl")),
    ("Our crew did not remove the TQ.", ("intervention", "hemorrhage_control", "present", "TQ")),
    # plans: a negation inside a plan stays hypothetical
    ("Zofran 4 mg IV PRN nausea, not needed.", ("medication", "ondansetron", "hypothetical", "Zofran")),
    ("Consider RSI if mentation declines.", ("intervention", "intubation", "hypothetical", "RSI")),
    ("BVM at standby.", ("intervention", "bvm", "hypothetical", "BVM")),
    ("Ambulated to stretcher with standby assist.", ("bed_confinement", "ambulatory", "present", "Ambulated to stretcher")),
    ("Dopamine would be started by ED.", ("medication", "dopamine", "hypothetical", "Dopamine")),
    ("Explained risk of stroke.", ("distress", "stroke_signs", "hypothetical", "stroke")),
    # history: home devices, chronic meds, baseline; not ages or comparisons with baseline
    ("COPD on home O2 2 lpm.", ("intervention", "oxygen", "historical", "home O2 2 lpm")),
    ("Insulin pump on abdomen.", ("medication", "insulin", "historical", "Insulin pump")),
    ("On warfarin for afib.", ("distress", "cardiac_dysrhythmia", "historical", "afib")),
    ("62 year old male with chest pain.", ("distress", "chest_pain", "present", "chest pain")),
    ("More confused than baseline.", ("distress", "altered_mental_status", "present", "confused")),
    ("BP 90/60 on levophed.", ("medication", "norepinephrine", "present", "levophed")),
    ("Digoxin toxicity suspected.", ("medication", "digoxin", "historical", "Digoxin")),
    ("Home O2 3 lpm via NC.", ("intervention", "oxygen", "historical", "Home O2 3 lpm via NC")),
    # lines listed one after another are separate mentions; a failed line may be named by its site only
    ("18g L AC and 20g R FA placed.", ("intervention", "iv_access", "present", "20g R FA")),
    ("22g L hand after a failed attempt R AC.", ("intervention", "iv_access", "attempted_unsuccessful", "R AC")),
    ("20g L FA on 2nd try, first R hand blown.", ("intervention", "iv_access", "attempted_unsuccessful", "R hand")),
    ("Pt refused ASA and IV.", ("intervention", "iv_access", "refused", "IV")),
    ("Parents report no AED in the house.", ("intervention", "defibrillation", "negated", "AED")),
    ("ETCO2 monitored throughout.", ("intervention", "capnography", "present", "ETCO2 monitored")),
    ("Restrained passenger, airbags deployed.", ("condition", "accident_injury", "present", "Restrained passenger")),
    # the agent's verb may begin the target ("held pressure", "checked sugar")
    ("Husband held pressure on the wound.", ("intervention", "hemorrhage_control", "prior_to_arrival", "held pressure")),
    ("Neighbor checked sugar with her meter.", ("intervention", "glucose_check", "prior_to_arrival", "checked sugar")),
    ("OLMC Dr. Lee agreed with the plan.", ("crew", "physician", "other_provider", "Dr.")),
    ("Ondansetron 4 mg IV available if nausea returns.", ("medication", "ondansetron", "hypothetical", "Ondansetron")),
    # interfacility: care that came with the patient
    ("Intubated at the sending facility, 7.5 ETT.", ("intervention", "intubation", "prior_to_arrival", "Intubated")),
    ("Heparin 1000 units/hr and octreotide 50 mcg/hr drips running.",
     ("medication", "heparin", "prior_to_arrival", "Heparin")),
    ("Levophed 8 mcg/min infusing at handoff.", ("medication", "norepinephrine", "prior_to_arrival", "Levophed")),
    ("Engine 4 had given narcan 2 mg IN.", ("medication", "naloxone", "prior_to_arrival", "narcan")),
    ("Off-duty nurse doing CPR when we arrived.", ("intervention", "cpr", "prior_to_arrival", "CPR")),
    ("Versed 2.5 mg IN (0.1 mg/kg) drawn up to give if seizure recurs.",
     ("medication", "midazolam", "hypothetical", "Versed")),
    ("Atropine at bedside prn bradycardia.", ("medication", "atropine", "hypothetical", "Atropine")),
    ("Meds given: ondansetron 4 mg IV.", ("medication", "ondansetron", "present", "ondansetron")),
    # refusals written without "refused" / "declined"
    ("Pt wouldn't let us start an IV.", ("intervention", "iv_access", "refused", "IV")),
    ("She did not want the 12 lead stickers on.", ("intervention", "ecg_12_lead", "refused", "12 lead")),
    # plans, care before the squad arrived, care by the sending hospital, events in an earlier year
    ("Levophed premixed at bedside, to start if MAP <65.", ("medication", "norepinephrine", "hypothetical", "Levophed")),
    ("Neighbor gave her 2 Tylenol before squad arrived.", ("medication", "acetaminophen", "prior_to_arrival", "Tylenol")),
    ("Intubated 0230 by their ED doc.", ("intervention", "intubation", "prior_to_arrival", "Intubated")),
    ("He was intubated once before, in 2021, for a similar flare.",
     ("intervention", "intubation", "historical", "intubated")),
    # thresholds in a plan are vitals that were not measured
    ("Will repeat narcan if RR drops below 10 per protocol.", ("vital", "rr", "hypothetical", "RR drops below 10")),
    ("Pads on, will pace if HR <40.", ("vital", "hr", "hypothetical", "HR <40")),
    ("Push-dose epi if SBP falls under 80, not required.", ("vital", "bp", "hypothetical", "SBP falls under 80")),
    # another unit's verb: the unit's name reaches past the verb ("placed" alone ends scopes)
    ("Engine 8 paramedic established 16g IV R EJ while we applied traction.",
     ("intervention", "iv_access", "other_provider", "16g IV R EJ")),
    ("At the LZ the flight paramedic placed a 2nd IV.", ("intervention", "iv_access", "other_provider", "IV")),
    ("Engine 8 paramedic established 16g IV R EJ while we applied traction.",
     ("intervention", "traction_splint", "present", "applied traction")),
    # a decision not to give is a negation, not a plan; a failure inside a plan is not an attempt
    ("Push dose epi discussed w/ OLMC, not given.", ("medication", "epinephrine", "negated", "Push dose epi")),
    ("Traction splint considered, not applied d/t open fx.",
     ("intervention", "traction_splint", "negated", "Traction splint")),
    ("Dopamine drip primed as backup if capture lost.", ("medication", "dopamine", "hypothetical", "Dopamine")),
    ("Glucagon 1 mg drawn up in case we lost the line.", ("medication", "glucagon", "hypothetical", "Glucagon")),
    # a plan's verb that is itself a target stays a target the plan reaches
    ("Prepared to pace should HR drop below 50.", ("intervention", "pacing", "hypothetical", "pace")),
    ("Prepared to pace should HR drop below 50.", ("vital", "hr", "hypothetical", "HR drop below 50")),
    ("Titrate levo up to 10 mcg/min for SBP < 90.", ("vital", "bp", "hypothetical", "SBP < 90")),
    ("NS boluses to keep SBP above 90.", ("vital", "bp", "hypothetical", "SBP above 90")),
    # a threshold needs a comparison: a reading that prompted care was measured
    ("NS 500 mL bolus for SBP 82/50.", ("vital", "bp", "present", "SBP 82/50")),
    # a central line in place, or placed on a date, came with the patient
    ("R IJ triple lumen central line in place, L radial art line.",
     ("intervention", "central_line", "historical", "IJ triple lumen central line")),
    ("- R IJ triple lumen CVC, placed 11/3", ("intervention", "central_line", "historical", "IJ triple lumen CVC")),
])
def test_context_status_of_single_findings(text, expected):
    assert expected in found(text)


@pytest.mark.parametrize("text, concept", [
    ("Fentanyl 50 mcg IV x2 for pain.", "iv_access"),  # a route with a count, not two lines
    ("SpO2 94% on 2L.", "oxygen"),  # part of the SpO2 reading
    ("NS 30 mL/kg (~2 L) bolus.", "oxygen"),  # a fluid volume
    ("Lives at 12 Birchwood Dr for 10 yrs.", "physician"),  # a street
    ("Restrained driver, no LOC.", "physical_restraint"),  # a seat belt
    ("Pt 23 yoF driver, restrained, +airbag, self-extricated.", "physical_restraint"),
    ("CBG 31 mg/dL, Hgb 6.1 g/dL.", "intubation"),  # a lab unit, not direct laryngoscopy
    ("Vented chest seal applied to the entry wound.", "ventilator_management"),  # a valved dressing
    ("A: Pt pacing, yelling, pressured speech.", "pacing"),  # walking the floor
    ("Infant breathing in sync with the vent.", "cardioversion"),
    ("Her dialysis bag packed and her coat on.", "hemorrhage_control"),
    ("Splinted w/ long board splint to L leg.", "spinal_motion_restriction"),  # a splint made of a board
    ("Pt found at Burger King on King St. PCP Dr. King.", "supraglottic_airway"),
    ("Pt walking at a normal pace, keeps pace with PD.", "pacing"),
    ("Pt needed to vent about his wife.", "ventilator_management"),
    ("Dispatched to 44 Port Rd, then Port Huron Marina.", "central_line"),
    ("Epi drip per protocol if refractory. Monitored for biphasic rxn.", "cardiac_monitoring"),  # watching
    ("Fentanyl 25 mcg IVP PRN vent dyssynchrony. BVM along in case of vent failure.", "ventilator_management"),
    ("12-lead: anterior STEMI. Vent via BVM 10/min.", "ventilator_management"),  # ventilated by bag
    ("Oral glucose 15 g PO given.", "glucose_check"),
])
def test_words_that_are_not_the_concept(text, concept):
    assert concept not in [f[1] for f in found(text)]


def test_a_line_ending_in_a_colon_passes_its_modifiers_to_the_lines_below():
    text = ("Infusions running at handoff, all via the central line, started by ICU:\n"
            "  propofol 40 mcg/kg/min\n  fentanyl 100 mcg/hr\n\nWe gave ketamine 50 mg IV.\n"
            "Denies:\n - chest pain\n - SOB\nA: wheezing\n")
    status = {r[3]: r[2] for r in found(text)}
    assert status["propofol"] == "prior_to_arrival" and status["fentanyl"] == "prior_to_arrival"
    assert status["ketamine"] == "present"  # after the blank line
    assert status["chest pain"] == "negated" and status["SOB"] == "negated"
    assert status["wheezing"] == "present"  # the next header ends the block
    # a colon that ends a line without anything reaching it, or a line that goes on, passes nothing
    assert {r[3]: r[2] for r in found("No trauma. Tx en route:\n - fentanyl 50 mcg IV")}["fentanyl"] == "present"
    # a negation whose object comes before the colon does not reach the list
    assert {r[3]: r[2] for r in found("Pt denies CP, given the following en route:\n - fentanyl 50 mcg IV")}[
        "fentanyl"] == "present"


def test_negation_stops_at_the_sentence_end_after_an_abbreviation():
    result = found("Pt denies CP. IV 20g R hand, NS bolus.")
    assert ("intervention", "iv_access", "present", "IV 20g R hand") in result
    assert ("medication", "normal_saline", "present") in [r[:3] for r in result]


def test_iv_after_a_dose_is_a_route_not_an_access():
    findings = extract_findings("Epi 1mg IV x3 q3-5min. 18g IV L AC established.")
    ivs = [f for f in findings if f.concept == "iv_access"]
    assert [f.evidence[0].text for f in ivs] == ["18g IV L AC"] and ivs[0].evidence[0].start > 20
    epi = next(f for f in findings if f.concept == "epinephrine")
    assert epi.attributes == {"crystalloid": False, "dose": "1", "unit": "mg", "route": "IV",
                                   "administrations": 3, "given_by": "crew"}


@pytest.mark.parametrize("text", ["D10 250 mL (25 g) IV over 6 min.", "Epi 1 mg 1:10,000 IO q4 min x4."])
def test_a_route_after_a_dose_in_grams_or_a_concentration_is_not_an_access(text):
    assert not [f for f in extract_findings(text) if f.kind == "intervention"]


def test_capnography_named_twice_in_a_sentence_is_one_mention():
    findings = extract_findings("EtCO2 24 via nasal cannula capno. Later EtCO2 30.")
    capnography = [f.evidence[0].text for f in findings if f.concept == "capnography"]
    assert capnography == ["EtCO2 24 via nasal cannula capno", "EtCO2"]  # the next sentence is another reading
    assert "oxygen" not in {f.concept for f in findings}  # the cannula samples CO2


def test_medication_attributes_and_who_gave_it():
    findings = {f.concept: f for f in extract_findings("FD gave narcan 4 mg IN. NS 500 mL bolus.")}
    assert findings["naloxone"].attributes["given_by"] == "fire"
    assert findings["naloxone"].status == "prior_to_arrival"
    assert findings["naloxone"].triggers[0].text == "FD gave"
    assert findings["normal_saline"].attributes["crystalloid"] is True
    assert findings["normal_saline"].attributes["given_by"] == "crew"


def test_who_gave_it_is_not_claimed_for_planned_or_refused_drugs():
    findings = {f.concept: f for f in extract_findings("Pt refused ASA. Zofran 4 mg PRN nausea.")}
    assert findings["aspirin"].status == "refused" and "given_by" not in findings["aspirin"].attributes
    assert findings["ondansetron"].status == "hypothetical"
    assert "given_by" not in findings["ondansetron"].attributes


def test_evidence_offsets_point_into_the_narrative():
    text = "58 yo M. Aspirin 324 mg PO given. 12-lead shows STEMI."
    for finding in extract_findings(text):
        ev = finding.evidence[0]
        assert text[ev.start:ev.end] == ev.text
        assert finding.rule_id.startswith("TGT-")


@pytest.mark.parametrize("text", [
    "", "   \n\t ", "\x00\x01\x02 \ufffd\ufffd garbage \x7f" * 50, "Paciente con dolor torácico, se administra aspirina.",
    'Pt said "I can\'t breathe (( [ { and then "', "IV " * 5000,
])
def test_hostile_narratives_do_not_crash(text):
    findings = extract_findings(text)
    assert isinstance(findings, list)


def test_long_narrative_is_processed():
    text = "Pt c/o chest pain, ASA 324 mg PO given. " * 2500  # ~20k words
    findings = extract_findings(text)
    assert sum(f.concept == "aspirin" for f in findings) == 2500


def test_components_are_registered_spacy_factories():
    assert pipeline().pipe_names == ["ems_sentencizer", "ems_sectionizer", "ems_target_matcher", "ems_context"]


@pytest.mark.parametrize("rule, keys, categories, message", [
    ({"literal": "epi", "category": "MEDICATION", "metadata": {"id": "T-1", "concept": "e"}, "colour": 1},
     TARGET_KEYS, TARGET_CATEGORIES, "rule T-1 ('epi'): unknown key(s) ['colour']"),
    ({"literal": "epi", "category": "DRUG", "metadata": {"id": "T-2", "concept": "e"}},
     TARGET_KEYS, TARGET_CATEGORIES, "unknown category 'DRUG'"),
    ({"literal": "denies", "category": "NEGATED", "metadata": {}}, CONTEXT_KEYS, CONTEXT_CATEGORIES,
     "metadata lacks ['id']"),
])
def test_rule_files_are_validated_strictly(rule, keys, categories, message):
    with pytest.raises(RuleFileError) as info:
        _check("nlp/test.json", 0, rule, keys, categories, ("id",))
    assert message in str(info.value) and "nlp/test.json" in str(info.value)


@pytest.mark.parametrize("metadata, message", [
    ({"id": "T-3", "concept": "e", "defualt_status": "historical"}, "unknown metadata key(s) ['defualt_status']"),
    ({"id": "T-4", "concept": "e", "default_status": "past"}, "unknown default_status 'past'"),
])
def test_target_metadata_is_validated_strictly(metadata, message):
    rule = {"literal": "epi", "category": "MEDICATION", "metadata": metadata}
    with pytest.raises(RuleFileError) as info:
        _check_target_metadata(0, rule)
    assert message in str(info.value) and "nlp/targets.json" in str(info.value)


@pytest.mark.parametrize("narrative, concept, status", [
    ("Meds: Spiriva, Symbicort, sevelamer.", "tiotropium", "historical"),
    ("Takes Suboxone daily. Narcan 4 mg IN given, pt woke up.", "buprenorphine_naloxone", "historical"),
    ("TNK given at the sending facility, 1 hr PTA.", "tenecteplase", "prior_to_arrival"),
    ("Mom gave Valtoco 15 mg IN before our arrival.", "diazepam", "prior_to_arrival"),
    ("We gave 2 puffs of her ProAir.", "albuterol", "present"),
])
def test_home_and_brand_medications(narrative, concept, status):
    found = {f.concept: f.status for f in extract_findings(narrative) if f.kind == "medication"}
    assert found.get(concept) == status, found
