"""The pure map at the heart of a batch: a chunk of PCRs in, their result lines out.

The same functions run in the main process (`--workers 1`) and in worker processes, so the output
is byte-identical whatever the number of workers. Workers build the pipeline once, in `init_worker`.
"""
from __future__ import annotations

import signal
import traceback
from typing import NamedTuple

from emscoder.errors import WorkerError
from emscoder.model import PCR, CodingResult

WARM_UP = PCR(id="warm-up", narrative="Pt c/o chest pain. 18g IV L AC. Transported to hospital.")


class Digest(NamedTuple):
    """The few fields of a result that the summary and the CSV need (small to send between processes)."""

    id: str
    level_hcpcs: str | None
    level: str | None
    mileage_hcpcs: str | None
    mileage_units: float | None
    od_modifier: str | None
    primary_icd10: str | None
    necessity_met: bool | None
    flags: tuple[str, ...]
    error_free: bool
    score: float | None
    score_label: str | None


class Coded(NamedTuple):
    """One coded PCR: its complete JSON line (no newline) and its digest."""

    line: str
    digest: Digest


class Failed(NamedTuple):
    """A PCR the coding stages raised on; `reason` names the exception type and place, never data."""

    reason: str


Outcome = Coded | Failed


def digest(result: CodingResult) -> Digest:
    """The summary/CSV view of a result; `score` is None until the scoring stage has run."""
    primary = next((d.code for d in result.diagnoses if d.role == "primary"), None)
    level, mileage, suff = result.level, result.mileage, result.sufficiency
    return Digest(
        id=result.id, level_hcpcs=level.hcpcs if level else None, level=level.label if level else None,
        mileage_hcpcs=mileage.hcpcs if mileage else None, mileage_units=mileage.units if mileage else None,
        od_modifier=result.modifiers.origin_destination if result.modifiers else None, primary_icd10=primary,
        necessity_met=result.necessity.documented if result.necessity else None,
        flags=tuple(f.id for f in result.flags), error_free=not any(f.severity == "error" for f in result.flags),
        score=suff.score if suff else None, score_label=suff.label if suff else None)


def _failure_reason(exc: BaseException) -> str:
    # The message may quote the narrative (PHI): report only the type and where it was raised.
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rpartition('/')[2]}:{frames[-1].lineno}" if frames else ""
    return f"coding failed: internal error {type(exc).__name__}{where}"


def code_one(pcr: PCR) -> Outcome:
    """Code one PCR; any exception becomes a `Failed` outcome so the batch goes on."""
    from emscoder.coder import code  # imported here: the parent of a worker pool never needs spaCy

    try:
        result = code(pcr)
    except Exception as exc:  # noqa: BLE001  one bad record must never stop the batch
        return Failed(_failure_reason(exc))
    return Coded(result.model_dump_json(), digest(result))


def code_chunk(pcrs: list[PCR]) -> list[Outcome]:
    """Code a chunk of PCRs, in order (the unit of work sent to a worker process)."""
    if _INIT_ERROR is not None:
        raise _INIT_ERROR
    return [code_one(pcr) for pcr in pcrs]


_INIT_ERROR: Exception | None = None


def warm_up() -> None:
    """Build the pipeline, rules and model now, so the first chunk is not slow (and errors show early)."""
    from emscoder.coder import code

    code(WARM_UP)  # unlike code_one this raises: a broken installation must stop the run


def init_worker() -> None:
    """Pool initializer: Ctrl-C is the parent's to handle; build everything once per process."""
    global _INIT_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        warm_up()
    except Exception as exc:  # noqa: BLE001  re-raised with the first chunk, where the parent sees it
        # A plain one-argument error always survives the trip back to the parent (pickling).
        _INIT_ERROR = WorkerError(f"a worker could not start: {type(exc).__name__}: {exc}")
