"""The command line as a coder or a batch job uses it: outputs, errors file, exit codes."""
import json
import subprocess
import sys

from typer.testing import CliRunner

from conftest import FIXTURES
from emscoder import __version__
from emscoder.cli import app

runner = CliRunner()


def jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_all_good_batch_exits_0_and_writes_one_result_per_record(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"P{i}", "narrative": "Pt ambulatory."}) for i in range(3)))
    out = tmp_path / "out" / "results.jsonl"
    result = runner.invoke(app, ["code", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in jsonl(out)] == ["P0", "P1", "P2"]
    assert not (tmp_path / "out" / "results.errors.jsonl").exists()
    assert "3 record(s) read: 3 coded" in result.output


def test_failed_records_go_to_the_errors_file_and_exit_1(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "ok", "narrative": ""}\nnot json\n{"id": "also-ok", "narrative": ""}\n')
    out = tmp_path / "results.jsonl"
    result = runner.invoke(app, ["code", str(src), str(FIXTURES / "nemsis_three_pcrs.xml"), "-o", str(out)])
    assert result.exit_code == 1
    coded = [r["id"] for r in jsonl(out)]
    failed = jsonl(tmp_path / "results.errors.jsonl")
    assert coded == ["ok", "also-ok", "FX-1001", "FX-1003"]
    assert [(e["id"], e["position"]) for e in failed] == [(None, 2), ("FX-1002", 2)]
    assert all(set(e) == {"id", "file", "position", "error", "reason"} for e in failed)
    assert f"{src}:2: invalid JSON" in result.output


def test_every_input_record_is_in_exactly_one_of_output_or_errors(tmp_path):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"R{i}", "narrative": "x"}) if i % 3 else "{broken" for i in range(30)]
    src.write_text("\n".join(lines))
    out = tmp_path / "r.jsonl"
    runner.invoke(app, ["code", str(src), "-o", str(out)])
    coded = {r["pcr"]["source"]["position"] for r in jsonl(out)}
    failed = {e["position"] for e in jsonl(tmp_path / "r.errors.jsonl")}
    assert coded.isdisjoint(failed) and coded | failed == set(range(1, 31))


def test_stale_errors_file_is_removed_by_a_clean_run(tmp_path):
    src = tmp_path / "in.json"
    src.write_text(json.dumps({"id": "a", "narrative": ""}))
    stale = tmp_path / "r.errors.jsonl"
    stale.write_text('{"id": "old"}\n')
    assert runner.invoke(app, ["code", str(src), "-o", str(tmp_path / "r.jsonl")]).exit_code == 0
    assert not stale.exists()


def test_usage_errors_exit_2(tmp_path):
    assert runner.invoke(app, ["code"]).exit_code == 2
    assert runner.invoke(app, ["schema", "bogus"]).exit_code == 2
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    result = runner.invoke(app, ["code", str(empty_dir)])
    assert result.exit_code == 2 and "no PCR records" in result.output


def test_schema_and_version():
    result = runner.invoke(app, ["schema", "result"])
    assert result.exit_code == 0 and "findings" in json.loads(result.stdout)["properties"]
    assert json.loads(runner.invoke(app, ["schema"]).stdout)["title"] == "PCR"
    assert runner.invoke(app, ["--version"]).stdout.strip() == f"emscoder {__version__}"


def test_python_dash_m_runs_the_same_cli(tmp_path):
    src = tmp_path / "note.txt"
    src.write_text("Pt found down, unresponsive.")
    done = subprocess.run([sys.executable, "-m", "emscoder", "code", str(src)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "note"
    assert "Pt found down" not in done.stderr  # no narrative text in logs
