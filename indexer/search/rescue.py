"""What a reading that found nothing becomes: its unknown words mended, a concept widened to its
broader concept, a labelled best effort without one of its words, and the filters its words could be
(each counted as it would apply)."""
from __future__ import annotations

import re

import numpy as np
from dataclasses import replace
from functools import partial

from indexer.fields import SCOPE_FIELDS
from indexer.results import SearchRequest, Suggestion
from indexer.search.matching import Match, run
from indexer.search.query import broadening, forgiveness, relaxing, reviewers, spelling
from indexer.search.query.understand import Understanding, understand
from indexer.search.query.wordlists import query_words
from indexer.search.snapshot import Snapshot


def specialty_chosen(snap: Snapshot, request: SearchRequest, meaning: Understanding, found: Match,
                     known: dict) -> Match:
    """A query that is nothing but a reviewer specialty (`rheumatology`) and that no letter's words answer:
    the letters that specialty reviewed, the Reviewer specialty chip applied (as a typed year that empties
    the answer stays the Year filter); else `found`. A specialty that names a treatment the letters request
    (`orthopedic surgery`, `chiropractic`) finds those and never gets here."""
    chip = reviewers.bare_specialty(meaning.text, known.get(reviewers.FACET, ()))
    if chip is None:
        return found
    chosen = run(snap, request, replace(meaning, text="", chips=[*meaning.chips, chip]))
    if not chosen.mask.any():
        return found
    chosen.info.messages.insert(0, f"No request names '{meaning.text}': showing the letters a "
                                   f"{chip.value} reviewer decided")
    return chosen


def forgiven(snap: Snapshot, request: SearchRequest, meaning: Understanding, found: Match,
             known: dict) -> Match:
    """A reading that found nothing, run again with its unknown words mended (indexer.search.query.
    forgiveness) unless the request says `spell=0`; else a 'Did you mean' offer. The mended
    query is understood afresh, as if typed ('uphled' mended is the Upheld filter)."""
    reader = snap.searcher().reader()
    frequency = partial(forgiveness.term_frequency, reader)
    if not forgiveness.worth_mending(meaning.text, frequency, joinable=True):
        return found          # nothing to mend (nor to load), or too many unknown words
    lexicon = snap.lexicon()
    if lexicon is None:       # a snapshot without surface words: the stems' correction, offered
        found.info.did_you_mean = spelling.stem_did_you_mean(found.info.text, reader)
        return found
    mending = forgiveness.mend(meaning.text, request.q, lexicon, frequency,
                               partial(forgiveness.prefix_found, reader),
                               partial(forgiveness.prefix_names, snap.vocabulary),
                               snap.names_lexicon(), snap.vocabulary.words().__contains__)
    if request.spell and mending.text is not None:
        mended = run(snap, request, understand(mending.q, known, literal=request.literal,
                                               decisions=snap.decision_words(), vocab=snap.vocabulary))
        if mended.mask.any():
            mended.info.corrected, mended.info.corrected_from = mending.q, request.q
            mended.info.completed = mending.completed
            return mended
    found.info.did_you_mean = mending.offer
    return found


def broadened(snap: Snapshot, request: SearchRequest, meaning: Understanding, found: Match,
               relax: bool = False) -> Match:
    """A concept query that found nothing, answered with one concept widened to its broader concept
    (indexer.search.query.broadening: `CMP` -> *metabolic panel*), labelled as such; else `found`. With
    `relax` (the last resort), a widened reading finding nothing is read without its plain words (`relaxed`)."""
    if not request.synonyms:
        return found          # the words typed only: no concept is read, none is widened
    for widening in broadening.widenings(meaning.text, snap.vocabulary):
        wider = run(snap, request, replace(meaning, text=widening.text))
        if relax and not wider.mask.any() and not wider.words_found:
            # a plain word no item of the broader concept states (`... ESI under fluoro`): left out
            wider = relaxed(snap, request, replace(meaning, text=widening.text), wider, plain=True)
        if broadening.near(int(wider.mask.sum()), snap.facets.n_docs):
            wider.info.broadened, wider.info.broadened_from = widening.text, meaning.text
            wider.info.broadened_concept = f"{widening.narrow} -> {widening.broader}"
            return wider
    return found


