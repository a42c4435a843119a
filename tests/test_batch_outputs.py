"""Batch outputs: workers=1 and 2 byte-identical, CSV summary (and its injection guard), end-of-run
summary, --quiet, coding failures in the errors file, progress bar, record estimates."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from batch_helpers import jsonl_ids, run, write_corpus
from conftest import FIXTURES
from emscoder.batch import code_files
from emscoder.batchrun import BatchOptions, BatchSummary, Callbacks, RichProgress, run_batch, summary_lines
from emscoder.batchrun.checkpoint import checkpoint_path
from emscoder.batchrun.chunks import chunked, estimate_records
from emscoder.batchrun.worker import digest
from emscoder.cli import app
from emscoder.model import PCR, CodingResult, Sufficiency, Versions
from emscoder.report.csv_summary import COLUMNS, safe_cell
from emscoder.report.html import ReportWriter

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("in") / "pcrs.jsonl", 60, bad={7: "{broken", 30: "[]"})


def test_two_workers_write_exactly_what_one_worker_writes(tmp_path, corpus):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run([corpus], one, csv_path=tmp_path / "one.csv")
    summary = run([corpus], two, csv_path=tmp_path / "two.csv", workers=2, chunk_size=7)
    assert summary.workers == 2 and summary.coded == 60 and summary.errors == 2
    assert one.read_bytes() == two.read_bytes()
    assert (tmp_path / "one.errors.jsonl").read_bytes() == (tmp_path / "two.errors.jsonl").read_bytes()
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert jsonl_ids(one) == [f"gen-11-{i}" for i in range(1, 61)]


def test_csv_has_one_row_per_coded_pcr_with_its_codes(tmp_path, corpus):
    out = tmp_path / "out.jsonl"
    run([corpus], out, csv_path=tmp_path / "s.csv")
    rows = list(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8", newline="")))
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in results]
    assert tuple(rows[0]) == COLUMNS
    for row, result in zip(rows, results):
        assert row["level_hcpcs"] == (result["level"] or {}).get("hcpcs", "")
        assert row["flags"] == ";".join(f["id"] for f in result["flags"])
        assert row["necessity_met"] == {True: "yes", False: "no"}[result["necessity"]["documented"]]
        suff = result["sufficiency"]  # None when no classifier model is installed
        assert row["sufficiency_score"] == ("" if suff is None else format(round(suff["score"], 4), "g"))
        assert row["sufficiency_label"] == ("" if suff is None else suff["label"])
        assert row["error_free"] == ("no" if any(f["severity"] == "error" for f in result["flags"]) else "yes")


def test_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path):
    src = tmp_path / "in.jsonl"
    ids = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "plain", "a=b"]
    src.write_text("".join(json.dumps({"id": i, "narrative": "Pt ambulatory."}) + "\n" for i in ids))
    run([src], tmp_path / "out.jsonl", csv_path=tmp_path / "s.csv")
    rows = list(csv.reader((tmp_path / "s.csv").open(encoding="utf-8", newline="")))[1:]
    assert [r[0] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "plain", "a=b"]
    assert safe_cell("\tx") == "'\tx" and safe_cell("") == ""


def test_summary_counts_levels_flags_and_errors(tmp_path, corpus):
    out = tmp_path / "out.jsonl"
    summary = run([corpus], out)
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary.records == 62 and summary.coded == 60 and summary.errors == 2
    assert sum(summary.by_level.values()) == 60
    assert summary.by_level["BLS"] == sum(1 for r in results if r["level"] and r["level"]["label"] == "BLS")
    assert summary.by_flag["missing_signature"] == sum(
        1 for r in results for f in r["flags"] if f["id"] == "missing_signature")
    text = "\n".join(summary_lines(summary))
    assert "62 record(s) read: 60 coded (60 jsonl), 2 failed." in text
    assert "records/s" in text and "levels: " in text
    scores = [r["sufficiency"]["score"] for r in results if r["sufficiency"]]
    if scores:
        assert summary.scored == len(scores) and summary.mean_score == pytest.approx(sum(scores) / len(scores))
        assert f"mean sufficiency score: {sum(scores) / len(scores):.3f} ({len(scores)} scored)" in text
    else:
        assert "mean sufficiency score: n/a" in text


def test_sufficiency_scores_feed_the_digest_and_the_mean():
    pcr = PCR(id="s1", narrative="")
    scored = CodingResult(id="s1", versions=Versions(emscoder="t"), pcr=pcr,
                          sufficiency=Sufficiency(score=0.25, label="insufficient", model="m"))
    item = digest(scored)
    assert (item.score, item.score_label, item.level, item.flags) == (0.25, "insufficient", None, ())
    summary = BatchSummary()
    summary.add_result(item, "json")
    summary.add_result(digest(scored.model_copy(update={"sufficiency": None})), "json")
    assert summary.mean_score == 0.25 and summary.scored == 1
    assert "mean sufficiency score: 0.250 (1 scored)" in "\n".join(summary_lines(summary))


def test_a_record_the_coder_raises_on_goes_to_the_errors_file(tmp_path, monkeypatch):
    import emscoder.coder

    real = emscoder.coder.code

    def flaky(pcr):
        if pcr.id == "bad":
            raise ValueError(f"secret narrative text: {pcr.narrative}")
        return real(pcr)

    monkeypatch.setattr(emscoder.coder, "code", flaky)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "narrative": "Pt c/o CP."}) + "\n" for i in ("a", "bad", "c")))
    summary = run([src], tmp_path / "out.jsonl")
    assert (summary.coded, summary.errors) == (2, 1)
    [row] = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert (row["id"], row["position"], row["error"]) == ("bad", 2, "coding_failed")
    assert "ValueError" in row["reason"] and "Pt c/o" not in row["reason"] and "secret" not in row["reason"]


def test_cli_code_options_quiet_and_summary(tmp_path, corpus):
    out = tmp_path / "out.jsonl"
    loud = runner.invoke(app, ["code", str(corpus), "-o", str(out), "--csv", str(tmp_path / "s.csv")])
    assert loud.exit_code == 1
    assert "62 record(s) read: 60 coded" in loud.stderr and "levels:" in loud.stderr
    assert "flags:" in loud.stderr and f"csv summary: {tmp_path / 's.csv'}" in loud.stderr
    quiet = runner.invoke(app, ["code", str(corpus), "-o", str(out), "-q"])
    assert quiet.exit_code == 1
    lines = quiet.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert (tmp_path / "out.errors.jsonl").exists() and len(jsonl_ids(out)) == 60


def test_cli_resume_refusal_is_one_line_and_exit_2(tmp_path):
    src = tmp_path / "in.json"
    src.write_text(json.dumps({"id": "a", "narrative": ""}))
    out = tmp_path / "out.jsonl"
    out.write_text("{}\n")
    result = runner.invoke(app, ["code", str(src), "-o", str(out), "--resume"])
    assert result.exit_code == 2 and result.stderr.startswith("error: cannot resume")


def test_html_report_gets_every_result_in_order_also_after_a_resume(tmp_path, corpus):
    out = tmp_path / "out.jsonl"
    run([corpus], out, chunk_size=16)
    state = checkpoint_path(out)
    data = json.loads(state.read_text())
    data.update(complete=False)  # pretend the run stopped here, after every record
    state.write_text(json.dumps(data))
    writer, seen = ReportWriter(tmp_path / "report"), []

    def add(result):
        seen.append(result.id)
        return writer.add(result)

    code_files([corpus], out, on_result=add, options=BatchOptions(resume=True))
    assert seen == jsonl_ids(out) and writer.close().pages == 60


def test_progress_bar_shows_rate_and_count(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"p{i}", "narrative": "Pt ambulatory."}) + "\n" for i in range(5)))
    buffer = io.StringIO()
    progress = RichProgress(Console(file=buffer, force_terminal=True, width=120))
    progress.log("error: shown above the bar")
    run_batch([src], tmp_path / "out.jsonl", options=BatchOptions(chunk_size=2), callbacks=Callbacks(),
              progress=progress)
    text = buffer.getvalue()
    assert "error: shown above the bar" in text and "rec/s" in text and "5/5" in text


def test_record_estimates_for_the_progress_bar(tmp_path, corpus):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").write_text("Pt found down.")
    (folder / "README.md").write_text("# not a PCR")
    (folder / "one.json").write_text(json.dumps({"id": "x", "narrative": ""}))
    assert estimate_records([corpus, FIXTURES / "nemsis_three_pcrs.xml", folder]) == 62 + 3 + 2
    (folder / "list.json").write_text("[]")
    assert estimate_records([folder]) is None


def test_chunks_skip_what_a_resumed_run_already_did():
    items = [PCR(id=str(i), narrative="") for i in range(10)]
    chunks = list(chunked(items, 4, skip=3))
    assert [c.first for c in chunks] == [3, 7]
    assert [[p.id for p in c.pcrs] for c in chunks] == [["3", "4", "5", "6"], ["7", "8", "9"]]


def test_a_worker_that_cannot_start_reports_why(monkeypatch):
    import signal

    from emscoder.batchrun import WorkerError, worker

    def broken():
        raise RuntimeError("rules file missing")

    previous = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(worker, "warm_up", broken)
    try:
        worker.init_worker()
        with pytest.raises(WorkerError, match="could not start: RuntimeError: rules file missing"):
            worker.code_chunk([PCR(id="a", narrative="")])
    finally:
        signal.signal(signal.SIGINT, previous)
        worker._INIT_ERROR = None


def test_code_many_in_worker_processes_matches_one_process(tmp_path):
    """The library entry point of DESIGN.md: same results, same order, for any number of workers."""
    from emscoder.coder import code_many

    source = write_corpus(tmp_path / "in.jsonl", 6)
    pcrs = [PCR.model_validate_json(line) for line in source.read_text(encoding="utf-8").splitlines()]
    one = [r.model_dump_json() for r in code_many(pcrs, workers=1)]
    two = [r.model_dump_json() for r in code_many(iter(pcrs), workers=2, chunk_size=2)]
    assert two == one and [json.loads(r)["id"] for r in two] == [p.id for p in pcrs]
    with pytest.raises(ValueError):
        list(code_many(pcrs, workers=0))
