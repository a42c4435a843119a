"""The `emscoder` command line: thin wrappers over importable functions.

Exit codes: 0 every record coded; 1 some records failed (see the errors file); 2 usage or fatal error;
130 interrupted by Ctrl-C (`code --resume` carries on).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from emscoder import __version__
from emscoder.batch import BatchOptions, code_files
from emscoder.batchrun import BatchInterrupted, progress_for, summary_lines
from emscoder.batchrun.runner import DEFAULT_CHUNK
from emscoder.errors import EmscoderError
from emscoder.model import json_schema
from emscoder.report.html import ReportSummary, ReportWriter, write_report
from emscoder.report.readback import ResultLineError, read_results

EXIT_OK, EXIT_SOME_FAILED, EXIT_FATAL = 0, 1, 2

app = typer.Typer(
    name="emscoder",
    help="Code ambulance patient care reports (PCRs) for Medicare and insurance claims, "
         "with the rule, rationale and narrative evidence behind every code.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"emscoder {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    """Code ambulance PCRs: level of service, mileage, modifiers, ICD-10-CM, medical necessity."""


def _interrupted(exc: BatchInterrupted, output: Path | None) -> None:
    where = f" in {output}; continue with the same command plus --resume" if output else ""
    typer.echo(f"interrupted: {exc.records_done} record(s) saved{where}", err=True)
    raise typer.Exit(130)


@app.command("code")
def code_command(
    inputs: Annotated[list[Path], typer.Argument(
        help="PCR files or folders: .txt (one narrative per file), .json (one record or a list), "
             ".jsonl (one record per line), NEMSIS v3.5 EMSDataSet .xml. Folders are read recursively.",
        show_default=False, metavar="INPUT...")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write results here as JSON Lines (one result per PCR). Default: the screen.",
        dir_okay=False)] = None,
    errors: Annotated[Path | None, typer.Option(
        "--errors", help="Where failed records go (id, file, position, reason). "
                         "Default: next to --output as NAME.errors.jsonl, else ./emscoder-errors.jsonl.",
        dir_okay=False)] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Also write the HTML evidence report here: one page per PCR and index.html.",
        file_okay=False)] = None,
    csv: Annotated[Path | None, typer.Option(
        "--csv", help="Also write a CSV summary here: one row per coded PCR (level, mileage, O/D modifier, "
                      "primary ICD-10, necessity, flags, sufficiency).", dir_okay=False)] = None,
    workers: Annotated[int, typer.Option(
        "--workers", "-j", min=0, help="Worker processes coding in parallel (0 = one per CPU core). "
                                       "The output is the same for any number.")] = 1,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue an interrupted run (Ctrl-C, kill, crash) with the same inputs and "
                         "options, appending to its files. Needs --output.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print nothing but errors (no progress bar, no summary).")] = False,
    chunk_size: Annotated[int, typer.Option(
        "--chunk-size", min=1, help="Records per unit of work and per checkpoint.")] = DEFAULT_CHUNK,
) -> None:
    """Code PCRs: one result per report, with every code's rule, rationale and evidence.

    A report that cannot be read never stops the batch: it is listed in the errors file with its
    id, position and the reason, and the exit code is 1.
    """
    progress = progress_for(quiet, results_on_stdout=output is None)
    options = BatchOptions(workers=workers or os.cpu_count() or 1, chunk_size=chunk_size, csv_path=csv,
                           resume=resume)
    try:
        report = ReportWriter(html) if html else None
        summary = code_files(inputs, output, errors, on_error=lambda e: progress.log(f"error: {e.one_line()}"),
                             on_result=report.add if report else None, options=options, progress=progress)
        report_summary = report.close() if report else None
    except BatchInterrupted as exc:
        _interrupted(exc, output)
    except EmscoderError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_FATAL) from None
    except OSError as exc:
        typer.echo(f"error: cannot write output: {exc}", err=True)
        raise typer.Exit(EXIT_FATAL) from None
    if not quiet:
        typer.echo("\n".join(summary_lines(summary)), err=True)
        if report_summary:
            _print_report(report_summary)
    if summary.records == 0:
        typer.echo("error: no PCR records found in the inputs", err=True)
        raise typer.Exit(EXIT_FATAL)
    raise typer.Exit(EXIT_SOME_FAILED if summary.errors else EXIT_OK)


@app.command("schema")
def schema_command(
    which: Annotated[str, typer.Argument(help="input (the PCR record you send) or result (what emscoder "
                                              "writes).", show_default=True)] = "input",
) -> None:
    """Print the JSON Schema of the input PCR record or of the result record."""
    if which not in ("input", "result"):
        typer.echo(f"error: unknown schema {which!r}; choose 'input' or 'result'", err=True)
        raise typer.Exit(EXIT_FATAL)
    typer.echo(json.dumps(json_schema(which), indent=2))


# ---------------------------------------------------------------- HTML evidence report


def _print_report(summary: ReportSummary) -> None:
    typer.echo(f"report: {summary.pages} PCR page(s), open {summary.index_path}", err=True)


@app.command("report")
def report_command(
    results: Annotated[Path, typer.Argument(
        help="Results written by `emscoder code -o` (JSON Lines, one result per PCR).",
        exists=True, dir_okay=False, readable=True, show_default=False, metavar="RESULTS.jsonl")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Folder for the report: one page per PCR and index.html.", file_okay=False)],
) -> None:
    """Write the HTML evidence report for coded results: one page per PCR and an index page.

    A line that is not a result record is reported (file and line, never its content) and skipped;
    the exit code is then 1.
    """
    bad: list[ResultLineError] = []

    def on_bad(error: ResultLineError) -> None:
        bad.append(error)
        typer.echo(f"error: {error.one_line()}", err=True)

    try:
        summary = write_report(read_results(results, on_error=on_bad), output)
    except OSError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_FATAL) from None
    _print_report(summary)
    if summary.pages == 0:
        typer.echo(f"error: no result records in {results}", err=True)
        raise typer.Exit(EXIT_FATAL)
    raise typer.Exit(EXIT_SOME_FAILED if bad else EXIT_OK)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


from emscoder import cli_model  # noqa: E402,F401  registers train/evaluate
