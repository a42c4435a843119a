"""scripts/generate_corpus.py: determinism, schema validity and coverage of the labelled synthetic corpus."""
from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from emscoder.model import PCR

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "generate_corpus.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def phrases() -> dict:
    return gen.load_phrases()


@pytest.fixture(scope="module")
def corpus(phrases) -> list[dict]:
    return [rec for rec, _ in gen.generate(400, 7, phrases)]


def _run(tmp_path: Path, name: str, *args: str) -> bytes:
    out = tmp_path / name
    assert gen.main(["-o", str(out), *args]) == 0
    return out.read_bytes()


def test_same_seed_and_n_give_byte_identical_files(tmp_path):
    first = _run(tmp_path, "a.jsonl", "--n", "60", "--seed", "3")
    assert first == _run(tmp_path, "b.jsonl", "--n", "60", "--seed", "3")
    assert first.count(b"\n") == 60


def test_different_seeds_differ(phrases):
    a = [rec for rec, _ in gen.generate(50, 7, phrases)]
    b = [rec for rec, _ in gen.generate(50, 8, phrases)]
    assert [r["narrative"] for r in a] != [r["narrative"] for r in b]
    assert len({r["narrative"] for r in a} & {r["narrative"] for r in b}) < 5


def test_records_are_a_prefix_of_longer_runs(phrases):
    short = [rec for rec, _ in gen.generate(20, 5, phrases)]
    assert short == [rec for rec, _ in gen.generate(40, 5, phrases)][:20]


def test_every_record_validates_against_the_strict_input_model(corpus):
    for rec in corpus:
        body = {k: v for k, v in rec.items() if k not in ("label", "reason")}
        pcr = PCR.model_validate(body)
        assert pcr.claimed_level is not None
        assert json.loads(json.dumps(rec)) == rec


def test_ids_follow_the_gen_seed_n_pattern(corpus):
    assert [r["id"] for r in corpus] == [f"gen-7-{i}" for i in range(1, 401)]


def test_labels_and_reasons_follow_the_label_definitions(corpus):
    for rec in corpus:
        assert rec["label"] in (0, 1)
        if rec["label"] == 1:
            assert rec["reason"] is None
        else:
            assert rec["reason"] in gen.REASONS


def test_every_reason_category_occurs_in_400_records(corpus):
    reasons = Counter(r["reason"] for r in corpus)
    assert set(gen.REASONS) <= set(reasons)
    share = sum(r["label"] for r in corpus) / len(corpus)
    assert 0.45 <= share <= 0.65


def test_no_narrative_is_empty_or_has_unfilled_placeholders(corpus):
    for rec in corpus:
        assert rec["narrative"].strip()
        assert not re.search(r"[{}]", rec["narrative"]), rec["id"]


def test_many_styles_and_levels_are_used(corpus):
    assert len({r["extra"]["synthetic_style"] for r in corpus}) >= 10
    assert {"BLS", "BLS-emergency", "ALS1", "ALS1-emergency", "ALS2", "SCT"} <= {r["claimed_level"] for r in corpus}


def test_scenario_declarations_are_consistent(phrases):
    """Every reason is a known category, every story slot names an existing bank, ICD roles fit the model."""
    special = {"disp", "sig", "pcs"}
    for name, scen in phrases["scenarios"].items():
        assert scen["reason"] in (None, *gen.REASONS) and (scen["label"] == 1) == (scen["reason"] is None), name
        for mode in scen["modes"]:
            assert len(mode) in (4, 6), name
            if len(mode) == 6:
                assert mode[5] in (None, *gen.REASONS) and (mode[4] == 1) == (mode[5] is None), name
        for variant in [scen, *scen.get("variants", [])]:
            for slot in variant.get("story", []):
                body = slot.split(":", 1)[1].strip("!?").partition("@")[0]
                for bank in body.split("|"):
                    assert bank in phrases["banks"] or bank in special, f"{name}: {bank}"


def test_pcs_date_matches_the_pcs_story(corpus):
    """Label-1 repetitive trips carry a PCS no older than 60 days; expired ones are older."""
    import datetime as dt
    for rec in corpus:
        pcs, date = rec.get("pcs"), rec.get("service_date")
        if pcs and pcs.get("signed_date") and date:
            age = (dt.date.fromisoformat(date) - dt.date.fromisoformat(pcs["signed_date"])).days
            assert age >= 0
            if rec["reason"] != "pcs_missing":
                assert age <= 60, rec["id"]


def test_stats_lists_every_label_reason_and_style(corpus, phrases):
    text = gen.stats_text(gen.generate(100, 2, phrases))
    for heading in ("per label:", "per reason:", "per style:", "per claimed_level:"):
        assert heading in text
