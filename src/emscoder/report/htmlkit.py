"""Small, safe building blocks for the HTML report: escaping, the page shell, safe file names.

Every page is self-contained (CSS and JS inlined from `templates/`) and carries a Content-Security-
Policy that allows only its own inline style and script, by SHA-256 hash: nothing is loaded from the
network and an injected `<script>` could not run even if escaping ever failed.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from html import escape
from importlib import resources
from string import Template
from typing import Any

NOT_CODED = '<p class="notcoded">not coded</p>'


def esc(value: Any) -> str:
    """Text -> HTML text or attribute value (quotes escaped too). None -> empty."""
    return "" if value is None else escape(str(value), quote=True)


def json_for_script(data: Any) -> str:
    """JSON safe inside `<script type="application/json">`: `<`, `>`, `&` and the JS line
    separators become \\u escapes, so no data can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


@cache
def template(name: str) -> str:
    """A file from `emscoder/report/templates/` (package data)."""
    return resources.files("emscoder.report").joinpath("templates", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def page(title: str, body: str, script: str, data: Any) -> str:
    """A complete HTML document: escaped title, trusted `body` HTML, inlined CSS and the named
    script from templates, `data` as a JSON block for the script, and a hash-based CSP."""
    css, js = template("report.css"), template(script)
    csp = (f"default-src 'none'; script-src '{_sha256(js)}'; style-src '{_sha256(css)}'; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    return Template(template("page.html")).substitute(
        title=esc(title), csp=esc(csp), css=css, js=js, body=body, data=json_for_script(data))


def button(token: str, label_html: str, extra_class: str = "") -> str:
    """A code button that shows the evidence of target `token` (one of our own tokens)."""
    if not re.fullmatch(r"[a-z]+[0-9]*", token):
        raise ValueError(f"bad target token {token!r}")
    classes = esc(f"code {extra_class}".strip())
    return f'<button type="button" class="{classes}" data-target="{token}">{label_html}</button>'


def dl(rows: list[tuple[str, str]]) -> str:
    """A definition list from (term, trusted HTML) pairs, skipping empty values."""
    items = "".join(f"<dt>{esc(term)}</dt><dd>{value}</dd>" for term, value in rows if value)
    return f"<dl>{items}</dl>" if items else ""


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+|\.{2,}")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


class FileNames:
    """Allocates a safe, unique page file name for each PCR id: only `[A-Za-z0-9._-]`, never a
    path, no `..`, no leading dot, case-insensitively unique (`pcr-<slug>.html`, plus a short hash of the id
    when the id had to be changed, and `-2`, `-3` ... for repeated ids)."""

    def __init__(self) -> None:
        self._used: set[str] = {"index"}

    def allocate(self, record_id: str) -> str:
        slug = _UNSAFE.sub("_", record_id).strip("._-")[:80] or "pcr"
        if slug != record_id or _WINDOWS_RESERVED.match(slug):
            slug += "-" + hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:8]
        stem, n = f"pcr-{slug}", 1
        while (stem if n == 1 else f"{stem}-{n}").lower() in self._used:
            n += 1
        stem = stem if n == 1 else f"{stem}-{n}"
        self._used.add(stem.lower())
        return stem + ".html"
