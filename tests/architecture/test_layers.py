"""The layer rules of README "Architecture", read from the code's own imports: a module
imports only its own app and the layers below it, and nothing imports the bench."""

from __future__ import annotations

import ast
from pathlib import Path

import pult

SRC = Path(pult.__file__).parent

LAYERS: dict[str, tuple[str, ...]] = {
    "kernel": ("core", "accounts", "access", "activity", "notifications", "ui"),
    "base": ("parties", "calendars"),
    "engine": ("work", "pipelines", "desk"),
    "domain": ("orders", "chat", "documents", "newsletters", "reports"),
    "entry": ("api", "config", "cli"),
    "tools": ("presets", "bench"),
}
ORDER = list(LAYERS)
LAYER_OF = {app: layer for layer, apps in LAYERS.items() for app in apps}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _broken(src: Path = SRC) -> list[str]:
    broken = []
    for path in sorted(src.rglob("*.py")):
        parts = path.relative_to(src).parts
        if "migrations" in parts:
            continue
        app = parts[0].removesuffix(".py")
        for name in _imports(path):
            if not name.startswith("pult."):
                continue
            target = name.split(".")[1]
            if target == app:
                continue
            if target == "bench":
                broken.append(f"{path.relative_to(src)} imports the bench ({name})")
                continue
            here, there = LAYER_OF.get(app), LAYER_OF.get(target)
            if here is None or there is None:
                broken.append(f"{path.relative_to(src)}: an app of no layer ({app} → {target})")
            elif ORDER.index(there) > ORDER.index(here) and here not in ("entry", "tools"):
                broken.append(f"{path.relative_to(src)}: {here} imports {name} ({there})")
    return broken


def test_every_app_has_a_layer() -> None:
    apps = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()} | {"cli"}
    assert apps - set(LAYER_OF) == set(), "give the new app its layer in README and here"


def test_no_import_crosses_the_layers_upward() -> None:
    assert _broken() == []


def test_the_check_names_an_upward_import_and_the_bench(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "probe.py").write_text(
        "from pult.work import models\nfrom pult.chat import services\n", encoding="utf-8"
    )
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "probe.py").write_text("import pult.bench.runner\n", encoding="utf-8")
    assert _broken(tmp_path) == [
        "api/probe.py imports the bench (pult.bench.runner)",
        "work/probe.py: engine imports pult.chat (domain)",
    ]
