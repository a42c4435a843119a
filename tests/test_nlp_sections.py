"""Section headers (SOAP, CHART, DCHARTE, CC/HPI/PMH ...): categories on findings, and the status a
section gives the findings it introduces."""
import json

import pytest
import spacy

from emscoder.errors import RuleFileError
from emscoder.nlp import rules, sections
from emscoder.nlp.findings import extract_findings
from emscoder.nlp.rules import section_rules


def by_text(text):
    return {f.evidence[0].text: f for f in extract_findings(text)}


def sectionizer():
    _version, categories, section_rule_list = section_rules()
    return sections.Sectionizer(categories, section_rule_list)


@pytest.mark.parametrize("text, expected", [
    ("C: chest pain\nH: onset 1 hr\nA: A&Ox4\nR: ASA\nT: to ED",
     ["chief_complaint", "hpi", "assessment", "treatment", "transport"]),
    ("S: c/o SOB\nO: wheezing\nA: asthma\nP: neb", ["hpi", "assessment", "assessment", "treatment"]),
    ("D: sick person\nC: weakness\nH: 2 days\nA: pale\nR: O2\nT: BLS\nE: none",
     ["dispatch", "chief_complaint", "hpi", "assessment", "treatment", "transport", "exceptions"]),
    ("Arrived 1402. PMH: CHF. Home meds: lasix. FHx: CAD.",
     ["past_medical_history", "home_medications", "family_history"]),
    ("- Sending facility tx:\n- Hx per wife: CHF", ["prior_to_arrival", "hpi"]),
])
def test_headers_name_their_sections(text, expected):
    assert [s.category for s in sectionizer().sections(text)] == expected


@pytest.mark.parametrize("text", [
    "Pt found at 14:30 on floor.",  # a time
    "pt states: I fell",  # not a header rule
    "given 1 mg. a: not a header",  # a lower-case letter mid-text
    "Vitals stable. A: mid-line letters are not SOAP headers",
])
def test_text_that_is_not_a_known_header(text):
    assert sectionizer().sections(text) == ()


def test_section_category_is_on_each_finding():
    findings = by_text("CC: chest pain\nA: BP 88/50, diaphoretic\nR: ASA 324 mg PO")
    assert findings["chest pain"].attributes["section"] == "chief_complaint"
    assert findings["BP 88/50"].attributes["section"] == "assessment"
    assert findings["ASA"].attributes["section"] == "treatment"


def test_history_header_covers_its_sentence_only():
    findings = by_text("PMH: CHF, seizures. Pt c/o SOB, then seizure in the ambulance.")
    assert findings["seizures"].status == "historical"
    assert findings["seizures"].triggers[0].text.startswith("PMH")
    assert findings["SOB"].status == "present"
    assert findings["seizure"].status == "present"


def test_lone_header_covers_the_lines_below_up_to_the_next_header():
    text = ("Sending facility tx:\n - ASA 324 mg PO\n - 18g L AC\n - IV attempted R hand unsuccessful\n"
            "Our tx:\n - NTG 0.4 mg SL\n")
    findings = extract_findings(text)
    status = {(f.concept, f.evidence[0].text): f.status for f in findings}
    assert status["aspirin", "ASA"] == "prior_to_arrival"
    assert status["iv_access", "18g L AC"] == "prior_to_arrival"
    assert status["iv_access", "IV"] == "attempted_unsuccessful"  # a ConText modifier outranks the section
    assert status["nitroglycerin", "NTG"] == "present"


def test_any_line_header_ends_a_lone_header_block():
    findings = by_text("Sending facility tx:\n - ASA 324 mg PO\nStuff we did:\n - 18g IV L AC")
    assert findings["ASA"].status == "prior_to_arrival"
    assert findings["18g IV L AC"].status == "present"


def test_a_blank_line_ends_a_lone_header_block():
    findings = by_text("PTA:\nFamily gave ASA 81 mg.\n\nWe placed an 18g IV L AC.")
    assert findings["18g IV L AC"].status == "present"


def test_before_arrival_header_at_a_line_start_covers_its_line():
    text = ("Sending facility tx: diltiazem 20 mg IVP; heparin bolus. 20g R FA in place.\n"
            "Our tx: 18g IV L AC. Arrived 1402. PMH: CHF. Seizure en route.")
    findings = by_text(text)
    assert findings["heparin"].status == "prior_to_arrival"  # past a semicolon
    assert findings["20g R FA"].status == "prior_to_arrival"  # past a full stop, on the header's line
    assert findings["18g IV L AC"].status == "present"  # the next line
    assert findings["Seizure"].status == "present"  # a history header still covers its sentence only


def test_before_arrival_header_overrides_another_unit_but_not_our_own_modifiers():
    findings = by_text("PTA: Mom gave Narcan 4 mg IN. Engine 31 arrived and bagged w/ BVM. IV attempted x2 failed.\n"
                       "Our arrival: Engine 31 assisting, we placed an 18g IV L AC.")
    assert findings["bagged w/ BVM"].status == "prior_to_arrival"  # another unit, before we arrived
    assert by_text("Engine 31 arrived and bagged w/ BVM.")["bagged w/ BVM"].status == "other_provider"
    assert findings["IV"].status == "attempted_unsuccessful"  # not overridden
    assert findings["18g IV L AC"].status == "present"


def test_family_history_header_and_medications_given_header():
    findings = by_text("FHx: stroke (mother).\nMeds given: ondansetron 4 mg IV.")
    assert findings["stroke"].status == "family"
    assert findings["ondansetron"].status == "present"


def test_sectionizer_is_a_spacy_factory():
    nlp = spacy.blank("en")
    nlp.add_pipe("ems_sectionizer")
    doc = nlp("CC: fall\nPMH: HTN")
    assert [(span.text, span.label_) for span in doc.spans[sections.TITLE_SPAN_GROUP]] == [
        ("CC", "chief_complaint"), ("PMH", "past_medical_history")]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["section_rules"][0].update(colour=1), "unknown key(s) ['colour']"),
    (lambda d: d["section_rules"][0].update(category="gossip"), "unknown category 'gossip'"),
    (lambda d: d["section_categories"]["family_history"].update(status="MAYBE"), "unknown status 'MAYBE'"),
    (lambda d: d["section_categories"]["family_history"].pop("allowed_types"), "go together"),
    (lambda d: d.update(context_rules=[]), "unknown keys ['context_rules']"),
    (lambda d: d["section_categories"]["prior_to_arrival"].update(reach="page"), "'reach' must be"),
    (lambda d: d["section_categories"]["prior_to_arrival"].update(overrides=["SOMETIMES"]), "'overrides' must"),
    (lambda d: d["section_categories"]["hpi"].update(overrides=["NEGATED"]), "'overrides' needs a 'status'"),
])
def test_section_file_is_validated_strictly(monkeypatch, change, message):
    data = json.loads(rules.resource_text(rules.SECTION_FILE))
    change(data)
    monkeypatch.setattr(rules, "resource_text", lambda relative: json.dumps(data))
    section_rules.cache_clear()
    try:
        with pytest.raises(RuleFileError) as info:
            section_rules()
    finally:
        monkeypatch.undo()
        section_rules.cache_clear()
    assert message in str(info.value) and "nlp/sections.json" in str(info.value)
