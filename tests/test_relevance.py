"""Search relevance on judged sets (scripts/relevance.py): the means must not fall below the bars.

The full set (tests/fixtures/relevance/judged.json) judges the labelled letters of
../shared/letters and is skipped without them; the seeds set (seeds.json) judges the
five bundled seed letters alone and always runs. The bars are what main measured when
the sets were made, rounded down; raise them as the search improves.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "relevance"
# Measured on main 9638798: 0.972 / 0.947, seeds 1.0 / 1.0. Earlier: 10ccc10 0.810 / 0.807
# (seeds 0.90 / 0.90); before issue 12's search work, 9ea00d2, 0.716 / 0.621 (seeds 0.867 / 0.800).
# vocab3 (sides, opioid release, associated surgical services, joins, best effort): 0.990 / 0.982.
# All of issue 27's third pass (query4, procs4, drugs4 merged): 1.000 / 0.997.
SHARED_BARS = {"mean_recall": 0.99, "mean_r_precision": 0.99}
# The held-out sets on the real corpus with the vocabulary (issue 27), rounded down; regression bars only,
# never tuned against. heldout.json 0.920 / 0.886 (0.729 / 0.685 before the vocabulary);
# heldout_vocabulary.json 0.923 / 0.905 (0.435 / 0.417 before; 0.863 / 0.833 at its one held-out
# measurement, before the data pass that followed it); heldout_v2.json 0.855 / 0.833 (judged after the
# data pass, first measured at 0.844 / 0.822 before the compounded-topical composite).
# After vocab3 (measured on these sets while the work could see them, so no longer held-out figures):
# heldout.json 0.935 / 0.901, heldout_vocabulary.json 0.948 / 0.930, heldout_v2.json 0.930 / 0.915.
# After how a query is read (branch query4, 2026-12-07; sets the work could see): heldout.json
# 0.946 / 0.908, heldout_vocabulary.json 0.951 / 0.933, heldout_v2.json 0.974 / 0.954, heldout_v3.json
# 0.965 / 0.956. With procs4 and drugs4 merged too (main 936d591; sets the work could see): heldout.json
# 1.000 / 0.967, heldout_vocabulary.json 0.988 / 0.970, heldout_v2.json 1.000 / 0.983, heldout_v3.json
# 1.000 / 0.995.
# With the second vocabulary data round (branch data5, 2026-12-07; sets the work could see): heldout.json
# 1.000 / 0.985, heldout_v4.json 0.960 / 0.935 (6 answering nothing), the others unchanged.
HELDOUT_BARS = {"heldout.json": {"mean_recall": 0.99, "mean_r_precision": 0.98},
                "heldout_vocabulary.json": {"mean_recall": 0.98, "mean_r_precision": 0.96},
                "heldout_v2.json": {"mean_recall": 0.99, "mean_r_precision": 0.98},
                # Judged blind on 2026-12-07 before vocab3, measured once after it: 0.896 / 0.890
                # (0.821 / 0.815 on main fe9b335, before vocab3); 0.889 / 0.884 once the best effort
                # no longer drops a word where the words match and the filters empty the page.
                "heldout_v3.json": {"mean_recall": 0.99, "mean_r_precision": 0.99},
                # Judged blind on 2026-12-07 (220 queries, 32 negatives) before query4, procs4 and drugs4,
                # measured once after them on main 936d591: 0.888 / 0.847, 13 answering nothing (0.800 /
                # 0.755 and 25 on main 56913f3, before them); negatives largest 2.1% before and after.
                # After the second reading round alone (read5, seen, so no held-out figure): 0.939 / 0.912,
                # 7; with data5 too: see the bar's comment above the table.
                # After the third reading round (read6, 2026-12-07; seen): 0.988 / 0.968, 2 answering nothing.
                "heldout_v4.json": {"mean_recall": 0.98, "mean_r_precision": 0.96},
                # Judged blind on 2026-12-07 (258 queries, 27 negatives) before data5 and read5, measured
                # once after them on main b89f416: 0.894 / 0.863, 12 answering nothing, negatives largest
                # 2.6% (main 11778f6 before them: 0.849 / 0.814, 18; main 56913f3 at the session's start:
                # 0.735 / 0.705, 30, 5.8%). After the third data round (data6, seen): 0.960 / 0.926, 3.
                # After the third reading round (read6, 2026-12-07; seen, so no held-out figure): 0.957 /
                # 0.932, 3 answering nothing (alone, on main 0002149); with data6 too (merged on main
                # cddb260): 0.992 / 0.967, 0 answering nothing.
                # Decisions, rates and generic words (intent6, seen) alone: 0.908 / 0.877, 12.
                "heldout_v5.json": {"mean_recall": 0.99, "mean_r_precision": 0.96},
                # Judged blind on 2026-12-07 (288 queries, 27 negatives) before read6, data6 and mem6, measured
                # on main 2c7e31d before them: 0.925 / 0.892, 7 answering nothing; once after them (b725d6a):
                # 0.954 / 0.921, 4 answering nothing, negatives largest 2.1%. Its misses were read then
                # (intent6 was briefed from them): after intent6, 0.982 / 0.951, 1; after read7 and data7,
                # the same (7d8aaa3).
                "heldout_v6.json": {"mean_recall": 0.98, "mean_r_precision": 0.95},
                # Judged blind on 2026-12-07 (250 queries, 22 negatives, its duplicates of heldout_v6 removed;
                # 249 once `right hip`, also heldout_v4's, was dropped)
                # before read6, data6, mem6 and intent6: 0.858 / 0.844, 17 answering nothing on main 2c7e31d;
                # once after them (c0b1b15): 0.907 / 0.892, 15, negatives largest 1.6%. Its misses briefed
                # read7 and data7: after them (7d8aaa3), 0.977 / 0.962, 2; 0.977 / 0.961 with 249 queries.
                # The fifth round on queries that answer nothing (read9, 2026-12-07; seen): 0.985 / 0.9695, 0.
                "heldout_v7.json": {"mean_recall": 0.98, "mean_r_precision": 0.96},
                # Judged blind on 2026-12-07 (199 queries, 22 negatives, its duplicates of heldout_v6 and v7
                # removed): 0.891 / 0.871, 8 answering nothing at the session's start (0002149); 0.923 /
                # 0.910, 6 after read6, data6, mem6 and intent6 (c0b1b15); 0.930 / 0.917, 5 after read7
                # and data7 (7d8aaa3), negatives largest 2.6%: three blind measurements. Its five queries
                # answering nothing then read (a hyphen read as a minus, pre-surgery, coagulation, spelling by
                # ear, 3x/wk, a question around a UR's modification): 0.955 / 0.942, none answering nothing.
                "heldout_v8.json": {"mean_recall": 0.95, "mean_r_precision": 0.94},
                # Judged blind on 2026-12-07 (222 queries, 29 negatives; clinic and claims shorthand) before
                # the session's work: 0.878 / 0.831, 19 answering nothing on main 26e057c, negatives largest
                # 2.6%. Its misses were read then, to brief the fifth round (heldout_v10 stays blind).
                # After the fifth round on queries that answer nothing alone (read9, 2026-12-07: the best effort
                # as a coordination level, coverage questions, a modification with a treatment, X only; seen):
                # 0.965 / 0.911, 1 answering nothing, negatives largest 2.6%; after the fifth data round alone
                # (data9, seen): 0.945 / 0.901, 8 answering nothing; after rank9 alone (numbers, schedules,
                # qualifiers; seen): 0.898 / 0.884, 15.
                "heldout_v9.json": {"mean_recall": 0.96, "mean_r_precision": 0.91},
                # Judged blind on 2026-12-07 (234 queries, 24 negatives, its duplicates of heldout_v9 removed;
                # lay words, whole sentences, researchers' questions): 0.796 / 0.761, 30 answering nothing on
                # main 26e057c; 0.890 / 0.847, 8, after read9 and data9 (d6cd957); 0.890 / 0.848, 8, after
                # the whole fifth round (6d689a7), negatives largest 1.6%. Its misses were read then, to brief
                # the sixth round (heldout_v11 stays blind). After the sixth round's reading (read10, seen):
                # 0.965 / 0.917, 2 answering nothing, negatives largest 1.6%.
                "heldout_v10.json": {"mean_recall": 0.96, "mean_r_precision": 0.91},
                # Judged blind on 2026-12-07 (216 queries, 25 negatives, every user mixed; a third over three
                # words) after the fifth round: 0.881 / 0.850, 18 answering nothing at the session's start
                # (26e057c, measured afterwards with that code); 0.960 / 0.929, 1, after the fifth round
                # (6d689a7) and the same after the sixth (read10, data10; main c937be9), negatives largest
                # 2.6%. Its misses then briefed the seventh round: after its reading (read11, seen, so no
                # held-out figure): 0.987 / 0.974, 0 answering nothing.
                "heldout_v11.json": {"mean_recall": 0.97, "mean_r_precision": 0.95},
                # Judged blind on 2026-12-07 (213 queries, 27 negatives; a day's search log: terse
                # fragments, shorthand, a treatment with a decision, year, specialty or guideline) before
                # the seventh round: 0.905 / 0.882, 3 answering nothing, negatives largest 11.1% (`chiropractic
                # 2016`: no such decision, so the year fell back to text and found the MTUS 2016 citations)
                # on main 4a2edc1; 0.917 / 0.894, 3, after it (read11, data11; main e646fca). Its misses then
                # briefed the eighth round (heldout_v13 stays blind); 0.934 / 0.907, 3, negatives largest 2.1%
                # after read12 alone; 0.968 / 0.946, 1, 2.1% after the whole eighth round (read12, data12;
                # main ebdcf88; seen).
                "heldout_v12.json": {"mean_recall": 0.96, "mean_r_precision": 0.94},
                # Judged blind on 2026-12-07 (228 queries, 25 negatives, its duplicates of heldout_v12 removed;
                # each kind of user phrasing the same need, RFA lines, claim notes, lists and "vs") before the
                # seventh round: 0.900 / 0.885, 4 answering nothing (main 6ca1f84); 0.906 / 0.887, 4, after
                # it (e646fca); 0.910 / 0.891, 5, after the eighth (ebdcf88), negatives largest 2.6%: three
                # blind measurements. Its misses briefed the ninth round (seen): 0.929 / 0.913 after data13 alone,
                # 0.963 / 0.948 after read13 alone, 0.982 / 0.971 with both, none answering nothing, negatives
                # largest 2.6%.
                "heldout_v13.json": {"mean_recall": 0.97, "mean_r_precision": 0.96},
                # Judged blind on 2026-12-07 (322 queries, 28 negatives; every kind of user, deduplicated
                # against every set before it) before the ninth round: 0.929 / 0.911, 10 answering nothing,
                # negatives largest 1.1% (main 4838ca8); 0.941 / 0.924, 8, after it (read13, data13; main
                # 1110408): two blind measurements. Its misses then briefed the tenth round (seen): 0.979 /
                # 0.965 after read14 alone, 0.950 / 0.935 after data14 alone, 0.988 / 0.975 with both (main
                # 2582e11), one answering nothing, negatives largest 1.1%.
                "heldout_v14.json": {"mean_recall": 0.98, "mean_r_precision": 0.97},
                # Judged blind on 2026-12-07 (297 queries, 29 negatives; deduplicated against every set
                # before it, heldout_v14 included) after the ninth round's briefs were written: 0.924 / 0.902,
                # 6 answering nothing, with the code before the ninth round (4838ca8); 0.935 / 0.914, 4, after
                # it (1110408); 0.940 / 0.925, 3, after the tenth (2582e11), negatives largest 1.6%: three
                # blind measurements, its misses not yet read.
                "heldout_v15.json": {"mean_recall": 0.93, "mean_r_precision": 0.91}}
SEEDS_BARS = {"mean_recall": 1.0, "mean_r_precision": 1.0}
# The largest share of the corpus a negative (a query nothing relevant answers) may return: the
# issue's target, met on every set with negatives since query4 (largest 2.6%, heldout_v3.json).
NEGATIVES_BAR = 0.05


def _script():
    from scripts import relevance

    return relevance


@pytest.fixture(scope="module")
def relevance():
    """The scripts/relevance.py module."""
    return _script()


@pytest.fixture(scope="module")
def seeds_settings(relevance, tmp_path_factory):
    """Settings of an index of the seed letters alone."""
    return relevance.build_index(tmp_path_factory.mktemp("relevance_seeds"), [SEEDS])


@pytest.fixture(scope="module")
def seeds_report(relevance, seeds_settings):
    """The seeds set evaluated on an index of the seed letters alone."""
    return relevance.evaluate(relevance.load_judged(FIXTURES / "seeds.json"), seeds_settings)


@pytest.fixture(scope="module")
def shared_report(relevance, real_index):
    """The full set evaluated on the real corpus's index (seeds + the shared PDFs; skips without them)."""
    return relevance.evaluate(relevance.load_judged(FIXTURES / "judged.json"), real_index)


