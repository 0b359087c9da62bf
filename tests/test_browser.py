"""A real Chromium against the app served by waitress: search, facet, letter, export.

Also saves docs/screenshots/{search,letter}.png for the README.
"""
from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("indexer.search.searcher", reason="the search core (indexer/search/searcher.py) is not there yet")


@pytest.fixture(scope="module")
def base_url(built_index):
    """The app under waitress on a free loopback port, for the module's tests."""
    from waitress.server import create_server

    from webapp import create_app

    server = create_server(create_app(built_index), host="127.0.0.1", port=0, threads=2)
    stop = threading.Event()

    def loop() -> None:
        # Stopped between polls, then closed: closing under a running select() fails it (EBADF).
        while not stop.is_set():
            server.asyncore.loop(timeout=0.1, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    stop.set()
    thread.join(timeout=10)
    server.close()
    server.task_dispatcher.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def test_search_facet_letter_and_export(base_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(base_url + "/")
    page.keyboard.press("/")                              # app.js: '/' focuses the box
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("personal trainer upheld")
    page.keyboard.press("Enter")
    page.wait_for_selector("li.hit")
    chip = page.locator("li.chip-query").first
    assert "Decision: Upheld" in chip.inner_text()
    assert page.locator("li.hit mark").count() > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=False)

    # Clicking a specialty checkbox submits the form (app.js) and selects it.
    box = page.locator("fieldset#facet-specialty input[type=checkbox]").first
    value = box.get_attribute("value")
    with page.expect_navigation():
        box.check()
    assert "f.specialty=" in page.url
    assert page.locator("fieldset#facet-specialty input[type=checkbox]:checked").count() == 1
    assert page.locator("li.chip-filter").count() == 1 and value in page.locator("li.chip-filter").inner_text()

    # The CSV export is a download with every hit of this search.
    total = int(page.locator("#status").inner_text().split()[0])
    with page.expect_download() as info:
        page.locator("nav.exports a", has_text="CSV").click()
    saved = tmp_path / "export.csv"
    info.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert len(rows) == total + 1

    # Follow the first hit to its letter.
    title = page.locator("li.hit h2 a").first
    with page.expect_navigation():
        title.click()
    assert "/letters/" in page.url
    page.wait_for_selector("article.item")
    assert page.locator("section.clinical").count() == 1
    assert page.locator("article.item mark").count() > 0
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "letter.png"), full_page=False)
    assert not errors, errors    # no CSP violation or script error
    page.close()


def test_phone_layout_has_no_horizontal_scroll(base_url, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base_url + "/?q=personal+trainer")
    page.wait_for_selector("li.hit")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.close()


def test_long_facet_has_show_more_and_a_filter_box(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/")
    long_facets = page.locator("fieldset.facet:has(details)")
    if long_facets.count() == 0:
        pytest.skip("no facet has more than 8 values in this index")
    facet = long_facets.first
    box = facet.locator("input.facet-filter")
    assert box.count() == 1, "app.js adds a filter box to long facets"
    first_value = facet.locator("ul.values .value").first.inner_text()
    needle = first_value.split()[0].lower()
    box.fill(needle)
    visible = [t.lower() for t in facet.locator("ul.values li:visible .value").all_inner_texts()]
    assert visible and all(needle in t for t in visible)
    assert page.url.endswith("/"), "typing in the filter box does not submit"
    page.close()


def test_phone_filters_fold_before_the_results_in_focus_order(base_url, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base_url + "/?q=physical+therapy&f.decision=Upheld")
    page.wait_for_selector("li.hit")
    summary = page.locator("#filters > summary")
    assert page.evaluate("document.getElementById('filters').open") is False
    assert not page.locator("fieldset#facet-decision").is_visible()
    assert "(1 selected)" in summary.inner_text()
    # On screen the toggle is above the first result, as it is in the page.
    assert summary.bounding_box()["y"] < page.locator("li.hit").first.bounding_box()["y"]
    # Tabbing from the search box reaches the toggle before any result.
    page.focus("#q")
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        order.append(page.evaluate(
            "(e => e.closest('li.hit') ? 'hit' : e.closest('#filters') ? e.tagName : e.id)(document.activeElement)"))
        if "hit" in order:
            break
    assert "SUMMARY" in order and order.index("SUMMARY") < order.index("hit")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("fieldset#facet-decision").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "phone-filters.png"), full_page=False)
    page.close()


def test_wide_layout_shows_the_filters_beside_the_results(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/?q=physical+therapy")
    page.wait_for_selector("li.hit")
    assert page.locator("fieldset#facet-decision").is_visible()
    page.locator("#filters > summary").click()      # not a toggle on a wide screen
    assert page.locator("fieldset#facet-decision").is_visible()
    facets, hit = page.locator("aside.facets").bounding_box(), page.locator("li.hit").first.bounding_box()
    assert facets["x"] + facets["width"] <= hit["x"]
    page.close()
