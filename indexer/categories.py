"""Treatment categories of a disputed item, close to the DWC's IMR categories.

`categorize(item_text)` maps an item heading ('Norco 10/325mg #60',
'MRI of the lumbar spine') to top-level categories plus, for drugs, a drug
class sub-category ('Pharmaceuticals: Opioids'). An item can fall in several
categories ('EMG and MRI ...'); an item nothing matches is ['Other'].

`guideline_sources(text)` names the guidelines a decision cites:
'MTUS', 'ODG', 'ACOEM' or 'Other' (cited something else); [] when nothing
was cited.

The rules are regular expressions over words, checked against every real
item in the shared corpus (see tests/test_categories.py for the coverage).
"""
from __future__ import annotations

import re
from functools import lru_cache

PHARMA = "Pharmaceuticals"
CATEGORIES = (
    PHARMA, "Physical therapy", "Chiropractic", "Acupuncture", "Diagnostic imaging",
    "Electrodiagnostics", "Injections", "Surgery", "Durable medical equipment",
    "Programs", "Evaluation and management", "Behavioral health", "Home health",
    "Laboratory/testing", "Other",
)

# Drug class -> names (brand and generic). Matched as whole words, case-insensitive.
DRUG_CLASSES: dict[str, tuple[str, ...]] = {
    "Opioids": (
        "norco", "hydrocodone", "oxycodone", "oxycontin", "tramadol", "ultram", "ultracet",
        "percocet", "morphine", "ms contin", "fentanyl", "duragesic", "nucynta", "tapentadol",
        "methadone", "butrans", "buprenorphine", "suboxone", "codeine", "tylenol #3",
        "tylenol with codeine", "hydromorphone", "dilaudid", "oxymorphone", "opana",
        "vicodin", "trezix", "dihydrocodeine", "opioids?", "narcotics?", "roxicodone",
        "xtampza", "belbuca", "lortab",
    ),
    "NSAIDs": (
        "ibuprofen", "motrin", "advil", "naproxen", "anaprox", "naprosyn", "meloxicam",
        "mobic", "celecoxib", "celebrex", "diclofenac", "voltaren", "arthrotec", "relafen",
        "nabumetone", "etodolac", "lodine", "ketoprofen", "ketorolac", "toradol",
        "indomethacin", "piroxicam", "feldene", "duexis", "vimovo", "nsaids?", "aspirin",
        "daypro", "oxaprozin", "fenoprofen", "nalfon", "sulindac", "diflunisal",
    ),
    "Muscle relaxants": (
        "cyclobenzaprine", "flexeril", "fexmid", "amrix", "tizanidine", "zanaflex", "soma",
        "carisoprodol", "methocarbamol", "robaxin", "baclofen", "orphenadrine", "norflex",
        "metaxalone", "skelaxin", "chlorzoxazone", "lorzone", "parafon", "dantrolene",
        "muscle relaxants?",
    ),
    "Anticonvulsants": (
        "gabapentin", "neurontin", "gralise", "horizant", "pregabalin", "lyrica", "topiramate",
        "topamax", "carbamazepine", "tegretol", "oxcarbazepine", "lamotrigine", "lamictal",
        "divalproex", "depakote", "levetiracetam", "keppra", "anticonvulsants?",
        "anti-epilepsy drugs?",
    ),
    "Antidepressants": (
        "duloxetine", "cymbalta", "amitriptyline", "elavil", "nortriptyline", "pamelor",
        "trazodone", "desyrel", "venlafaxine", "effexor", "sertraline", "zoloft",
        "fluoxetine", "prozac", "citalopram", "celexa", "escitalopram", "lexapro",
        "paroxetine", "paxil", "bupropion", "wellbutrin", "mirtazapine", "remeron",
        "doxepin", "imipramine", "desipramine", "savella", "milnacipran", "antidepressants?",
    ),
    "Proton pump inhibitors": (
        "omeprazole", "prilosec", "pantoprazole", "protonix", "esomeprazole", "nexium",
        "lansoprazole", "prevacid", "rabeprazole", "aciphex", "dexlansoprazole", "dexilant",
        "ranitidine", "zantac", "famotidine", "pepcid", "proton pump inhibitors?", "ppis?",
    ),
    "Sleep aids": (
        "zolpidem", "ambien", "eszopiclone", "lunesta", "zaleplon", "sonata", "belsomra",
        "suvorexant", "melatonin", "ramelteon", "rozerem", "restoril", "temazepam",
        "sleep aids?",
    ),
    "Benzodiazepines": (
        "diazepam", "valium", "alprazolam", "xanax", "lorazepam", "ativan", "clonazepam",
        "klonopin", "benzodiazepines?",
    ),
    "Other drugs": (
        "viagra", "sildenafil", "cialis", "tadalafil", "ondansetron", "zofran", "promethazine",
        "senna", "senokot", "colace", "docusate", "lactulose", "linzess", "amitiza",
        "movantik", "relistor", "acetaminophen", "tylenol", "fioricet", "imitrex",
        "sumatriptan", "prednisone", "medrol", "methylprednisolone", "dexamethasone",
        "metformin", "lisinopril", "hydrochlorothiazide", "atorvastatin", "simvastatin",
        "levothyroxine", "aricept", "provigil", "modafinil", "nuvigil", "adderall",
        "ritalin", "seroquel", "quetiapine", "abilify", "risperdal", "hydroxyzine",
        "buspirone", "clonidine", "propranolol", "naloxone", "narcan", "vitamin \\w+",
        "theramine", "sentra", "trepadone", "gabadone", "medical food", "glucosamine",
        "chondroitin", "keflex", "cephalexin", "antibiotics?", "xarelto", "lovenox",
        "eliquis", "coumadin", "warfarin", "testosterone", "androgel", "botox",
        "medications?", "prescriptions?", "drugs?", "tablets?", "capsules?", "pills?",
    ),
}

