"""Training is deterministic; model folders round-trip and refuse tampering, version and schema
mismatches, and untrusted locations; the compiled scorer equals the scikit-learn pipeline."""
from __future__ import annotations

import json
import shutil

import pytest

from emscoder.errors import CorpusError, ModelError
from emscoder.scoring import persist
from emscoder.scoring.corpus import load_corpus
from emscoder.scoring.persist import load_model
from emscoder.scoring.train import choose_threshold, featurize, train
from emscoder.scoring.workflow import train_model
from scoring_helpers import HANDWRITTEN, SMALL, small_model, write_corpus


def _copy(tmp_path, name="copy"):
    target = tmp_path / name
    shutil.copytree(small_model(), target)
    return target


def test_training_twice_gives_the_same_model_and_metrics(tmp_path):
    corpus = write_corpus(tmp_path / "c.jsonl", 120, 11)
    folder, trained = train_model([corpus], tmp_path / "again", config=SMALL)
    first = json.loads((small_model() / "meta.json").read_text())
    second = json.loads((folder / "meta.json").read_text())
    assert second["metrics"]["cross_validated"] == first["metrics"]["cross_validated"]
    assert second["threshold"] == first["threshold"] == trained.threshold
    assert second["model_file"]["sha256"] == first["model_file"]["sha256"]
    assert second["corpus"]["sha256"] == first["corpus"]["sha256"]


def test_meta_records_versions_hashes_threshold_and_metrics():
    meta = json.loads((small_model() / "meta.json").read_text())
    assert {"scikit-learn", "numpy", "scipy", "joblib", "python", "emscoder"} <= set(meta["versions"])
    assert len(meta["feature_schema"]["sha256"]) == 64 and len(meta["corpus"]["sha256"]) == 64
    assert 0 < meta["threshold"] < 1
    assert {"auroc", "f1", "brier", "calibration", "confusion"} <= set(meta["metrics"]["cross_validated"])
    card = (small_model() / "card.md").read_text()
    for heading in ("## Intended use", "## Limits", "## Data", "## Metrics"):
        assert heading in card


def test_round_trip_and_the_compiled_scorer_equals_the_pipeline():
    model = load_model(small_model(), trust=True)
    rows = featurize(load_corpus([HANDWRITTEN], only_split="dev").records[:20])
    scorer = model.scorer()
    assert scorer.check(rows) < 1e-9
    result = scorer.score_row(rows[0])
    assert result.model == model.name and 0 <= result.score <= 1
    assert result.label == ("sufficient" if result.score >= model.threshold else "insufficient")
    assert 1 <= len(result.reasons) <= 5


def test_model_outside_models_folder_needs_trust(tmp_path):
    with pytest.raises(ModelError, match="trust"):
        load_model(small_model())
    assert load_model(small_model(), trust=True).pipeline is not None


def test_model_inside_the_trusted_folder_loads_without_the_flag(tmp_path, monkeypatch):
    copy = _copy(tmp_path / "models", "mine")
    monkeypatch.setattr(persist, "REPO_MODELS", (tmp_path / "models").resolve())
    assert load_model(copy).name.startswith("small@")


def test_a_tampered_model_file_is_refused_before_loading(tmp_path):
    copy = _copy(tmp_path)
    with open(copy / "model.joblib", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="sha256 .* does not match"):
        load_model(copy, trust=True)


@pytest.mark.parametrize("key, value, message", [
    ("versions", {"scikit-learn": "0.24.2"}, "trained with scikit-learn 0.24.2"),
    ("versions", {"numpy": "1.0.0"}, "trained with numpy 1.0.0"),
    ("feature_schema", {"sha256": "0" * 64, "version": 1}, "feature schema 1"),
])
def test_version_or_schema_mismatch_is_refused(tmp_path, key, value, message):
    copy = _copy(tmp_path)
    meta = json.loads((copy / "meta.json").read_text())
    meta[key] = {**meta[key], **value}
    (copy / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=message):
        load_model(copy, trust=True)


def test_missing_folder_or_meta_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no such model folder"):
        load_model(tmp_path / "nope", trust=True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="meta.json: missing"):
        load_model(tmp_path / "empty", trust=True)


def test_corpus_line_without_label_names_file_line_and_id(tmp_path):
    path = write_corpus(tmp_path / "c.jsonl", 3, 2)
    lines = path.read_text().splitlines()
    record = json.loads(lines[1])
    del record["label"]
    path.write_text("\n".join([lines[0], json.dumps(record), lines[2]]) + "\n")
    with pytest.raises(CorpusError, match=r"c\.jsonl:2 \[gen-2-2\]: no `label` field"):
        load_corpus([path])


def test_training_needs_both_labels(tmp_path):
    path = write_corpus(tmp_path / "c.jsonl", 30, 4)
    ones = [line for line in path.read_text().splitlines() if json.loads(line)["label"] == 1]
    path.write_text("\n".join(ones) + "\n")
    with pytest.raises(CorpusError, match="at least 3 records of each label"):
        train(load_corpus([path]), SMALL)


def test_holdout_split_is_never_trained_on():
    corpus = load_corpus([HANDWRITTEN], exclude_split="test")
    assert {r.split for r in corpus.records} == {"dev"} and len(corpus.records) == 80
    assert corpus.describe()["files"][0]["left_out"] == 80


def test_threshold_prefers_best_f1_then_nearest_half():
    assert choose_threshold([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 0.5
    assert choose_threshold([0, 1, 1, 1], [0.1, 0.3, 0.8, 0.9]) <= 0.3
