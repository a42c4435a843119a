"""`emscoder train` and `emscoder evaluate`: the documentation-sufficiency classifier on the command line.

Registered on the app in cli.py (imported at its end). Thin wrappers over emscoder.scoring.workflow;
library errors (CorpusError, ModelError) become one-line messages and exit code 2.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from emscoder.cli import EXIT_FATAL, EXIT_OK, app
from emscoder.errors import EmscoderError
from emscoder.scoring.evaluate import format_metrics
from emscoder.scoring.train import Progress, TrainConfig, no_progress

CORPUS_HELP = ("Labelled JSON Lines files: input records plus `label` (1 = documentation sufficient, 0 = not), "
               "optional `reason`, `split`, `why`.")


@contextmanager
def progress_display() -> Iterator[Progress]:
    """A rich progress bar on stderr when it is a terminal; silent otherwise (logs, CI, pipes)."""
    if not sys.stderr.isatty():
        yield no_progress
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

    tasks: dict[str, int] = {}
    with Bar(TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
             console=Console(stderr=True), transient=True) as bar:
        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(EXIT_FATAL)


@app.command("train")
def train_command(
    corpus: Annotated[list[Path], typer.Argument(help=CORPUS_HELP, show_default=False, metavar="CORPUS.jsonl...")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model folder to write (model.joblib, meta.json, "
                                         "card.md, metrics.json), e.g. models/mine.", file_okay=False)],
    name: Annotated[str | None, typer.Option(help="Model name in meta.json and results. Default: the folder name.")] = None,
    holdout_split: Annotated[str, typer.Option(
        "--holdout-split", help="Records whose `split` is this are never trained on (kept for `evaluate`). "
                                "Use '' to train on every record.")] = "test",
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds for the reported metrics and threshold.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of every fold split.")] = 0,
) -> None:
    """Train the documentation-sufficiency classifier on labelled PCRs and write a model folder.

    Reports cross-validated AUROC, F1, Brier score, calibration and confusion matrix; the decision
    threshold is the one with the best cross-validated F1.
    """
    from emscoder.scoring.workflow import train_model

    config = TrainConfig(folds=folds, seed=seed)
    try:
        with progress_display() as progress:
            folder, trained = train_model(corpus, output, name=name, holdout_split=holdout_split or None,
                                          config=config, progress=progress)
    except (EmscoderError, OSError) as exc:
        raise _fail(exc) from None
    described = trained.corpus
    typer.echo(f"trained on {described['records']} PCRs ({described['selection']}); corpus sha256 {described['sha256'][:16]}…")
    typer.echo(format_metrics(f"cross-validated ({config.folds}-fold)", trained.cross_validated))
    typer.echo(f"model: {folder} (threshold {trained.threshold:.2f}); evaluate it with: "
               f"emscoder evaluate HELD_OUT.jsonl --model {folder}")
    raise typer.Exit(EXIT_OK)


@app.command("evaluate")
def evaluate_command(
    corpus: Annotated[list[Path], typer.Argument(help=CORPUS_HELP, show_default=False, metavar="CORPUS.jsonl...")],
    model: Annotated[Path, typer.Option("--model", help="Model folder, e.g. models/default.", file_okay=False)],
    split: Annotated[str | None, typer.Option(help="Only records whose `split` is this (e.g. test).")] = None,
    name: Annotated[str | None, typer.Option(help="Name of this evaluation in the model card. "
                                                  "Default: the file names and split.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write metrics here (JSON) instead of into the model folder (metrics.json, meta.json, card.md).",
        dir_okay=False)] = None,
    trust_model: Annotated[bool, typer.Option(
        "--trust-model", help="Load a model from outside the repository's models/ folder. A model file can run "
                              "code when loaded: only for models whose source you trust.")] = False,
) -> None:
    """Evaluate a model on held-out labelled PCRs: AUROC, F1, Brier score, calibration table and
    confusion matrix, next to the model's cross-validated metrics."""
    from emscoder.scoring.workflow import evaluate_model

    try:
        with progress_display() as progress:
            result = evaluate_model(corpus, model, split=split, name=name, out=out, trust=trust_model,
                                    progress=progress)
    except (EmscoderError, OSError) as exc:
        raise _fail(exc) from None
    typer.echo(f"model: {result.model.name} ({result.model.folder})")
    if result.cross_validated:
        typer.echo(format_metrics("cross-validated on the training corpus", result.cross_validated))
    typer.echo(format_metrics(f"held out: {result.name}", result.metrics))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"metrics: {result.written_to}", err=True)
    raise typer.Exit(EXIT_OK)
