"""Shared helpers for the tests of the sufficiency classifier: small generated corpora and one small
trained model per test session (training takes a few seconds)."""
from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import shutil
import tempfile
from pathlib import Path

from emscoder.scoring.train import TrainConfig

REPO = Path(__file__).resolve().parent.parent
HANDWRITTEN = REPO / "corpora" / "sufficiency" / "handwritten.jsonl"
SMALL = TrainConfig(folds=3, calibration_folds=3)


@functools.lru_cache(maxsize=1)
def generator():
    spec = importlib.util.spec_from_file_location("generate_corpus", REPO / "scripts" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_corpus(path: Path, n: int, seed: int) -> Path:
    """A generated labelled corpus of n PCRs."""
    path.write_text("".join(json.dumps(rec) + "\n" for rec, _ in generator().generate(n, seed)), encoding="utf-8")
    return path


@functools.lru_cache(maxsize=1)
def small_model() -> Path:
    """A model folder trained on 120 generated PCRs (outside models/: load it with trust=True)."""
    from emscoder.scoring.workflow import train_model

    folder = Path(tempfile.mkdtemp(prefix="emscoder-model-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    corpus = write_corpus(folder / "train.jsonl", 120, 11)
    train_model([corpus], folder / "small", config=SMALL)
    return folder / "small"
