"""The command layer is thin and acyclic: nothing outside engine/cli imports it, only cli/main.py imports the
command modules, and there is no import circle among them. Every command and option has its Chinese help."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"
SHARED = {"fazhi.cli.options", "fazhi.cli.texts"}  # imported by command modules; they import no CLI module


def module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE).with_suffix("").parts
    return ".".join(("fazhi",) + (parts[:-1] if parts[-1] == "__init__" else parts))


def imports(path: Path) -> set[str]:
    """Every fazhi module a file imports, wherever the import statement is (a function's body too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("fazhi")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("fazhi"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}  # `from fazhi.cli import check`
    return found


MODULES = {module_name(p): imports(p) for p in ENGINE.rglob("*.py")}
CLI = {m for m in MODULES if m.startswith("fazhi.cli.")}


def test_nothing_outside_the_cli_imports_it():
    offenders = {m: sorted(i for i in imported if i == "fazhi.cli" or i.startswith("fazhi.cli."))
                 for m, imported in MODULES.items() if not m.startswith("fazhi.cli") and m != "fazhi.__main__"}
    assert {m: i for m, i in offenders.items() if i} == {}


def test_only_main_imports_command_modules_and_there_is_no_circle():
    graph = {m: {i for i in MODULES[m] if i in CLI} for m in CLI}
    for module, imported in graph.items():
        if module != "fazhi.cli.main":
            assert imported <= SHARED, f"{module} imports {sorted(imported - SHARED)}"
    for module in SHARED:
        assert graph[module] == set(), f"{module} imports {sorted(graph[module])}"
    seen: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import circle: " + " → ".join(path + (module,))
        if module not in seen:
            seen.add(module)
            for nxt in graph[module]:
                visit(nxt, path + (module,))

    for module in graph:
        visit(module, ())


def test_the_check_fails_on_a_circle(tmp_path):
    """The parser sees imports inside functions, which is where the old circle hid."""
    file = tmp_path / "x.py"
    file.write_text("def f():\n    from fazhi.cli.main import cli\n", encoding="utf-8")
    assert "fazhi.cli.main" in imports(file)


def test_every_command_and_option_has_chinese_help():
    from fazhi.cli.main import cli
    from fazhi.cli.texts import commands, zh_text
    missing = []
    for path, command in commands(cli):
        if zh_text(path, None) is None:
            missing.append(path or "fazhi")
        missing += [f"{path} {max(p.opts, key=len)}" for p in command.params
                    if isinstance(p, __import__("click").Option) and p.help and zh_text(path, p) is None]
    assert missing == []


@pytest.mark.parametrize("environ, argv, expected", [
    ({"FAZHI_LANG": "zh", "LANG": "en_US.UTF-8"}, [], "zh"),
    ({"FAZHI_LANG": "en", "LANG": "zh_CN.UTF-8"}, ["--lang", "zh"], "en"),
    ({"LANG": "en_US.UTF-8"}, ["check", "--lang", "zh", "--help"], "zh"),
    ({"LANG": "zh_CN.UTF-8"}, [], "zh"),
    ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, [], "en"),
    ({}, [], "en"),
])
def test_the_language_of_help(environ, argv, expected):
    from fazhi.cli.texts import help_language
    assert help_language(argv, environ) == expected


def test_help_in_chinese_and_back(fazhi, monkeypatch):
    monkeypatch.setenv("FAZHI_LANG", "zh")
    code, out, _ = fazhi("memo", "--help")
    assert code == 0 and "生成整改方案" in out and "扩展名决定格式" in out and "Write the remediation" not in out
    monkeypatch.setenv("FAZHI_LANG", "en")
    code, out, _ = fazhi("memo", "--help")
    assert code == 0 and "Write the remediation memo" in out and "生成整改方案" not in out
