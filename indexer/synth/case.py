"""Build one synthetic letter's ground-truth record from a seeded random generator."""
from __future__ import annotations

import random
from datetime import date, timedelta

from indexer.record import overall_outcome
from indexer.synth import treatments as tx
from indexer.synth import vocab as v
from indexer.synth.layouts import SHOWN_FIELDS, us_date

# Range of decision dates each layout was in use (first day, last day).
DECISION_SPAN = {
    "header2016": (date(2015, 9, 1), date(2017, 6, 30)),
    "prose2014": (date(2014, 1, 1), date(2015, 6, 30)),
    "notice2013": (date(2013, 6, 1), date(2014, 3, 31)),
    "maximus_fs": (date(2014, 1, 1), date(2016, 6, 30)),
    "mpr2013": (date(2013, 3, 1), date(2014, 6, 30)),
}
# Layouts that name exactly one specialty and one state (credentials in prose).
PROSE_CREDENTIALS = {"prose2014", "notice2013", "mpr2013"}
# Layouts whose injury date may be read from the summary only (no header block).
SUMMARY_INJURY = {"prose2014", "notice2013", "mpr2013"}
RATIONALE_FILLER = (
    "The submitted medical records were reviewed in their entirety.",
    "Guidelines are intended to be applied to the individual clinical circumstances of each case.",
    "The most recent progress report was considered in making this determination.",
    "The requesting provider's rationale was taken into account.",
    "The request is evaluated against the evidence-based criteria of the guidelines cited above.",
    "The documentation does not describe any contraindication to the guideline approach.",
    "The injured worker's response to prior treatment was considered.",
    "Medical necessity is determined by the clinical findings documented at the time of the request.",
    "No additional records were received after the utilization review decision.",
    "The duration of symptoms and the results of prior diagnostic testing were reviewed.",
)


def make_case(rng: random.Random, layout: str, number: int) -> dict:
    """The ground-truth record of one synthetic letter in `layout`."""
    dates = _dates(rng, layout)
    specialties, states = _credentials(rng, layout in PROSE_CREDENTIALS)
    region = rng.choice(sorted(v.BODY_REGIONS))
    items = _items(rng, region, layout == "header2016")
    age, gender = rng.randint(22, 68), rng.choices(["male", "female", None], [48, 44, 8])[0]
    rec = {
        "case_number": f"CM99-{number:07d}", **dates,
        "priority": "Expedited" if rng.random() < v.EXPEDITED_RATE else "Standard",
        "license_states": states, "specialties": specialties,
        "patient_age": age, "patient_gender": gender,
        "summary": _summary(rng, region, age, gender, dates, items, layout),
        "items": items, "outcome": overall_outcome(items), "pages": None,
        "layout": layout, "synthetic": True,
        "_documents": _documents(rng, region, dates),
    }
    for field in ("case_number", *dates, "priority"):
        if field not in SHOWN_FIELDS[layout]:
            rec[field] = None
    return rec


def _dates(rng: random.Random, layout: str) -> dict:
    first, last = DECISION_SPAN[layout]
    decided = first + timedelta(days=rng.randint(0, (last - first).days))
    assigned = decided - timedelta(days=rng.randint(5, 40))
    received = assigned - timedelta(days=rng.randint(1, 20))
    denied = received - timedelta(days=rng.randint(1, 30))
    injured = denied - timedelta(days=rng.randint(30, 365 * 6))
    return {"date_assigned": assigned.isoformat(), "date_of_injury": injured.isoformat(),
            "decision_date": decided.isoformat(), "ur_denial_date": denied.isoformat(),
            "application_received": received.isoformat()}


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _credentials(rng: random.Random, single: bool) -> tuple[list[str], list[str]]:
    first = _weighted(rng, v.SPECIALTIES)
    specialties = [first]
    if not single and first in v.SECOND_SPECIALTY and rng.random() < 0.3:
        specialties.append(v.SECOND_SPECIALTY[first])
    other = _weighted(rng, v.STATE_WEIGHTS)
    if rng.random() >= v.CALIFORNIA_SHARE:
        states = [other]
    elif single or rng.random() < 0.6:
        states = ["California"]
    else:
        states = ["California", other]
    return specialties, states


