"""Shorthand a plain query is typed in, read before its words are (indexer.search.query.reading).

- a region letter joined to `spine`, or a space before it (`tspine`, `c spine`) is that letter's spine
  (`T-spine`: the vocabulary reads it as the thoracic spine);
- a side abbreviation (`R`, `lt`, `bilat`, `both`: query_words.toml [sides]) beside a body region,
  a part or a procedure is that side (`R knee` = right knee, `MRI knee lt`); elsewhere it is
  itself (`L` alone may be a spinal level);
- bare numbers after a drug or a product are its strength: two are a combination (`Norco 5 325` =
  `Norco 5/325`); one the index holds no word for (`cyclobenzaprine 5`, `7.5`) ranks the items
  with that strength (5 mg or 5 %), a longer one is required as it was (`baclofen 10`);
- dosing schedules and quantities (`tid`, `qhs`, `prn`, `#60`, `x6`, `2x3`, `q6h`: [dosing]) rank,
  they are never required;
- a plain word that is no English word, no word of the letters' concepts, and begins words of the
  vocabulary's names (`cryo`, `lido`) is those names or the word typed;
- two neighbouring concepts of one kind with no joiner are either (`EMG NCS`: reading's groups);
- a word after `with` is not that word negated (`MRI with contrast`: not *without contrast*).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem

from indexer.index.analysis import UNITS
from indexer.search.query import doses, schedules
from indexer.search.query.units import Unit
from indexer.vocabulary import Vocabulary

if TYPE_CHECKING:
    from indexer.search.query.wordlists import QueryWords

SPINE = re.compile(r"(?<![\w/.-])([ctl]) ?spine(?![\w/-])", re.IGNORECASE)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
UNIT = re.compile(rf"(?:{UNITS}|percent|pct|milligrams?)", re.IGNORECASE)     # a number before one is no bare one
# Counts and schedules: #60, x6, x 6 (one word here), 2x3, 3x, q6h, q4-6h, q8hrs.
DOSING = re.compile(r"#\d+|x\d+|\d+x\d*|q\d+(?:-\d+)?(?:h|hr|hrs|hours?)?"
                    r"|\d+x?/(?:wk|wks|week|weeks|d|day|days|mo|month|months)", re.IGNORECASE)    # 3x/wk, 2/week
CARDINALS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "eleven", "twelve")
WORD = re.compile(r"(?<![\w/.-])[A-Za-z]+(?![\w/.-])")
SIDED_KINDS = frozenset({"region", "part", "procedure", "family"})
PLACES = frozenset({"region", "part"})
JOINERS = frozenset({"and", "or", "&", "+", "/"})
DOSED_KINDS = frozenset({"drug", "product"})
# Kinds two neighbouring concepts of which, with no joiner, are either one (`EMG NCS`).
ADJACENT_KINDS = frozenset({"drug", "procedure", "panel", "region", "part", "level"})
NAMED_KINDS = frozenset({"drug", "product", "procedure"})     # one concept a prefix's names may share
MIN_NAME_PREFIX = 4      # letters of the shortest word read as the start of the vocabulary's names
MAX_NAME_PREFIX = 3      # names a prefix may stand for (more: it names nothing in particular) ...
MIN_CUT = 3              # letters a truncation leaves off every name it begins
MAX_SHARED_PREFIX = 8    # ... unless every one of them is a form of one concept (`lido`: lidocaine's)


def joined_spine(text: str) -> tuple[str, list[str]]:
    """`tspine` -> `T-spine` (as the vocabulary names the region); the messages saying so."""
    said: list[str] = []

    def split(m: re.Match) -> str:
        said.append(f"'{m[0]}' read as '{m[1].upper()}-spine'")
        return f"{m[1].upper()}-spine"
    return SPINE.sub(split, text), said


def unclipped(text: str, table: dict[str, str], vocab: Vocabulary) -> tuple[str, list[str]]:
    """Clipped words read as their words (`tx` -> `treatment`: query_words.toml [abbreviations]) where
    the vocabulary does not name the clipped word itself; the messages saying so."""
    said: list[str] = []
    if table.keys().isdisjoint(text.lower().split()):
        return text, said

    def read(m: re.Match) -> str:
        word = m[0]
        if word.lower() not in table or any(s.surface.lower() == word.lower() for s in vocab.parse_query(word).spans):
            return word
        said.append(f"'{word}' read as '{table[word.lower()]}'")
        return table[word.lower()]
    return WORD.sub(read, text), said


def sides(units: list[Unit], table: dict[str, str]) -> dict[int, str]:
    """Unit index -> the side its abbreviation names, where it stands beside a region, part or
    procedure (`both` only right before a region or a part)."""
    out = {}
    for i, u in enumerate(units):
        if u.concepts or u.low not in table:
            continue
        before = units[i - 1].kinds if i else frozenset()
        after = units[i + 1].kinds if i + 1 < len(units) else frozenset()
        if u.low == "both":
            if after & PLACES:
                out[i] = table[u.low]
        elif (before | after) & SIDED_KINDS:
            out[i] = table[u.low]
    for i in reversed(range(len(units) - 2)):      # 'R and L knee': a side joined to a side read
        if i not in out and not units[i].concepts and units[i].low in table and units[i].low != "both" \
                and units[i + 1].low in JOINERS and i + 2 in out:
            out[i] = table[units[i].low]
    return out


def strengths(units: list[Unit]) -> tuple[dict[int, str], set[int]]:
    """Bare numbers after a drug or product: (unit index -> a combination's strength `5/325` that
    replaces it, the indexes of numbers that rank as a single strength). A number with its unit after
    it (`Valium 5 mg`) is a dose already (indexer.search.query.doses)."""
    joined: dict[int, str] = {}
    single: set[int] = set()
    if any(UNIT.fullmatch(u.text) for u in units):
        return joined, single
    i = 1
    while i < len(units):
        u, prev = units[i], units[i - 1]
        if not u.concepts and NUMBER.fullmatch(u.text) and prev.kinds & DOSED_KINDS:
            run = [i]
            while run[-1] + 1 < len(units) and NUMBER.fullmatch(units[run[-1] + 1].text) and len(run) < 3:
                run.append(run[-1] + 1)
            if len(run) > 1:
                joined[i] = "/".join(units[j].text for j in run)
                joined.update({j: "" for j in run[1:]})
            elif len(u.text) < 2 or "." in u.text:
                single.add(i)       # no word of the index alone (`5`, `7.5`): it ranks

            i = run[-1] + 1
        else:
            i += 1
    return joined, single


def schedule_ranking(word: str) -> str:
    """How a dosing word ranks: a schedule by the marks the index keeps of the requests stating it
    (`2x3` -> 2 a week for 3 weeks, 6 visits ...: schedules.py; a one-digit number is no word of the
    index), a weight in every spelling, boosted as a strength is (a stated weight is the request's own:
    `120 grams cream` ranks the 120-gram creams above every cream), any other word as itself."""
    weight = doses.weight_ranking(word)
    return schedules.ranking(word) or (f"({weight})^{doses.WEIGHT_BOOST}" if weight else word)


def is_dosing(word: str, listed: frozenset[str]) -> bool:
    """Whether a word is a dosing schedule or quantity (it ranks, it is not required)."""
    return word.lower() in listed or bool(DOSING.fullmatch(word)) or schedules.is_schedule(word) \
        or bool(doses.WEIGHT.fullmatch(word))


def counts_dosing(units: list[Unit], i: int, listed: frozenset[str], after_number: frozenset[str]) -> bool:
    """Whether unit i is part of a schedule: a bare number (or one spelt out) beside a dosing word
    (`2 times a week`, `three times a day`) or before a word of `after_number` (`every 8 hours`), or
    such a word after a number; it ranks."""
    def number(j: int) -> bool:       # a number, or one spelt out (`three times a day`)
        return 0 <= j < len(units) and (bool(NUMBER.fullmatch(units[j].text)) or units[j].low in CARDINALS)

    def plain(j: int, words: frozenset[str]) -> bool:
        return 0 <= j < len(units) and not units[j].concepts and units[j].low in words
    if units[i].low in after_number:
        return number(i - 1)
    return number(i) and (plain(i + 1, after_number) or any(
        0 <= j < len(units) and not units[j].concepts and is_dosing(units[j].text, listed) for j in (i - 1, i + 1)))


def name_prefix(u: Unit, vocab: Vocabulary) -> list[str]:
    """The vocabulary's name words a plain word begins (`cryo` -> cryotherapy, cryocuff ...), when it
    is no English word and begins at most MAX_NAME_PREFIX of them, or names that all are one concept
    (`lido`: lidocaine, Lidoderm, LidoPro ...); else []."""
    word = u.low
    if u.concepts or u.role != "required" or len(word) < MIN_NAME_PREFIX or not word.isalpha() \
            or word in vocab.common_words()[0]:
        return []
    names = vocab.completions(word, limit=MAX_SHARED_PREFIX + 1)
    if any(len(n) < len(word) + MIN_CUT for n in names):
        return []       # a name but for its last letters: the stem rule's or spelling's (`cyclobenzaprin`)
    if len(names) <= MAX_NAME_PREFIX:
        return names
    if len(names) > MAX_SHARED_PREFIX:
        return []
    shared = None
    for name in names:
        ids = vocab.parse_query(name).concept_ids()
        named = {x for c in ids for x in (c, *vocab.implied(c)) if vocab.concept(x).kind in NAMED_KINDS}
        shared = named if shared is None else shared & named
    return names if shared else []


def side_by_side(a: Unit, b: Unit, vocab: Vocabulary) -> bool:
    """Two neighbouring concepts of exactly one listed kind, neither implying the other (`EMG NCS`;
    not `Norco hydrocodone`, not a family beside its procedure)."""
    kinds = a.kinds & b.kinds
    if len(a.kinds) != 1 or a.kinds != b.kinds or not kinds & ADJACENT_KINDS:
        return False
    return not any(y == x or y in vocab.implied(x) or x in vocab.implied(y) for x in a.concepts for y in b.concepts)


NAMED_DRUG_KINDS = frozenset({"drug", "product"})    # a drug by its name, not its class
DME = "family:dme"                                    # durable medical equipment: one HCPCS line a device


def asked_with(units: list[Unit], with_words: frozenset[str], joiners: frozenset[str]) -> list[str]:
    """The words asked `with` (`MRI with contrast`): each word after a with-word, in any unit."""
    flat = [w for u in units if u.role != "joiner" for w in u.low.split()]    # (a with joining two drugs)
    return [b for a, b in zip(flat, flat[1:]) if a in with_words and b.isalpha()
            and b not in STOP_WORDS and b not in joiners]


def may_apply(text: str, vocab: Vocabulary, listed: frozenset[str], min_stem_word: int) -> bool:
    """Whether a reading rule may apply (a word of a list, two words that may be neighbouring concepts, a
    word with a name's stem or beginning names): most one-word queries have none, and skip reading the
    vocabulary's spans twice."""
    typed = text.lower().split()
    if len(typed) > 1 or any(w in listed for w in typed):
        return True
    return any(len(w) >= min_stem_word and any(n != w for n in vocab.names_by_key(w, stem)) for w in typed) or \
        any(len(w) >= MIN_NAME_PREFIX and w.isalpha() and vocab.completions(w, limit=1) for w in typed)


def co_prescribed(units: list[Unit], i: int, words: "QueryWords", vocab: Vocabulary | None = None) -> bool:
    """Whether the word at `i` (`with`: `words.with_words`) joins two drugs: drugs given together
    are requested as separate items (the letters list `Naproxen 550mg #60` and `Pantoprazole 20mg #30`
    apart; MTUS's NSAIDs section pairs an NSAID with a proton pump inhibitor for GI risk), so either is
    asked, both-in-one first. Only drugs named: a class after `with` says what the drug is given with
    (`PPI w/ NSAID`: the PPI is asked). So are two devices of durable medical equipment, neither a kind
    of the other (`DVT compression leg wraps with cold unit`): each is its own HCPCS line, requested
    apart (*Vascutherm unit, 14 days rental* and *2 leg wraps*)."""
    if units[i].low not in words.with_words:
        return False
    before = next((u for u in reversed(units[:i]) if u.role != "stop"), None)
    after = next((u for u in units[i + 1:] if u.role != "stop"), None)
    if before is None or after is None:
        return False
    if before.kinds & NAMED_DRUG_KINDS and after.kinds & NAMED_DRUG_KINDS:
        return True
    return vocab is not None and _device(before, vocab) and _device(after, vocab) and not any(
        a == b or b in vocab.implied(a) or a in vocab.implied(b) for a in before.concepts for b in after.concepts)


def _device(u: Unit, vocab: Vocabulary) -> bool:
    """Whether a unit names a device of durable medical equipment (`family:dme`)."""
    return any(DME in vocab.implied(c) for c in u.concepts)
