"""Parser tests on real letters with their hand-labelled expected JSON."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from indexer.errors import ExtractError, NotALetter
from indexer.ingest.evaluation import Accuracy, compare, evaluate, letter_pairs, synthetic_pairs
from indexer.ingest.parser import LAYOUT_NAMES, parse_file, parse_text
from indexer.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("seed", sorted((FIXTURES / "seeds").glob("*.txt")), ids=lambda p: p.stem)
def test_seed_letters_match_expected_json(seed):
    want = json.loads((FIXTURES / "expected" / (seed.stem + ".json")).read_text())
    acc = Accuracy()
    compare(parse_file(seed), want, seed.name, acc)
    assert acc.mismatches == []


@functools.lru_cache(maxsize=None)
def _real_records(shared: Path, engine: str) -> dict[str, dict]:
    """Every shared letter parsed once per engine (pdfplumber takes ~0.5 s a letter)."""
    return {src.name: parse_file(src, Settings(pdf_engine=engine)) for src, _ in letter_pairs(shared)}


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_accuracy_bar_on_all_real_letters(shared_letters, engine):
    pairs = letter_pairs(shared_letters)
    assert len(pairs) >= 103
    acc = Accuracy()
    records = _real_records(shared_letters, engine)
    for src, exp in pairs:
        compare(records[src.name], json.loads(exp.read_text()), src.name, acc)
    assert acc.bar_met(), acc.mismatches[:10]
    # guidelines and rationale boundaries are right too, not only the bar fields
    assert acc.mismatches == []


def test_both_pdf_engines_give_the_same_record_on_every_letter(shared_letters):
    a, b = _real_records(shared_letters, "pdfium"), _real_records(shared_letters, "pdfplumber")
    assert len(a) == len(b) >= 103
    for name in a:
        assert a[name] == b[name], name


def test_modified_request_keeps_heading_and_eligible_portion(shared_letters):
    rec = parse_file(shared_letters / "pdf" / "CM17-0007300.pdf")
    item = rec["items"][1]
    assert item["item"].startswith("One month supply of Trezix capsule 320.5/30/16mg was the original request.")
    assert item["item"].endswith("30.5/30/16mg is")
    assert item["eligible_portion"] == "one month supply of Trezix capsule 30.5/30/16mg"
    assert item["decision"] == "Upheld"


def test_record_has_derived_fields():
    rec = parse_file(FIXTURES / "seeds" / "001_3c5fa3563d311aff.txt")
    assert rec["id"] == "CM14-0046246"
    assert rec["layout"] == "header2016"
    assert rec["outcome"] == "Upheld"
    assert rec["format"] == "txt" and len(rec["content_hash"]) == 64
    assert "aquatic therapy" in rec["summary"]
    assert rec["items"][0]["rationale"].endswith("personal trainer is not medically necessary.")
    no_header = parse_file(FIXTURES / "seeds" / "002_724941ea73516dbd.txt")
    assert no_header["case_number"] is None and no_header["id"].startswith("H")
    assert no_header["layout"] == "prose2014"


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("fmt", ["txt", "html", "pdf"])
def test_every_layout_and_format_parses_exactly(tmp_path, layout, fmt):
    from indexer.synth import generate

    generate(6, tmp_path, formats=(fmt,), seed=11, layouts=(layout,))
    acc = evaluate(synthetic_pairs(tmp_path), Settings())
    assert acc.total["parsed"] == 6
    assert acc.mismatches == []


def test_unknown_layout_becomes_flagged_partial_record():
    text = ("Independent Medical Review\nCase Number: CM15-0001234\nDecision Date: 03/04/2015\n"
            "The reviewer has determined the request for lumbar MRI is not medically necessary.\n")
    rec = parse_text(text, source="odd.txt")
    assert rec["partial"] is True and rec["layout"] == "unknown"
    assert rec["case_number"] == "CM15-0001234" and rec["decision_date"] == "2015-03-04"
    assert rec["items"][0]["item"] == "lumbar MRI" and rec["items"][0]["decision"] == "Upheld"
    assert any("unknown letter layout" in w for w in rec["warnings"])


def test_text_that_is_not_a_letter_is_refused():
    with pytest.raises(NotALetter, match="not an IMR determination letter"):
        parse_text("Quarterly sales report\nRevenue grew.\n", source="sales.txt")


def test_text_decoding_cp1252_bom_crlf(tmp_path):
    seed = (FIXTURES / "seeds" / "001_3c5fa3563d311aff.txt").read_text()
    want = parse_file(FIXTURES / "seeds" / "001_3c5fa3563d311aff.txt")
    variants = {
        "bom.txt": b"\xef\xbb\xbf" + seed.encode(),
        "crlf.txt": seed.replace("\n", "\r\n").encode(),
        "cp1252.txt": seed.replace("patient's", "patient\u2019s").encode("cp1252"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
        got = parse_file(tmp_path / name)
        assert got["items"][0]["item"] == want["items"][0]["item"], name
        assert got["case_number"] == "CM14-0046246", name


def test_html_letter_tables_breaks_entities(tmp_path):
    html = """<html><body><table>
      <tr><td>Case Number:</td><td>CM16-0000001</td></tr>
      <tr><td>Date Assigned:</td><td>11/09/2016</td><td>Date of Injury:</td><td>10/13/2016</td></tr>
      <tr><td>Decision Date:</td><td>12/09/2016</td><td>UR Denial Date:</td><td>11/03/2016</td></tr>
      <tr><td>Priority:</td><td>Standard</td><td>Application<br>Received:</td><td>11/03/2016</td></tr></table>
      <p>HOW THE IMR FINAL DETERMINATION WAS MADE</p>
      <p>State(s) of Licensure: California</p><p>Certification(s)/Specialty: Family Practice</p>
      <p>CLINICAL CASE SUMMARY</p><p>The injured worker is a 48 year old female &amp; nurse.</p>
      <p>IMR ISSUES, DECISIONS AND RATIONALES</p>
      <p>The Final Determination was based on decisions for the disputed items/services set forth below:</p>
      <p>Norco 10/325mg #120:<br>Overturned</p>
      <p>Claims Administrator guideline: Decision based on MTUS.</p>
      <p>MAXIMUS guideline: Decision based on MTUS Opioids.</p>
      <p>Decision rationale: The request is medically necessary &#8212; as documented.</p>
      </body></html>"""
    (tmp_path / "l.html").write_text(html)
    rec = parse_file(tmp_path / "l.html")
    assert rec["format"] == "html" and rec["application_received"] == "2016-11-03"
    assert rec["items"] == [{"item": "Norco 10/325mg #120", "decision": "Overturned", "eligible_portion": None,
                             "claims_administrator_guideline": "Decision based on MTUS.",
                             "maximus_guideline": "Decision based on MTUS Opioids.",
                             "rationale": "The request is medically necessary \u2014 as documented."}]
    assert rec["patient_gender"] == "female" and "& nurse" in rec["summary"]


def test_page_lines_go_but_prose_mentioning_pages_stays():
    seed = (FIXTURES / "seeds" / "001_3c5fa3563d311aff.txt").read_text()
    text = seed.replace("Decision rationale: Regarding", "Page 2 of 3\n\fDecision rationale: Regarding")
    text = text.replace("exercise is recommended.", "exercise is recommended, see\npage 82 of the MTUS.")
    rec = parse_text(text)
    rationale = rec["items"][0]["rationale"]
    assert "Page 2 of 3" not in rationale and "see page 82 of the MTUS." in rationale


BAD = {
    "empty.pdf": (b"", "empty file"),
    "blank.txt": (b"   \n\n", "empty file"),
    "notpdf.pdf": (b"PK\x03\x04 this is a zip file" * 20, "not a PDF"),
    "truncated.pdf": (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "PDF"),
    "binary.txt": (bytes(range(256)) * 40, "binary data"),
    "page.html": (b"<html><body><h1>Cat pictures</h1><p>Nice cats.</p></body></html>", "not an IMR"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_raise_one_clear_reason(tmp_path, name):
    data, reason = BAD[name]
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ExtractError) as err:
        parse_file(tmp_path / name)
    assert reason in err.value.reason and "\n" not in str(err.value)
    assert str(tmp_path / name) in str(err.value)


def _pdf(tmp_path, draw, **kw) -> Path:
    from reportlab.pdfgen import canvas

    path = tmp_path / "made.pdf"
    c = canvas.Canvas(str(path), **kw)
    draw(c)
    c.save()
    return path


def test_image_only_pdf_says_ocr_is_not_supported(tmp_path):
    path = _pdf(tmp_path, lambda c: c.rect(100, 100, 200, 200, fill=1))
    for engine in ("pdfium", "pdfplumber"):
        with pytest.raises(ExtractError, match="OCR is not supported"):
            parse_file(path, Settings(pdf_engine=engine))


def test_password_protected_pdf_is_refused_by_both_engines(tmp_path):
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", strength=128)
    path = _pdf(tmp_path, lambda c: c.drawString(100, 700, "Independent Medical Review"), encrypt=enc)
    for engine in ("pdfium", "pdfplumber"):
        with pytest.raises(ExtractError, match="password-protected"):
            parse_file(path, Settings(pdf_engine=engine))


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(ExtractError, match="too large"):
        parse_file(path, Settings(max_file_bytes=1024))
