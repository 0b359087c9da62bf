"""The 2013-2015 layouts as the real letters are laid out, in txt, HTML and PDF, and the general pass.

The fixtures in tests/fixtures/older are written in the real shapes with the
text-layer quirks seen in them: a letterhead glued to the title and date, glued
`notmedically`/`isnotmedically`, headings wrapped over two lines or in other
case, no header block, a running header (the case number) at page tops.
"""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from indexer.ingest.parser import LAYOUT_NAMES, parse_file, parse_text
from indexer.synth.render import write_pdf

OLDER = Path(__file__).parent / "fixtures" / "older"

NOTICE_ITEMS = [
    ("Norco 10/325mg #120", "Upheld", "MTUS Chronic Pain Medical Treatment Guidelines, Opioids, pages 74-96.",
     "The request for Norco 10/325mg #120 is not medically necessary and appropriate."),
    ("physical therapy two times a week for six weeks for the lumbar spine", "Overturned",
     "MTUS Physical Medicine, page 99.",
     "for six weeks for the lumbar spine is medically necessary and appropriate."),
]
EXPECTED = {
    "notice2013_glued": dict(
        layout="notice2013", case_number="CM13-0023456", decision_date="2013-09-26",
        date_assigned="2013-09-23", date_of_injury="2001-08-28", ur_denial_date="2013-08-30",
        application_received="2013-09-06", priority=None, license_states=["California"],
        specialties=["Physical Medicine and Rehabilitation"], patient_age=44, patient_gender="female",
        summary_start="The patient is a 44 year-old female with a date of Injury of 8/28/2001.",
        items=[(n, d, None, g, r) for n, d, g, r in NOTICE_ITEMS]),
    "notice2013_noheader": dict(
        layout="notice2013", case_number=None, decision_date="2013-11-04", date_assigned="2013-10-15",
        date_of_injury="2012-03-14", ur_denial_date="2013-09-20", application_received="2013-10-01",
        priority=None, license_states=["Texas"], specialties=["Occupational Medicine"],
        patient_age=None, patient_gender="female",
        summary_start="The injured worker is a female who sustained an industrial injury on 3/14/2012",
        items=[("a lumbar MRI without contrast", "Upheld", None,
                "ACOEM Low Back Complaints, Chapter 12, page 303.",
                "The request for a lumbar MRI without contrast is not medically necessary and appropriate.")]),
    "maximus_fs": dict(
        layout="maximus_fs", case_number="CM14-0101234", decision_date="2014-09-02",
        date_assigned="2014-07-30", date_of_injury="2010-02-03", ur_denial_date="2014-07-10",
        application_received="2014-07-21", priority="Standard", license_states=["California"],
        specialties=["Orthopedic Surgery"], patient_age=52, patient_gender="male",
        summary_start="The patient is a 52 year old male with right knee pain.",
        items=[("Right knee arthroscopy", "Upheld", "Decision based on MTUS Knee Complaints.",
                "Decision based on MTUS Knee Complaints, page 344.",
                "The request for right knee arthroscopy is not medically necessary."),
               ("Post-operative physical therapy x 12", "Overturned",
                "Decision based on MTUS Post-Surgical Treatment.",
                "Decision based on MTUS Post-Surgical Treatment, Knee.",
                "The MTUS supports post-operative therapy. The request is medically necessary.")]),
    "mpr2013": dict(
        layout="mpr2013", case_number=None, decision_date=None, date_assigned=None,
        date_of_injury="2011-05-06", ur_denial_date=None, application_received=None, priority=None,
        license_states=["California"], specialties=["Family Practice"], patient_age=None,
        patient_gender="female", summary_start="The injured worker is a female who was injured on 5/6/2011.",
        items=[("Tramadol ER 150mg #30", "Overturned", None,
                "MTUS Chronic Pain Medical Treatment Guidelines, Opioids and Muscle relaxants.",
                "The request for Tramadol ER 150mg #30 is medically necessary."),
               ("Cyclobenzaprine 7.5mg #60", "Upheld", None,
                "MTUS Chronic Pain Medical Treatment Guidelines, Opioids and Muscle relaxants.",
                "Muscle relaxants are for short-term use only. The request for Cyclobenzaprine 7.5mg #60 "
                "isnotmedically necessary.")]),
}


