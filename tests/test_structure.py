"""The package's shape: stages one level deep, dependencies one way, one writer, documented public functions."""

from __future__ import annotations

import ast
import inspect
import tomllib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import analysis as an
from analysis.provenance import RUNTIME_DEPENDENCIES
from conftest import PROJECT

PACKAGE = PROJECT / "analysis"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: What each stage may not import (the package's own modules, by dotted prefix).
FORBIDDEN = {
    "corpus": ("analysis.language", "analysis.measures", "analysis.plots", "analysis.figures", "analysis.settings",
               "analysis.runner"),
    "language": ("analysis.measures", "analysis.plots", "analysis.figures", "analysis.settings", "analysis.runner"),
    "measures": ("analysis.plots", "analysis.figures", "analysis.settings", "analysis.runner"),
    "plots": ("analysis.measures", "analysis.corpus", "analysis.language", "analysis.figures", "analysis.settings",
              "analysis.runner"),
}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, as absolute names (`from analysis.x import y` gives analysis.x and
    analysis.x.y; a relative import is resolved against the file's package; `__import__("m")` gives m)."""
    package = ".".join(path.relative_to(PROJECT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


def _stage(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else "top"


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(PACKAGE).as_posix() for p in MODULES])
def test_dependencies_run_one_way_between_the_stages(path):
    forbidden = FORBIDDEN.get(_stage(path), ())
    broken = sorted(name for name in _imports(path) if name.startswith(forbidden))
    assert broken == [], f"{path.relative_to(PROJECT)} imports {broken}"


def test_nothing_imports_the_command_line():
    for path in MODULES:
        assert not any(name.startswith("analysis.__main__") for name in _imports(path)), path


@pytest.mark.parametrize("line", ["from analysis.measures.terms import find_terms", "from ..measures import terms",
                                  "import analysis.measures.terms"])
def test_the_import_rules_would_catch_a_plot_that_imports_a_measure(line):
    bad = PACKAGE / "plots" / "_probe_bad.py"
    bad.write_text(line + "\n", encoding="utf-8")
    try:
        names = _imports(bad)
    finally:
        bad.unlink()
    assert any(name.startswith(FORBIDDEN["plots"]) for name in names)


def _module(path: Path) -> str:
    """A file's module name: analysis/measures/frames.py is analysis.measures.frames, a package's __init__.py
    the package."""
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(paths) -> dict[str, set[str]]:
    """Each module of `paths` and the modules of `paths` it imports, read from the source (an import inside a
    function counts: deferred to call time, it still makes a circle)."""
    modules = {_module(path): path for path in paths}
    return {name: (_imports(path) & modules.keys()) - {name} for name, path in modules.items()}


def import_circle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of `graph` (module -> the modules it imports) as [a, b, ..., a], each importing the next;
    [] when there is none."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return list(reversed(error.args[1]))  # graphlib walks from a module to those that import it
    return []


def test_no_module_of_the_package_imports_itself_through_others():
    circle = import_circle(import_graph(MODULES))
    assert circle == [], "import circle: " + " -> ".join(circle)


def test_the_circle_check_names_a_circle_in_the_order_of_the_imports():
    assert import_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) in (
        ["a", "b", "c", "a"], ["b", "c", "a", "b"], ["c", "a", "b", "c"])
    assert import_circle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_import_graph_counts_an_import_inside_a_function():
    probe = PACKAGE / "measures" / "_probe_deferred.py"
    probe.write_text("def late():\n    from analysis.measures import frames\n", encoding="utf-8")
    try:
        graph = import_graph([probe, PACKAGE / "measures" / "frames.py"])
    finally:
        probe.unlink()
    assert graph == {"analysis.measures._probe_deferred": {"analysis.measures.frames"}, "analysis.measures.frames": set()}


#: The one module that writes files (whole or not at all), and the modules that render bytes for it: the cited
#: outputs, the cache's Parquet, and the coding sheets (sheets.py renders the coding sheets' bytes).
WRITERS = ("files.py", "figures.py", "cache.py", "sheets.py")


def test_only_figures_and_the_cache_write_files():
    writers = ("savefig(", "to_csv(", "to_parquet(", "write_text(", "write_bytes(", "open(")
    offenders = []
    for path in MODULES:
        if path.relative_to(PACKAGE).as_posix() in WRITERS:
            continue
        source = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(PROJECT)}: {word}" for word in writers if word in source]
    assert offenders == []


def test_the_stages_are_folders_one_level_deep():
    stages = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert stages == ["corpus", "language", "measures", "plots"]
    assert not [p for p in PACKAGE.glob("*/*/*.py")]


PUBLIC_FUNCTIONS = [name for name in an.__all__ if inspect.isfunction(getattr(an, name))]


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_every_public_function_documents_its_parameters(name):
    function = getattr(an, name)
    doc = inspect.getdoc(function) or ""
    parameters = [p for p in inspect.signature(function).parameters.values()
                  if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    assert doc, f"{name} has no docstring"
    undocumented = [p.name for p in parameters if p.name not in doc]
    assert undocumented == [], f"{name}: parameters {undocumented} not in its docstring"


@pytest.mark.parametrize("name", [n for n in PUBLIC_FUNCTIONS if n.startswith("plot_")])
def test_plot_functions_take_a_table_then_keywords(name):
    parameters = list(inspect.signature(getattr(an, name)).parameters.values())
    positional = [p for p in parameters if p.kind == p.POSITIONAL_OR_KEYWORD]
    assert 1 <= len(positional) <= 2  # the table (plot_sentence_sentiment also takes its summary)
    if name.endswith("_grid"):
        assert "ax" not in {p.name for p in parameters}
    else:
        assert parameters[-1].name == "ax" and parameters[-1].default is None


MEASURES_WITH_OPTIONS = ["find_terms", "code_frames", "mask_terms", "lexicon_audit", "term_rates", "frame_shares",
                         "article_frame_shares",
                         "agents_named", "agent_categories", "find_attributions"]


@pytest.mark.parametrize("name", MEASURES_WITH_OPTIONS)
def test_lexicons_and_groups_are_keyword_only(name):
    parameters = inspect.signature(getattr(an, name)).parameters
    for option in ("lexicon", "by", "seed", "speakers"):
        if option in parameters:
            assert parameters[option].kind == inspect.Parameter.KEYWORD_ONLY, f"{name}({option}=...)"


def test_pyproject_declares_every_runtime_dependency_the_manifest_records():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {requirement.split(">")[0].split("=")[0].split("<")[0].strip().lower() for requirement in project["dependencies"]}
    assert declared == {name.lower() for name in RUNTIME_DEPENDENCIES}


def test_every_imported_third_party_library_is_declared():
    third_party = set()
    for path in MODULES:
        for name in _imports(path):
            top = name.split(".")[0]
            if top not in ("analysis", "__future__") and top not in __import__("sys").stdlib_module_names:
                third_party.add(top)
    import_names = {"sklearn": "scikit-learn", "vaderSentiment": "vadersentiment", "IPython": "ipython"}
    declared = {name.lower() for name in RUNTIME_DEPENDENCIES}
    assert {import_names.get(name, name).lower() for name in third_party} <= declared


#: Pinned in requirements.txt although nothing imports them: they decide the figures' bytes (PNG encoding, fonts,
#: layout, dates) or the numbers (scikit-learn's solvers), so a later install cannot change a committed figure.
BYTE_SHAPING = {"pillow", "fonttools", "kiwisolver", "contourpy", "cycler", "pyparsing", "python-dateutil",
                "packaging", "tzdata", "joblib", "threadpoolctl", "regex",
                "lxml", "lxml_html_clean", "justext", "htmldate", "courlan"}  # what trafilatura reads pages with
TOOLS = {"jupyterlab", "pytest", "pytest-xdist", "hypothesis"}  # hypothesis: the property-based tests; xdist: both cores


def test_requirements_pin_only_what_runs_or_shapes_the_figures():
    pinned = {line.split("==")[0].strip().lower() for line in (PROJECT / "requirements.txt").read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    unexplained = pinned - {name.lower() for name in RUNTIME_DEPENDENCIES} - BYTE_SHAPING - TOOLS
    assert unexplained == set()


def test_every_shipped_data_file_is_documented_in_the_data_readme():
    readme = (PACKAGE / "data" / "README.md").read_text(encoding="utf-8")
    undocumented = [p.name for p in sorted((PACKAGE / "data").iterdir()) if p.name != "README.md" and f"`{p.name}`" not in readme]
    assert undocumented == []


@pytest.mark.parametrize("path", [PROJECT / "README.md", PACKAGE / "data" / "README.md"], ids=["README", "data README"])
def test_markdown_tables_are_not_broken_by_blank_lines(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = [number + 1 for number in range(1, len(lines) - 1)
              if not lines[number].strip() and lines[number - 1].startswith("|") and lines[number + 1].startswith("|")]
    assert broken == [], f"{path.name}: blank line inside a table at line(s) {broken}"
