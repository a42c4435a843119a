"""Measure the NLP stage against the hand-annotated gold narratives (corpora/gold/*.jsonl).

A prediction matches a gold annotation when kind and concept agree and the spans overlap. Prints
precision / recall / F1 per kind (detection), per status (detection with the right status: a missed
or extra mention counts against its status), and per status on the matched mentions only (ConText's
own accuracy, separate from detection), with the share of matched mentions whose status is right.
Finding kinds the gold set does not annotate (UNSCORED_KINDS: acute conditions outside the CMS
distress list) are not scored; their count is printed so they are not silently dropped.
Usage: python scripts/eval_extraction.py [FILE.jsonl ...] [--errors N]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_gold import GOLD_DIR, resolve_span  # noqa: E402

from emscoder.nlp.findings import extract_findings  # noqa: E402

UNSCORED_KINDS = {"condition"}


def gold_items(record: dict) -> list[tuple]:
    items = []
    for ann in record.get("annotations", []):
        start, end = resolve_span(record["narrative"], ann["text"], int(ann.get("occurrence", 1)))
        items.append((ann["kind"], ann["concept"], start, end, ann["status"]))
    return items


def match(gold: list[tuple], pred: list[tuple]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Greedy one-to-one matching on kind + concept + overlapping span."""
    pairs, used = [], set()
    for g in gold:
        for i, p in enumerate(pred):
            if i not in used and p[:2] == g[:2] and p[2] < g[3] and g[2] < p[3]:
                pairs.append((g, p))
                used.add(i)
                break
    matched_gold = {id(g) for g, _ in pairs}
    return pairs, [g for g in gold if id(g) not in matched_gold], [p for i, p in enumerate(pred) if i not in used]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(files: list[Path], show_errors: int, error_kinds: set[str] | None = None) -> None:
    kind, status, matched, unscored = Counter(), Counter(), Counter(), Counter()
    errors = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            findings = extract_findings(record["narrative"])
            unscored.update(f.kind for f in findings if f.kind in UNSCORED_KINDS)
            pred = [(f.kind, f.concept, f.evidence[0].start, f.evidence[0].end, f.status)
                    for f in findings if f.kind not in UNSCORED_KINDS]
            pairs, missed, extra = match(gold_items(record), pred)
            for g, p in pairs:
                kind[g[0], "tp"] += 1
                for counts in (status, matched):
                    counts[g[4], "tp" if g[4] == p[4] else "fn"] += 1
                    if g[4] != p[4]:
                        counts[p[4], "fp"] += 1
                if g[4] != p[4]:
                    errors.append((record["id"], g[0], "status", record["narrative"][g[2]:g[3]], g[4], p[4]))
            for g in missed:
                kind[g[0], "fn"] += 1
                status[g[4], "fn"] += 1
                errors.append((record["id"], g[0], "missed", record["narrative"][g[2]:g[3]], g[1], g[4]))
            for p in extra:
                kind[p[0], "fp"] += 1
                status[p[4], "fp"] += 1
                errors.append((record["id"], p[0], "extra", record["narrative"][p[2]:p[3]], p[1], p[4]))
    for title, counts in (("kind", kind), ("status", status), ("status, matched mentions", matched)):
        print(f"\n{title:<24} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
        for name in sorted({k for k, _ in counts}):
            tp, fp, fn = counts[name, "tp"], counts[name, "fp"], counts[name, "fn"]
            p, r, f = prf(tp, fp, fn)
            print(f"{name:<24} {p:6.3f} {r:6.3f} {f:6.3f} {tp + fn:6d}")
    right = sum(counts for (name, outcome), counts in matched.items() if outcome == "tp")
    pairs = right + sum(counts for (name, outcome), counts in matched.items() if outcome == "fn")
    print(f"status right on {right} of {pairs} matched mentions ({right / max(pairs, 1):.3f})")
    for name, count in sorted(unscored.items()):
        print(f"not scored (not annotated in the gold set): {count} {name} finding(s)")
    if error_kinds:
        errors = [err for err in errors if err[1] in error_kinds]
    for err in errors[:show_errors]:
        print(" | ".join(map(str, err)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", type=int, default=0, help="print the first N disagreements")
    parser.add_argument("--kind", action="append", help="only print disagreements of this kind (repeatable)")
    args = parser.parse_args()
    evaluate(args.files or sorted(GOLD_DIR.glob("*.jsonl")), args.errors, set(args.kind or ()))


if __name__ == "__main__":
    main()
