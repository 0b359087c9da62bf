"""The statistics page in a real Chromium: the chart's marks, its table against the API, axe-core,
the keyboard, and the SVG and PNG downloads."""
from __future__ import annotations


import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")




def _api(page, url: str) -> dict:
    page.goto(url)
    return page.evaluate("() => JSON.parse(document.body.innerText)")


@pytest.mark.parametrize("query", ["by=category&by=decision", "by=quarter", "q=knee&by=year&by=specialty"])
def test_chart_marks_and_table_match_the_api(base_url, browser, query):
    page = browser.new_page()
    api = _api(page, f"{base_url}/api/stats?{query}")
    page.close()
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base_url}/stats?{query}")
    svg = page.locator("#chart svg")
    box = svg.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    marks = page.locator("#chart svg .mark").count()
    by = [d["name"] for d in api["by"]]
    if by[0] in ("year", "month", "quarter"):
        dated = [c for c in api["cells"] if c["values"][0][:1].isdigit()]
        # One bar a period (one series), or one line a drawn series (the largest six).
        want = len(dated) if len(by) == 1 else min(6, len(api["by"][1]["values"]))
    else:
        want = min(40, len(api["cells"]))
    assert marks == want
    rows = page.locator("#stats-table tbody tr")
    assert rows.count() == len(api["cells"])
    for n, cell in enumerate(api["cells"]):
        texts = rows.nth(n).locator("th, td").all_inner_texts()
        assert [t.strip() for t in texts[:len(by)]] == cell["values"]
        assert [int(t) for t in texts[len(by):len(by) + 3]] == [cell["items"], cell["letters"], cell["overturned"]]
    assert not errors, errors     # no CSP refusal or script error
    page.close()


def test_zero_axe_violations(base_url, browser):
    axe = axe_sync.Axe()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for path in ("/stats", "/stats?by=category&by=decision", "/stats?by=month&q=therapy", "/stats?by=nope"):
        page.goto(base_url + path)
        violations = axe.run(page).response["violations"]
        assert not violations, (path, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations])
    page.close()


def test_keyboard_changes_the_dimensions(base_url, browser):
    page = browser.new_page()
    page.goto(base_url + "/stats")
    page.focus("#by-1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "by-2"
    page.select_option("#by-2", "decision")      # what arrow keys do on a focused select
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Show"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "by=year" in page.url and "by=decision" in page.url
    assert page.locator("#stats-table thead th").first.inner_text() == "Decision year"
    # The share link is this very table.
    assert page.get_attribute("#share", "href").endswith("by=year&by=decision")
    page.close()


def test_svg_and_png_downloads(base_url, browser, tmp_path):
    page = browser.new_page(accept_downloads=True)
    page.goto(base_url + "/stats?by=category")
    with page.expect_download() as svg_download:
        page.click("#svg-download")
    path = tmp_path / "chart.svg"
    svg_download.value.save_as(path)
    assert path.read_text().startswith("<svg") and 'class="mark"' in path.read_text()
    png = page.locator("#png-download")
    assert png.is_visible()
    png.focus()
    with page.expect_download() as png_download:
        page.keyboard.press("Enter")
    path = tmp_path / "chart.png"
    png_download.value.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    page.close()
