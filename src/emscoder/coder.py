"""The one place that joins the stages: PCR -> CodingResult.

Stages plug in here as they are built; a result lists the stages that ran in `stages`, so "not run
yet" is never mistaken for "found nothing". Built so far: `findings` (the NLP stage) and `rules`.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from emscoder import __version__
from emscoder.model import PCR, CodingResult, Versions
from emscoder.nlp.findings import extract_findings
from emscoder.nlp.rules import context_rules, target_rules
from emscoder.rules import apply_rules
from emscoder.rules.loader import default_rulebook

STAGES: tuple[str, ...] = ("findings", "rules")


def _versions() -> Versions:
    return Versions(emscoder=__version__, rules=f"billing {default_rulebook().version}, nlp-targets {target_rules()[0]}, "
                                                f"nlp-context {context_rules()[0]}")


def code(pcr: PCR) -> CodingResult:
    """Code one PCR with every stage available in this version."""
    findings = extract_findings(pcr.narrative)
    outcome = apply_rules(pcr, findings)
    return CodingResult(id=pcr.id, versions=_versions(), stages=list(STAGES), level=outcome.level,
                        mileage=outcome.mileage, modifiers=outcome.modifiers, diagnoses=outcome.diagnoses,
                        necessity=outcome.necessity, flags=outcome.flags, findings=findings, claim=outcome.claim, pcr=pcr)


def code_many(pcrs: Iterable[PCR], workers: int = 1) -> Iterator[CodingResult]:
    """Code a stream of PCRs, in input order. `workers` > 1 is reserved for the parallel batch path."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    for pcr in pcrs:
        yield code(pcr)
