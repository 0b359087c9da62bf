"""Concepts and how the data files become them (read with tomllib, nothing cached at import)."""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from indexer.vocabulary.text import slug, tokenize

# Kinds of concept, in the order a listing shows them.
KINDS = ("class", "drug", "product", "form", "family", "procedure", "region", "part", "panel", "term", "side",
         "decision", "level", "strength")
# Products' sections and the formulation class each implies.
PRODUCT_CLASSES = {"combination": None, "topical": "class:topical-analgesic",
                   "compound": "class:compounded", "oral-suspension": "class:oral-suspension",
                   "medical-food": "class:medical-food", "otc": "class:otc"}
# Class axes: an ingredient is in at most one pharmacologic class and one DEA schedule; a subclass is a
# kind within a pharmacologic class; regulatory and functional groupings span classes.
AXES = ("pharmacologic", "subclass", "formulation", "regulatory", "functional")
# How people name the drugs for a condition ("heartburn medicine", "ED pills", "medication for
# anxiety"): a class's `indications` (drugs.toml) each make these names of the class.
# "treatment" is not a head: "pain treatment" is any treatment.
INDICATION_HEADS = ("medication", "medications", "medicine", "medicines", "meds", "med", "pill", "pills",
                    "drug", "drugs", "tablets", "prescription", "prescriptions")
INDICATION_FOR = ("medication for", "medications for", "medicine for", "meds for", "pills for", "drugs for",
                  "drug for")
# Prefixes people write both hyphenated and fused (anti-inflammatory, antiinflammatory; non-steroidal,
# nonsteroidal): a class form written with one is also read fused.
_FUSED = re.compile(r"\b(anti|non|pre|post)-(?=[a-z])", re.IGNORECASE)


@dataclass
class Concept:
    """One thing the vocabulary names: id ('drug:cyclobenzaprine'), the words that name it and what it implies."""

    id: str
    kind: str
    label: str
    forms: list[str] = field(default_factory=list)
    implies: list[str] = field(default_factory=list)
    source: str = ""
    axis: str | None = None          # classes: 'pharmacologic' or 'formulation'
    value: str | None = None         # decisions: the stored decision ('Upheld' ...)
    guideline: list[str] = field(default_factory=list)   # classes: section titles matched in guideline text
    compose: bool = True             # procedures: may be composed from what it implies (tagging.py)
    # Colloquial names read in queries only ("scope", "therapy"): in a letter's own words they do not
    # always mean this concept ("the scope of", "drug therapy"), so they never tag an item.
    query_forms: list[str] = field(default_factory=list)
    # What the concept is the conjunction of, when that is not all it implies (an epidural neuroplasty
    # is a neuroplasty of the spine, and is an epidural adhesiolysis too): tagging composes it from these.
    composed_of: list[str] = field(default_factory=list)
    # Names made from another concept's (`made = {of = "class:opioid", before = ["short-acting"]}`: every
    # name of the opioids with each word before it, "short-acting narcotics"); see made_forms.
    made: dict = field(default_factory=dict)
    indications: list[str] = field(default_factory=list)   # classes: the conditions its drugs treat
    # Concepts that rule this one out of an item's tags (a physical agent modality is a service: not on
    # an item that is equipment, family:dme); see tagging.tag_item.
    unless: list[str] = field(default_factory=list)

    def add_forms(self, forms: list[str]) -> None:
        """Add names not yet known (case-insensitively)."""
        seen = {f.lower() for f in self.forms}
        for form in forms:
            if form and form.lower() not in seen:
                self.forms.append(form)
                seen.add(form.lower())

    def add_implies(self, ids: list[str]) -> None:
        """Add implied concept ids not yet known."""
        self.implies.extend(i for i in ids if i and i not in self.implies and i != self.id)


def data_dir() -> Path:
    """The folder of the packaged data files."""
    return Path(str(resources.files("indexer.vocabulary") / "data"))


