"""Defer importing nltk until something uses it.

The rule loader uses medspaCy's TargetRule and ConTextRule classes, and `import medspacy` imports
QuickUMLS (`medspacy.util` registers its spaCy factory), whose `import nltk` pulls in scipy.stats and
scikit-learn: about 1.2 s of every cold start, for a component this project never uses.

`defer("nltk")` puts a stand-in module in `sys.modules`: `import nltk` binds it without running
nltk, and the first attribute anyone reads from it (`nltk.corpus`, `from nltk import x`, a submodule
import) imports the real nltk, which then answers every later read. (importlib's LazyLoader cannot be
used: on Python 3.11 the import system itself reads `__spec__` on every `import`, which loads it.)
Nothing changes for code that uses nltk; it only pays for nltk when it does.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types

DEFERRED = ("nltk",)


class _Deferred(types.ModuleType):
    """A module whose attributes come from the real module, imported on first use."""

    def __getattr__(self, attr: str):  # called only for attributes the stand-in does not have
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def defer(name: str) -> None:
    """Make `import name` cheap until the module is used (no-op if already imported or absent)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec  # what `import` reads; the real module's spec, so nothing else differs
    stand_in.__loader__ = spec.loader
    sys.modules[name] = stand_in


for _name in DEFERRED:
    defer(_name)
