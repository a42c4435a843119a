"""Build emscoder's NEMSIS vocabularies from the public NEMSIS v3.5.1 reference material.

Reads ../shared/external/nemsis-v3.5.1 (defined lists, data-dictionary enumerations) and writes our own
derived files (code -> label only, for the elements the NEMSIS reader uses):
  src/emscoder/resources/vocab/nemsis_procedures.tsv   SNOMED CT code, label, category
  src/emscoder/resources/vocab/nemsis_medications.tsv  RxNorm code, label, generic name
  src/emscoder/resources/nemsis/enumerations.json      element -> {code: label}, plus PN/NV attribute codes
Rerun after a NEMSIS update:  python scripts/build_nemsis_vocab.py [--nemsis DIR]
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "src" / "emscoder" / "resources"
DEFAULT_NEMSIS = ROOT.parent / "shared" / "external" / "nemsis-v3.5.1"
ELEMENTS = [
    "eResponse.05", "eResponse.07", "eResponse.23", "eCrew.02", "eCrew.03", "eDispatch.01",
    "eDisposition.21", "eDisposition.30", "eMedications.02", "eMedications.04", "eMedications.06",
    "eMedications.10", "eProcedures.02", "eProcedures.06", "eProcedures.10", "ePayment.01",
    "ePayment.02", "ePayment.40", "ePayment.47", "ePayment.50", "eOther.12", "eOther.13", "eOther.15",
]
ATTRIBUTE_PREFIXES = ("7701", "8801")


def read_pipe_table(path: Path) -> list[list[str]]:
    """The data dictionary's ancillary files: fields quoted with ' and separated by |."""
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
        rows.append([field.strip("'") for field in line.rstrip("|").split("'|'")])
    return rows


def build_enumerations(nemsis: Path) -> dict:
    ancillary = nemsis / "data-dictionary" / "ancillary"
    elements: dict[str, dict[str, str]] = {e: {} for e in ELEMENTS}
    for _dataset, element, _name, code, label in read_pipe_table(ancillary / "EMSDataSet_ElementEnumerations.txt"):
        if element in elements:
            elements[element][code] = label
    attributes = {}
    for row in read_pipe_table(ancillary / "Combined_AttributeEnumerations.txt"):
        if row[0] == "EMSDataSet" and row[2].startswith(ATTRIBUTE_PREFIXES):
            attributes[row[2]] = row[3]
    return {"schema_version": 1, "nemsis_version": "3.5.1", "elements": elements, "attributes": attributes}


def write_defined_list(src: Path, dest: Path, columns: list[str], header: list[str]) -> int:
    with src.open(encoding="utf-8-sig", newline="") as handle:
        rows = [[row[c].strip() for c in columns] for row in csv.DictReader(handle)]
    rows.sort(key=lambda r: r[0])
    dest.write_text("\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nemsis", type=Path, default=DEFAULT_NEMSIS)
    nemsis = parser.parse_args().nemsis
    lists = nemsis / "defined-lists"
    n_proc = write_defined_list(lists / "Procedure" / "Procedure.csv", RESOURCES / "vocab" / "nemsis_procedures.tsv",
                                ["Value", "SuggestedLabel", "Category"], ["code", "label", "category"])
    n_med = write_defined_list(lists / "Medication" / "Medication.csv", RESOURCES / "vocab" / "nemsis_medications.tsv",
                               ["Value", "SuggestedLabel", "SourceLabel"], ["code", "label", "generic"])
    enums = build_enumerations(nemsis)
    out = RESOURCES / "nemsis" / "enumerations.json"
    out.write_text(json.dumps(enums, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{n_proc} procedures, {n_med} medications, {len(enums['elements'])} elements, "
          f"{len(enums['attributes'])} attribute codes")


if __name__ == "__main__":
    main()
