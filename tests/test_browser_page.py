"""Issue 31 in a real Chromium: the page lands on the results after every change, what is not there is
shown, the keyboard reaches the first result and the downloads in a few Tabs, the letter prints."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}





def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def focused(page) -> str:
    return page.evaluate("""(() => { const e = document.activeElement;
        if (e.closest('li.hit')) return 'hit';
        if (e.closest('details.downloads')) return 'downloads';
        return e.id || e.tagName; })()""")


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height


def test_a_filter_click_lands_on_the_results_without_a_focus_ring(base_url, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + "/?q=therapy")
    box = page.locator("fieldset#facet-gender input[type=checkbox]").first
    box.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 300, "the gender filter is far down the column"
    with page.expect_navigation():
        box.click()
    assert "f.gender" in query_of(page.url)
    assert focused(page) == "results-title"
    assert in_view(page, "#status") and in_view(page, "li.chip-filter")
    ring = page.evaluate("getComputedStyle(document.getElementById('results-title')).outlineStyle")
    assert ring == "none", "no focus ring after a mouse click"
    page.close()


def test_a_tap_on_the_phone_closes_the_filters_and_lands_on_the_results(base_url, browser):
    page = browser.new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    page.goto(base_url + "/?q=therapy")
    page.locator("#filters > summary").tap()
    assert page.evaluate("document.getElementById('filters').open")
    show = page.locator("#filters a.show-results")
    assert show.is_visible() and show.inner_text().startswith("Show ")
    with page.expect_navigation():
        page.locator("fieldset#facet-decision label:has-text('Overturned')").tap()
    assert query_of(page.url)["f.decision"] == ["Overturned"]
    assert page.evaluate("document.getElementById('filters').open") is False
    assert in_view(page, "#status") and in_view(page, "li.chip-filter")
    # The panel's own button closes it and goes to the results.
    page.locator("#filters > summary").tap()
    page.locator("#filters a.show-results").tap()
    assert page.evaluate("document.getElementById('filters').open") is False
    assert in_view(page, "#status") and focused(page) == "results-title"
    page.close()


def test_keyboard_reaches_the_first_hit_and_the_downloads_in_five_tabs(base_url, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + "/?q=therapy&f.decision=Upheld")
    assert focused(page) == "results-title"
    reached, order = {}, []
    for n in range(1, 6):
        page.keyboard.press("Tab")
        order.append(focused(page))
        reached.setdefault(order[-1], n)
    assert "downloads" in reached and "hit" in reached, order
    # The downloads open with Enter; each format of the table, then Follow this search, a Tab apart.
    page.focus("#results-title")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    names = []
    for _ in range(5):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.textContent"))
    assert "CSV for Excel" in names and "Follow this search" in names
    page.close()


def test_skip_links_go_to_the_results_and_the_filters(base_url, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to filters"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "results-title"
    page.close()
    phone = browser.new_page(viewport=PHONE)
    phone.goto(base_url + "/")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.getElementById('filters').open"), "the folded filters open"
    assert phone.evaluate("document.activeElement.closest('#filters') !== null")
    phone.close()


def test_a_value_with_no_match_is_greyed_not_removed(base_url, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + "/?q=MRI+lumbar")
    zero = page.locator("fieldset#facet-decision li.zero")
    assert zero.count() >= 1, "Overturned is listed with 0"
    assert zero.first.locator(".count").inner_text() == "0"
    grey = page.evaluate("getComputedStyle(document.querySelector('#facet-decision li.zero label')).color")
    ink = page.evaluate("getComputedStyle(document.querySelector('#facet-decision li:not(.zero) label')).color")
    assert grey != ink
    # Ticking it is allowed: the page then says what each single change would find.
    value = zero.first.locator("input").get_attribute("value")
    with page.expect_navigation():      # click, not check(): check() re-reads the box on the page navigated to
        zero.first.locator("input").click()
    assert page.locator(f'fieldset#facet-decision input[value="{value}"]').is_checked()
    changes = page.locator("section.nohits li")
    assert changes.count() >= 1 and page.locator("section.nohits li a").count() >= 1
    text = changes.first.inner_text()
    with page.expect_navigation():
        changes.first.locator("a").click()
    assert page.locator("li.hit").count() >= 1
    assert text.split(": ")[-1].split()[0] == page.locator("#status").inner_text().split()[0]
    page.close()


def test_a_letter_prints_its_text_and_citations_without_the_controls(base_url, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(base_url + "/?q=therapy")
    with page.expect_navigation():
        page.locator("li.hit h2 a").first.click()
    page.emulate_media(media="print")
    for hidden in ("header.site", "form.letter-search", "section.similar", "button.copy", ".crumbs"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ("section.contents", "article.item", ".cite-text", "section.clinical"):
        assert page.locator(shown).first.is_visible(), shown
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.emulate_media(media="screen")
    assert page.locator("form.letter-search").is_visible()
    page.close()


def test_pages_and_static_files_are_compressed_and_cached_for_a_year(base_url, browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    seen: dict = {}
    page.on("response", lambda r: seen.setdefault(urlsplit(r.url).path, r))
    page.goto(base_url + "/?q=therapy")
    assert seen["/"].headers.get("content-encoding") in ("br", "gzip")
    for path in ("/static/style.css", "/static/app.js"):
        headers = seen[path].headers
        assert headers.get("content-encoding") in ("br", "gzip"), path
        assert "max-age=31536000" in headers["cache-control"] and "immutable" in headers["cache-control"], path
        assert "v=" in seen[path].url, "fingerprinted: a changed file gets a new address"
    # The next page takes both from the cache: nothing transferred, nothing revalidated.
    page.goto(base_url + "/?q=knee")
    sizes = page.evaluate("""performance.getEntriesByType('resource')
        .filter(e => e.name.includes('/static/')).map(e => e.transferSize)""")
    assert sizes and all(size == 0 for size in sizes), sizes
    context.close()
