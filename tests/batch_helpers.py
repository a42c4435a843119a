"""Helpers for the batch tests: a synthetic JSONL input with some bad lines, and file readers."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from emscoder.batchrun import BatchOptions, BatchSummary, run_batch

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "generate_corpus.py"
BAD_LINES = {17: "not json at all", 53: '{"id": "no-narrative"}', 90: '{"id": "typo", "narative": "x"}',
             131: "[1, 2]"}


@lru_cache(maxsize=1)
def _generator():
    spec = importlib.util.spec_from_file_location("generate_corpus_for_batch_tests", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_corpus(path: Path, n: int, *, seed: int = 11, bad: dict[int, str] | None = None) -> Path:
    """`n` generated PCRs as JSONL (label/reason removed), with the `bad` lines (by 1-based line
    number) put in between, so the errors file is exercised too."""
    gen = _generator()
    phrases = gen.load_phrases()
    bad = BAD_LINES if bad is None else bad
    lines, index = [], 0
    while index < n:
        if len(lines) + 1 in bad:
            lines.append(bad[len(lines) + 1])
            continue
        index += 1
        record, _ = gen.make_record(seed, index, phrases)
        record.pop("label", None)
        record.pop("reason", None)
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(inputs: list[Path], out: Path, **options) -> BatchSummary:
    """A batch in this process (workers=1 unless told)."""
    csv_path = options.pop("csv_path", None)
    return run_batch(inputs, out, options=BatchOptions(csv_path=csv_path, **options))


def cli(*args: str, **kwargs) -> subprocess.Popen:
    """`python -m emscoder ARGS` in its own process group (so a signal can reach its workers too)."""
    return subprocess.Popen([sys.executable, "-m", "emscoder", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kwargs)


def jsonl_ids(path: Path) -> list[str | None]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0
