"""Hostile requests, third round (issue 28, finding 11): a Host header cannot put another site into
the absolute links of exports, feeds and citations when the site URL is configured."""
from __future__ import annotations

import pytest

SITE = "https://imr.example.org"
EVIL = "evil.example"


@pytest.fixture
def site_client(built_index):
    from webapp import create_app

    app = create_app(built_index, site_url=SITE)
    app.testing = True
    return app.test_client()


def _letter_id(client) -> str:
    return client.get("/api/search?q=pain").get_json()["hits"][0]["letter_id"]


@pytest.mark.parametrize("url", ["/export.csv?q=pain", "/export.json?q=pain", "/feed.atom?q=pain", "/?q=pain"])
def test_absolute_links_come_from_site_url_never_the_host_header(site_client, url):
    body = site_client.get(url, headers={"Host": EVIL}).get_data(as_text=True)
    assert EVIL not in body
    assert SITE + "/" in body


def test_cite_lines_come_from_site_url(site_client):
    letter = _letter_id(site_client)
    body = site_client.get(f"/letters/{letter}", headers={"Host": EVIL}).get_data(as_text=True)
    assert EVIL not in body and f"{SITE}/letters/{letter}#item-1" in body


def test_serve_refuses_a_site_url_that_is_not_an_address(runner, tmp_path):
    result = runner("serve", "--index", tmp_path, env={"IMR_SITE_URL": "evil.example/x?y"})
    assert result.exit_code == 2 and "IMR_SITE_URL='evil.example/x?y': give the site's address" in result.stderr