def _items(rng: random.Random, region: str, may_modify: bool) -> list[dict]:
    count = int(_weighted(rng, v.ITEM_COUNTS))
    cats = {k: c["weight"] for k, c in tx.CATEGORIES.items()}
    items: list[dict] = []
    while len(items) < count:
        cat = _weighted(rng, cats)
        item, eligible = _item_text(rng, cat, region, may_modify)
        if any(i["item"] == item for i in items):
            continue
        decision = "Overturned" if rng.random() < v.OVERTURN_RATE else "Upheld"
        items.append(_item(rng, cat, item, eligible, decision, region))
        if cat == "surgery":
            for service in rng.sample(v.SURGICAL_SERVICES, rng.randint(1, 2)):
                if len(items) < 5:
                    items.append(_item(rng, "surgery", f"Associated surgical service: {service}",
                                       None, decision, region))
    return items


def _fill(rng: random.Random, template: str, region: str) -> str:
    drug, doses, counts, section = rng.choice(v.DRUGS)
    n = rng.choice((6, 8, 10, 12))
    text = template.format(
        drug=drug, dose=rng.choice(doses), count=rng.choice(counts), region=region,
        freq=rng.choice(v.FREQS), n=n, n_word=v.NUMBER_WORDS[n], side=rng.choice(("Left", "Right")),
        level=rng.choice(v.LEVELS), limbs=rng.choice(("upper extremities", "lower extremities")),
        limb=rng.choice(("upper extremity", "lower extremity")))
    return " ".join(text.split())


def _item_text(rng: random.Random, cat: str, region: str, may_modify: bool) -> tuple[str, str | None]:
    if may_modify and cat in ("medication", "physical therapy") and rng.random() < v.MODIFIED_RATE * 4:
        return _modified(rng, cat, region)
    return _fill(rng, rng.choice(tx.CATEGORIES[cat]["items"]), region), None


def _modified(rng: random.Random, cat: str, region: str) -> tuple[str, str]:
    """A partially certified request: the heading names the remaining eligible portion."""
    if cat == "medication":
        drug, doses, counts, _ = rng.choice(v.DRUGS[:4])
        dose, total = rng.choice(doses), rng.choice(counts)
        part = lambda k: f"{drug} {dose} #{k}"  # noqa: E731
    else:
        total = rng.choice((12, 18))
        part = lambda k: f"Physical therapy {k} sessions for the {region}"  # noqa: E731
    granted = total // 3
    remaining = part(total - granted)
    heading = (f"{part(total)} was the original request. {part(granted)} was authorized by the "
               f"Claims Administrator. The remaining IMR eligible portion of the original "
               f"request, {remaining} is")
    return heading, remaining


CHAPTERS = {"lumbar": "Low Back", "cervical": "Neck", "shoulder": "Shoulder", "knee": "Knee"}


def _guidelines(rng: random.Random, cat: str, section: str, region: str) -> tuple[str, str]:
    spec = tx.CATEGORIES[cat]
    # Cite the MTUS chapter of the injured body part when the category has one.
    chapter = next((c for k, c in CHAPTERS.items() if k in region), None)
    fitting = [m for m in spec["mtus"] if chapter and m.startswith(chapter)]
    mtus = rng.choice(fitting or spec["mtus"]).format(section=section)
    odg = rng.choice(spec["odg"])
    ca = rng.choices([tx.CA_NO_EVIDENCE, tx.MTUS, tx.MTUS_ODG, tx.CA_OUTSIDE], [30, 45, 10, 15])[0]
    mx = rng.choices([tx.MX_NO_EVIDENCE, tx.MTUS, tx.MX_OUTSIDE], [15, 60, 25])[0]
    return ca.format(mtus=mtus, odg=odg), mx.format(mtus=mtus, odg=odg)