# Topical products are one class whatever their ingredients (a compounded cream
# with gabapentin is a topical, not an anticonvulsant).
TOPICAL = (
    r"lidoderm|lidocaine\s+(?:\d+(?:\.\d+)?\s*%\s*)?(?:patch|patches|pad|pads|cream|gel|ointment)"
    r"|terocin|menthoderm|flector|pennsaid|salonpas|bengay|biofreeze|icy\s*hot|capsaicin"
    r"|anecream|lipocream|synapryn|tabradol|deprizine|dicopanol|fanatrex|ketoprofen\s+cream"
    r"|compound\w*|creams?|gels?|ointments?|lotions?|topicals?|patch(?:es)?|transdermal"
    r"|\bmethyl\s+salicylate|menthol|camphor|flurbiprofen|dextromethorphan|\d+\s*grams?\b"
)

# Doses and counts mark an item as a drug even when its name is unknown.
DOSE = r"\d+(?:\.\d+)?\s*(?:mg|mcg|ml|meq|units?)\b|\d+(?:\.\d+)?/\d+(?:\.\d+)?\s*mg|\bday supply\b"

CATEGORY_PATTERNS: dict[str, str] = {
    "Physical therapy": (
        r"physical\s+therap\w*|physiotherap\w*|\bPT\b(?!\s*/\s*(?:PTT|INR))|physical\s+medicine"
        r"|occupational\s+therap\w*|\bOT\b|hand\s+therap\w*|aqua\s*therap\w*|aquatic\s+therap\w*"
        r"|pool\s+therap\w*|therapeutic\s+exercise|manual\s+therap\w*|massage|myofascial"
        r"|infrared|diathermy|iontophoresis|traction|spinolator|paraffin"
        r"|(?:electrical|electric|muscle)\s+(?:muscle\s+)?stimulation(?!\s+unit)"
        r"|(?:pulsed|therapeutic)\s+ultrasound|ultrasound\s+therap\w*"
        r"|(?:ice|heat|hot|cold)(?:/(?:ice|heat|hot|cold))?\s+(?:pads?\s+)?therap\w*"
        r"|rehabilitation\s+therap\w*|extracorporeal\s+shock\s*wave|\bESWT\b|shockwave|laser\s+therap\w*"
        r"|home\s+exercise\s+program|kinesio"
    ),
    "Chiropractic": r"chiropract\w*|spinal\s+manipulation|joint\s+manipulation|manipulation\s+therap\w*|\bCMT\b",
    "Acupuncture": r"acupunct\w*|electroacupuncture|cupping",
    "Diagnostic imaging": (
        r"\bMRI\b|\bMRA\b|\bMR\s+arthrogra\w*|magnetic\s+resonance|arthrogra\w*|\bCT\b|CAT\s+scan"
        r"|computed\s+tomography|x-?rays?|radiograph\w*|bone\s+scan|(?<!pulsed\s)(?<!therapeutic\s)\bultrasound\b(?!\s+therap)|sonogra\w*"
        r"|\bdexa\b|bone\s+density|myelogra\w*|discogra\w*|\bPET\b|scintigra\w*|fluoroscop\w*(?=.*\bstud)"
        r"|imaging|\bscan\b"
    ),
    "Electrodiagnostics": (
        r"\bEMG\b|\bNCV\b|\bNCS\b|electromyogra\w*|nerve\s+conduction|electrodiagnos\w*"
        r"|electroencephalogra\w*|\bEEG\b|\bSSEP\b|evoked\s+potential|\bQFSE\b"
    ),
    "Injections": (
        r"inject\w*|epidural|\bESI\b|facet\s+(?:joint\s+)?(?:block|injection|rhizotomy)|trigger\s+point"
        r"|\bPRP\b|platelet[- ]rich|medial\s+branch|radiofrequency|\bRFA\b|rhizotomy|nerve\s+block"
        r"|\bblocks?\b|viscosupplement\w*|synvisc|orthovisc|euflexxa|supartz|hyaluron\w*"
        r"|cortisone\s+shot|steroid\s+shot|neurolytic|botox|prolotherapy|stellate"
    ),
    "Surgery": (
        r"surger\w*|surgical|arthroscop\w*|\w+ectomy\b|\w+otomy\b|\w+plasty\b|\w+desis\b|fusion"
        r"|\brepair\b|decompression|reconstruction|release\b|fixation|\bORIF\b|arthroplasty"
        r"|replacement|implant\w*|tenodesis|debridement|neuroplasty|manipulation\s+under\s+anesthesia"
        r"|assistant\s+surgeon|surgical\s+assist\w*|\bPA\s+assist|co-?surgeon|anesthesi\w*"
        r"|spinal\s+cord\s+stimulat\w*|hardware\s+removal|pre-?op\w*|post-?op\w*\s+(?:stay|admission)"
        r"|inpatient\s+stay|length\s+of\s+stay|hospital\s+stay"
    ),
    "Durable medical equipment": (
        r"brace\w*|orthos[ie]s|orthotic\w*|splint\w*|\bTENS\b|\bEMS\b|\bIF\s+unit|interferential"
        r"|\bunits?\b|wheelchair|walker|\bcane\b|crutch\w*|commode|shower\s+chair|bath\w*\s+chair"
        r"|tub\s+chair|grab\s+bars?|hospital\s+bed|mattress|pillow|cushion|cold\s+therapy"
        r"|cryotherapy|vascutherm|game\s*ready|compression\s+(?:device|stocking|garment|sleeve)"
        r"|\bsling\b|ultrasling|\bsupport\b|\bcollar\b|\bpads?\b|wraps?\b|\bkit\b|exercise\s+equipment"
        r"|equipment|\bDME\b|hearing\s+aids?|workstation|\bchair\b|\bdesk\b|scooter|lift\b|reacher"
        r"|glucometer|nebulizer|\bCPAP\b|insoles?|shoes?|footwear|heating\s+pad|hot/cold|h-wave"
        r"|stimulator(?!\s+trial)|bone\s+growth"
    ),
    "Programs": (
        r"functional\s+restoration|\bFRP\b|work\s+(?:hardening|conditioning)|\bHELP\b"
        r"|detox\w*|gym|personal\s+trainer|weight\s+loss|weight\s+management|nutrition\w*"
        r"|pain\s+(?:management\s+)?program|rehabilitation\s+(?:program|unit|facility)|rehab\s+unit"
        r"|inpatient\s+rehab\w*|acute\s+rehab\w*|skilled\s+nursing|partial\s+hospitali[sz]ation"
        r"|day\s+treatment|multidisciplinary|interdisciplinary|swim\w*|pool\s+membership|YMCA"
        r"|aquatic\s+program|exercise\s+program|residential"
    ),
    "Behavioral health": (
        r"psycho\w*|\bCBT\b|cognitive\s+behavio\w*|psychiatr\w*|biofeedback|counsel\w*"
        r"|mental\s+health|behavio\w+\s+(?:health|medicine|therap\w*)|hypnotherap\w*"
        r"|neuropsych\w*|relaxation\s+training|stress\s+management|group\s+therap\w*"
    ),
    "Home health": (
        r"home\s+health|home\s+care|home\s+aide|\baide\b|nurs(?:e|es|ing)\b|caregiver|attendant"
        r"|housekeep\w*|homemaker|in-?home|assisted\s+living|wound\s+care"
    ),
    "Laboratory/testing": (
        r"urine\s+drug|drug\s+screen\w*|drug\s+test\w*|\bUDS\b|\bUDT\b|toxicolog\w*|\blabs?\b"
        r"|laborator\w*|blood\s+(?:work|test\w*|panel)|\bCBC\b|chem\w*\s+panel|metabolic\s+panel"
        r"|\bCMP\b|\bBMP\b|PT/PTT|\bINR\b|\bUA\b|urinalysis|hepatic|liver\s+function|\bLFTs?\b"
        r"|electrocardiogra\w*|\bEKG\b|\bECG\b|genetic\s+test\w*|cytokine|\bDNA\b|sleep\s+stud\w*"
        r"|polysomnogra\w*|functional\s+capacity\s+evaluation|\bFCE\b|cardio-?respiratory"
        r"|stress\s+test|echocardiogra\w*|pulmonary\s+function|\bPFT\b|allergy\s+test\w*"
        r"|audiogra\w*|hearing\s+test|vestibular\s+test|videonystagmography|\bVNG\b|thermography"
    ),
}

