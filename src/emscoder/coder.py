"""The one place that joins the stages: PCR -> CodingResult.

Stages plug in here as they are built; a result lists the stages that ran in `stages`, so "not run
yet" is never mistaken for "found nothing". Built so far: `findings` (the NLP stage), `rules` and
`score` (the documentation-sufficiency classifier, when a model is installed).

The classifier model is the repository's `models/default`, or the folder named by the environment
variable EMSCODER_MODEL (outside `models/` it also needs EMSCODER_TRUST_MODEL=1, because a model
file can run code when loaded). It is loaded once per process; without a model, `score` is skipped.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice

from emscoder import __version__
from emscoder.errors import CodingFailed
from emscoder.model import PCR, CodingResult, Finding, Versions
from emscoder.nlp.findings import extract_findings
from emscoder.nlp.rules import context_rules, frame_rules, section_rules, target_rules
from emscoder.rules import RuleOutcome, apply_rules
from emscoder.rules.loader import default_rulebook
from emscoder.scoring.scorer import Scorer

STAGES: tuple[str, ...] = ("findings", "rules")
SCORE_STAGE = "score"
MODEL_ENV, TRUST_ENV = "EMSCODER_MODEL", "EMSCODER_TRUST_MODEL"


def stage_versions() -> str:
    """Versions of the rule and NLP resources (also recorded with a trained model)."""
    return (f"billing {default_rulebook().version}, nlp-targets {target_rules()[0]}, "
            f"nlp-context {context_rules()[0]}, nlp-sections {section_rules()[0]}, nlp-frames {frame_rules()[0]}")


@lru_cache(maxsize=1)
def default_scorer() -> Scorer | None:
    """The classifier used by `code`: EMSCODER_MODEL or models/default; None when neither exists.
    A model that exists but fails its checks raises ModelError (never silently unscored)."""
    from emscoder.scoring.persist import load_model, trusted_models_dir

    chosen = os.environ.get(MODEL_ENV)
    folder = chosen or trusted_models_dir() / "default"
    if not chosen and not (folder / "model.joblib").is_file():
        return None
    return load_model(folder, trust=os.environ.get(TRUST_ENV) == "1").scorer()


def _versions(scorer: Scorer | None) -> Versions:
    return Versions(emscoder=__version__, rules=stage_versions(), model=scorer.name if scorer else None)


def decide(pcr: PCR) -> tuple[list[Finding], RuleOutcome]:
    """The NLP and rule stages for one PCR (also what the classifier's features are built from)."""
    findings = extract_findings(pcr.narrative)
    return findings, apply_rules(pcr, findings)


def code(pcr: PCR) -> CodingResult:
    """Code one PCR with every stage available in this version."""
    findings, outcome = decide(pcr)
    scorer = default_scorer()
    sufficiency = scorer.score(pcr, findings, outcome) if scorer else None
    return CodingResult(id=pcr.id, versions=_versions(scorer), stages=[*STAGES, SCORE_STAGE] if scorer else list(STAGES),
                        level=outcome.level, mileage=outcome.mileage, modifiers=outcome.modifiers,
                        diagnoses=outcome.diagnoses, necessity=outcome.necessity, flags=outcome.flags,
                        findings=findings, sufficiency=sufficiency, claim=outcome.claim, pcr=pcr)


def code_many(pcrs: Iterable[PCR], workers: int = 1, chunk_size: int = 128) -> Iterator[CodingResult]:
    """Code a stream of PCRs, in input order; `workers` > 1 codes chunks in worker processes (the
    batch runner's pool). A PCR the stages raise on raises CodingFailed (naming its id, never its
    text). With workers > 1, call this under `if __name__ == "__main__":`."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers == 1:
        yield from (code(pcr) for pcr in pcrs)
        return
    from emscoder.batchrun.chunks import Chunk  # imported here: the batch runner itself imports this module
    from emscoder.batchrun.engine import map_chunks
    from emscoder.batchrun.worker import Failed

    stream = iter(pcrs)
    chunks = (Chunk(first=0, items=items) for items in iter(lambda: list(islice(stream, chunk_size)), []))
    for chunk, outcomes in map_chunks(chunks, workers):
        for pcr, outcome in zip(chunk.pcrs, outcomes):
            if isinstance(outcome, Failed):
                raise CodingFailed(outcome.reason, record_id=pcr.id)
            yield CodingResult.model_validate_json(outcome.line)
