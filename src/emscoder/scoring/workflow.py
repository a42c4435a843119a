"""What `emscoder train` and `emscoder evaluate` do, as importable functions (the CLI only prints)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


from emscoder.scoring.corpus import load_corpus
from emscoder.scoring.evaluate import compute_metrics
from emscoder.scoring.persist import METRICS_FILE, LoadedModel, load_model, record_evaluation, save_model, write_json
from emscoder.scoring.train import Progress, TrainConfig, TrainedModel, featurize, no_progress, train


def stages_version() -> str:
    """Versions of the NLP and rule stages that produce the features (recorded in meta.json)."""
    from emscoder.coder import stage_versions

    return stage_versions()


def train_model(corpus_paths: Sequence[str | Path], output: str | Path, *, name: str | None = None,
                holdout_split: str | None = "test", config: TrainConfig = TrainConfig(),
                progress: Progress = no_progress) -> tuple[Path, TrainedModel]:
    """Train on the labelled JSONL files (leaving out records whose `split` is `holdout_split`) and
    write the model folder. Returns the folder and the trained model (with cross-validated metrics)."""
    corpus = load_corpus(corpus_paths, exclude_split=holdout_split)
    trained = train(corpus, config, progress)
    trained.corpus["held_out_split"] = holdout_split
    folder = save_model(trained, Path(output), name=name, stages=stages_version())
    return folder, trained


@dataclass
class Evaluation:
    """One held-out evaluation: its name, metrics, the model's cross-validated metrics and where it was written."""

    name: str
    metrics: dict
    cross_validated: dict
    model: LoadedModel
    written_to: Path
    warnings: list[str]


def evaluation_name(corpus_paths: Sequence[str | Path], split: str | None) -> str:
    """Default name of an evaluation in the model card: the file names and the split."""
    names = ", ".join(Path(p).name for p in corpus_paths)
    return f"{names} (split {split})" if split else names


def evaluate_model(corpus_paths: Sequence[str | Path], model_dir: str | Path, *, split: str | None = None,
                   name: str | None = None, out: str | Path | None = None, trust: bool = False,
                   progress: Progress = no_progress) -> Evaluation:
    """Score a labelled corpus the model was not trained on. With `out`, the metrics go to that JSON
    file; otherwise they are recorded in the model folder (metrics.json, meta.json, card.md)."""
    model = load_model(model_dir, trust=trust)
    corpus = load_corpus(corpus_paths, only_split=split)
    rows = featurize(corpus.records, progress)
    probabilities = model.pipeline.predict_proba(rows)[:, 1]
    metrics = compute_metrics(corpus.labels, probabilities, model.threshold, [r.reason for r in corpus.records])
    name = name or evaluation_name(corpus_paths, split)
    cross_validated = model.meta["metrics"].get("cross_validated", {})
    if out is not None:
        out = Path(out)
        write_json(out, {"model": model.name, "cross_validated": cross_validated,
                         "held_out": {name: {"corpus": corpus.describe(), **metrics}}})
    else:
        record_evaluation(model, name, metrics, corpus.describe())
        out = model.folder / METRICS_FILE
    return Evaluation(name=name, metrics=metrics, cross_validated=cross_validated, model=model, written_to=out,
                      warnings=overlap_warnings(model.meta, corpus.describe(), split))


def overlap_warnings(meta: dict, corpus: dict, split: str | None) -> list[str]:
    """Evaluation files that the model was trained on (same sha256), unless only their held-out split is used."""
    training = meta.get("corpus") or {}
    trained_on = {f["sha256"]: f["file"] for f in training.get("files", []) if f.get("records")}
    held_out = training.get("held_out_split")
    return [f"{f['file']} was part of the training corpus; these metrics are not held out"
            for f in corpus["files"] if f["sha256"] in trained_on and (split is None or split != held_out)]
