"""Mining the letters for products the vocabulary does not know: an item whose own words name an
unknown product ("Sentradine #60") takes the ingredients that rationale sentences defining it name
("Sentradine is a medical food containing ...") and the drug class of the guideline section the
reviewer cites for it ("Medical food", "Muscle relaxants (for pain)"). Conservative: an item whose own
words name a known drug or a non-drug treatment teaches nothing, and a class whose letters disagree is
dropped. Output is inspectable: which letters, how many items, which evidence."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from indexer.vocabulary.concepts import Concept
from indexer.vocabulary.tagging import DRUG_KINDS, NON_DRUG_KINDS, _unknown_names, rationale_concepts
from indexer.vocabulary.text import slug
from indexer.vocabulary.vocabulary import Vocabulary

# The item fields whose text is the guideline the decision cites.
GUIDELINE_FIELDS = ("maximus_guideline", "claims_administrator_guideline")
# A sentence that defines a product by its ingredients, wherever it stands in a rationale:
# "Terocin is a topical analgesic containing ...", "Sentradine (a medical food) consists of ...".
DEFINITION = re.compile(r"(?:^|[.;]\s+)(?:The\s+)?(?:requested\s+)?(?P<name>[A-Z][A-Za-z-]{3,})\b"
                        r"(?P<clause>[^.;]{0,80}?\b(?:contains|containing|consists of|consisting of|"
                        r"composed of|comprised of|is a combination of)\b[^.;]*)")


@dataclass
class MinedEntry:
    """What the letters say about one product name."""

    name: str
    ingredients: Counter = field(default_factory=Counter)   # drug id -> items naming it
    classes: Counter = field(default_factory=Counter)       # class id -> items citing it
    evidence: Counter = field(default_factory=Counter)      # 'rationale' / 'guideline' -> items
    letters: set = field(default_factory=set)
    items: int = 0

    def kept_classes(self, vocab: Vocabulary) -> list[str]:
        """Formulation classes, and the pharmacologic class only where the letters agree on one
        (or one has at least twice the items of any other)."""
        pharm = Counter({c: n for c, n in self.classes.items() if vocab.concept(c).axis == "pharmacologic"})
        kept = [c for c in self.classes if c not in pharm]
        ranked = pharm.most_common()
        if ranked and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
            kept.append(ranked[0][0])
        return sorted(kept)

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"name": self.name, "ingredients": dict(self.ingredients), "classes": dict(self.classes),
                "evidence": dict(self.evidence), "letters": sorted(self.letters), "items": self.items}


@dataclass
class MinedVocabulary:
    """Mined product entries by lower-case name, mergeable into a Vocabulary (Vocabulary.load(extra=...))."""

    entries: dict[str, MinedEntry] = field(default_factory=dict)
    letters_read: int = 0
    items_read: int = 0

    def accepted(self, vocab: Vocabulary) -> list[MinedEntry]:
        """Entries with evidence, whose name the vocabulary does not already know."""
        return [e for key, e in sorted(self.entries.items())
                if (e.ingredients or e.kept_classes(vocab)) and not vocab.matcher.concepts_of(e.name)]

    def concepts(self, known: dict[str, Concept]) -> list[Concept]:
        """The accepted entries as product concepts (source 'mined') for Vocabulary.load."""
        vocab = Vocabulary(known)
        return [Concept(f"product:{slug(e.name)}", "product", e.name, [e.name],
                        sorted(e.ingredients) + e.kept_classes(vocab), "mined")
                for e in self.accepted(vocab)]

    def to_dict(self) -> dict:
        """JSON-ready form of everything mined (accepted or not)."""
        return {"letters_read": self.letters_read, "items_read": self.items_read,
                "entries": [e.to_dict() for _, e in sorted(self.entries.items())]}

    def to_json(self) -> str:
        """to_dict() as indented JSON."""
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_dict(cls, data: dict) -> "MinedVocabulary":
        """Read back what to_dict wrote."""
        mined = cls(letters_read=data.get("letters_read", 0), items_read=data.get("items_read", 0))
        for e in data.get("entries", []):
            mined.entries[e["name"].lower()] = MinedEntry(
                e["name"], Counter(e["ingredients"]), Counter(e["classes"]), Counter(e["evidence"]),
                set(e["letters"]), e["items"])
        return mined

    def lines(self, vocab: Vocabulary) -> list[str]:
        """A listing for `imr vocabulary`: one line per entry, accepted first, with counts and letters."""
        accepted = {e.name.lower() for e in self.accepted(vocab)}
        out = [f"mined {len(self.entries)} product names from {self.items_read} items of "
               f"{self.letters_read} letters; {len(accepted)} accepted"]
        for key, e in sorted(self.entries.items(), key=lambda kv: (kv[0] not in accepted, kv[0])):
            ingredients = ", ".join(f"{c.split(':', 1)[1]} ({n})" for c, n in e.ingredients.most_common()) or "-"
            classes = ", ".join(f"{c.split(':', 1)[1]} ({n})" for c, n in e.classes.most_common()) or "-"
            letters = ", ".join(sorted(e.letters)[:3]) + (" ..." if len(e.letters) > 3 else "")
            mark = "+" if key in accepted else "-"
            out.append(f"{mark} {e.name}: ingredients {ingredients}; classes {classes}; "
                       f"{e.items} items in {len(e.letters)} letters ({letters})")
        return out


def _guidelines(item: dict) -> str:
    return " ; ".join(item.get(f) or "" for f in GUIDELINE_FIELDS)


class _Finding:
    """What one item says about one name: ingredients, classes and the kinds of evidence."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ingredients: set[str] = set()
        self.classes: set[str] = set()
        self.evidence: set[str] = set()


