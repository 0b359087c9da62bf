"""Disputed-item vocabulary: item wordings, guideline citations and rationale sentences.

Each category holds item templates ({region}, {n}, {drug} ... are filled by
indexer.synth.case), guideline citations in the real letters' wordings, and
rationale sentences: 'guide' (what the guideline says), 'against' (why a
request fails) and 'for' (why it is supported).
"""
from __future__ import annotations

CA_NO_EVIDENCE = "The Claims Administrator did not cite any medical evidence for its decision."
MX_NO_EVIDENCE = "The Expert Reviewer did not cite any medical evidence for its decision."
CA_OUTSIDE = ("The Claims Administrator based their decision on recommendation(s) outside of the "
              "MTUS Guidelines. Decision based on Non-MTUS Citation {odg}.")
MX_OUTSIDE = ("The Expert Reviewer based their decision on recommendation(s) outside of the "
              "MTUS Guidelines. Decision based on Non-MTUS Citation {odg}.")
MTUS = "Decision based on MTUS {mtus}."
MTUS_ODG = "Decision based on MTUS {mtus}. Decision based on Non-MTUS Citation {odg}."

CATEGORIES: dict[str, dict] = {
    "medication": {
        "weight": 34,
        "items": ("{drug} {dose} #{count}",),
        "mtus": ("Chronic Pain Medical Treatment 2016, Section(s): {section}",
                 "Chronic Pain Medical Treatment 2009, Section(s): {section}"),
        "odg": ("Official Disability Guidelines (ODG), Pain (Chronic) Chapter",),
        "guide": (
            "The MTUS Chronic Pain Medical Treatment Guidelines address {section} and require "
            "documentation of the efficacy of the medication in terms of pain relief and "
            "objective functional improvement.",
            "For ongoing management, the guidelines recommend the lowest possible dose, an "
            "ongoing review of pain relief, functional status, appropriate medication use and "
            "side effects, and periodic reassessment of the treatment plan.",
            "Long-term use is not recommended without documented benefit, and the guidelines "
            "note that continued use should be reassessed at each visit.",
        ),
        "against": (
            "In this case, the medical records do not document a quantified reduction in pain "
            "or a specific improvement in function attributable to this medication.",
            "There is no documentation of a recent urine drug screen, a signed pain agreement, "
            "or an assessment of aberrant drug-taking behavior.",
            "The injured worker has been prescribed this medication for longer than the "
            "guidelines support and there is no plan for weaning.",
        ),
        "for": (
            "In this case, the treating physician documented a reduction in pain from 8/10 to "
            "4/10 with the medication and improved ability to perform activities of daily living.",
            "A current pain agreement is on file, urine drug screens have been consistent, and "
            "no adverse effects were reported.",
        ),
    },
    "physical therapy": {
        "weight": 16,
        "items": ("Physical therapy {freq} for the {region}",
                  "{n_word} physical therapy sessions for the {region}",
                  "Additional physical therapy {freq} for the {region}",
                  "Post-operative physical therapy {freq} for the {region}"),
        "mtus": ("Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine",
                 "Low Back Complaints 2004, Section(s): Physical Methods"),
        "odg": ("Official Disability Guidelines (ODG), Physical therapy guidelines",),
        "guide": (
            "The MTUS Chronic Pain Guidelines recommend physical medicine with a fading of "
            "treatment frequency from up to 3 visits per week to 1 or less, plus active "
            "self-directed home physical medicine.",
            "For myalgia and myositis, 9-10 visits over 8 weeks are recommended, and for "
            "neuralgia, neuritis and radiculitis, 8-10 visits over 4 weeks.",
        ),
        "against": (
            "In this case, the injured worker has already completed at least 12 sessions of "
            "physical therapy and there is no documentation of objective functional improvement.",
            "The requested number of sessions exceeds the guideline recommendation and there is "
            "no explanation why the injured worker cannot continue a home exercise program.",
        ),
        "for": (
            "In this case, the injured worker has a new flare-up and has not had physical "
            "therapy for this body part, and the requested number of visits is within the "
            "guideline recommendation.",
            "The records document measurable gains in range of motion with the initial visits, "
            "which supports a short additional course.",
        ),
    },
    "chiropractic": {
        "weight": 6,
        "items": ("Chiropractic treatment {freq} for the {region}",
                  "Chiropractic manipulation {n} sessions for the {region}"),
        "mtus": ("Chronic Pain Medical Treatment 2016, Section(s): Manual therapy & manipulation",),
        "odg": ("ODG Chiropractic guidelines",),
        "guide": (
            "According to the 2016 MTUS Chronic Pain Guidelines, manipulation is recommended as "
            "an option for chronic pain caused by musculoskeletal conditions, with a trial of 6 "
            "visits over 2 weeks.",
            "With evidence of objective functional improvement, a total of up to 18 visits over "
            "6-8 weeks may be considered.",
        ),
        "against": (
            "In this case, the number of prior chiropractic visits and their outcome are not "
            "documented, and the request exceeds the recommended trial.",),
        "for": (
            "In this case, the request is for an initial trial that is within the number of "
            "visits recommended by the guidelines.",),
    },
    "acupuncture": {
        "weight": 4,
        "items": ("Acupuncture {freq} for the {region}", "Initial acupuncture, {n} sessions"),
        "mtus": ("Acupuncture Treatment 2007",),
        "odg": ("Official Disability Guidelines (ODG), Acupuncture",),
        "guide": (
            "The MTUS Acupuncture Medical Treatment Guidelines state that the time to produce "
            "functional improvement is 3 to 6 treatments, with a frequency of 1 to 3 times per week.",
            "Acupuncture treatments may be extended if functional improvement is documented.",
        ),
        "against": (
            "The injured worker has completed prior acupuncture without documented functional "
            "improvement, so additional treatment is not supported.",),
        "for": (
            "The injured worker has not had acupuncture before and an initial trial of this "
            "size is consistent with the guidelines.",),
    },
    "imaging": {
        "weight": 14,
        "items": ("MRI of the {region} without contrast", "MRI of the {region}",
                  "CT scan of the {region}", "X-ray of the {region}"),
        "mtus": ("Low Back Complaints 2004, Section(s): Special Studies",
                 "Neck and Upper Back Complaints 2004, Section(s): Special Studies",
                 "Shoulder Complaints 2004, Section(s): Special Studies",
                 "Knee Complaints 2004, Section(s): Special Studies"),
        "odg": ("Official Disability Guidelines (ODG), Low Back Chapter, MRIs (magnetic "
                "resonance imaging)", "ODG Knee and Leg Chapter, MRI's"),
        "guide": (
            "CA MTUS/ACOEM Guidelines state that unequivocal objective findings that identify "
            "specific nerve compromise on the neurologic exam are sufficient evidence to warrant "
            "imaging in patients who do not respond to treatment and would consider surgery an "
            "option.",
            "When the neurologic exam is unclear, further physiologic evidence of nerve "
            "dysfunction should be obtained before ordering an imaging study.",
            "Repeat imaging is not routinely recommended and should be reserved for a "
            "significant change in symptoms or findings suggestive of significant pathology.",
        ),
        "against": (
            "In this case, there is no documentation of red flag conditions or of specific "
            "nerve compromise on examination.",
            "There is no documentation of the injured worker's willingness to consider surgical "
            "intervention based on the outcome of the study.",
        ),
        "for": (
            "In this case, there are progressive neurologic deficits on examination despite "
            "more than six weeks of conservative care, which meets the guideline criteria.",
            "The treating surgeon documented that the study is needed for surgical planning.",
        ),
    },
    "electrodiagnostic": {
        "weight": 6,
        "items": ("EMG/NCV of the bilateral {limbs}", "EMG of the right {limb}",
                  "NCS of the left {limb}"),
        "mtus": ("Low Back Complaints 2004, Section(s): Special Studies",
                 "Neck and Upper Back Complaints 2004, Section(s): Special Studies"),
        "odg": ("Official Disability Guidelines (ODG), Low Back Chapter, Nerve conduction "
                "studies (NCS)",),
        "guide": (
            "The ACOEM Guidelines state that electromyography may be useful to identify subtle, "
            "focal neurologic dysfunction in patients with symptoms lasting more than three or "
            "four weeks.",
            "The ODG does not recommend nerve conduction studies when a patient is presumed to "
            "have symptoms on the basis of radiculopathy.",
        ),
        "against": (
            "In this case, the radiculopathy is already clinically obvious and there is no "
            "suspicion of a peripheral neuropathy that would justify the study.",),
        "for": (
            "In this case, the examination shows dermatomal sensory loss with equivocal imaging, "
            "and electrodiagnostic testing would clarify the diagnosis.",),
    },
    "injection": {
        "weight": 8,
        "items": ("{side} {level} epidural steroid injection", "Lumbar facet injection at {level}",
                  "Trigger point injections x{n} to the {region}",
                  "Cortisone injection to the {region}"),
        "mtus": ("Chronic Pain Medical Treatment 2016, Section(s): Epidural steroid injections "
                 "(ESIs)", "Low Back Complaints 2004, Section(s): Initial Care"),
        "odg": ("Official Disability Guidelines (ODG), Low Back Chapter, Facet joint injections",),
        "guide": (
            "The MTUS recommends epidural steroid injections as an option for the treatment of "
            "radicular pain when radiculopathy is documented by physical examination and "
            "corroborated by imaging or electrodiagnostic testing.",
            "Repeat blocks should be based on continued objective documented pain and functional "
            "improvement, including at least 50% pain relief for six to eight weeks.",
        ),
        "against": (
            "In this case, the examination does not document radicular findings in a dermatomal "
            "distribution and imaging does not show nerve root compression.",
            "A prior injection did not provide at least 50% relief for six weeks.",
        ),
        "for": (
            "In this case, radiculopathy is documented on examination and corroborated by MRI, "
            "and the injured worker failed conservative treatment.",),
    },
    "durable medical equipment": {
        "weight": 6,
        "items": ("TENS unit, {n} month rental", "Lumbar support brace", "Cervical pillow",
                  "Hot/cold therapy unit", "Standard wheelchair, {n} month rental",
                  "Knee brace for the {region}"),
        "mtus": ("Chronic Pain Medical Treatment 2016, Section(s): Transcutaneous electrotherapy",
                 "Low Back Complaints 2004, Section(s): Physical Methods"),
        "odg": ("Official Disability Guidelines (ODG), Knee and Leg Chapter, Durable medical "
                "equipment", "ODG Neck and Upper Back Chapter, Pillow"),
        "guide": (
            "The guidelines define durable medical equipment as equipment that can withstand "
            "repeated use, is primarily used to serve a medical purpose, and is appropriate for "
            "use in the home.",
            "A one-month home-based trial may be considered as a noninvasive option if used as "
            "an adjunct to a program of evidence-based functional restoration.",
        ),
        "against": (
            "In this case, there is no documentation of a successful trial or of how the "
            "equipment would be used within a functional restoration program.",),
        "for": (
            "In this case, the injured worker had a documented successful one-month trial with "
            "reduced medication use.",),
    },
    "surgery": {
        "weight": 4,
        "items": ("Right shoulder arthroscopic subacromial decompression",
                  "Left knee arthroscopy with partial medial meniscectomy",
                  "Right carpal tunnel release", "L4-5 lumbar microdiscectomy"),
        "mtus": ("Shoulder Complaints 2004, Section(s): Surgical Considerations",
                 "Knee Complaints 2004, Section(s): Surgical Considerations"),
        "odg": ("Official Disability Guidelines (ODG), Shoulder Chapter, Surgery for impingement "
                "syndrome",),
        "guide": (
            "The ACOEM Guidelines state that surgical consultation may be indicated for patients "
            "who have activity limitation for more than four months, failure to increase range "
            "of motion and strength after exercise programs, and clear clinical and imaging "
            "evidence of a lesion shown to benefit from surgical repair.",
            "Conservative care, including cortisone injections, should be carried out for at "
            "least three to six months before considering surgery.",
        ),
        "against": (
            "In this case, there is no documentation that the injured worker has completed "
            "three to six months of conservative care including an injection.",),
        "for": (
            "In this case, the injured worker has failed more than six months of conservative "
            "care and imaging confirms the lesion described on examination.",),
    },
    "program": {
        "weight": 3,
        "items": ("Functional restoration program, {n} days", "Work hardening program, {n} sessions",
                  "Gym membership for {n} months", "Home exercise kit"),
        "mtus": ("Chronic Pain Medical Treatment 2016, Section(s): Functional restoration programs "
                 "(FRPs)", "Chronic Pain Medical Treatment 2016, Section(s): Work conditioning, "
                 "work hardening"),
        "odg": ("Official Disability Guidelines (ODG), Low Back Chapter, Gym memberships",),
        "guide": (
            "The guidelines recommend a multidisciplinary program only when an adequate and "
            "thorough evaluation has been made, previous methods of treating chronic pain have "
            "been unsuccessful, and the patient has significant loss of ability to function.",),
        "against": (
            "In this case, the records do not show an adequate baseline evaluation or that the "
            "injured worker is motivated to change.",),
        "for": (
            "In this case, a thorough baseline evaluation was completed and all negative "
            "predictors of success have been addressed.",),
    },
    "consultation": {
        "weight": 5,
        "items": ("Pain management consultation", "Orthopedic surgeon consultation for the {region}",
                  "Follow up office visit times {n}", "Psychological evaluation"),
        "mtus": ("General Approaches 2004, Section(s): Cornerstones of Disability Prevention and "
                 "Management", "Chronic Pain Medical Treatment 2016, Section(s): Psychological "
                 "evaluations"),
        "odg": ("ACOEM, Chapter 7, Independent Medical Examinations and Consultations, page 127",),
        "guide": (
            "ACOEM guidelines state that a referral may be appropriate if the practitioner is "
            "uncomfortable with the line of inquiry, with treating a particular cause of delayed "
            "recovery, or has difficulty obtaining information or agreement to a treatment plan.",),
        "against": (
            "In this case, the records do not explain what question the consultation would "
            "answer or how it would change the treatment plan.",),
        "for": (
            "In this case, the injured worker's pain has persisted despite treatment and the "
            "diagnosis remains uncertain, so a specialist opinion is reasonable.",),
    },
    "laboratory": {
        "weight": 2,
        "items": ("Urine drug testing", "Complete blood count", "Comprehensive metabolic panel"),
        "mtus": ("Chronic Pain Medical Treatment 2016, Section(s): Drug testing",),
        "odg": ("Official Disability Guidelines (ODG), Pain (Chronic) Chapter, Urine drug testing",),
        "guide": (
            "The guidelines recommend drug testing as an option to assess for the use or the "
            "presence of illegal drugs, with frequency based on the documented risk of misuse.",),
        "against": (
            "In this case, the injured worker is at low risk and was tested within the last "
            "six months with consistent results.",),
        "for": (
            "In this case, the injured worker is on chronic opioid therapy and has not been "
            "tested in the past year.",),
    },
}
