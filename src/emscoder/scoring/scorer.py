"""Per-PCR scoring for `emscoder code`: the fitted pipeline compiled to a linear scorer.

Calling scikit-learn for one PCR costs about a millisecond of input validation, more than the
arithmetic. The pipeline is linear up to the calibration sigmoid, so at load time its weights are
copied into dictionaries (feature name -> weight; n-gram -> idf², weight × idf); scoring one PCR is
then a few hundred dictionary lookups done by builtins. The same weights give each feature's
contribution, which is what the reasons report. `Scorer.check` asserts that the compiled scores
equal the pipeline's (training runs it).
"""
from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from emscoder.model import PCR, Evidence, Finding, Reason, Sufficiency
from emscoder.scoring import features, ngrams
from emscoder.scoring.explain import describe, overlaps

TOP_REASONS = 5
MAX_SPANS_PER_NGRAM = 5


@dataclass
class Contributions:
    """A PCR's calibrated log-odds (`decision`), its structured features' shares of it, and what is
    needed to compute an n-gram's share (counts and the TF-IDF norm) for the few that can become reasons."""

    decision: float
    structured: dict[str, float]
    counts: Counter
    norm: float
    tokens: list[str]  # the narrative's words, to locate the n-grams that become reasons


class Scorer:
    """Scores one PCR from its findings and rule decisions; built from a fitted training pipeline."""

    def __init__(self, pipeline, threshold: float, name: str) -> None:
        union = pipeline.named_steps["features"]
        weights = union.transformer_weights or {}
        structured = union.transformer_list[0][1].named_steps["vectorize"]
        text = union.transformer_list[1][1].named_steps["vectorize"]
        calibrated = pipeline.named_steps["classifier"].calibrated_classifiers_[0]
        # Platt scaling is p = 1 / (1 + exp(a·f + b)) for the regression's decision value f; folding -a into
        # every weight makes each feature's weight its exact share of the calibrated log-odds.
        sigmoid = calibrated.calibrators[0]
        scale = -float(sigmoid.a_)
        coef = calibrated.estimator.coef_[0] * scale
        offset = len(structured.vocabulary_)
        w_struct, w_text = weights.get("structured", 1.0), weights.get("text", 1.0)
        self.structured = {name: float(coef[i]) * w_struct for name, i in structured.vocabulary_.items()}
        self.idf2 = {gram: float(text.idf_[j]) ** 2 for gram, j in text.vocabulary_.items()}
        self.weighted_idf = {gram: float(coef[offset + j]) * w_text * float(text.idf_[j])
                             for gram, j in text.vocabulary_.items()}
        self.intercept = float(calibrated.estimator.intercept_[0]) * scale - float(sigmoid.b_)
        self.threshold, self.name, self.pipeline = threshold, name, pipeline

    @staticmethod
    def probability(log_odds: float) -> float:
        """Calibrated probability of label 1 (sufficient) for the calibrated log-odds."""
        return 1.0 / (1.0 + math.exp(-log_odds)) if log_odds > -700 else 0.0

    def contributions(self, row: features.FeatureRow) -> Contributions:
        """The calibrated log-odds (TF-IDF with sublinear tf and l2 norm, exactly as the vectoriser)."""
        structured = {name: self.structured[name] * value for name, value in row.values.items()
                      if value and name in self.structured}
        tokens = ngrams.words(row.text)
        counts = Counter(filter(self.weighted_idf.__contains__, ngrams.grams_of(tokens)))
        numerator = sum(map(self.weighted_idf.__getitem__, counts))
        squares = sum(map(self.idf2.__getitem__, counts))
        for gram in [gram for gram, count in counts.items() if count > 1]:
            tf = 1.0 + math.log(counts[gram])
            numerator += self.weighted_idf[gram] * (tf - 1.0)
            squares += self.idf2[gram] * (tf * tf - 1.0)
        norm = math.sqrt(squares) or 1.0
        decision = self.intercept + sum(structured.values()) + numerator / norm
        return Contributions(decision, structured, counts, norm, tokens)

    def gram_weight(self, parts: Contributions, gram: str) -> float:
        """One n-gram's share of the log-odds."""
        count = parts.counts[gram]
        return self.weighted_idf[gram] * (1.0 if count == 1 else 1.0 + math.log(count)) / parts.norm

    def score_row(self, row: features.FeatureRow) -> Sufficiency:
        """Score, label and top reasons for one feature row."""
        parts = self.contributions(row)
        score = self.probability(parts.decision)
        sufficient = score >= self.threshold
        # model_construct: every value is built here and valid by construction; validation would cost more than scoring
        return Sufficiency.model_construct(score=round(score, 4), label="sufficient" if sufficient else "insufficient",
                                           model=self.name, reasons=self._reasons(parts, sufficient, row))

    def score(self, pcr: PCR, findings: list[Finding], decisions: features.Decisions) -> Sufficiency:
        """The `sufficiency` part of a coding result."""
        return self.score_row(features.extract(pcr, findings, decisions))

    def _candidates(self, parts: Contributions, sufficient: bool) -> list[tuple[float, str, bool]]:
        """(strength towards the label, feature, is n-gram), strongest first."""
        sign = 1.0 if sufficient else -1.0
        pick = heapq.nlargest if sufficient else heapq.nsmallest
        top = [(sign * parts.structured[name], name, False)
               for name in pick(TOP_REASONS, parts.structured, key=parts.structured.__getitem__)]
        repeated = [gram for gram, count in parts.counts.items() if count > 1]
        grams = set(pick(TOP_REASONS * 3, parts.counts, key=self.weighted_idf.__getitem__)) | set(repeated)
        top += [(sign * self.gram_weight(parts, gram), gram, True) for gram in grams]
        return sorted(top, key=lambda item: (-item[0], item[1]))

    def _reasons(self, parts: Contributions, sufficient: bool, row: features.FeatureRow) -> list[Reason]:
        """The strongest contributions towards the predicted label; overlapping n-grams count once."""
        top = self._candidates(parts, sufficient)
        spans: dict[str, list[tuple[int, int]]] = {}
        chosen: list[tuple[float, str, bool]] = []
        for strength, name, is_gram in top:
            if strength <= 0 or len(chosen) == TOP_REASONS:
                break
            if is_gram:
                if not spans:  # located only when an n-gram is among the reasons
                    spans = ngrams.gram_spans(row.text, parts.tokens, {n for _, n, g in top if g})
                if any(overlaps(spans[name][0], spans[n][0]) for _, n, g in chosen if g):
                    continue
            chosen.append((strength, name, is_gram))
        sign = 1.0 if sufficient else -1.0
        return [self._reason(sign * strength, name, spans.get(name) if is_gram else None, row)
                for strength, name, is_gram in chosen]

    @staticmethod
    def _reason(weight: float, name: str, where: list[tuple[int, int]] | None, row: features.FeatureRow) -> Reason:
        if where is None:
            return Reason.model_construct(feature=name, weight=round(weight, 4), message=describe(name, row),
                                          evidence=row.evidence.get(name, []))
        evidence = [Evidence.model_construct(start=s, end=e, text=row.text[s:e], source="narrative")
                    for s, e in where[:MAX_SPANS_PER_NGRAM]]
        return Reason.model_construct(feature=f"ngram:{name}", weight=round(weight, 4),
                                      message=describe(f"ngram:{name}", row, where[0]), evidence=evidence)

    def check(self, rows: list[features.FeatureRow], tolerance: float = 1e-9) -> float:
        """Largest difference between compiled and pipeline probabilities on `rows`; raises if above tolerance."""
        expected = self.pipeline.predict_proba(rows)[:, 1]
        got = np.array([self.probability(self.contributions(row).decision) for row in rows])
        worst = float(np.max(np.abs(expected - got))) if len(rows) else 0.0
        if worst > tolerance:
            raise AssertionError(f"compiled scorer differs from the pipeline by {worst:g}")
        return worst