def data_digest(folder: Path | None = None) -> str:
    """A hash of every data file: what the tags of a snapshot depend on (a rebuild with other data
    is not a no-change rebuild)."""
    h = hashlib.sha256()
    for path in sorted((folder or data_dir()).iterdir()):
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _toml(folder: Path, name: str) -> dict:
    return tomllib.loads((folder / name).read_text(encoding="utf-8"))


def _put(concepts: dict[str, Concept], concept: Concept) -> Concept:
    """Add a concept, or merge its forms and implications into the one of the same id."""
    known = concepts.get(concept.id)
    if known is None:
        concepts[concept.id] = concept
        return concept
    known.add_forms(concept.forms)
    known.add_implies(concept.implies)
    return known


def indication_forms(indications: list[str]) -> list[str]:
    """The names of a class's drugs by what they treat: 'heartburn' -> 'heartburn medicine', 'medication
    for heartburn' ..."""
    return [f for ind in indications
            for f in (*(f"{ind} {head}" for head in INDICATION_HEADS), *(f"{lead} {ind}" for lead in INDICATION_FOR))]


def head_forms(forms: list[str]) -> list[str]:
    """A class's names with each other medication word as their head: 'stomach medicine' -> 'stomach
    pills', 'stomach meds' ... (the Consumer Health Vocabulary maps pill, meds, drug and medicine alike to
    "pharmaceutical preparations": the head is the lay word for a medication, whichever one is typed)."""
    out = []
    for form in forms:
        stem, _, head = form.rpartition(" ")
        if stem and head.lower() in INDICATION_HEADS and "prescription" not in stem.lower():
            out.extend(f"{stem} {other}" for other in INDICATION_HEADS if other != head.lower())
    return out


def spellings(forms: list[str]) -> list[str]:
    """The forms and, for those with a hyphenated prefix (anti-inflammatory), their fused spelling."""
    return [*forms, *(_FUSED.sub(r"\1", f) for f in forms if _FUSED.search(f))]


def _drugs(folder: Path, concepts: dict[str, Concept]) -> dict[str, list[str]]:
    """The drug classes, ingredients, forms; returns each class's names made from its indications."""
    data = _toml(folder, "drugs.toml")
    made: dict[str, list[str]] = {}
    grouped: list[tuple[str, str]] = []
    for key, cls in data["class"].items():
        cid = f"class:{key}"
        # within: the broader classes this one is a kind of (a subclass its class, a schedule the
        # controlled substances); classes: whole classes that are members of this grouping.
        within = cls.get("within", [])
        implies = ["family:medication", *(f"class:{w}" for w in ([within] if isinstance(within, str) else within))]
        # a condition whose "anti-" name is already the class's ("anti-anxiety") is read by the query
        # side beside a drug head (query_words.toml `against`), so it makes no names here
        names = {f.lower() for f in cls.get("forms", [])}
        against = {i.lower() for i in cls.get("indications", []) if {f"anti-{i.lower()}", f"anti{i.lower()}"} & names}
        made[cid] = indication_forms([i for i in cls.get("indications", []) if i.lower() not in against])
        # a dosage form's class is named by its form ("pain patches", "topical pills" is no name); a
        # condition left to the query side above makes no names here either ("anxiety meds")
        if cls.get("axis") != "formulation":
            made[cid] += [f for f in head_forms(list(cls.get("forms", [])))
                          if f.lower() not in names and f.lower().rpartition(" ")[0] not in against]
        _put(concepts, Concept(cid, "class", cls["label"], spellings([*cls.get("forms", []), *made[cid]]), implies,
                               "drugs.toml", axis=cls.get("axis"), guideline=list(cls.get("guideline", [])),
                               composed_of=list(cls.get("composed_of", [])), made=dict(cls.get("made", {})),
                               indications=list(cls.get("indications", [])), query_forms=list(cls.get("query", []))))
        grouped.extend((f"class:{member}", cid) for member in cls.get("classes", []))
        for ingredient, brands in cls.get("members", {}).items():
            name = ingredient.replace("-", " ")
            _put(concepts, Concept(f"drug:{slug(name)}", "drug", name, [name, *brands], [cid], "drugs.toml"))
    for member, group in grouped:
        concepts[member].add_implies([group])
    med = data["family"]["medication"]
    _put(concepts, Concept("family:medication", "family", med["label"], list(med["forms"]), [], "drugs.toml"))
    for key, form in data.get("form", {}).items():
        # dosage forms are tagged only on an item naming a drug (tagging.py), so they imply nothing
        _put(concepts, Concept(f"form:{key}", "form", form["label"], list(form["forms"]), [], "drugs.toml"))
    return made