@pytest.mark.parametrize("name, least", [("judged.json", 45), ("seeds.json", 8), ("heldout_vocabulary.json", 60),
                                         ("heldout_v2.json", 60),
                                         ("heldout_v3.json", 80), ("heldout_v4.json", 120), ("heldout_v6.json", 150),
                                         ("heldout_v7.json", 150), ("heldout_v8.json", 150), ("heldout_v9.json", 150),
                                         ("heldout_v10.json", 150), ("heldout_v11.json", 150),
                                         ("heldout_v12.json", 150), ("heldout_v13.json", 150),
                                         ("heldout_v14.json", 150), ("heldout_v15.json", 150),
                                         ("heldout_v5.json", 150)])
def test_judged_sets_are_well_formed(name, least):
    judged = json.loads((FIXTURES / name).read_text())
    queries = [q["q"] for q in judged["queries"]]
    assert len(queries) >= least and len(set(queries)) == len(queries)
    for q in judged["queries"]:
        assert q["relevant"] and len(set(q["relevant"])) == len(q["relevant"]), q["q"]
        assert all(j in judged["items"] for j in q["relevant"]), q["q"]


@pytest.mark.parametrize("name", ["heldout_vocabulary.json", "heldout_v2.json", "heldout_v3.json", "heldout_v4.json",
                                  "heldout_v5.json", "heldout_v6.json", "heldout_v7.json", "heldout_v8.json",
                                  "heldout_v9.json", "heldout_v10.json",
                                  "heldout_v11.json", "heldout_v12.json", "heldout_v13.json", "heldout_v14.json",
                                  "heldout_v15.json"])