# Visits: only when nothing more specific matched (a 'physical therapy
# evaluation' is physical therapy, a 'spine surgery evaluation' is a visit).
VISIT = (
    r"evaluat\w*|\beval\b|consult\w*|referral|refer\b|follow[- ]?up|office\s+visits?|visits?\b"
    r"|re-?exam\w*|examination|\bTOC\b|transfer\s+of\s+care|clearance|second\s+opinion"
    r"|specialist|physician|doctor|management\b"
)
# Words that name a surgeon's visit, not an operation.
SURGEON_WORDS = r"surger\w*|surgeon|surgical|neurosurg\w*"

_flags = re.IGNORECASE


def _words(names: tuple[str, ...]) -> str:
    return r"(?<![\w-])(?:" + "|".join(n.replace(" ", r"\s+") for n in names) + r")(?![\w-])"


def _compile() -> dict[str, re.Pattern]:
    pats = {name: re.compile(p, _flags) for name, p in CATEGORY_PATTERNS.items()}
    pats["_visit"] = re.compile(VISIT, _flags)
    pats["_surgeon"] = re.compile(SURGEON_WORDS, _flags)
    pats["_topical"] = re.compile(TOPICAL, _flags)
    pats["_dose"] = re.compile(DOSE, _flags)
    for cls, names in DRUG_CLASSES.items():
        pats["drug:" + cls] = re.compile(_words(names), _flags)
    return pats


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    # Compiled on first use, not at import time.
    return _compile()