def relaxed(snap: Snapshot, request: SearchRequest, meaning: Understanding, found: Match,
            fillers: bool = False, plain: bool = False) -> Match:
    """A reading that found nothing, answered by its best reading with fewer of its units
    (indexer.search.query.relaxing), labelled as such; else `found` unchanged. With `fillers`, `found`
    matched across whole letters only: only plain common words may be left out, and the reading must
    find requests in a narrower scope. With `plain`, only words naming no concept may be left out, and
    the reading must match the requests' own words."""
    found_units = relaxing.query_units(meaning.text, snap.vocabulary)
    if not found_units:
        return found
    leave = {i for i, u in enumerate(found_units) if u.common} if fillers else \
        {i for i, u in enumerate(found_units) if not u.named} if plain else None
    if (fillers or plain) and not leave:
        return found
    alone = _alone(snap, request, meaning, found_units)
    scopes = list(SCOPE_FIELDS)
    widest = scopes.index(found.info.scope) if fillers else 1 if plain else len(scopes)
    answers = []          # the best of each level: (letter-wide, level, scope, its reading, its match)
    letter = scopes.index("letter")
    for k, level in enumerate(relaxing.levels(found_units, alone, leave)):
        runs = [(r, run(snap, request, replace(meaning, text=r.text))) for r in level]
        chosen = relaxing.best([(r, scopes.index(m.info.scope), int(m.mask.sum())) for r, m in runs
                                if scopes.index(m.info.scope) < widest], snap.facets.n_docs)
        if chosen is not None:
            answer = next(m for r, m in runs if r is chosen)
            answers.append((scopes.index(answer.info.scope) == letter, k, scopes.index(answer.info.scope),
                            chosen, answer))
            if not answers[-1][0]:
                break         # a request's own words or its decision: a reading leaving out more is worse
    if answers:
        # the fewest units left out, but a match across whole letters only (weak evidence) gives way to
        # the requests or their decisions matching with one more left out
        *_, chosen, answer = min(answers, key=lambda a: a[:3])
        answer.info.relaxed, answer.info.relaxed_without = chosen.text, chosen.without
        answer.info.relaxed_from = meaning.text
        return answer
    return found


def _alone(snap: Snapshot, request: SearchRequest, meaning: Understanding,
           found_units: list[relaxing.Unit]) -> list[int | None]:
    """What each unit finds alone: a plain word its documents in the index (None for a stop word; a
    word of the query lists may be read as another, so it is searched), a concept's name its items."""
    reader = snap.searcher().reader()
    listed = query_words().listed
    out: list[int | None] = []
    for u in found_units:
        if not u.named and " " not in u.text and u.text.lower() not in listed:
            out.append(forgiveness.term_frequency(reader, u.text))
        else:
            m = run(snap, request, replace(meaning, text=u.text))
            out.append(None if m.evaluation is None else int(m.base.sum()) if m.words_found else 0)
    return out


def offers(snap: Snapshot, request: SearchRequest, meaning: Understanding, known: dict,
            filters: dict[str, list[str]]) -> list[Suggestion]:
    """Filters offered for words of the query (a specialty), each counted as it would apply: the
    filter selected and the words that named it no longer searched (the hint's promise; counted
    over the hits of all the words, `physical therapy pain management` offered nothing)."""
    out = []
    for chip in meaning.suggestions:
        if chip.facet not in snap.facets.columns or chip.value in filters.get(chip.facet, []):
            continue
        words = r"\s+".join(map(re.escape, chip.word.split()))
        rest = " ".join(re.sub(r"(?<!\w)%s(?!\w)" % words, " ", request.q, count=1, flags=re.I).split())
        narrowed = replace(request, q=rest, filters={
            **request.filters, chip.facet: [*request.filters.get(chip.facet, []), chip.value]})
        count = int(run(snap, narrowed, understand(rest, known, literal=request.literal,
                                                   decisions=snap.decision_words(),
                                                   vocab=snap.vocabulary)).mask.sum())
        if count:
            out.append(Suggestion(chip.facet, chip.value, chip.word, count))
    return out


def year_kept(snap: Snapshot, meaning: Understanding, found: Match) -> str | None:
    """A year typed as a word stays the Year filter when it empties the answer ('chiropractic 2016'
    with no chiropractic decision that year; as text it would match every 'MTUS 2016' citation):
    the note saying so, with the years holding such decisions; None when no year came from a word."""
    typed = [c.value for c in meaning.chips if c.facet == "year" and ":" not in c.word]
    if not typed or "year" not in snap.facets.columns:
        return None
    column, others = snap.facets.columns["year"], found.masks or {}
    held = found.base.copy()
    for facet, mask in others.items():
        if facet != "year":
            held &= mask
    codes = column.codes[held]
    counts = np.bincount(codes[codes >= 0], minlength=len(column.values))
    years = ", ".join(f"{column.values[i]} ({n})" for i, n in sorted(
        enumerate(counts), key=lambda p: column.values[p[0]], reverse=True) if n)
    where = f"; the other words match items decided in {years}" if years else ""
    return f"Nothing decided in {' or '.join(typed)} matches the other words{where}"
