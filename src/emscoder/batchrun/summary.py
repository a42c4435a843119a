"""What a batch did: the counters an operator checks at the end of a run (and a resumed run carries on)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from emscoder.batchrun.worker import Digest
from emscoder.readers import SkippedFile


@dataclass
class BatchSummary:
    """Counts for the whole run, including the part done before a `--resume`."""

    coded: int = 0
    errors: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    by_format: Counter = field(default_factory=Counter)
    by_level: Counter = field(default_factory=Counter)
    by_flag: Counter = field(default_factory=Counter)
    score_sum: float = 0.0
    scored: int = 0
    results_path: Path | None = None
    errors_path: Path | None = None
    csv_path: Path | None = None
    workers: int = 1
    resumed_from: int = 0
    records_this_run: int = 0
    seconds: float = 0.0

    @property
    def records(self) -> int:
        """Every input record: coded or failed."""
        return self.coded + self.errors

    @property
    def mean_score(self) -> float | None:
        """Mean sufficiency score over the scored results, or None when nothing was scored."""
        return self.score_sum / self.scored if self.scored else None

    @property
    def records_per_second(self) -> float | None:
        """Throughput of this run (records read, coded and written per wall-clock second)."""
        return self.records_this_run / self.seconds if self.seconds > 0 else None

    def add_result(self, item: Digest, fmt: str | None) -> None:
        self.coded += 1
        self.by_format[fmt or "unknown"] += 1
        self.by_level[item.level or "none"] += 1
        self.by_flag.update(item.flags)
        if item.score is not None:
            self.score_sum += item.score
            self.scored += 1

    def counters(self) -> dict:
        """The counters as plain JSON data (stored in the checkpoint)."""
        return {"coded": self.coded, "errors": self.errors, "by_format": dict(self.by_format),
                "by_level": dict(self.by_level), "by_flag": dict(self.by_flag),
                "score_sum": self.score_sum, "scored": self.scored}

    def restore(self, counters: dict) -> None:
        """Continue from the counters of an interrupted run."""
        self.coded, self.errors = counters["coded"], counters["errors"]
        self.by_format, self.by_level = Counter(counters["by_format"]), Counter(counters["by_level"])
        self.by_flag = Counter(counters["by_flag"])
        self.score_sum, self.scored = counters["score_sum"], counters["scored"]
        self.resumed_from = self.records


def _counts(counter: Counter) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def summary_lines(summary: BatchSummary) -> list[str]:
    """The end-of-run summary as lines of text: counts, levels, flags, mean score, speed, files."""
    formats = ", ".join(f"{n} {fmt}" for fmt, n in sorted(summary.by_format.items()))
    lines = [f"{summary.records} record(s) read: {summary.coded} coded{f' ({formats})' if formats else ''}, "
             f"{summary.errors} failed.",
             f"levels: {_counts(summary.by_level) or 'none'}",
             f"flags: {_counts(summary.by_flag) or 'none'}"]
    mean = summary.mean_score
    lines.append(f"mean sufficiency score: {mean:.3f} ({summary.scored} scored)" if mean is not None
                 else "mean sufficiency score: n/a (no result was scored)")
    rate = summary.records_per_second
    resumed = f"; resumed after {summary.resumed_from} record(s)" if summary.resumed_from else ""
    lines.append(f"speed: {f'{rate:,.1f}' if rate is not None else 'n/a'} records/s "
                 f"({summary.records_this_run} in {summary.seconds:.1f} s, {summary.workers} worker(s){resumed})")
    if summary.results_path:
        lines.append(f"results: {summary.results_path}")
    if summary.csv_path:
        lines.append(f"csv summary: {summary.csv_path}")
    if summary.errors_path:
        lines.append(f"failed records (id, file, position, reason): {summary.errors_path}")
    lines += [f"skipped: {skipped.path}: {skipped.reason}" for skipped in summary.skipped]
    return lines
