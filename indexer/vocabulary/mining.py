"""Mining the letters for products the vocabulary does not know: an item whose own words name an
unknown product ("Sentradine #60") takes the ingredients that rationale sentences defining it name
("Sentradine is a medical food containing ...") and the drug class of the guideline section the
reviewer cites for it ("Medical food", "Muscle relaxants (for pain)"). Conservative: an item whose own
words name a known drug or a non-drug treatment teaches nothing, and a class whose letters disagree is
dropped. Output is inspectable: which letters, how many items, which evidence."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from indexer.vocabulary.concepts import Concept
from indexer.vocabulary.tagging import DRUG_KINDS, NON_DRUG_KINDS, _unknown_names, rationale_concepts
from indexer.vocabulary.text import slug
from indexer.vocabulary.vocabulary import Vocabulary

# The item fields whose text is the guideline the decision cites.
GUIDELINE_FIELDS = ("maximus_guideline", "claims_administrator_guideline")


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


def mine_item(vocab: Vocabulary, item: dict, letter: str, mined: MinedVocabulary) -> None:
    """Add what one item teaches about the unknown product its own words name, if any."""
    own_words = item.get("item") or ""
    own = [m.concept for m in vocab.concepts_in(own_words, implied=False)]
    kinds = {vocab.concept(c).kind for c in own}
    if kinds & (DRUG_KINDS | NON_DRUG_KINDS):
        return      # a known drug or a procedure: nothing here is about an unknown product
    names = _unknown_names(vocab, own_words)[:1]    # the product's name leads the request
    if not names:
        return
    name = names[0]
    ingredients, classes, evidence = set(), set(), set()
    for concept, _surface in rationale_concepts(vocab, names, item.get("rationale") or ""):
        kind = vocab.concept(concept).kind
        if kind == "class":
            classes.add(concept)
        else:
            ingredients.update(c for c in (concept, *vocab.implied(concept)) if c.startswith("drug:"))
        evidence.add("rationale")
    for m in vocab.guideline_matcher.scan(_guidelines(item))[0]:
        classes.add(m.concept)
        evidence.add("guideline")
    entry = mined.entries.setdefault(name.lower(), MinedEntry(name))
    entry.items += 1
    entry.letters.add(letter)
    entry.ingredients.update(ingredients)
    entry.classes.update(classes)
    entry.evidence.update(evidence)


def mine(records: Iterable[dict], vocab: Vocabulary | None = None) -> MinedVocabulary:
    """Mine letter records (indexer.record shape) for unknown products' ingredients and classes."""
    vocab = vocab or Vocabulary.load()
    mined = MinedVocabulary()
    for record in records:
        mined.letters_read += 1
        letter = record.get("id") or record.get("case_number") or record.get("source") or "?"
        for item in record.get("items") or []:
            mined.items_read += 1
            mine_item(vocab, item, letter, mined)
    return mined
