"""Access to packaged data files under `emscoder/resources/` (vocabularies, code maps, rules)."""
from __future__ import annotations

import csv
import json
from importlib import resources
from typing import Any

from emscoder.errors import ResourceError


def resource_text(relative: str) -> str:
    """The UTF-8 text of `resources/<relative>`; ResourceError naming the file when it is missing."""
    try:
        return resources.files("emscoder").joinpath("resources", relative).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ResourceError(f"resources/{relative}: cannot read packaged data file ({exc})") from None


def load_json_resource(relative: str, *, schema_version: int = 1) -> dict[str, Any]:
    """Load a JSON resource and check its `schema_version`."""
    try:
        data = json.loads(resource_text(relative))
    except json.JSONDecodeError as exc:
        raise ResourceError(f"resources/{relative}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if data.get("schema_version") != schema_version:
        raise ResourceError(f"resources/{relative}: schema_version {data.get('schema_version')!r}, "
                            f"expected {schema_version}")
    return data


def load_tsv_resource(relative: str, key: str) -> dict[str, dict[str, str]]:
    """Load a tab-separated resource with a header row into {row[key]: row}."""
    rows = csv.DictReader(resource_text(relative).splitlines(), delimiter="\t")
    table = {}
    for line_no, row in enumerate(rows, 2):
        if not row.get(key):
            raise ResourceError(f"resources/{relative}:{line_no}: empty {key!r} column")
        table[row[key]] = row
    return table
