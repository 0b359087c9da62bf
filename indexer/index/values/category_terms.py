"""Words and patterns that name treatment categories: the data behind indexer.index.values.categories.

Plain constants only (regular-expression source strings and word lists), kept
apart from the rules in categories.py so each stays short. Every entry was
checked against the real items of the shared corpus; `python
scripts/categories.py` prints the coverage they give.
"""
from __future__ import annotations

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
        "suvorexant", "melatonin", "somnicin", "diphenhydramine", "benadryl", "ramelteon", "rozerem", "restoril", "temazepam",
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
        "chondroitin", "genicin", "keflex", "cephalexin", "antibiotics?", "xarelto", "lovenox",
        "eliquis", "coumadin", "warfarin", "testosterone", "androgel", "botox",
        "medications?", "prescriptions?", "drugs?", "tablets?", "capsules?", "pills?",
    ),
}

# Topical products are one class whatever their ingredients (a compounded cream
# with gabapentin is a topical, not an anticonvulsant). Vehicle and ingredient
# words: a topical when a drug or dose is named beside them.
TOPICAL = (
    r"creams?|gels?|ointments?|lotions?|patch(?:es)?|menthol|camphor|flurbiprofen|dextromethorphan"
    r"|\d+\s*grams?\b"
)
# Products that are a topical or a compounded kit by their name alone: no dose
# needed ('Lidocaine patch', 'Synapryn', 'Medrox patch'). Synapryn (tramadol),
# Tabradol (cyclobenzaprine), Deprizine (ranitidine), Dicopanol (diphenhydramine)
# and Fanatrex (gabapentin) are compounded oral suspension kits: compounds.
TOPICAL_PRODUCTS = (
    r"lidoderm|lidocaine\s+(?:\d+(?:\.\d+)?\s*%\s*)?(?:patch|patches|pad|pads|cream|gel|ointment)"
    r"|terocin|menthoderm|mentherm|medrox|xolido|kera-?tek|flurflex|theraflex|flector|pennsaid"
    r"|salonpas|bengay|biofreeze|icy\s*hot|capsaicin|anecream|lipocream|synapryn|tabradol"
    r"|deprizine|dicopanol|fanatrex|ketoprofen\s+cream|compound\w*|\bmethyl\s+salicylate"
    r"|transdermal|topicals?"
    # Abbreviated ingredients of a compounded cream: 'Cyclo/Keto/Lido cream'.
    r"|\b(?:lido|keto|cyclo|flurbi|caps|gaba|baclo|tram|amitrip)\b(?=.*\b(?:creams?|gels?|ointments?|lotions?))"
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
        r"|home\s+exercise\s+program|kinesio|\bphysio\b|hydrotherap\w*"
        # 'E-stim' sessions; an 'E-stim unit' is equipment.
        r"|\be-?stim(?:ulation)?\b(?!\s+units?)"
    ),
    "Chiropractic": r"chiropract\w*|\bchiro\b|chirophysio\w*|spinal\s+manipulation|joint\s+manipulation|manipulation\s+therap\w*|\bCMT\b",
    "Acupuncture": r"acupunct\w*|electroacupuncture|acupressure|cupping",
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
        r"|hyalgan|gelsyn|monovisc|durolane|genvisc|hymovis|gel-one|cortisone\s+shot|steroid\s+shot|neurolytic|botox|prolotherapy|stellate"
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
        r"|stimulator(?!\s+trial)|bone\s+growth|\b(?:cold|hot|ice|gel)\s+(?:gel\s+)?packs?\b|\b(?:C|T|CT)?LSO\b|\bK?AFO\b"
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
        r"psycho\w*|\bpsych\b|\bCBT\b|cognitive\s+behavio\w*|psychiatr\w*|biofeedback|counsel\w*"
        r"|mental\s+health|behavio\w+\s+(?:health|medicine|therap\w*)|hypnotherap\w*"
        r"|neuropsych\w*|relaxation\s+training|stress\s+management|group\s+therap\w*"
    ),
    "Home health": (
        r"home\s+health|home\s+care|home\s+aide|\baide\b|nurs(?:e|es|ing)\b|caregiver|attendant"
        r"|housekeep\w*|homemaker|in-?home|assisted\s+living|wound\s+care"
    ),
    "Laboratory/testing": (
        r"urine\s+drug|urine\s+(?:test\w*|screen\w*)|drug\s+screen\w*|drug\s+test\w*|\bUDS\b|\bUDT\b|toxicolog\w*|\blabs?\b"
        r"|laborator\w*|blood\s+(?:work|test\w*|panel)|\bCBC\b|chem\w*\s+panel|metabolic\s+panel"
        r"|\bCMP\b|\bBMP\b|PT/PTT|\bINR\b|\bUA\b|urinalysis|hepatic|liver\s+function|\bLFTs?\b"
        r"|electrocardiogra\w*|\bEKG\b|\bECG\b|genetic\s+test\w*|cytokine|\bDNA\b|sleep\s+stud\w*"
        r"|polysomnogra\w*|functional\s+capacity(?:\s+evaluation)?|\bFCE\b|cardio-?respiratory"
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
