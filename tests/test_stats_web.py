"""The statistics page, API, downloads and `imr stats --by` over the session index."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from indexer.results import SearchRequest
from indexer.search.searcher import Searcher


@pytest.fixture(scope="module")
def searcher(built_index):
    with Searcher(built_index) as s:
        yield s


@pytest.mark.parametrize("query", ["by=year&by=category", "by=category&by=specialty",
                                   "q=knee&by=quarter", "by=month&f.decision=Overturned", "by=outcome"])
def test_api_equals_the_library(client, searcher, query):
    answer = client.get(f"/api/stats?{query}")
    assert answer.status_code == 200
    body = answer.get_json()
    args = dict(p.split("=") for p in query.split("&") if not p.startswith("by="))
    by = [p[3:] for p in query.split("&") if p.startswith("by=")]
    filters = {k[2:]: [v] for k, v in args.items() if k.startswith("f.")}
    want = searcher.crosstab(SearchRequest(q=args.get("q", ""), filters=filters), by).to_dict()
    assert body["cells"] == want["cells"] and body["totals"] == want["totals"]
    assert body["units"]["outcome"]["unit"] == "letters" and body["units"]["decision"]["unit"] == "items"
    assert [d["name"] for d in body["by"]] == by


@pytest.mark.parametrize("query", ["", "by=nope", "by=year&by=year", "by=year&by=category&by=state"])
def test_api_names_the_bad_parameter(client, query):
    answer = client.get(f"/api/stats?{query}")
    assert answer.status_code == 400
    assert answer.get_json()["parameter"] == "by"


def test_bad_dimension_on_the_page_is_a_plain_400(client):
    answer = client.get("/stats?by=nope")
    assert answer.status_code == 400 and b"unknown dimension" in answer.data


def _table_rows(html: str) -> list[list[str]]:
    body = html.split('<tbody>')[1].split('</tbody>')[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]


def test_page_table_matches_the_api(client):
    html = client.get("/stats?by=year&by=category").get_data(as_text=True)
    api = client.get("/api/stats?by=year&by=category").get_json()
    rows = _table_rows(html)
    assert len(rows) == len(api["cells"])
    for row, cell in zip(rows, api["cells"]):
        assert row[:2] == cell["values"]
        assert [int(x) for x in row[2:5]] == [cell["items"], cell["letters"], cell["overturned"]]
    assert "<svg" in html and 'role="img"' in html
    assert "do not add up" in html          # category is multi-valued


def test_default_dimension_is_year(client):
    html = client.get("/stats").get_data(as_text=True)
    assert 'option value="year" selected' in html


def test_downloads(client):
    api = client.get("/api/stats?by=category").get_json()
    answer = client.get("/stats.csv?by=category")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0][:4] == ["category", "items", "letters", "overturned"]
    assert len(rows) == len(api["cells"]) + 2          # header and totals
    assert [int(x) for x in rows[1][1:4]] == [api["cells"][0][k] for k in ("items", "letters", "overturned")]
    data = json.loads(client.get("/stats.json?by=category").data)
    assert data["cells"] == api["cells"]
    svg = client.get("/stats.svg?by=category")
    assert svg.mimetype == "image/svg+xml" and "attachment" in svg.headers["Content-Disposition"]
    text = svg.get_data(as_text=True)
    assert text.count('class="mark"') == len(api["cells"])
    assert "default-src 'none'" in svg.headers["Content-Security-Policy"]


def test_time_chart_draws_one_bar_per_period(client):
    api = client.get("/api/stats?by=quarter").get_json()
    svg = client.get("/stats.svg?by=quarter").get_data(as_text=True)
    dated = [c for c in api["cells"] if c["values"][0][:1].isdigit()]
    assert svg.count('class="mark"') == len(dated)


def test_hostile_query_is_escaped(client, hostile_text):
    for url in ("/stats", "/stats.svg"):
        answer = client.get(url, query_string={"q": hostile_text, "by": "year"})
        assert b"<script>" not in answer.data and b"<img" not in answer.data


def test_results_page_links_to_statistics(client):
    html = client.get("/?q=knee").get_data(as_text=True)
    assert "/stats?q=knee" in html


def test_cli_table_and_json(runner, built_index, searcher):
    index = str(built_index.index_dir)
    out = runner("stats", "--index", index, "--by", "year", "--by", "category", "knee")
    assert out.exit_code == 0, out.stderr
    assert "items from" in out.stdout and "95% interval" in out.stdout
    got = json.loads(runner("stats", "--index", index, "--by", "category", "-f", "decision=Upheld", "--json").stdout)
    want = searcher.crosstab(SearchRequest(filters={"decision": ["Upheld"]}), ["category"]).to_dict()
    assert got["cells"] == want["cells"]


def test_cli_errors_are_one_line(runner, built_index):
    out = runner("stats", "--index", str(built_index.index_dir), "--by", "nope")
    assert out.exit_code == 2 and out.stderr.startswith("error: by: unknown dimension")
    out = runner("stats", "--index", str(built_index.index_dir), "-f", "nonsense", "--by", "year")
    assert out.exit_code == 2 and "FACET=VALUE" in out.stderr
    out = runner("stats", "--index", str(built_index.index_dir), "knee")
    assert out.exit_code == 2 and "--by" in out.stderr
