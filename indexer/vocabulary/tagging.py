"""Index-time tags of one disputed item: from its own words first, then the guideline sections it
cites, then its rationale, each tag with its provenance. Conservative: a class read from a guideline
or a rationale is kept only where the item's own words do not contradict it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indexer.vocabulary.marks import dose_marks
from indexer.vocabulary.text import strict_word, tokenize

if TYPE_CHECKING:
    from indexer.vocabulary.vocabulary import Vocabulary

# Provenance, strongest first: the ranking will weigh own > guideline > rationale; `surgery` is what
# an associated surgical service takes from the surgery of its letter (associated_tags).
SOURCES = ("own", "guideline", "rationale", "surgery")
STRENGTH = {"own": 3, "guideline": 2, "rationale": 1, "surgery": 1}
# How IMR letters head an item that goes with a surgery the letter reviews ("Associated surgical
# service: Physical Therapy sessions, 12"): it is about that surgery's body region and side.
ASSOCIATED = re.compile(r"^\s*associated\s+surgical\s+services?\b", re.I)
# What such a service takes from its surgery: where on the body, which side.
LOCATING_KINDS = ("region", "side", "level")
# Families of a service done before the operation (tests, clearance); any other is after it.
BEFORE_SURGERY = {"family:lab", "family:diagnostic-test", "family:imaging", "family:electrodiagnostic",
                  "family:consultation"}
# What such a test or clearance is (ODG "Preoperative lab testing", "Preoperative electrocardiogram",
# "Preoperative testing, general"): the pre-operative evaluation ("pre-op workup").
PREOPERATIVE = "procedure:preoperative-evaluation"
# A service that goes with the letter's surgery (the letters' "Associated surgical service: ...", a
# service before or after the operation, the assistant at surgery: CPT modifiers -80/-82/-AS).
ASSOCIATED_SERVICE = "term:associated-surgical-service"
WITH_SURGERY = {"term:postoperative", "term:preoperative", PREOPERATIVE, "procedure:assistant-surgeon"}
# A consultation, evaluation or referral about an operation ("surgical consultation for the knee",
# "consult for lumbar fusion") is a consultation: the operation it is about stays a tag, its family not.
CONSULTATION = "procedure:consultation"
ABOUT_FAMILIES = ("family:surgery",)
# Kinds that name a treatment other than a drug: with one of them in its own words an item is not a
# drug, whatever class its guideline or rationale mentions (urine drug tests cite "Opioids").
NON_DRUG_KINDS = {"procedure", "panel"}
# An item naming the spine and no segment ("MRI/CT of the spine and pelvis") is about the whole spine,
# as "thoracolumbar" is (regions.toml); not a part of it (spinal cord) nor the adjective ("spinal").
WHOLE_SPINE, SEGMENTS = "region:whole-spine", {"region:cervical", "region:thoracic", "region:lumbar"}
DRUG_KINDS = {"drug", "product", "class"}
# A rationale sentence that says what a product is: "X is a compounded product containing ...".
DEFINING = re.compile(r"\b(contain|contains|containing|consist|consists|consisting|composed|comprised|"
                      r"combination of|compounded|is an?|are|medical food|which includes?)\b", re.I)
_SENTENCE = re.compile(r"[^.;]+")


@dataclass(frozen=True)
class Tag:
    """A concept an item is about, where it was read (own/guideline/rationale), the words that named
    it, and whether it was implied by another tag rather than named."""

    concept: str
    source: str
    surface: str
    implied: bool = False

    @property
    def strength(self) -> int:
        """3 own words, 2 guideline, 1 rationale."""
        return STRENGTH[self.source]


class _Tags:
    """Tags collected so far, one per concept, the strongest kept."""

    def __init__(self, vocab: "Vocabulary") -> None:
        self.vocab = vocab
        self.by_concept: dict[str, Tag] = {}

    def add(self, concept: str, source: str, surface: str, implied: bool = False) -> None:
        known = self.by_concept.get(concept)
        if known is None or STRENGTH[source] > known.strength or (
                known.strength == STRENGTH[source] and known.implied and not implied):
            self.by_concept[concept] = Tag(concept, source, surface, implied)
        for cid in self.vocab.implied(concept):
            known = self.by_concept.get(cid)
            if known is None or STRENGTH[source] > known.strength:
                self.by_concept[cid] = Tag(cid, source, surface, True)


def _own_pharm_classes(vocab: "Vocabulary", own: set[str]) -> set[str]:
    return {c for cid in own for c in vocab.classes_of(cid, "pharmacologic")}


def contradicts(vocab: "Vocabulary", own: set[str], candidate: str) -> bool:
    """True when the item's own concepts rule out `candidate` (a drug, product or class read
    elsewhere): its own words name a non-drug treatment and no drug, or drugs of other classes."""
    kinds = {vocab.concept(c).kind for c in own}
    if kinds & NON_DRUG_KINDS and not kinds & DRUG_KINDS:
        return True
    mine = _own_pharm_classes(vocab, own)
    theirs = vocab.classes_of(candidate, "pharmacologic")
    return bool(mine) and bool(theirs) and not theirs <= mine


def _topical_rules(vocab: "Vocabulary", text: str, own: set[str], tags: _Tags) -> None:
    """A drug in a topical dosage form is a topical analgesic (opioid patches excepted); two or more
    ingredients are a combination, and with strengths in per cent a compound (cyclobenzaprine creams)."""
    drugs = {c for c in own if vocab.concept(c).kind in ("drug", "product")}
    if not drugs:
        return
    words = [t.raw.lower() for t in tokenize(text)]
    dosage = next((w for w in words if w in vocab.dosage_topical), None)
    opioid = any("class:opioid" in vocab.classes_of(d) for d in drugs)
    ingredients = {c for d in drugs for c in (d, *vocab.implied(d)) if c.startswith("drug:")}
    percent = "%" in text
    if len(ingredients) >= 2:
        tags.add("class:combination", "own", text.strip()[:60])
    if len(ingredients) >= 2 and percent:
        tags.add("class:compounded", "own", text.strip()[:60])
    if (dosage or (percent and len(ingredients) >= 2)) and not opioid:
        tags.add("class:topical-analgesic", "own", dosage or "%")


_COUNTED = re.compile(r"#\s?\d|\b\d+\s?(?:mg|mcg)\b.*\b(?:qty|quantity|supply|count)\b", re.I)
_DOSED = re.compile(r"\d\s?(?:mg|mcg)\b", re.I)


def _form_rules(vocab: "Vocabulary", text: str, tags: _Tags) -> None:
    """The dosage form of a drug item from its own words and doses (the FDA SPL dosage forms): a
    release abbreviation in capitals (ER, XR) is an extended-release form; "pad" is a patch; an item
    weighed out (120 grams) or a topical analgesic that is no patch is a topical form; a dose in mg
    with a count (#60), no other route and no topical form, an oral one. (Patterns compiled once per
    vocabulary, `Vocabulary.form_patterns`: this runs on every drug item of a build.)"""
    release_words, patch_words, weighed_out, other_routes = vocab.form_patterns()
    have = set(tags.by_concept)
    release = release_words.search(text)
    if release and "form:extended-release" not in have:
        tags.add("form:extended-release", "own", release[0])
    pad = patch_words.search(text) if "form:patch" not in have else None
    if pad:
        tags.add("form:patch", "own", pad[0])
    weighed = weighed_out.search(text)
    if "form:patch" not in tags.by_concept and "form:topical" not in have and (
            weighed or "class:topical-analgesic" in have):
        tags.add("form:topical", "own", weighed[0] if weighed else "topical analgesic")
    dosed = _DOSED.search(text)
    if dosed and not {"form:patch", "form:topical", "form:oral", "class:topical-analgesic"} & set(tags.by_concept) \
            and _COUNTED.search(text) and not other_routes.search(text):
        tags.add("form:oral", "own", dosed[0])


def _release_rules(vocab: "Vocabulary", text: str, own: list, tags: _Tags) -> None:
    """An opioid named in an item's own words is long-acting with a release word ('ER', 'extended
    release', a patch) or a long-acting product (OxyContin, methadone), short-acting otherwise (MTUS
    "Opioids, long-acting" and short-acting opioids)."""
    opioids = [m for m in own if vocab.concept(m.concept).kind in ("drug", "product")
               and "class:opioid" in vocab.classes_of(m.concept)]
    if not opioids:
        return
    tokens = tokenize(text)
    raw = [t.raw for t in tokens]
    low = " " + " ".join(r.lower() for r in raw) + " "
    marker = next((w for w in vocab.long_acting if (w in raw if strict_word(w) else f" {w.lower()} " in low)), None)
    named = next((m.surface for m in opioids if m.surface.lower() in vocab.long_acting_names
                  or vocab.concept(m.concept).label.lower() in vocab.long_acting_names), None)
    if marker or named:
        tags.add("class:long-acting-opioid", "own", named or marker)
    else:
        tags.add("class:short-acting-opioid", "own", opioids[0].surface)


def _unknown_names(vocab: "Vocabulary", text: str) -> list[str]:
    """Words of the item's own text that may name a product the vocabulary does not know ('Trezix').

    Only its first sentence: a modified request goes on "... was the original request. The Claims
    Administrator authorized ...", words about the review, not the product."""
    _, plain = vocab.matcher.scan(re.split(r"\.\s", text or "", maxsplit=1)[0])
    common, _allowed = vocab.common_words()
    return [t.raw for t in plain if t.raw[:1].isupper() and t.raw.isalpha() and len(t.raw) >= 4
            and t.raw.lower() not in common]


