"""The docs checked against the code, as Datasette's and sqlite-utils' test_docs do.

- the site builds with `mkdocs build --strict` (every warning an error: broken links and anchors too);
- every CLI command and option has help text, so the generated reference documents it, and the built
  reference shows every option; every command is in the summary tables of docs/cli.md and the README;
- every `Settings` field is in docs/configuration.md with its default, and every `IMR_*` environment
  variable the code reads is there too;
- every facet (`indexer.fields.FACETS`) is in the facet table of docs/searching.md, with its label;
- every key of the JSON API's answers, every URL parameter and every export column is in docs/api.md,
  and every key of the letter record in docs/letters.md;
- every public name (`indexer.PUBLIC`) imports lazily and has a docstring, and every
  `indexer.…`/`webapp.…` name and every project file the docs mention exists;
- every Python example in the docs and the README runs on the bundled seed letters (a block whose
  first line is `# not run: <why>` is an excerpt and is skipped), and the README's searches run;
- every table of docs/performance.md says its date, machine and command, and older runs sit under History;
- the README is a front page: at most 150 lines, install, search, scripting and deploying linked on
  its first screen, every link resolving.
"""
from __future__ import annotations

import dataclasses
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
README = ROOT / "README.md"
PAGES = sorted(DOCS.glob("*.md"))


def _text(*names: str) -> str:
    return "\n".join((DOCS / name).read_text() for name in names)


def _section(text: str, heading: str) -> str:
    """The text under a Markdown heading, up to the next heading of the same or a higher level."""
    m = re.search(rf"^(#+) {re.escape(heading)}\s*$", text, re.M)
    assert m, f"no heading {heading!r}"
    level = len(m[1])
    end = re.search(rf"^#{{1,{level}}} ", text[m.end():], re.M)
    return text[m.end(): m.end() + end.start()] if end else text[m.end():]


