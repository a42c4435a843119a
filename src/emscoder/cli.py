"""The `emscoder` command line: thin wrappers over importable functions.

Exit codes: 0 every record coded; 1 some records failed (see the errors file); 2 usage or fatal error.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from emscoder import __version__
from emscoder.batch import BatchSummary, code_files
from emscoder.errors import EmscoderError, InputError
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


def _echo_error(error: InputError) -> None:
    typer.echo(f"error: {error.one_line()}", err=True)


def _print_summary(summary: BatchSummary) -> None:
    formats = ", ".join(f"{n} {fmt}" for fmt, n in sorted(summary.by_format.items()))
    typer.echo(f"{summary.records} record(s) read: {summary.coded} coded"
               f"{f' ({formats})' if formats else ''}, {summary.errors} failed.", err=True)
    if summary.results_path:
        typer.echo(f"results: {summary.results_path}", err=True)
    if summary.errors_path:
        typer.echo(f"failed records (id, file, position, reason): {summary.errors_path}", err=True)
    for skipped in summary.skipped:
        typer.echo(f"skipped: {skipped.path}: {skipped.reason}", err=True)


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
) -> None:
    """Code PCRs: one result per report, with every code's rule, rationale and evidence.

    A report that cannot be read never stops the batch: it is listed in the errors file with its
    id, position and the reason, and the exit code is 1.
    """
    try:
        report = ReportWriter(html) if html else None
        summary = code_files(inputs, output, errors, on_error=_echo_error,
                             on_result=report.add if report else None)
        report_summary = report.close() if report else None
    except EmscoderError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_FATAL) from None
    except OSError as exc:
        typer.echo(f"error: cannot write output: {exc}", err=True)
        raise typer.Exit(EXIT_FATAL) from None
    _print_summary(summary)
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
