"""Plain text, JSON and JSONL readers, including every kind of bad input a batch meets."""
import json

import pytest

from conftest import read_all
from emscoder.errors import FileFormatError, RecordError
from emscoder.model import MAX_NARRATIVE_CHARS


def write(path, content):
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_text_file_gives_one_record_named_after_the_file(tmp_path):
    pcrs, errors, _ = read_all(write(tmp_path / "RUN-0042.txt", "\ufeffPt found supine, GCS 15.\n"))
    assert errors == []
    assert [p.id for p in pcrs] == ["RUN-0042"]
    assert pcrs[0].narrative == "Pt found supine, GCS 15.\n"
    assert pcrs[0].source.format == "text"


def test_json_object_and_list(tmp_path):
    one = write(tmp_path / "one.json", json.dumps({"id": "A", "narrative": "x"}))
    many = write(tmp_path / "many.json", json.dumps([{"id": "B", "narrative": "y"}, {"id": "C", "narrative": ""}]))
    pcrs, errors, _ = read_all(one, many)
    assert errors == []
    assert [(p.id, p.source.position) for p in pcrs] == [("A", 1), ("B", 1), ("C", 2)]


def test_jsonl_bad_lines_fail_alone_and_the_rest_go_through(tmp_path):
    lines = [
        json.dumps({"id": "ok-1", "narrative": "fine"}),
        '{"id": "broken", "narrative": ',                       # malformed JSON
        json.dumps({"narrative": "no id here"}),                # missing id
        json.dumps({"id": 17, "narrative": "x"}),                # wrong type
        json.dumps({"id": "enum", "narrative": "x", "response_mode": "lights-and-sirens"}),
        "",                                                      # blank lines are not records
        json.dumps({"id": "ok-2", "narrative": "also fine"}),
    ]
    data = "\n".join(lines).encode() + b"\n" + b'{"id": "latin", "narrative": "caf\xe9"}\n'
    pcrs, errors, _ = read_all(write(tmp_path / "batch.jsonl", data))
    assert [p.id for p in pcrs] == ["ok-1", "ok-2"]
    by_line = {e.position: e for e in errors}
    assert sorted(by_line) == [2, 3, 4, 5, 8]
    assert "invalid JSON" in by_line[2].reason
    assert "missing required field 'id'" in by_line[3].reason
    assert by_line[4].reason.startswith("id:")
    assert by_line[5].record_id == "enum" and "response_mode" in by_line[5].reason
    assert "not valid UTF-8" in by_line[8].reason
    assert all(isinstance(e, RecordError) for e in errors)
    line = by_line[5].one_line()
    assert line.startswith(str(tmp_path / "batch.jsonl") + ":5 [enum]: ") and "\n" not in line


def test_errors_never_echo_the_narrative(tmp_path):
    secret = "Jane Q Patient DOB 01/02/1950"
    data = json.dumps({"id": "p", "narrative": secret, "transported": "maybe"})
    _, errors, _ = read_all(write(tmp_path / "p.jsonl", data))
    assert len(errors) == 1 and secret not in errors[0].one_line()


def test_oversized_narrative_is_refused_with_a_reason(tmp_path):
    big = "x" * (5 * 1024 * 1024)
    jsonl = write(tmp_path / "big.jsonl", json.dumps({"id": "big", "narrative": big}) + "\n"
                  + json.dumps({"id": "small", "narrative": "ok"}))
    text = write(tmp_path / "big.txt", big)
    pcrs, errors, _ = read_all(jsonl, text)
    assert [p.id for p in pcrs] == ["small"]
    assert len(errors) == 2
    assert errors[0].reason.startswith("narrative:") and str(MAX_NARRATIVE_CHARS) in errors[0].reason
    assert f"{MAX_NARRATIVE_CHARS:,} characters" in errors[1].reason
    assert all(e.record_id == "big" for e in errors)


@pytest.mark.parametrize("name, content, reason", [
    ("empty.jsonl", b"", "empty file"),
    ("empty.json", b"  \n", "empty file"),
    ("empty.txt", b"", "empty file"),
    ("empty.xml", b"", "empty file"),
    ("list.json", b"[]", "empty"),
    ("bad.json", b'{"id": "x", "narrative": "a",}', "invalid JSON at line 1"),
    ("latin1.txt", b"Pt c/o dolor tor\xe1cico", "not valid UTF-8"),
    ("named.json", b"Pt was found on the floor.", "does not contain JSON"),
    ("named.xml", b"Pt was found on the floor.", "does not contain XML"),
])
def test_unreadable_files_give_one_clear_error(tmp_path, name, content, reason):
    pcrs, errors, _ = read_all(write(tmp_path / name, content))
    assert pcrs == []
    assert len(errors) == 1 and isinstance(errors[0], FileFormatError)
    assert reason in errors[0].reason
    assert errors[0].path == str(tmp_path / name)


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    _, errors, _ = read_all(tmp_path / "nope.jsonl")
    assert "no such file" in errors[0].reason


@pytest.mark.parametrize("name, content, expected_format", [
    ("records.json", '{"id": "a", "narrative": ""}\n{"id": "b", "narrative": ""}\n', "jsonl"),
    ("records.txt", '[{"id": "a", "narrative": ""}, {"id": "b", "narrative": ""}]', "json"),
    ("records.jsonl", '[{"id": "a", "narrative": ""}, {"id": "b", "narrative": ""}]', "json"),
    ("records", '{"id": "a", "narrative": ""}\n{"id": "b", "narrative": ""}', "jsonl"),
])
def test_content_wins_where_the_suffix_lies(tmp_path, name, content, expected_format):
    pcrs, errors, _ = read_all(write(tmp_path / name, content))
    assert errors == []
    assert [p.id for p in pcrs] == ["a", "b"]
    assert {p.source.format for p in pcrs} == {expected_format}


def test_directory_is_walked_in_order_and_non_pcr_files_are_listed(tmp_path):
    write(tmp_path / "b.txt", "second")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "c.jsonl", json.dumps({"id": "third", "narrative": ""}))
    write(tmp_path / "a.json", json.dumps({"id": "first", "narrative": ""}))
    write(tmp_path / "README.md", "# notes about this folder")
    write(tmp_path / ".hidden.txt", "ignored")
    pcrs, errors, skipped = read_all(tmp_path)
    assert [p.id for p in pcrs] == ["first", "b", "third"]
    assert errors == []
    assert [s.path for s in skipped] == [str(tmp_path / "README.md")]