def rationale_concepts(vocab: "Vocabulary", names: list[str], rationale: str) -> list[tuple[str, str]]:
    """(concept, surface) of drugs, products and classes that rationale sentences defining one of
    `names` name after it ("Theramine is a medical food containing ...")."""
    found = []
    lowered = [n.lower() for n in names]
    for sentence in _SENTENCE.finditer(rationale or ""):
        text = sentence.group()
        low = text.lower()
        at = min((low.find(n) for n in lowered if n in low), default=-1)
        if at < 0:
            continue
        tail = text[at:]
        if not DEFINING.search(tail):
            continue
        for m in vocab.concepts_in(tail, implied=False):
            if vocab.concept(m.concept).kind in DRUG_KINDS:
                found.append((m.concept, m.surface))
    return found


def _compose(vocab: "Vocabulary", tags: _Tags) -> None:
    """Add every composite whose parts are tagged, until none is left: a composite may be the part of
    another (an orthopaedic evaluation of the low back is a surgical consultation, then a spine
    surgery consultation)."""
    for _ in range(3):
        have = set(tags.by_concept)
        new = [(c, parts) for c, parts in vocab.composites().items() if c not in have and set(parts) <= have]
        for composite, parts in new:
            tags.add(composite, "own", tags.by_concept[parts[0]].surface, implied=True)
        if not new:
            return


