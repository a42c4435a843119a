"""The one place that joins the stages: PCR -> CodingResult.

Stages (NLP findings, rules, sufficiency score) plug in here as they are built; a result lists the
stages that ran in `stages`, so "not run yet" is never mistaken for "found nothing".
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from emscoder import __version__
from emscoder.model import PCR, CodingResult, Versions

STAGES: tuple[str, ...] = ()


def code(pcr: PCR) -> CodingResult:
    """Code one PCR with every stage available in this version."""
    return CodingResult(id=pcr.id, versions=Versions(emscoder=__version__), stages=list(STAGES), pcr=pcr)


def code_many(pcrs: Iterable[PCR], workers: int = 1) -> Iterator[CodingResult]:
    """Code a stream of PCRs, in input order. `workers` > 1 is reserved for the parallel batch path."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    for pcr in pcrs:
        yield code(pcr)
