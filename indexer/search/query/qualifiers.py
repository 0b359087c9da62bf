"""What kind of visit a treatment is asked at, read as a qualifier that ranks (indexer.search.query.reading).

CPT codes a treatment's first evaluation apart from its re-evaluation (physical therapy 97161-97163 and
97164, occupational therapy 97165-97167 and 97168, chiropractic and E/M new-patient 99202-99205 against
established-patient 99212-99215 visits), and letters write the request that way (*Re-exam with
chiropractor*, *... followed by re-examination*, *Follow up office visit*, *Initial acupuncture*):

- a follow-up (`re-eval`, `re-exam`, `f/u`, `follow-up`, `recheck`: the vocabulary's follow-up visit) or
  an evaluation (`eval`, `evaluation`, `consult` alone) beside a treatment of another kind qualifies it:
  the treatment is asked, the items saying the follow-up or the evaluation rank first (`re-eval chiro` =
  chiropractic, *Re-exam with chiropractor* first; `chiro eval`), not either;
- `fu`, `re eval`, `re exam` are `f/u`, `re-eval`, `re-exam` (the slash or hyphen left out);
- `initial` (`new`, `first`, `baseline`) beside an evaluation ranks the requests saying an evaluation
  or a consultation (CPT's words for a first visit) above the follow-ups (`initial eval`).
"""
from __future__ import annotations

import re

from indexer.search.query import concepts
from indexer.vocabulary import Vocabulary

FOLLOW_UP = "procedure:follow-up-visit"
EVALUATION = "procedure:consultation"      # the word `eval`, `evaluation`, `consult` alone
EVALUATION_FAMILY = "family:consultation"
INITIAL = frozenset({"initial", "new", "first", "baseline"})
TREATMENT_KINDS = frozenset({"procedure", "family"})
# What a first evaluation's request says (CPT's descriptors: "evaluation", "consultation"); a follow-up's
# says "re-examination", "re-evaluation", "follow up", whose parts are no whole word of these.
FIRST_VISIT = ("initial", "evaluation", "eval", "consultation", "consult")
BOOST = 20          # a qualifier's items over the treatment's words' BM25


# A follow-up typed without its slash or hyphen (`fu` for F/U, `re eval`, `re exam`): as the vocabulary
# names it (`f/u`, `re-eval`, `re-exam`).
_UNJOINED = re.compile(r"(?<![\w/-])(?:(fu)|re\s+(eval|evaluation|exam|examination|check|assessment))(?![\w/-])",
                       re.IGNORECASE)


def spelled(text: str) -> tuple[str, list[str]]:
    """`fu` -> `f/u`, `re eval` -> `re-eval`; the messages saying so."""
    said: list[str] = []

    def join(m: re.Match) -> str:
        words = "f/u" if m[1] else f"re-{m[2].lower()}"
        said.append(f"'{m[0]}' read as '{words}'")
        return words
    return (_UNJOINED.sub(join, text), said) if re.search(r"\b(?:fu|re)\b", text, re.IGNORECASE) else (text, said)


def _is(unit, concept: str, vocab: Vocabulary) -> bool:
    return bool(unit.concepts) and all(c == concept or concept in vocab.implied(c) for c in unit.concepts)


def mark(units: list, vocab: Vocabulary) -> None:
    """A follow-up beside a treatment of another kind made a qualifier (role `qualifier`: it ranks)."""
    if len(units) < 2 or not any("procedure" in u.kinds for u in units):
        return
    visits = [u for u in units if u.role == "required" and (_is(u, FOLLOW_UP, vocab) or u.concepts == (EVALUATION,))]
    if visits and any(u.role == "required" and u.kinds & TREATMENT_KINDS and not _is(u, EVALUATION_FAMILY, vocab)
                      for u in units):
        for u in visits:
            u.role = "qualifier"


def ranking(units: list, vocab: Vocabulary) -> list[str]:
    """What the qualifiers rank by: a follow-up's or an evaluation's items (its words and its concept),
    boosted, an evaluation's also by CPT's words for it; after `initial`, the requests saying an
    evaluation, not a follow-up."""
    out = [f"({concepts.expand(u.text, vocab)[0]})^{BOOST}" for u in units if u.role == "qualifier"]
    first = [u for u in units if u.role in ("required", "qualifier") and _is(u, EVALUATION_FAMILY, vocab)
             and not _is(u, FOLLOW_UP, vocab)]
    if first and (any(u.role == "qualifier" for u in first) or any(u.low in INITIAL and u.role == "generic"
                                                                  for u in units)):
        out.append("(" + " OR ".join(f"item:{w}" for w in FIRST_VISIT) + f")^{BOOST}")
    return out