def test_negatives_are_well_formed(name):
    judged = json.loads((FIXTURES / name).read_text())
    negatives = [n["q"].lower() for n in judged["negatives"]]
    assert 5 <= len(negatives) <= 40 and len(set(negatives)) == len(negatives)
    assert all(n["q"].strip() and n["why"].strip() for n in judged["negatives"])
    assert not set(negatives) & {q["q"].lower() for q in judged["queries"]}


def test_no_query_repeats_across_the_judged_sets():
    """Each set judges its own queries (negatives, things no letter holds, may recur)."""
    seen: dict[str, str] = {}
    for name in ("judged.json", "heldout.json", "heldout_vocabulary.json", "heldout_v2.json", "heldout_v3.json",
                 "heldout_v4.json", "heldout_v5.json", "heldout_v6.json", "heldout_v7.json", "heldout_v8.json",
                 "heldout_v9.json", "heldout_v10.json", "heldout_v11.json", "heldout_v12.json",
                 "heldout_v13.json", "heldout_v14.json", "heldout_v15.json"):
        judged = json.loads((FIXTURES / name).read_text())
        for entry in judged["queries"]:
            q = entry["q"].lower()
            assert seen.setdefault(q, name) == name, (entry["q"], seen[q], name)


def test_negatives_are_reported_only_when_the_set_has_them(relevance, seeds_settings, seeds_report):
    judged = relevance.load_judged(FIXTURES / "seeds.json")
    judged["negatives"] = [{"q": "spinal cord stimulator", "why": ""}, {"q": "gym membership", "why": ""}]
    report = relevance.evaluate(judged, seeds_settings)
    assert [r["q"] for r in report["negatives"]] == ["spinal cord stimulator", "gym membership"]
    for r in report["negatives"]:
        assert r["fraction"] == r["hits"] / report["documents"]
    assert report["negatives"][1]["hits"] >= 1      # the seeds do hold a gym membership
    assert report["negatives_max_fraction"] == max(r["fraction"] for r in report["negatives"])
    out = io.StringIO()
    relevance.print_report(report, out)
    assert "negatives: 2; mean fraction" in out.getvalue()
    assert "negatives" not in seeds_report
    out = io.StringIO()
    relevance.print_report(seeds_report, out)
    assert "negatives" not in out.getvalue()


