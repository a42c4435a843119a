"""Model folders: `model.joblib` (the fitted pipeline), `meta.json` (hashes, versions, threshold,
metrics) and `card.md` (the model card).

A joblib file is a pickle and can run code when loaded, so `load_model` reads nothing from
model.joblib until (1) the folder is trusted: inside this repository's `models/` folder or passed
with `trust=True`; (2) the file's sha256 equals the one in meta.json; (3) scikit-learn, NumPy and
SciPy versions and the feature-schema hash equal this installation's. Any failure is a ModelError
naming the file and the mismatch.
"""
from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import joblib

from emscoder import __version__
from emscoder.errors import ModelError
from emscoder.scoring import features
from emscoder.scoring.card import render_card
from emscoder.scoring.scorer import Scorer
from emscoder.scoring.train import TrainedModel

MODEL_FILE, META_FILE, CARD_FILE, METRICS_FILE = "model.joblib", "meta.json", "card.md", "metrics.json"
META_SCHEMA_VERSION = 1
CHECKED_LIBRARIES = ("scikit-learn", "numpy", "scipy")
REPO_MODELS = Path(__file__).resolve().parents[3] / "models"  # src/emscoder/scoring -> repository root


def trusted_models_dir() -> Path:
    """The repository's `models/` folder: models inside it load without the trust flag."""
    return REPO_MODELS


def library_versions() -> dict[str, str]:
    """Versions recorded in meta.json; the CHECKED_LIBRARIES ones must match to load a model."""
    return {"python": platform.python_version(), "emscoder": __version__,
            **{name: version(name) for name in (*CHECKED_LIBRARIES, "joblib")}}


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def feature_schema() -> dict:
    return {"name": features.SCHEMA["name"], "version": features.SCHEMA["version"], "sha256": features.schema_hash()}


@dataclass
class LoadedModel:
    """A verified model folder: the fitted pipeline, its meta.json and a compiled per-PCR scorer."""

    folder: Path
    meta: dict
    pipeline: object

    @property
    def name(self) -> str:
        return f"{self.meta['name']}@{self.meta['model_file']['sha256'][:12]}"

    @property
    def threshold(self) -> float:
        return float(self.meta["threshold"])

    def scorer(self) -> Scorer:
        return Scorer(self.pipeline, self.threshold, self.name)


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def save_model(trained: TrainedModel, folder: Path, name: str | None = None, stages: str | None = None) -> Path:
    """Write a model folder (created if needed; an existing model there is replaced)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        model_path = folder / MODEL_FILE
        joblib.dump(trained.pipeline, model_path, compress=3)
        meta = {
            "schema_version": META_SCHEMA_VERSION, "name": name or folder.name,
            "model_file": {"name": MODEL_FILE, "sha256": sha256_file(model_path), "bytes": model_path.stat().st_size},
            "versions": library_versions(), "feature_schema": feature_schema(), "stages": stages,
            "corpus": trained.corpus, "config": trained.config.to_dict(), "threshold": trained.threshold,
            "metrics": {"cross_validated": trained.cross_validated, "held_out": {}},
        }
        write_meta(folder, meta)
    except OSError as exc:
        raise ModelError(f"{folder}: cannot write the model folder: {exc}") from None
    return folder


def write_meta(folder: Path, meta: dict) -> None:
    """Write meta.json, metrics.json (its metrics) and the card rendered from them."""
    write_json(folder / META_FILE, meta)
    write_json(folder / METRICS_FILE, {"model": meta["name"], **meta["metrics"]})
    (folder / CARD_FILE).write_text(render_card(meta), encoding="utf-8")


def read_meta(folder: Path) -> dict:
    """meta.json of a model folder, with its required keys checked."""
    path = Path(folder) / META_FILE
    if not path.is_file():
        raise ModelError(f"{path}: missing; a model folder holds {MODEL_FILE}, {META_FILE} and {CARD_FILE}")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable: {exc}") from None
    required = ("schema_version", "name", "model_file", "versions", "feature_schema", "threshold", "metrics")
    missing = [key for key in required if not isinstance(meta, dict) or key not in meta]
    if missing:
        raise ModelError(f"{path}: missing key(s) {', '.join(missing)}")
    if meta["schema_version"] != META_SCHEMA_VERSION:
        raise ModelError(f"{path}: meta schema_version {meta['schema_version']} is not {META_SCHEMA_VERSION}")
    return meta


def is_trusted(folder: Path) -> bool:
    """Inside the repository's models/ folder (after resolving symlinks)."""
    return Path(folder).resolve().is_relative_to(trusted_models_dir())


def verify(folder: Path, meta: dict) -> None:
    """Refuse a model file that differs from meta.json, or versions that differ from this installation."""
    path = Path(folder) / MODEL_FILE
    if not path.is_file():
        raise ModelError(f"{path}: missing")
    actual = sha256_file(path)
    if actual != meta["model_file"].get("sha256"):
        raise ModelError(f"{path}: sha256 {actual} does not match {META_FILE} ({meta['model_file'].get('sha256')}); "
                         "the file was changed after training. Refusing to load it (joblib files can run code).")
    installed = library_versions()
    for name in CHECKED_LIBRARIES:
        if meta["versions"].get(name) != installed[name]:
            raise ModelError(f"{path}: trained with {name} {meta['versions'].get(name)}, this installation has "
                             f"{installed[name]}; retrain the model with `emscoder train` (see README).")
    if meta["feature_schema"].get("sha256") != features.schema_hash():
        raise ModelError(f"{path}: feature schema {meta['feature_schema'].get('version')} "
                         f"({str(meta['feature_schema'].get('sha256'))[:12]}) differs from this emscoder's "
                         f"({features.SCHEMA['version']}, {features.schema_hash()[:12]}); retrain the model.")


def load_model(folder: str | Path, *, trust: bool = False) -> LoadedModel:
    """Load a model folder after the trust, hash and version checks (see the module docstring)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such model folder")
    if not trust and not is_trusted(folder):
        raise ModelError(f"{folder}: outside the trusted models folder {trusted_models_dir()}; a model file can run "
                         "code when loaded, so pass --trust-model (or EMSCODER_TRUST_MODEL=1) if you trust its source")
    meta = read_meta(folder)
    verify(folder, meta)
    try:
        pipeline = joblib.load(folder / MODEL_FILE)
    except Exception as exc:  # unpickling can fail in many ways; all mean the same to the user
        raise ModelError(f"{folder / MODEL_FILE}: cannot be loaded: {exc}") from None
    if not hasattr(pipeline, "named_steps") or "classifier" not in pipeline.named_steps:
        raise ModelError(f"{folder / MODEL_FILE}: not an emscoder sufficiency pipeline")
    return LoadedModel(folder=folder, meta=meta, pipeline=pipeline)


def record_evaluation(model: LoadedModel, name: str, metrics: dict, corpus: dict) -> None:
    """Add a held-out evaluation to the model folder's meta.json, metrics.json and card."""
    model.meta["metrics"].setdefault("held_out", {})[name] = {"corpus": corpus, **metrics}
    try:
        write_meta(model.folder, model.meta)
    except OSError as exc:
        raise ModelError(f"{model.folder}: cannot write {META_FILE}: {exc}") from None
