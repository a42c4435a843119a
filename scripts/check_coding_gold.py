"""Validate the coding gold set (corpora/gold/coding/pcrs.jsonl): input records plus expected codes.

Usage: python scripts/check_coding_gold.py [FILE.jsonl]   (default: corpora/gold/coding/pcrs.jsonl)

Each line is an input PCR with one extra top-level key, `expected`. The script checks that
- the record minus `expected` validates as an input PCR (emscoder.readers.records.record_from_object);
- `expected` has exactly the documented keys, types and enum values;
- the HCPCS matches the level and the mileage code matches the level (ground/fixed/rotor);
- the mileage units equal the CMS-rounded odometer (at_scene -> at_destination) or loaded_miles value
  (< 100 mi: round UP to the tenth; >= 100 mi: round UP to the whole mile) whenever those are present;
- every primary ICD-10-CM code is a valid, billable (leaf) code;
- ids are unique and look like gold-coding-NNN;
- a handful of internal-consistency rules (O/D letters vs place types, claimed level vs
  possible_upcoding/possible_undercoding, no-transport/QL shape, crew and response-mode caps).
It prints a summary (counts per level, flag, modifier) and exits 1 when anything is wrong.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import Counter
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

try:
    import simple_icd_10_cm as cm

    from emscoder.errors import RecordError
    from emscoder.readers.records import record_from_object
except ImportError as exc:  # pragma: no cover - environment problem, not a data problem
    sys.exit(f"cannot import emscoder / simple_icd_10_cm ({exc}); install the package first: pip install -e .")

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "corpora" / "gold" / "coding" / "pcrs.jsonl"
ID_PATTERN = re.compile(r"^gold-coding-h?\d{3}$")

EXPECTED_KEYS = {
    "level", "hcpcs", "mileage_hcpcs", "mileage_units", "od_modifier", "other_modifiers",
    "primary_icd10", "necessity", "flags_include", "flags_exclude", "why",
}
LEVEL_HCPCS = {
    "BLS": "A0428", "BLS-emergency": "A0429", "ALS1": "A0426", "ALS1-emergency": "A0427",
    "ALS2": "A0433", "SCT": "A0434", "fixed-wing": "A0430", "rotor-wing": "A0431", "no-transport": "A0998",
}
GROUND_LEVELS = {"BLS", "BLS-emergency", "ALS1", "ALS1-emergency", "ALS2", "SCT"}
MILEAGE_HCPCS = {**{lvl: "A0425" for lvl in GROUND_LEVELS}, "fixed-wing": "A0435", "rotor-wing": "A0436"}
# Payment order (ground RVUs, CPM 20.1.4): BLS 1.00 < ALS1 1.20 < BLS-E 1.60 < ALS1-E 1.90 < ALS2 2.75 < SCT 3.25.
RVU = {"no-transport": 0.0, "BLS": 1.00, "ALS1": 1.20, "BLS-emergency": 1.60, "ALS1-emergency": 1.90,
       "ALS2": 2.75, "SCT": 3.25}
FLAGS = {
    "missing_signature", "missing_pickup_zip", "missing_destination_zip", "missing_mileage",
    "no_medical_necessity", "nonemergency_without_bed_confinement", "pcs_missing", "crew_level_mismatch",
    "narrative_structured_conflict", "possible_upcoding", "possible_undercoding",
}
OTHER_MODIFIERS = {"QL", "GY", "GM", "GA", "GZ", "GW", "QM", "QN"}
OD_LETTERS = set("DEGHIJNPRSX")
PLACE_LETTER = {
    "residence": "R", "scene": "S", "hospital": "H", "snf": "N", "nursing_home": "E",
    "dialysis_hospital_based": "G", "dialysis_freestanding": "J", "physician_office": "P",
    "diagnostic_site": "D", "transfer_site": "I",
}
FACILITY_TYPES = {"hospital", "snf", "nursing_home", "dialysis_hospital_based", "dialysis_freestanding",
                  "diagnostic_site", "physician_office"}
ALS_ROLES = {"Paramedic", "RN", "Physician"}
DATE_MIN, DATE_MAX = dt.date(2024, 1, 1), dt.date(2026, 12, 31)
WORDS_MIN, WORDS_MAX = 60, 400


def cms_round(miles: Decimal) -> Decimal:
    """CMS fractional mileage (CR 7065): < 100 round up to the tenth, >= 100 round up to the whole mile."""
    if miles < 100:
        return miles.quantize(Decimal("0.1"), rounding=ROUND_CEILING)
    return miles.quantize(Decimal("1"), rounding=ROUND_CEILING)


def structured_miles(record: dict) -> tuple[Decimal | None, str]:
    """Raw loaded miles from the structured fields, and which field they came from."""
    odo = record.get("odometer") or {}
    scene, dest = odo.get("at_scene"), odo.get("at_destination")
    loaded = record.get("loaded_miles")
    odo_miles = Decimal(str(dest)) - Decimal(str(scene)) if scene is not None and dest is not None else None
    if odo_miles is not None and loaded is not None and cms_round(odo_miles) != cms_round(Decimal(str(loaded))):
        return None, f"odometer ({odo_miles}) and loaded_miles ({loaded}) disagree"
    if odo_miles is not None:
        return odo_miles, "odometer"
    if loaded is not None:
        return Decimal(str(loaded)), "loaded_miles"
    return None, "none"


def icd_problems(codes) -> list[str]:
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        return ["primary_icd10 must be a non-empty list of strings"]
    problems = []
    for code in codes:
        if not cm.is_valid_item(code):
            problems.append(f"ICD-10-CM {code!r} is not a valid code")
        elif not cm.is_leaf(code):
            problems.append(f"ICD-10-CM {code!r} is not billable (has children)")
    if len(set(codes)) != len(codes):
        problems.append("primary_icd10 has duplicates")
    return problems


def expected_shape_problems(exp: dict) -> list[str]:
    problems = []
    keys = set(exp)
    if keys != EXPECTED_KEYS:
        missing, extra = EXPECTED_KEYS - keys, keys - EXPECTED_KEYS
        if missing:
            problems.append(f"expected is missing {sorted(missing)}")
        if extra:
            problems.append(f"expected has unknown keys {sorted(extra)}")
        return problems
    level = exp["level"]
    if level not in LEVEL_HCPCS:
        return [f"unknown level {level!r}"]
    if exp["hcpcs"] != LEVEL_HCPCS[level]:
        problems.append(f"hcpcs {exp['hcpcs']!r} does not match level {level} ({LEVEL_HCPCS[level]})")
    mh, mu = exp["mileage_hcpcs"], exp["mileage_units"]
    if mh is not None and mh != MILEAGE_HCPCS.get(level):
        problems.append(f"mileage_hcpcs {mh!r} does not match level {level} ({MILEAGE_HCPCS.get(level)})")
    if mu is not None:
        if isinstance(mu, bool) or not isinstance(mu, (int, float)) or mu <= 0:
            problems.append(f"mileage_units must be a positive number or null, got {mu!r}")
        elif mh is None:
            problems.append("mileage_units given without mileage_hcpcs")
        else:
            d = Decimal(str(mu))
            if cms_round(d) != d:
                problems.append(f"mileage_units {mu} is not in CMS-rounded form (tenths < 100, whole miles >= 100)")
    od = exp["od_modifier"]
    if od is not None and not (isinstance(od, str) and len(od) == 2 and set(od) <= OD_LETTERS):
        problems.append(f"od_modifier {od!r} is not two origin/destination letters")
    elif od is not None and (od[0] == "X"):
        problems.append(f"od_modifier {od!r}: X is a destination-only letter")
    mods = exp["other_modifiers"]
    if not isinstance(mods, list) or not all(m in OTHER_MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        problems.append(f"other_modifiers {mods!r} must be a list of distinct values from {sorted(OTHER_MODIFIERS)}")
    problems += icd_problems(exp["primary_icd10"])
    if not isinstance(exp["necessity"], bool):
        problems.append("necessity must be true or false")
    for key in ("flags_include", "flags_exclude"):
        flags = exp[key]
        if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
            problems.append(f"{key} must be a list of strings")
            continue
        unknown = [f for f in flags if f not in FLAGS]
        if unknown:
            problems.append(f"{key} has flags outside the DESIGN.md vocabulary: {unknown}")
        if len(set(flags)) != len(flags):
            problems.append(f"{key} has duplicates")
    if isinstance(exp["flags_include"], list) and isinstance(exp["flags_exclude"], list):
        both = set(exp["flags_include"]) & set(exp["flags_exclude"])
        if both:
            problems.append(f"flags both included and excluded: {sorted(both)}")
    if not isinstance(exp["why"], str) or len(exp["why"].strip()) < 20:
        problems.append("why must be a sentence explaining the answer")
    return problems


def consistency_problems(record: dict, exp: dict) -> list[str]:
    """Cross-checks between the structured record and the expectation."""
    problems = []
    level, mods = exp["level"], exp["other_modifiers"]
    include, exclude = set(exp["flags_include"]), set(exp["flags_exclude"])
    transported = record.get("transported")
    ql = "QL" in mods

    # transport / no-transport / death shape
    if level == "no-transport":
        if transported is not False:
            problems.append("no-transport level but transported is not false")
        if "GY" not in mods:
            problems.append("no-transport (A0998) should carry GY")
    if ql and level not in ("BLS", "BLS-emergency", "fixed-wing", "rotor-wing"):
        problems.append("QL (death before loading) pays the BLS (or air) base rate only")
    if transported is False or level == "no-transport" or ql:
        if exp["mileage_hcpcs"] is not None or exp["mileage_units"] is not None:
            problems.append("no mileage may be billed when the patient was not transported")
        if ql and (not exp["od_modifier"] or exp["od_modifier"][0] != exp["od_modifier"][1]):
            problems.append("a QL claim still carries O/D (required on every claim); nobody was moved: origin letter twice")
        if not ql and exp["od_modifier"] is not None:
            problems.append("od_modifier must be null when the patient was not transported")
    elif transported is True:
        if exp["mileage_hcpcs"] is None:
            problems.append("transported record needs a mileage_hcpcs")
        if exp["od_modifier"] is None:
            problems.append("transported record needs an od_modifier")

    # mileage recomputation
    raw, source = structured_miles(record)
    if source.startswith("odometer (") or "disagree" in source:
        problems.append(source)
    elif raw is not None and transported is not False and not ql and level != "no-transport":
        want = cms_round(raw)
        got = exp["mileage_units"]
        if got is None or Decimal(str(got)) != want:
            problems.append(f"mileage_units {got} but {source} gives {raw} -> {want}")
    if exp["mileage_units"] is None and exp["mileage_hcpcs"] is not None and "missing_mileage" not in include:
        problems.append("mileage units unknown but missing_mileage is not in flags_include")
    if exp["mileage_units"] is not None and "missing_mileage" in include:
        problems.append("missing_mileage included but mileage_units given")

    # origin/destination letters vs structured place types
    od = exp["od_modifier"]
    if od and "narrative_structured_conflict" not in include:
        for pos, key in ((0, "origin"), (1, "destination")):
            place = record.get(key) or {}
            letter = PLACE_LETTER.get(place.get("type"))
            if letter and letter != od[pos]:
                problems.append(f"od_modifier {od}: {key} type {place.get('type')} maps to {letter}")

    # ZIP flags
    for key, flag in (("origin", "missing_pickup_zip"), ("destination", "missing_destination_zip")):
        place = record.get(key)
        zip_missing = place is None or not place.get("zip")
        needed = key == "origin" or transported is not False
        if needed and zip_missing and flag not in include:
            problems.append(f"{key} has no ZIP but {flag} is not in flags_include")
        if not zip_missing and flag in include:
            problems.append(f"{flag} included but {key} has a ZIP")

    # claimed level vs up/undercoding
    claimed = record.get("claimed_level")
    if claimed is None:
        for flag in ("possible_upcoding", "possible_undercoding"):
            if flag in include:
                problems.append(f"{flag} included but there is no claimed_level")
    elif claimed in RVU and level in RVU:
        if RVU[claimed] > RVU[level] and "possible_upcoding" not in include:
            problems.append(f"claimed {claimed} > expected {level} but possible_upcoding not included")
        if RVU[claimed] < RVU[level] and "possible_undercoding" not in include:
            problems.append(f"claimed {claimed} < expected {level} but possible_undercoding not included")
        if claimed == level and include & {"possible_upcoding", "possible_undercoding"}:
            problems.append("claimed level equals expected level but an up/undercoding flag is included")
    elif claimed != level and not include & {"possible_upcoding", "possible_undercoding"}:
        problems.append(f"claimed {claimed} differs from expected {level} without an up/undercoding flag")

    # level vs response mode, crew, places, unit
    mode = record.get("response_mode")
    if level in ("BLS-emergency", "ALS1-emergency") and mode == "non-emergency":
        problems.append(f"{level} needs an emergency response, record says non-emergency")
    if level in ("BLS", "ALS1") and mode == "emergency":
        problems.append(f"{level} (non-emergency) but the record says emergency response")
    roles = {c.get("role") for c in record.get("crew", [])}
    if level in ("ALS1", "ALS1-emergency", "ALS2", "SCT") and roles and not roles & ALS_ROLES:
        problems.append(f"{level} but no ALS-qualified crew member ({sorted(roles)})")
    if level == "SCT":
        for key in ("origin", "destination"):
            if (record.get(key) or {}).get("type") not in FACILITY_TYPES:
                problems.append(f"SCT needs an interfacility transport; {key} is not a facility")
    if level in ("fixed-wing", "rotor-wing") and record.get("unit_level") != level:
        problems.append(f"air level {level} but unit_level is {record.get('unit_level')!r}")
    if level in GROUND_LEVELS and record.get("unit_level") in ("fixed-wing", "rotor-wing"):
        problems.append("ground level on an air unit")
    if exp["necessity"] and "no_medical_necessity" in include:
        problems.append("necessity true but no_medical_necessity included")
    if not exp["necessity"] and level != "no-transport" and "no_medical_necessity" not in include:
        problems.append("necessity false on a transport but no_medical_necessity not included")
    if mode == "emergency" and include & {"nonemergency_without_bed_confinement", "pcs_missing"}:
        problems.append("emergency response cannot need bed confinement / PCS")
    if not include | exclude:
        problems.append("no flag expectations at all")

    # data hygiene
    words = len(record.get("narrative", "").split())
    if not WORDS_MIN <= words <= WORDS_MAX:
        problems.append(f"narrative has {words} words (want {WORDS_MIN}-{WORDS_MAX})")
    try:
        date = dt.date.fromisoformat(record.get("service_date") or "")
        if not DATE_MIN <= date <= DATE_MAX:
            problems.append(f"service_date {date} outside 2024-2026")
    except ValueError:
        problems.append("service_date missing or not YYYY-MM-DD")
    return problems


def check_file(path: Path) -> tuple[list[str], list[dict]]:
    problems: list[str] = []
    records: list[dict] = []
    seen: set[str] = set()
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{line_no}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{where}: not a JSON object")
            continue
        rid = obj.get("id")
        where += f" [{rid}]"
        if not isinstance(rid, str) or not ID_PATTERN.match(rid):
            problems.append(f"{where}: id must look like gold-coding-NNN (dev) or gold-coding-hNNN (held-out)")
        if rid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(rid)
        exp = obj.pop("expected", None)
        try:
            record_from_object(obj, path=str(path), position=line_no, fmt="jsonl")
        except RecordError as exc:
            problems.append(f"{where}: input record invalid: {exc.args[0] if exc.args else exc}")
        if not isinstance(exp, dict):
            problems.append(f"{where}: missing or non-object 'expected'")
            continue
        shape = expected_shape_problems(exp)
        problems += [f"{where}: {p}" for p in shape]
        if not shape:
            problems += [f"{where}: {p}" for p in consistency_problems(obj, exp)]
            records.append({**obj, "expected": exp})
    return problems, records


def summary(records: list[dict]) -> str:
    levels = Counter(r["expected"]["level"] for r in records)
    include = Counter(f for r in records for f in r["expected"]["flags_include"])
    exclude = Counter(f for r in records for f in r["expected"]["flags_exclude"])
    mods = Counter(m for r in records for m in r["expected"]["other_modifiers"])
    ods = Counter(r["expected"]["od_modifier"] or "-" for r in records)
    necessity = Counter(r["expected"]["necessity"] for r in records)
    sources = Counter(structured_miles(r)[1] if r["expected"]["mileage_units"] is not None else "no units"
                      for r in records)
    lines = [f"{len(records)} records"]
    lines.append("level:          " + ", ".join(f"{k} {levels[k]}" for k in LEVEL_HCPCS if levels[k]))
    lines.append("flags_include:  " + ", ".join(f"{f} {include[f]}" for f in sorted(FLAGS)))
    lines.append("flags_exclude:  " + ", ".join(f"{f} {exclude[f]}" for f in sorted(FLAGS)))
    lines.append("other mods:     " + (", ".join(f"{k} {v}" for k, v in sorted(mods.items())) or "none"))
    lines.append("O/D:            " + ", ".join(f"{k} {v}" for k, v in sorted(ods.items())))
    lines.append(f"necessity:      true {necessity[True]}, false {necessity[False]}")
    lines.append("mileage source: " + ", ".join(f"{k} {v}" for k, v in sorted(sources.items())))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_FILE
    if not path.is_file():
        print(f"no such file: {path}")
        return 1
    problems, records = check_file(path)
    for problem in problems:
        print(problem)
    print(summary(records))
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