def tag_item(vocab: "Vocabulary", own_words: str, guidelines: str | list[str] | None = None,
             rationale: str | None = None) -> list[Tag]:
    """Concept tags of one item: own words (strength 3), cited guideline sections (2), rationale (1)."""
    tags = _Tags(vocab)
    own_matches = [m for m in vocab.concepts_in(own_words, implied=False)
                   if vocab.concept(m.concept).kind != "decision"]
    drug_item = any(vocab.concept(m.concept).kind in ("drug", "product") for m in own_matches)
    # a dosage form is read only on an item naming a drug: "ice pack gel" is no medication
    own_matches = [m for m in own_matches if drug_item or vocab.concept(m.concept).kind != "form"]
    for m in own_matches:
        tags.add(m.concept, "own", m.surface)
    own = {m.concept for m in own_matches}
    spine = tags.by_concept.get("region:spine")      # named as the spine, not a part nor "spinal"
    if spine and not spine.implied and spine.surface.lower() != "spinal" and not SEGMENTS & set(tags.by_concept):
        tags.add(WHOLE_SPINE, "own", spine.surface)
    _topical_rules(vocab, own_words, own, tags)
    if drug_item:
        _form_rules(vocab, own_words, tags)
        for mark, surface in dose_marks(vocab, own_words, own_matches):
            tags.add(mark, "own", surface)
    _release_rules(vocab, own_words, own_matches, tags)
    # "Arthroplasty of the right knee" is a total knee arthroplasty: a query naming the composite
    # concept finds the item whose own words name its parts in any order.
    _compose(vocab, tags)
    for concept, ruled_out_by in vocab.unless.items():
        if concept in tags.by_concept and ruled_out_by & tags.by_concept.keys():
            del tags.by_concept[concept]
    if CONSULTATION in tags.by_concept:
        for family in ABOUT_FAMILIES:
            tags.by_concept.pop(family, None)
    if "term:preoperative" in tags.by_concept and BEFORE_SURGERY & set(tags.by_concept):
        tags.add(PREOPERATIVE, "own", tags.by_concept["term:preoperative"].surface, implied=True)
    text = " ; ".join(g for g in ([guidelines] if isinstance(guidelines, str) else guidelines or []) if g)
    for m in vocab.guideline_matcher.scan(text)[0]:
        if not contradicts(vocab, own, m.concept):
            tags.add(m.concept, "guideline", m.surface)
    if rationale:
        names = _unknown_names(vocab, own_words)
        if not {vocab.concept(c).kind for c in own} & {"drug", "product"}:
            # "Compound cream #1": the rationale's "the compound contains ..." is about this item
            names += [m.surface for m in own_matches if vocab.concept(m.concept).kind == "class"]
        for concept, surface in rationale_concepts(vocab, names, rationale) if names else []:
            if not contradicts(vocab, own, concept):
                tags.add(concept, "rationale", surface)
    order = {s: i for i, s in enumerate(SOURCES)}
    return sorted(tags.by_concept.values(), key=lambda t: (order[t.source], t.implied, t.concept))


