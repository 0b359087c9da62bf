"""The house rules of the layout, checked: one direction of flow, Whoosh in two wings, each fact once."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_MODULES = {"indexer", "indexer.errors", "indexer.settings", "indexer.record", "indexer.results",
                  "indexer.fields", "indexer.states", "indexer.intervals"}


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names), at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_webapp_imports_only_search_and_shared_modules():
    for path in _modules("webapp"):
        for name in _imports(path):
            if _within(name, "indexer"):
                ok = _within(name, "indexer.search") or name in SHARED_MODULES \
                    or any(name.startswith(m + ".") for m in SHARED_MODULES - {"indexer"})
                assert ok, f"{path.relative_to(ROOT)} imports {name}"


def test_webapp_modules_do_not_import_the_package_init():
    for path in _modules("webapp"):
        if path.name != "__init__.py":
            tree = ast.parse(path.read_text())
            bad = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "webapp"
                   and any(a.name not in {"api", "errors", "downloads", "letters", "search", "security",
                                          "urlstate", "state", "text"} for a in n.names)]
            assert not bad, f"{path.relative_to(ROOT)} imports from webapp/__init__"


WINGS = ("ingest", "index", "search", "pipeline")
# Each wing and what it must not import: ingest and index are independent, search reads only the index,
# and the rebuild conductor (pipeline) sits above ingest and index, imported by none of them.
FORBIDDEN = [("ingest", "index"), ("ingest", "search"), ("ingest", "pipeline"), ("index", "ingest"),
             ("index", "search"), ("index", "pipeline"), ("search", "ingest"), ("search", "pipeline")]


@pytest.mark.parametrize("wing, other", FORBIDDEN)
def test_wings_import_only_downstream(wing, other):
    for path in _modules(f"indexer/{wing}"):
        bad = [n for n in _imports(path) if _within(n, f"indexer.{other}")]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_index_and_search_import_whoosh():
    for folder in ("indexer", "webapp"):
        for path in _modules(folder):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(("indexer/index/", "indexer/search/")):
                continue
            bad = [n for n in _imports(path) if _within(n, "whoosh")]
            assert not bad, f"{rel} imports {bad}"


def test_vocabulary_is_shared_and_imports_no_wing():
    """The domain vocabulary serves the index and the search side alike: it imports neither, nor Whoosh."""
    for path in _modules("indexer/vocabulary"):
        bad = [n for n in _imports(path) if _within(n, "whoosh") or any(_within(n, f"indexer.{w}") for w in WINGS)]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_shared_modules_import_no_wing():
    for name in SHARED_MODULES - {"indexer"}:
        path = ROOT / (name.replace(".", "/") + ".py")
        bad = [n for n in _imports(path) if any(_within(n, f"indexer.{w}") for w in WINGS)]
        assert not bad, f"{name} imports {bad}"


def test_vocabulary_imports_no_wing():
    """indexer/vocabulary is shared by the index and the search wings: it imports neither (nor ingest)."""
    for path in _modules("indexer/vocabulary"):
        bad = [n for n in _imports(path) if any(_within(n, f"indexer.{w}") for w in ("ingest", "index", "search"))]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


FACTS = ("FACETS", "MULTI_VALUED", "TEXT_FIELDS", "LETTER_FIELDS", "FIELD_FACETS", "ALIASES", "BOOSTS",
         "DATE_FIELDS", "SCHEMA_VERSION", "CASE_RE", "CASE_NUMBER", "LETTER_STORE", "FACET_ARRAYS",
         "SCHEMA_FILE", "MANIFEST", "FILTER_PREFIX", "UNDATED", "MAX_PER_PAGE", "STATES")
# The same facts under names of their own once: each must be gone (the one name above serves).
FORMER_NAMES = ("PER_PAGE_MAX",)


def test_each_fact_is_assigned_in_one_module():
    where: dict[str, list[str]] = {}
    for folder in ("indexer", "webapp", "scripts"):
        for path in _modules(folder):
            for node in ast.parse(path.read_text()).body:
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [node.target] if isinstance(node, ast.AnnAssign) else []
                for t in targets:
                    if isinstance(t, ast.Name) and t.id in FACTS:
                        where.setdefault(t.id, []).append(path.relative_to(ROOT).as_posix())
    assert {k: v for k, v in where.items() if len(v) > 1} == {}


def test_former_names_of_facts_are_not_assigned_again():
    for folder in ("indexer", "webapp", "scripts"):
        for path in _modules(folder):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.Assign):
                    names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                    assert not set(names) & set(FORMER_NAMES), (path.relative_to(ROOT).as_posix(), names)


def test_the_facet_parameter_prefix_is_spelt_only_in_fields():
    literal = re.compile(r"""["']f\.""")
    for path in [*_modules("indexer"), *_modules("webapp"), *(ROOT / "webapp").rglob("*.js")]:
        rel = path.relative_to(ROOT).as_posix()
        code = re.sub(r'"""[\s\S]*?"""|#.*', "", path.read_text())
        assert rel == "indexer/fields.py" or not literal.search(code), f"{rel} spells the prefix f."


