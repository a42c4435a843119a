"""Build the EMS pipeline once per process: medspaCy tokenizer, EMS sentence splitter, target matcher,
and medspaCy ConText with the EMS modifier rules."""
from __future__ import annotations

import warnings
from functools import lru_cache

import spacy
from spacy.language import Language

from emscoder.nlp.components import SPAN_GROUP  # importing registers the factories
from emscoder.nlp.regex_matcher import LowercaseRegexMatcher
from emscoder.nlp.rules import context_rules


# ConText's internal token Matcher is empty because every EMS modifier rule is a literal; spaCy warns
# about that on every document.
warnings.filterwarnings("ignore", message=r"\[W036\]")


def build_pipeline() -> Language:
    """A fresh pipeline; use `pipeline()` for the shared per-process instance."""
    from medspacy.custom_tokenizer import create_medspacy_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = create_medspacy_tokenizer(nlp)
    nlp.add_pipe("ems_sentencizer")
    nlp.add_pipe("ems_target_matcher")
    context = nlp.add_pipe("medspacy_context", config={"rules": None, "span_attrs": None,
                                                        "input_span_type": "group", "span_group_name": SPAN_GROUP})
    # medspaCy's ConText keeps its regex matcher private; swap in the faster drop-in before adding rules.
    context._ConText__matcher._MedspacyMatcher__regex_matcher = LowercaseRegexMatcher(nlp.vocab)
    context.add(list(context_rules()[1]))
    return nlp


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The per-process pipeline (built on first use)."""
    return build_pipeline()
