"""indexer.search.show.highlight: marks exactly the words the index stems, and nothing else is markup."""
from __future__ import annotations

import pytest

from indexer.search.show import highlight


@pytest.mark.parametrize("query,marked", [
    ("therapies", ["therapy", "Therapy"]), ("knee*", ["knees", "knee"]), ("the", []),
    ("physical knee", ["Physical", "knees", "knee"]),
])
def test_mark_wraps_each_stemmed_match(query, marked):
    html = highlight.mark_query("Physical therapy for both knees; the knee. Therapy <b>", query)
    assert [part.split("</mark>")[0] for part in html.split("<mark>")[1:]] == marked
    assert html.endswith("&lt;b&gt;")


# --- the fast path finds exactly the spans the analysis of every word finds ---------------------

import html  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from indexer.index.analysis import words  # noqa: E402
from indexer.search.show import occurrences  # noqa: E402
from indexer.search.show.highlight import mark, snippets  # noqa: E402
from indexer.search.show.terms import Terms, query_terms  # noqa: E402
from indexer.results import Snippet  # noqa: E402

from pathlib import Path  # noqa: E402

TYPED = ["knee pain", "physical therapy", '"physical therapy"', "therapies", "knee*", "L5-S1", "l5s1",
         '"L5 S1"', "x-ray", '"x-ray of the knee"', "EMG/NCV", "emg", '"L4-5 fusion"', "mri* lumbar",
         "opioid NOT tramadol", '"not medically necessary"', "guidelines", "acupuncture OR chiropractic",
         "10/325mg", "post-op", "h-wave", '"medically necessary" knee', "pt", "the", "ca mtus",
         "decided:2016 knee", "gabapentin~", "md*"]


def _letter_texts(seeds: Path, n_synthetic: int = 60) -> list[str]:
    """The seeds' whole texts and the rationales, guidelines and summaries of synthetic letters."""
    from indexer.synth.case import make_case
    from indexer.synth.layouts import LAYOUTS

    texts = [p.read_text() for p in sorted(seeds.glob("*.txt"))]
    rng = random.Random(16)
    for i in range(n_synthetic):
        record = make_case(rng, LAYOUTS[i % len(LAYOUTS)], i)
        texts.append(record["summary"])
        for item in record["items"]:
            texts += [item.get(k) or "" for k in ("item", "rationale", "claims_administrator_guideline",
                                                   "maximus_guideline")]
    return [t for t in texts if t]


def _drawn_terms(text: str, rng: random.Random) -> list[Terms]:
    """Terms drawn from the text itself: stems, prefixes of them, runs of stems as phrases."""
    found = list(words(text))
    if not found:
        return [Terms(frozenset({"knee"}))]
    stems = [s for _, _, s, _ in found]
    at: dict[int, list[str]] = {}
    for _, _, s, pos in found:
        at.setdefault(pos, []).append(s)
    out = []
    for _ in range(4):
        pos = rng.choice(sorted(at))
        run = tuple(rng.choice(at[p]) for p in range(pos, pos + rng.randint(1, 4)) if p in at)
        out.append(Terms(frozenset(rng.sample(stems, min(3, len(stems)))),
                         tuple(sorted({rng.choice(stems)[:rng.randint(2, 4)]})) if rng.random() < 0.3 else (),
                         (run, tuple(rng.sample(stems, 2)) if len(stems) > 1 else run)))
    return out


def _same(text: str, terms: Terms) -> None:
    args = (text, terms.words, terms.prefixes, terms.phrases)
    assert sorted(occurrences.spans(*args)) == sorted(occurrences.spans_by_analysis(*args)), terms


@pytest.mark.slow
def test_fast_spans_equal_the_analysis_over_seed_and_synthetic_letters(seeds):
    rng = random.Random(7)
    typed = [query_terms(q) for q in TYPED]
    for text in _letter_texts(seeds):
        for terms in _drawn_terms(text, rng) + rng.sample(typed, 6):
            _same(text, terms)


# --- the old path, as highlight.py was before the fast spans (the reference) ---
OLD_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")


