"""Nothing lost: kill -9 or Ctrl-C in the middle of a run, resume, and get exactly the files an
uninterrupted run writes (same lines, same order, no duplicates, none missing, same errors and CSV)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_helpers import cli, count_lines, jsonl_ids, run, write_corpus
from emscoder.batchrun import BatchInterrupted, ResumeError
from emscoder.batchrun.checkpoint import checkpoint_path
from emscoder.batchrun.outputs import Outputs

N_RECORDS = 320


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("in") / "pcrs.jsonl", N_RECORDS)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict[str, bytes]:
    """The files of one uninterrupted run (one worker, in this process)."""
    out = tmp_path_factory.mktemp("ref") / "out.jsonl"
    run([corpus], out, csv_path=out.with_suffix(".csv"))
    return files_of(out)


def files_of(out: Path) -> dict[str, bytes]:
    errors = out.with_name(out.name.removesuffix(".jsonl") + ".errors.jsonl")
    return {"results": out.read_bytes(), "errors": errors.read_bytes(), "csv": out.with_suffix(".csv").read_bytes()}


def assert_same_as_reference(out: Path, reference: dict[str, bytes]) -> None:
    got = files_of(out)
    ids = jsonl_ids(out)
    assert len(ids) == len(set(ids)) == N_RECORDS
    for name in ("results", "errors", "csv"):
        assert got[name] == reference[name], f"{name} differs from the uninterrupted run"


def start_and_wait_for_lines(corpus: Path, out: Path, min_lines: int) -> subprocess.Popen:
    """Start a 2-worker run and return once `out` holds `min_lines` lines (the run still going)."""
    proc = cli("code", str(corpus), "-o", str(out), "--csv", str(out.with_suffix(".csv")), "-j", "2",
               "--chunk-size", "8", "-q")
    deadline = time.monotonic() + 120
    while count_lines(out) < min_lines:
        assert proc.poll() is None, f"the run ended before it could be interrupted: {proc.communicate()}"
        assert time.monotonic() < deadline, "no output after 120 s"
        time.sleep(0.005)
    return proc


def test_kill_9_in_the_middle_then_resume_equals_an_uninterrupted_run(tmp_path, corpus, reference):
    out = tmp_path / "out.jsonl"
    proc = start_and_wait_for_lines(corpus, out, 24)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group: parent, forkserver and workers
    proc.communicate()
    state = json.loads(checkpoint_path(out).read_text())
    assert not state["complete"] and 0 < state["records_done"] < N_RECORDS
    done = subprocess.run([sys.executable, "-m", "emscoder", "code", str(corpus), "-o", str(out), "--csv",
                           str(out.with_suffix(".csv")), "-j", "2", "--resume"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # 1: some input records are invalid (by design)
    assert f"resumed after {state['records_done']} record(s)" in done.stderr
    assert f"{N_RECORDS + len(reference['errors'].splitlines())} record(s) read" in done.stderr
    assert_same_as_reference(out, reference)


def test_ctrl_c_leaves_valid_files_and_resume_completes_them(tmp_path, corpus, reference):
    out = tmp_path / "out.jsonl"
    proc = start_and_wait_for_lines(corpus, out, 16)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "--resume" in stderr and "Traceback" not in stderr
    state = json.loads(checkpoint_path(out).read_text())
    assert out.stat().st_size == state["results_bytes"]  # no half-written line
    assert out.with_suffix(".csv").stat().st_size == state["csv_bytes"]
    assert len(jsonl_ids(out)) == state["counters"]["coded"]
    summary = run([corpus], out, csv_path=out.with_suffix(".csv"), resume=True)
    assert summary.resumed_from == state["records_done"]
    assert_same_as_reference(out, reference)


class _Killed(BaseException):
    """Stands for kill -9: nothing after it runs, not even the runner's clean-up."""


