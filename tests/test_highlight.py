"""indexer.search.highlight: marks exactly the words the index stems, and nothing else is markup."""
from __future__ import annotations

import pytest

from indexer.search import highlight


@pytest.mark.parametrize("query,marked", [
    ("therapies", ["therapy", "Therapy"]), ("knee*", ["knees", "knee"]), ("the", []),
    ("physical knee", ["Physical", "knees", "knee"]),
])
def test_mark_wraps_each_stemmed_match(query, marked):
    html = highlight.mark_query("Physical therapy for both knees; the knee. Therapy <b>", query)
    assert [part.split("</mark>")[0] for part in html.split("<mark>")[1:]] == marked
    assert html.endswith("&lt;b&gt;")
