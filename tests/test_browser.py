"""A real Chromium against the app served by waitress: search, facet, letter, export, and what
an attorney keeps open all day: Back shows the URL's state, Back to search keeps it, the original
letter opens in the browser, the whole page works from the keyboard.

Screenshots for the docs are made by scripts/screenshots.py, not here (a test run leaves the tree clean).
"""
from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


pytest.importorskip("indexer.search.searcher", reason="the search core (indexer/search/searcher.py) is not there yet")




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

    # Clicking a specialty checkbox submits the form (app.js) and selects it.
    box = page.locator("fieldset#facet-specialty input[type=checkbox]").first
    value = box.get_attribute("value")
    with page.expect_navigation():
        box.check()
    assert "f.specialty=" in page.url
    assert set(query_of(page.url)) == {"q", "f.specialty"}, "defaults and empty fields are left out of the URL"
    assert page.locator("fieldset#facet-specialty input[type=checkbox]:checked").count() == 1
    assert page.locator("li.chip-filter").count() == 1 and value in page.locator("li.chip-filter").inner_text()

    # The CSV export is a download with every hit of this search.
    total = int(page.locator("#status").inner_text().split()[0])
    page.locator("details.downloads > summary").click()
    with page.expect_download() as info:
        page.locator("nav.exports").get_by_role("link", name="CSV", exact=True).click()
    assert info.value.suggested_filename.startswith("imr-personal-trainer-upheld-")
    saved = tmp_path / "export.csv"
    info.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert len(rows) == total + 1
    assert rows[1][rows[0].index("letter_url")].startswith(base_url + "/letters/")

    # Follow the first hit to its letter.
    title = page.locator("li.hit h2 a").first
    with page.expect_navigation():
        title.click()
    assert "/letters/" in page.url
    page.wait_for_selector("article.item")
    assert page.locator("section.clinical").count() == 1
    assert page.locator("article.item mark").count() > 0
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


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_back_shows_the_state_of_the_url_not_a_stale_tick(base_url, browser):
    """Issue 15, 1: tick Overturned, Next, open a letter, Back three times: nothing ticked."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    start = base_url + "/?q=therapy&per_page=2"
    page.goto(start)
    with page.expect_navigation():
        page.locator("fieldset#facet-decision input[value=Overturned]").check()
    with page.expect_navigation():
        page.locator("a[rel=next]").click()
    with page.expect_navigation():
        page.locator("li.hit h2 a").first.click()
    for _ in range(3):
        page.go_back()
    assert page.url == start
    assert page.locator("fieldset#facet-decision input:checked").count() == 0
    assert page.locator("li.chip-filter").count() == 0
    with page.expect_navigation():
        page.locator("fieldset#facet-decision input[value=Upheld]").check()
    assert query_of(page.url)["f.decision"] == ["Upheld"], "the stale Overturned is not submitted"
    page.close()


def test_back_to_search_keeps_filters_sort_and_page(base_url, browser):
    """Issue 15, 2: from page 2 of a filtered, sorted search, a letter's Back to search returns there."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    state = {"q": ["therapy"], "f.decision": ["Upheld"], "sort": ["newest"], "per_page": ["5"], "page": ["2"]}
    page.goto(base_url + "/?q=therapy&f.decision=Upheld&sort=newest&per_page=5&page=2")
    with page.expect_navigation():
        page.locator("li.hit h2 a").first.click()
    assert page.locator("main h1").count() == 1 and "/letters/" in page.url
    # Similar decisions keep it too.
    with page.expect_navigation():
        page.locator("section.similar a").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="‹ Back to search").click()
    assert query_of(page.url) == state
    assert page.locator("fieldset#facet-decision input[value=Upheld]").is_checked()

    # The letter page has a search box; a case number typed with filters keeps the filters.
    with page.expect_navigation():
        page.locator("li.hit h2 a").first.click()
    case = page.locator("main h1").inner_text().split()[0]
    page.fill("form[role=search] input[name=q]", "therapy")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert query_of(page.url) == {"q": ["therapy"]}
    page.goto(base_url + "/?q=" + case + "&f.decision=Upheld&sort=newest")
    assert "/letters/" in page.url
    with page.expect_navigation():
        page.get_by_role("link", name="‹ Back to search").click()
    assert query_of(page.url) == {"f.decision": ["Upheld"], "sort": ["newest"]}
    page.close()


