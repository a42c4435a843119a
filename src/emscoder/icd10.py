"""ICD-10-CM look-ups through the simple-icd-10-cm code set, imported lazily (it takes ~2.5 s)."""
from __future__ import annotations

import warnings
from functools import lru_cache


@lru_cache(maxsize=1)
def _codeset():
    with warnings.catch_warnings():  # the library loads its data through deprecated importlib APIs
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

        simple_icd_10_cm.is_valid_item("A00")  # forces the data load inside the filter
    return simple_icd_10_cm


@lru_cache(maxsize=4096)
def describe(code: str) -> str | None:
    """The official description of an ICD-10-CM code or category, or None when it does not exist."""
    codeset = _codeset()
    normalized = code.strip().upper()
    return codeset.get_description(normalized) if codeset.is_valid_item(normalized) else None



@lru_cache(maxsize=4096)
def is_billable(code: str) -> bool:
    """True for a valid ICD-10-CM code that is billable (a leaf of the code tree, not a category)."""
    codeset = _codeset()
    normalized = code.strip().upper()
    return bool(codeset.is_valid_item(normalized) and codeset.is_leaf(normalized))
