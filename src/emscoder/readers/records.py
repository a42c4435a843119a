"""Turning a decoded JSON object into a validated PCR, with one-line error reasons."""
from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from emscoder.errors import RecordError
from emscoder.model import PCR, SourceRef

MAX_REASON_ERRORS = 3


def validation_reason(exc: ValidationError) -> str:
    """A one-line summary of a pydantic error: `field.path: message (got value)`; never the narrative."""
    parts = []
    for err in exc.errors()[:MAX_REASON_ERRORS]:
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown field (not part of the input record; put producer extras under 'extra')"
        elif loc != "narrative" and not isinstance(err.get("input"), (dict, list)) and "input" in err:
            message += f" (got {str(err['input'])[:60]!r})"
        parts.append(f"{loc}: {message}")
    more = len(exc.errors()) - MAX_REASON_ERRORS
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def record_from_object(obj: Any, *, path: str, position: int | None, fmt: str) -> PCR:
    """Validate one decoded JSON value as a PCR; raise RecordError naming file, position and id."""
    record_id = obj.get("id") if isinstance(obj, dict) else None
    record_id = record_id if isinstance(record_id, str) else None
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}", path=path, position=position)
    if "id" not in obj:
        raise RecordError("missing required field 'id'", path=path, position=position)
    data = dict(obj)
    data["source"] = {"file": path, "position": position, "format": fmt}
    try:
        return PCR.model_validate(data)
    except ValidationError as exc:
        raise RecordError(validation_reason(exc), path=path, position=position, record_id=record_id) from None


def text_record(record_id: str, narrative: str, *, path: str) -> PCR:
    """A narrative-only PCR (plain-text input)."""
    try:
        return PCR(id=record_id, narrative=narrative, source=SourceRef(file=path, format="text"))
    except ValidationError as exc:
        raise RecordError(validation_reason(exc), path=path, record_id=record_id) from None
