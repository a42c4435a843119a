"""Build the EMS pipeline once per process: medspaCy's clinical tokenizer, EMS sentence splitter,
sectionizer, target matcher and ConText (`ems_context`, medspaCy's algorithm) with the EMS modifier rules."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from emscoder.nlp import context as _context  # noqa: F401  importing registers the factories
from emscoder.nlp import sections as _sections  # noqa: F401
from emscoder.nlp.components import SPAN_GROUP
from emscoder.nlp.tokenizer import TOKENIZER


def build_pipeline(span_group: bool = False, lead_in_blocks: bool = True) -> Language:
    """A fresh pipeline; use `pipeline()` for the shared per-process instance. Targets and their
    modifiers are read through `findings_from_doc`; `span_group=True` also writes them as Spans into
    `doc.spans["ems_targets"]` (for other spaCy code; it costs about 10% of the pipeline).
    `lead_in_blocks=False` keeps medspaCy's ConText scopes exactly (a line ending in a colon then does
    not pass its modifiers to the lines below)."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.add_pipe("ems_sentencizer")
    nlp.add_pipe("ems_sectionizer")
    nlp.add_pipe("ems_target_matcher", config={"span_group": span_group})
    # findings read the per-doc modifier index; span._.ems_modifiers reads it too
    nlp.add_pipe("ems_context", config={"span_group_name": SPAN_GROUP, "span_modifiers": False,
                                        "lead_in_blocks": lead_in_blocks})
    return nlp


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The per-process pipeline (built on first use)."""
    return build_pipeline()
