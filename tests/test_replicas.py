"""Two replicas of `imr serve`, each with its own index directory, behind nginx on loopback: the load
script through the balancer, a new snapshot pushed to both replicas mid-level, zero failed requests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("httpx", reason="the load script drives the server with httpx (pip install -e '.[test]')")

from scripts.deploy.replicas import nginx_binary  # noqa: E402  (after the importorskip)

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (Debian: apt-get install nginx-light)")
@pytest.mark.replicas
def test_load_through_nginx_with_a_snapshot_pushed_to_every_replica(tmp_path, run_script):
    out = tmp_path / "results.json"
    proc = run_script("load", "--short", "--workers", "1", "--levels", "4", "--balancer", "nginx",
                      "--work", tmp_path, "--json", out, cwd=tmp_path, timeout=900)
    assert out.is_file(), f"no results (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    results = json.loads(out.read_text())
    assert proc.returncode == 0 and results["problems"] == [], proc.stdout + proc.stderr
    balanced = [r for r in results["runs"] if r["balancer"]]
    assert len(balanced) == 1 and all(lv["errors"] == 0 for lv in balanced[0]["levels"])
    swap = results["swap"]
    assert "pushed to 2 replicas" in swap["how"] and swap["old"] != swap["new"]
    assert len(swap["workers"]) == 2 and all(c["new"] > 0 for c in swap["workers"].values())
    for replica in ("replica-0", "replica-1"):
        assert (tmp_path / replica / "CURRENT").read_text().strip() == swap["new"]
    conf = (tmp_path / "nginx" / "nginx.conf").read_text()
    assert "@" not in conf.split("http {")[1] and conf.count("server 127.0.0.1:") == 2


@pytest.mark.replicas
def test_push_copies_checks_then_switches_every_replica(tmp_path):
    import shutil

    from indexer.index.stores import snapshots
    from indexer.pipeline.conductor import rebuild
    from indexer.settings import Settings
    from scripts.deploy.replicas import copy_snapshot, push

    builder = Settings(index_dir=tmp_path / "builder", jobs=1)
    name = rebuild([ROOT / "tests" / "fixtures" / "seeds"], builder).snapshot    # with its build.json
    source = snapshots.current(builder)
    replicas = [tmp_path / "r0", tmp_path / "r1"]
    push(source, replicas)
    for index_dir in replicas:
        assert snapshots.current_name(Settings(index_dir=index_dir)) == name
        assert snapshots.damaged_files(index_dir / "snapshots" / name) == []
    # rsync-ed beside the others as NAME.building: checked and renamed, not copied again
    target = tmp_path / "r2" / "snapshots" / (name + snapshots.BUILDING)
    shutil.copytree(source, target)
    assert copy_snapshot(target, tmp_path / "r2") == tmp_path / "r2" / "snapshots" / name
    # a copy cut short is refused before anything switches
    broken = tmp_path / "r3" / "snapshots" / (name + snapshots.BUILDING)
    shutil.copytree(source, broken)
    victim = next(broken.glob("*.seg"))
    victim.write_bytes(victim.read_bytes()[:100])
    with pytest.raises(RuntimeError, match="not whole"):
        push(broken, [tmp_path / "r3"])
    assert snapshots.current_name(Settings(index_dir=tmp_path / "r3")) is None
