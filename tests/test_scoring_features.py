"""Classifier features: deterministic, a stable schema hash, n-grams that map back to the narrative."""
from __future__ import annotations

from emscoder.coder import decide
from emscoder.model import PCR
from emscoder.scoring import features, ngrams

# Changing the feature definitions changes this hash (old models are then refused): bump SCHEMA["version"],
# update the hash here and retrain models/default (python scripts/train_default_model.py).
SCHEMA_SHA256 = "ab2ac74cbd6e9a3f387b738fab6c6939db75649b4857283e0c5644ab2c054521"


def _pcr(**fields) -> PCR:
    base = {"id": "f1", "response_mode": "non-emergency", "claimed_level": "BLS",
            "narrative": "Pt bed confined, unable to get up from bed, unable to ambulate, cannot sit in w/c. "
                         "Unable to get up from bed w/o 2 assist. SpO2 88% RA. Transported to dialysis.",
            "destination": {"type": "dialysis_freestanding"}, "pcs": {"on_file": False}}
    return PCR.model_validate({**base, **fields})


def test_extract_is_deterministic_and_evidence_points_at_the_narrative():
    pcr = _pcr()
    findings, outcome = decide(pcr)
    first, second = features.extract(pcr, findings, outcome), features.extract(pcr, *decide(pcr))
    assert first.values == second.values and first.text == pcr.narrative
    for spans in first.evidence.values():
        for ev in spans:
            if ev.source == "narrative":
                assert pcr.narrative[ev.start:ev.end] == ev.text


def test_a_repeated_mention_is_one_indicator_not_a_count():
    pcr = _pcr()
    row = features.extract(pcr, *decide(pcr))
    assert row.values["finding=bed_confinement:cannot_get_up:present"] == 1.0
    assert len(row.evidence["finding=bed_confinement:cannot_get_up:present"]) >= 2  # every mention is evidence


def test_structured_fields_become_features():
    row = features.extract(_pcr(), *decide(_pcr()))
    assert {"response=non-emergency", "claimed=BLS", "pcs=none", "repetitive_trip", "repetitive_trip_without_pcs",
            "destination=dialysis_freestanding"} <= set(row.values)
    emergency = _pcr(response_mode="emergency")
    assert "repetitive_trip" not in features.extract(emergency, *decide(emergency)).values  # no PCS needed on 911


def test_schema_hash_is_stable():
    assert features.schema_hash() == SCHEMA_SHA256


def test_ngram_spans_point_at_the_words_they_name():
    text = "Pt c/o CP x2 days, A&Ox4. Denies SOB. CP worse w/ exertion."
    tokens = ngrams.words(text)
    assert tokens[:4] == ["pt", "c/o", "cp", "x0"] and "a&ox0" in tokens
    spans = ngrams.gram_spans(text, tokens, {"cp", "denies sob", "c/o cp x0"})
    assert [text[s:e] for s, e in spans["cp"]] == ["CP", "CP"]
    assert [text[s:e] for s, e in spans["denies sob"]] == ["Denies SOB"]
    assert [text[s:e] for s, e in spans["c/o cp x0"]] == ["c/o CP x2"]
    assert ngrams.all_grams("Bed confined") == ["bed", "confined", "bed confined"]


def test_spans_survive_text_whose_lower_case_changes_length():
    text = "İstanbul pt CP"  # 'İ'.lower() is two characters
    tokens = ngrams.words(text)
    spans = ngrams.gram_spans(text, tokens, {"cp"})
    assert [text[s:e] for s, e in spans["cp"]] == ["CP"]


def test_every_feature_family_has_a_human_message():
    from emscoder.scoring.explain import describe

    pcr = _pcr()
    row = features.extract(pcr, *decide(pcr))
    for name in row.values:
        message = describe(name, row)
        assert message and message != name and "=" not in message, (name, message)
    assert describe("ngram:unable to", row, (17, 26)) == 'Narrative wording "unable to"'
