"""What kind of visit a treatment is asked at, read as a qualifier that ranks (indexer.search.query.reading).

CPT codes a treatment's first evaluation apart from its re-evaluation (physical therapy 97161-97163 and
97164, occupational therapy 97165-97167 and 97168, chiropractic and E/M new-patient 99202-99205 against
established-patient 99212-99215 visits), and letters write the request that way (*Re-exam with
chiropractor*, *... followed by re-examination*, *Follow up office visit*, *Initial acupuncture*):

- a follow-up (`re-eval`, `re-exam`, `f/u`, `follow-up`, `recheck`: the vocabulary's follow-up visit)
  beside a treatment of another kind qualifies it: the treatment is asked, the items saying the
  follow-up rank first (`re-eval chiro` = chiropractic, *Re-exam with chiropractor* first), not either;
- `initial` (`new`, `first`, `baseline`) beside an evaluation ranks the requests saying an evaluation
  or a consultation (CPT's words for a first visit) above the follow-ups (`initial eval`).
"""
from __future__ import annotations

from indexer.search.query import concepts
from indexer.vocabulary import Vocabulary

FOLLOW_UP = "procedure:follow-up-visit"
EVALUATION_FAMILY = "family:consultation"
INITIAL = frozenset({"initial", "new", "first", "baseline"})
TREATMENT_KINDS = frozenset({"procedure", "family"})
# What a first evaluation's request says (CPT's descriptors: "evaluation", "consultation"); a follow-up's
# says "re-examination", "re-evaluation", "follow up", whose parts are no whole word of these.
FIRST_VISIT = ("initial", "evaluation", "eval", "consultation", "consult")
BOOST = 20          # a qualifier's items over the treatment's words' BM25


def _is(unit, concept: str, vocab: Vocabulary) -> bool:
    return bool(unit.concepts) and all(c == concept or concept in vocab.implied(c) for c in unit.concepts)


def mark(units: list, vocab: Vocabulary) -> None:
    """A follow-up beside a treatment of another kind made a qualifier (role `qualifier`: it ranks)."""
    if len(units) < 2:
        return
    follow_ups = [u for u in units if u.role == "required" and _is(u, FOLLOW_UP, vocab)]
    if follow_ups and any(u.role == "required" and u.kinds & TREATMENT_KINDS and not _is(u, FOLLOW_UP, vocab)
                          and not _is(u, EVALUATION_FAMILY, vocab) for u in units):
        for u in follow_ups:
            u.role = "qualifier"


def ranking(units: list, vocab: Vocabulary) -> list[str]:
    """What the qualifiers rank by: a follow-up's items (its words and its concept), boosted; after
    `initial`, the evaluations asked that are no follow-up."""
    out = [f"({concepts.expand(u.text, vocab)[0]})^{BOOST}" for u in units if u.role == "qualifier"]
    if any(u.low in INITIAL and u.role == "generic" for u in units) and \
            any(u.role == "required" and _is(u, EVALUATION_FAMILY, vocab) and not _is(u, FOLLOW_UP, vocab)
                for u in units):
        out.append("(" + " OR ".join(f"item:{w}" for w in FIRST_VISIT) + f")^{BOOST}")
    return out
