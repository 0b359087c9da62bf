"""Vocabularies and weights for synthetic letters, taken from the real corpus.

Weights follow the 103 real letters in ../shared/letters/expected (specialty and
licence-state counts); the clinical phrases are the kind the real summaries use.
"""
from __future__ import annotations

SPECIALTIES = {
    "Preventive Medicine": 30, "Occupational Medicine": 29, "Family Practice": 27,
    "Physical Medicine & Rehabilitation": 19, "Pain Management": 16, "Internal Medicine": 10,
    "Orthopedic Surgery": 7, "Anesthesiology": 5, "Sports Medicine": 5,
    "Hospice & Palliative Medicine": 4, "Public Health & General Preventive Medicine": 4,
    "Emergency Medicine": 3, "Chiropractor": 2, "Medical Toxicology": 2, "Neurology": 2,
    "Rheumatology": 1, "Hand Surgery": 1, "Surgery": 1,
}
# Specialty pairs that occur together on real credentials lines.
SECOND_SPECIALTY = {
    "Preventive Medicine": "Occupational Medicine", "Occupational Medicine": "Preventive Medicine",
    "Physical Medicine & Rehabilitation": "Pain Management", "Anesthesiology": "Pain Management",
    "Family Practice": "Sports Medicine", "Internal Medicine": "Hospice & Palliative Medicine",
    "Emergency Medicine": "Medical Toxicology", "Orthopedic Surgery": "Hand Surgery",
}
STATE_WEIGHTS = {  # licence states (of indexer.states) and how often reviewers hold them
    "Texas": 18, "Florida": 15, "New York": 12, "North Carolina": 7, "Pennsylvania": 7,
    "Arizona": 6, "Montana": 5, "Ohio": 4, "New Jersey": 4, "South Carolina": 4, "Iowa": 4,
    "Maryland": 3, "Washington": 3, "Illinois": 3, "Massachusetts": 2, "Missouri": 2,
    "New Mexico": 2, "Oregon": 2, "West Virginia": 2, "Hawaii": 1, "Tennessee": 1,
    "Virginia": 1, "Connecticut": 1, "Colorado": 1, "Georgia": 1, "Kansas": 1, "Utah": 1,
}
# Share of letters whose reviewer holds a California licence.
CALIFORNIA_SHARE = 0.62
OVERTURN_RATE = 0.11
EXPEDITED_RATE = 0.07
MODIFIED_RATE = 0.08     # header2016 items that are the eligible portion of a modified request
ITEM_COUNTS = {1: 40, 2: 25, 3: 18, 4: 10, 5: 7}   # mean ~2.2 items per letter

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

WORKER = ("The injured worker", "The patient", "The claimant", "This injured worker")
MECHANISMS = (
    "a fall from a ladder", "lifting a heavy box", "a slip and fall on a wet floor",
    "repetitive keyboard work", "a motor vehicle accident while on duty",
    "pushing a loaded cart", "cumulative trauma from repetitive lifting",
    "being struck by a falling object", "twisting while carrying equipment",
    "a trip over a pallet",
)
BODY_REGIONS = {
    "lumbar spine": ("lumbar strain", "lumbar radiculopathy", "L4-5 disc protrusion",
                     "lumbosacral degenerative disc disease", "chronic low back pain"),
    "cervical spine": ("cervical strain", "cervical radiculopathy", "C5-6 disc herniation",
                       "cervicalgia", "neck sprain"),
    "right shoulder": ("right shoulder impingement syndrome", "right rotator cuff tendinopathy",
                       "right shoulder partial rotator cuff tear", "adhesive capsulitis"),
    "left shoulder": ("left shoulder impingement syndrome", "left rotator cuff tear",
                      "left shoulder sprain"),
    "right knee": ("right knee medial meniscus tear", "right knee sprain",
                   "right knee osteoarthritis", "patellofemoral pain syndrome"),
    "left knee": ("left knee internal derangement", "left knee medial meniscus tear",
                  "left knee sprain"),
    "right wrist": ("right carpal tunnel syndrome", "right wrist sprain",
                    "right de Quervain's tenosynovitis"),
    "left elbow": ("left lateral epicondylitis", "left elbow sprain", "left cubital tunnel syndrome"),
}
PRIOR_TREATMENT = (
    "physical therapy", "chiropractic care", "acupuncture", "medications", "modified work duties",
    "a home exercise program", "diagnostic imaging", "epidural steroid injections",
    "a TENS unit", "activity modification", "bracing", "trigger point injections",
)
COMPLAINTS = (
    "{worker} reported {region} pain rated {lo}-{hi} out of 10 on the pain scale.",
    "{worker} complained of constant {region} pain radiating to the {radiates}, rated {hi}/10.",
    "{worker} continued to report {region} pain with stiffness, rated {lo}/10 with medications "
    "and {hi}/10 without medications.",
)
RADIATES = ("buttocks", "right leg", "left leg", "upper back", "right arm", "left hand",
            "bilateral lower extremities", "scapular region")
