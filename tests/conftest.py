"""Shared test helpers. Tests that need ../shared (public NEMSIS material) skip cleanly without it."""
from __future__ import annotations

from pathlib import Path

import pytest

from emscoder.errors import InputError
from emscoder.model import PCR
from emscoder.readers import SkippedFile, read_inputs

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NEMSIS_DIR = REPO.parent / "shared" / "external" / "nemsis-v3.5.1"


def require_nemsis() -> Path:
    """The NEMSIS reference folder, or skip the test saying why."""
    if not NEMSIS_DIR.is_dir():
        pytest.skip(f"NEMSIS reference material not found at {NEMSIS_DIR} (../shared is absent)")
    return NEMSIS_DIR


def read_all(*paths) -> tuple[list[PCR], list[InputError], list[SkippedFile]]:
    """Read inputs and split the stream into records, errors and skipped files."""
    pcrs, errors, skipped = [], [], []
    for item in read_inputs(paths):
        if isinstance(item, PCR):
            pcrs.append(item)
        elif isinstance(item, InputError):
            errors.append(item)
        else:
            skipped.append(item)
    return pcrs, errors, skipped