def _item(rng: random.Random, cat: str, item: str, eligible: str | None, decision: str,
          region: str) -> dict:
    spec = tx.CATEGORIES[cat]
    # A medication's guideline section is its drug's; other templates ignore it.
    section = next((d[3] for d in v.DRUGS if d[0] in item), v.DRUGS[0][3])
    guide = rng.sample(spec["guide"], rng.randint(1, len(spec["guide"])))
    case = list(spec["against" if decision == "Upheld" else "for"])
    rng.shuffle(case)
    sentences = [s.format(section=section.lower()) for s in guide] + case
    fillers, target = rng.sample(RATIONALE_FILLER, len(RATIONALE_FILLER)), rng.randint(90, 200)
    while fillers and len(" ".join(sentences).split()) < target:
        sentences.append(fillers.pop())
    asked = eligible or item
    verdict = "not medically necessary" if decision == "Upheld" else "medically necessary"
    sentences.append(f"Therefore, the request for {asked} is {verdict}.")
    rationale = " ".join(sentences)
    ca, mx = _guidelines(rng, cat, section, region)
    return {"item": item, "decision": decision, "eligible_portion": eligible, "category": cat,
            "claims_administrator_guideline": ca, "maximus_guideline": mx,
            "rationale": rationale, "rationale_start": rationale[:80],
            "rationale_end": rationale[-80:]}


def _spoken_date(rng: random.Random, iso: str, slashes_only: bool = False) -> str:
    d = date.fromisoformat(iso)
    style = rng.randrange(2 if slashes_only else 3)
    if style == 0:
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == 1:
        return f"{v.MONTHS[d.month - 1]} {d.day}, {d.year}"
    return f"{d.month}-{d.day}-{d.year % 100:02d}"


def _summary(rng: random.Random, region: str, age: int, gender: str | None, dates: dict,
             items: list[dict], layout: str) -> str:
    worker = rng.choice(v.WORKER)
    doi = _spoken_date(rng, dates["date_of_injury"], slashes_only=layout in SUMMARY_INJURY)
    ages = f"{age} year old" if rng.random() < 0.6 else f"{age}-year-old"
    who = f"{ages} {gender}" if gender else ages
    seen = date.fromisoformat(dates["ur_denial_date"]) - timedelta(days=rng.randint(5, 40))
    fmt = {"region": region, "worker": "the injured worker", "lo": rng.randint(3, 6),
           "hi": rng.randint(7, 9), "radiates": rng.choice(v.RADIATES),
           "dermatome": rng.choice(v.DERMATOMES), "date": _spoken_date(rng, seen.isoformat())}
    diagnoses = rng.sample(v.BODY_REGIONS[region], min(3, len(v.BODY_REGIONS[region])))
    out = [f"{worker} is a {who} who sustained an industrial injury on {doi}.",
           f"The mechanism of injury was {rng.choice(v.MECHANISMS)}.",
           f"Diagnoses include {', '.join(diagnoses)}.",
           f"Treatment to date has included {', '.join(rng.sample(v.PRIOR_TREATMENT, 3))}.",
           f"On {fmt['date']}, " + rng.choice(v.COMPLAINTS).format(**fmt)]
    out += [s.format(**fmt) for s in rng.sample(v.EXAM, rng.randint(2, 4))]
    fillers = rng.sample(v.FILLER, len(v.FILLER))
    target = rng.randint(145, 320)
    while fillers and len(" ".join(out).split()) < target:
        out.append(fillers.pop().format(**fmt))
    plan = "; ".join((i["eligible_portion"] or i["item"]) for i in items if not i["eligible_portion"])
    if plan:
        out.append(f"The treatment plan included {plan}.")
    ur = _spoken_date(rng, dates["ur_denial_date"])
    out.append(f"On {ur}, Utilization Review non-certified the requested treatment.")
    out += [i["item"][:-3] + "." for i in items if i["eligible_portion"]]
    return " ".join(out)


def _documents(rng: random.Random, region: str, dates: dict) -> list[str]:
    seen = date.fromisoformat(dates["ur_denial_date"]) - timedelta(days=rng.randint(5, 60))
    others = [d.format(date=us_date(seen.isoformat()), region=region)
              for d in rng.sample(v.OTHER_DOCUMENTS, rng.randint(2, 4))]
    return [f"Application for Independent Medical Review dated {us_date(dates['application_received'])}",
            f"Utilization Review Determination dated {us_date(dates['ur_denial_date'])}", *others]
