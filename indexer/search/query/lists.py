"""A list of requests: `X or Y`, `X and Y`, `X, Y` whose sides each name a treatment (or a form of one).

A list of whole requests asks for any of them, each side read as a query of its own, not for the items
naming every word (`cervical pillow or wedge pillow` = the cervical pillows or the wedge pillows;
`cervical ct and thoracic ct scans`; `knee arthroscopy and assistant`; `NSAIDs oral or topical` = oral
NSAIDs or topical ones). A side that is only a form (`topical`) or only a plain word's qualifier is read
with what the other side names; a side naming a treatment without a place takes the other side's place
unless it is a kind of the same thing (`wedge pillow` beside `cervical pillow`: the place contrasts).
Lists the joined-treatments rule already reads (two concepts of one kind: `Norco or tramadol`, `MRI
cervical and thoracic`) are left to it, and so are places alone (`cervical and thoracic`: items covering
both rank first), and `X with Y`, which is no list. Two plain words joined beside a treatment (`assistant
at surgery PA or MD`) qualify it: they rank, they are not required. The joiners are the `[joiners]` of
query_words.toml; English coordination of noun phrases (a request per conjunct, as a UR form lists its
requested treatments one per line). A side that leaves the place open (`acupuncture for neck pain or other
areas`, `PT for the knee or elsewhere`: query_words.toml `[unrestricted] open_places`) is the other side's
treatment anywhere: the place named ranks first, it is not required. Two dosage forms side by side beside a
drug (`lidocaine patch cream`) are either: one item is one form; a strength on one side and a form on
another (`flexeril 5mg or cyclobenzaprine cream`) are two items, the form the last side's own.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Callable, Mapping, Protocol

from indexer.results import Expansion
from indexer.search.query.places import PLACE_KINDS
from indexer.search.query.units import Unit
from indexer.search.query.wordlists import QueryWords
from indexer.vocabulary import Vocabulary
from indexer.vocabulary.concepts import data_dir

TREATMENT_KINDS = frozenset({"drug", "product", "class", "procedure", "family", "panel"})
PLACES = PLACE_KINDS | {"side"}
CONTENT = ("required",)


def _kind(u: Unit, forms: frozenset[str]) -> str:
    """What a content unit names: a treatment, a form, a place, a plain word, or something else."""
    if not u.concepts:
        return "plain"
    if u.low in forms or u.kinds <= {"form"}:
        return "form"
    if u.kinds & TREATMENT_KINDS:
        return "treatment"
    return "place" if u.kinds <= PLACES else "other"


def _split(units: list[Unit]) -> list[list[Unit]]:
    out: list[list[Unit]] = [[]]
    for u in units:
        if u.role == "joiner":
            out.append([])
        else:
            out[-1].append(u)
    return out


def qualifiers(units: list[Unit], forms: frozenset[str]) -> list[Unit]:
    """Plain words joined to each other beside a treatment (`PA or MD` of `assistant at surgery PA or
    MD`): they qualify it, so they rank (their role becomes generic); the units so marked."""
    if not any(u.role in CONTENT and _kind(u, forms) == "treatment" for u in units):
        return []
    marked: list[Unit] = []
    for i, u in enumerate(units):
        if u.role != "joiner" or not 0 < i < len(units) - 1:
            continue
        pair = [units[i - 1], units[i + 1]]
        if all(p.role in CONTENT and not p.concepts and p.text.isalpha() for p in pair):
            marked += [p for p in pair if p not in marked]
    for u in marked:
        u.role = "generic"
    return marked


def _same_thing(a: list[Unit], b: list[Unit], vocab: Vocabulary) -> bool:
    """Whether two sides' treatments are one thing or a kind of it (`cervical pillow`, `wedge pillow`),
    each side by its most specific treatments (`imaging CT` is the CT: the family word beside it says
    what the CT is, not another thing the other side could be a kind of)."""
    def specific(side: list[Unit]) -> list[str]:
        named = [c for u in side for c in u.concepts if vocab.concept(c).kind in TREATMENT_KINDS]
        return [c for c in named if not any(c != d and c in vocab.implied(d) for d in named)]
    xs, ys = specific(a), specific(b)
    return any(x == y or y in vocab.implied(x) or x in vocab.implied(y) for x in xs for y in ys)


@lru_cache(maxsize=1)
def _open() -> tuple[frozenset[str], frozenset[str]]:
    """The words of a place left open and the place nouns (`[unrestricted]`): a pure memo of constant data."""
    data = tomllib.loads((data_dir() / "query_words.toml").read_text(encoding="utf-8"))["unrestricted"]
    return frozenset(data["open_places"]), frozenset(data["nouns"])


def _left_open(side: list[Unit]) -> bool:
    """Whether a side says only that the place is left open (`other areas`, `elsewhere`, `any other area`)."""
    said = " ".join(u.low for u in side if u.role != "stop")
    opened, nouns = _open()
    return any(said == w or any(said == f"{w} {n}" for n in nouns) for w in opened)


def _anywhere(split: list[list[Unit]], forms: frozenset[str]) -> list[str] | None:
    """A list whose last side leaves the place open: the sides before it, and their treatments alone."""
    if len(split) < 2 or not _left_open(split[-1]):
        return None
    named = [s for s in split[:-1] if any(u.role in CONTENT and _kind(u, forms) == "treatment" for u in s)]
    if not named:
        return None
    anywhere = [u for s in named for u in s if u.role in CONTENT and _kind(u, forms) == "treatment"]
    return [" ".join(u.text for u in s) for s in split[:-1]] + [" ".join(u.text for u in anywhere)]


def _families(side: list[Unit], vocab: Vocabulary) -> set[str]:
    """The procedure families a side's treatments are of (`family:imaging` of an x-ray and of an MRI)."""
    return {f for u in side for c in u.concepts for f in (c, *vocab.implied(c)) if f.startswith("family:")}


