"""The DWC's Request for Authorization named in a query: `RFA: MRI lumbar spine w/o contrast r/o HNP`,
`MRI L-spine w/o contrast RFA`.

In California workers' comp `RFA` is first the form a treating physician requests treatment on (DWC Form
RFA, 8 CCR 9785.5; every IMR begins with one), while the vocabulary reads the letters `RFA` as
radiofrequency ablation (procedures.toml). Where the query names another treatment (a procedure, drug,
product, class, panel or family) outside the ablation's kin (query_words.toml `[request_form] kin`: the
injection family, whose blocks lead to an ablation), `RFA` is the form: not searched, and a note says so.
Alone (`RFA`), beside a place (`lumbar RFA`) or beside its kin (`RFA after medial branch block`) it stays
the ablation.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from typing import TYPE_CHECKING

from indexer.vocabulary.concepts import data_dir

if TYPE_CHECKING:
    from indexer.vocabulary import Vocabulary

DATA_FILE = "query_words.toml"
TREATMENTS = ("procedure", "drug", "product", "class", "panel", "family")   # concept kinds a request names


@lru_cache(maxsize=1)
def _form() -> tuple[re.Pattern, frozenset[str]]:
    """The pattern of the form's names and the ablation's kin: a pure memo of constant data."""
    data = tomllib.loads((data_dir() / DATA_FILE).read_text(encoding="utf-8"))["request_form"]
    names = "|".join(r"\s+".join(map(re.escape, n.split())) for n in sorted(data["names"], key=len, reverse=True))
    return re.compile(rf"(?<![\w/-])(?:{names})(?![\w/-])\s*[:\-\u2013\u2014]?", re.IGNORECASE), frozenset(data["kin"])


def _treatment(concept: str, vocab: Vocabulary, kin: frozenset[str]) -> bool:
    """Whether a concept is a treatment other than the ablation and its kin."""
    found = vocab.concepts.get(concept)
    return (found is not None and found.kind in TREATMENTS and concept not in kin
            and not kin.intersection(found.implies))


def form_dropped(text: str, vocab: Vocabulary | None) -> tuple[str, list[str]]:
    """`text` without the request form's name where another treatment is named; (the rest, notes)."""
    pattern, kin = _form()
    if vocab is None or not pattern.search(text):
        return text, []
    rest = " ".join(pattern.sub(" ", text).split())
    if not rest or not any(_treatment(c, vocab, kin) for s in vocab.parse_query(rest).spans for c in s.concepts):
        return text, []
    said = ", ".join(dict.fromkeys(m[0].rstrip(":-\u2013\u2014 ") for m in pattern.finditer(text)))
    return rest, [f"Not searched (the DWC's Request for Authorization form, 8 CCR 9785.5, beside what it "
                  f"requests): {said}"]