def _old_spans(text: str, terms: Terms) -> list[tuple[int, int]]:
    if not terms or not text:
        return []
    merged: list[tuple[int, int]] = []
    for a, b in sorted(occurrences.spans_by_analysis(text, terms.words, terms.prefixes, terms.phrases)):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _old_mark(text: str, terms: Terms) -> str:
    out, last = [], 0
    for start, end in _old_spans(text, terms):
        out += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def _old_sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in OLD_SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _old_snippets(text: str, terms: Terms, field: str, limit: int = 3, max_chars: int = 320) -> list:
    if not text or not terms or limit <= 0:
        return []
    hits = _old_spans(text, terms)
    scored = []
    for i, (a, b) in enumerate(_old_sentences(text)):
        inside = [(s, e) for s, e in hits if a <= s < b]
        if inside:
            distinct = {text[s:e].lower() for s, e in inside}
            scored.append((len(distinct), len(inside), -i, a, b, inside[0][0]))
    best = sorted(sorted(scored, reverse=True)[:limit], key=lambda t: t[3])
    out = []
    for *_, a, b, first in best:
        plain = highlight._trim(" ".join(text[a:b].split()), first - a, max_chars)
        out.append(Snippet(field, _old_mark(plain, terms), plain))
    return out


def _old_lead(text: str, field: str, max_chars: int = 320) -> list:
    spans = _old_sentences(text or "")
    if not spans:
        return []
    a, b = spans[0]
    plain = highlight._trim(" ".join(text[a:b].split()), 0, max_chars)
    return [Snippet(field, html.escape(plain), plain)]


@pytest.mark.slow
def test_snippets_marks_and_leads_equal_the_old_path(seeds):
    texts = _letter_texts(seeds, 20)
    cases = [(text, query_terms(q), limit) for text in texts for q in TYPED[::3] for limit in (1, 3)]
    markers = {}
    for text, terms, limit in cases:
        old = _old_snippets(text, terms, "rationale", limit)
        assert snippets(text, terms, "rationale", limit) == old
        assert mark(text[:400], terms) == _old_mark(text[:400], terms)
        # A request's Marker, asked again for texts it has seen, answers the same.
        marker = markers.setdefault(terms, highlight.Marker(terms))
        for _ in range(2):
            assert marker.snippets(text, "rationale", limit) == old
            assert marker.mark(text[:400]) == _old_mark(text[:400], terms)
    for text in texts:
        assert highlight.sentences(text) == _old_sentences(text)
        assert highlight.lead(text, "summary") == _old_lead(text, "summary")
    assert sum(bool(snippets(t, terms, "rationale")) for t, terms, _ in cases) > len(cases) // 10


# Word characters, the separators that join them, stars, and characters whose case or class is odd.
ALPHABET = st.sampled_from(list("aAbkKxX15 .-/*_,;()!?['\"\n\t") + ["é", "İ", "ß", "K", "\u0301", "²", "٣", "ﬁ",
                                                                   "\xa0", "\x1c", "\x85", "\u2028", "\u3000"])
PIECES = st.sampled_from(["\n\n", ". K", "!\n \nA", "? (1",   # sentence breaks and near misses
                          "knee", "Knee", "KNEES", "l5", "L5-S1", "x-ray", "X-Ray", "emg/ncv", "the", "a",
                          "therapy", "therapies", "post-op", "3.5", "e.g.", "10/325mg", "--", "./", "*"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(ALPHABET, max_size=4)), max_size=30),
       st.lists(PIECES, min_size=1, max_size=3))
def test_fast_spans_equal_the_analysis_on_generated_text(parts, query):
    text = "".join(parts)
    assert highlight.sentences(text) == _old_sentences(text)
    stems = [s for piece in query for _, _, s, _ in words(piece)]
    if not stems:
        return
    terms = Terms(frozenset(stems), (stems[0][:2],), (tuple(stems),))
    _same(text, terms)
    hits = _old_spans(text, terms)
    expected = [(a, b, [h for h in hits if a <= h[0] < b]) for a, b in _old_sentences(text)]
    vocab = occurrences.Vocabulary()
    for _ in range(2):     # each hit's sentence found from the text's breaks, found and then remembered
        assert highlight._sentences_holding(text, hits, highlight._breaks(text, vocab)) == [e for e in expected if e[2]]
    assert snippets(text, terms, "rationale", 2, 40) == _old_snippets(text, terms, "rationale", 2, 40)
    # A request's Marker marks each passage from the text's spans: the same as marking it afresh.
    for max_chars in (8, 40, 320):
        marker = highlight.Marker(terms, vocab)
        assert marker.snippets(text, "rationale", 3, max_chars) == _old_snippets(text, terms, "rationale", 3, max_chars)
    _same(text, Terms(frozenset(), (), (tuple(stems[:2]), tuple(reversed(stems)))))


