"""Metrics for the sufficiency classifier: AUROC, F1, Brier score, calibration table, confusion matrix,
and how many label-0 PCRs of each reason category the model catches. Plain dicts (JSON-ready)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score, roc_auc_score

CALIBRATION_BINS = 10


def _r(value: float) -> float:
    return round(float(value), 4)


def calibration_table(labels: np.ndarray, probabilities: np.ndarray, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Per equal-width probability bin: how many PCRs, their mean score and the share labelled 1."""
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    table = []
    for b in range(bins):
        inside = index == b
        if inside.any():
            table.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "n": int(inside.sum()),
                          "mean_score": _r(probabilities[inside].mean()),
                          "observed_rate": _r(labels[inside].mean())})
    return table


def by_reason(labels: np.ndarray, predicted: np.ndarray, reasons: Sequence[str | None]) -> dict:
    """For each reason category: records, and how many the model called insufficient."""
    total, caught = Counter(), Counter()
    for label, pred, reason in zip(labels, predicted, reasons):
        key = reason or ("sufficient" if label == 1 else "unspecified")
        total[key] += 1
        caught[key] += int(not pred)
    return {key: {"n": total[key], "predicted_insufficient": caught[key]} for key in sorted(total)}


def compute_metrics(labels: Sequence[int], probabilities: Sequence[float], threshold: float,
                    reasons: Sequence[str | None] | None = None) -> dict:
    """All metrics for scores `probabilities` (of label 1) against `labels` at `threshold`."""
    y, p = np.asarray(labels, dtype=int), np.asarray(probabilities, dtype=float)
    predicted = p >= threshold
    tp, fp = int((predicted & (y == 1)).sum()), int((predicted & (y == 0)).sum())
    fn, tn = int((~predicted & (y == 1)).sum()), int((~predicted & (y == 0)).sum())
    both_classes = len(set(y.tolist())) == 2
    metrics = {
        "n": int(len(y)), "label_1": int(y.sum()), "threshold": threshold,
        "auroc": _r(roc_auc_score(y, p)) if both_classes else None,
        "f1": _r(f1_score(y, predicted, zero_division=0)),
        "precision": _r(precision_score(y, predicted, zero_division=0)),
        "recall": _r(recall_score(y, predicted, zero_division=0)),
        "accuracy": _r((tp + tn) / len(y)) if len(y) else None,
        "brier": _r(brier_score_loss(y, p)) if len(y) else None,
        "confusion": {"tp": tp, "fp": fp, "fn": fn, "tn": tn},
        "calibration": calibration_table(y, p),
    }
    if reasons is not None:
        metrics["by_reason"] = by_reason(y, predicted, reasons)
    return metrics


def _number(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_metrics(title: str, metrics: dict) -> str:
    """A terminal summary of one metrics dict."""
    c = metrics["confusion"]
    lines = [f"{title}: {metrics['n']} PCRs ({metrics['label_1']} labelled sufficient), threshold {metrics['threshold']:.2f}",
             f"  AUROC {_number(metrics['auroc'])}  F1 {_number(metrics['f1'])}  precision {_number(metrics['precision'])}  "
             f"recall {_number(metrics['recall'])}  accuracy {_number(metrics['accuracy'])}  Brier {_number(metrics['brier'])}",
             "  confusion (rows = label, columns = predicted):   sufficient  insufficient",
             f"    label 1 (sufficient)                           {c['tp']:>10}  {c['fn']:>12}",
             f"    label 0 (insufficient)                         {c['fp']:>10}  {c['tn']:>12}",
             "  calibration:  score bin    n   mean score  observed rate"]
    lines += [f"                {row['bin']:<9} {row['n']:>4}   {row['mean_score']:>10.3f}  {row['observed_rate']:>13.3f}"
              for row in metrics["calibration"]]
    if metrics.get("by_reason"):
        lines.append("  label-0 PCRs called insufficient, by reason:")
        lines += [f"    {reason:<28} {row['predicted_insufficient']:>4} of {row['n']}"
                  for reason, row in metrics["by_reason"].items() if reason != "sufficient"]
    return "\n".join(lines)
