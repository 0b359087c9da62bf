"""A service timed by a surgery, as a plain query says it (indexer.search.query.reading).

`after` / `following` / `post` (`before` / `prior to` / `pre`) a surgery asks for the post- (pre-)
operative services of that surgery: `physical therapy after shoulder arthroscopy` = physical therapy
AND post-operative, those of the shoulder first (an associated surgical service is tagged with its
surgery's region; a `Post-op physical therapy` item is not). The surgery itself is not asked for;
`before` / `after` not before a surgery is a preposition introducing the request's context, which ranks
(`valium before MRI` = valium, the items naming an MRI first).
"""
from __future__ import annotations

from indexer.vocabulary import Vocabulary


def surgical(unit, vocab: Vocabulary) -> bool:
    """Whether a unit names a surgery (the family or a procedure of it)."""
    return any(c == "family:surgery" or "family:surgery" in vocab.implied(c) for c in unit.concepts)


def context(units: list, i: int) -> None:
    """`before` / `after` no surgery (`valium before MRI`, `rehab stay after injury`): a preposition, not
    searched; where something before it names a concept, that is the request, and the word and what
    follows (to a joiner) are its context, which ranks and is not required (role `placing`)."""
    if units[i].low in ("before", "after", "following", "since"):
        units[i].role = "dropped"
    if units[i].role != "dropped" or not any(u.concepts and u.role == "required" for u in units[:i]):
        return
    units[i].role = "placing"       # an item saying it ranks too (`1 hour before exam`)
    for u in units[i + 1:]:
        if u.role == "joiner":
            break
        if u.role == "required":
            u.role = "placing"


def mark_timing(units: list, vocab: Vocabulary, after: tuple[str, ...],
                before: tuple[str, ...]) -> list[tuple[int, str]]:
    """Each `after <surgery>` / `before <surgery>`: its trigger's index and the term it asks for."""
    found = []
    firsts = {t.split()[0] for t in after + before}
    for i in range(len(units)):
        if units[i].low not in firsts:
            continue
        for term, triggers in (("term:postoperative", after), ("term:preoperative", before)):
            for trigger in triggers:
                n = len(trigger.split())
                if " ".join(u.low for u in units[i:i + n]) != trigger or units[i].role != "required":
                    continue
                j = i + n
                while j < len(units) and (units[j].locating or surgical(units[j], vocab)):
                    j += 1
                if not any(surgical(u, vocab) for u in units[i + n:j]):
                    if n == 1 and trigger != "pre" and trigger != "post" and len(units) > 2:
                        context(units, i)      # 'valium before MRI': a plain preposition
                    continue
                for u in units[i:i + n]:
                    u.role = "timing"
                for u in units[i + n:j]:
                    # the surgery's region ranks: only an associated surgical service carries it
                    u.role = "placing" if u.locating else "dropped"
                found.append((i, term))
    return found
