"""The HTML evidence report, read as HTML: escaping, highlights, overlapping spans, codes with
their evidence, the index, offline pages, missing parts, and the CLI commands that write it."""
import base64
import hashlib
import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, read_all
from emscoder.cli import app
from emscoder.coder import code
from emscoder.report.highlight import Mark, segments
from emscoder.report.html import render_pcr_page, write_report
from emscoder.report.htmlkit import FileNames, json_for_script
from report_fixtures import (HOSTILE_FIELD, HOSTILE_ID, HOSTILE_NARRATIVE, NARRATIVE, findings_only_result,
                             full_result, hostile_result)

VOID = {"meta", "br", "input", "img", "hr", "link"}


class Page(HTMLParser):
    """Collects tags, attributes, script bodies, the narrative's text and each target's spans."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.narrative = ""
        self.spans: dict[str, list[tuple[str, list[str]]]] = {}   # token -> [(text, classes)]
        self.buttons: dict[str, str] = {}                          # token -> label
        self._stack: list[tuple[str, dict]] = []
        self._narrative_depth: int | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in VOID:
            return
        self._stack.append((tag, attrs | {"_text": ""}))
        if attrs.get("id") == "narrative":
            self._narrative_depth = len(self._stack)

    def handle_endtag(self, tag):
        name, attrs = self._stack.pop()
        assert name == tag, f"unbalanced </{tag}> closes <{name}>"
        text = attrs["_text"]
        if tag == "script":
            self.scripts.append((attrs, text))
        if tag == "span" and "data-t" in attrs and self._narrative_depth:
            for token in attrs["data-t"].split():
                self.spans.setdefault(token, []).append((text, attrs["class"].split()))
        if tag == "button" and "data-target" in attrs:
            self.buttons[attrs["data-target"]] = text
        if self._narrative_depth and len(self._stack) < self._narrative_depth:
            self._narrative_depth = None

    def handle_data(self, data):
        for _, attrs in self._stack:
            attrs["_text"] += data
        if self._narrative_depth:
            self.narrative += data

    def text_of(self, token: str) -> str:
        return "".join(text for text, _ in self.spans.get(token, []))

    def data(self) -> dict:
        return json.loads(next(body for attrs, body in self.scripts if attrs.get("type") == "application/json"))


def assert_inert(page: Page) -> None:
    """Only our own two scripts; no element or attribute that could run or load anything."""
    assert [attrs.get("type") for attrs, _ in page.scripts] == ["application/json", None]
    names = {tag for tag, _ in page.tags}
    assert not names & {"img", "svg", "textarea", "iframe", "object", "embed", "link", "form"}
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert "src" not in attrs and "style" not in attrs, (tag, attrs)
        assert not str(attrs.get("href", "")).lower().startswith("javascript:"), attrs


# ---------------------------------------------------------------- safety


def test_hostile_narrative_fields_and_id_render_as_plain_text():
    html = render_pcr_page(hostile_result())
    page = Page(html)
    assert_inert(page)
    assert page.narrative == HOSTILE_NARRATIVE                     # shown literally, nothing lost
    for raw in ("<script>window", "<img src=x", "</textarea>", '<a href="javascript:', "<svg", "<b>A0429"):
        assert raw not in html
    assert "&lt;/textarea&gt;&lt;script&gt;window.__pwned = 3&lt;/script&gt;" in html
    assert "&lt;/textarea&gt;&lt;img src=x onerror=&quot;window.__pwned=7&quot;&gt;" in html   # field text
    assert "javascript:window.__pwned=5" in page.narrative
    assert page.buttons["level"].startswith(f"<b>A0429</b> {HOSTILE_FIELD}")     # literal text
    assert f'<span class="id">{escape(HOSTILE_ID)}</span>' in html
    all_text = "".join(text for _, text in page.scripts)
    assert "__pwned" not in all_text                               # no record text in script blocks


def test_json_data_block_cannot_close_its_script_element():
    text = json_for_script({"x": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"x": "</script><!-- & \u2028"}


def test_csp_allows_only_the_pages_own_inline_script_and_style():
    html = render_pcr_page(full_result())
    page = Page(html)
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    script = page.scripts[-1][1]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert "default-src 'none'" in csp and f"script-src 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.parametrize("record_id", [HOSTILE_ID, "../../etc/passwd", "a/b", "..", "", "CON", "index",
                                       "x" * 200, "ünïcødé id"])
def test_page_file_names_are_safe(record_id):
    name = FileNames().allocate(record_id)
    assert re.fullmatch(r"pcr-[A-Za-z0-9._-]+\.html", name) and ".." not in name and len(name) < 110


def test_page_file_names_never_collide():
    names = FileNames()
    allocated = [names.allocate(i) for i in ("a/b", "a_b", "A_B", "a_b", "a_b", "index", "pcr")]
    assert len({n.lower() for n in allocated}) == len(allocated)


# ---------------------------------------------------------------- highlights


def test_segments_cover_the_text_once_with_every_covering_mark():
    marks = [Mark(0, 10, "a"), Mark(2, 4, "b"), Mark(3, 12, "c"), Mark(50, 60, "off"), Mark(5, 5, "empty")]
    segs = segments(20, marks)
    assert [(s.start, s.end) for s in segs] == [(0, 2), (2, 3), (3, 4), (4, 10), (10, 12), (12, 20)]
    assert [sorted(m.token for m in s.marks) for s in segs] == [["a"], ["a", "b"], ["a", "b", "c"], ["a", "c"],
                                                                ["c"], []]


def test_every_finding_is_highlighted_with_its_kind_and_status():
    result = full_result()
    page = Page(render_pcr_page(result))
    assert page.narrative == NARRATIVE
    for i, finding in enumerate(result.findings):
        spans = page.spans.get(f"f{i}", [])
        narrative_ev = [e for e in finding.evidence if e.source == "narrative"]
        if not narrative_ev:
            assert f"f{i}" in page.buttons          # field-only finding: listed, no narrative span
            continue
        evidence_text = "".join(text for text, classes in spans if "trigger" not in classes)
        assert evidence_text == "".join(e.text for e in narrative_ev), finding.concept
        kind = finding.kind if finding.kind in ("intervention", "medication", "distress", "vital", "mileage",
                                                "signature") else "other"
        assert any(f"k-{kind}" in c or "multi" in c for _, c in spans), finding.concept
        if finding.status != "present":
            assert all("out" in c for t, c in spans if "trigger" not in c), finding.concept
            triggers = [t for t, c in spans if "trigger" in c]
            assert triggers == [e.text for e in finding.triggers], finding.concept


def test_nested_and_partly_overlapping_spans_keep_each_targets_text():
    page = Page(render_pcr_page(full_result()))
    assert page.text_of("f2") == "IV access 20g L AC"             # contains f3 and part of f14
    assert page.text_of("f3") == "IV"
    assert page.text_of("f14") == "L AC established"
    assert page.text_of("dx1") == "for chest pain. Pt denies"     # primary dx: across f0 and f1's trigger
    assert page.text_of("level") == "Epi 1mg IV push x3" + "Intubated with 7.5 ETT"
    shared = [c for t, c in page.spans["f2"] if t == "L AC"]
    assert shared and "multi" in shared[0]


# ---------------------------------------------------------------- codes, flags, score, fields


def test_each_code_shows_rule_rationale_source_and_evidence():
    result = full_result()
    html = render_pcr_page(result)
    page = Page(html)
    for token in ("level", "mileage", "modifiers", "dx0", "dx1", "necessity", "flag0", "flag1", "flag2", "reason0"):
        assert token in page.buttons, token
    assert "A0433" in page.buttons["level"] and "A0425" in page.buttons["mileage"]
    for text in ("LVL-ALS2-MEDS-01", "Three IV pushes of a non-crystalloid drug", "Benefit Policy Manual ch. 10",
                 "Not higher because", "SCT needs care beyond paramedic scope", "MIL-ODO-01", "42 CFR 414.610",
                 "R07.9", "I25.2", "DX-SYM-01", "0.83", "sufficient", "als2_iv_pushes", "+0.42", "-0.11"):
        assert text in html, text
    assert html.index("R07.9") < html.index("I25.2")              # primary first
    assert html.index(">error<") < html.index(">warning<") < html.index(">info<")   # flags by severity


def test_field_evidence_points_at_structured_field_rows():
    page = Page(render_pcr_page(full_result()))
    rows = {a["id"]: a for t, a in page.tags if t == "tr" and a.get("id", "").startswith("fld")}
    fields = page.data()["fields"]
    assert len(fields["mileage"]) == 2                            # odometer.at_scene, odometer.at_destination
    assert len(fields["modifiers"]) == 2 and fields["f15"]       # origin.type + destination.type; crew[0].role
    assert all(row_id in rows for ids in fields.values() for row_id in ids)
    assert "flag1" not in fields                                   # destination.zip is absent: listed, no row


def test_missing_parts_render_as_not_coded():
    html = render_pcr_page(findings_only_result())
    for title in ("Level of service", "Mileage", "Modifiers", "ICD-10-CM", "Medical necessity", "Claim"):
        card = html[html.index(f"<h3>{title}</h3>"):][:200]
        assert "not coded" in card, title
    assert html.count('class="notcoded"') >= 8                     # + flags (not checked) and sufficiency
    assert Page(html).text_of("f0") == "chest pain"                 # findings still highlighted


def test_real_coder_output_for_a_sample_pcr():
    pcrs, _, _ = read_all(REPO / "corpora/samples/json/demo-j03-chest-pain-als1.json")
    result = code(pcrs[0])
    page = Page(render_pcr_page(result))
    assert_inert(page)
    assert page.narrative == pcrs[0].narrative
    assert result.findings
    for i, finding in enumerate(result.findings):
        if any(e.source == "narrative" and e.start is not None for e in finding.evidence):
            assert page.spans.get(f"f{i}"), finding.concept
    if result.level is not None:                                   # the rule layer ran: its code is clickable
        assert result.level.hcpcs in page.buttons["level"]
        cited = [e.text for e in result.level.evidence if e.source == "narrative" and e.start is not None]
        assert "".join(text for text, _ in page.spans.get("level", [])) == "".join(cited)


# ---------------------------------------------------------------- batch, index, offline


def test_write_report_pages_index_rows_and_links(tmp_path):
    results = [full_result(), hostile_result(), findings_only_result(), full_result()]   # repeated id
    summary = write_report(iter(results), tmp_path / "report")
    assert summary.pages == 4 and summary.index_path == tmp_path / "report" / "index.html"
    index = Page(summary.index_path.read_text())
    assert_inert(index)
    links = [a["href"] for t, a in index.tags if t == "a" and "href" in a and not a["href"].startswith("#")]
    assert len(links) == 4 == len(set(links))
    for href in links:
        target = (tmp_path / "report" / href).resolve()
        assert target.parent == (tmp_path / "report").resolve() and target.is_file()
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == sorted(links + ["index.html"])
    html = summary.index_path.read_text()
    for text in ("A0433 ALS2", "A0425 × 8.7", "R07.9 Chest pain, unspecified", "narrative_structured_conflict",
                 "0.83 sufficient", "not coded", "not checked"):
        assert text in html, text
    assert HOSTILE_ID not in html and "&lt;script&gt;window.__pwned=9" in html
    assert [b for t, b in index.tags if t == "button"] and index.data() == {"count": 4}


def test_report_pages_are_offline(tmp_path):
    summary = write_report([full_result(), hostile_result(), findings_only_result()], tmp_path)
    for path in tmp_path.iterdir():
        html = path.read_text()
        assert "http://" not in html and "https://" not in html, path.name
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*//""", html) and "url(" not in html and "@import" not in html
    assert summary.pages == 3


