"""Measure the coding stage end to end against the coding gold set (corpora/gold/coding/pcrs.jsonl).

Each gold line is an input record plus `expected` (level, hcpcs, mileage, O/D modifier, acceptable
primary ICD-10 codes, necessity, flags that must / must not fire). Prints per-field accuracy, the level
confusion matrix and every upcode (a level above the expected one) with its rationale.
Usage: python scripts/eval_coding.py [FILE.jsonl] [--show-errors]
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from emscoder.coder import code
from emscoder.model import PCR
from emscoder.rules.compliance import LEVEL_RANK

DEFAULT = Path(__file__).resolve().parent.parent / "corpora" / "gold" / "coding" / "pcrs.jsonl"


def compare(expected: dict, result) -> dict[str, bool]:
    """Field -> correct?"""
    flags = {f.id for f in result.flags}
    mileage = result.mileage
    primary = result.diagnoses[0].code if result.diagnoses else None
    return {
        "level": result.level.label == expected["level"],
        "hcpcs": result.level.hcpcs == expected["hcpcs"],
        "mileage_hcpcs": (mileage.hcpcs if mileage else None) == expected["mileage_hcpcs"],
        "mileage_units": (mileage.units if mileage else None) == expected["mileage_units"],
        "od_modifier": result.modifiers.origin_destination == expected["od_modifier"]
        if expected["level"] != "no-transport" else True,
        "other_modifiers": set(result.modifiers.other) == set(expected["other_modifiers"]),
        "primary_icd10": (primary in expected["primary_icd10"]) if expected["primary_icd10"] else True,
        "necessity": result.necessity.documented == expected["necessity"],
        "flags_include": set(expected["flags_include"]) <= flags,
        "flags_exclude": not (set(expected["flags_exclude"]) & flags),
    }


def is_upcode(expected: str, got: str) -> bool:
    return got in LEVEL_RANK and expected in LEVEL_RANK and LEVEL_RANK[got] > LEVEL_RANK[expected]


def evaluate(path: Path, show_errors: bool) -> int:
    correct, total, confusion, upcodes, errors = Counter(), 0, Counter(), [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        expected = record.pop("expected")
        result = code(PCR.model_validate(record))
        total += 1
        checks = compare(expected, result)
        correct.update(field for field, ok in checks.items() if ok)
        confusion[expected["level"], result.level.label] += 1
        if is_upcode(expected["level"], result.level.label):
            upcodes.append((record["id"], expected["level"], result.level.label, result.level.rationale))
        wrong = [field for field, ok in checks.items() if not ok]
        if wrong:
            errors.append((record["id"], wrong, expected, result))
    _report(correct, total, confusion, upcodes)
    if show_errors:
        for rid, wrong, expected, result in errors:
            got = {"level": result.level.label, "mileage": result.mileage.units if result.mileage else None,
                   "od": result.modifiers.origin_destination, "other": result.modifiers.other,
                   "dx": [d.code for d in result.diagnoses], "necessity": result.necessity.documented,
                   "flags": sorted(f.id for f in result.flags)}
            print(f"\n{rid}: wrong {wrong}\n  expected {json.dumps({k: expected[k] for k in expected if k != 'why'})}"
                  f"\n  got      {json.dumps(got)}\n  why      {expected.get('why', '')}")
    return 1 if upcodes else 0


def _report(correct: Counter, total: int, confusion: Counter, upcodes: list) -> None:
    print(f"{total} PCRs\n\n| field | accuracy |\n|---|---:|")
    for field in ("level", "hcpcs", "mileage_hcpcs", "mileage_units", "od_modifier", "other_modifiers",
                  "primary_icd10", "necessity", "flags_include", "flags_exclude"):
        print(f"| {field} | {correct[field] / total:.1%} ({correct[field]}/{total}) |")
    labels = sorted({label for pair in confusion for label in pair}, key=lambda l: (LEVEL_RANK.get(l, 9), l))
    print("\nLevel confusion (rows expected, columns emscoder)\n\n| expected \\ got | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    for row in labels:
        print(f"| {row} | " + " | ".join(str(confusion[row, col] or "") for col in labels) + " |")
    print(f"\nUpcodes: {len(upcodes)}")
    for rid, expected, got, why in upcodes:
        print(f"- {rid}: expected {expected}, got {got}: {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    raise SystemExit(evaluate(args.file, args.show_errors))


if __name__ == "__main__":
    main()
