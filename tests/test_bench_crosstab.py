"""scripts/bench_crosstab.py in a tiny mode: the table and the SQL GROUP BY agree (no timing asserted)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_crosstab_equals_group_by_on_synthetic_arrays():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_crosstab.py"), "--items", "3000,20000",
                          "--runs", "2", "--sql-runs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.count("SQLite GROUP BY p50") == 4 and "20,000 items" in run.stdout
