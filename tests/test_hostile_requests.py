"""Bounded work per request: URL caps answered with a 400 naming the parameter, and no
request costs much more server CPU than a plain search (measured here, as a ratio)."""
from __future__ import annotations

import statistics

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from cputime import cpu_seconds, timed
from indexer.search.query import caps

PATHS = ["/", "/api/search", "/export.csv", "/export.json", "/feed.atom", "/facets/specialty.csv"]


@pytest.fixture(scope="module")
def client(tmp_path_factory, expected_records, publish):
    from indexer.settings import Settings
    from webapp import create_app

    settings = Settings(index_dir=tmp_path_factory.mktemp("requests"), jobs=1)
    publish(settings, expected_records())
    return create_app(settings).test_client()


def cpu_of(client, url: str) -> tuple[float, int]:
    """(CPU seconds of this process, status) for one whole request: the test client runs the app here."""
    def fetch():
        response = client.get(url)
        response.get_data()
        return response.status_code
    return timed(fetch)


@pytest.fixture(scope="module")
def plain_cpu(client) -> float:
    """The median CPU of a plain search page, the unit the hostile requests are measured in."""
    # warm: templates compiled, snapshot open, and the tables a query's reading makes on first use
    # (the vocabulary's stems, starts and word counts, the names' lexicon): a long query's first
    # request would otherwise pay for them (~0.2 s) and be measured against a warm plain page
    for url in ("/?q=pain", "/?q=knee+pain+medication", "/?q=hydroco+xqzvw", "/export.json?q=pain+knee"):
        cpu_of(client, url)
    return statistics.median(cpu_of(client, "/?q=pain")[0] for _ in range(7))


def values(key: str, n: int) -> str:
    return "&".join(f"{key}=S{i}" for i in range(n))


@pytest.mark.parametrize("path", PATHS)
def test_too_many_values_of_one_facet_is_a_400_naming_it(client, path):
    response = client.get(f"{path}?q=pain&{values('f.specialty', caps.MAX_VALUES_PER_FACET + 1)}")
    assert response.status_code == 400
    assert b"f.specialty" in response.get_data()
    if path.startswith("/api/"):
        assert response.get_json()["parameter"] == "f.specialty"


@pytest.mark.parametrize("path", PATHS + ["/api/similar/x%231", "/letters/CM99-0000001"])
def test_too_many_parameters_and_too_long_urls_are_400s(client, path):
    response = client.get(f"{path}?{values('x', caps.MAX_PARAMS + 1)}")
    assert response.status_code == 400 and b"parameters" in response.get_data()
    response = client.get(f"{path}?q={'a' * (caps.MAX_URL_BYTES + 1)}")
    assert response.status_code == 400 and b"url" in response.get_data()


def test_bare_and_prefixed_facet_names_count_together(client):
    half = caps.MAX_VALUES_PER_FACET // 2 + 1
    response = client.get(f"/api/search?{values('f.state', half)}&{values('state', half)}")
    assert response.status_code == 400 and response.get_json()["parameter"] == "f.state"


def test_values_at_the_cap_are_served_and_each_link_carries_them_once(client):
    from bs4 import BeautifulSoup

    n = caps.MAX_VALUES_PER_FACET - 1
    response = client.get(f"/?q=pain&{values('f.specialty', n)}&f.specialty=S0")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    # one removable chip per distinct value; its link carries every other value once
    links = [a["href"] for a in page.select("li.chip-filter a.chip-remove")]
    assert len(links) == n
    first = links[0].split("&")
    assert "f.specialty=S0" not in first and first.count("f.specialty=S1") == 1
    assert sum(part.startswith("f.specialty=") for part in first) == n - 1


def test_state_building_is_linear(client, plain_cpu):
    """The page at the cap costs a small multiple of a plain one (it was quadratic: 4.9 CPU-s at 800)."""
    cost = min(cpu_of(client, f"/?q=pain&{values('f.specialty', caps.MAX_VALUES_PER_FACET)}")[0]
               for _ in range(3))
    assert cost < 10 * plain_cpu, (cost, plain_cpu)


KEYS = st.sampled_from(["f.specialty", "f.state", "specialty", "f.year", "q", "page", "sort", "x", "f.nonsense"])


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lists=st.lists(st.tuples(KEYS, st.integers(0, 3000), st.sampled_from(["S", "2016", "pain", ""])),
                      min_size=1, max_size=4),
       path=st.sampled_from(PATHS))
def test_long_repeated_parameter_lists_never_5xx_and_stay_cheap(client, plain_cpu, lists, path):
    query = "&".join(f"{key}={stem}{i if stem == 'S' else ''}" for key, n, stem in lists for i in range(n))
    cost, status = cpu_of(client, f"{path}?{query}")
    assert status in (200, 302, 400), (path, status)
    # generous: a 400 costs far less than a page; a page at the caps a few plain pages
    assert cost < 25 * plain_cpu, (path, len(query), cost, plain_cpu)


def test_state_and_toggle_links_are_linear_in_the_number_of_values():
    """10x the values costs about 10x (was 100x: a list membership test per value)."""
    from flask import Flask

    from webapp import urlstate

    app = Flask(__name__)

    def cost(n: int) -> float:
        with app.test_request_context(f"/?q=pain&{values('f.specialty', n)}"):
            return cpu_seconds(lambda: (urlstate.state(), urlstate.toggle_filter("specialty", "S1")))

    cost(100)
    small, large = min(cost(400) for _ in range(3)), min(cost(4000) for _ in range(3))
    assert large < 30 * small, (small, large)
