"""Train the sufficiency classifier: features -> logistic regression -> sigmoid calibration.

The pipeline is plain scikit-learn (picklable, usable from a notebook): a FeatureUnion of the
structured features (DictVectorizer) and narrative word 1-3-grams (TF-IDF), a LogisticRegression,
wrapped in CalibratedClassifierCV (Platt scaling on cross-validated decision values). Every fold
split is seeded, so the same corpus and config give the same model and metrics.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from emscoder.errors import CorpusError
from emscoder.scoring import features, ngrams
from emscoder.scoring.corpus import Corpus, LabelledPCR
from emscoder.scoring.evaluate import compute_metrics
from emscoder.scoring.scorer import Scorer

Progress = Callable[[str, int, int], None]  # (what, done, total)
CHECK_ROWS = 300


def no_progress(what: str, done: int, total: int) -> None:
    """The default progress callback: silent."""


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters, chosen by cross-validation on the generated corpus plus the hand-written dev split."""

    c: float = 3.0                 # inverse L2 strength of the logistic regression
    text_weight: float = 1.0       # scale of the n-gram block relative to the structured features
    min_df: int = 2                # an n-gram must occur in at least this many training PCRs
    folds: int = 5                 # cross-validation folds for the reported metrics and the threshold
    calibration_folds: int = 5     # folds inside CalibratedClassifierCV
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainedModel:
    """A fitted pipeline with its decision threshold and what it was trained on."""

    pipeline: Pipeline
    threshold: float
    config: TrainConfig
    corpus: dict
    cross_validated: dict = field(default_factory=dict)


def build_pipeline(config: TrainConfig) -> Pipeline:
    """The unfitted scikit-learn pipeline; it takes a list of `FeatureRow`s."""
    structured = Pipeline([("select", FunctionTransformer(features.row_values)),
                           ("vectorize", DictVectorizer(sort=True))])
    text = Pipeline([("select", FunctionTransformer(features.row_texts)),
                     ("vectorize", TfidfVectorizer(analyzer=ngrams.all_grams, sublinear_tf=True,
                                                   min_df=config.min_df, dtype=np.float64))])
    union = FeatureUnion([("structured", structured), ("text", text)],
                         transformer_weights={"structured": 1.0, "text": config.text_weight})
    classifier = CalibratedClassifierCV(
        LogisticRegression(C=config.c, max_iter=5000), method="sigmoid", ensemble=False,
        cv=StratifiedKFold(config.calibration_folds, shuffle=True, random_state=config.seed))
    return Pipeline([("features", union), ("classifier", classifier)])


def featurize(records: Sequence[LabelledPCR], progress: Progress = no_progress) -> list[features.FeatureRow]:
    """Run the NLP and rule stages on each record and extract its features (the slow part)."""
    from emscoder.coder import decide  # the one place that joins the stages

    rows = []
    for done, record in enumerate(records, start=1):
        findings, outcome = decide(record.pcr)
        rows.append(features.extract(record.pcr, findings, outcome))
        progress("features", done, len(records))
    return rows


def cross_validated_probabilities(rows: list, labels: np.ndarray, config: TrainConfig,
                                  progress: Progress = no_progress) -> np.ndarray:
    """Out-of-fold calibrated probabilities (each PCR scored by a model that never saw it)."""
    folds = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed)
    probabilities = np.zeros(len(rows))
    progress("cross-validation", 0, config.folds)
    for fold, (fit_idx, test_idx) in enumerate(folds.split(np.zeros(len(rows)), labels), start=1):
        model = build_pipeline(config).fit([rows[i] for i in fit_idx], labels[fit_idx])
        probabilities[test_idx] = model.predict_proba([rows[i] for i in test_idx])[:, 1]
        progress("cross-validation", fold, config.folds)
    return probabilities


def choose_threshold(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """The threshold (0.05-0.95, step 0.01) with the best F1 on out-of-fold probabilities; ties go to
    the one nearest 0.5."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    scores = [(f1_score(labels, probabilities >= t, zero_division=0), -abs(t - 0.5), t) for t in grid]
    return float(max(scores)[2])


def check_labels(corpus: Corpus, folds: int) -> np.ndarray:
    """Both classes, each with at least `folds` records: otherwise cross-validation cannot run."""
    labels = np.array(corpus.labels)
    counts = np.bincount(labels, minlength=2)
    if counts.min() < folds:
        raise CorpusError(f"training needs at least {folds} records of each label (found {counts[1]} with "
                          f"label 1 and {counts[0]} with label 0)")
    return labels


def train(corpus: Corpus, config: TrainConfig = TrainConfig(), progress: Progress = no_progress) -> TrainedModel:
    """Cross-validate (metrics and threshold), then fit the final pipeline on the whole corpus."""
    labels = check_labels(corpus, max(config.folds, config.calibration_folds))
    rows = featurize(corpus.records, progress)
    out_of_fold = cross_validated_probabilities(rows, labels, config, progress)
    threshold = choose_threshold(labels, out_of_fold)
    progress("final fit", 0, 1)
    pipeline = build_pipeline(config).fit(rows, labels)
    _drop_unused_state(pipeline)
    Scorer(pipeline, threshold, "check").check(rows[:CHECK_ROWS])  # `emscoder code` must score exactly like this
    progress("final fit", 1, 1)
    metrics = compute_metrics(labels, out_of_fold, threshold, [r.reason for r in corpus.records])
    return TrainedModel(pipeline=pipeline, threshold=threshold, config=config, corpus=corpus.describe(),
                        cross_validated=metrics)


def _drop_unused_state(pipeline: Pipeline) -> None:
    """TF-IDF keeps the n-grams it dropped (min_df) for inspection only; they would bloat the file."""
    text = pipeline.named_steps["features"].transformer_list[1][1].named_steps["vectorize"]
    if hasattr(text, "stop_words_"):
        del text.stop_words_
