"""medspaCy's clinical tokenizer (`medspacy.custom_tokenizer.create_medspacy_tokenizer`), registered as a
spaCy tokenizer factory so a pipeline builds it once, without importing medspaCy or building spaCy's
default English tokenizer first (each build costs about 0.25 s of cold start).

Same rules as medspaCy 1.3.1: spaCy's English prefixes, suffixes, exceptions and token_match, no
url_match, and every ASCII punctuation character except "." as an extra infix ("c/o" -> c / o,
"chf+cp" -> chf + cp, while "1.5" stays whole). A test checks both give the same tokens. It also
keeps the input text on the Doc (`docview.doc_text`).
"""
from __future__ import annotations

import re
import string
from typing import Callable

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from emscoder.nlp.docview import TEXT_KEY

TOKENIZER = "emscoder.medspacy_tokenizer.v1"


class TextKeepingTokenizer(Tokenizer):
    """A spaCy Tokenizer that also stores the text it was given in `doc.user_data` (see `docview`),
    so components need not rebuild `doc.text` from the tokens."""

    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        doc.user_data[TEXT_KEY] = text
        return doc


def medspacy_tokenizer(nlp: Language) -> Tokenizer:
    """The medspaCy tokenizer for `nlp`'s language defaults."""
    defaults = nlp.Defaults
    infixes = list(defaults.infixes) + [r"""[{}]""".format(re.escape(string.punctuation.replace(".", "")))]
    return TextKeepingTokenizer(nlp.vocab, dict(defaults.tokenizer_exceptions),
                                prefix_search=compile_prefix_regex(defaults.prefixes).search,
                                suffix_search=compile_suffix_regex(defaults.suffixes).search,
                                infix_finditer=compile_infix_regex(infixes).finditer,
                                token_match=defaults.token_match)


@registry.tokenizers(TOKENIZER)
def create_medspacy_tokenizer() -> Callable[[Language], Tokenizer]:
    return medspacy_tokenizer
