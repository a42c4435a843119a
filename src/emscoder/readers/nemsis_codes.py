"""NEMSIS code lists (generated from the public data dictionary) and our hand-written code map."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from emscoder.resources import load_json_resource, load_tsv_resource

_SHORT_UNIT = re.compile(r"\(([^)]+)\)\s*$")


@dataclass(frozen=True)
class NemsisCodes:
    """Labels for coded NEMSIS values and their mapping onto input-record values."""

    enumerations: dict[str, dict[str, str]]
    attributes: dict[str, str]
    mapping: dict[str, Any]
    procedures: dict[str, dict[str, str]]
    medications: dict[str, dict[str, str]]

    def label(self, element: str, code: str | None) -> str | None:
        if not code:
            return None
        return self.enumerations.get(element, {}).get(code, code)

    def mapped(self, table: str, code: str | None) -> Any:
        return self.mapping[table].get(code) if code else None

    def procedure_name(self, code: str) -> str:
        row = self.procedures.get(code)
        return row["label"] if row else f"SNOMED CT {code}"

    def medication_name(self, code: str) -> str:
        row = self.medications.get(code)
        return row["label"] if row else f"RxNorm {code}"

    def dose_unit(self, code: str | None) -> str | None:
        """`Milligrams (mg)` -> `mg`; the short form a coder reads on a claim."""
        label = self.label("eMedications.06", code)
        match = _SHORT_UNIT.search(label or "")
        return match.group(1) if match else label

    def place_from_location_code(self, y92: str | None) -> str | None:
        """Longest-prefix match of an ICD-10 Y92 incident-location code onto a place type."""
        if not y92:
            return None
        prefixes = self.mapping["scene_location_prefix"]
        for length in range(len(y92), 0, -1):
            if y92[:length] in prefixes:
                return prefixes[y92[:length]]
        return None


@lru_cache(maxsize=1)
def nemsis_codes() -> NemsisCodes:
    enums = load_json_resource("nemsis/enumerations.json")
    return NemsisCodes(
        enumerations=enums["elements"],
        attributes=enums["attributes"],
        mapping=load_json_resource("nemsis/mapping.json"),
        procedures=load_tsv_resource("vocab/nemsis_procedures.tsv", "code"),
        medications=load_tsv_resource("vocab/nemsis_medications.tsv", "code"),
    )