def test_death_between_the_results_write_and_the_errors_write_is_repaired(tmp_path, corpus, reference,
                                                                            monkeypatch):
    out = tmp_path / "out.jsonl"
    real_write = Outputs.write

    def dies_in_the_middle(self, lines, error_rows, digests):
        error_rows = list(error_rows)
        if not error_rows:
            return real_write(self, lines, error_rows, digests)
        self.results.write_lines(lines)  # results written, errors and CSV not, checkpoint not
        self.results.flush()
        self.results._handle.write(b'{"id": "half a li')
        self.results.flush()
        raise _Killed

    monkeypatch.setattr(Outputs, "write", dies_in_the_middle)
    monkeypatch.setattr(Outputs, "rollback", lambda self: None)
    with pytest.raises(_Killed):
        run([corpus], out, csv_path=out.with_suffix(".csv"), chunk_size=10)
    monkeypatch.undo()
    assert not out.read_bytes().endswith(b"\n")
    run([corpus], out, csv_path=out.with_suffix(".csv"), chunk_size=10, resume=True)
    assert_same_as_reference(out, reference)


def test_interrupt_inside_the_library_rolls_back_to_the_checkpoint(tmp_path, corpus, reference, monkeypatch):
    out = tmp_path / "out.jsonl"
    real_write, calls = Outputs.write, []

    def interrupted(self, *args):
        calls.append(1)
        real_write(self, *args)
        if len(calls) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(Outputs, "write", interrupted)
    with pytest.raises(BatchInterrupted) as caught:
        run([corpus], out, csv_path=out.with_suffix(".csv"), chunk_size=20)
    monkeypatch.undo()
    assert caught.value.records_done == 40
    assert len(jsonl_ids(out)) == 40 - 1  # line 17 is an error
    run([corpus], out, csv_path=out.with_suffix(".csv"), resume=True)
    assert_same_as_reference(out, reference)


def test_resume_of_a_finished_run_changes_nothing(tmp_path, corpus, reference):
    out = tmp_path / "out.jsonl"
    first = run([corpus], out, csv_path=out.with_suffix(".csv"))
    again = run([corpus], out, csv_path=out.with_suffix(".csv"), resume=True)
    assert again.records_this_run == 0 and again.records == first.records
    assert again.by_level == first.by_level and again.by_flag == first.by_flag
    assert_same_as_reference(out, reference)


def test_resume_with_changed_inputs_or_options_is_refused(tmp_path, corpus):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(corpus.read_bytes().splitlines()[:30]) + b"\n")
    out = tmp_path / "out.jsonl"
    run([src], out)
    with pytest.raises(ResumeError, match="--csv"):
        run([src], out, csv_path=tmp_path / "x.csv", resume=True)
    with src.open("ab") as handle:
        handle.write(b'{"id": "late", "narrative": ""}\n')
    with pytest.raises(ResumeError, match="inputs or options differ"):
        run([src], out, resume=True)
    checkpoint_path(out).unlink()
    with pytest.raises(ResumeError, match="no checkpoint"):
        run([src], out, resume=True)


def test_resume_refuses_files_that_do_not_match_the_checkpoint(tmp_path, corpus):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(corpus.read_bytes().splitlines()[:12]) + b"\n")
    out = tmp_path / "out.jsonl"
    run([src], out)
    out.write_bytes(out.read_bytes()[:100])
    with pytest.raises(ResumeError, match="shorter than the checkpoint"):
        run([src], out, resume=True)


def test_resume_with_nothing_to_resume_starts_from_the_beginning(tmp_path, corpus):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(corpus.read_bytes().splitlines()[:5]) + b"\n")
    summary = run([src], tmp_path / "new.jsonl", resume=True)
    assert summary.coded == 5 and summary.resumed_from == 0
    with pytest.raises(ResumeError, match="--output"):
        run([src], None, resume=True)


def test_resume_is_refused_when_the_coder_changed_since_the_interruption(tmp_path, corpus, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(corpus.read_bytes().splitlines()[:40]) + b"\n")
    out = tmp_path / "out.jsonl"
    real_write, calls = Outputs.write, []

    def interrupted(self, *args):
        calls.append(1)
        real_write(self, *args)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(Outputs, "write", interrupted)
    with pytest.raises(BatchInterrupted):
        run([src], out, chunk_size=10)
    monkeypatch.undo()
    state = json.loads(checkpoint_path(out).read_text())
    assert state["versions"]["emscoder"]
    state["versions"]["rules"] = "billing 0.0.1 (an older rule file)"
    checkpoint_path(out).write_text(json.dumps(state))
    with pytest.raises(ResumeError, match="changed since the interrupted run"):
        run([src], out, chunk_size=10, resume=True)
    assert out.stat().st_size == state["results_bytes"]  # nothing appended
