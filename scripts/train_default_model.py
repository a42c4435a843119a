"""Re-create the shipped sufficiency model, models/default, from scratch (deterministic).

Usage: python scripts/train_default_model.py [-o models/default]

1. Generates the training corpus (4,000 PCRs, seed 7) and the generated test set (1,000, seed 8) into
   a temporary folder (they are not committed: corpora/DATASHEET.md).
2. Trains on the generated PCRs plus the hand-written `dev` split (`emscoder train ... --holdout-split
   test`): the hand-written `test` split is never trained or tuned on.
3. Evaluates once on the hand-written test split and once on the generated seed-8 set, recording both
   in the model's meta.json, metrics.json and card.md.
Run it again after changing the NLP or rule stages (the features come from them).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import generate_corpus  # sibling script: a script's own folder is first on sys.path

from emscoder.scoring.evaluate import format_metrics
from emscoder.scoring.persist import read_meta, write_meta
from emscoder.scoring.workflow import evaluate_model, train_model

REPO = Path(__file__).resolve().parent.parent
HANDWRITTEN = REPO / "corpora" / "sufficiency" / "handwritten.jsonl"
TRAIN_SET, TEST_SET = (4000, 7), (1000, 8)  # (n, seed)
# Part of the record of this design, whatever the numbers of a later retraining (README "Sufficiency classifier").
TEST_SPLIT_NOTE = (
    "Note: during the development of this model design the hand-written test split was scored more than once. "
    "The first design (a finding's value = its number of mentions) scored AUROC 0.940, F1 0.875, Brier 0.093; "
    "its errors showed repeated mentions adding up, the features became indicators (checked on the dev split "
    "and by cross-validation), and the split was scored again, as it is after every retraining for NLP or rule "
    "changes. Its numbers are therefore not a pristine first look.")


def generate(folder: Path, n: int, seed: int) -> Path:
    """Write the generated corpus (n, seed) to folder; the file name goes into meta.json."""
    path = folder / f"generated-n{n}-seed{seed}.jsonl"
    if generate_corpus.main(["--n", str(n), "--seed", str(seed), "-o", str(path)]) != 0:
        sys.exit(f"corpus generation failed: n={n} seed={seed}")
    return path


def progress(what: str, done: int, total: int) -> None:
    if done == total or done % 500 == 0:
        print(f"  {what}: {done}/{total}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=REPO / "models" / "default", help="model folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        train_file, test_file = generate(Path(tmp), *TRAIN_SET), generate(Path(tmp), *TEST_SET)
        folder, trained = train_model([train_file, HANDWRITTEN], args.output, name="default",
                                      holdout_split="test", progress=progress)
        print(format_metrics("cross-validated (generated seed 7 + hand-written dev)", trained.cross_validated))
        held_out = [([HANDWRITTEN], "test", "hand-written test split"),
                    ([test_file], None, "generated, seed 8 (in-distribution)")]
        for files, split, name in held_out:
            result = evaluate_model(files, folder, split=split, name=name, trust=True, progress=progress)
            print(format_metrics(f"held out: {name}", result.metrics))
    meta = read_meta(folder)
    meta["notes"] = [TEST_SPLIT_NOTE]
    write_meta(folder, meta)
    print(f"model written to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
