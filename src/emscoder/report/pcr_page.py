"""One PCR page: header, coding panel, highlighted narrative with its legend, findings table and
structured fields. Everything taken from the record is escaped; ids and classes are our own."""
from __future__ import annotations

from emscoder.model import CodingResult, Finding
from emscoder.report.evidence import Targets, field_rows
from emscoder.report.highlight import render_narrative
from emscoder.report.htmlkit import button, esc, page
from emscoder.report.sections import codes_section, flags_section, sufficiency_section

KINDS = ("intervention", "medication", "bed_confinement", "distress", "condition", "vital", "crew",
         "signature", "mileage", "refusal", "death")
STATUS_LABELS = {
    "present": "counted", "negated": "negated", "historical": "historical", "hypothetical": "hypothetical",
    "refused": "refused", "attempted_unsuccessful": "failed attempt", "prior_to_arrival": "before arrival",
    "other_provider": "other provider", "family": "family member",
}


def kind_class(kind: str) -> str:
    """The CSS colour class name of a finding kind (unknown kinds share `other`)."""
    return kind if kind in KINDS else "other"


def counted(finding: Finding) -> bool:
    """Whether a finding counts as documented care; every other status is shown as ruled out."""
    return finding.status == "present"


def _status(finding: Finding) -> str:
    label = STATUS_LABELS.get(finding.status, finding.status)
    return label if counted(finding) else f"ruled out: {label}"


def _cite_findings(t: Targets, findings: list[Finding]) -> None:
    for i, f in enumerate(findings):
        t.cite(f"f{i}", f.evidence, kind=kind_class(f.kind), counted=counted(f),
               title=f"{f.kind}: {f.concept} ({_status(f)})", triggers=f.triggers)


def _legend(findings: list[Finding]) -> str:
    kinds = list(KINDS) + (["other"] if any(kind_class(f.kind) == "other" for f in findings) else [])
    swatches = "".join(f'<li><span class="hl k-{k}">{esc(k.replace("_", " "))}</span></li>' for k in kinds)
    extra = ('<li><span class="hl k-intervention out">ruled out</span> (negated, refused, failed, before'
             ' arrival, historical, hypothetical ...)</li><li><span class="hl trigger">trigger</span> word'
             ' that ruled it out</li><li><span class="hl ev">cited by a code</span></li>'
             '<li><span class="hl k-distress selected">selected evidence</span></li>')
    return f'<ul class="legend" aria-label="Legend">{swatches}{extra}</ul>'


def _narrative(t: Targets, findings: list[Finding]) -> str:
    text = t.narrative
    body = (f'<div id="narrative" class="narrative">{render_narrative(text, t.marks)}</div>' if text.strip()
            else '<p class="notcoded">The narrative is empty.</p>')
    return ('<section aria-labelledby="h-narr"><h2 id="h-narr">Narrative</h2>'
            + _legend(findings) + body + "</section>")


def _attributes(finding: Finding) -> str:
    return esc(", ".join(f"{k}={v}" for k, v in finding.attributes.items()))


def _findings(findings: list[Finding]) -> str:
    head = '<section aria-labelledby="h-find"><h2 id="h-find">Findings</h2>'
    if not findings:
        return head + '<p class="muted">no findings</p></section>'
    rows = []
    for i, f in enumerate(findings):
        label = esc(" … ".join(ev.text for ev in f.evidence) or f.concept)
        triggers = esc(", ".join(ev.text for ev in f.triggers))
        row_class = "" if counted(f) else ' class="out"'
        rows.append(f'<tr{row_class}><td><span class="hl k-{kind_class(f.kind)}">'
                    f"{esc(f.kind)}</span></td><td>{esc(f.concept)}</td><td>{esc(_status(f))}</td>"
                    f"<td>{triggers}</td><td>{button(f'f{i}', label, 'small')}</td><td>{_attributes(f)}</td>"
                    f"<td><code>{esc(f.rule_id)}</code></td></tr>")
    cols = "".join(f'<th scope="col">{c}</th>' for c in
                   ("Kind", "Concept", "Status", "Trigger", "Evidence", "Attributes", "Rule"))
    table = f'<table class="findings"><thead><tr>{cols}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return head + table + "</section>"


def _fields(t: Targets) -> str:
    head = '<section aria-labelledby="h-fields"><h2 id="h-fields">Structured fields</h2>'
    if not t.rows:
        return head + '<p class="muted">no structured fields</p></section>'
    rows = "".join(f'<tr id="{row_id}"><th scope="row"><code>{esc(path)}</code></th><td>{esc(value)}</td></tr>'
                   for path, value, row_id in t.rows)
    return head + f'<table class="fields"><tbody>{rows}</tbody></table></section>'


def _header(result: CodingResult, index_href: str | None) -> str:
    pcr, v = result.pcr, result.versions
    crumb = f'<p class="crumb"><a href="{esc(index_href)}">← Batch index</a></p>' if index_href else ""
    meta = [("service date", pcr.service_date), ("payer", pcr.payer), ("emscoder", v.emscoder),
            ("rules", v.rules), ("model", v.model), ("stages run", ", ".join(result.stages) or "none")]
    items = "".join(f"<li>{esc(k)}: {esc(val)}</li>" for k, val in meta if val)
    return (f'<header>{crumb}<h1>PCR <span class="id">{esc(result.id)}</span></h1>'
            f'<ul class="meta">{items}</ul></header>')


def render_page(result: CodingResult, index_href: str | None = None) -> str:
    """The complete, self-contained HTML page of one coding result."""
    t = Targets(result.pcr.narrative, field_rows(result.pcr))
    panel = (codes_section(t, result) + flags_section(t, result) + sufficiency_section(t, result))
    _cite_findings(t, result.findings)
    status = '<p id="ev-status" class="status" role="status" aria-live="polite"></p>'
    body = (_header(result, index_href) + '<main id="main" class="layout">'
            + f'<aside class="panel" aria-label="Coding">{status}{panel}</aside>'
            + f'<div class="doc">{_narrative(t, result.findings)}{_findings(result.findings)}{_fields(t)}</div>'
            + "</main>")
    data = {"fields": {token: ids for token, ids in t.fields.items() if ids}}
    return page(f"PCR {result.id} · emscoder evidence report", body, "pcr.js", data)
