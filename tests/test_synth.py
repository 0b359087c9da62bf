"""The synthetic letter generator: deterministic, complete, realistic, and true to its ground truth."""
from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import pytest

from indexer.cli import EXIT_FATAL
from indexer.errors import ImrError
from indexer.synth import FORMATS, LAYOUTS, generate
from indexer.synth import layouts as lay
from indexer.synth.older import short_date

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "seeds"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _letter_text(path: Path) -> str:
    """The letter's words, whitespace collapsed, as a parser would see them."""
    if path.suffix == ".pdf":
        import pdfplumber
        with pdfplumber.open(path) as pdf:
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        text = re.sub(r"(?m)^CM99-\d{7}$", " ", text)   # the running header at the top of a page
        return _flat(re.sub(r"Page \d+ of \d+", " ", text))
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        raw = html.unescape(re.sub(r"<[^>]+>", " ", raw)).replace("\u2019", "'")
    return _flat(raw)


def _expected(path: Path) -> dict:
    return json.loads((path.parent / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """500 txt letters (fast) used for the distribution checks."""
    return generate(500, tmp_path_factory.mktemp("synth500"), formats=("txt",), seed=11)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> list[Path]:
    """Every layout in every format."""
    return generate(len(LAYOUTS) * len(FORMATS), tmp_path_factory.mktemp("mixed"),
                    formats=FORMATS, seed=5)


def test_same_seed_gives_byte_identical_letters(tmp_path):
    a = generate(40, tmp_path / "a", formats=("txt", "html"), seed=3)
    b = generate(40, tmp_path / "b", formats=("txt", "html"), seed=3)
    for x, y in zip(a, b):
        assert x.name == y.name and x.read_bytes() == y.read_bytes()
        assert _expected(x) == _expected(y)
    c = generate(40, tmp_path / "c", formats=("txt", "html"), seed=4)
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]


def test_pdf_is_byte_identical_too(tmp_path):
    a = generate(5, tmp_path / "a", formats=("pdf",), seed=2)
    b = generate(5, tmp_path / "b", formats=("pdf",), seed=2)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_counts_and_every_layout_in_every_format(mixed):
    assert len(mixed) == 15 and len(set(mixed)) == 15
    combos = {(_expected(p)["layout"], p.suffix[1:]) for p in mixed}
    assert combos == {(lay_, fmt) for lay_ in LAYOUTS for fmt in FORMATS}
    assert len(list((mixed[0].parent / "expected").glob("*.json"))) == 15


def test_letters_are_marked_synthetic(mixed):
    for path in mixed:
        text, exp = _letter_text(path), _expected(path)
        assert lay.MARKER in text[:200]  # html: after the <title>
        assert exp["synthetic"] is True
        if exp["case_number"]:
            assert re.fullmatch(r"CM99-\d{7}", exp["case_number"]) and exp["case_number"] in text


def test_expected_json_matches_what_was_rendered(mixed):
    for path in mixed:
        text, exp = _letter_text(path), _expected(path)
        assert _flat(exp["summary"]) in text, path
        for item in exp["items"]:
            for key in ("item", "claims_administrator_guideline", "maximus_guideline", "rationale"):
                if item[key] is None:   # the 2013 notice and the MPR report cite one guideline only
                    assert key == "claims_administrator_guideline", (path, key)
                    assert exp["layout"] in ("notice2013", "mpr2013"), path
                    continue
                assert _flat(item[key]) in text, (path, key)
            assert item["rationale"].startswith(item["rationale_start"])
            assert item["rationale"].endswith(item["rationale_end"])
        for field in ("date_of_injury", "decision_date", "ur_denial_date", "application_received"):
            # without a header block the injury date is the summary's, in its own wording
            if exp[field] and exp["case_number"] and exp["layout"] != "prose2014":
                assert lay.us_date(exp[field]) in text or short_date(exp[field]) in text, (path, field)
        for name in exp["specialties"] + exp["license_states"]:
            assert name in text


@pytest.mark.slow
def test_decision_wording_per_layout(mixed):
    for path in mixed:
        text, exp = _letter_text(path), _expected(path)
        for n, item in enumerate(exp["items"], 1):
            name, decision = _flat(item["item"]), item["decision"]
            verdict = "not medically necessary" if decision == "Upheld" else "medically necessary"
            if exp["layout"] == "notice2013":   # printed twice; the text layer may glue 'notmedically'
                wording = (f"{n}) MAXIMUS Federal Services, Inc. has determined the request for {name} "
                           f"is {verdict} and appropriate.")
                assert text.count(wording) + text.count(wording.replace("not medically", "notmedically")) == 2
                assert f"{n}) Regarding the request for {name}:" in text
                continue
            wording = {
                "header2016": f"{name}: {decision}", "prose2014": f"{name}: {decision}",
                "maximus_fs": f"{name}: {decision}",
                "mpr2013": f"the request for {name} is {verdict}.",
            }[exp["layout"]]
            assert wording in text, (path, wording)


def test_older_layouts_have_their_real_headings(mixed):
    headings = {
        "notice2013": ("Notice of Independent Medical Review Determination", "Dated:",
                       "INDEPENDENT MEDICAL REVIEW DECISION AND RATIONALE",
                       "Medical Qualifications of the Expert Reviewer:", "Case Summary:",
                       "Disclaimer: The following case summary was taken directly from the utilization "
                       "review denial/modification dated", "Documents Reviewed for Determination:",
                       "Rationale for the Decision:"),
        "maximus_fs": ("MAXIMUS FEDERAL SERVICES, INC.", "UR Denial Date:", "HOW THE IMR FINAL "
                       "DETERMINATION WAS MADE", "DOCUMENTS REVIEWED", "CLINICAL CASE SUMMARY",
                       "IMR DECISION(S) AND RATIONALE(S)"),
        "mpr2013": ("MEDICAL PROFESSIONAL REVIEW", "ISSUE AT DISPUTE:", "CASE SUMMARY:",
                    "DOCUMENTS REVIEWED FOR DETERMINATION:", "MEDICAL REVIEWER QUALIFICATIONS:"),
    }
    seen = set()
    for path in mixed:
        exp = _expected(path)
        if exp["layout"] in headings:
            text = _letter_text(path).upper()
            seen.add(exp["layout"])
            for words in headings[exp["layout"]]:
                assert _flat(words).upper() in text, (path, words)
    assert seen == set(headings)


def test_pdf_page_count_is_recorded(mixed):
    import pdfplumber
    for path in (p for p in mixed if p.suffix == ".pdf"):
        with pdfplumber.open(path) as pdf:
            assert _expected(path)["pages"] == len(pdf.pages) >= 1


def test_distributions_are_realistic(corpus):
    records = [_expected(p) for p in corpus]
    items = [i for r in records for i in r["items"]]
    overturned = sum(i["decision"] == "Overturned" for i in items) / len(items)
    assert 0.05 <= overturned <= 0.20
    assert all(1 <= len(r["items"]) <= 5 for r in records)
    assert 1.8 <= len(items) / len(records) <= 2.8
    assert all(150 <= len(r["summary"].split()) <= 400 for r in records)
    assert all(100 <= len(i["rationale"].split()) <= 300 for i in items)
    assert 0.5 <= sum(r["priority"] in ("Standard", None) for r in records) / len(records)
    assert any(r["priority"] == "Expedited" for r in records)
    assert any(i["eligible_portion"] for i in items)
    assert any(i["item"].startswith("Associated surgical service: ") for i in items)
    assert {r["layout"] for r in records} == set(LAYOUTS)


def test_dates_are_in_order(corpus):
    keys = ("date_of_injury", "ur_denial_date", "application_received", "date_assigned",
            "decision_date")
    for r in map(_expected, corpus):
        found = [date.fromisoformat(r[k]) for k in keys if r[k]]
        assert found == sorted(found) and len(set(found)) == len(found)
        assert all(2006 <= d.year <= 2017 for d in found)


def test_modified_requests_name_their_eligible_portion(corpus):
    modified = [i for r in map(_expected, corpus) for i in r["items"] if i["eligible_portion"]]
    assert modified
    for item in modified:
        assert item["item"].endswith(f"The remaining IMR eligible portion of the original "
                                     f"request, {item['eligible_portion']} is")


def test_fixed_phrases_are_those_of_the_real_letters():
    real = " ".join(_flat(p.read_text(encoding="utf-8")) for p in FIXTURES.glob("*.txt"))
    for phrase in (lay.HOW_MADE, lay.SUMMARY_INTRO, lay.ISSUES, lay.FINAL_BASIS,
                   "The Expert Reviewer has the following credentials:",
                   "State(s) of Licensure:", "Certification(s)/Specialty:",
                   "Claims Administrator guideline:", "MAXIMUS guideline:", "Decision rationale:"):
        assert phrase in real, phrase


def test_vocabulary_comes_from_the_real_letters(corpus, shared_letters):
    real = [json.loads(p.read_text()) for p in (shared_letters / "expected").glob("*.json")]
    specialties = {s for r in real for s in r["specialties"]}
    states = {s for r in real for s in r["license_states"]}
    for r in map(_expected, corpus):
        assert set(r["specialties"]) <= specialties
        assert set(r["license_states"]) <= states


def test_unknown_layout_or_format_is_refused(tmp_path):
    with pytest.raises(ImrError, match="layout"):
        generate(1, tmp_path, layouts=("letter1999",))
    with pytest.raises(ImrError, match="format"):
        generate(1, tmp_path, formats=("docx",))


def test_cli_writes_letters_and_exits_2_on_bad_input(tmp_path, runner):
    ok = runner("synth", "--letters", "6", "--out", tmp_path / "s",
                "--formats", "txt,html", "--seed", "1", "--layouts", "mpr2013,prose2014")
    assert ok.exit_code == 0, ok.output
    assert len(list((tmp_path / "s").glob("*.txt"))) + len(list((tmp_path / "s").glob("*.html"))) == 6
    bad = runner("synth", "--letters", "1", "--out", tmp_path / "b", "--formats", "doc")
    assert bad.exit_code == EXIT_FATAL and "choose from" in bad.stderr
