"""The checkpoint that makes a batch resumable: `OUT.progress.json`, next to the results.

It is rewritten atomically (temporary file + rename) after every chunk, once that chunk's lines
are in the results, errors and CSV files. It is the source of truth: on `--resume` each file is cut
back to the byte offset the checkpoint recorded, so a kill between two writes loses nothing and
duplicates nothing. A fingerprint of the inputs and options refuses a resume that would mix runs.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from emscoder import __version__
from emscoder.errors import ResumeError
from emscoder.readers import input_files

FORMAT = 1


@dataclass
class Checkpoint:
    """How far a run got: records consumed from the input stream and the files' valid lengths."""

    fingerprint: str
    records_done: int = 0
    results_bytes: int = 0
    errors_bytes: int = 0
    csv_bytes: int = 0
    last_result_id: str | None = None
    versions: dict | None = None  # of the results written so far: a resume must not mix versions
    counters: dict = field(default_factory=dict)
    complete: bool = False
    format: int = FORMAT


def checkpoint_path(out: Path) -> Path:
    """`results.jsonl` -> `results.progress.json`."""
    return out.with_name(out.name.removesuffix(".jsonl") + ".progress.json")


def fingerprint(inputs: list[Path], options: dict) -> str:
    """A digest of every input file (path, size, modification time) and of the options that shape
    the output files, so a resume with other inputs or options can be refused."""
    files = []
    for path, _ in input_files(inputs):
        try:
            stat = path.stat()
            files.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
        except OSError:
            files.append([str(path), None, None])
    data = json.dumps({"emscoder": __version__, "files": files, "options": options}, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def save(path: Path, checkpoint: Checkpoint, *, sync: bool) -> None:
    """Replace the checkpoint atomically: readers see the old one or the new one, never a mix."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(asdict(checkpoint), handle)
        handle.flush()
        if sync:
            os.fsync(handle.fileno())
    os.replace(tmp, path)


def load(path: Path) -> Checkpoint:
    """Read a checkpoint; ResumeError when it is unreadable or from another format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        return Checkpoint(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise ResumeError(f"cannot resume: the checkpoint {path} is unreadable ({exc}); "
                          "run again without --resume") from None


def _count_lines(path: Path, offset: int) -> int:
    """Newlines in the first `offset` bytes of `path`."""
    count = 0
    with path.open("rb") as handle:
        while offset > 0:
            block = handle.read(min(offset, 1 << 20))
            if not block:
                break
            offset -= len(block)
            count += block.count(b"\n")
    return count


def _last_line(path: Path, offset: int) -> bytes:
    """The last complete line in the first `offset` bytes of `path` (lines may be megabytes long)."""
    window = 1 << 16
    with path.open("rb") as handle:
        while True:
            start = max(0, offset - window)
            handle.seek(start)
            text = handle.read(offset - start).rstrip(b"\n")
            if b"\n" in text or start == 0:
                return text.rpartition(b"\n")[2]
            window *= 4


def _check_file(path: Path | None, offset: int, lines: int | None, what: str) -> None:
    size = path.stat().st_size if path is not None and path.exists() else 0
    if size < offset:
        raise ResumeError(f"cannot resume: {what} {path} is shorter than the checkpoint says "
                          f"({size} < {offset} bytes); run again without --resume")
    if lines is not None and offset and _count_lines(path, offset) != lines:
        raise ResumeError(f"cannot resume: {what} {path} does not hold the {lines} lines the checkpoint "
                          "records (edited since?); run again without --resume")


def verify(checkpoint: Checkpoint, out: Path, errors: Path, csv_path: Path | None) -> None:
    """Check that the files hold at least what the checkpoint says, line for line, and that the
    last result is the record the checkpoint names."""
    counters = checkpoint.counters or {"coded": 0, "errors": 0}
    _check_file(out, checkpoint.results_bytes, counters["coded"], "the results file")
    _check_file(errors, checkpoint.errors_bytes, counters["errors"], "the errors file")
    _check_file(csv_path, checkpoint.csv_bytes, None, "the CSV file")
    if checkpoint.last_result_id is not None:
        last = _last_line(out, checkpoint.results_bytes)
        try:
            last_id = json.loads(last).get("id")
        except ValueError:
            last_id = None
        if last_id != checkpoint.last_result_id:
            raise ResumeError(f"cannot resume: the last result in {out} is not the one the checkpoint "
                              "records; run again without --resume")


def load_for_resume(out: Path, errors: Path, csv_path: Path | None, expected: str) -> Checkpoint | None:
    """The checkpoint to continue from; None when there is nothing to resume (no output yet).
    ResumeError when the run cannot be continued safely."""
    path = checkpoint_path(out)
    if not path.exists():
        if out.exists() and out.stat().st_size:
            raise ResumeError(f"cannot resume: {out} exists but has no checkpoint {path.name} "
                              "(written by an older version, or not by emscoder); run again without --resume")
        return None
    checkpoint = load(path)
    if checkpoint.fingerprint != expected:
        raise ResumeError("cannot resume: the inputs or options differ from the interrupted run "
                          "(files added, removed or changed, or another --errors/--csv); "
                          "run again without --resume to start over")
    verify(checkpoint, out, errors, csv_path)
    return checkpoint
