"""The shape of the code: `bot`'s rooms import one way (cli → web → telegram → process, then
`core`), `core` never imports `bot` or `storage`, and no module of ours dodges an import circle
by importing inside a function (only `bot/cli/main.py` defers its commands' modules, for start-up
time)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("process", "telegram", "web", "cli")  # each may import the ones before it
DEFERRING = {"bot.cli.main"}  # loads a command's module when the command runs (lean start)


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, whether the import sits inside a function) for each import of ours."""
    tree = ast.parse(path.read_text(), str(path))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                # `from bot.web import miniapp` imports the submodule bot.web.miniapp; the package
                # itself counts only for the names it defines (its __init__ runs first anyway).
                subs = [f"{child.module}.{a.name}" for a in child.names]
                found.extend((name, inner) for name in subs if name in SOURCE_NAMES)
                if any(name not in SOURCE_NAMES for name in subs):
                    found.append((child.module, inner))
            elif isinstance(child, ast.If) and _type_checking(child):
                continue  # annotations only
            visit(child, inner)

    visit(tree, False)
    return [(name, nested) for name, nested in found if name.split(".")[0] in MODULES_TOP]


def _type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


MODULES_TOP = {"bot", "core", "storage"}
SOURCES = {_module(p): p for top in MODULES_TOP for p in sorted((ROOT / top).rglob("*.py"))}
SOURCE_NAMES = set(SOURCES)


def _room(module: str) -> int | None:
    parts = module.split(".")
    return (
        ROOMS.index(parts[1])
        if parts[0] == "bot" and len(parts) > 1 and parts[1] in ROOMS
        else None
    )


def test_bot_rooms_import_only_downwards():
    upward = []
    for module, path in SOURCES.items():
        mine = _room(module)
        for name, _ in _imports(path):
            theirs = _room(name)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{module} imports {name}")
    assert upward == []


def test_every_bot_module_lives_in_a_room():
    loose = [m for m in SOURCES if m.startswith("bot.") and _room(m) is None]
    assert loose == ["bot.__main__"]  # `python -m bot`: the command line's other door


def test_core_imports_neither_bot_nor_storage():
    outward = [
        f"{module} imports {name}"
        for module, path in SOURCES.items()
        if module.startswith("core")
        for name, _ in _imports(path)
        if name.split(".")[0] in ("bot", "storage")
    ]
    assert outward == []


def test_no_import_inside_a_function_dodges_a_circle():
    deferred = [
        f"{module} imports {name} inside a function"
        for module, path in SOURCES.items()
        if module not in DEFERRING
        for name, nested in _imports(path)
        if nested and name.split(".")[0] in ("bot",)
    ]
    assert deferred == []


def test_no_import_circles():
    graph = {
        module: {name for name, nested in _imports(path) if not nested and name in SOURCES}
        for module, path in SOURCES.items()
    }
    circles, state = [], {}

    def walk(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                circles.append(" → ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                walk(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert circles == []
