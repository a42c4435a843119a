"""Code the NEMSIS v3.5.1 compliance cases end to end and report where emscoder's level disagrees with
the crew's ePayment.50 (claimed level), and why. Reads ../shared; nothing is copied into the repo.
Usage: python scripts/nemsis_disagreements.py [NEMSIS_DIR]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from emscoder.coder import code
from emscoder.model import PCR
from emscoder.readers import read_inputs

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "external" / "nemsis-v3.5.1"


def coded_cases(nemsis: Path) -> list[dict]:
    """One row per compliance case: claimed vs coded level, and the reasons."""
    index = json.loads((nemsis / "compliance-pretesting" / "index.json").read_text())
    rows = []
    for case in (row for row in index if row["set"] == "full"):
        for item in read_inputs([nemsis / case["file"]]):
            if not isinstance(item, PCR):
                continue
            result = code(item)
            rows.append({"case": case["case_id"], "claimed": item.claimed_level, "coded": result.level.label,
                         "hcpcs": result.level.hcpcs, "rule": result.level.rule_id, "why": result.level.rationale,
                         "not_higher": result.level.not_higher_because[:3],
                         "flags": sorted(f.id for f in result.flags)})
    return rows


def main() -> None:
    nemsis = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    rows = coded_cases(nemsis)
    disagree = [r for r in rows if r["claimed"] and r["claimed"] != r["coded"]]
    print(f"{len(rows)} cases coded; {sum(1 for r in rows if r['claimed'])} with a claimed level; {len(disagree)} disagree\n")
    print("| case | claimed (ePayment.50) | emscoder | rule | why / not higher because |\n|---|---|---|---|---|")
    for r in disagree:
        print(f"| {r['case']} | {r['claimed']} | {r['coded']} ({r['hcpcs']}) | {r['rule']} | {r['why']} {'; '.join(r['not_higher'])} |")


if __name__ == "__main__":
    main()
