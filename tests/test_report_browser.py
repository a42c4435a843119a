"""The evidence report in a real browser: headless Chromium (the Debian package, never a browser
downloaded by Playwright) opens generated pages, clicks codes, uses the keyboard, and checks that
a hostile narrative stays inert text. Skips with a reason when Playwright or Chromium is missing."""
import re
from pathlib import Path

import pytest

from conftest import REPO, read_all
from emscoder.coder import code
from emscoder.report.html import ReportWriter, render_pcr_page
from report_fixtures import HOSTILE_ID, HOSTILE_NARRATIVE, findings_only_result, full_result, hostile_result

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=(
    f"no Chromium at {CHROMIUM}: install the Debian packages chromium and chromium-driver "
    "(.ci/run does so when it runs as root with apt-get)"))
ACTIVE = re.compile(r"\bactive\b")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report with a fully coded PCR, a hostile one and a findings-only one."""
    writer = ReportWriter(tmp_path_factory.mktemp("report"))
    pages = {"full": writer.add(full_result()), "hostile": writer.add(hostile_result()),
             "findings": writer.add(findings_only_result())}
    pages["index"] = writer.close().index_path
    return pages


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """One Chromium per module, with a fresh profile; every request must stay on file://."""
    with sync_api.sync_playwright() as playwright:
        ctx = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=ARGS, viewport={"width": 1280, "height": 720})
        yield ctx
        ctx.close()


@pytest.fixture
def page(context):
    """A fresh tab that records page errors, console errors and every requested URL."""
    tab = context.new_page()
    tab.problems, tab.urls = [], []
    tab.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    tab.on("console", lambda msg: msg.type == "error" and tab.problems.append(f"console: {msg.text}"))
    tab.on("request", lambda request: tab.urls.append(request.url))
    yield tab
    assert tab.problems == []
    assert all(url.startswith(("file://", "about:", "data:")) for url in tab.urls), tab.urls
    tab.close()


def in_viewport(tab, locator) -> bool:
    box, view = locator.bounding_box(), tab.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= view["width"] and box["y"] + box["height"] <= view["height"])


def test_clicking_the_level_code_scrolls_to_its_highlighted_evidence(page, report, tmp_path):
    page.goto(report["full"].as_uri())
    evidence = page.locator('#narrative [data-t~="level"]')
    assert evidence.count() >= 2 and not in_viewport(page, evidence.first)     # far down the narrative
    page.click('button[data-target="level"]')
    sync_api.expect(evidence.first).to_have_class(ACTIVE)
    assert all(ACTIVE.search(evidence.nth(i).get_attribute("class")) for i in range(evidence.count()))
    assert in_viewport(page, evidence.first)
    field_rows = page.locator("table.fields tr.active")
    assert field_rows.count() >= 1 and "medications[0]" in field_rows.first.inner_text()
    assert "Evidence for A0433" in page.locator("#ev-status").inner_text()
    shot = tmp_path / "report-level-evidence.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 1000 and shot.read_bytes()[:8] == PNG_MAGIC


def test_code_buttons_work_from_the_keyboard(page, report):
    page.goto(report["full"].as_uri())
    for _ in range(30):                                  # Tab from the top of the page to the first code
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.code')"):
            break
    assert page.evaluate("document.activeElement.dataset.target") == "level"
    page.keyboard.press("Enter")
    sync_api.expect(page.locator('#narrative [data-t~="level"]').first).to_have_class(ACTIVE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.target") == "mileage"
    page.keyboard.press("Enter")
    mileage = page.locator('#narrative [data-t~="mileage"]').first
    sync_api.expect(mileage).to_have_class(ACTIVE)
    assert in_viewport(page, mileage)
    assert page.locator('#narrative .active[data-t~="level"]:not([data-t~="mileage"])').count() == 0
    page.keyboard.press("Escape")
    assert page.locator(".active").count() == 0


def test_a_hostile_narrative_is_shown_as_text_and_runs_nothing(page, report, tmp_path):
    page.goto(report["hostile"].as_uri())
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == f"PCR {HOSTILE_ID} · emscoder evidence report"      # not set by the narrative
    assert page.locator("img, svg, textarea, iframe, a[href^='javascript']").count() == 0
    narrative = page.locator("#narrative")
    assert narrative.text_content() == HOSTILE_NARRATIVE
    assert '<script>window.__pwned = 1; document.title = "pwned";</script>' in narrative.inner_text()
    page.click('button[data-target="level"]')                 # our own script still works
    sync_api.expect(page.locator('#narrative [data-t~="level"]').first).to_have_class(ACTIVE)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    shot = tmp_path / "report-hostile.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == PNG_MAGIC


def test_index_filters_sorts_and_links_to_the_pages(page, report):
    page.goto(report["index"].as_uri())
    rows = page.locator("#pcrs tbody tr")
    assert rows.count() == 3
    page.fill("#filter", "FULL-001")
    assert page.locator("#pcrs tbody tr:visible").count() == 1
    page.fill("#filter", "")
    page.select_option("#flagfilter", "none")
    assert page.locator("#pcrs tbody tr:visible").count() == 1
    page.select_option("#flagfilter", "")
    page.click("button.sort >> text=Sufficiency")
    page.click("button.sort >> text=Sufficiency")              # descending; unscored rows stay last
    assert rows.first.locator("th").inner_text() == "FULL-001"
    assert page.locator("th[aria-sort=descending]").count() == 1
    page.click("text=FULL-001")
    page.wait_for_url(re.compile(r"pcr-FULL-001\.html$"))
    assert page.locator("h1").inner_text() == "PCR FULL-001"


def test_real_coder_output_shows_the_level_evidence(page, tmp_path):
    pcrs, _, _ = read_all(REPO / "corpora/samples/json/demo-j04-arrest-als2.json")
    result = code(pcrs[0])
    path = tmp_path / "real.html"
    path.write_text(render_pcr_page(result, index_href=None), encoding="utf-8")
    page.goto(path.as_uri())
    assert page.locator("#narrative").text_content() == pcrs[0].narrative
    if result.level is None:
        pytest.skip("the coder produced no level for this sample")
    page.click('button[data-target="level"]')
    active = page.locator("#narrative .active, table.fields tr.active")
    assert active.count() >= 1 and in_viewport(page, active.first)