def _table(text: str) -> list[list[str]]:
    """The rows of every Markdown table in `text` (header and rule rows left out), cells stripped."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"\|\s*-", line):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return [r for r in rows[1:] if r] if rows else []


def _first_code(cell: str) -> str | None:
    m = re.search(r"`([^`]+)`", cell)
    return m[1] if m else None


# --- the site builds -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built as `make docs` builds it, into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return out


def test_the_site_builds_without_warnings_and_has_every_page(site):
    for page in PAGES:
        assert (site / page.with_suffix(".html").name).exists(), page.name
    nav = (ROOT / "mkdocs.yml").read_text()
    listed = set(re.findall(r":\s*([\w-]+\.md)\s*$", nav, re.M))
    assert listed == {p.name for p in PAGES}, "mkdocs.yml's nav and docs/*.md differ"


def test_make_docs_builds_strictly_into_an_ignored_folder():
    recipe = (ROOT / "Makefile").read_text().split("\ndocs:", 1)[1].split("\n\n", 1)[0]
    assert "mkdocs build --strict" in recipe
    assert "/site/" in (ROOT / ".gitignore").read_text().splitlines()


# --- the command line ------------------------------------------------------------------------------

def _commands():
    from indexer.cli import _register, cli

    _register()
    return cli.commands


def test_every_command_and_option_has_help_text():
    """The CLI reference is generated from these: an option without help is an undocumented option."""
    import click

    for name, command in sorted(_commands().items()):
        assert (command.help or "").strip(), f"imr {name} has no docstring: the CLI reference would be empty"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert (param.help or "").strip(), (
                    f"imr {name} {param.opts[0]}: no help text, so docs/cli.md (generated from --help) "
                    "does not document it; give it help=")


def test_the_generated_reference_shows_every_command_and_option(site):
    import click

    html = (site / "cli.html").read_text()
    for name, command in _commands().items():
        assert f"imr {name}" in html, name
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                for opt in param.opts:
                    assert opt in html, f"imr {name} {opt} is not in the built CLI reference"


@pytest.mark.parametrize("where", ["docs/cli.md", "README.md"])
def test_every_command_is_in_the_summary_tables(where):
    text = (ROOT / where).read_text()
    named = set(re.findall(r"`imr ([a-z]+)", text))
    assert set(_commands()) <= named, f"{where} does not name {sorted(set(_commands()) - named)}"
    assert named <= set(_commands()), f"{where} names unknown commands {named - set(_commands())}"


def test_imr_version_prints_the_package_version(imr):
    from importlib.metadata import version

    done = imr("--version")
    assert done.returncode == 0 and version("imr-search") in done.stdout
    assert f"## {version('imr-search')} " in (ROOT / "CHANGELOG.md").read_text(), "CHANGELOG.md lacks this version"


# --- configuration ---------------------------------------------------------------------------------

def _settings_table() -> dict[str, str]:
    rows = _table(_section(_text("configuration.md"), "Settings"))
    return {_first_code(r[0]): r[1] for r in rows if _first_code(r[0])}


def test_every_setting_is_documented_with_its_default():
    from indexer import Settings

    table = _settings_table()
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert set(table) == set(fields), (
        f"docs/configuration.md's Settings table lacks {sorted(set(fields) - set(table))} "
        f"and names unknown {sorted(set(table) - set(fields))}")
    for name, f in fields.items():
        if f.default is dataclasses.MISSING:       # a computed default: the docs say how
            continue
        assert _first_code(table[name]) == str(f.default), (
            f"Settings.{name} defaults to {f.default!r}, docs/configuration.md says {table[name]!r}")


def test_every_environment_variable_is_documented():
    code = "\n".join(p.read_text() for folder in ("indexer", "webapp") for p in (ROOT / folder).rglob("*.py"))
    code += (ROOT / "tests" / "conftest.py").read_text()
    used = set(re.findall(r"""(?:envvar=|environ\.get\(|getenv\(|environ\[)\s*["'](IMR_\w+)""", code))
    assert used, "found no environment variable: the pattern is out of date"
    rows = _table(_section(_text("configuration.md"), "Environment variables"))
    documented = {_first_code(r[0]) for r in rows}
    assert used <= documented, f"docs/configuration.md lacks {sorted(used - documented)}"


# --- facets, the JSON API, exports, the letter record -------------------------------------------------

def test_every_facet_is_in_the_facet_table():
    from indexer import FACETS

    rows = _table(_section(_text("searching.md"), "Facets"))
    table = {_first_code(r[0]).removeprefix("f."): r[1] for r in rows if _first_code(r[0])}
    assert set(table) == set(FACETS), (
        f"docs/searching.md's facet table lacks {sorted(set(FACETS) - set(table))} "
        f"and names unknown {sorted(set(table) - set(FACETS))}")
    for name, label in FACETS.items():
        assert table[name] == label, f"facet {name}: labelled {label!r}, the docs say {table[name]!r}"


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory):
    """An index of the five seed letters, built through the public API."""
    from indexer import Settings, rebuild

    base = tmp_path_factory.mktemp("docs_index")
    settings = Settings(index_dir=base / "index", jobs=1)
    rebuild([SEEDS], settings)
    return settings


def _keys(value, prefix: str = "") -> set[str]:
    """Every key of a JSON answer's objects, nested ones included."""
    found = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found.add(k)
            found |= _keys(v)
    elif isinstance(value, list):
        for v in value:
            found |= _keys(v)
    return found


def test_every_json_api_key_and_parameter_is_documented(seed_index):
    from indexer import FACETS, SearchRequest
    from webapp import create_app

    client = create_app(seed_index).test_client()
    answer = client.get("/api/search?q=therapy&literal=1").get_json()
    assert answer["hits"], "the seeds should answer 'therapy'"
    keys = _keys({k: v for k, v in answer.items() if k != "facets"})
    keys |= _keys([v for values in answer["facets"].values() for v in values]) | {"facets"}
    api = _text("api.md")
    documented = set(re.findall(r"`([a-z_]+)`", api)) | set(re.findall(r'"([a-z_]+)"', api))
    keys -= set(FACETS)             # facet names are keys of "facets": documented in searching.md
    assert keys <= documented, f"docs/api.md does not document the JSON keys {sorted(keys - documented)}"
    params = {f.name for f in dataclasses.fields(SearchRequest)} - {"filters"}
    assert params <= documented, f"docs/api.md does not document the parameters {sorted(params - documented)}"


def test_every_export_column_is_documented():
    from indexer.search.show.export import COLUMNS

    exports = _section(_text("api.md"), "Exports")
    missing = [c for c in COLUMNS if f"`{c}`" not in exports and not re.search(rf"\b{c}\b", exports)]
    assert not missing, f"docs/api.md's Exports section lacks the columns {missing}"


def test_every_key_of_the_letter_record_is_documented(seed_index):
    from indexer import Searcher, SearchRequest

    with Searcher(seed_index) as searcher:
        hit = searcher.search(SearchRequest(q="")).hits[0]
        record = searcher.letter(hit.letter_id)
    keys = _keys(record)
    documented = set(re.findall(r"`([a-z_]+)`", _text("letters.md")))
    assert keys <= documented, f"docs/letters.md does not document the record keys {sorted(keys - documented)}"


# --- the public API and the names the docs use -------------------------------------------------------

def test_every_public_name_imports_and_has_a_docstring():
    import indexer

    assert set(indexer.__all__) == set(indexer.PUBLIC) | {"__version__"}
    for name, module in indexer.PUBLIC.items():
        value = getattr(indexer, name)
        assert value is getattr(importlib.import_module(module), name), name
        if callable(value):
            assert (value.__doc__ or "").strip(), f"indexer.{name} has no docstring: docs/python-api.md is empty"
    with pytest.raises(AttributeError):
        indexer.no_such_name  # noqa: B018


def test_every_public_function_is_on_the_python_api_page(site):
    import indexer

    html = (site / "python-api.html").read_text()
    for name, module in indexer.PUBLIC.items():
        assert f'id="{module}.{name}"' in html, f"indexer.{name} is not on the built Python API page"


def test_importing_the_package_stays_light():
    code = ("import sys, indexer, indexer.cli; "
            "heavy = [m for m in ('whoosh', 'numpy', 'indexer.pipeline.conductor', 'indexer.search.searcher', "
            "'flask', 'dask') if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def _doc_texts() -> dict[str, str]:
    texts = {p.name: p.read_text() for p in PAGES}
    texts["README.md"] = README.read_text()
    return texts


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def test_every_library_name_the_docs_mention_exists():
    import indexer

    missing = []
    for page, text in _doc_texts().items():
        for names in re.findall(r"^\s*from indexer import (\([^)]*\)|[\w, ]+)", text, re.M):
            for name in re.findall(r"\w+", names):
                if name not in indexer.PUBLIC:
                    missing.append(f"{page}: from indexer import {name} (not in indexer.PUBLIC)")
        for dotted in set(re.findall(r"`((?:indexer|webapp)(?:\.\w+)+)", text)):
            if not _resolves(dotted):
                missing.append(f"{page}: {dotted}")
    assert not missing, "the docs name what the code does not have:\n" + "\n".join(sorted(missing))


def test_every_project_file_the_docs_mention_exists():
    missing = []
    for page, text in _doc_texts().items():
        for path in set(re.findall(r"`((?:indexer|webapp|scripts|tests)/[\w./-]*)`", text)):
            if not (ROOT / path.rstrip("/")).exists():
                missing.append(f"{page}: {path}")
    assert not missing, "the docs name files that do not exist:\n" + "\n".join(sorted(missing))


# Packages whose modules the package map names one by one (the CLI, the parser's layouts and the
# generator are named as groups).
MAPPED_PACKAGES = ("indexer", "indexer/vocabulary", "indexer/fetch", "indexer/ingest", "indexer/index",
                   "indexer/index/stores", "indexer/index/values", "indexer/pipeline", "indexer/search",
                   "indexer/search/query", "indexer/search/show", "webapp/serving")


def test_the_package_map_names_every_module():
    """docs/development.md's package map: every module of the mapped packages by file name, and
    every script by name (a new module cannot go unmapped)."""
    text = _text("development.md")
    block = text[text.index("<!-- package map: begin -->"):text.index("<!-- package map: end -->")]
    named = set(re.findall(r"\b(\w+)(?:\.py)?\b", block))
    missing = [f"{package}/{path.name}" for package in MAPPED_PACKAGES
               for path in sorted((ROOT / package).glob("*.py"))
               if path.stem != "__init__" and not re.search(rf"(?<![\w/]){re.escape(path.name)}", block)]
    missing += [f"scripts/{path.name}" for path in sorted((ROOT / "scripts").glob("*.py"))
                if path.stem != "__init__" and path.stem not in named]
    assert not missing, "docs/development.md's package map lacks:\n" + "\n".join(missing)


def test_every_measured_table_says_when_where_and_how():
    """docs/performance.md: each section holding a table of measurements names its date, machine, command."""
    text = _text("performance.md")
    sections = re.split(r"^#{2,3} ", text, flags=re.M)[1:]
    assert sections and any(s.startswith("History") for s in sections), "performance.md lost its History"
    for section in sections:
        if re.search(r"^\s*\|.*\|\s*$", section, re.M):
            title = section.splitlines()[0]
            meta = re.search(r"\*Measured (\d{4}-\d\d-\d\d)[^*]* on [^*]+Command: `[^`]+`", section)
            assert meta, f"performance.md, {title!r}: a table without '*Measured DATE on MACHINE. Command: `...`*'"


# --- the examples run --------------------------------------------------------------------------------

def _python_blocks() -> list[tuple[str, int, str]]:
    blocks = []
    for page, text in _doc_texts().items():
        for m in re.finditer(r"^```python\n(.*?)^```", text, re.M | re.S):
            if not m[1].startswith("# not run:"):
                blocks.append((page, text[: m.start()].count("\n") + 1, m[1]))
    return blocks


@pytest.mark.parametrize("page, line, code", _python_blocks(), ids=[f"{p}:{n}" for p, n, _ in _python_blocks()])
def test_every_python_example_runs(page, line, code, seed_index, tmp_path):
    """On a copy of the seed index, with /srv/imr/index and /srv/imr/letters pointing at it."""
    index = tmp_path / "index"
    shutil.copytree(seed_index.index_dir, index, symlinks=True)
    letters = tmp_path / "letters"
    shutil.copytree(SEEDS, letters)
    code = code.replace("/srv/imr/index", str(index)).replace("/srv/imr/letters", str(letters))
    (tmp_path / "example.py").write_text(code)
    done = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, f"{page}, line {line}:\n{done.stderr}"


def _readme_block(heading: str, lang: str) -> str:
    m = re.search(rf"## {re.escape(heading)}.*?```{lang}\n(.*?)```", README.read_text(), re.S)
    assert m, f"README lost its {heading!r} example"
    return m[1]


def test_the_readme_nightly_script_runs_and_reports_skips(tmp_path):
    letters = tmp_path / "letters"
    shutil.copytree(SEEDS, letters)
    script = _readme_block("A nightly rebuild, as a script", "python")
    script = script.replace("/srv/imr/index", str(tmp_path / "index")).replace("/srv/imr/letters", str(letters))
    (tmp_path / "nightly.py").write_text(script)
    first = subprocess.run([sys.executable, "nightly.py"], cwd=tmp_path, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("5 letters, 6 items")   # seed 000 has two items
    (letters / "junk.pdf").write_bytes(b"not a pdf at all")
    second = subprocess.run([sys.executable, "nightly.py"], cwd=tmp_path, capture_output=True, text=True)
    assert second.returncode == 3
    assert "junk.pdf: not a PDF" in second.stderr


def test_the_readme_searches_run(seed_index, imr):
    lines = [ln.split("#")[0].strip() for ln in _readme_block("Three searches", "sh").splitlines()]
    lines = [ln for ln in lines if ln]
    assert len(lines) == 3
    for line in lines:
        query = re.match(r"\.venv/bin/imr search '(.*)'$", line)
        assert query, line
        done = imr("search", query[1], "--index", seed_index.index_dir)
        assert done.returncode == 0 and not done.stderr, f"{line}: {done.stderr}"
    assert "CM" in imr("search", "personal trainer upheld", "--index", seed_index.index_dir).stdout


# --- the README is a front page ----------------------------------------------------------------------

def test_the_readme_is_short_and_links_the_four_tasks_on_its_first_screen():
    lines = README.read_text().splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines: move reference material into docs/"
    first_screen = "\n".join(lines[:30])
    for target in ("#quick-start", "docs/searching.md", "docs/python-api.md", "docs/operations.md"):
        assert f"]({target})" in first_screen, f"the README's first screen does not link {target}"


def test_every_readme_link_resolves(site):
    readme = README.read_text()
    anchors = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-")
               for h in re.findall(r"^#+ (.+)$", readme, re.M)}
    for target in re.findall(r"\]\(([^)\s]+)\)", readme) + re.findall(r'src="([^"]+)"', readme):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        if not path:
            assert anchor in anchors, f"README link {target}: no such heading"
            continue
        assert (ROOT / path).exists(), f"README link {target}: no such file"
        if anchor and path.startswith("docs/") and path.endswith(".md"):
            html = (site / Path(path).with_suffix(".html").name).read_text()
            assert f'id="{anchor}"' in html, f"README link {target}: no such anchor in the docs"


def test_quick_start_has_exactly_two_commands_and_says_what_make_test_runs():
    readme = README.read_text()
    block = re.search(r"## Quick start\s+```sh\n(.*?)```", readme, re.S)[1]
    assert [ln.split()[0:2] for ln in block.strip().splitlines()] == [["make", "run"], ["make", "test"]]
    recipe = (ROOT / "Makefile").read_text().split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check" in recipe and "pytest" in recipe
    assert "lints with ruff" in readme
