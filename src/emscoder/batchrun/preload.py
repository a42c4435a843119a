"""Imported by the forkserver that forks the batch workers: builds the pipeline, rules, code sets and
model once, so every worker forked from it starts warm and shares those pages until it writes them.

`gc.freeze()` then moves everything built so far out of the garbage collector's sight: collections in
the workers no longer walk (and so no longer write to, and copy) the hundreds of thousands of shared
objects. A failure here is ignored on purpose: each worker warms up again in its initializer, and
that is where an error (a broken installation) is reported to the parent.
"""
import gc

from emscoder.batchrun.worker import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001, S110  see the module docstring
    pass
gc.freeze()