EXAM = (
    "Physical examination revealed tenderness to palpation over the {region} with muscle spasm.",
    "Range of motion of the {region} was restricted in all planes secondary to pain.",
    "Motor strength was 4+/5 in the affected extremity and sensation was decreased in the "
    "{dermatome} dermatome.",
    "Straight leg raise was positive on the right at 45 degrees.",
    "There was a mildly antalgic gait and the injured worker used no assistive device.",
    "Deep tendon reflexes were 2+ and symmetric and there were no pathological reflexes.",
    "Spurling's test was negative and there was no atrophy of the upper extremities.",
    "McMurray's test was positive and there was medial joint line tenderness.",
)
DERMATOMES = ("L4", "L5", "S1", "C5", "C6", "C7")
FILLER = (
    "Work status was temporarily totally disabled.",
    "The injured worker was working with restrictions.",
    "A urine drug screen on {date} was consistent with the prescribed medications.",
    "An MRI of the {region} dated {date} showed mild degenerative changes without "
    "significant canal stenosis.",
    "Prior physical therapy notes documented partial improvement in function.",
    "The medication regimen was noted to reduce pain by approximately 30 percent.",
    "There was no documentation of objective functional improvement with prior treatment.",
    "The injured worker reported difficulty sleeping due to pain.",
    "The treating physician noted that the injured worker had returned to modified duty.",
    "Electrodiagnostic studies performed on {date} were reported as normal.",
)
OTHER_DOCUMENTS = (
    "Primary Treating Physician's Progress Report dated {date}",
    "Orthopedic consultation report dated {date}",
    "MRI report of the {region} dated {date}",
    "Physical therapy progress notes dated {date}",
    "Request for Authorization dated {date}",
    "Pain management re-evaluation dated {date}",
)

# Disputed-item fillers (templates are in indexer.synth.treatments).
DRUGS = (  # name, doses, counts, MTUS section
    ("Norco", ("10/325mg", "7.5/325mg", "5/325mg"), (60, 90, 120, 180), "Opioids, criteria for use"),
    ("Tramadol", ("50mg", "ER 150mg"), (30, 60, 90), "Opioids, criteria for use"),
    ("Oxycodone", ("10mg", "15mg"), (60, 90), "Opioids, criteria for use"),
    ("Percocet", ("10/325mg",), (60, 120), "Opioids, criteria for use"),
    ("Cyclobenzaprine", ("7.5mg", "10mg"), (30, 60, 90), "Muscle relaxants (for pain)"),
    ("Baclofen", ("10mg", "20mg"), (60, 90), "Muscle relaxants (for pain)"),
    ("Tizanidine", ("4mg",), (60, 90), "Muscle relaxants (for pain)"),
    ("Soma", ("350mg",), (30, 60), "Carisoprodol (Soma)"),
    ("Naproxen sodium", ("550mg",), (60, 90), "NSAIDs (non-steroidal anti-inflammatory drugs)"),
    ("Ibuprofen", ("800mg",), (60, 90), "NSAIDs (non-steroidal anti-inflammatory drugs)"),
    ("Celebrex", ("200mg",), (30, 60), "NSAIDs (non-steroidal anti-inflammatory drugs)"),
    ("Omeprazole", ("20mg",), (30, 60), "NSAIDs, GI symptoms & cardiovascular risk"),
    ("Pantoprazole", ("20mg", "40mg"), (30, 60), "NSAIDs, GI symptoms & cardiovascular risk"),
    ("Gabapentin", ("300mg", "600mg"), (60, 90, 120), "Anti-epilepsy drugs (AEDs)"),
    ("Lyrica", ("75mg",), (60,), "Anti-epilepsy drugs (AEDs)"),
    ("Duloxetine", ("60mg",), (30,), "Antidepressants for chronic pain"),
    ("Lidoderm 5% patch", ("",), (30, 60), "Lidoderm (lidocaine patch)"),
    ("Flurbiprofen 20%/Lidocaine 5% cream", ("180gm",), (1,), "Topical Analgesics"),
)
SURGICAL_SERVICES = ("Cryotherapy unit, seven day use", "Preoperative medical clearance",
                     "Post-operative physical therapy, 12 sessions", "Shoulder sling",
                     "Assistant surgeon", "Labs - CBC")
FREQS = ("2 times a week for 6 weeks", "3 times a week for 4 weeks", "2 times a week for 4 weeks",
         "1 to 2 times per week for 3 weeks", "3 times a week for 2 weeks")
NUMBER_WORDS = {6: "Six", 8: "Eight", 10: "Ten", 12: "Twelve"}
LEVELS = ("L4-5", "L5-S1", "L3-4", "C5-6", "C6-7")