def item_findings(vocab: Vocabulary, item: dict) -> dict[str, _Finding]:
    """What one item teaches: about the unknown product its own words name (rationale sentences
    defining it, the guideline class cited), and about products its rationale defines."""
    findings: dict[str, _Finding] = {}
    own_words = item.get("item") or ""
    rationale = item.get("rationale") or ""
    kinds = {vocab.concept(m.concept).kind for m in vocab.concepts_in(own_words, implied=False)}
    names = _unknown_names(vocab, own_words)[:1]    # the product's name leads the request
    # A known drug or a procedure in the own words: nothing here is about an unknown product.
    if names and not kinds & (DRUG_KINDS | NON_DRUG_KINDS):
        found = findings.setdefault(names[0].lower(), _Finding(names[0]))
        for concept, _surface in rationale_concepts(vocab, names, rationale):
            if vocab.concept(concept).kind == "class":
                found.classes.add(concept)
            else:
                found.ingredients.update(c for c in (concept, *vocab.implied(concept)) if c.startswith("drug:"))
            found.evidence.add("rationale")
        for m in vocab.guideline_matcher.scan(_guidelines(item))[0]:
            found.classes.add(m.concept)
            found.evidence.add("guideline")
    common, _allowed = vocab.common_words()
    for m in DEFINITION.finditer(rationale):
        name = m.group("name")
        if name.lower() in common or vocab.matcher.concepts_of(name):
            continue
        named = [c.concept for c in vocab.concepts_in(m.group("clause"), implied=False)]
        drugs = {d for c in named if vocab.concept(c).kind in ("drug", "product")
                 for d in (c, *vocab.implied(c)) if d.startswith("drug:")}
        if drugs:       # "X contains" with no drug named teaches nothing
            found = findings.setdefault(name.lower(), _Finding(name))
            found.ingredients.update(drugs)
            found.classes.update(c for c in named if c.startswith("class:"))
            found.evidence.add("definition")
    return findings


def mine(records: Iterable[dict], vocab: Vocabulary | None = None) -> MinedVocabulary:
    """Mine letter records (indexer.record shape) for unknown products' ingredients and classes."""
    vocab = vocab or Vocabulary.load()
    mined = MinedVocabulary()
    for record in records:
        mined.letters_read += 1
        letter = record.get("id") or record.get("case_number") or record.get("source") or "?"
        for item in record.get("items") or []:
            mined.items_read += 1
            for key, found in item_findings(vocab, item).items():
                entry = mined.entries.setdefault(key, MinedEntry(found.name))
                entry.items += 1
                entry.letters.add(letter)
                entry.ingredients.update(found.ingredients)
                entry.classes.update(found.classes)
                entry.evidence.update(found.evidence)
    return mined
