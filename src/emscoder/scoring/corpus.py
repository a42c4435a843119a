"""Labelled corpora for the sufficiency classifier: JSON Lines of input records plus `label` (0/1).

Each line is an emscoder input record (`emscoder schema input`) plus annotation keys that are removed
before validation: `label` (required: 1 = the documentation supports medical necessity and the
claimed level, 0 = it does not), `reason` (null or the failure category), `split` (e.g. `dev` /
`test`) and `why` (a note). See corpora/DATASHEET.md.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from emscoder.errors import CorpusError
from emscoder.model import PCR

ANNOTATION_KEYS = ("label", "reason", "split", "why")


@dataclass(frozen=True)
class LabelledPCR:
    """One training or evaluation record."""

    pcr: PCR
    label: int
    reason: str | None
    split: str | None
    where: str  # file:line, for messages


@dataclass
class CorpusFile:
    """What was read from one file: its hash, and how many records were used or left out."""

    path: Path
    sha256: str
    used: int = 0
    left_out: int = 0

    def describe(self) -> dict:
        return {"file": self.path.name, "sha256": self.sha256, "records": self.used, "left_out": self.left_out}


@dataclass
class Corpus:
    """Labelled records from one or more files, with the hashes that identify the data."""

    records: list[LabelledPCR] = field(default_factory=list)
    files: list[CorpusFile] = field(default_factory=list)
    selection: str = "all records"

    @property
    def sha256(self) -> str:
        """Hash of the file hashes and the selection: changes whenever the training data does."""
        text = json.dumps({"files": [f.sha256 for f in self.files], "selection": self.selection})
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def labels(self) -> list[int]:
        return [r.label for r in self.records]

    def describe(self) -> dict:
        """The corpus part of meta.json and of metrics.json."""
        positives = sum(self.labels)
        return {"sha256": self.sha256, "selection": self.selection, "records": len(self.records),
                "label_1": positives, "label_0": len(self.records) - positives,
                "files": [f.describe() for f in self.files]}


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record(line: str, where: str) -> tuple[dict, dict]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where}: not valid JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    record_id = obj.get("id")
    if "label" not in obj:
        raise CorpusError(f"{where} [{record_id}]: no `label` field; every training or evaluation record "
                          "needs label 1 (documentation sufficient) or 0 (not sufficient)")
    if obj["label"] not in (0, 1) or isinstance(obj["label"], bool):
        raise CorpusError(f"{where} [{record_id}]: `label` must be 0 or 1, got {obj['label']!r}")
    annotations = {key: obj.pop(key, None) for key in ANNOTATION_KEYS}
    return obj, annotations


def _validate(body: dict, annotations: dict, where: str) -> LabelledPCR:
    try:
        pcr = PCR.model_validate(body)
    except ValidationError as exc:
        problem = exc.errors()[0]
        location = ".".join(str(part) for part in problem["loc"]) or "record"
        raise CorpusError(f"{where} [{body.get('id')}]: {location}: {problem['msg']} (training records are "
                          f"input records plus {', '.join(ANNOTATION_KEYS)})") from None
    reason, split = annotations["reason"], annotations["split"]
    return LabelledPCR(pcr=pcr, label=int(annotations["label"]), reason=reason if isinstance(reason, str) else None,
                       split=split if isinstance(split, str) else None, where=where)


def read_file(path: Path, keep: callable = lambda record: True) -> tuple[list[LabelledPCR], CorpusFile]:
    """The labelled records of one JSONL file that `keep` accepts; any bad line is a CorpusError."""
    if not path.is_file():
        raise CorpusError(f"{path}: no such corpus file")
    info = CorpusFile(path=path, sha256=file_sha256(path))
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            body, annotations = _record(line, f"{path}:{number}")
            record = _validate(body, annotations, f"{path}:{number}")
            if keep(record):
                records.append(record)
                info.used += 1
            else:
                info.left_out += 1
    return records, info


def load_corpus(paths: Iterable[str | Path], *, only_split: str | None = None,
                exclude_split: str | None = None) -> Corpus:
    """Read labelled records from JSONL files. `only_split` keeps only the records whose `split` equals
    it; `exclude_split` leaves those records out."""
    def keep(record: LabelledPCR) -> bool:
        if only_split is not None and record.split != only_split:
            return False
        return exclude_split is None or record.split != exclude_split

    parts = ([f"split {only_split} only"] if only_split else []) + ([f"without split {exclude_split}"] if exclude_split else [])
    corpus = Corpus(selection=", ".join(parts) or "all records")
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        records, info = read_file(path, keep)
        for record in records:
            if record.pcr.id in seen:
                raise CorpusError(f"{record.where}: id {record.pcr.id!r} also at {seen[record.pcr.id]}; "
                                  "ids must be unique across the corpus files")
            seen[record.pcr.id] = record.where
        corpus.records.extend(records)
        corpus.files.append(info)
    if not corpus.records:
        raise CorpusError(f"no labelled records in {', '.join(map(str, paths))} ({corpus.selection})")
    return corpus