def test_the_original_letter_opens_in_the_browser(base_url, browser):
    """Issue 15, 3: near the top, no `download`, served inline (a PDF in the browser's viewer)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    for fmt, content_type in (("pdf", "application/pdf"), ("txt", "text/plain; charset=utf-8")):
        page.goto(base_url + "/api/search?q=therapy&per_page=100")
        letter_id = next(h["letter_id"] for h in page.evaluate("() => JSON.parse(document.body.innerText)")["hits"]
                         if fmt in page.request.get(base_url + "/api/letters/" + h["letter_id"]).json()["format"])
        page.goto(base_url + "/letters/" + letter_id)
        link = page.locator("a.original")
        assert link.get_attribute("download") is None
        top = link.bounding_box()["y"]
        assert top < page.locator("section.letter-header").bounding_box()["y"] < 900, "above the case table"
        answer = page.request.get(base_url + link.get_attribute("href"))
        assert answer.status == 200 and answer.headers["content-type"] == content_type
        assert answer.headers["content-disposition"].startswith("inline")
        downloads: list = []
        page.on("download", lambda d: downloads.append(d))
        with context.expect_page() as opened:
            link.click()
        tab = opened.value
        tab.wait_for_load_state()
        assert tab.url.endswith("/original") and not downloads
        if fmt == "txt":
            assert "IMR" in tab.locator("body").inner_text().upper()
        tab.close()
    context.close()


def test_the_cite_line_copies_in_one_click(base_url, browser):
    """Issue 15, 8: case number, decision date, item and decision in one line, with a copy button."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.goto(base_url + "/?q=therapy")
    with page.expect_navigation():
        page.locator("li.hit h2 a").first.click()
    button = page.locator("button.copy[data-copy=cite-1]")
    assert button.is_visible(), "app.js shows the button"
    assert page.locator("#cite-1").inner_text().startswith("Independent Medical Review Final Determination, Case No.")
    page.select_option("#cite-form", "link")     # the form with the link, kept for the next letter
    button.click()
    page.wait_for_function("document.querySelector('button.copy[data-copy=cite-1]').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#cite-1").inner_text() and "#item-1" in copied and " · " in copied
    context.close()


def focused(page) -> str:
    return page.evaluate("""(() => { const e = document.activeElement;
        if (e.closest('li.hit')) return 'hit';
        return e.id || e.tagName; })()""")


def test_keyboard_only_facet_sort_and_first_result(base_url, browser):
    """Issue 15, 7 and issue 31: select a facet and change the sort from the keyboard; each reload lands
    on the results heading, from which the first result is a few Tabs away (ArrowDown on Sort does not submit)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/?q=therapy")
    assert focused(page) == "results-title", "after a search, focus is on the results heading"
    page.keyboard.press("/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "Overturned":
            break
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert query_of(page.url)["f.decision"] == ["Overturned"]
    assert focused(page) == "results-title", "the page lands on the results, not on the box just ticked"
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if focused(page) == "sort":
            break
    assert focused(page) == "sort", "the sort is just above the results heading"
    url = page.url
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url == url, "ArrowDown only moves through the options"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert query_of(page.url)["sort"] == ["newest"] and query_of(page.url)["f.decision"] == ["Overturned"]
    assert focused(page) == "results-title"
    tabs = 0
    while focused(page) != "hit" and tabs < 30:
        page.keyboard.press("Tab")
        tabs += 1
    assert focused(page) == "hit" and tabs <= 5, tabs
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/letters/" in page.url
    page.close()
