"""Validate the hand-annotated gold narratives in corpora/gold/ and resolve spans to offsets.

Usage: python scripts/check_gold.py [FILE.jsonl ...]   (default: every corpora/gold/*.jsonl)
Exits 1 and lists every problem (file, line, id, reason) when anything does not validate.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parent.parent / "corpora" / "gold"
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
RECORD_KEYS = {"id", "style", "narrative", "annotations", "coding"}
ANNOTATION_KEYS = {"kind", "concept", "status", "text", "occurrence", "attributes"}


def load_labels() -> dict:
    return json.loads((GOLD_DIR / "labels.json").read_text(encoding="utf-8"))


def resolve_span(narrative: str, text: str, occurrence: int) -> tuple[int, int] | None:
    """Character offsets of the `occurrence`-th (1-based) exact occurrence of `text`."""
    start = -1
    for _ in range(occurrence):
        start = narrative.find(text, start + 1)
        if start < 0:
            return None
    return start, start + len(text)


def annotation_problems(ann: dict, narrative: str, labels: dict) -> list[str]:
    problems = [f"unknown key {k!r}" for k in ann if k not in ANNOTATION_KEYS]
    kind, concept, status = ann.get("kind"), ann.get("concept"), ann.get("status")
    allowed = labels["kinds"].get(kind)
    if allowed is None:
        problems.append(f"unknown kind {kind!r}")
    elif isinstance(allowed, list) and concept not in allowed:
        problems.append(f"unknown concept {concept!r} for kind {kind}")
    elif not isinstance(concept, str) or not SNAKE.match(concept):
        problems.append(f"concept {concept!r} is not snake_case")
    if status not in labels["statuses"]:
        problems.append(f"unknown status {status!r}")
    text = ann.get("text")
    if not isinstance(text, str) or not text:
        problems.append("missing text")
    elif resolve_span(narrative, text, int(ann.get("occurrence", 1))) is None:
        problems.append(f"text {text!r} (occurrence {ann.get('occurrence', 1)}) not in narrative")
    if kind == "medication":
        for attr, values in labels["medication_attributes"].items():
            value = (ann.get("attributes") or {}).get(attr)
            if value is not None and value not in values:
                problems.append(f"medication {attr} {value!r} not one of {values}")
    return problems


def check_file(path: Path, labels: dict, seen_ids: set[str]) -> list[str]:
    problems = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{line_no}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON ({exc.msg})")
            continue
        rid = record.get("id")
        where += f" [{rid}]"
        problems += [f"{where}: unknown key {k!r}" for k in record if k not in RECORD_KEYS]
        if rid in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(rid)
        if record.get("style") not in labels["styles"]:
            problems.append(f"{where}: unknown style {record.get('style')!r}")
        for i, ann in enumerate(record.get("annotations", [])):
            problems += [f"{where} annotation {i}: {p}" for p in annotation_problems(ann, record["narrative"], labels)]
    return problems


def main(argv: list[str]) -> int:
    labels = load_labels()
    files = [Path(a) for a in argv] or sorted(GOLD_DIR.glob("*.jsonl"))
    seen: set[str] = set()
    problems = [p for f in files for p in check_file(f, labels, seen)]
    for problem in problems:
        print(problem)
    print(f"{len(seen)} narratives in {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