def drug_classes(text: str) -> list[str]:
    """The drug classes named in `text` (empty when it names no drug)."""
    pats = _patterns()
    specific = [c for c in DRUG_CLASSES if c != "Other drugs" and pats["drug:" + c].search(text)]
    topical = bool(pats["_topical"].search(text))
    if topical and (specific or pats["_dose"].search(text) or "%" in text
                    or pats["drug:Other drugs"].search(text)
                    or re.search(r"lidoderm|terocin|menthoderm|flector|salonpas|anecream|"
                                 r"pennsaid|compound", text, _flags)):
        return ["Topical analgesics/compounds"]
    if specific:
        return specific
    if pats["drug:Other drugs"].search(text) or pats["_dose"].search(text):
        return ["Other drugs"]
    return []


def _main_text(item: str) -> str:
    # 'X was the original request. Y was authorized ... The remaining ... portion, Z is'
    # describes one service: the first sentence names it.
    m = re.match(r"(.+?)\s+was\s+the\s+original\s+request", item, _flags | re.DOTALL)
    return m.group(1) if m else item


def categorize(item_text: str) -> list[str]:
    """Treatment categories of one disputed item, most specific first; ['Other'] if none."""
    text = _main_text(item_text or "")
    pats = _patterns()
    found: list[str] = []
    associated = re.match(r"\s*associated\s+surgical\s+services?\s*:?\s*(.*)", text, _flags | re.DOTALL)
    if associated:
        found.append("Surgery")
        text = associated.group(1)
    drugs = [] if re.search(r"drug\s+(?:test|screen)", text, _flags) else drug_classes(text)
    for cls in drugs:
        found += [PHARMA, f"{PHARMA}: {cls}"]
    for name in CATEGORY_PATTERNS:
        if name in found or not pats[name].search(text):
            continue
        if name == "Surgery" and _only_surgeon_visit(text, pats):
            continue
        if name == "Durable medical equipment" and _equipment_is_therapy(text, found):
            continue
        if name == "Physical therapy" and _chiropractic_physiotherapy(text, pats):
            continue
        found.append(name)
    if _is_visit(text, found, pats):
        found.append("Evaluation and management")
    found = list(dict.fromkeys(found))
    return found or ["Other"]