def _forms_side_by_side(units: list[Unit], vocab: Vocabulary, forms: frozenset[str]) -> list[str] | None:
    """Two dosage forms typed side by side beside a drug (`lidocaine patch cream`): one item is one form
    (a patch is no cream: the FDA's dosage forms are exclusive), so either is asked, each with the rest;
    None unless two forms, neither a kind of the other, stand together and nothing is joined."""
    if any(u.role == "joiner" for u in units):
        return None
    for i in range(len(units) - 1):
        a, b = units[i], units[i + 1]
        if a.role in CONTENT and b.role in CONTENT and a.concepts and b.concepts \
                and a.kinds <= {"form"} and b.kinds <= {"form"} \
                and not any(x == y or y in vocab.implied(x) or x in vocab.implied(y)
                            for x in a.concepts for y in b.concepts) \
                and any(_kind(u, forms) == "treatment" for u in units):
            return [" ".join(u.text for u in units if u is not drop) for drop in (b, a)]
    return None


def sides(units: list[Unit], vocab: Vocabulary, words: QueryWords, joined: Mapping[str, str]) -> list[str] | None:
    """The texts of a list's sides, each to be read as a query of its own (module docstring), or None
    when the query is no list of requests (or one the joined-treatments rule reads: `joined`, a kind ->
    the kind it is joined as); plain words joined beside a treatment are marked as qualifiers. After
    `including` (`[joiners] including`) each side is asked as it is said."""
    forms = words.dosage_forms
    if (alternatives := _forms_side_by_side(units, vocab, forms)) is not None:
        return alternatives     # `lidocaine patch cream`: a patch or a cream
    if not any(u.role == "joiner" for u in units) or any(u.role == "timing" for u in units):
        return None
    if qualifiers(units, forms):
        return None         # `PA or MD` beside `assistant at surgery`: they rank
    split = _split(units)
    if (anywhere := _anywhere(split, forms)) is not None:
        return anywhere         # `... for neck pain or other areas`: the treatment anywhere, the place first
    content = [[u for u in s if u.role in CONTENT] for s in split]
    if len(split) < 2 or not all(content):
        return None
    kinds = [{_kind(u, forms) for u in c} for c in content]
    what = []
    for k in kinds:
        if "treatment" in k and k <= {"treatment", "form", "place", "plain"}:
            what.append("T")
        elif k == {"form"}:
            what.append("F")
        elif k == {"plain"}:
            what.append("W")
        else:
            return None         # places alone, or words of another kind: the groups read them
    if "T" not in what:
        return None
    if "W" in what and any(len(c) > 1 or len(c[0].text) < 3 for c, w in zip(content, what) if w == "W"):
        return None
    treatments = [[u for u in c if _kind(u, forms) == "treatment"] for c in content]
    # the places a side names (a body region, part or level; a side, `right`, qualifies the whole list)
    placed = [[u for u in c if u.kinds and u.kinds <= PLACE_KINDS] for c in content]
    t_sides = [i for i, w in enumerate(what) if w == "T"]
    contrast = any(placed[i] and not placed[j] and _same_thing(treatments[i], treatments[j], vocab)
                   for i in t_sides for j in t_sides if i != j)
    own_places = sum(bool(placed[i]) for i in t_sides) > 1
    # a side naming another treatment without a place beside one with it (`pelvis imaging or evaluation`):
    # the list of both at that place
    # (of another family: two of one family, `knee xray and mri`, are the joined-treatments rule's)
    borrowing = any(not placed[i] and placed[j] and not _same_thing(treatments[i], treatments[j], vocab)
                    and not _families(treatments[i], vocab) & _families(treatments[j], vocab)
                    for i in t_sides for j in t_sides if i != j)

    def kind_of(u: Unit) -> frozenset:
        return frozenset(joined.get(k) for k in u.kinds) - {None} if _kind(u, forms) == "treatment" else frozenset()

    # two treatments of different kinds side by side across a joiner (`norco and PT`): the groups would
    # require both
    unlike = any(kind_of(a[-1]) and kind_of(b[0]) and kind_of(a[-1]) != kind_of(b[0])
                 for a, b in zip(content, content[1:]))
    including = any(u.role == "joiner" and u.low in words.including for u in units)
    if including:
        return [" ".join(u.text for u in s) for s in split]
    # a strength on one side and a form on another (`flexeril 5mg or cyclobenzaprine cream`): two items,
    # each a drug at one strength in one form (a prescription line, NCPDP SCRIPT), not a form for both
    own_forms = any(any(_kind(u, forms) == "form" for u in content[i])
                    and any(any(ch.isdigit() for ch in u.text) or getattr(u, "dosed", False)
                            for j in t_sides if j != i for u in content[j])
                    for i in t_sides)
    if not ("W" in what or "F" in what or contrast or own_places or unlike or borrowing or own_forms):
        return None
    texts = []
    for i, s in enumerate(split):
        borrowed: list[Unit] = []
        donors = sorted(t_sides, key=lambda j: (abs(j - i), j > i))
        if what[i] == "F":
            borrowed = [u for u in content[donors[0]] if _kind(u, forms) in ("treatment", "place")]
        elif what[i] == "T" and not placed[i]:
            donor = next((j for j in donors if j != i and placed[j]), None)
            if donor is not None and not _same_thing(treatments[donor], treatments[i], vocab):
                borrowed = placed[donor]
        texts.append(" ".join(u.text for u in borrowed + s))
    return texts


class Read(Protocol):       # reading.Reading
    text: str
    expansions: list[Expansion]
    messages: list[str]


def either(sides: list[str], read: Callable[[str], Read], said: list[str]) -> tuple[str, list[Expansion], list[str]]:
    """A list of requests asked: each side read as a query of its own (`read`), any of them; the query
    syntax, what was added, what the page says."""
    parts, expansions, messages = [], [], ["Any of the requests " + ", ".join(sides)] + said
    for side in sides:
        inner = read(side)
        parts.append(f"({inner.text})")
        expansions += [e for e in inner.expansions if all(e.word.lower() != x.word.lower() for x in expansions)]
        messages += [m for m in inner.messages if m not in messages]
    return "(" + " OR ".join(parts) + ")", expansions, messages
