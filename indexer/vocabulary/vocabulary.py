"""The Vocabulary: concepts, their names and implications, loaded explicitly and passed around."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from indexer.vocabulary.concepts import KINDS, Concept, load_abbreviations, load_common_words, load_concepts
from indexer.vocabulary.marks import STRENGTH_MARK
from indexer.vocabulary.matching import Match, Matcher
from indexer.vocabulary.text import bounded_vertebrae
from indexer.vocabulary.joining import Joiner

if TYPE_CHECKING:
    from indexer.vocabulary.mining import MinedVocabulary
    from indexer.vocabulary.tagging import Tag

# Spinal levels are read by pattern; each one is a concept made on demand ('level:L4-L5').
_LEVEL_REGIONS = {"C": "region:cervical", "T": "region:thoracic", "L": "region:lumbar", "S": "region:lumbar"}


@dataclass(frozen=True)
class QuerySpan:
    """A run of query words that names concepts (several when a form is shared, such as a brand
    that is also a product)."""

    concepts: tuple[str, ...]
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class QueryParse:
    """A query read against the vocabulary: the spans that name concepts and the words left plain."""

    spans: tuple[QuerySpan, ...]
    plain: tuple[str, ...]

    def concept_ids(self) -> list[str]:
        """Every concept named, in query order."""
        return [c for span in self.spans for c in span.concepts]


class Vocabulary:
    """The domain vocabulary. Build with Vocabulary.load(); nothing is read or cached at import."""

    def __init__(self, concepts: dict[str, Concept], dosage: dict | None = None, folder: Path | None = None,
                 abbreviations: dict | None = None) -> None:
        self.concepts = concepts
        self.folder = folder
        self._common: tuple[set[str], set[str]] | None = None
        self.dosage_topical = {w.lower() for w in (dosage or {}).get("topical", [])}
        self.long_acting = list((dosage or {}).get("long_acting", []))
        self.long_acting_names = {w.lower() for w in (dosage or {}).get("long_acting_names", [])}
        self.dosage_patch = {w.lower() for w in (dosage or {}).get("patch_words", [])}
        self.weight_units = list((dosage or {}).get("weight_units", []))
        self.not_oral = set((dosage or {}).get("not_oral", []))
        abbreviations = abbreviations or {}
        self.matcher = Matcher([(form, c.id) for c in concepts.values() for form in c.forms],
                               [(form, c.id) for c in concepts.values() for form in c.query_forms],
                               abbreviations.get("words"))
        self.joiner = Joiner(abbreviations)
        self.shorthand = {k.lower(): v for k, v in (abbreviations.get("words") or {}).items()}
        guideline_forms = [(f, c.id) for c in concepts.values() if c.kind == "class" for f in c.forms + c.guideline]
        self.guideline_matcher = Matcher(guideline_forms)
        self._closure: dict[str, tuple[str, ...]] = {}
        self._composites: dict[str, tuple[str, ...]] | None = None
        self._members: dict[str, set[str]] = {}
        self._broad: dict[str, tuple[str, ...]] = {}
        self._names: list[str] | None = None
        self._word_counts: dict[str, int] | None = None
        self._keyed: dict[str, list[str]] | None = None
        self._analysed: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._form_patterns: tuple[re.Pattern, ...] | None = None
        # concept -> the concepts that rule it out of an item's tags (Concept.unless)
        self.unless = {c.id: frozenset(c.unless) for c in concepts.values() if c.unless}
        for c in concepts.values():
            for parent in c.implies:
                self._members.setdefault(parent, set()).add(c.id)

    @classmethod
    def load(cls, extra: "MinedVocabulary | None" = None, folder: Path | None = None) -> "Vocabulary":
        """The packaged vocabulary (or the data in `folder`), with mined products merged in."""
        concepts, dosage = load_concepts(folder)
        if extra is not None:
            for concept in extra.concepts(concepts):
                concepts.setdefault(concept.id, concept)
        return cls(concepts, dosage, folder, load_abbreviations(folder))

    # --- looking concepts up
    def __contains__(self, concept_id: str) -> bool:
        return concept_id in self.concepts or concept_id.startswith(("level:", STRENGTH_MARK))

    def concept(self, concept_id: str) -> Concept:
        """The concept of an id (spinal levels are made on demand); KeyError for an unknown id."""
        if concept_id.startswith("level:"):
            name = concept_id.split(":", 1)[1]
            regions = list(dict.fromkeys(_LEVEL_REGIONS[p[0]] for p in name.split("-")))
            # a range names the vertebrae it bounds: "ESI L5" finds the L4-L5 and L5-S1 injections,
            # below an item that names L5 itself (an implied tag ranks below a named one)
            vertebrae = [f"level:{v}" for v in bounded_vertebrae(name)]
            return Concept(concept_id, "level", name, [name], regions + vertebrae, "pattern")
        if concept_id.startswith(STRENGTH_MARK):
            # a drug at a dose, read by pattern from an item's own words (marks.py); implies nothing
            return Concept(concept_id, "strength", concept_id.split(":", 1)[1], [], [], "pattern")
        return self.concepts[concept_id]

    def of_kind(self, kind: str) -> list[Concept]:
        """The concepts of one kind ('drug', 'class' ...), by id."""
        return sorted((c for c in self.concepts.values() if c.kind == kind), key=lambda c: c.id)

    def implied(self, concept_id: str) -> tuple[str, ...]:
        """Every concept `concept_id` implies, transitively (a brand: its ingredients, their classes ...)."""
        if concept_id not in self._closure:
            seen: list[str] = []
            todo = list(self.concept(concept_id).implies)
            while todo:
                cid = todo.pop(0)
                if cid not in seen and cid != concept_id:
                    seen.append(cid)
                    todo.extend(self.concept(cid).implies)
            self._closure[concept_id] = tuple(seen)
        return self._closure[concept_id]

    def members(self, concept_id: str) -> set[str]:
        """Every concept that implies `concept_id`, transitively, and itself (a class: its drugs, brands ...)."""
        found, todo = {concept_id}, [concept_id]
        while todo:
            for child in self._members.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def broad_members(self, concept_id: str) -> tuple[str, ...]:
        """The kinds of a concept, not the kinds of kinds (a TLIF is under lumbar fusion, not beside it),
        worked out once per concept: the page lists them for every concept a query names."""
        if concept_id not in self._broad:
            inside = self.members(concept_id) - {concept_id}
            self._broad[concept_id] = tuple(m for m in inside if not any(
                self.concept(o).kind == self.concept(m).kind for o in set(self.implied(m)) & inside))
        return self._broad[concept_id]

    def forms(self, concept_id: str) -> list[str]:
        """Every word or phrase naming the concept or one of its members, for query expansion."""
        out: dict[str, str] = {}
        for cid in sorted(self.members(concept_id)):
            for form in self.concept(cid).forms:
                out.setdefault(form.lower(), form)
        return list(out.values())

    def form_patterns(self) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
        """The [dosage] word lists as patterns, compiled on first use: release abbreviations (in
        capitals), patch words, a weight unit after a number, routes other than the mouth."""
        if self._form_patterns is None:
            def words(items, flags=0):
                alts = "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True)) or "(?!)"
                return re.compile(rf"(?<![A-Za-z0-9])(?:{alts})(?![A-Za-z0-9])", flags)
            release = [w for w in self.long_acting if w.isalpha() and w.isupper()]
            caps = [w for w in self.not_oral if w.isupper()]
            self._form_patterns = (
                words(release), words(self.dosage_patch, re.I),
                re.compile(rf"\d[\d.,]*\s?(?:{'|'.join(map(re.escape, self.weight_units)) or '(?!)'})\b", re.I),
                re.compile(words([w for w in self.not_oral if w not in caps], re.I).pattern.replace("(?:", "(?i:", 1)
                           + "|" + words(caps).pattern))
        return self._form_patterns

    def analysed_forms(self, concept_id: str, analyse) -> tuple[tuple[str, ...], ...]:
        """forms(concept_id), each split by `analyse` (text -> its words as an index stems them),
        remembered per concept for this vocabulary's life (the highlighter asks on every search)."""
        if concept_id not in self._analysed:
            self._analysed[concept_id] = tuple(t for t in (tuple(analyse(f)) for f in self.forms(concept_id)) if t)
        return self._analysed[concept_id]

    def composites(self) -> dict[str, tuple[str, ...]]:
        """Concepts that are the conjunction of others ('procedure:total-knee-arthroplasty' = arthroplasty
        + knee; 'class:compounded-topical' = compounded + topical analgesic, the formulation axis):
        id -> the concepts (families aside) that together mean it."""
        if self._composites is None:
            self._composites = {}
            for c in self.concepts.values():
                parts = tuple(c.composed_of or (i for i in c.implies if not i.startswith("family:")))
                formulation = c.kind == "class" and c.axis == "formulation"
                sided = c.kind == "region" and any(p.startswith("side:") for p in parts)
                if (c.kind == "procedure" or formulation or sided or self._generic_combination(c)) \
                        and c.compose and len(parts) >= 2:
                    self._composites[c.id] = parts
        return self._composites

    def _generic_combination(self, c: Concept) -> bool:
        """True for a combination named by its ingredients ('hydrocodone/APAP'): the same thing as any
        brand of them (Norco), so an item naming both ingredients is it, however it names them."""
        if c.kind != "product":
            return False
        drugs = [i for i in c.implies if i.startswith("drug:")]
        if len(drugs) < 2 or len(drugs) != len([i for i in c.implies if not i.startswith(("class:", "form:"))]):
            return False
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", c.label)}
        return all(any(f.lower() in words for f in self.concept(d).forms) for d in drugs)

    def words(self) -> dict[str, int]:
        """Every word of every form (normal form) -> how many forms use it: a lexicon for spelling correction."""
        if self._word_counts is None:      # remembered: completions() asks on every query read
            counts: dict[str, int] = {}
            for key, forms in self.matcher.table.items():
                for word in key:
                    counts[word] = counts.get(word, 0) + len(forms)
            self._word_counts = counts
        return self._word_counts

    def completions(self, prefix: str, limit: int = 4) -> list[str]:
        """The words of the vocabulary's names that are `prefix` and more (lowercased), those used by
        more names first, at most `limit`: how a word typed half-way is finished ('hydroco')."""
        if self._names is None:
            self._names = sorted({w for c in self.concepts.values() for f in c.forms
                                  for w in re.findall(r"[a-z]{4,}", f.lower())})
        prefix = prefix.lower()
        i, found = bisect_left(self._names, prefix), []
        while i < len(self._names) and self._names[i].startswith(prefix):
            if self._names[i] != prefix:
                found.append(self._names[i])
            i += 1
        counts, named, out = self.words(), set(), []
        for word in sorted(found, key=lambda w: (-counts.get(w, 0), len(w), w)):
            concepts = frozenset(self.parse_query(word).concept_ids())
            # one word per thing named: not 'hydrocodonum' too, nor 'lumbopelvic' (lumbar and more)
            if not any(n <= concepts for n in named if n) and concepts not in named:
                named.add(concepts)
                out.append(word)
        return out[:limit]

    def names_by_key(self, word: str, key: Callable[[str], str]) -> list[str]:
        """The one-word names whose `key` (a stemmer, the same on every call: the table is made with the
        first) is `word`'s: how `lidocain` is known as `lidocaine` by the search side's Porter stem."""
        if self._keyed is None:
            self._keyed = {}
            for form in self.matcher.table:
                if len(form) == 1 and form[0].isalpha():
                    self._keyed.setdefault(key(form[0]), []).append(form[0])
        return self._keyed.get(key(word.lower()), [])

    def classes_of(self, concept_id: str, axis: str | None = None) -> set[str]:
        """The drug classes a concept is or implies (optionally of one axis)."""
        ids = (concept_id, *self.implied(concept_id))
        return {c for c in ids if c.startswith("class:") and (axis is None or self.concepts[c].axis == axis)}

    def common_words(self) -> tuple[set[str], set[str]]:
        """The common English words and those deliberately allowed as aliases (read on first use)."""
        if self._common is None:
            self._common = load_common_words(self.folder)
        return self._common

    # --- reading text
    def concepts_in(self, text: str, implied: bool = True, strict: bool = True) -> list[Match]:
        """Concept mentions in free text, then (implied=True) what they imply, with via set.

        strict: abbreviations count only in capitals, as letters write them; a query passes False.
        """
        matches, _ = self.matcher.scan(text, strict)
        if not implied:
            return matches
        out, seen = list(matches), {m.concept for m in matches}
        for m in matches:
            for cid in self.implied(m.concept):
                if cid not in seen:
                    seen.add(cid)
                    out.append(Match(cid, m.start, m.end, m.surface, via=m.concept))
        return out

    def parse_query(self, query: str) -> QueryParse:
        """Which spans of a query name concepts (longest first, any case) and which words stay plain."""
        matches, plain = self.matcher.scan(query, strict=False)
        spans: dict[tuple[int, int], list[str]] = {}
        for m in matches:
            spans.setdefault((m.start, m.end), []).append(m.concept)
        if self.joiner:
            spans = self.joiner.join(self, query, spans)
            plain = [t for t in plain if not any(s <= t.start < e for s, e in spans)]
        return QueryParse(tuple(QuerySpan(tuple(ids), s, e, query[s:e]) for (s, e), ids in spans.items()),
                          tuple(t.raw for t in plain))

    def decision_of(self, words: str) -> str | None:
        """The decision an everyday phrase means ('approved' -> 'Overturned'), or None."""
        for cid in self.matcher.concepts_of(words):
            if cid.startswith("decision:"):
                return self.concepts[cid].value
        return None

    def decisions(self) -> dict[str, str]:
        """Every decision word -> the decision value it filters on."""
        return {form.lower(): c.value for c in self.of_kind("decision") for form in c.forms if c.value}

    def tag_item(self, own_words: str, guidelines: str | list[str] | None = None,
                 rationale: str | None = None) -> list["Tag"]:
        """Index-time concept tags of one item, each with its provenance: see tagging.tag_item."""
        from indexer.vocabulary.tagging import tag_item

        return tag_item(self, own_words, guidelines, rationale)

    def tag_letter(self, items: list[tuple[str, list["Tag"]]]) -> list[list["Tag"]]:
        """The tags of a letter's items, (own words, tag_item's tags) each, with what an associated
        surgical service takes from the letter's surgery: see tagging.associated_tags."""
        from indexer.vocabulary.tagging import associated_tags

        return associated_tags(self, items)

    def counts(self) -> dict[str, int]:
        """How many concepts of each kind, forms and abbreviations the vocabulary holds."""
        out = {kind: 0 for kind in KINDS if kind != "level"}
        for c in self.concepts.values():
            out[c.kind] = out.get(c.kind, 0) + 1
        out["forms"] = sum(len(c.forms) for c in self.concepts.values())
        out["abbreviations"] = sum(1 for c in self.concepts.values() for f in c.forms
                                   if f.replace("-", "").replace("/", "").isupper() and len(f) <= 6)
        return out


def load_vocabulary(extra: "MinedVocabulary | None" = None) -> Vocabulary:
    """Vocabulary.load(extra): the packaged vocabulary with mined products merged in."""
    return Vocabulary.load(extra)
