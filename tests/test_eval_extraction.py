"""scripts/eval_extraction.py: detection and status scores against a gold file."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import eval_extraction  # noqa: E402


def run(tmp_path, capsys, annotations, error_kinds=None):
    gold = tmp_path / "gold.jsonl"
    record = {"id": "t-1", "narrative": "Pt denies CP. ASA 324 mg PO given.", "annotations": annotations}
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    eval_extraction.evaluate([gold], show_errors=10, error_kinds=error_kinds)
    return capsys.readouterr().out


def row(output, table, name):
    section = output.split(f"\n{table} ")[1]
    return next(line.split() for line in section.splitlines() if line.startswith(name + " "))


def test_a_wrong_status_counts_against_status_but_not_detection(tmp_path, capsys):
    out = run(tmp_path, capsys, [
        {"kind": "distress", "concept": "chest_pain", "text": "CP", "status": "present"},  # really negated
        {"kind": "medication", "concept": "aspirin", "text": "ASA", "status": "present"}])
    assert row(out, "kind", "distress")[1:4] == ["1.000", "1.000", "1.000"]
    assert row(out, "status", "present")[1:4] == ["1.000", "0.500", "0.667"]
    assert row(out, "status, matched mentions", "negated")[1:4] == ["0.000", "0.000", "0.000"]
    assert "status right on 1 of 2 matched mentions (0.500)" in out
    assert "t-1 | distress | status | CP | present | negated" in out
    assert out.count(" | status |") == 1  # the right one (ASA) is not a disagreement


def test_a_missed_mention_counts_against_detection_and_status_only(tmp_path, capsys):
    out = run(tmp_path, capsys, [
        {"kind": "distress", "concept": "chest_pain", "text": "CP", "status": "negated"},
        {"kind": "medication", "concept": "aspirin", "text": "ASA", "status": "present"},
        {"kind": "intervention", "concept": "iv_access", "text": "PO", "status": "present"}])
    assert row(out, "kind", "intervention")[1:4] == ["0.000", "0.000", "0.000"]
    assert "status right on 2 of 2 matched mentions (1.000)" in out


def test_error_listing_can_be_limited_to_one_kind(tmp_path, capsys):
    annotations = [
        {"kind": "distress", "concept": "chest_pain", "text": "CP", "status": "present"},
        {"kind": "intervention", "concept": "iv_access", "text": "PO", "status": "present"}]
    out = run(tmp_path, capsys, annotations, error_kinds={"intervention"})
    assert "t-1 | intervention | missed | PO | iv_access | present" in out
    assert " | distress | " not in out
