"""Refuse hostile XML before any parser sees it.

NEMSIS files never need a DOCTYPE. A DOCTYPE is how external entities (XXE) and entity-expansion
bombs get in, so any markup declaration in the prolog is refused outright, and the parser itself
runs with entity resolution, DTD loading and network access off as a second line of defence.
"""
from __future__ import annotations

import re

from emscoder.errors import FileFormatError, UnsafeXMLError

PROLOG_LIMIT = 65_536
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)")


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    # latin-1 maps every byte to one character, so offsets stay meaningful for the ASCII markup we scan.
    return head.decode("latin-1").removeprefix("\u00ef\u00bb\u00bf")


def root_element_name(head: bytes, *, path: str) -> str:
    """The root element's qualified name; UnsafeXMLError on any DOCTYPE/ENTITY in the prolog."""
    text = _decode_head(head[:PROLOG_LIMIT])
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            pos = end + 2 if end >= 0 else len(text) + 1
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
            pos = end + 3 if end >= 0 else len(text) + 1
        elif text.startswith("<!", pos):
            kind = "DOCTYPE" if text.startswith("<!DOCTYPE", pos) else "markup declaration"
            raise UnsafeXMLError(f"XML with a {kind} is refused (external entities and entity expansion "
                                 "are not allowed; NEMSIS files never need one)", path=path)
        else:
            match = _ROOT.match(text, pos)
            if match:
                return match.group(1)
            if pos >= len(text) and len(head) >= PROLOG_LIMIT:
                raise UnsafeXMLError(f"no root element within the first {PROLOG_LIMIT:,} bytes", path=path)
            raise FileFormatError("not well-formed XML: no root element", path=path)
