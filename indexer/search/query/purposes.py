"""What a request is for, as a plain query says it (indexer.search.query.reading).

- beside a drug head (`medication`, `meds`), a condition is what the drug is against: the class
  named `anti-<condition>` (`medication for anxiety` = anti-anxiety, the anxiolytics);
- the words after a purpose word (`for`, `due to`, `to treat`: query_words.toml [purpose]) that name
  no concept are an indication, a diagnosis or a symptom: requests seldom state it (*Pantoprazole
  20mg #30* for GI upset), so they rank the answers and are not required (`protonix for gi upset`,
  `valium for anxiety`); a region or another concept named there stays required (`MRI for low back
  pain` = MRI AND the lumbar region, *pain* ranks; `PT for the c-spine`). Only when something before
  the purpose word names a concept: `for <words>` alone is what is asked;
- a family noun asked alone, among request words, quantifiers and question words (`all medications
  requested`, `surgeries requested`, `DME requests`), is the whole family: its items (the concept tag
  the procedure-family facet counts), those saying the word first, not every item using the word
  (*Spine surgery evaluation* is a consultation; *Medical clearance* says *medic-*).
"""
from __future__ import annotations

from indexer.search.query.units import TypedUnit as Unit
from indexer.vocabulary import Vocabulary

PLACES = frozenset({"region", "part", "level", "side"})


def against(units: list, vocab: Vocabulary, drug_heads: frozenset[str], prefixes: tuple[str, ...],
            make) -> list[str]:
    """Beside a drug head, a condition read as the class against it (`medication for anxiety` ->
    anti-anxiety, the anxiolytics; `make(name, concepts, typed)` makes the unit); the messages."""
    if not any(u.low in drug_heads for u in units):
        return []
    said = []
    for i, u in enumerate(units):
        if u.role != "required" or u.concepts or not u.low.isalpha():
            continue
        for prefix in prefixes:
            name = prefix + u.low
            spans = vocab.parse_query(name).spans
            if len(spans) == 1 and spans[0].surface == name and \
                    all(vocab.concept(c).kind == "class" for c in spans[0].concepts):
                units[i] = make(name, spans[0].concepts, u.text)
                said.append(f"'{u.text}' beside a medication read as '{name}'")
                break
    return said


TREATMENT_KINDS = frozenset({"drug", "product", "class", "procedure", "family", "panel"})


def mark_purpose(units: list[Unit], purpose: tuple[str, ...], context: frozenset[str] = frozenset(),
                 notes: list[str] | None = None, places_rank: bool = False) -> list[str]:
    """The plain words after a purpose word made ranking ('generic') where a concept comes before it,
    and, where that concept is a treatment, the condition named after it (a symptom, a diagnosis, a
    region's pain: 'placing', it ranks); after a context word (`on`, `from`: a population, a cause)
    every concept ranks. A place after a procedure stays required (`PT for the lumbar spine`: items
    state their region) unless `places_rank` (measured on the fourteen judged sets: R-precision fell on
    seven); after a drug it ranks (`naprosyn for knee and back pain`). The words so read; a note for
    the concepts so read appended to `notes`."""
    ranked: list[str] = []
    context_ranked: list[str] = []
    firsts = {t.split()[0] for t in purpose} | context
    for i in range(1, len(units)):
        if units[i].low not in firsts:
            continue
        for trigger in (*purpose, *context):
            n = len(trigger.split())
            if " ".join(u.low for u in units[i:i + n]) != trigger or units[i].concepts:
                continue
            before = [u for u in units[:i] if u.concepts and u.role in ("required", "generic", "strength")]
            # a treatment the vocabulary does not name ('gym membership') is one too: no place, some words
            plain = [u for u in units[:i] if u.role == "required" and not u.concepts and u.low.isalpha()]
            if not before and not plain:
                continue
            treated = any(u.kinds & TREATMENT_KINDS for u in before) or (
                bool(plain) and not any(u.kinds & PLACES for u in before))
            for u in units[i:i + n]:    # the purpose's own words (`rule out`, `due to`): the question's
                if u.role == "required" and not u.concepts:
                    u.role = "stop"
            for u in units[i + n:]:
                if u.role != "required":
                    continue
                if not u.concepts and not u.typed:
                    u.role = "generic"
                elif treated and (trigger in context or not u.kinds & TREATMENT_KINDS) and (
                        places_rank or not u.kinds & PLACES or not any(
                            b.kinds & {"procedure", "family"} for b in before)):
                    u.role = "placing"
                    context_ranked.append(u.text)
                else:
                    continue
                ranked.append(u.text)
    if context_ranked and notes is not None:
        notes.append("Ranked by (what or whom the treatment is for), not required: " + ", ".join(context_ranked))
    return ranked


def ask_heads(units: list[Unit]) -> None:
    """A query of generic, question and stop words only: a family noun among them is the whole family
    asked ('all medications requested': every drug item, the request words rank), else the generic
    words are what is asked ('IMR outcomes for services'), else every word as typed."""
    families = [u for u in units if u.role == "generic" and u.kinds == {"family"}]
    heads = any(u.role == "generic" for u in units)
    for u in families or units:
        if u.role == "generic" or not heads:
            u.role, u.family = "required", bool(families)


def mark_family(units: list[Unit]) -> None:
    """A family noun that is all a query of several words asks (`surgeries requested`) read as the
    whole family."""
    asked = [u for u in units if u.role not in ("generic", "wrapper", "stop")]
    if len(units) > 1 and len(asked) == 1 and asked[0].kinds == {"family"} and asked[0].role == "required":
        asked[0].family = True
