"""The home page's corpus at a glance and the sidebar's year histogram (webapp/glance.py)."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup

from indexer.results import FacetValue


def test_home_page_shows_the_corpus_at_a_glance(client):
    html = client.get("/").get_data(as_text=True)
    api = client.get("/api/search").get_json()
    soup = BeautifulSoup(html, "html.parser")
    glance = soup.select_one("section.glance")
    assert glance is not None and glance.select_one("svg[role=img]") is not None
    years = {v["value"]: v for v in api["facets"]["year"]}
    rows = glance.select("table.glance-table")[0].select("tbody tr")
    assert len(rows) == len([v for v in years.values() if v["count"]])
    for row in rows:
        year = row.th.get_text(strip=True)
        letters, items = (int(td.get_text()) for td in row.select("td.num"))
        assert (letters, items) == (years[year]["letters"], years[year]["count"])
        assert f"f.year={year}" in row.th.a["href"]
    categories = glance.select("table.glance-table")[1].select("tbody tr")
    assert categories and "f.category=" in categories[0].th.a["href"]
    assert len(glance.select("ul.glance-recent li")) == min(5, api["total"])
    assert glance.select_one('a[href^="/stats?by=year"]') is not None


def test_year_histogram_has_true_proportions(app):
    from webapp.glance import BAR_HEIGHT, BAR_WIDTH, year_bars

    def heights(values):
        with app.test_request_context("/"):
            svg = str(year_bars([(v, 0) for v in values]))
        return [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)], svg

    found, svg = heights([FacetValue("2015", 1, 0), FacetValue("2016", 4, 1), FacetValue("2017", 179, 15)])
    assert found[2] == BAR_HEIGHT and found[0] < found[1] < found[2]
    assert abs(found[1] - BAR_HEIGHT * 4 / 179) < 0.1
    assert svg.count('aria-label="2016: 4 requests"') == 1 and ">4</text>" in svg     # its count printed
    # One year is one bar of the usual width, not a box across the sidebar.
    found, svg = heights([FacetValue("2017", 12, 2)])
    assert found == [BAR_HEIGHT] and f'width="{BAR_WIDTH}"' in svg
