"""indexer.highlight: its fast tokenizer marks exactly the words the index stems."""
from __future__ import annotations

import pytest

from indexer import highlight
from indexer.synth import LAYOUTS, write_letter
from tests.conftest import SEEDS, SHARED

EDGE = ("Ça va? NAÏVE café e.g. U.S.A. 3.5mg x*y foo_bar I a an it's 2nd -- MTUS/ACOEM "
        "Norco 10/325mg #60; CM16-0213037 ... re-evaluation   \n\n (NSAIDs) and/or")


def _texts(tmp_path) -> list[str]:
    texts = [EDGE] + [p.read_text(errors="replace") for p in sorted(SEEDS.glob("*.txt"))]
    (tmp_path / "expected").mkdir()
    texts += [write_letter(3, i, LAYOUTS[i % len(LAYOUTS)], "txt", tmp_path).read_text()
              for i in range(10)]
    texts += [p.read_text(errors="replace") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    return texts


def test_tokens_equal_the_schema_analyzer(tmp_path):
    analyzer = highlight._analyzer()
    total = 0
    for text in _texts(tmp_path):
        want = [(t.startchar, t.endchar, t.text) for t in analyzer(text, chars=True)]
        assert list(highlight.tokens(text)) == want
        total += len(want)
    assert total > 5000


@pytest.mark.parametrize("query,marked", [
    ("therapies", ["therapy", "Therapy"]), ("knee*", ["knees", "knee"]), ("the", []),
    ("physical knee", ["Physical", "knees", "knee"]),
])
def test_mark_wraps_each_stemmed_match(query, marked):
    html = highlight.mark_query("Physical therapy for both knees; the knee. Therapy <b>", query)
    assert [part.split("</mark>")[0] for part in html.split("<mark>")[1:]] == marked
    assert html.endswith("&lt;b&gt;")