def test_a_bounded_vocabulary_starting_afresh_still_finds_every_word():
    vocab = occurrences.Vocabulary(max_chunks=5, max_prefixes=2)
    text = "Knee pain; the knees hurt, therapy of knee and L5-S1 with x-ray; knee."
    for _ in range(3):
        assert sorted(occurrences.spans(text, frozenset({"knee", "s1"}), (), (("pain",),), vocab)) == \
            sorted(occurrences.spans_by_analysis(text, frozenset({"knee", "s1"}), (), (("pain",),)))
    assert len(vocab._known[0]) <= 20
    for _ in range(3):      # prefixes too: more of them than it keeps, and words learnt after them
        for p in ("kn", "th", "pa", "hu"):
            args = (text + " kneeling thermal", frozenset(), (p,), ())
            assert sorted(occurrences.spans(*args, vocab)) == sorted(occurrences.spans_by_analysis(*args))


def test_remembered_texts_answer_as_the_first_time_and_stay_bounded(seeds):
    """A text seen before answers from what is remembered of it (its chunks, chunk starts, phrase
    spans, sentence breaks): the same spans for any query, and never more than max_text_chars kept."""
    vocab = occurrences.Vocabulary(max_text_chars=5_000)
    rng = random.Random(16)
    texts = _letter_texts(seeds, 10)
    typed = [query_terms(q) for q in TYPED]
    for _ in range(2):
        for text in texts:
            copy = (text + " ")[:-1]          # an equal text that is another object, as each request reads it
            for terms in _drawn_terms(text, rng) + rng.sample(typed, 3):
                args = (terms.words, terms.prefixes, terms.phrases)
                expected = sorted(occurrences.spans_by_analysis(text, *args))
                assert sorted(occurrences.spans(text, *args, vocab)) == expected
                assert sorted(occurrences.spans(copy, *args, vocab)) == expected
            assert sum(map(len, vocab._known[3])) <= 5_000
    assert occurrences.seen(texts[-1], vocab) is occurrences.seen((texts[-1] + " ")[:-1], vocab)


def test_fast_spans_equal_the_analysis_over_the_real_letters(real_index):
    from indexer.index.stores import letterstore, snapshots

    rng = random.Random(8)
    typed = [query_terms(q) for q in TYPED]
    for record in letterstore.read_all(snapshots.current(real_index)):
        texts = [record.get("summary") or ""] + [item.get(k) or "" for item in record.get("items") or []
                                                 for k in ("item", "rationale", "maximus_guideline")]
        for text in filter(None, texts):
            for terms in _drawn_terms(text, rng) + rng.sample(typed, 3):
                _same(text, terms)


def test_profile_page_script_splits_a_page_s_cpu(client):
    from scripts import profile_page

    for old, cold in ((False, False), (True, False), (False, True)):
        pages, marks = profile_page.measure(client, 1, old, cold)
        assert len(pages) == len(profile_page.PAGES) and 0 < sum(marks) < sum(pages)
    assert highlight.snippets is not None and not hasattr(highlight.snippets, "__wrapped__")


# --- sentence breaks found from their first characters equal the regex's scan ----------------------

def _scanned(text: str) -> tuple[list[int], list[int]]:
    found = [m.span() for m in highlight.SENTENCE_END.finditer(text)]
    return [a for a, _ in found], [b for _, b in found]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([".", "!", "?", " ", "\n", "\t", "\n\n", ". ", ".\n\n", "a", "Knee", "9",
                                 "(", "\"", "'", "[", "e.g.", "Dr. ", "10.5 mg", "?!", " \n \n A"]),
                max_size=40))
def test_sentence_breaks_equal_the_regex_scan_on_generated_text(parts):
    text = "".join(parts)
    assert highlight.break_spans(text) == _scanned(text)


def test_sentence_breaks_equal_the_regex_scan_over_the_real_letters(real_index):
    from indexer.index.stores import letterstore, snapshots

    for record in letterstore.read_all(snapshots.current(real_index)):
        texts = [record.get("summary") or ""] + [item.get(k) or "" for item in record.get("items") or []
                                                 for k in ("item", "rationale", "maximus_guideline",
                                                           "claims_administrator_guideline")]
        for text in texts:
            assert highlight.break_spans(text) == _scanned(text), record["id"]
