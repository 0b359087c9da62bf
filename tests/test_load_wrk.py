"""scripts/load_wrk.py --short: the load mix sent by wrk (a C client) to `imr serve --workers 2`."""
from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("httpx", reason="the load scripts read the catalog with httpx (pip install -e '.[test]')")
if shutil.which("wrk") is None:
    pytest.skip("wrk is not installed (apt-get install wrk; .ci/run installs it as root)", allow_module_level=True)



@pytest.mark.slow
@pytest.mark.load
def test_wrk_levels_report_throughput_cores_and_latency(tmp_path, run_script):
    out = tmp_path / "wrk.json"
    proc = run_script("load_wrk", "--short", "--work", tmp_path, "--json", out, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text())
    (levels,) = results["runs"].values()
    assert [lv["clients"] for lv in levels] == [1, 4]
    for lv in levels:
        assert lv["requests"] > 0 and lv["errors"] == 0 and lv["rps"] > 0
        assert lv["server_cores"] > 0 and lv["client_cores"] >= 0
        assert 0 < lv["p50_ms"] <= lv["p95_ms"] <= lv["p99_ms"] <= lv["max_ms"]
        assert len(lv["workers"]) == 2 and all(pss > 0 for _, pss, _ in lv["workers"])
        assert lv["server_pss_mb"] > sum(pss for _, pss, _ in lv["workers"])     # the master too


@pytest.mark.load
def test_the_lua_script_cycles_through_every_path(tmp_path):
    from scripts import load_wrk

    script = load_wrk.lua_script(["/?q=knee%20pain", '/?q=%22home+exercise%22'], tmp_path).read_text()
    assert '"/?q=knee%20pain","/?q=%22home+exercise%22"' in script
    assert "(i - 1) % #paths + 1" in script and "%d" in script