def _goes_with_surgery(words: str, tags: list[Tag]) -> bool:
    """An associated surgical service, or a service its own words put after an operation ("Post-op
    physical therapy 12-18 sessions") that is not an operation itself: it is about that operation's
    region. (A pre-operative clearance is about the patient, not a region.)"""
    if ASSOCIATED.match(words):
        return True
    concepts = {t.concept for t in tags if t.source == "own"}
    return "term:postoperative" in concepts and "family:surgery" not in concepts


def associated_tags(vocab: "Vocabulary", items: list[tuple[str, list[Tag]]]) -> list[list[Tag]]:
    """The tags of a letter's items, (own words, tags) each, with every associated surgical service
    ("Associated surgical service: Labs - CBC") also tagged with the region, side and spinal level
    of the letter's surgery (the items that are surgery) and as pre- or post-operative: a test or
    clearance before it, any other service after it. Source `surgery`: read from the letter, not the
    item's own words; a letter without a surgical item adds only the pre-/post-operative term."""
    surgical = [tags for words, tags in items if not _goes_with_surgery(words, tags)
                and any(t.concept == "family:surgery" for t in tags)]
    places = {t.concept: t.surface for tags in surgical for t in tags
              if t.source == "own" and vocab.concept(t.concept).kind in LOCATING_KINDS}
    out = []
    for words, tags in items:
        if not _goes_with_surgery(words, tags):
            said = {t.concept for t in tags if t.source == "own"}
            if surgical and WITH_SURGERY & said and (tags not in surgical or "procedure:assistant-surgeon" in said):
                tags = sorted([*tags, Tag(ASSOCIATED_SERVICE, "surgery", words.strip()[:60], False)],
                              key=lambda t: (SOURCES.index(t.source), t.implied, t.concept))
            out.append(tags)
            continue
        found = _Tags(vocab)
        found.by_concept = {t.concept: t for t in tags}
        found.add(ASSOCIATED_SERVICE, "surgery", words.strip()[:60])
        # where the service names none: a side, and a region (or spinal level), of its surgery
        own = {"side" if vocab.concept(t.concept).kind == "side" else "place"
               for t in tags if t.source == "own" and vocab.concept(t.concept).kind in LOCATING_KINDS}
        # a test or clearance is done before the operation (unless its own words say after), any other
        # service after it (unless they say before)
        said = {t.concept for t in tags if t.source == "own"}
        after = "term:postoperative" in said
        before = not after and bool(BEFORE_SURGERY & {t.concept for t in tags})
        for concept, surface in places.items():
            # a pre-operative test is the surgery's even where it images another place (the CMS global
            # surgery package's pre-operative part; a pre-op chest x-ray goes with a shoulder arthroscopy)
            kind = "side" if vocab.concept(concept).kind == "side" else "place"
            if kind not in own or (before and kind == "place"):
                found.add(concept, "surgery", surface)
        if before:
            found.add(PREOPERATIVE, "surgery", words.strip()[:60])
        else:
            found.add("term:preoperative" if "term:preoperative" in said and not after else "term:postoperative",
                      "surgery", words.strip()[:60])
        order = {s: i for i, s in enumerate(SOURCES)}
        out.append(sorted(found.by_concept.values(), key=lambda t: (order[t.source], t.implied, t.concept)))
    return out