def _only_surgeon_visit(text: str, pats: dict[str, re.Pattern]) -> bool:
    """'Spine surgery evaluation': a visit to a surgeon, not an operation."""
    if not pats["_visit"].search(text):
        return False
    rest = pats["_surgeon"].sub(" ", text)
    return not pats["Surgery"].search(rest)


def _chiropractic_physiotherapy(text: str, pats: dict[str, re.Pattern]) -> bool:
    """'Chiropractic physiotherapy' is chiropractic care, not physical therapy."""
    if not pats["Chiropractic"].search(text):
        return False
    return not pats["Physical therapy"].search(re.sub(r"physiotherap\w*", " ", text, flags=_flags))


def _equipment_is_therapy(text: str, found: list[str]) -> bool:
    """'Ice/Heat pads therapy times 12' or 'Hand therapy' sessions are not equipment."""
    if PHARMA in found:
        return True
    if "Programs" in found and re.search(r"rehab\w*\s+unit", text, _flags):
        return True
    therapy = {"Physical therapy", "Chiropractic", "Acupuncture"} & set(found)
    return bool(therapy) and not re.search(r"\bunit\b|brace|purchase|rental|kit", text, _flags)


def _is_visit(text: str, found: list[str], pats: dict[str, re.Pattern]) -> bool:
    """A visit/consultation item that no service category claimed."""
    if not pats["_visit"].search(text):
        return False
    claimed = set(found) - {"Surgery"}
    if claimed:
        return False
    return "Surgery" not in found or bool(re.search(r"clearance|consult", text, _flags))


# --- guidelines --------------------------------------------------------------

_NO_CITATION = re.compile(r"did\s+not\s+cite\s+any\s+medical\s+evidence", _flags)
_PREAMBLE = re.compile(
    r"The\s+(?:Expert\s+Reviewer|Claims\s+Administrator)\s+(?:did\s+not\s+base|based)\s+"
    r"(?:their|its)\s+decision\s+on\s+(?:recommendation\(s\)\s+outside\s+of\s+)?the\s+MTUS"
    r"(?:\s+Guidelines)?\.?", _flags)
_ODG = re.compile(r"\bODG\b|official\s+disability\s+guidelines?|work\s+loss\s+data", _flags)
_ACOEM = re.compile(r"\bACOEM\b|american\s+college\s+of\s+occupational", _flags)
_MTUS = re.compile(r"(?<!Non-)(?<!Non )\bMTUS\b|medical\s+treatment\s+utilization\s+schedule", _flags)


def guideline_sources(guideline_text: str | None) -> list[str]:
    """Guidelines a decision cites, in the order MTUS, ODG, ACOEM, Other; [] if none."""
    text = guideline_text or ""
    if not text.strip() or _NO_CITATION.search(text):
        return []
    text = _PREAMBLE.sub(" ", text)
    found = set()
    for clause in re.split(r"Decision\s+based\s+on\s+", text, flags=_flags):
        clause = clause.strip()
        if not clause:
            continue
        non_mtus = re.match(r"Non-?\s*MTUS", clause, _flags)
        hits = {name for name, rx in (("ODG", _ODG), ("ACOEM", _ACOEM)) if rx.search(clause)}
        if not non_mtus and _MTUS.search(clause):
            hits.add("MTUS")
        found |= hits or {"Other"}
    return [s for s in ("MTUS", "ODG", "ACOEM", "Other") if s in found]
