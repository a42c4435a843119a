"""NEMSIS v3.5 (and tolerant v3.4) EMSDataSet reader: streams every PatientCareReport in a file.

Memory stays flat whatever the file size: each PCR element is converted, then cleared. Hostile XML
is refused before parsing (see `xmlsafe`); one bad PCR becomes an error and the others go through.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from emscoder.errors import FileFormatError, InputError, NotPCRFileError, RecordError
from emscoder.model import PCR
from emscoder.readers.nemsis_codes import nemsis_codes
from emscoder.readers.nemsis_pcr import NS, pcr_record
from emscoder.readers.records import validation_reason
from emscoder.readers.xmlsafe import PROLOG_LIMIT, root_element_name

_PCR_TAG = f"{{{NS}}}PatientCareReport"


def _check_root(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(PROLOG_LIMIT)
    if not head.strip():
        raise FileFormatError("empty file: no records", path=str(path))
    local = root_element_name(head, path=str(path)).rpartition(":")[2]
    if local == "DEMDataSet":
        raise NotPCRFileError("NEMSIS DEMDataSet (agency demographics) holds no patient care reports",
                              path=str(path))
    if local != "EMSDataSet":
        raise FileFormatError(f"not a NEMSIS EMSDataSet file (root element <{local}>)", path=str(path))


def _to_pcr(element: etree._Element, path: str, position: int) -> PCR:
    codes = nemsis_codes()
    try:
        data = pcr_record(element, codes)
    except RecordError as exc:
        exc.path, exc.position = path, position
        exc.reason += f" (line {element.sourceline})"
        raise
    data["source"] = {"file": path, "position": position, "format": "nemsis"}
    try:
        return PCR.model_validate(data)
    except ValidationError as exc:
        raise RecordError(validation_reason(exc), path=path, position=position,
                          record_id=data["id"]) from None


def read_nemsis_file(path: Path) -> Iterator[PCR | InputError]:
    """Yield each PatientCareReport as a PCR (position = 1-based index in the file) or its error."""
    name = str(path)
    try:
        _check_root(path)
    except InputError as exc:
        yield exc
        return
    count = 0
    parser = etree.iterparse(str(path), events=("end",), tag=_PCR_TAG, resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
    try:
        for _event, element in parser:
            count += 1
            try:
                yield _to_pcr(element, name, count)
            except InputError as exc:
                yield exc
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        after = f"; {count} report(s) before it were read, the rest of the file was not" if count else ""
        yield FileFormatError(f"XML syntax error at line {exc.lineno}: {exc.msg}{after}", path=name)
        return
    if count == 0:
        yield FileFormatError("no PatientCareReport elements in the NEMSIS namespace "
                              f"({NS}) were found", path=name)
