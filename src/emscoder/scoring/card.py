"""The model card (card.md), rendered from meta.json so it always states the recorded numbers."""
from __future__ import annotations

INTENDED_USE = """\
Scores how well a PCR's documentation supports **both** medical necessity for the ambulance transport
**and** the level of service claimed (`claimed_level`), as defined in `corpora/DATASHEET.md`. The score
(calibrated probability of "sufficient") and its top reasons help a billing coder or auditor decide
which PCRs to read first and what to look for. It is a second reader, not a decision: a coder
checks every claim, and the rule stage's codes and flags remain the basis of the claim."""

LIMITS = """\
- Trained mostly on **synthetic** PCRs from `scripts/generate_corpus.py` (template-based, 42
  scenarios) plus a small hand-written set; real PCRs are longer, more varied and more ambiguous.
  Scores on generated data overstate real-world performance; the hand-written test split is the
  better estimate, and with 80 PCRs its numbers have wide error bars (one PCR moves F1 by ~0.01).
- Many features come from the NLP and rule stages; their misses (a prong written in unusual words,
  an intervention counted that another provider did) become the classifier's misses. Retrain after
  changing the rules or NLP (`python scripts/train_default_model.py`).
- English narratives, US Medicare rules only. Not covered: air transport, no-transport, death and
  paramedic-intercept claims, signature compliance.
- One label for necessity and level together; the reason categories are for error analysis only.
- Never use it to deny or reduce a claim without a human review of the PCR."""


def _n(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _metrics_row(name: str, m: dict) -> str:
    c = m["confusion"]
    return (f"| {name} | {m['n']} | {_n(m['auroc'])} | {_n(m['f1'])} | {_n(m['precision'])} | {_n(m['recall'])} | "
            f"{_n(m['brier'])} | {c['tp']} / {c['fn']} / {c['fp']} / {c['tn']} |")


def _metrics(meta: dict) -> str:
    metrics = meta["metrics"]
    rows = ["| data | PCRs | AUROC | F1 | precision | recall | Brier | TP / FN / FP / TN |",
            "|---|---|---|---|---|---|---|---|"]
    if metrics.get("cross_validated"):
        rows.append(_metrics_row(f"training corpus, {meta['config']['folds']}-fold cross-validation",
                                 metrics["cross_validated"]))
    for name, m in metrics.get("held_out", {}).items():
        rows.append(_metrics_row(f"held out: {name}", m))
    notes = [f"Threshold {meta['threshold']:.2f} (best F1 on the cross-validated training scores; never tuned "
             "on held-out data). Positive class = sufficient (label 1).", *meta.get("notes", [])]
    return "\n".join(rows) + "\n\n" + "\n\n".join(notes) + "\n" + _calibration(metrics)


def _calibration(metrics: dict) -> str:
    blocks = []
    for name, m in metrics.get("held_out", {}).items():
        lines = [f"\nCalibration, {name}:\n", "| score bin | PCRs | mean score | observed share sufficient |", "|---|---|---|---|"]
        lines += [f"| {r['bin']} | {r['n']} | {r['mean_score']:.3f} | {r['observed_rate']:.3f} |" for r in m["calibration"]]
        missed = {k: v for k, v in m.get("by_reason", {}).items() if k != "sufficient"}
        if missed:
            lines.append("\nLabel-0 PCRs called insufficient, by reason: "
                         + ", ".join(f"{k} {v['predicted_insufficient']}/{v['n']}" for k, v in missed.items()) + ".")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _data(meta: dict) -> str:
    corpus = meta.get("corpus") or {}
    files = "\n".join(f"  - `{f['file']}`: {f['records']} records used, {f['left_out']} left out, sha256 `{f['sha256']}`"
                      for f in corpus.get("files", []))
    return (f"Training corpus: {corpus.get('records')} labelled PCRs ({corpus.get('label_1')} sufficient, "
            f"{corpus.get('label_0')} not), {corpus.get('selection')}; corpus sha256 `{corpus.get('sha256')}`.\n{files}")


def _reproduce(meta: dict) -> str:
    corpus, config = meta.get("corpus") or {}, meta["config"]
    files = " ".join(f["file"] for f in corpus.get("files", []))
    holdout = corpus.get("held_out_split")
    return (f"`emscoder train {files} -o FOLDER --holdout-split '{holdout or ''}' --folds {config['folds']} "
            f"--seed {config['seed']}` with the same files (sha256 above) and library versions gives the same "
            "model.joblib.")


def render_card(meta: dict) -> str:
    """card.md for a model's meta.json."""
    config, schema = meta["config"], meta["feature_schema"]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    return f"""# Model card: {meta['name']} (documentation sufficiency)

## Intended use

{INTENDED_USE}

## Limits

{LIMITS}

## Data

{_data(meta)}

Label: 1 = the documentation supports medical necessity and the claimed level; 0 = it does not.
Definitions and corpus construction: `corpora/DATASHEET.md`, `corpora/sufficiency/README.md`.

## Model

A scikit-learn pipeline. Structured features from the findings and rule decisions (feature schema {schema['name']} \
v{schema['version']}, sha256 `{schema['sha256'][:16]}…`) plus narrative word 1-3-grams (TF-IDF, min_df {config['min_df']}, \
weight {config['text_weight']}); L2 logistic regression (C={config['c']}); sigmoid calibration \
({config['calibration_folds']}-fold); seed {config['seed']}.

- Stages that produced the features: {meta.get('stages') or 'not recorded'}.
- Built with {versions}.
- `model.joblib` sha256 `{meta['model_file']['sha256']}` (checked before loading).
- Reproduce: {_reproduce(meta)}

## Metrics

{_metrics(meta)}"""
