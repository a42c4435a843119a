"""`emscoder train` / `evaluate` from the command line, and the shipped default model in `emscoder code`."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from emscoder import coder
from emscoder.cli import app
from emscoder.errors import ModelError
from emscoder.model import PCR
from emscoder.scoring import ngrams
from emscoder.scoring.features import extract
from emscoder.scoring.persist import trusted_models_dir
from scoring_helpers import REPO, small_model, write_corpus

runner = CliRunner()
METRIC_KEYS = {"auroc", "f1", "brier", "calibration", "confusion", "threshold", "n"}


def test_train_then_evaluate_writes_metrics(tmp_path):
    train_file = write_corpus(tmp_path / "train.jsonl", 60, 21)
    held_out = write_corpus(tmp_path / "held.jsonl", 30, 22)
    model = tmp_path / "m"
    result = runner.invoke(app, ["train", str(train_file), "-o", str(model), "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "cross-validated (3-fold)" in result.output and "AUROC" in result.output
    assert {p.name for p in model.iterdir()} == {"model.joblib", "meta.json", "card.md", "metrics.json"}

    refused = runner.invoke(app, ["evaluate", str(held_out), "--model", str(model)])
    assert refused.exit_code == 2 and "--trust-model" in refused.output

    result = runner.invoke(app, ["evaluate", str(held_out), "--model", str(model), "--trust-model"])
    assert result.exit_code == 0, result.output
    assert "held out: held.jsonl" in result.output and "calibration" in result.output
    metrics = json.loads((model / "metrics.json").read_text())
    assert METRIC_KEYS <= set(metrics["cross_validated"]) and METRIC_KEYS <= set(metrics["held_out"]["held.jsonl"])
    assert set(metrics["held_out"]["held.jsonl"]["confusion"]) == {"tp", "fp", "fn", "tn"}
    assert "held out: held.jsonl" in (model / "card.md").read_text()

    out = tmp_path / "elsewhere.json"
    result = runner.invoke(app, ["evaluate", str(held_out), "--model", str(model), "--trust-model",
                                 "--out", str(out), "--name", "mine"])
    assert result.exit_code == 0, result.output
    assert METRIC_KEYS <= set(json.loads(out.read_text())["held_out"]["mine"])


def test_a_corpus_line_without_label_is_a_clear_error(tmp_path):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text(json.dumps({"id": "x1", "narrative": "Pt ambulatory."}) + "\n")
    result = runner.invoke(app, ["train", str(corpus), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "bad.jsonl:1 [x1]: no `label` field" in result.output
    assert not (tmp_path / "m").exists()


def test_the_default_model_is_shipped_and_loads_without_trust():
    assert (trusted_models_dir() / "default" / "model.joblib").is_file()
    assert trusted_models_dir() == REPO / "models"
    coder.default_scorer.cache_clear()
    assert coder.default_scorer().name.startswith("default@")


def test_code_outputs_sufficiency_with_reasons_and_narrative_offsets(tmp_path):
    sample = REPO / "corpora" / "samples" / "json" / "demo-j02-dialysis-bedconfined.json"
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["code", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text().splitlines()[0])
    suff, narrative = record["sufficiency"], record["pcr"]["narrative"]
    assert record["stages"] == ["findings", "rules", "score"] and record["versions"]["model"] == suff["model"]
    assert 0 <= suff["score"] <= 1 and suff["label"] in ("sufficient", "insufficient") and suff["reasons"]
    spans = [e for r in suff["reasons"] for e in r["evidence"] if e["source"] == "narrative"]
    assert spans and all(narrative[e["start"]:e["end"]] == e["text"] for e in spans)
    assert all(r["message"] and r["feature"] for r in suff["reasons"])


def test_every_vocabulary_ngram_maps_back_to_its_words_in_the_narrative():
    scorer = coder.default_scorer()
    pcr = PCR(id="t1", narrative="Transported for eval per family request. Pt ambulatory, walked to stretcher. "
                                 "Denies CP/SOB. BP 128/76.", response_mode="non-emergency", claimed_level="BLS")
    row = extract(pcr, *coder.decide(pcr))
    parts = scorer.contributions(row)
    spans = ngrams.gram_spans(pcr.narrative, parts.tokens, set(parts.counts))
    assert parts.counts and set(spans) == set(parts.counts)
    for gram, where in spans.items():
        for start, end in where:
            assert " ".join(ngrams.words(pcr.narrative[start:end])) == gram
    result = scorer.score_row(row)
    for reason in result.reasons:
        for ev in reason.evidence:
            assert ev.source != "narrative" or pcr.narrative[ev.start:ev.end] == ev.text


def test_code_without_a_model_leaves_sufficiency_null(monkeypatch, tmp_path):
    monkeypatch.setattr("emscoder.scoring.persist.REPO_MODELS", tmp_path)  # no default model there
    coder.default_scorer.cache_clear()
    try:
        result = coder.code(PCR(id="n1", narrative="Pt c/o chest pain."))
        assert result.sufficiency is None and result.stages == ["findings", "rules"] and result.versions.model is None
    finally:
        coder.default_scorer.cache_clear()


def test_env_model_outside_models_needs_the_trust_variable(monkeypatch):
    monkeypatch.setenv(coder.MODEL_ENV, str(small_model()))
    coder.default_scorer.cache_clear()
    try:
        with pytest.raises(ModelError, match="trust"):
            coder.default_scorer()
        monkeypatch.setenv(coder.TRUST_ENV, "1")
        coder.default_scorer.cache_clear()
        assert coder.default_scorer().name.startswith("small@")
    finally:
        monkeypatch.delenv(coder.MODEL_ENV)
        coder.default_scorer.cache_clear()