def _written(tmp_path: Path, name: str, fmt: str) -> Path:
    """The fixture as txt, as HTML (a paragraph a line) or as a PDF with a running header."""
    text = (OLDER / f"{name}.txt").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "txt":
        path.write_text(text, encoding="utf-8")
    elif fmt == "html":
        body = "\n".join(f"<p>{html.escape(ln, quote=False)}</p>" for ln in lines)
        path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    else:
        case = EXPECTED[name]["case_number"]
        blocks = [("para", ln) for ln in lines]
        blocks.insert(len(blocks) - 1, ("page", None))   # a page break inside the last rationale
        pages = write_pdf(blocks, path, footer=True, header=case)
        assert pages >= 2   # the page breaks (and their running headers) are part of the test
    return path


@pytest.mark.parametrize("fmt", ["txt", "html", "pdf"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_shapes_parse_with_every_item_date_and_credential(tmp_path, name, fmt):
    want = EXPECTED[name]
    rec = parse_file(_written(tmp_path, name, fmt))
    for key, value in want.items():
        if key not in ("items", "summary_start"):
            assert rec[key] == value, key
    assert rec["summary"].startswith(want["summary_start"])
    assert rec["items_read"] == "layout" and rec["warnings"] == [] and not rec["partial"]
    assert len(rec["items"]) == len(want["items"])
    for got, (item, decision, ca, mx, rationale_end) in zip(rec["items"], want["items"]):
        assert (got["item"], got["decision"]) == (item, decision)
        assert got["claims_administrator_guideline"] == ca and got["maximus_guideline"] == mx
        assert got["rationale"].endswith(rationale_end), got["rationale"]
        assert "CM1" not in got["rationale"]   # no running header leaked across a page break


def test_running_header_glued_to_a_page_line_does_not_leak():
    text = (OLDER / "maximus_fs.txt").read_text(encoding="utf-8")
    rec = parse_text(text)
    assert rec["items"][1]["rationale"] == ("The operative report was reviewed. The MTUS supports "
                                            "post-operative therapy. The request is medically necessary.")
    assert rec["items"][0]["rationale"].endswith("is not medically necessary.")


def test_numbered_list_printed_twice_counts_once():
    rec = parse_file(OLDER / "notice2013_glued.txt")
    assert [i["item"] for i in rec["items"]] == [n for n, *_ in NOTICE_ITEMS]


def test_registry_names_every_layout():
    assert LAYOUT_NAMES == ("header2016", "prose2014", "notice2013", "maximus_fs", "mpr2013")


# --- the general pass: letters no layout's rules accept -------------------------------------

def test_general_pass_reads_numbered_decisions_of_an_unknown_layout():
    # a real 2013 notice fragment's shape, with its title lost: no layout matches
    text = ("MAXIMUS FEDERAL SERVICES, INC.\nIndependent Medical Review\nIMR Case Number: CM13-0001111\n"
            "1) MAXIMUS Federal Services, Inc. has determined the request for TENS unit rental is\n"
            "notmedically necessary and appropriate.\n"
            "2) MAXIMUS Federal Services, Inc. has determined the request for Naproxen 550mg #60 is "
            "medically necessary and appropriate.\n"
            "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE\n"
            "1) MAXIMUS Federal Services, Inc. has determined the request for TENS unit rental is "
            "not medically necessary and appropriate.\n"
            "2) MAXIMUS Federal Services, Inc. has determined the request for Naproxen 550mg #60 is "
            "medically necessary and appropriate.\n")
    rec = parse_text(text, source="fragment.txt")
    assert rec["layout"] == "unknown" and rec["partial"] and rec["items_read"] == "general"
    assert [(i["item"], i["decision"]) for i in rec["items"]] == [
        ("TENS unit rental", "Upheld"), ("Naproxen 550mg #60", "Overturned")]
    assert rec["case_number"] == "CM13-0001111"
    assert any("general pass" in w for w in rec["warnings"])


def test_general_pass_when_a_known_layout_finds_no_items():
    # MPR report whose issue section is missing: its rules find nothing, the decision lines remain
    text = ("MEDICAL PROFESSIONAL REVIEW\nISSUE AT DISPUTE:\nCASE SUMMARY:\nThe patient is a 40 year old man.\n"
            "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY:\n"
            "Acupuncture x 6: Upheld\nDecision rationale: No functional improvement was shown.\n"
            "Lumbar brace: Overturned\nDecision rationale: The brace is supported.\n")
    rec = parse_text(text)
    assert rec["layout"] == "mpr2013" and rec["items_read"] == "general" and not rec["partial"]
    assert [(i["item"], i["decision"], i["rationale"]) for i in rec["items"]] == [
        ("Acupuncture x 6", "Upheld", "No functional improvement was shown."),
        ("Lumbar brace", "Overturned", "The brace is supported.")]
    assert any("mpr2013 layout's rules found no items: 2 read by the general pass" in w
               for w in rec["warnings"])


def test_decisions_that_no_pass_can_read_are_flagged():
    text = "Independent Medical Review\nThe reviewer found that this treatment is not medically necessary.\n"
    rec = parse_text(text)
    assert rec["items"] == [] and rec["decisions_unread"] is True
    assert rec["items_read"] is None
    quiet = parse_text("Independent Medical Review\nThe file was closed.\n")
    assert quiet["decisions_unread"] is False


def test_index_summary_names_letters_whose_decisions_were_not_read(tmp_path):
    from click.testing import CliRunner

    import indexer.cli.ingest  # noqa: F401  (registers the commands)
    from indexer.cli import EXIT_OK, cli

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text((OLDER / "notice2013_glued.txt").read_text(encoding="utf-8"))
    unread = folder / "unread.txt"
    unread.write_text("Independent Medical Review\nThis treatment is not medically necessary.\n")
    result = CliRunner(mix_stderr=False).invoke(
        cli, ["index", str(folder), "--index", str(tmp_path / "ix"), "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == EXIT_OK, result.output
    assert "indexed 2 letters, 2 items" in result.stdout
    assert result.stderr.splitlines() == [
        f"no items read from {unread}: it states decisions; please report this file"]


def test_first_two_pages_of_a_notice_still_give_its_decisions_and_dates():
    # as the fragment found in public material: the letter cut after the prose dates
    text = (OLDER / "notice2013_glued.txt").read_text(encoding="utf-8")
    fragment = text[:text.index("Medical Qualifications")]
    rec = parse_text(fragment)
    assert rec["layout"] == "notice2013" and rec["items_read"] == "layout"
    assert [(i["item"], i["decision"]) for i in rec["items"]] == [(n, d) for n, d, *_ in NOTICE_ITEMS]
    assert (rec["case_number"], rec["decision_date"], rec["date_assigned"], rec["ur_denial_date"],
            rec["application_received"]) == ("CM13-0023456", "2013-09-26", "2013-09-23", "2013-08-30",
                                             "2013-09-06")


def test_running_header_across_a_page_break_of_a_2016_letter():
    seed = Path(__file__).parent / "fixtures" / "seeds" / "001_3c5fa3563d311aff.txt"
    want = parse_file(seed)["items"][0]["rationale"]
    text = seed.read_text(encoding="utf-8").replace(
        "state that exercise is recommended. They go on",
        "state that exercise is recommended.\n\fCM14-0046246\nThey go on").replace(
        "Plus, treatment needs", "\n\fCM14-0046246 Plus, treatment needs")
    rec = parse_text(text)
    assert rec["case_number"] == "CM14-0046246"
    assert rec["items"][0]["rationale"] == want