def _drop_taken(concepts: dict[str, Concept], made: dict[str, list[str]]) -> None:
    """A name made from an indication yields to a concept listing it ("sleep medicine" is the specialty)."""
    def norm(form: str) -> tuple[str, ...]:
        return tuple(t.norm for t in tokenize(form))

    made_norms = {cid: {norm(f) for f in forms} for cid, forms in made.items() if forms}
    every = set().union(*made_norms.values()) if made_norms else set()
    owners: dict[tuple[str, ...], set[str]] = {}
    for other in concepts.values():
        for form in (*other.forms, *other.query_forms):
            if len(form.split()) > 1 and (key := norm(form)) in every:
                owners.setdefault(key, set()).add(other.id)
    for cid, norms in made_norms.items():
        taken = {key for key in norms if owners.get(key, {cid}) - {cid}}
        if taken:
            concepts[cid].forms = [f for f in concepts[cid].forms if norm(f) not in taken or f not in made[cid]]


def _brands(folder: Path, concepts: dict[str, Concept]) -> None:
    for line in (folder / "brands.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            alias, ingredient, _kind = line.split("\t")
            concept = concepts.get(f"drug:{slug(ingredient)}")
            if concept is not None:
                concept.add_forms([alias])


def _products(folder: Path, concepts: dict[str, Concept]) -> None:
    for section, products in _toml(folder, "products.toml").items():
        formulation = PRODUCT_CLASSES[section]
        for name, ingredients in products.items():
            # an ingredient is a generic name; an id ('class:schedule-iii') is taken as written
            implies = [i if ":" in i else f"drug:{slug(i)}" for i in ingredients]
            implies += [formulation] if formulation else []
            _put(concepts, Concept(f"product:{slug(name)}", "product", name, [name], implies, "products.toml"))


def _tables(folder: Path, file: str, concepts: dict[str, Concept]) -> None:
    """procedures.toml, regions.toml, labs.toml, decisions.toml: one table per kind."""
    part_ids: dict[tuple[str, ...], str] = {}
    for kind, entries in _toml(folder, file).items():
        for key, entry in entries.items():
            cid = f"{kind}:{key}"
            implies = list(entry.get("implies", []))
            if entry.get("family"):
                implies.append(f"family:{entry['family']}")
            if entry.get("within"):
                implies.append(f"{kind}:{entry['within']}")
            if kind == "panel":
                implies.append("family:lab")
            label = entry.get("label") or key.replace("-", " ")
            known = _put(concepts, Concept(cid, kind, label, [*entry.get("forms", []), *entry.get("abbr", [])],
                                           implies, file, value=entry.get("value"), compose=entry.get("compose", True),
                                           composed_of=list(entry.get("composed_of", [])),
                                           made=dict(entry.get("made", {})), unless=list(entry.get("unless", []))))
            known.query_forms.extend(f for f in entry.get("query", []) if f not in known.query_forms)
            for part in entry.get("parts", []):
                # One part per normal form: "facet joint" and "facet joints" are the same part,
                # named by the first of them ('part:facet-joint').
                norm = tuple(t.norm for t in tokenize(part))
                # a plural the normaliser keeps ("ribs", "toes") is the part its singular names
                singular = (*norm[:-1], norm[-1][:-1]) if norm and norm[-1].endswith("s") else norm
                pid = part_ids.setdefault(norm, part_ids.get(singular) or f"part:{slug(part)}")
                _put(concepts, Concept(pid, "part", part, [part], [cid], file))
            for part, names in entry.get("part_forms", {}).items():
                # a part's other names (its adjective, its Latin plural: "labral", "menisci") are the
                # part itself, not parts of their own, so "labral tear" and "labrum repair" meet.
                pid = part_ids[tuple(t.norm for t in tokenize(part))]
                _put(concepts, Concept(pid, "part", part, list(names), [cid], file))


def made_forms(concepts: dict[str, Concept]) -> None:
    """Add the names a concept makes from another's (`made = {of, before, after}`): each listed name of
    `of` with each word of `before` in front of it and each of `after` behind it ("short-acting" +
    "narcotics"; "pre-surgical" + "testing"). The other's query-only names make query-only names."""
    for concept in concepts.values():
        spec = concept.made
        if not spec:
            continue
        base = concepts[spec["of"]]

        def joined(names: list[str]) -> list[str]:
            return [*(f"{b} {n}" for b in spec.get("before", []) for n in names),
                    *(f"{n} {a}" for n in names for a in spec.get("after", []))]

        concept.add_forms(joined(base.forms))
        concept.query_forms.extend(f for f in joined(base.query_forms) if f not in concept.query_forms)


# The lay word for an injection (MedlinePlus: "epidural steroid shots", "cortisone shots"; the Consumer
# Health Vocabulary's "shot" = Injection), said of the injection family's procedures in a query only ("shot"
# in a letter is also a photograph or a try).
SHOT_WORDS = {"injection": "shot", "injections": "shots"}


def shot_forms(concepts: dict[str, Concept]) -> None:
    """Name each procedure of the injection family in queries with "shot" for "injection" too: "trigger
    point shots", "facet joint shot", "epidural steroid shot"."""
    for concept in concepts.values():
        if "family:injection" not in concept.implies:
            continue
        known = {f.lower() for f in [*concept.forms, *concept.query_forms]}
        for form in concept.forms:
            words = form.split()
            if not any(w.lower() in SHOT_WORDS for w in words) or form.isupper():
                continue
            lay = " ".join(SHOT_WORDS.get(w.lower(), w) for w in words)
            if lay.lower() not in known:
                concept.query_forms.append(lay)
                known.add(lay.lower())


def load_concepts(folder: Path | None = None) -> tuple[dict[str, Concept], dict]:
    """Every concept of the data files, and the dosage-form table of drugs.toml."""
    folder = folder or data_dir()
    concepts: dict[str, Concept] = {}
    made = _drugs(folder, concepts)
    _brands(folder, concepts)
    _products(folder, concepts)
    for file in ("procedures.toml", "regions.toml", "labs.toml", "decisions.toml"):
        _tables(folder, file, concepts)
    made_forms(concepts)
    shot_forms(concepts)
    _drop_taken(concepts, made)
    return concepts, _toml(folder, "drugs.toml").get("dosage", {})


def load_abbreviations(folder: Path | None = None) -> dict:
    """abbreviations.toml: one-word shorthand ([words]) and the words that attach to a drug's or a
    region's name in a query ([drug_suffixes], [region_words])."""
    return _toml(folder or data_dir(), "abbreviations.toml")


def load_common_words(folder: Path | None = None) -> tuple[set[str], set[str]]:
    """The common English words, and those of them deliberately allowed as aliases (qualified.toml)."""
    folder = folder or data_dir()
    lines = (folder / "common_words.txt").read_text().splitlines()
    common = {w.strip() for w in lines if w.strip() and not w.startswith("#")}
    allowed = {w for words in _toml(folder, "qualified.toml")["allowed"].values() for w in words}
    return common, allowed