def test_seed_judgements_point_at_their_items(seeds_report):
    assert seeds_report["unmapped"] == [] and seeds_report["stale"] == []
    assert seeds_report["documents"] == 6


def test_seed_means_hold(seeds_report):
    for key, bar in SEEDS_BARS.items():
        assert seeds_report[key] >= bar - 1e-9, (key, seeds_report[key])


def test_seed_report_counts_per_query(seeds_report):
    rows = {r["q"]: r for r in seeds_report["queries"]}
    trainer = rows["personal trainer"]
    assert trainer["relevant"] == 2 and trainer["found"] <= trainer["hits"]
    for r in rows.values():
        assert 0 <= r["r_precision"] <= r["recall"] <= 1      # the first R hits are among all hits
        assert len(r["missed"]) == r["relevant"] - r["found"]


def test_script_prints_json_on_seeds(tmp_path, run_script):
    run = run_script("relevance", "--seeds-only", "--json", "--index", tmp_path / "index", timeout=300)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["n_queries"] == len(json.loads((FIXTURES / "seeds.json").read_text())["queries"])
    assert 0.0 <= report["mean_recall"] <= 1.0 and report["seconds"]["index"] >= 0


@pytest.mark.real_corpus
def test_shared_judgements_point_at_their_items(shared_report):
    assert shared_report["unmapped"] == [] and shared_report["stale"] == []


@pytest.mark.real_corpus
def test_shared_means_hold(shared_report):
    for key, bar in SHARED_BARS.items():
        assert shared_report[key] >= bar - 1e-9, (key, shared_report[key])


@pytest.mark.real_corpus
@pytest.mark.parametrize("name", sorted(HELDOUT_BARS))
def test_heldout_means_hold(relevance, real_index, name):
    report = relevance.evaluate(relevance.load_judged(FIXTURES / name), real_index)
    assert report["unmapped"] == [] and report["stale"] == []
    for key, bar in HELDOUT_BARS[name].items():
        assert report[key] >= bar - 1e-9, (name, key, report[key])
    if "negatives" in report:      # a query with nothing relevant answers at most 5% of the items
        assert report["negatives_max_fraction"] <= NEGATIVES_BAR, (name, report["negatives"])
