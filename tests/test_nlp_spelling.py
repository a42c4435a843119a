"""Misspelled generic drug names match their drug, with the spelling they were read as."""
import pytest

from emscoder.errors import RuleFileError
from emscoder.nlp import rules
from emscoder.nlp.findings import extract_findings
from emscoder.nlp.spelling import SpellingVariants, one_edit_apart


@pytest.mark.parametrize("a, b, expected", [
    ("prednizone", "prednisone", True),   # substitution
    ("ibuprofn", "ibuprofen", True),      # deletion
    ("albbuterol", "albuterol", True),    # insertion
    ("amiodraone", "amiodarone", True),   # neighbour swap
    ("amiodarone", "amiodarone", False),  # the same word is not a misspelling
    ("amoidraone", "amiodarone", False),  # two edits
])
def test_one_edit_apart(a, b, expected):
    assert one_edit_apart(a, b) is expected
    assert one_edit_apart(b, a) is expected


def medications(narrative):
    return [(f.concept, f.evidence[0].text, f.attributes.get("misspelling_of"))
            for f in extract_findings(narrative) if f.kind == "medication"]


def test_a_misspelled_generic_name_is_found_and_says_so():
    found = medications("Home meds: lisinipril, prednizone. Gave amiodraone 150 mg IV.")
    assert ("lisinopril", "lisinipril", "lisinopril") in found
    assert ("prednisone", "prednizone", "prednisone") in found
    assert ("amiodarone", "amiodraone", "amiodarone") in found


def test_correct_spellings_carry_no_misspelling_mark():
    assert medications("Amiodarone 150 mg IV.") == [("amiodarone", "Amiodarone", None)]


@pytest.mark.parametrize("narrative", [
    "Pt aspiring to walk again, morphing into a new program.",  # real words near drug names
    "Pt has the ability to stand.",                             # near a brand name (Abilify): brands are not fuzzy
    "Gave amiodarone-like drug",                                # hyphenated compounds are left alone
])
def test_real_words_are_not_taken_for_drugs(narrative):
    assert [m for m in medications(narrative) if m[2]] == []


def test_a_word_near_two_drugs_is_left_alone():
    finder = SpellingVariants({"abcdefgh": (1, "x"), "abcdefgk": (2, "y")}, set(), 7, set())
    assert finder.find("abcdefgz") == []
    assert finder.find("abcdefgx abcdefh") == [(9, 16, "abcdefgh", 1)]


def test_spelling_settings_are_validated(monkeypatch):
    monkeypatch.setattr(rules, "resource_text", lambda _: '{"schema_version": 1, "target_rules": [], '
                        '"spelling_variants": {"categories": ["DRUGS"], "min_length": 7, "not_variants": []}}')
    rules.spelling_settings.cache_clear()
    try:
        with pytest.raises(RuleFileError, match="targets.json: spelling_variants: unknown categories"):
            rules.spelling_settings()
    finally:
        rules.spelling_settings.cache_clear()