# ---------------------------------------------------------------- command line

runner = CliRunner()


def test_code_html_writes_the_report_for_the_samples(tmp_path):
    out = tmp_path / "samples.jsonl"
    result = runner.invoke(app, ["code", str(REPO / "corpora/samples/json"), "-o", str(out),
                                 "--html", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in (tmp_path / "report").glob("pcr-*.html"))
    assert len(pages) == 6 and (tmp_path / "report" / "index.html").is_file()
    assert "report: 6 PCR page(s)" in result.output


def test_report_command_skips_bad_lines_with_a_clear_error(tmp_path):
    good = [full_result().model_dump_json(), hostile_result().model_dump_json()]
    src = tmp_path / "results.jsonl"
    src.write_bytes("\n".join([good[0], "not json", '{"id": "x"}', "", good[1]]).encode() + b"\n\xff\xfe\n")
    result = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "line 2: not valid JSON" in result.output and "line 3: not a result record" in result.output
    assert "line 6: not UTF-8 text" in result.output and "report: 2 PCR page(s)" in result.output
    assert len(list((tmp_path / "r").glob("pcr-*.html"))) == 2


def test_report_command_without_results_is_a_fatal_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert runner.invoke(app, ["report", str(empty), "-o", str(tmp_path / "r")]).exit_code == 2
    assert runner.invoke(app, ["report", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "r")]).exit_code == 2
