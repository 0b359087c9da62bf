"""The README's examples work as written (paths swapped for temporary ones)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _nightly_script() -> str:
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"### A nightly rebuild.*?```python\n(.*?)```", readme, re.S)
    assert m, "README lost its nightly rebuild script"
    return m[1]


def test_nightly_script_from_readme_runs(tmp_path):
    letters = tmp_path / "letters"
    shutil.copytree(SEEDS, letters)
    script = _nightly_script().replace("/srv/imr/index", str(tmp_path / "index"))
    script = script.replace("/srv/imr/letters", str(letters))
    (tmp_path / "nightly.py").write_text(script)
    first = subprocess.run([sys.executable, "nightly.py"], cwd=tmp_path, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("5 letters, 6 items")   # seed 000 has two items
    (letters / "junk.pdf").write_bytes(b"not a pdf at all")
    second = subprocess.run([sys.executable, "nightly.py"], cwd=tmp_path, capture_output=True, text=True)
    assert second.returncode == 3
    assert "junk.pdf: not a PDF" in second.stderr


def test_quick_start_has_exactly_two_commands():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start\s+```sh\n(.*?)```", readme, re.S)[1]
    assert [ln.split()[0:2] for ln in block.strip().splitlines()] == [["make", "run"], ["make", "test"]]


def _cli_table() -> dict[str, set[str]]:
    """{command: its options} from the first cell of each row of the README's CLI table."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Command line: `imr`"):readme.index("**Exit status**")]
    rows = [line for line in section.splitlines() if line.startswith("| `imr ")]
    table = {}
    for row in rows:
        usage = row.split("|")[1].strip().strip("`")
        table[usage.split()[1]] = set(re.findall(r"--[a-z][a-z-]*", usage))
    return table


def _options_in_help(text: str) -> set[str]:
    options = text.split("Options:", 1)[1]
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", options)) - {"--help"}


def test_the_cli_table_matches_every_command_help(runner):
    """As sqlite-utils does: the README documents exactly the commands and options `--help` shows."""
    from indexer.cli import cli

    table = _cli_table()
    assert sorted(table) == sorted(cli.commands)
    for name in cli.commands:
        shown = runner(name, "--help")
        assert shown.exit_code == 0, shown.stderr
        assert _options_in_help(shown.stdout) == table[name], name
    top = runner("--help").stdout
    assert all(name in top for name in table)


def test_quick_start_says_what_make_test_runs():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check" in recipe and "pytest" in recipe
    assert "lints with ruff" in (ROOT / "README.md").read_text()