def test_the_states_table_has_every_state_dc_and_puerto_rico_once():
    from indexer.states import STATES

    assert len(STATES) == 52 and len(set(STATES.values())) == 52
    assert {"District of Columbia", "Puerto Rico", "California", "Wyoming"} <= set(STATES)


def test_snapshot_file_names_are_written_only_in_files_module():
    names = ("letters.sqlite", "facets.*.npy", "schema_version", "build.json", "words.tsv")
    for folder in ("indexer", "webapp"):
        for path in _modules(folder):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "indexer/index/stores/files.py":
                continue
            code = re.sub(r'"""[\s\S]*?"""|#.*', "", path.read_text())   # prose may name them
            for name in names:
                assert f'"{name}"' not in code and f"'{name}'" not in code, f"{rel} spells {name}"


def test_every_facet_has_one_value_function():
    from indexer.fields import FACETS
    from indexer.index.values.documents import ITEM_VALUES, LETTER_VALUES, TAG_VALUES

    declared = [*ITEM_VALUES, *LETTER_VALUES, *TAG_VALUES]
    assert len(declared) == len(set(declared)) and set(declared) == set(FACETS)


def test_schema_has_a_field_for_every_declared_field():
    from indexer.fields import FACETS, TEXT_FIELDS
    from indexer.index.schema import make_schema

    names = set(make_schema().names())
    assert set(FACETS) <= names and set(TEXT_FIELDS) <= names


def test_fetch_imports_only_shared_modules_and_itself():
    """indexer.fetch sits beside the wings: the shared modules only, never index, search, ingest or pipeline."""
    for path in _modules("indexer/fetch"):
        bad = [n for n in _imports(path) if _within(n, "webapp")
               or any(_within(n, f"indexer.{w}") for w in ("index", "search", "ingest", "pipeline", "cli"))]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_the_site_module_knows_the_dwc_markup():
    """A change of the DWC's site is a change of indexer/fetch/site.py alone."""
    markers = ("tabborder", "Nextpage", "IMRDecisionSearch", "CaseOutcomeV", "newpageno")
    for folder in ("indexer", "webapp"):
        for path in _modules(folder):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "indexer/fetch/site.py":
                continue
            code = re.sub(r'"""[\s\S]*?"""|#.*', "", path.read_text())
            assert not [m for m in markers if m in code], rel
            if rel.startswith("indexer/fetch/"):
                assert not [n for n in _imports(path) if _within(n, "bs4")], rel


CACHES = ("lru_cache", "cache", "cached")


def _cache_decorated(tree: ast.Module) -> list[ast.FunctionDef]:
    """Module-level functions decorated with a functools-style cache."""
    def name(d: ast.expr) -> str:
        d = d.func if isinstance(d, ast.Call) else d
        return d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "")
    return [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and any(name(d) in CACHES for d in node.decorator_list)]


def test_no_module_level_cache_but_documented_pure_memos():
    """What searching learns belongs to the open snapshot; a module may keep only a pure memo
    (of constant data, or of a pure function), declared so in its docstring."""
    for folder in ("indexer", "webapp"):
        for path in _modules(folder):
            for fn in _cache_decorated(ast.parse(path.read_text())):
                doc = ast.get_docstring(fn) or ""
                assert "pure memo" in doc, f"{path.relative_to(ROOT)}:{fn.name} is a module-level cache"


def _private_uses(tree: ast.Module) -> list[str]:
    """Private names (one leading underscore) of the project's modules that a file uses."""
    project = ("indexer", "webapp", "scripts")
    modules, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in project:
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            modules.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name.split(".")[0] for a in node.names if a.name.split(".")[0] in project)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules \
                and node.attr.startswith("_") and not node.attr.startswith("__"):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_scripts_are_a_package_without_path_edits_or_private_imports():
    """`python -m scripts.bench` and friends: imported by name, never by editing sys.path, and using
    only the public names of the project's modules."""
    assert (ROOT / "scripts" / "__init__.py").is_file()
    for path in _modules("scripts"):
        rel = path.relative_to(ROOT).as_posix()
        code = path.read_text()
        assert "sys.path" not in code, f"{rel} edits sys.path"
        assert not _private_uses(ast.parse(code)), f"{rel} uses {_private_uses(ast.parse(code))}"
